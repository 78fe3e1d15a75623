"""Which answers raised or lowered each cause, and by how much (exact leave-one-out).

For every observed answer a, the effect on cause c is

    P(c | all answers) - P(c | all answers but a)

computed from the network in one batched inference call: one row with every answer,
plus one row per answer with that answer left out (left out = unknown, marginalised).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..evidence import validate_case
from ..ranking import BaseRanker, ranked


@dataclass(frozen=True)
class AnswerEffect:
    """How one answer moved one cause."""

    input: str
    state: str
    cause: str
    without: float  # P(cause | every answer but this one)
    with_all: float  # P(cause | every answer)

    @property
    def change(self) -> float:
        return self.with_all - self.without


@dataclass(frozen=True)
class Explanation:
    """Leave-one-out effects of every answer on every cause, for one case."""

    evidence: dict[str, str]
    causes: tuple[str, ...]
    with_all: np.ndarray  # (causes,)
    without: np.ndarray  # (answers, causes), rows in evidence order

    def effect(self, input_id: str, cause: str) -> AnswerEffect:
        row = list(self.evidence).index(input_id)
        col = self.causes.index(cause)
        return AnswerEffect(input_id, self.evidence[input_id], cause, float(self.without[row, col]),
                            float(self.with_all[col]))

    def for_cause(self, cause: str, at_least: float = 0.0) -> list[AnswerEffect]:
        """The answers whose effect on `cause` is at least `at_least` in size, largest first."""
        effects = [self.effect(i, cause) for i in self.evidence]
        kept = [e for e in effects if abs(e.change) >= at_least and e.change != 0]
        return ranked(kept, lambda e: abs(e.change), lambda e: e.input)


def explain(ranker: BaseRanker, case: Mapping[str, str]) -> Explanation:
    """Leave-one-out effects of each answer of `case` on each cause of `ranker`."""
    evidence = validate_case(case, ranker.vocabulary)
    rows = [evidence] + [{k: v for k, v in evidence.items() if k != left_out} for left_out in evidence]
    probs = ranker.posteriors(ranker.engine.encode(rows), rows)  # one engine.infer call
    return Explanation(dict(evidence), tuple(ranker.causes), probs[0], probs[1:])
