"""Sensitivity: the reported turning points are real."""
import pytest

from model.analyses import sensitivity
from tests.support.cases import quiet


@pytest.fixture(scope="module")
def close_call(ranker):
    case = {"caffeine": "high", "exertion": "intense", "twitching": "yes"}  # two triggers of similar strength
    return case, sensitivity(ranker, case)


def test_every_number_with_a_range_is_swept(ranker, close_call):
    _, entries = close_call
    swept = {e.parameter for e in entries}
    assert swept == {p.id for p in ranker.priors.parameters if p.high > p.low}


def test_a_graded_chance_is_swept_only_as_far_as_the_grades_can_sum_to_one(ranker, close_call):
    case, entries = close_call
    priors = ranker.priors
    for e in entries:
        p = priors.parameter(e.parameter)
        assert e.range[0] == p.low and p.value <= e.range[1] <= p.high
    # with the subjective grade at the top of its range, the progressive grade can no longer
    # reach the top of its own: the sweep stops where the two sum to 1
    subjective, progressive = ("weakness.given.neuromuscular_disease." + g for g in ("subjective", "progressive"))
    edited = ranker.with_overrides({subjective: priors.parameter(subjective).high})
    swept = {e.parameter: e for e in sensitivity(edited, case)}
    top = swept[progressive].range[1]
    assert top == pytest.approx(1 - priors.parameter(subjective).high)
    assert top < priors.parameter(progressive).high
    edited.with_overrides({progressive: top})  # the top of the swept range is a valid network


def test_reported_turning_points_change_the_top_cause(ranker, close_call):
    case, entries = close_call
    top = ranker.rank(case).causes[0].id
    flips = [e for e in entries if e.top_changes_at is not None]
    assert flips, "exercise and caffeine are close: some number must be able to swap them"
    for e in flips[:5]:
        at, value = e.top_changes_at, e.value
        step = 1e-4 * (e.range[1] - e.range[0])
        beyond = at + step if at > value else at - step
        before = at - step if at > value else at + step
        assert ranker.with_overrides({e.parameter: beyond}).rank(case).causes[0].id == e.new_top != top
        assert ranker.with_overrides({e.parameter: before}).rank(case).causes[0].id == top


def test_entries_that_change_something_come_first(close_call):
    _, entries = close_call
    changes = [e.changes_something for e in entries]
    assert changes == sorted(changes, reverse=True)


def test_triage_turning_point(ranker):
    case = {"age": "over_60", "twitching": "yes", "twitch_duration": "weeks", "cramps": "yes"}
    entries = sensitivity(ranker, case)
    threshold = next(e for e in entries if e.parameter == "triage.see_doctor_above")
    ranking = ranker.rank(case)
    hp = ranking.high_priority.probability
    # the scenario: the chance lies inside the threshold's range, so moving the threshold past
    # it must change the advice between self-care and a routine appointment
    assert threshold.range[0] < hp < threshold.range[1]
    assert threshold.triage_changes_at is not None and threshold.triage_changes_at == pytest.approx(hp, rel=1e-4)
    assert {ranking.triage.level, threshold.new_triage} == {"self_care", "see_doctor"}
    moved = ranker.with_overrides({"triage.see_doctor_above": threshold.triage_changes_at})
    assert moved.rank(case).triage.level == threshold.new_triage


def test_the_top_cause_of_each_draw_breaks_ties_by_id(ranker, monkeypatch):
    import numpy as np

    from model.analyses.sensitivity import _evaluate

    real = ranker.present
    s, c = ranker.causes.index("stress_anxiety"), ranker.causes.index("caffeine_effect")

    def tied(post):
        probs = real(post)
        probs[:, s], probs[:, c] = 0.9 + 1e-16, 0.9  # noise in favour of the earlier column
        return probs

    monkeypatch.setattr(ranker, "present", tied)
    case = quiet(stress="high", caffeine="high")
    result = _evaluate(ranker, case, np.asarray(ranker.priors.values, dtype=float)[None].repeat(3, axis=0))
    assert [ranker.causes[t] for t in result.top] == ["caffeine_effect"] * 3
