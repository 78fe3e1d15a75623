"""Session overrides of hand-set numbers (the dashboard's expert view); files are never touched."""
from __future__ import annotations

import difflib
import math

import numpy as np

from .errors import PriorsError


def apply_overrides(priors, overrides: dict[str, float]) -> np.ndarray:
    """Return a new parameter vector with `overrides` applied.

    A changed share of a prior distribution rescales the other shares of that
    distribution so that it still sums to 1. Unknown ids and numbers outside [0, 1]
    are refused with a `PriorsError`.
    """
    values = np.array(priors.values, dtype=float)
    ids = [p.id for p in priors.parameters]
    for pid, new in overrides.items():
        if pid not in priors._index:
            close = difflib.get_close_matches(str(pid), ids, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise PriorsError(f"unknown prior {pid!r}{hint}")
        if isinstance(new, bool) or not isinstance(new, (int, float)) or math.isnan(new) or not 0 <= new <= 1:
            raise PriorsError(f"prior {pid}: {new!r} is not a probability (it must lie in [0, 1])")
        i = priors.index(pid)
        values[i] = float(new)
        param = priors.parameters[i]
        if param.kind == "prior":
            _rescale_siblings(priors, values, i)
    return values


def _rescale_siblings(priors, values: np.ndarray, changed: int) -> None:
    group = priors.parameters[changed].group
    siblings = [j for j, p in enumerate(priors.parameters) if p.group == group and j != changed]
    rest = values[siblings].sum()
    room = 1.0 - values[changed]
    if rest > 0:
        values[siblings] *= room / rest
    else:
        values[siblings] = room / len(siblings)
