"""Probabilities in words people read correctly: natural frequencies."""
from __future__ import annotations

import math


def natural_frequency(p: float) -> str:
    """'about 1 in 2,000', 'about 6 in 10', 'fewer than 1 in a million'."""
    if not math.isfinite(p) or p < 0 or p > 1:
        raise ValueError(f"not a probability: {p!r}")
    if p == 0:
        return "none"
    if p < 1e-6:
        return "fewer than 1 in a million"
    if p >= 0.95:
        return "more than 9 in 10" if p < 1 else "all"
    if p >= 0.1:
        return f"about {max(1, round(p * 10))} in 10"
    return f"about 1 in {_nice(1 / p):,}"


def one_in(p: float) -> int:
    """N in '1 in N', rounded to two significant figures (p in (0, 0.1))."""
    return _nice(1 / p)


def _nice(x: float) -> int:
    """Round to two significant figures: 1,234 -> 1,200; 57 -> 57."""
    digits = int(math.floor(math.log10(x)))
    step = 10 ** max(digits - 1, 0)
    return int(round(x / step) * step)
