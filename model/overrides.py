"""Session overrides of hand-set numbers (the dashboard's expert view); files are never touched."""
from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import numpy as np

from .errors import PriorsError

SUM_TOLERANCE = 1e-6  # as the loader allows for a distribution's sum


def apply_overrides(priors, overrides: Mapping[str, float]) -> np.ndarray:
    """Return a new parameter vector with `overrides` applied.

    The shares of a prior distribution that are given keep exactly their values; the
    shares that are not given are rescaled so that the distribution still sums to 1
    (so one changed share rescales the others, and a whole distribution given at once
    is used as given). Unknown ids, numbers outside [0, 1] and given shares that cannot
    sum to 1 are refused with a `PriorsError`.
    """
    if not isinstance(overrides, Mapping):
        raise PriorsError(f"overrides must be a mapping of prior id to number, got {type(overrides).__name__}")
    values = np.array(priors.values, dtype=float)
    ids = [p.id for p in priors.parameters]
    given: dict[str, set[int]] = {}  # prior distribution -> the shares set here
    for pid, new in overrides.items():
        if not isinstance(pid, str) or pid not in priors._index:
            close = difflib.get_close_matches(str(pid), ids, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise PriorsError(f"unknown prior {pid!r}{hint}")
        if isinstance(new, bool) or not isinstance(new, numbers.Real) or math.isnan(new) or not 0 <= new <= 1:
            raise PriorsError(f"prior {pid}: {new!r} is not a probability (it must lie in [0, 1])")
        i = priors.index(pid)
        values[i] = float(new)
        param = priors.parameters[i]
        if param.kind == "prior":
            given.setdefault(param.group, set()).add(i)
    for group, shares in given.items():
        _rescale_the_rest(priors, values, group, shares)
    return values


def _rescale_the_rest(priors, values: np.ndarray, group: str, shares: set[int]) -> None:
    members = [j for j, p in enumerate(priors.parameters) if p.group == group]
    rest = [j for j in members if j not in shares]
    total = float(values[sorted(shares)].sum())
    room = 1.0 - total
    if room < -SUM_TOLERANCE or (not rest and abs(room) > SUM_TOLERANCE):
        raise PriorsError(f"{group}: the shares given sum to {total:.6g}; a distribution must sum to 1")
    if not rest:
        return
    room = max(room, 0.0)
    others = values[rest].sum()
    if others > 0:
        values[rest] *= room / others
    else:
        values[rest] = room / len(rest)
