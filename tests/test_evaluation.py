"""The metrics behind notebooks/02_validation.ipynb."""
import math

import numpy as np
import pandas as pd
import pytest

from model.evaluation import (
    Rate,
    brier,
    calibration_table,
    case_evidence,
    comparison_table,
    load_cases,
    outcomes,
    quiet_case,
    reliability,
    sample_cases,
    score_cases,
    summarise,
    triage_safety,
    wilson,
)
from model.triage import PROMPT, RULES
from tests.support.cases import QUIET
from tests.test_clinical_cases import CASES, CASES_PATH, evidence_of


def test_quiet_case_is_the_test_suites_quiet_case(ranker):
    assert quiet_case(ranker.vocabulary) == QUIET


def test_cases_expand_as_the_clinical_tests_expand_them(ranker):
    quiet = quiet_case(ranker.vocabulary)
    assert load_cases(CASES_PATH) == CASES
    for case in CASES:
        assert case_evidence(case, quiet) == evidence_of(case), case["id"]


def test_wilson_interval_known_values():
    lo, hi = wilson(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = wilson(5, 10)
    assert (lo, hi) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert all(math.isnan(x) for x in wilson(0, 0))


def test_rate_text():
    assert Rate(7, 10).text() == "70% (7/10; 95% CI 40-89%)"
    assert Rate(0, 0).text() == "n/a"


def scored_frame(rows):
    base = {"top1_hit": np.nan, "top3_hit": np.nan, "under_triage": False, "all_expectations_met": True}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_summary_counts_each_rate_over_the_right_cases():
    frame = scored_frame([
        {"top1_hit": True, "top3_hit": True, "expected_triage": "self_care", "triage": "self_care", "triage_ok": True,
         "red_flag_case": False},
        {"top1_hit": False, "top3_hit": True, "expected_triage": "self_care", "triage": "prompt_evaluation",
         "triage_ok": False, "red_flag_case": False},
        {"expected_triage": "prompt_evaluation", "triage": "see_doctor", "triage_ok": False, "red_flag_case": True,
         "under_triage": True, "all_expectations_met": False},
        {"expected_triage": "prompt_evaluation", "triage": "prompt_evaluation", "triage_ok": True,
         "red_flag_case": True},
        {"expected_triage": "see_doctor", "triage": "see_doctor", "triage_ok": True, "red_flag_case": False},
    ])
    s = summarise(frame)
    assert (s["top1"].k, s["top1"].n) == (1, 2)
    assert (s["top3"].k, s["top3"].n) == (2, 2)
    assert (s["triage"].k, s["triage"].n) == (3, 5)
    assert (s["red_flag_sensitivity"].k, s["red_flag_sensitivity"].n) == (1, 2)
    assert (s["false_alarm"].k, s["false_alarm"].n) == (1, 3)
    assert (s["safe_triage"].k, s["safe_triage"].n) == (4, 5)
    assert (s["self_care_cases"].k, s["self_care_cases"].n) == (1, 2)
    assert (s["see_doctor_cases"].k, s["see_doctor_cases"].n) == (1, 1)
    assert (s["all_expectations"].k, s["all_expectations"].n) == (4, 5)


def test_scoring_the_project_cases_agrees_with_the_case_tests(ranker):
    """Each case's `all_expectations_met` is what tests/test_clinical_cases.py asserts."""
    scored = score_cases(ranker, CASES)
    assert len(scored) == len(CASES) and list(scored["id"]) == [c["id"] for c in CASES]
    for case, (_, row) in zip(CASES, scored.iterrows(), strict=True):
        result = ranker.rank(evidence_of(case)).to_dict()
        ids = [c["id"] for c in result["causes"]]
        hp = result["high_priority"]["probability"]
        ok = result["triage"]["level"] in case["triage"]
        ok &= ids[0] in case.get("top1", ids[:1])
        ok &= set(case.get("top3", [])) <= set(ids[:3])
        ok &= ids[0] not in case.get("not_top1", [])
        ok &= hp < case.get("hp_below", math.inf) and hp > case.get("hp_above", -math.inf)
        assert row["all_expectations_met"] == ok, case["id"]
        assert row["first"] == ids[0] and row["triage"] == result["triage"]["level"]
        assert (row["red_flag_case"]) == (set(case["triage"]) <= {"prompt_evaluation", "emergency"})


def test_comparison_table_is_markdown_with_every_measure(ranker):
    table = comparison_table(summarise(score_cases(ranker, CASES[:6])))
    lines = table.splitlines()
    assert lines[1] == "|---|---|---|---|"
    assert all(line.startswith("| ") and line.endswith(" |") and line.count(" | ") == 3 for line in lines[:1] + lines[2:])
    assert len(lines) == 2 + 9
    assert "34% (31-37%)" in table and "Ada 70.5%" in table and "project's own cases" in table


def test_brier_and_reliability_on_known_data():
    assert brier(np.array([[1.0, 0.5]]), np.array([[1.0, 0.0]])) == pytest.approx([0.0, 0.25])
    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(p.size) < p).astype(float)  # calibrated by construction
    points = reliability(p, y, quantiles=np.linspace(0, 1, 11))
    assert points["count"].sum() == p.size and len(points) == 10
    assert len(reliability(p, y)) == 13  # deciles, the top one split three times
    assert np.all(np.abs(points["observed"] - points["mean_predicted"]) < 0.01)
    assert np.all((points["low"] <= points["observed"]) & (points["observed"] <= points["high"]))
    skewed = reliability(np.r_[np.zeros(900), np.full(100, 0.9)], np.r_[np.zeros(900), np.ones(100)])
    assert skewed["count"].sum() == 1000  # duplicate quantile edges are merged, nothing is lost


def test_sampled_cases_show_only_inputs_and_hide_about_the_asked_share(ranker):
    s = sample_cases(ranker, 4000, seed=3, hide=0.3)
    inputs = [ranker.engine.column[i] for i in ranker.vocabulary.inputs]
    others = [c for c in range(len(ranker.engine.names)) if c not in inputs]
    assert np.all(s.evidence[:, others] == -1)
    shown = s.evidence[:, inputs] >= 0
    assert np.all(s.evidence[:, inputs][shown] == s.complete[:, inputs][shown])
    assert shown.mean() == pytest.approx(0.7, abs=0.02)
    again = sample_cases(ranker, 4000, seed=3, hide=0.3)
    assert np.array_equal(again.evidence, s.evidence)  # seeded


def test_calibration_and_triage_safety_on_a_small_sample(ranker):
    from model.batch.frame import rank_matrix

    s = sample_cases(ranker, 3000, seed=5)
    probs, levels, impossible = rank_matrix(ranker, s.evidence)
    assert not impossible.any()
    y = outcomes(ranker, s)
    table = calibration_table(ranker, probs, y)
    assert list(table["cause"]) == ranker.causes
    # exact posteriors: E[(p - y)^2] = E[p(1 - p)], and it cannot exceed the base rate's score
    expected_brier = (probs * (1 - probs)).mean(axis=0)
    noise = np.sqrt((probs * (1 - probs) * (1 - 2 * probs) ** 2).mean(axis=0) / len(probs))
    assert np.all(np.abs(table["brier"] - expected_brier) < 4 * noise + 1e-4)
    assert np.all(expected_brier <= table["brier_base_rate"] + 4 * noise + 1e-4)
    # the posterior mean of each cause equals its sampled prevalence up to sampling noise
    assert np.all(np.abs(table["mean_predicted"] - table["prevalence"]) < 4 * np.sqrt(table["prevalence"] / 3000) + 1e-3)
    safety = triage_safety(ranker, s, levels)
    flags = safety[safety["kind"] == "red flag shown"]
    assert len(flags) == sum(r.level >= PROMPT for r in RULES) + 1  # each red flag, and any
    assert np.all(flags.loc[flags["n"] > 0, "prompt_evaluation"] == 1.0)  # the rules escalate every red flag
    truth = safety.set_index("cases")
    assert truth.loc[f"{ranker.high_priority} present in the sample", "n"] + \
        truth.loc[f"{ranker.high_priority} absent in the sample", "n"] == 3000


def test_wilson_interval_always_contains_the_observed_share():
    from model.evaluation import wilson

    for n in (1, 7, 38, 1000, 99_991):
        for k in (0, 1, n // 2, n - 1, n):
            lo, hi = wilson(k, n)
            assert 0.0 <= lo <= k / n <= hi <= 1.0, (k, n, lo, hi)
