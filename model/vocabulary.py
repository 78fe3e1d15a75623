"""The public vocabulary: input ids and states, cause ids and labels, triage levels."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.toml")
ABSENT, PRESENT = "absent", "present"
CAUSE_STATES = (ABSENT, PRESENT)


@dataclass(frozen=True)
class Input:
    id: str
    group: str  # context, exposure, symptom, lab
    question: str
    states: tuple[str, ...]
    labels: tuple[str, ...]
    baseline: str | None = None

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
        return [i for i in self.inputs.values() if i.group == "exposure"]

    def group(self, name: str) -> list[Input]:
        return [i for i in self.inputs.values() if i.group == name]


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
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
