"""The dashboard's words and rows (dashboard/text.py)."""
from datetime import date

from dashboard.text import (
    advice_heading,
    banner_body,
    banner_kind,
    chart_rows,
    chart_summary,
    comparison_rows,
    escape_markdown,
    leading_sentence,
    level_name,
    screen_note,
    strength_rows,
    strength_table,
    table_rows,
    timeline_rows,
)
from model import rank
from model.diary.learn import learn
from model.formatting import percent
from model.interview import QUESTION_SCREEN, Screen
from model.text import ADVICE, result_text
from tests.support.cases import quiet

CASE = {"age": "under_40", "caffeine": "high", "twitching": "yes", "sleep": "poor"}


def test_every_level_has_its_own_symbol_and_words_not_only_a_colour(ranker):
    advice = list(ADVICE.values())
    assert len({a.symbol for a in advice}) == len({advice_heading(a) for a in advice}) == len(advice)
    assert advice_heading(ADVICE["emergency"]) == "Emergency – Call the emergency number now"
    assert banner_kind(ADVICE["emergency"]) == banner_kind(ADVICE["prompt_evaluation"]) == "error"
    words = result_text(rank({"twitching": "yes"}), ranker.vocabulary, asked=frozenset())
    assert level_name(words.advice) == "Not yet" and banner_kind(words.advice) == "info"


def test_the_banner_says_what_to_do_then_every_reason(ranker):
    ranking = rank(quiet(atrophy="yes", twitch_duration="months"))
    words = result_text(ranking, ranker.vocabulary)
    body = banner_body(words)
    assert body.startswith("**Prompt evaluation – See a doctor within the next few days**")
    assert [line[2:] for line in body.splitlines() if line.startswith("- ")] == list(ranking.triage.reasons)


def test_before_the_warning_signs_the_banner_names_the_open_ones_and_gives_no_verdict(ranker):
    words = result_text(rank({"twitching": "yes"}), ranker.vocabulary, asked=frozenset({"twitching"}))
    body = banner_body(words)
    assert "no advice" in body and "weakness that is getting worse" in body
    assert "None of your answers is a warning sign" not in body and "benign" not in body.lower()


def test_the_likely_cause_comes_first_in_words(ranker):
    words = result_text(rank(CASE), ranker.vocabulary)
    assert leading_sentence(words) == f"Most likely: **{words.leading[0]}**. Also possible: " + \
        ", ".join(words.leading[1:]) + "."


def test_chart_rows_carry_their_own_descriptions_in_rank_order(ranker):
    ranking = rank(CASE, detail=True)
    rows = chart_rows(ranking)
    assert [(r["id"], r["probability"]) for r in rows] == [(c.id, c.probability) for c in ranking.causes]
    assert rows[0]["description"].startswith(f"1. Caffeine: {percent(ranking.causes[0].probability)}")
    assert all(r["low"] <= r["probability"] <= r["high"] for r in rows)
    assert [t["Chance"] for t in table_rows(rows)] == [percent(c.probability) for c in ranking.causes]
    assert "Caffeine" in chart_summary(rows) and str(len(rows)) in chart_summary(rows)


def test_comparison_rows_follow_the_session_ranking(ranker):
    ranking = rank(CASE)
    session = ranker.with_overrides({"caffeine_effect.given.caffeine.high": 0.3}).rank(CASE)
    both = comparison_rows(ranking, session)
    assert [r["id"] for r in both] == [c.id for c in session.causes]
    first = both[[r["id"] for r in both].index("caffeine_effect")]
    assert first["probability"] == session.probability("caffeine_effect")


def test_a_question_that_contradicts_an_earlier_answer_gets_a_note(ranker):
    duration = Screen(QUESTION_SCREEN, ("twitch_duration",))
    assert "no twitching now" in screen_note(duration, {"twitching": "no"}, ranker.vocabulary)
    assert screen_note(duration, {"twitching": "yes"}, ranker.vocabulary) == ""
    assert "no twitching now" in screen_note(Screen(QUESTION_SCREEN, ("caffeine",)), {"twitching": "no"},
                                             ranker.vocabulary)


def test_escaped_markdown_shows_literally():
    assert escape_markdown("[x](http://a) *b* `c`") == r"\[x\]\(http://a\) \*b\* \`c\`"


def test_the_timeline_has_a_cell_only_for_what_was_logged(ranker):
    days = [(date(2026, 11, 2), {"twitching": "yes", "caffeine": "high"}), (date(2026, 11, 4), {"sleep": "good"})]
    rows = timeline_rows(days, ranker.vocabulary)
    cells = {(r["day"], r["row"]): r["status"] for r in rows}
    assert cells == {("2026-11-02", "Twitching"): "Twitching", ("2026-11-02", "Caffeine most days"): "Trigger",
                     ("2026-11-04", "Sleep lately"): "Usual"}  # 3 November and every unanswered question: no cell


def test_strength_rows_carry_learns_numbers_unchanged(ranker):
    days = [(date(2026, 10, 1 + k), {"twitching": "yes" if k % 2 else "no", "caffeine": "high" if k % 2 else "none"})
            for k in range(20)]
    learned = learn(ranker, days, 10.0, 5, 5)
    rows = strength_rows(learned, ranker.vocabulary, ranker.priors.causes)
    exposed = [s for s in learned.triggers if s.days_exposed]
    assert len(rows) == len(exposed) and [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    by_name = {r["name"]: r for r in rows}
    for s in exposed:
        row = next(r for name, r in by_name.items() if name.startswith(ranker.vocabulary.inputs[s.link.input].question))
        assert (row["personal"], row["low"], row["high"], row["population"]) == (s.personal, *s.interval, s.population)
    table = strength_table(rows)
    assert table[0]["Yours"] == percent(rows[0]["personal"]) and table[0]["Most people"] == percent(rows[0]["population"])
