"""The report for a doctor (Markdown) and the CLI table (model/text/report.py)."""
import re

from model import rank
from model.formatting import natural_frequency, percent
from model.text.labels import LEVEL_TITLES, display_label
from model.text.report import markdown_report
from tests.support.cases import quiet

CASE = {"age": "under_40", "caffeine": "high", "twitching": "yes", "sleep": "poor"}


def test_report_carries_the_ranking_in_order(ranker):
    ranking = rank(CASE)
    text = markdown_report(ranking, ranker)
    rows = re.findall(r"^\| (\d+) \| (.+) \| (.+) \|$", text, flags=re.M)
    assert [(int(n), label, p) for n, label, p in rows] == [
        (i, display_label(c.label), percent(c.probability)) for i, c in enumerate(ranking.causes, 1)]


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
    file_value = ranker.priors.parameter("caffeine_effect.given.caffeine.high").value
    assert f"| caffeine_effect.given.caffeine.high | {file_value:g} | 0.3 |" in text
    assert percent(session.rank(CASE).probability("caffeine_effect")) in text


def test_report_without_answers(ranker):
    text = markdown_report(rank({}), ranker)
    assert "No questions answered." in text and "What points to" not in text
