"""The dashboard's words and rows (dashboard/text.py)."""
from dashboard.text import banner_text, chance_sentence, chance_texts, chart_rows, comparison_rows, escape_markdown
from model import rank
from model.formatting import natural_frequency
from model.text.labels import LEVEL_TITLES
from tests.support.cases import quiet

CASE = {"age": "under_40", "caffeine": "high", "twitching": "yes", "sleep": "poor"}


def test_banner_has_the_level_and_every_reason(ranker):
    ranking = rank(quiet(atrophy="yes", twitch_duration="months"))
    text = banner_text(ranking, ranker.vocabulary)
    assert text.startswith(f"**{LEVEL_TITLES['prompt_evaluation']}** – {ranker.vocabulary.triage_levels['prompt_evaluation']}")
    assert [line[2:] for line in text.splitlines() if line.startswith("- ")] == list(ranking.triage.reasons)


def test_chances_are_natural_frequencies_beside_the_base_rate(ranker):
    ranking = rank(CASE)
    with_answers, base = chance_texts(ranking, ranker.vocabulary)
    assert with_answers == natural_frequency(ranking.high_priority.probability).capitalize() + " people with these answers"
    assert base.endswith("people aged under 40") and natural_frequency(ranking.base_rate)[1:] in base
    assert chance_texts(rank({}), ranker.vocabulary)[1].endswith("adults of any age")
    sentence = chance_sentence(ranking, ranker.vocabulary)
    assert sentence.startswith(with_answers + ", against a base rate of about 1 in ") and sentence.endswith("under 40.")


def test_chart_and_comparison_rows_follow_the_ranking(ranker):
    ranking = rank(CASE)
    rows = chart_rows(ranking)
    assert [(r["id"], r["probability"]) for r in rows] == [(c.id, c.probability) for c in ranking.causes]
    session = ranker.with_overrides({"caffeine_effect.given.caffeine.high": 0.3}).rank(CASE)
    both = comparison_rows(ranking, session)
    assert [r["id"] for r in both] == [c.id for c in session.causes]
    first = both[[r["id"] for r in both].index("caffeine_effect")]
    assert first["probability"] == session.probability("caffeine_effect")


def test_escaped_markdown_shows_literally():
    assert escape_markdown("[x](http://a) *b* `c`") == r"\[x\]\(http://a\) \*b\* \`c\`"
