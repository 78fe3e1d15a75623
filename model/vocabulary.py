"""The public vocabulary (vocabulary.toml): input ids and states, cause ids and labels, triage levels.

Every input has a group (context, exposure, symptom, lab) and, from it, a role in the
network, decided here and nowhere else:

- an **answer** (context or exposure): something about the person or what they are
  exposed to; answers sit upstream of the causes;
- a **finding** (symptom or lab): something the causes produce; findings are the
  network's leaves.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
ABSENT, PRESENT = "absent", "present"
CAUSE_STATES = (ABSENT, PRESENT)
ANSWER_GROUPS = ("context", "exposure")
FINDING_GROUPS = ("symptom", "lab")
# The exposures that are medicines a person takes: triggers, but not ones to cut back on
# their own (a doctor decides), unlike the lifestyle ones.
MEDICINES = ("diuretic", "asthma_medication", "ssri", "ppi")


@dataclass(frozen=True)
class Input:
    """One question: its id, group, wording and states (ids and labels, in order)."""

    id: str
    group: str  # context, exposure, symptom, lab
    question: str
    states: tuple[str, ...]
    labels: tuple[str, ...]
    baseline: str | None = None  # exposures: the state in which it is not a trigger

    @property
    def role(self) -> str:
        """'answer' for context and exposure inputs, 'finding' for symptoms and blood tests."""
        return "finding" if self.group in FINDING_GROUPS else "answer"

    def label_of(self, state: str) -> str:
        return self.labels[self.states.index(state)]


@dataclass(frozen=True)
class Vocabulary:
    inputs: dict[str, Input]
    causes: dict[str, str]  # id -> label, in vocabulary order
    high_priority: str
    triage_levels: dict[str, str]  # id -> description, least urgent first

    @property
    def exposures(self) -> list[Input]:
        return self.group("exposure")

    @property
    def lifestyle(self) -> list[Input]:
        """The exposures a person can change themselves: all but the medicines."""
        return [i for i in self.exposures if i.id not in MEDICINES]

    def group(self, name: str) -> list[Input]:
        return [i for i in self.inputs.values() if i.group == name]

    @cached_property
    def valid_states(self) -> dict[str, frozenset[str]]:
        """Input id -> its state names (for checking answers quickly)."""
        return {i: frozenset(spec.states) for i, spec in self.inputs.items()}

    def role_of(self, node: str) -> str:
        """'answer', 'cause' or 'finding' for an input id or a cause id; other nodes of the
        network (extra causes a priors folder adds) count as causes."""
        spec = self.inputs.get(node)
        return spec.role if spec is not None else "cause"


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The package's vocabulary.toml, read once."""
    raw = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    inputs = {
        key: Input(
            id=key,
            group=spec["group"],
            question=spec["question"],
            states=tuple(spec["states"]),
            labels=tuple(spec["states"].values()),
            baseline=spec.get("baseline"),
        )
        for key, spec in raw["inputs"].items()
    }
    return Vocabulary(
        inputs=inputs,
        causes=dict(raw["causes"]),
        high_priority=raw["high_priority"]["cause"],
        triage_levels=dict(raw["triage"]),
    )
