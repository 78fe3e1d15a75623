"""What the dashboard's expert view needs: the priors fingerprint, validated session
overrides, and a small cache of the rankers built from them. The files are never written."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .errors import PriorsError
from .guidance import display_label
from .priors import DEFAULT_PRIORS, Parameter, Priors

TRIAGE_NODE = "triage"
TOLERANCE = 1e-9


def priors_fingerprint(folder: str | Path | None = None) -> str:
    """A hash of the priors folder's *.toml names and bytes: changes exactly when the content does."""
    folder = Path(DEFAULT_PRIORS if folder is None else folder)
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def slider_bounds(param: Parameter) -> tuple[float, float]:
    """Where a number may be moved in the session: its range, within [0, 1]."""
    return max(0.0, param.low), min(1.0, param.high)


def slider_step(param: Parameter) -> float:
    """A step about a hundredth of the range, rounded to a power of ten."""
    lo, hi = slider_bounds(param)
    return float(10.0 ** (np.floor(np.log10(hi - lo)) - 2)) if hi > lo else 0.001


def slider_format(param: Parameter) -> str:
    """A printf format showing every digit the step can reach."""
    decimals = max(1, int(round(-np.log10(slider_step(param)))))
    return f"%.{decimals}f"


def set_override(priors: Priors, overrides: dict[str, float], parameter_id: str,
                 value: float) -> tuple[dict[str, float], list[str]]:
    """The overrides with one number set (dropped again when it equals the file's value).

    One share of a distribution is set at a time: earlier overrides of its other
    shares are dropped (and returned) so the share set is exactly what was asked and
    the others are rescaled to keep the sum at 1. Raises `PriorsError` for a value
    outside the number's range or overrides that do not make a valid network.
    """
    param = priors.parameter(parameter_id)
    lo, hi = slider_bounds(param)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo - TOLERANCE <= value <= hi + TOLERANCE:
        raise PriorsError(f"{parameter_id}: {value!r} is outside its range [{lo:g}, {hi:g}]")
    new = dict(overrides)
    dropped = []
    if param.kind == "prior":
        dropped = [pid for pid in new if pid != parameter_id and priors.parameter(pid).group == param.group]
        for pid in dropped:
            del new[pid]
    if abs(float(value) - param.value) <= TOLERANCE:
        new.pop(parameter_id, None)
    else:
        new[parameter_id] = float(value)
    check_overrides(priors, new)
    return new, dropped


def check_overrides(priors: Priors, overrides: dict[str, float]) -> np.ndarray:
    """The numbers in use under `overrides`, refused with `PriorsError` when they break the
    rules the loader enforces on files (graded chances summing above 1, triage thresholds
    out of order)."""
    values = priors.with_values(overrides).values
    sums: dict[str, float] = {}
    for i, p in enumerate(priors.parameters):
        if p.kind == "graded":
            sums[p.group] = sums.get(p.group, 0.0) + values[i]
    for group, total in sums.items():
        if total > 1 + TOLERANCE:
            raise PriorsError(f"the chances in {group} would add up to {total:.3g}, more than 1; "
                              "lower one of them first")
    low, high = (priors.threshold(k, values) for k in ("see_doctor_above", "prompt_evaluation_above"))
    if low > high:
        raise PriorsError(f"the see-a-doctor threshold ({low:g}) would be above the prompt-evaluation "
                          f"threshold ({high:g}); move one of them first")
    return values


class OverrideCache:
    """The rankers for the last few sets of overrides (building one takes tens of milliseconds)."""

    def __init__(self, ranker, size: int = 16):
        self.ranker = ranker
        self.size = size
        self._rankers: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, overrides: dict[str, float]):
        """The ranker with `overrides` applied (the base ranker when there are none)."""
        if not overrides:
            return self.ranker
        key = tuple(sorted(overrides.items()))
        with self._lock:
            if key in self._rankers:
                self._rankers.move_to_end(key)
                return self._rankers[key]
        check_overrides(self.ranker.priors, overrides)
        built = self.ranker.with_overrides(dict(key))
        with self._lock:
            self._rankers[key] = built
            while len(self._rankers) > self.size:
                self._rankers.popitem(last=False)
        return built


def parameters_by_node(priors: Priors) -> dict[str, list[Parameter]]:
    """Every hand-set number, grouped by the network node it belongs to (triage last)."""
    groups: dict[str, list[Parameter]] = {}
    for p in priors.parameters:
        groups.setdefault(TRIAGE_NODE if p.file == "triage.toml" else p.node, []).append(p)
    order = [n for n in priors.nodes if n in groups] + [n for n in groups if n not in priors.nodes]
    return {n: groups[n] for n in order}


def node_title(priors: Priors, node: str) -> str:
    """A readable name for a node in the expert view."""
    if node == TRIAGE_NODE:
        return "Triage thresholds"
    if node in priors.causes:
        return f"Cause: {display_label(priors.causes[node])}"
    spec = priors.vocabulary.inputs.get(node)
    return f"Question: {spec.question}" if spec else node


def priors_rows(priors: Priors, in_use: np.ndarray) -> list[dict]:
    """One row per hand-set number, for the expert table."""
    return [{
        "number": p.id,
        "file": p.file,
        "in file": p.value,
        "in use": float(in_use[i]),
        "range": f"{p.low:g} to {p.high:g}",
        "judgement": "judgement" if p.judgement else "sourced",
        "source": p.source,
        "rationale": p.rationale,
    } for i, p in enumerate(priors.parameters)]


def cause_sources(priors: Priors, cause: str) -> list[str]:
    """The sources behind a cause's numbers: its own chances and its links to what it produces."""
    indices = [i for i, p in enumerate(priors.parameters) if p.node == cause and p.file != "triage.toml"]
    for node in priors.nodes.values():
        for by_state in node.given.get(cause, {}).values():
            indices.extend(by_state.values())
    seen: dict[str, None] = {}
    for i in indices:
        seen.setdefault(priors.parameters[i].source.strip(), None)
    return [s for s in seen if s]
