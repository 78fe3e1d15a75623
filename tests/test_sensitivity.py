"""Sensitivity: the reported turning points are real."""
import pytest

from model.analyses import sensitivity


@pytest.fixture(scope="module")
def close_call(ranker):
    case = {"caffeine": "high", "exertion": "intense", "twitching": "yes"}  # two triggers of similar strength
    return case, sensitivity(ranker, case)


def test_every_number_with_a_range_is_swept(ranker, close_call):
    _, entries = close_call
    swept = {e["parameter"] for e in entries}
    assert swept == {p.id for p in ranker.priors.parameters if p.high > p.low}


def test_reported_turning_points_change_the_top_cause(ranker, close_call):
    case, entries = close_call
    top = ranker.rank(case).causes[0].id
    flips = [e for e in entries if e["top_changes_at"] is not None]
    assert flips, "exercise and caffeine are close: some number must be able to swap them"
    for e in flips[:5]:
        at, value = e["top_changes_at"], e["value"]
        step = 1e-4 * (e["range"][1] - e["range"][0])
        beyond = at + step if at > value else at - step
        before = at - step if at > value else at + step
        assert ranker.with_overrides({e["parameter"]: beyond}).rank(case).causes[0].id == e["new_top"] != top
        assert ranker.with_overrides({e["parameter"]: before}).rank(case).causes[0].id == top


def test_entries_that_change_something_come_first(close_call):
    _, entries = close_call
    changes = [e["top_changes_at"] is not None or e["triage_changes_at"] is not None for e in entries]
    assert changes == sorted(changes, reverse=True)


def test_triage_turning_point(ranker):
    case = {"age": "over_60", "twitching": "yes", "twitch_duration": "weeks", "cramps": "yes"}
    entries = sensitivity(ranker, case)
    threshold = next(e for e in entries if e["parameter"] == "triage.see_doctor_above")
    level = ranker.rank(case).triage.level
    if threshold["triage_changes_at"] is not None:
        moved = ranker.with_overrides({"triage.see_doctor_above": threshold["triage_changes_at"]})
        assert moved.rank(case).triage.level == threshold["new_triage"] != level
