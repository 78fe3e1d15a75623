"""The project's own clinical cases (tests/clinical_cases.toml) through the public API."""
import tomllib
from pathlib import Path

import pytest

from model import rank
from model.triage import LEVELS, PROMPT, RULES
from tests.support.cases import QUIET

CASES_PATH = Path(__file__).with_name("clinical_cases.toml")
CASES = tomllib.loads(CASES_PATH.read_text())["case"]


def evidence_of(case: dict) -> dict:
    return {**QUIET, **case["answers"]} if case["profile"] == "full" else dict(case["answers"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    result = rank(evidence_of(case)).to_dict()
    ids = [c["id"] for c in result["causes"]]
    hp = result["high_priority"]["probability"]
    if "top1" in case:
        assert ids[0] in case["top1"], f"first cause {ids[0]}"
    if "top3" in case:
        assert set(case["top3"]) <= set(ids[:3]), f"top three {ids[:3]}"
    if "not_top1" in case:
        assert ids[0] not in case["not_top1"], f"first cause {ids[0]}"
    assert result["triage"]["level"] in case["triage"]
    if "hp_below" in case:
        assert hp < case["hp_below"]
    if "hp_above" in case:
        assert hp > case["hp_above"]


def test_cases_cover_every_cause_red_flag_and_level(ranker):
    """The case file itself must cover every cause, every red flag and every triage level."""
    expected_top = {c for case in CASES for c in case.get("top1", []) + case.get("top3", [])}
    hp_cases = [c for c in CASES if "hp_above" in c]
    assert expected_top | ({ranker.high_priority} if hp_cases else set()) >= set(ranker.causes)
    red_flags = {(r.input, r.state) for r in RULES if r.level >= PROMPT}
    flags = {(i, s) for case in CASES for (i, s) in evidence_of(case).items() if (i, s) in red_flags}
    assert flags == red_flags
    assert {lvl for case in CASES for lvl in case["triage"]} == set(LEVELS)
    assert len(CASES) >= 50


def test_cases_cover_the_new_inputs_and_partial_answers():
    """Every input of the vocabulary is answered somewhere, and most new cases are partial (3-8 answers)."""
    from model.vocabulary import load_vocabulary

    answered = {i for case in CASES for i in evidence_of(case)}
    assert answered == set(load_vocabulary().inputs)
    sparse = [c for c in CASES if c["profile"] == "sparse" and 3 <= len(c["answers"]) <= 8]
    assert len(sparse) >= 25
