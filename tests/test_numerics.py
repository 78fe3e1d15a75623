"""Numerical edges: priors at 0, 1 and 1e-12 still give exact posteriors; impossible answers are refused.

Each variant edits a copy of priors/ (widening the entry's range so the loader accepts
the number) and is checked against pgmpy's exact `VariableElimination` on
`ranker.network`, to 1e-9 absolute (the interface's promise) and 1e-6 relative (so
that posteriors of order 1e-12 are exact too, not merely small). pgmpy silently
returns a distribution for impossible evidence, so impossibility is checked from
P(evidence) = 0 in a joint query instead: the ranker must refuse exactly those cases.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import ImpossibleEvidenceError, InputError, Ranker
from model.priors import load_priors
from tests.support.strategies import INPUTS, copy_priors, set_distribution, set_number, tally, valid_cases

CAUSES, EXPOSURES, FINDINGS, TRIAGE = "causes.toml", "exposures.toml", "findings.toml", "triage.toml"

# name -> list of edits (set_number / set_distribution arguments)
VARIANTS = {
    "exposure prior at 0": [("dist", EXPOSURES, ("caffeine", "prior"), {"none": 0.0, "moderate": 0.9, "high": 0.1})],
    "exposure prior at 1": [("dist", EXPOSURES, ("caffeine", "prior"), {"none": 0.0, "moderate": 0.0, "high": 1.0})],
    "exposure prior at 1e-12": [("dist", EXPOSURES, ("caffeine", "prior"),
                                 {"none": 0.1, "moderate": 0.9 - 1e-12, "high": 1e-12})],
    "cause baseline at 0": [("num", CAUSES, ("caffeine_effect", "baseline"), 0.0)],
    "cause baseline at 1": [("num", CAUSES, ("caffeine_effect", "baseline"), 1.0)],
    "high-priority cause at 1e-12": [("num", CAUSES, ("neuromuscular_disease", "baseline"), 1e-12),
                                     ("num", CAUSES, ("neuromuscular_disease", "given", "age", "40_to_60"), 1e-12),
                                     ("num", CAUSES, ("neuromuscular_disease", "given", "age", "over_60"), 1e-12)],
    "high-priority cause at 0": [("num", CAUSES, ("neuromuscular_disease", "baseline"), 0.0),
                                 ("num", CAUSES, ("neuromuscular_disease", "given", "age", "40_to_60"), 0.0),
                                 ("num", CAUSES, ("neuromuscular_disease", "given", "age", "over_60"), 0.0)],
    "cause link at 1": [("num", CAUSES, ("caffeine_effect", "given", "caffeine", "high"), 1.0)],
    "finding baseline at 0": [("num", FINDINGS, ("twitching", "baseline"), 0.0)],
    "finding baseline at 1": [("num", FINDINGS, ("twitching", "baseline"), 1.0)],
    "finding baseline at 1e-12": [("num", FINDINGS, ("twitching", "baseline"), 1e-12),
                                  ("num", FINDINGS, ("atrophy", "baseline"), 1e-12)],
    "finding link at 1": [("num", FINDINGS, ("twitching", "given", "caffeine_effect"), 1.0)],
    "finding link at 0": [("num", FINDINGS, ("atrophy", "given", "neuromuscular_disease"), 0.0)],
    "graded finding at 1": [("dist", FINDINGS, ("weakness", "baseline"), {"subjective": 1.0, "progressive": 0.0})],
    "graded finding at 0": [("dist", FINDINGS, ("weakness", "baseline"), {"subjective": 0.0, "progressive": 0.0})],
    "triage thresholds at 0": [("num", TRIAGE, ("see_doctor_above",), 0.0), ("num", TRIAGE, ("prompt_evaluation_above",), 0.0)],
    "triage thresholds at 1": [("num", TRIAGE, ("see_doctor_above",), 1.0), ("num", TRIAGE, ("prompt_evaluation_above",), 1.0)],
}

CASES = [
    {}, {"caffeine": "none"}, {"caffeine": "high"}, {"twitching": "no"}, {"twitching": "yes"},
    {"caffeine": "high", "twitching": "yes"}, {"caffeine": "none", "twitching": "yes", "weakness": "none"},
    {"weakness": "subjective"}, {"weakness": "none"}, {"atrophy": "yes", "age": "over_60"},
    {"twitching": "yes", "weakness": "progressive", "age": "under_40", "speech_swallowing": "yes"},
    {"twitch_duration": "months", "potassium": "low", "diuretic": "yes"},
]


COUNTS, report_counts = tally("numerics counts")


def apply(folder, edits) -> None:
    for kind, file, entry, value in edits:
        if kind == "dist":
            set_distribution(folder, file, entry, value)
        else:
            set_number(folder, file, entry, value)


@pytest.fixture(scope="module")
def edge(tmp_path_factory):
    """name -> (ranker, pgmpy VariableElimination) for every variant, built once."""
    from pgmpy.inference import VariableElimination

    out = {}
    for name, edits in VARIANTS.items():
        folder = copy_priors(tmp_path_factory.mktemp("edge") / "priors")
        apply(folder, edits)
        ranker = Ranker(load_priors(folder))
        out[name] = (ranker, VariableElimination(ranker.network))
    return out


def p_evidence(ve, case: dict) -> float:
    if not case:
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        joint = ve.query(list(case), joint=True, show_progress=False)
    return float(joint.get_value(**case))


def pgmpy_posteriors(ranker, ve, case: dict) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = ve.query(ranker.causes, evidence=case or None, joint=False, show_progress=False)
    return {c: float(q[c].values[list(q[c].state_names[c]).index("present")]) for c in ranker.causes}


def check_case(ranker, ve, case: dict) -> str:
    """Exact against pgmpy, or refused exactly when P(evidence) = 0."""
    pe = p_evidence(ve, case)
    try:
        result = ranker.rank(case)
    except ImpossibleEvidenceError as exc:
        COUNTS["edge cases refused as impossible (P(evidence) = 0)"] += 1
        assert pe == 0.0, f"refused a possible case (P(evidence) = {pe:.3g}): {case}"
        assert "these answers are impossible under the model" in str(exc)
        return "impossible"
    assert pe > 0.0, f"ranked a case of probability zero: {case}"
    expected = pgmpy_posteriors(ranker, ve, case)
    COUNTS["edge cases compared with pgmpy"] += 1
    for c in ranker.causes:
        got = result.probability(c)
        assert math.isfinite(got) and 0.0 <= got <= 1.0
        assert abs(got - expected[c]) <= 1e-9 + 1e-6 * expected[c], (c, got, expected[c], case)
    return "ranked"


@pytest.mark.parametrize("name", list(VARIANTS))
def test_edge_priors_load_and_stay_exact(edge, name):
    ranker, ve = edge[name]
    outcomes = [check_case(ranker, ve, case) for case in CASES]
    assert "ranked" in outcomes
    # rank_frame gives the same numbers and refuses or reports the same impossible rows
    frame = pd.DataFrame([{k: c.get(k) for k in INPUTS} for c in CASES], dtype=object)
    out = ranker.rank_frame(frame, errors="skip")
    impossible = [i for i, o in enumerate(outcomes) if o == "impossible"]
    assert sorted(out.attrs["bad_positions"]) == impossible
    for i in (i for i, o in enumerate(outcomes) if o == "ranked"):
        single = ranker.rank(CASES[i])
        for c in ranker.causes:
            # one case against a batch: the v2 network's graded findings with an age parent give
            # signed terms whose rounding reaches ~2e-12 at these edges (the contract asks 1e-9)
            assert out.loc[i, c] == pytest.approx(single.probability(c), abs=1e-11)
        assert out.loc[i, "triage"] == single.triage.level


@settings(max_examples=max(5, settings.default.max_examples // 6))
@given(name=st.sampled_from(list(VARIANTS)), case=valid_cases())
def test_edge_priors_on_any_case(edge, name, case):
    ranker, ve = edge[name]
    check_case(ranker, ve, dict(list(case.items())[:7]))  # a joint P(evidence) query over <= 7 inputs stays small


def test_the_expected_cases_are_impossible(edge):
    """A sanity check of the fixture itself: each 0/1 edit does make some answers impossible."""
    impossible = {
        "exposure prior at 0": {"caffeine": "none"},
        "exposure prior at 1": {"caffeine": "moderate"},
        "finding baseline at 1": {"twitching": "no"},
        "graded finding at 1": {"weakness": "none"},
    }
    for name, case in impossible.items():
        ranker, ve = edge[name]
        assert p_evidence(ve, case) == 0.0
        with pytest.raises(ImpossibleEvidenceError, match="impossible under the model"):
            ranker.rank(case)
        assert issubclass(ImpossibleEvidenceError, InputError)


def test_triage_thresholds_at_the_edges(edge):
    low, _ = edge["triage thresholds at 0"]
    high, _ = edge["triage thresholds at 1"]
    assert low.rank({"age": "under_40"}).triage.level == "prompt_evaluation"  # any posterior > 0 is above 0
    assert high.rank({"age": "under_40"}).triage.level == "self_care"
    assert high.rank({"atrophy": "yes"}).triage.level == "prompt_evaluation"  # red flags do not rest on numbers


def test_impossible_rows_in_a_frame(edge):
    ranker, _ = edge["exposure prior at 0"]
    frame = pd.DataFrame({"caffeine": ["high", "none", None]}, index=["a", "b", "c"])
    with pytest.raises(ImpossibleEvidenceError, match=r"row 1 \(index 'b'\): these answers are impossible"):
        ranker.rank_frame(frame)
    out = ranker.rank_frame(frame, errors="skip")
    assert list(out.index) == ["a", "c"] and out.attrs["bad_rows"] == {"b": "these answers are impossible under the model"}


def test_session_overrides_at_0_and_1(ranker):
    edited = ranker.with_overrides({"caffeine.prior.none": 0.0, "twitching.baseline": 1.0})
    with pytest.raises(ImpossibleEvidenceError):
        edited.rank({"caffeine": "none"})
    with pytest.raises(ImpossibleEvidenceError):
        edited.rank({"twitching": "no"})
    result = edited.rank({"caffeine": "high", "twitching": "yes"})
    assert all(0.0 <= c.probability <= 1.0 for c in result.causes)
    assert ranker.rank({"caffeine": "none"}).probability("caffeine_effect") > 0  # the shared ranker is untouched


def test_an_age_band_with_prior_zero_still_loads(priors_copy):
    """Found by these tests: building a ranker computes the base rate of every age band,
    and an age band with prior 0 made that computation refuse the whole priors folder
    (ImpossibleEvidenceError from Ranker.__init__, also through with_overrides), although
    every case that does not give that age ranks fine."""
    set_distribution(priors_copy, EXPOSURES, ("age", "prior"), {"under_40": 0.0, "40_to_60": 0.6, "over_60": 0.4})
    ranker = Ranker(load_priors(priors_copy))
    assert 0.0 <= ranker.rank({"age": "over_60"}).high_priority.probability <= 1.0
    with pytest.raises(ImpossibleEvidenceError):
        ranker.rank({"age": "under_40"})


def test_overrides_refuse_nonsense_and_keep_the_shares_given(ranker):
    from model import PriorsError

    for bad in (float("nan"), -1e-9, 1 + 1e-9, float("inf"), "0.5", None, True):
        with pytest.raises(PriorsError, match="not a probability"):
            ranker.with_overrides({"caffeine.prior.high": bad})
    with pytest.raises(PriorsError, match="mapping"):
        ranker.with_overrides([("caffeine.prior.high", 0.5)])
    with pytest.raises(PriorsError, match="unknown prior"):
        ranker.with_overrides({("caffeine.prior.high",): 0.5})
    edited = ranker.with_overrides({"caffeine.prior.high": np.float32(0.25)})
    assert edited.priors.values[edited.priors.index("caffeine.prior.high")] == 0.25

    def shares(r):
        return [r.priors.values[r.priors.index(f"caffeine.prior.{s}")] for s in ("none", "moderate", "high")]

    # a whole distribution given at once is used exactly as given (as the uncertainty draws do)
    assert shares(ranker.with_overrides({"caffeine.prior.none": 0.2, "caffeine.prior.moderate": 0.5,
                                         "caffeine.prior.high": 0.3})) == [0.2, 0.5, 0.3]
    # two shares given: both kept, the third takes the rest
    assert shares(ranker.with_overrides({"caffeine.prior.none": 0.0, "caffeine.prior.high": 1.0})) == [0.0, 0.0, 1.0]
    assert shares(ranker.with_overrides({"caffeine.prior.none": 0.3, "caffeine.prior.high": 0.3})) == pytest.approx(
        [0.3, 0.4, 0.3], abs=1e-15)
    for impossible in ({"caffeine.prior.none": 0.7, "caffeine.prior.high": 0.5},
                       {"caffeine.prior.none": 0.2, "caffeine.prior.moderate": 0.2, "caffeine.prior.high": 0.2}):
        with pytest.raises(PriorsError, match="caffeine.prior: the shares given sum to"):
            ranker.with_overrides(impossible)
