"""The Markdown report, the guidance per cause, and the words the dashboard shows."""
import re

import pytest

from model import InputError, rank
from model.dashboard_text import (
    banner_text,
    chance_sentence,
    chance_texts,
    chart_rows,
    comparison_rows,
    escape_markdown,
)
from model.frequency import natural_frequency
from model.guidance import display_label, load_guidance
from model.report import LEVEL_TITLES, _pct, markdown_report

from .conftest import quiet

CASE = {"age": "under_40", "caffeine": "high", "twitching": "yes", "sleep": "poor"}


# ----------------------------------------------------------------------------- markdown_report
def test_report_carries_the_ranking_in_order(ranker):
    ranking = rank(CASE)
    text = markdown_report(ranking, ranker)
    rows = re.findall(r"^\| (\d+) \| (.+) \| (.+) \|$", text, flags=re.M)
    assert [(int(n), label, p) for n, label, p in rows] == [
        (i, display_label(c.label), _pct(c.probability)) for i, c in enumerate(ranking.causes, 1)]


def test_report_states_triage_reasons_and_chances(ranker):
    ranking = rank(quiet(atrophy="yes"))
    text = markdown_report(ranking, ranker)
    assert f"**{LEVEL_TITLES['prompt_evaluation']}**" in text
    for reason in ranking.triage.reasons:
        assert f"- {reason}" in text
    assert natural_frequency(ranking.high_priority.probability) in text
    assert natural_frequency(ranking.base_rate) in text
    assert text.index("## Triage") < text.index("## Likely causes")


def test_report_lists_the_answers_and_counts_the_rest(ranker):
    text = markdown_report(rank(CASE), ranker)
    for input_id, state in CASE.items():
        spec = ranker.vocabulary.inputs[input_id]
        assert f"| {spec.question} | {spec.label_of(state)} |" in text
    assert f"{len(ranker.vocabulary.inputs) - len(CASE)} questions were left as \"Not sure\"" in text
    assert "**Caffeine**" in text and "raised it from" in text  # what drove the leading cause


def test_report_names_session_overrides_only_when_there_are_some(ranker):
    assert "changed for this session" not in markdown_report(rank(CASE), ranker)
    overrides = {"caffeine_effect.given.caffeine.high": 0.3}
    session = ranker.with_overrides(overrides)
    text = markdown_report(session.rank(CASE), session, overrides)
    assert "| caffeine_effect.given.caffeine.high | 0.12 | 0.3 |" in text
    assert _pct(session.rank(CASE).probability("caffeine_effect")) in text


def test_report_without_answers(ranker):
    text = markdown_report(rank({}), ranker)
    assert "No questions answered." in text and "What points to" not in text


# ----------------------------------------------------------------------------- guidance
def test_every_ranked_cause_has_guidance(ranker):
    guidance = load_guidance(ranker.causes)
    assert list(guidance) == list(ranker.causes) and "systemic_illness" in guidance
    for g in guidance.values():
        assert len(g.what) > 80 and "  " not in g.what
        assert g.advice and all(tip.strip().endswith((".", ")")) for tip in g.advice)


def test_medicines_are_never_stopped_without_the_doctor(ranker):
    guidance = load_guidance(ranker.causes)
    for cause in ("medication_side_effect", "low_potassium", "low_magnesium"):
        assert any("Never stop a prescribed medicine without your doctor" in tip for tip in guidance[cause].advice)
    medicine = re.compile(r"medicine|diuretic|inhaler|antidepressant|SSRI", re.I)
    for g in guidance.values():
        for sentence in re.split(r"(?<=\.)\s+", " ".join(g.advice)):
            if re.search(r"\bstop", sentence, re.I) and medicine.search(sentence):
                assert re.search(r"never stop|do not stop|without your doctor", sentence, re.I), sentence


def test_the_high_priority_cause_is_described_calmly(ranker):
    text = load_guidance(ranker.causes)["neuromuscular_disease"].what
    assert "rare" in text and "very rarely" in text


def test_guidance_loader_refuses_a_malformed_file(tmp_path, ranker):
    bad = tmp_path / "guidance.toml"
    bad.write_text('[caffeine_effect]\nwhat = "Caffeine."\n')
    with pytest.raises(InputError, match=r"\[caffeine_effect\].*try"):
        load_guidance(path=bad)
    bad.write_text('[caffeine_effect]\nwhat = "Caffeine."\ntry = ["Less."]\n')
    with pytest.raises(InputError, match="missing causes"):
        load_guidance(ranker.causes, path=bad)
    with pytest.raises(InputError, match="unknown causes.*caffeine_effect"):
        load_guidance([], path=bad)


def test_display_label_drops_the_node_suffix(ranker):
    label = ranker.priors.causes["neuromuscular_disease"]
    assert label.endswith(": the high-priority node")
    assert display_label(label) == "Serious neuromuscular condition (e.g. motor neuron disease)"
    assert display_label("Caffeine") == "Caffeine"


# ----------------------------------------------------------------------------- dashboard words
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
