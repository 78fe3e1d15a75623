"""Sensitivity: which single hand-set number, moved within its range, would change the
top cause or the triage level, and how far it must move.

Each number is swept alone across its range (the others at their values), on a
grid plus bisection at every change, all in batched engine calls with per-row
tables. A share of a prior distribution moves with the other shares rescaled; a
grade's chance of a graded finding moves only as far as the grades' chances can still
sum to at most 1 (the swept range, reported in each entry, is cut there). The result, one entry per number, also gives the top cause's and the
high-priority node's probability at both ends of the range: the tornado chart.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..network import node_tables
from ..priors import Priors, apply_overrides
from ..ranking import BaseRanker, ranked, ranked_order
from ..triage import LEVELS, triage_levels
from .results import SensitivityEntry

GRID = 9
BISECT = 40


def sensitivity(ranker: BaseRanker, evidence: Mapping[str, str], grid: int = GRID) -> list[SensitivityEntry]:
    """Entries sorted by how far the top cause's probability swings across the range."""
    priors = ranker.priors
    base = np.asarray(priors.values, dtype=float)
    point = _evaluate(ranker, evidence, base[None])
    top = int(point.top[0])
    level = int(point.level[0])
    params = [i for i, p in enumerate(priors.parameters) if p.high > p.low]
    steps = np.linspace(0.0, 1.0, grid)
    lows = np.array([priors.parameters[i].low for i in params])
    highs = np.array([_highest(priors, i) for i in params])
    grid_vals = lows[:, None] + (highs - lows)[:, None] * steps[None, :]  # (params, grid)
    rows = _rows(priors, np.repeat(params, grid), grid_vals.ravel())
    res = _evaluate(ranker, evidence, rows)
    top_p = res.probs[:, top].reshape(len(params), grid)
    hp_col = ranker.causes.index(ranker.high_priority)
    hp = res.probs[:, hp_col].reshape(len(params), grid)
    tops = res.top.reshape(len(params), grid)
    levels = res.level.reshape(len(params), grid)
    # turning points: for every number whose sweep changes the outcome, bisect between the
    # changed grid point nearest its value and the value itself, all numbers in one batch
    tasks = []  # (entry index, parameter index, outcome: "top" or "triage", changed grid value)
    for k, i in enumerate(params):
        for kind, changed in (("top", tops[k] != top), ("triage", levels[k] != level)):
            if changed.any():
                cand = np.flatnonzero(changed)
                j = cand[np.argmin(np.abs(grid_vals[k, cand] - priors.parameters[i].value))]
                tasks.append((k, i, kind, grid_vals[k, j]))
    found = _bisect(ranker, evidence, tasks, top, level)
    out = []
    for k, i in enumerate(params):
        p = priors.parameters[i]
        new_top, new_level = found.get((k, "top")), found.get((k, "triage"))
        out.append(SensitivityEntry(
            parameter=p.id, value=p.value, range=(p.low, float(highs[k])), judgement=p.judgement,
            top_cause=ranker.causes[top], top_at_low=float(top_p[k, 0]), top_at_high=float(top_p[k, -1]),
            high_priority_at_low=float(hp[k, 0]), high_priority_at_high=float(hp[k, -1]),
            top_changes_at=new_top[0] if new_top else None,
            new_top=ranker.causes[new_top[1]] if new_top else None,
            triage_changes_at=new_level[0] if new_level else None,
            new_triage=LEVELS[new_level[1]] if new_level else None))
    out = ranked(out, lambda e: e.swing, lambda e: e.parameter)  # widest swing first, ties by id
    out.sort(key=lambda e: not e.changes_something)  # stable: those that change something first
    return out


def _highest(priors: Priors, i: int) -> float:
    """The top of number i's swept range: its range's top, cut where a graded finding's
    chances would sum above 1 with the other grades at their values."""
    p = priors.parameters[i]
    if p.kind != "graded":
        return p.high
    others = sum(priors.values[j] for j in priors.members(p.group) if j != i)
    return max(p.value, min(p.high, 1.0 - others))


def _bisect(ranker: BaseRanker, evidence: Mapping[str, str], tasks, top, level) -> dict:
    """(entry, outcome) -> (the value nearest the current one at which the outcome first
    differs, the new outcome there), bisecting every task at once."""
    if not tasks:
        return {}
    priors = ranker.priors
    inside = np.array([t[3] for t in tasks])
    outside = np.array([priors.parameters[t[1]].value for t in tasks])
    widths = np.array([priors.parameters[t[1]].high - priors.parameters[t[1]].low for t in tasks])
    is_top = np.array([t[2] == "top" for t in tasks])
    params = [t[1] for t in tasks]
    for _ in range(BISECT):
        if np.all(np.abs(inside - outside) < 1e-6 * np.maximum(widths, 1e-12)):
            break
        mid = 0.5 * (inside + outside)
        res = _evaluate(ranker, evidence, _rows(priors, params, mid))
        differs = np.where(is_top, res.top != top, res.level != level)
        inside = np.where(differs, mid, inside)
        outside = np.where(differs, outside, mid)
    res = _evaluate(ranker, evidence, _rows(priors, params, inside))
    return {(t[0], t[2]): (float(inside[n]), int(res.top[n] if t[2] == "top" else res.level[n]))
            for n, t in enumerate(tasks)}


class _Result(NamedTuple):
    probs: np.ndarray  # (rows, causes)
    top: np.ndarray  # (rows,) index of the first cause
    level: np.ndarray  # (rows,) triage level index


def _evaluate(ranker: BaseRanker, evidence: Mapping[str, str], values: np.ndarray) -> _Result:
    tables = node_tables(ranker.priors, values)
    ev = np.repeat(ranker.engine.encode([dict(evidence)]), values.shape[0], axis=0)
    post = ranker.engine.infer(ev, tables)
    probs = np.nan_to_num(ranker.present(post), nan=0.0)
    top = ranked_order(probs, ranker.causes)[:, 0]  # the public ranking's first cause, ties by id
    hp = probs[:, ranker.causes.index(ranker.high_priority)]
    states = {i: s.states for i, s in ranker.vocabulary.inputs.items()}
    triage = ranker.priors.triage
    level = triage_levels(ev, ranker.engine.column, states, hp,
                          values[:, triage["prompt_evaluation_above"]], values[:, triage["see_doctor_above"]])
    return _Result(probs, top, level)


def _rows(priors: Priors, params, vals) -> np.ndarray:
    """One parameter vector per (parameter index, value) pair, distributions renormalised."""
    return np.stack([apply_overrides(priors, {priors.parameters[i].id: float(v)})
                     for i, v in zip(params, vals, strict=True)])
