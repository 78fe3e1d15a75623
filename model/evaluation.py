"""Validation metrics for notebooks/02_validation.ipynb: the project's clinical cases scored
in the format of the published symptom-checker audits, and calibration on cases sampled
from the network itself.

Two kinds of evidence, and neither is an independent audit:
- `score_cases` runs a file of clinical cases (the project's own are tests/clinical_cases.toml,
  written by the people who set the priors; the notebook passes that path);
- `sample_cases` + `reliability`/`brier` check that the ranker's probabilities mean what
  they say *if the network is right*; they cannot show that it is.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .engine.sample import forward_sample
from .ranking import BaseRanker
from .triage import LEVELS, PROMPT, RULES
from .vocabulary import Vocabulary

URGENT = set(LEVELS[PROMPT:])  # prompt evaluation or emergency


# ---------------------------------------------------------------------- the clinical cases
def load_cases(path: str | Path) -> list[dict]:
    """The [[case]] tables of a clinical-cases TOML file."""
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))["case"]


def quiet_case(vocabulary: Vocabulary) -> dict[str, str]:
    """The "full" profile's starting point: every exposure at its baseline, twitching for
    days and no other symptom; age and blood tests left unknown (as the case file says)."""
    out = {i.id: i.baseline for i in vocabulary.exposures if i.baseline is not None}
    for i in vocabulary.group("symptom"):
        out[i.id] = i.states[0]
    out["twitching"] = "yes"
    out["twitch_duration"] = "days"
    return out


def case_evidence(case: dict, quiet: dict[str, str]) -> dict[str, str]:
    """A case's answers: on top of the quiet case for profile "full", alone for "sparse"."""
    return {**quiet, **case["answers"]} if case["profile"] == "full" else dict(case["answers"])


def score_cases(ranker: BaseRanker, cases: list[dict]) -> pd.DataFrame:
    """One row per case: what was expected, what the ranker said, and which checks pass.

    top1_hit: the first cause is an expected one (`top1`, or any cause of `top3`).
    top3_hit: for `top1` cases one of the expected causes is among the first three; for
    `top3` cases all of them are (as tests/test_clinical_cases.py requires).
    Cases with neither `top1` nor `top3` (red-flag and "not this" cases) get NaN there.
    """
    quiet = quiet_case(ranker.vocabulary)
    rows = []
    for case in cases:
        ranking = ranker.rank(case_evidence(case, quiet))
        ids = [c.id for c in ranking.causes]
        level = ranking.triage.level
        hp = ranking.high_priority.probability
        top1, top3 = case.get("top1", []), case.get("top3", [])
        expected = top1 or top3
        rank_of = LEVELS.index
        acceptable = sorted(rank_of(x) for x in case["triage"])
        row = {
            "id": case["id"], "profile": case["profile"], "expected": ", ".join(expected),
            "first": ids[0], "top3": ", ".join(ids[:3]), "hp": hp,
            "top1_hit": (ids[0] in (top1 or top3)) if expected else np.nan,
            "top3_hit": (bool(set(top1) & set(ids[:3])) if top1 else set(top3) <= set(ids[:3])) if expected else np.nan,
            "expected_triage": "/".join(case["triage"]), "triage": level,
            "triage_ok": level in case["triage"],
            "under_triage": rank_of(level) < acceptable[0],
            "over_triage": rank_of(level) > acceptable[-1],
            "red_flag_case": set(case["triage"]) <= URGENT,
        }
        checks = [row["triage_ok"]]
        if top1:
            checks.append(ids[0] in top1)
        if top3:
            checks.append(set(top3) <= set(ids[:3]))
        if "not_top1" in case:
            checks.append(ids[0] not in case["not_top1"])
        if "hp_below" in case:
            checks.append(hp < case["hp_below"])
        if "hp_above" in case:
            checks.append(hp > case["hp_above"])
        row["all_expectations_met"] = all(checks)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def value(self) -> float:
        return self.k / self.n if self.n else math.nan

    def interval(self) -> tuple[float, float]:
        return wilson(self.k, self.n)

    def text(self) -> str:
        if not self.n:
            return "n/a"
        lo, hi = self.interval()
        return f"{100 * self.value:.0f}% ({self.k}/{self.n}; 95% CI {100 * lo:.0f}-{100 * hi:.0f}%)"


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials (95% by default)."""
    if n == 0:
        return (math.nan, math.nan)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # the interval contains p; at k = 0 or k = n rounding could otherwise put an end a hair past it
    return (min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)))


def summarise(scored: pd.DataFrame) -> dict[str, Rate]:
    """The audit-style rates over a `score_cases` frame."""
    dx = scored[scored["top1_hit"].notna()]
    red = scored[scored["red_flag_case"]]
    benign = scored[~scored["expected_triage"].str.contains("prompt_evaluation|emergency")]

    def rate(mask) -> Rate:
        mask = np.asarray(mask, dtype=bool)
        return Rate(int(mask.sum()), int(mask.size))

    by_level = {lvl: scored[scored["expected_triage"] == lvl] for lvl in LEVELS}
    return {
        "top1": rate(dx["top1_hit"].astype(bool)),
        "top3": rate(dx["top3_hit"].astype(bool)),
        "triage": rate(scored["triage_ok"]),
        "red_flag_sensitivity": rate(red["triage"].isin(URGENT)),
        "see_doctor_cases": rate(by_level["see_doctor"]["triage"] == "see_doctor"),
        "self_care_cases": rate(by_level["self_care"]["triage"] == "self_care"),
        "safe_triage": rate(~scored["under_triage"]),
        "false_alarm": rate(benign["triage"].isin(URGENT)),
        "all_expectations": rate(scored["all_expectations_met"]),
    }


# Published figures (reference/peers.md section 2). None of these studies used our cases.
SEMIGRAN_2015 = "Semigran 2015 (BMJ; 23 checkers, 45 vignettes)"
GILBERT_2020 = "Gilbert 2020 (BMJ Open; 8 apps and 7 GPs, 200 vignettes)"
PEERS = {
    "top1": {SEMIGRAN_2015: "34% (31-37%)", GILBERT_2020: "not reported"},
    "top3": {SEMIGRAN_2015: "51%", GILBERT_2020: "Ada 70.5%; other apps 23.5-43.0%; GPs 82.1%"},
    "triage": {SEMIGRAN_2015: "57% (52-61%)", GILBERT_2020: "not reported in this form"},
    "red_flag_sensitivity": {SEMIGRAN_2015: "80% (emergent vignettes)", GILBERT_2020: "not reported"},
    "see_doctor_cases": {SEMIGRAN_2015: "55% (non-emergent vignettes)", GILBERT_2020: "not reported"},
    "self_care_cases": {SEMIGRAN_2015: "33% (self-care vignettes)", GILBERT_2020: "not reported"},
    "safe_triage": {SEMIGRAN_2015: "not reported",
                    GILBERT_2020: "'safe urgency advice': Ada 97.0%; apps 80.0-97.8%; GPs 97.0%"},
    "false_alarm": {SEMIGRAN_2015: "not reported (checkers described as risk-averse)", GILBERT_2020: "not reported"},
    "all_expectations": {SEMIGRAN_2015: "n/a", GILBERT_2020: "n/a"},
}
ROW_NAMES = {
    "top1": "Correct cause listed first (top-1)",
    "top3": "Correct cause in the first three (top-3)",
    "triage": "Triage at an acceptable level",
    "red_flag_sensitivity": "Red-flag cases sent for prompt evaluation (sensitivity)",
    "see_doctor_cases": "Routine cases told to see a doctor",
    "self_care_cases": "Self-care cases told self-care",
    "safe_triage": "Safe triage (not less urgent than the case needs)",
    "false_alarm": "False alarm: benign cases sent for prompt evaluation",
    "all_expectations": "Cases meeting every expectation of the test file",
}


def comparison_table(summary: dict[str, Rate], cases_label: str = "twitch-causes (the project's own cases)") -> str:
    """Markdown: our rates beside the published audits' figures."""
    head = f"| Measure | {cases_label} | {SEMIGRAN_2015} | {GILBERT_2020} |"
    lines = [head, "|---|---|---|---|"]
    for key, name in ROW_NAMES.items():
        peers = PEERS[key]
        lines.append(f"| {name} | {summary[key].text()} | {peers[SEMIGRAN_2015]} | {peers[GILBERT_2020]} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------- sampled cases
@dataclass(frozen=True)
class Sampled:
    complete: np.ndarray  # (n, V) every variable's sampled state, columns = engine.names
    evidence: np.ndarray  # (n, V) what the ranker is shown: some inputs, -1 elsewhere
    hide: float  # the chance each input was hidden


def sample_cases(ranker: BaseRanker, n: int, seed: int, hide: float = 0.5) -> Sampled:
    """Forward-sample n complete cases from the network; show the ranker the vocabulary's
    inputs only, each hidden independently with probability `hide`. Causes are never shown."""
    complete = forward_sample(ranker.spec, n, seed)
    rng = np.random.default_rng([seed, 1])
    cols = np.array([ranker.engine.column[i] for i in ranker.vocabulary.inputs])
    evidence = np.full_like(complete, -1)
    shown = rng.random((n, cols.size)) >= hide
    evidence[:, cols] = np.where(shown, complete[:, cols], -1)
    return Sampled(complete, evidence, hide)


def outcomes(ranker: BaseRanker, sampled: Sampled) -> np.ndarray:
    """(n, causes) 1 where the sampled cause was present."""
    cols = [ranker.engine.column[c] for c in ranker.causes]
    present = [ranker.spec.variables[c].states.index("present") for c in ranker.causes]
    return (sampled.complete[:, cols] == np.array(present)).astype(float)


def brier(probs: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Mean squared error of probabilities against 0/1 outcomes, per column."""
    return np.mean((np.asarray(probs, float) - np.asarray(outcome, float)) ** 2, axis=0)


# deciles, then the upper tail split finer, where the few high predictions live
TAIL_QUANTILES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0)


def reliability(probs: np.ndarray, outcome: np.ndarray, quantiles=TAIL_QUANTILES) -> pd.DataFrame:
    """Reliability-diagram points for one cause: per bin of predicted probability, the mean
    prediction, the observed frequency and its 95% Wilson interval, and the count.

    Bin edges are quantiles of the predictions (by default deciles with the top decile
    split at the 95th, 99th and 99.9th percentiles), so sparse high-probability regions
    still get their own points; duplicate edges are merged and every case lands in a bin."""
    probs = np.asarray(probs, float)
    outcome = np.asarray(outcome, float)
    edges = np.unique(np.quantile(probs, quantiles))
    which = np.clip(np.searchsorted(edges, probs, side="right") - 1, 0, max(len(edges) - 2, 0))
    rows = []
    for b in np.unique(which):
        sel = which == b
        k, m = int(outcome[sel].sum()), int(sel.sum())
        lo, hi = wilson(k, m)
        rows.append({"mean_predicted": probs[sel].mean(), "observed": k / m, "low": lo, "high": hi, "count": m})
    return pd.DataFrame(rows)


def calibration_table(ranker: BaseRanker, probs: np.ndarray, outcome: np.ndarray) -> pd.DataFrame:
    """Per cause: prevalence in the sample, mean prediction, Brier score, the Brier score of
    always predicting the prevalence, and the skill (1 - Brier / that)."""
    score = brier(probs, outcome)
    prevalence = outcome.mean(axis=0)
    reference = prevalence * (1 - prevalence)
    with np.errstate(divide="ignore", invalid="ignore"):
        skill = np.where(reference > 0, 1 - score / reference, np.nan)
    return pd.DataFrame({"cause": ranker.causes, "prevalence": prevalence, "mean_predicted": probs.mean(axis=0),
                         "brier": score, "brier_base_rate": reference, "skill": skill})


def triage_safety(ranker: BaseRanker, sampled: Sampled, levels: np.ndarray) -> pd.DataFrame:
    """Share of sampled cases escalated, for cases that show each red flag (and any), and,
    against the sample's own truth, for cases where the high-priority cause is present or absent."""
    col = ranker.engine.column
    rows = []

    def add(label: str, mask: np.ndarray, kind: str) -> None:
        m = int(mask.sum())
        lv = levels[mask]
        rows.append({"cases": label, "kind": kind, "n": m,
                     "prompt_evaluation": (lv >= 2).mean() if m else np.nan,  # prompt evaluation or emergency
                     "see_doctor_or_more": (lv >= 1).mean() if m else np.nan,
                     "self_care": (lv == 0).mean() if m else np.nan})

    any_flag = np.zeros(len(levels), dtype=bool)
    for rule in RULES:
        if rule.level < PROMPT:
            continue
        shown = sampled.evidence[:, col[rule.input]] == ranker.spec.variables[rule.input].states.index(rule.state)
        any_flag |= shown
        add(f"{rule.input} = {rule.state} shown", shown, "red flag shown")
    add("any red flag shown", any_flag, "red flag shown")
    hp = ranker.high_priority
    present = sampled.complete[:, col[hp]] == ranker.spec.variables[hp].states.index("present")
    add(f"{hp} present in the sample", present, "sampled truth")
    add(f"{hp} present, no red flag shown", present & ~any_flag, "sampled truth")
    add(f"{hp} absent in the sample", ~present, "sampled truth")
    add(f"{hp} absent, no red flag shown", ~present & ~any_flag, "sampled truth")
    return pd.DataFrame(rows)


__all__ = ["load_cases", "quiet_case", "case_evidence", "score_cases", "summarise", "comparison_table", "Rate",
           "wilson", "sample_cases", "outcomes", "brier", "reliability", "calibration_table", "triage_safety",
           "Sampled", "PEERS"]
