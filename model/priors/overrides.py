"""Session overrides of hand-set numbers (the dashboard's expert view, `Ranker.with_overrides`).

The files are never touched. An override set is checked against every rule the loader
enforces on files, so a ranker can never be built from numbers a file could not hold:

- each number is a probability within [0, 1];
- the shares of a prior distribution sum to 1: the shares given keep exactly their
  values and the shares not given are rescaled to make up the rest (so one changed
  share rescales the others, and a whole distribution given at once is used as given);
- the chances of a graded finding's grades sum to at most 1;
- the see-a-doctor threshold does not exceed the prompt-evaluation threshold.
"""
from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Mapping

import numpy as np

from ..errors import PriorsError
from .schema import Priors

SUM_TOLERANCE = 1e-6  # as the loader allows for a distribution's sum


def apply_overrides(priors: Priors, overrides: Mapping[str, float]) -> np.ndarray:
    """The numbers in use with `overrides` applied on top of `priors.values` (the files'
    values, or earlier overrides); refused with a `PriorsError` naming the number and the
    rule when they break one."""
    if not isinstance(overrides, Mapping):
        raise PriorsError(f"overrides must be a mapping of prior id to number, got {type(overrides).__name__}")
    values = np.array(priors.values, dtype=float)
    given: dict[str, set[int]] = {}  # prior distribution -> the shares set here
    for pid, new in overrides.items():
        if not isinstance(pid, str) or pid not in priors.positions:
            close = difflib.get_close_matches(str(pid), list(priors.positions), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise PriorsError(f"unknown prior {pid!r}{hint}")
        if isinstance(new, bool) or not isinstance(new, numbers.Real) or math.isnan(new) or not 0 <= new <= 1:
            raise PriorsError(f"prior {pid}: {new!r} is not a probability (it must lie in [0, 1])")
        i = priors.index(pid)
        values[i] = float(new)
        if priors.parameters[i].kind == "prior":
            given.setdefault(priors.parameters[i].group, set()).add(i)
    for group, shares in given.items():
        _rescale_the_rest(priors, values, group, shares)
    _check_graded(priors, values)
    _check_thresholds(priors, values)
    return values


def set_override(priors: Priors, overrides: Mapping[str, float], parameter_id: str,
                 value: float) -> tuple[dict[str, float], list[str]]:
    """The overrides with one number set, as an expert moves one slider.

    The value must lie in the number's range. One share of a distribution is set at a
    time: earlier overrides of its other shares are dropped (and returned), so the share
    set is exactly what was asked and the others are rescaled. A number set back to its
    file's value is dropped from the overrides. Raises `PriorsError` when the result
    breaks a rule (see the module docstring).
    """
    param = priors.parameter(parameter_id)
    low, high = max(0.0, param.low), min(1.0, param.high)
    tolerance = 1e-9
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low - tolerance <= value <= high + tolerance:
        raise PriorsError(f"{parameter_id}: {value!r} is outside its range [{low:g}, {high:g}]")
    new = dict(overrides)
    dropped = []
    if param.kind == "prior":
        dropped = [pid for pid in new if pid != parameter_id and priors.parameter(pid).group == param.group]
        for pid in dropped:
            del new[pid]
    if abs(float(value) - param.value) <= tolerance:
        new.pop(parameter_id, None)
    else:
        new[parameter_id] = float(value)
    apply_overrides(priors, new)
    return new, dropped


def _rescale_the_rest(priors: Priors, values: np.ndarray, group: str, shares: set[int]) -> None:
    members = priors.members(group)
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


def _check_graded(priors: Priors, values: np.ndarray) -> None:
    for group, members in priors.groups.items():
        if priors.parameters[members[0]].kind != "graded":
            continue
        total = float(values[members].sum())
        if total > 1 + SUM_TOLERANCE:
            raise PriorsError(f"{group}: the chances of the grades would add up to {total:.3g}, more than 1; "
                              "lower one of them first")


def _check_thresholds(priors: Priors, values: np.ndarray) -> None:
    low, high = (priors.threshold(k, values) for k in ("see_doctor_above", "prompt_evaluation_above"))
    if low > high:
        raise PriorsError(f"the see-a-doctor threshold ({low:g}) would be above the prompt-evaluation "
                          f"threshold ({high:g}); move one of them first")
