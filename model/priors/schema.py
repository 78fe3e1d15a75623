"""The data model of a validated priors folder: each hand-set number, each network node, the whole.

A `Priors` holds the network's nodes (in topological order) with, for each table, the
indices of the numbers it is built from, and one flat vector of those numbers
(`Priors.values`, read-only). The network builder, the uncertainty draws, the
sensitivity sweeps and session overrides all work on that vector, so changing a
number never means editing a node.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ..errors import PriorsError
from ..vocabulary import Vocabulary

TRIAGE_KEYS = ("prompt_evaluation_above", "see_doctor_above")
# The diary's settings (priors/diary.toml) and their units
DIARY_UNITS = {"experience_days": "days", "enough_days_exposed": "days", "enough_days_unexposed": "days",
               "persisting_weeks": "weeks", "persisting_share": "share", "persisting_min_days": "days",
               "cut_back_share": "share", "experiment_phase_days": "days", "experiment_phases": "count",
               "experiment_effect": "share", "experiment_probability": "share"}


@dataclass(frozen=True)
class Parameter:
    """One hand-set number and what backs it."""

    id: str  # stable id, e.g. "twitching.given.caffeine_effect"
    file: str
    node: str
    value: float
    low: float
    high: float
    judgement: bool
    source: str
    rationale: str
    group: str  # numbers of one distribution share a group
    kind: str  # "prior" (group sums to 1), "graded" (group sums to <= 1), "single"


@dataclass(frozen=True)
class Setting:
    """A number of the diary's (priors/diary.toml): not a probability of the network."""

    id: str
    value: float
    low: float
    high: float
    unit: str  # days, weeks, share, count
    judgement: bool
    source: str
    rationale: str


@dataclass(frozen=True)
class Node:
    """A network node: its states and how its table is made from parameters.

    For model "prior", `prior[state]` is the parameter index of P(state).
    For "noisy_or"/"noisy_max" the node's grades run along `order` (state indices,
    mildest first); `baseline[state]` is the parameter index of the background's
    P(exactly state) for each grade above the mildest (every parent at reference), and
    `given[parent][parent_state][state]` the chance that this parent state, on its own,
    produces exactly that grade.
    """

    id: str
    file: str
    model: str
    states: tuple[str, ...]
    label: str
    is_cause: bool
    parents: tuple[str, ...] = ()
    reference: dict[str, int] = field(default_factory=dict)
    prior: dict[int, int] = field(default_factory=dict)
    order: tuple[int, ...] = ()
    baseline: dict[int, int] = field(default_factory=dict)
    given: dict[str, dict[int, dict[int, int]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Priors:
    """A validated priors folder: nodes, numbers and the content fingerprint they came from."""

    folder: Path
    nodes: dict[str, Node]  # in topological order
    parameters: tuple[Parameter, ...]
    values: np.ndarray  # the numbers in use, read-only (the files' values unless overridden)
    triage: dict[str, int]  # triage key -> parameter index
    causes: dict[str, str]  # ranked cause id -> label (vocabulary causes, then extras)
    vocabulary: Vocabulary
    fingerprint: str  # sha256 of the folder's files (see loader.fingerprint)
    diary: dict[str, Setting] = field(default_factory=dict)  # the diary's settings (priors/diary.toml)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Parameter id -> its index in `parameters` and `values`."""
        return {p.id: i for i, p in enumerate(self.parameters)}

    def index(self, parameter_id: str) -> int:
        try:
            return self.positions[parameter_id]
        except KeyError:
            raise PriorsError(f"unknown prior {parameter_id!r}") from None

    def parameter(self, parameter_id: str) -> Parameter:
        """The number with this id as written in the files (its `value` is the file's)."""
        return self.parameters[self.index(parameter_id)]

    def members(self, group: str) -> list[int]:
        """Indices of the numbers of one distribution (or the single number of a group)."""
        return self.groups.get(group, [])

    @cached_property
    def groups(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, p in enumerate(self.parameters):
            out.setdefault(p.group, []).append(i)
        return out

    def threshold(self, key: str, values: np.ndarray | None = None) -> float:
        """A triage threshold (see TRIAGE_KEYS) under `values` (default: the numbers in use)."""
        vals = self.values if values is None else values
        return float(vals[self.triage[key]])

    @property
    def overridden(self) -> bool:
        """True when some number in use differs from its file's value."""
        return not np.array_equal(self.values, self.file_values)

    @cached_property
    def file_values(self) -> np.ndarray:
        out = np.array([p.value for p in self.parameters], dtype=float)
        out.setflags(write=False)
        return out

    def with_values(self, values: np.ndarray) -> Priors:
        """A copy using `values` (already checked, see overrides.apply_overrides); files untouched."""
        frozen = np.array(values, dtype=float)
        if frozen.shape != self.file_values.shape:
            raise PriorsError(f"expected {self.file_values.size} numbers, got shape {frozen.shape}")
        frozen.setflags(write=False)
        return replace(self, values=frozen)
