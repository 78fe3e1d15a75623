"""Probabilities as people read them: one formatter for the dashboard, the CLI and the report.

- `percent(p)`: a short percentage, two significant figures below 10% ("64%", "6.4%",
  "0.064%"), so that small chances are not shown as 0%.
- `natural_frequency(p)`: a natural frequency ("about 6 in 10", "about 1 in 2,000"),
  the form most people read correctly.
- `threshold_words(p)`: a threshold in words without "about" ("1 in 200").
"""
from __future__ import annotations

import math
from datetime import date


def percent(p: float) -> str:
    """A probability as a short percentage: 64%, 6.4%, 0.064%, 'under 0.0001%' below one in a
    million (never in scientific notation), 0% only for exactly zero."""
    _check(p)
    if p >= 0.1:
        return f"{100 * p:.0f}%"
    if p >= 0.01:
        return f"{100 * p:.1f}%"
    if p == 0:
        return "0%"
    if p < 1e-6:
        return "under 0.0001%"
    return f"{100 * p:.2g}%"


def natural_frequency(p: float) -> str:
    """'about 1 in 2,000', 'about 6 in 10', 'fewer than 1 in a million'."""
    _check(p)
    if p == 0:
        return "none"
    if p < 1e-6:
        return "fewer than 1 in a million"
    if p >= 0.95:
        return "more than 9 in 10" if p < 1 else "all"
    if p >= 0.1:
        return f"about {max(1, round(p * 10))} in 10"
    return f"about 1 in {one_in(p):,}"


def threshold_words(p: float) -> str:
    """A threshold in words: '1 in 200', '3 in 10'."""
    return natural_frequency(p).removeprefix("about ")


def one_in(p: float) -> int:
    """N in '1 in N' for p in (0, 0.1), rounded to two significant figures."""
    if not 0 < p < 1:
        raise ValueError(f"'1 in N' needs a probability strictly between 0 and 1, got {p!r}")
    x = 1 / p
    digits = int(math.floor(math.log10(x)))
    step = 10 ** max(digits - 1, 0)
    return int(round(x / step) * step)


def _check(p: float) -> None:
    if not isinstance(p, (int, float)) or not math.isfinite(p) or p < 0 or p > 1:
        raise ValueError(f"not a probability: {p!r}")


def day_words(day: date, year: bool = True) -> str:
    """A date as people write it: '3 November 2026' (no leading zero), or '3 November'."""
    return f"{day.day} {day:%B}" + (f" {day.year}" if year else "")
