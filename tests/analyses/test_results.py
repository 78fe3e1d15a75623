"""The analyses' records (model/analyses/results.py) and add_detail: typed in Python, and exactly
the interface's JSON keys out."""
import json

import pytest

from model import rank
from model.analyses import Detail, HowSure, NextQuestion, SensitivityEntry, WhatIf


@pytest.fixture(scope="module")
def detailed():
    return rank({"caffeine": "high", "twitching": "yes", "stress": "moderate"}, detail=True)


def test_detail_is_typed_and_frozen(detailed):
    d = detailed.detail
    assert isinstance(d, Detail) and isinstance(d.how_sure, HowSure)
    assert all(isinstance(w, WhatIf) for w in d.what_if) and all(isinstance(q, NextQuestion) for q in d.next_questions)
    with pytest.raises(AttributeError):
        d.how_sure.draws = 5  # type: ignore[misc]


def test_the_json_keys_are_the_interfaces(detailed):
    data = json.loads(detailed.to_json())
    for c in data["causes"]:
        assert {"id", "label", "probability", "interval", "rank_stability"} == set(c)
        lo, hi = c["interval"]
        assert 0 <= lo <= hi <= 1
    assert set(data["how_sure"]) == {"draws", "seed", "top_cause", "top_stays_first", "triage_stays"}
    assert [set(w) for w in data["what_if"]] == [{"input", "from", "to", "twitching_stops"}] * len(data["what_if"])
    assert {w["input"] for w in data["what_if"]} == {"caffeine", "stress"}
    for q in data["next_questions"]:
        assert set(q) == {"input", "question", "information_gain", "most_affected", "answers"}
        assert sum(q["answers"].values()) == pytest.approx(1)


def test_a_sensitivity_entry_reports_changes_only_when_there_are_some():
    quiet = SensitivityEntry("x", 0.3, (0.1, 0.5), True, "caffeine_effect", 0.6, 0.7, 0.001, 0.001)
    assert "top_changes_by" not in quiet.to_dict() and not quiet.changes_something
    assert quiet.swing == pytest.approx(0.1)
    flip = SensitivityEntry("x", 0.3, (0.1, 0.5), True, "caffeine_effect", 0.6, 0.4, 0.001, 0.001,
                            top_changes_at=0.45, new_top="stress_anxiety")
    data = flip.to_dict()
    assert data["top_changes_by"] == pytest.approx(0.15) and data["new_top"] == "stress_anxiety"
    assert list(data)[-1] == "swing" and data["range"] == [0.1, 0.5]
