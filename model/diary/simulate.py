"""Synthetic diaries drawn from the network itself, for validating what `learn` recovers.

A synthetic person has their own numbers (`truth`: parameter id -> value, e.g. a stronger
caffeine link); each day is one forward sample of the network with those numbers, of which
only the `logged` inputs are kept, each answer left out with chance `skip` (as people leave
questions out) and each day missed with chance `miss` (missing days are missing).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import numpy as np

from ..engine.sample import forward_sample
from ..priors import apply_overrides
from ..ranking import RANKERS, BaseRanker

DEFAULT_LOGGED = ("twitching", "caffeine", "sleep", "stress", "exertion")


def synthetic_diary(ranker: BaseRanker, days: int, truth: Mapping[str, float] | None = None,
                    logged: Sequence[str] = DEFAULT_LOGGED, skip: float = 0.0, miss: float = 0.0, seed: int = 0,
                    start: date = date(2024, 1, 1)) -> list[tuple[date, dict[str, str]]]:
    """`days` consecutive calendar days from `start` (fewer entries when days are missed)."""
    person = ranker if not truth else _with(ranker, truth)
    unknown = [i for i in logged if i not in ranker.vocabulary.inputs]
    if unknown:
        raise ValueError(f"not input ids: {unknown}")
    spec = person.spec
    sample = forward_sample(spec, days, seed=seed)
    rng = np.random.default_rng([seed, 1])
    kept = rng.random((days, len(logged))) >= skip
    present = rng.random(days) >= miss
    columns = [spec.names.index(i) for i in logged]
    states = [spec.variables[i].states for i in logged]
    out = []
    for d in range(days):
        if not present[d]:
            continue
        case = {i: states[k][sample[d, columns[k]]] for k, i in enumerate(logged) if kept[d, k]}
        out.append((start + timedelta(days=d), case))
    return out


def _with(ranker: BaseRanker, truth: Mapping[str, float]) -> BaseRanker:
    return RANKERS.get(type(ranker), ranker.priors.with_values(apply_overrides(ranker.priors, truth)))
