"""Sensitivity: which single hand-set number, moved within its range, would change the
top cause or the triage level, and how far it must move.

Each number is swept alone across its range (the others at their values), on a
grid plus bisection at every change, all in batched engine calls with per-row
tables. The result, one entry per number, also gives the top cause's and the
high-priority node's probability at both ends of the range: the tornado chart.
"""
from __future__ import annotations

import numpy as np

from ..network import node_tables
from ..triage import LEVELS, triage_levels

GRID = 9
BISECT = 30


def sensitivity(ranker, evidence: dict[str, str], grid: int = GRID) -> list[dict]:
    """Entries sorted by how far the top cause's probability swings across the range."""
    priors = ranker.priors
    base = np.asarray(priors.values, dtype=float)
    point = _evaluate(ranker, evidence, base[None])
    top = int(point.top[0])
    level = int(point.level[0])
    params = [i for i, p in enumerate(priors.parameters) if p.high > p.low]
    steps = np.linspace(0.0, 1.0, grid)
    lows = np.array([priors.parameters[i].low for i in params])
    highs = np.array([priors.parameters[i].high for i in params])
    grid_vals = lows[:, None] + (highs - lows)[:, None] * steps[None, :]  # (params, grid)
    rows = _rows(priors, base, params, grid_vals)
    res = _evaluate(ranker, evidence, rows)
    top_p = res.probs[:, top].reshape(len(params), grid)
    hp_col = ranker.causes.index(ranker.high_priority)
    hp = res.probs[:, hp_col].reshape(len(params), grid)
    tops = res.top.reshape(len(params), grid)
    levels = res.level.reshape(len(params), grid)
    out = []
    for k, i in enumerate(params):
        p = priors.parameters[i]
        entry = {
            "parameter": p.id, "value": p.value, "range": [p.low, p.high], "judgement": p.judgement,
            "top_cause": ranker.causes[top], "top_at_low": float(top_p[k, 0]), "top_at_high": float(top_p[k, -1]),
            "high_priority_at_low": float(hp[k, 0]), "high_priority_at_high": float(hp[k, -1]),
            "top_changes_at": None, "new_top": None, "triage_changes_at": None, "new_triage": None,
        }
        if (tops[k] != top).any():
            at, new = _crossing(ranker, evidence, base, i, grid_vals[k], tops[k] != top, lambda r: r.top != top)
            entry.update(top_changes_at=at, new_top=ranker.causes[new.top[0]])
        if (levels[k] != level).any():
            at, new = _crossing(ranker, evidence, base, i, grid_vals[k], levels[k] != level, lambda r: r.level != level)
            entry.update(triage_changes_at=at, new_triage=LEVELS[new.level[0]])
        for key in ("top_changes_at", "triage_changes_at"):
            if entry[key] is not None:
                entry[key.replace("_at", "_by")] = abs(entry[key] - p.value)
        entry["swing"] = abs(entry["top_at_high"] - entry["top_at_low"])
        out.append(entry)
    out.sort(key=lambda e: (e["top_changes_at"] is None and e["triage_changes_at"] is None, -e["swing"], e["parameter"]))
    return out


class _Result:
    def __init__(self, probs, top, level):
        self.probs, self.top, self.level = probs, top, level


def _evaluate(ranker, evidence, values: np.ndarray) -> _Result:
    tables = node_tables(ranker.priors, values)
    ev = np.repeat(ranker.engine.encode([evidence]), values.shape[0], axis=0)
    post = ranker.engine.infer(ev, tables)
    probs = np.nan_to_num(np.column_stack([post.marginals[c][:, 1] for c in ranker.causes]), nan=0.0)
    ids = np.array(ranker.causes)
    tie = np.argsort(np.argsort(ids))  # ties broken by id, as in the public ranking
    top = np.lexsort((np.broadcast_to(tie, probs.shape).T, -probs.T), axis=0)[0]
    hp = probs[:, ranker.causes.index(ranker.high_priority)]
    states = {i: s.states for i, s in ranker.vocabulary.inputs.items()}
    triage = ranker.priors.triage
    level = np.array([
        triage_levels(ev[r:r + 1], ranker.engine.column, states, hp[r:r + 1],
                      values[r, triage["prompt_evaluation_above"]], values[r, triage["see_doctor_above"]])[0]
        for r in range(values.shape[0])])
    return _Result(probs, top, level)


def _rows(priors, base, params, vals: np.ndarray) -> np.ndarray:
    """One parameter vector per (parameter, value), distributions renormalised."""
    from ..overrides import apply_overrides

    rows = np.repeat(base[None], vals.size, axis=0)
    for k, i in enumerate(params):
        pid = priors.parameters[i].id
        for g, v in enumerate(vals[k]):
            rows[k * vals.shape[1] + g] = apply_overrides(priors, {pid: float(v)})
    return rows


def _crossing(ranker, evidence, base, i, grid_vals, changed: np.ndarray, differs):
    """The value nearest the current one at which the outcome first differs (bisection)."""
    p = ranker.priors.parameters[i]
    value = p.value
    candidates = np.flatnonzero(changed)
    j = candidates[np.argmin(np.abs(grid_vals[candidates] - value))]
    inside = grid_vals[j]
    # walk from the changed grid point towards the current value
    outside = value
    for _ in range(BISECT):
        mid = 0.5 * (inside + outside)
        res = _evaluate(ranker, evidence, _rows(ranker.priors, base, [i], np.array([[mid]])))
        if differs(res)[0]:
            inside = mid
        else:
            outside = mid
        if abs(inside - outside) < 1e-6 * max(1e-12, p.high - p.low):
            break
    res = _evaluate(ranker, evidence, _rows(ranker.priors, base, [i], np.array([[inside]])))
    return float(inside), res
