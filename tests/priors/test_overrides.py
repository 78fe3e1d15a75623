"""Session overrides (model/priors/overrides.py): every rule the loader enforces on files holds for
overrides too, one share of a distribution moves at a time, and the files are never touched."""
from __future__ import annotations

import pytest

from model import PriorsError
from model.priors import apply_overrides, load_priors, set_override

CAFFEINE_HIGH = "caffeine_effect.given.caffeine.high"
SUBJECTIVE, PROGRESSIVE = ("weakness.given.neuromuscular_disease." + s for s in ("subjective", "progressive"))


@pytest.fixture(scope="module")
def priors():
    return load_priors()


def shares(priors, values, node="caffeine"):
    return [values[priors.index(f"{node}.prior.{s}")] for s in ("none", "moderate", "high")]


def test_one_share_set_rescales_the_others(priors):
    values = apply_overrides(priors, {"caffeine.prior.high": 0.3})
    got = shares(priors, values)
    before = shares(priors, priors.values)
    assert got[2] == 0.3 and sum(got) == pytest.approx(1, abs=1e-12)
    assert got[0] / got[1] == pytest.approx(before[0] / before[1])  # the rest keep their proportions


def test_a_whole_distribution_is_used_as_given_or_refused(priors):
    whole = {"caffeine.prior.none": 0.2, "caffeine.prior.moderate": 0.5, "caffeine.prior.high": 0.3}
    assert shares(priors, apply_overrides(priors, whole)) == [0.2, 0.5, 0.3]
    with pytest.raises(PriorsError, match="sum to 1.1"):
        apply_overrides(priors, {**whole, "caffeine.prior.none": 0.3})


@pytest.mark.parametrize("overrides, words", [
    ({"caffeine.prior.hihg": 0.3}, "did you mean caffeine.prior.high"),
    ({"caffeine.prior.high": 1.5}, "not a probability"),
    ({"caffeine.prior.high": float("nan")}, "not a probability"),
    ({"caffeine.prior.high": True}, "not a probability"),
    ({SUBJECTIVE: 0.45, PROGRESSIVE: 0.8}, r"weakness.given.neuromuscular_disease: the chances of the grades would add up to 1.25"),
    ({"triage.prompt_evaluation_above": 0.01, "triage.see_doctor_above": 0.011}, "see-a-doctor threshold"),
    (["caffeine.prior.high"], "mapping"),
])
def test_overrides_that_break_a_rule_are_refused_by_name(priors, overrides, words):
    with pytest.raises(PriorsError, match=words):
        apply_overrides(priors, overrides)


def test_the_ranker_refuses_them_too(ranker):
    """The invariants live in the library: the API refuses what the dashboard refuses."""
    with pytest.raises(PriorsError, match="threshold"):
        ranker.with_overrides({"triage.prompt_evaluation_above": 0.001})
    with pytest.raises(PriorsError, match="add up to"):
        ranker.with_overrides({PROGRESSIVE: 0.9})


def test_set_override_keeps_one_share_of_a_distribution(priors):
    new, dropped = set_override(priors, {}, "caffeine.prior.high", 0.12)
    assert new == {"caffeine.prior.high": 0.12} and dropped == []
    new, dropped = set_override(priors, new, "caffeine.prior.none", 0.08)
    assert new == {"caffeine.prior.none": 0.08} and dropped == ["caffeine.prior.high"]
    got = shares(priors, apply_overrides(priors, new))
    assert got[0] == pytest.approx(0.08) and sum(got) == pytest.approx(1)
    back = priors.parameter("caffeine.prior.none").value
    assert set_override(priors, new, "caffeine.prior.none", back)[0] == {}  # back to the file's value: dropped


def test_set_override_keeps_to_the_numbers_range(priors):
    p = priors.parameter(CAFFEINE_HIGH)
    with pytest.raises(PriorsError, match="outside its range"):
        set_override(priors, {}, CAFFEINE_HIGH, p.high + 0.01)
    with pytest.raises(PriorsError, match="add up to 1.1"):  # both within their ranges, too much together
        set_override(priors, {SUBJECTIVE: 0.35}, PROGRESSIVE, 0.75)


def test_overrides_build_on_the_numbers_in_use(ranker):
    once = ranker.with_overrides({"caffeine.prior.high": 0.3})
    twice = once.with_overrides({CAFFEINE_HIGH: 0.6})
    values = twice.priors.values
    assert values[twice.priors.index("caffeine.prior.high")] == pytest.approx(0.3)
    assert values[twice.priors.index(CAFFEINE_HIGH)] == 0.6
    assert twice.priors.parameter(CAFFEINE_HIGH).value == ranker.priors.parameter(CAFFEINE_HIGH).value  # files' value kept
