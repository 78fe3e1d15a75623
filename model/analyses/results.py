"""The analyses' results as typed, frozen records; `to_dict()` gives the interface's JSON keys."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CauseUncertainty:
    """A cause's 90% interval over the prior draws, and the share of draws keeping its rank."""

    interval: tuple[float, float]
    rank_stability: float

    def to_dict(self) -> dict:
        return {"interval": [self.interval[0], self.interval[1]], "rank_stability": self.rank_stability}


@dataclass(frozen=True)
class HowSure:
    """How often the first cause stays first, and the triage stays, over the prior draws."""

    draws: int
    seed: int
    top_cause: str
    top_stays_first: float
    triage_stays: float

    def to_dict(self) -> dict:
        return {"draws": self.draws, "seed": self.seed, "top_cause": self.top_cause,
                "top_stays_first": self.top_stays_first, "triage_stays": self.triage_stays}


@dataclass(frozen=True)
class Uncertainty:
    per_cause: Mapping[str, CauseUncertainty]
    how_sure: HowSure


@dataclass(frozen=True)
class WhatIf:
    """The counterfactual chance that the twitching would be absent with `input` at `to`."""

    input: str
    from_state: str
    to: str
    twitching_stops: float

    def to_dict(self) -> dict:
        return {"input": self.input, "from": self.from_state, "to": self.to, "twitching_stops": self.twitching_stops}


@dataclass(frozen=True)
class NextQuestion:
    """An unanswered input and how much answering it would tell (weighted bits)."""

    input: str
    question: str
    information_gain: float
    most_affected: str  # the cause whose probability the answer is expected to move most
    answers: Mapping[str, float]  # state -> P(that answer | the answers so far)

    def to_dict(self) -> dict:
        return {"input": self.input, "question": self.question, "information_gain": self.information_gain,
                "most_affected": self.most_affected, "answers": dict(self.answers)}


@dataclass(frozen=True)
class Detail:
    """What rank(case, detail=True) adds to a ranking."""

    uncertainty: Uncertainty
    what_if: tuple[WhatIf, ...]
    next_questions: tuple[NextQuestion, ...]

    @property
    def how_sure(self) -> HowSure:
        return self.uncertainty.how_sure

    def interval(self, cause: str) -> CauseUncertainty:
        return self.uncertainty.per_cause[cause]

    def per_cause(self) -> Mapping[str, Mapping[str, Any]]:
        return {c: u.to_dict() for c, u in self.uncertainty.per_cause.items()}

    def top_level(self) -> Mapping[str, Any]:
        return {"how_sure": self.how_sure.to_dict(), "what_if": [w.to_dict() for w in self.what_if],
                "next_questions": [q.to_dict() for q in self.next_questions]}


@dataclass(frozen=True)
class SensitivityEntry:
    """One hand-set number swept alone across its range: where (if anywhere) it changes the
    top cause or the triage level, and the top cause's and the high-priority node's chance at
    both ends of the range (the tornado chart)."""

    parameter: str
    value: float
    range: tuple[float, float]
    judgement: bool
    top_cause: str
    top_at_low: float
    top_at_high: float
    high_priority_at_low: float
    high_priority_at_high: float
    top_changes_at: float | None = None
    new_top: str | None = None
    triage_changes_at: float | None = None
    new_triage: str | None = None

    @property
    def swing(self) -> float:
        return abs(self.top_at_high - self.top_at_low)

    @property
    def changes_something(self) -> bool:
        return self.top_changes_at is not None or self.triage_changes_at is not None

    def to_dict(self) -> dict:
        out: dict[str, Any] = {
            "parameter": self.parameter, "value": self.value, "range": [self.range[0], self.range[1]],
            "judgement": self.judgement, "top_cause": self.top_cause, "top_at_low": self.top_at_low,
            "top_at_high": self.top_at_high, "high_priority_at_low": self.high_priority_at_low,
            "high_priority_at_high": self.high_priority_at_high, "top_changes_at": self.top_changes_at,
            "new_top": self.new_top, "triage_changes_at": self.triage_changes_at, "new_triage": self.new_triage,
        }
        for kind in ("top", "triage"):
            at = out[f"{kind}_changes_at"]
            if at is not None:
                out[f"{kind}_changes_by"] = abs(at - self.value)
        out["swing"] = self.swing
        return out
