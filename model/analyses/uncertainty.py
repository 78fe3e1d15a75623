"""How sure: the ranking under the uncertainty of the hand-set priors.

Every number in priors/ has a plausible range. A draw sets each number from a
Beta-PERT distribution on the log-odds scale with that range and the point value as
its mode (the usual way to turn an expert's low / most likely / high into a
distribution; the log-odds scale keeps small probabilities small). Shares of one
prior distribution are renormalised to sum to 1, and the grades' chances of a graded
finding, where a draw puts their sum above 1, are scaled down to sum to 1. N draws (seeded, so reproducible) are
ranked in one batched engine call with per-row tables.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import expit, logit

from ..network import node_tables
from ..priors import Priors
from ..ranking import BaseRanker, ranked_order
from ..triage import triage_levels
from .results import CauseUncertainty, HowSure, Uncertainty

DRAWS = 1000
SEED = 20261127
_EPS = 1e-9


def draw_values(priors: Priors, n: int = DRAWS, seed: int = SEED) -> np.ndarray:
    """(n, P) parameter vectors drawn within each number's range."""
    rng = np.random.default_rng(seed)
    params = priors.parameters
    lo = _logit(np.array([p.low for p in params]))
    hi = _logit(np.array([p.high for p in params]))
    mode = _logit(np.array([p.value for p in params]))
    width = hi - lo
    spread = width > 1e-12
    safe = np.where(spread, width, 1.0)
    alpha = 1 + 4 * (mode - lo) / safe
    beta = 1 + 4 * (hi - mode) / safe
    x = lo + width * rng.beta(np.where(spread, alpha, 1.0), np.where(spread, beta, 1.0), size=(n, len(params)))
    values = np.where(spread, expit(x), np.array([p.value for p in params]))
    for cols in priors.groups.values():
        kind = params[cols[0]].kind
        if kind == "prior":
            values[:, cols] /= values[:, cols].sum(axis=1, keepdims=True)
        elif kind == "graded":
            total = values[:, cols].sum(axis=1, keepdims=True)
            values[:, cols] /= np.maximum(total, 1.0)
    return values


def how_sure(ranker: BaseRanker, evidence: Mapping[str, str], probs: np.ndarray, n: int = DRAWS,
             seed: int = SEED) -> Uncertainty:
    """90% intervals, rank stability and triage stability for one case.

    probs: the point posteriors (in ranker.causes order), whose ranking is the reference.
    """
    values, tables = _draws(ranker, n, seed)
    drawn = posteriors_under(ranker, evidence, values, tables)  # (n, causes); NaN rows where impossible
    ok = ~np.isnan(drawn).any(axis=1)
    drawn = drawn[ok]
    order = _ranks(probs[None], ranker.causes)[0]
    ranks = _ranks(drawn, ranker.causes)
    lo, hi = np.quantile(drawn, [0.05, 0.95], axis=0)
    stability = (ranks == order).mean(axis=0)
    top = int(np.argmin(order))
    hp_col = ranker.causes.index(ranker.high_priority)
    ev = ranker.engine.encode([dict(evidence)])
    states = {i: spec.states for i, spec in ranker.vocabulary.inputs.items()}
    point_level = triage_levels(ev, ranker.engine.column, states, probs[hp_col:hp_col + 1],
                                ranker.threshold("prompt_evaluation_above"), ranker.threshold("see_doctor_above"))[0]
    levels = triage_levels(np.repeat(ev, len(drawn), axis=0), ranker.engine.column, states, drawn[:, hp_col],
                           values[ok, ranker.priors.triage["prompt_evaluation_above"]],
                           values[ok, ranker.priors.triage["see_doctor_above"]])
    per_cause = {c: CauseUncertainty((float(lo[i]), float(hi[i])), float(stability[i]))
                 for i, c in enumerate(ranker.causes)}
    sure = HowSure(draws=int(ok.sum()), seed=seed, top_cause=ranker.causes[top],
                   top_stays_first=float((ranks[:, top] == 0).mean()),
                   triage_stays=float(np.mean(levels == point_level)))
    return Uncertainty(per_cause, sure)


def _draws(ranker: BaseRanker, n: int, seed: int):
    """The draws and their tables, ready for the engine, once per ranker (they depend only
    on its priors, not on the case)."""
    def build():
        values = draw_values(ranker.priors, n, seed)
        return values, ranker.engine.prepare(node_tables(ranker.priors, values))

    return ranker.memo(("prior draws", n, seed), build)


def posteriors_under(ranker: BaseRanker, evidence: Mapping[str, str], values: np.ndarray, tables=None) -> np.ndarray:
    """(rows, causes) posteriors of one case under each row of parameter values."""
    tables = node_tables(ranker.priors, values) if tables is None else tables
    ev = np.repeat(ranker.engine.encode([dict(evidence)]), values.shape[0], axis=0)
    post = ranker.engine.infer(ev, tables)
    out = ranker.present(post)
    out[post.impossible] = np.nan
    return out


def _ranks(probs: np.ndarray, ids: list[str]) -> np.ndarray:
    """Rank position (0 = first) of each cause per row, in the public ranking's order
    (highest probability first, ties by id: `ranked_order`)."""
    order = ranked_order(probs, ids)
    ranks = np.empty_like(order)
    rows = np.arange(probs.shape[0])[:, None]
    ranks[rows, order] = np.arange(probs.shape[1])
    return ranks


def _logit(p: np.ndarray) -> np.ndarray:
    return logit(np.clip(p, _EPS, 1 - _EPS))
