"""A fair self-experiment: which trigger to test, a plan fixed in advance, and its result.

Which trigger (value of information). An experiment settles how strong a trigger is for this
person; that is worth most where the answer would most change their ranking. For each trigger
they logged, take their latest day with it (with twitching, if any) and rank it with the
trigger's personal strength at the low and at the high end of its 90% interval: the largest
change in any cause's probability is what the experiment could change, weighted by the share
of logged days with the trigger (how often the answer matters). The highest score is proposed.

The plan (an ABAB design): `experiment_phases` phases of `experiment_phase_days` days,
starting without the trigger (at its baseline), then with it as usual, alternating. The
decision rule is fixed before the first day and stored with the plan: keep the change if
the posterior probability that twitching is at least `experiment_effect` less frequent
without the trigger reaches `experiment_probability`.

The result. For each kind of phase, the share of logged days with twitching has a
Beta(1 + yes, 1 + no) posterior (missing days are missing); the probability that
rate(without) <= (1 - effect) x rate(with) is estimated from 20,000 seeded draws of both.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from ..evidence import validate_case
from ..priors import Setting
from ..ranking import BaseRanker
from ..vocabulary import Vocabulary
from .learn import Learned, Strength, tables_at

DRAWS = 20_000
SEED = 20261201


def propose(ranker: BaseRanker, learned: Learned, entries: Sequence[tuple[date, Mapping[str, str]]]) -> dict | None:
    """The trigger to test (see the module docstring), or None when no trigger was logged."""
    days = max(len(entries), 1)
    values = np.array(ranker.priors.values, dtype=float)
    for s in learned.triggers:
        values[ranker.priors.index(s.link.parameter)] = s.personal
    best, best_score, best_change = None, 0.0, 0.0
    for s in learned.triggers:
        if s.days_exposed == 0:
            continue
        change = ranking_change(ranker, values, s, _day_with(entries, s))
        score = change * s.days_exposed / days
        if score > best_score:
            best, best_score, best_change = s, score, change
    if best is None:
        return None
    return {"input": best.link.input, "state": best.link.state, "cause": best.link.cause,
            "personal": best.personal, "interval": list(best.interval), "days_exposed": best.days_exposed,
            "ranking_change": best_change}


def ranking_change(ranker: BaseRanker, values: np.ndarray, strength: Strength, case: Mapping[str, str]) -> float:
    """The largest change in any cause's probability for `case` as the trigger's strength moves
    from the low to the high end of its 90% interval (every other number at `values`)."""
    evidence = validate_case(case, ranker.vocabulary)
    ev = ranker.engine.encode([evidence, evidence])
    tables = tables_at(ranker, values, strength.link.parameter, strength.interval, 1)
    low, high = ranker.posteriors(ev, [evidence, evidence], tables)
    return float(np.max(np.abs(high - low)))


def _day_with(entries: Sequence[tuple[date, Mapping[str, str]]], strength: Strength) -> Mapping[str, str]:
    """The latest logged day with this trigger (and twitching, if any such day), else the trigger alone."""
    link = strength.link
    assert link.input is not None and link.state is not None
    exposed = [case for _, case in sorted(entries, key=lambda e: e[0]) if case.get(link.input) == link.state]
    twitching = [case for case in exposed if case.get("twitching") == "yes"]
    return (twitching or exposed or [{link.input: link.state}])[-1]


def plan(trigger: Mapping[str, object], vocabulary: Vocabulary, settings: Mapping[str, Setting], start: date) -> dict:
    """The ABAB plan and its decision rule, to be stored before the first day."""
    spec = vocabulary.inputs[str(trigger["input"])]
    phase, phases = int(settings["experiment_phase_days"].value), int(settings["experiment_phases"].value)
    effect, probability = settings["experiment_effect"].value, settings["experiment_probability"].value
    schedule = []
    for k in range(phases):
        first = start + timedelta(days=k * phase)
        schedule.append({"phase": "without" if k % 2 == 0 else "with", "from": first.isoformat(),
                         "to": (first + timedelta(days=phase - 1)).isoformat(),
                         "state": spec.baseline if k % 2 == 0 else trigger["state"]})
    return {"input": spec.id, "state": trigger["state"], "baseline": spec.baseline, "schedule": schedule,
            "rule": {"effect": effect, "probability": probability,
                     "text": (f"Keep the change if the chance that twitching is at least {effect:.0%} less frequent "
                              f"on days without \u201c{spec.question}: {spec.label_of(str(trigger['state']))}\u201d "
                              f"is {probability:.0%} or more.")}}


@dataclass(frozen=True)
class Result:
    """An experiment's outcome so far, with its uncertainty."""

    days_logged: dict[str, int]  # phase kind -> days with twitching logged
    twitching_days: dict[str, int]
    followed: float  # share of logged days on which the trigger was as the plan said
    probability: float  # P(rate without <= (1 - effect) * rate with)
    complete: bool
    keep_change: bool | None  # the rule's verdict once complete, else None
    rule: str

    def to_dict(self) -> dict:
        return {"days_logged": self.days_logged, "twitching_days": self.twitching_days, "followed": self.followed,
                "probability": self.probability, "complete": self.complete, "keep_change": self.keep_change,
                "rule": self.rule}


def evaluate(plan_: Mapping, entries: Sequence[tuple[date, Mapping[str, str]]], today: date) -> Result:
    """The experiment's result from the diary's days within its phases."""
    logged = {"without": 0, "with": 0}
    yes = {"without": 0, "with": 0}
    followed = total = 0
    by_day = dict(entries)
    for phase in plan_["schedule"]:
        day, end = date.fromisoformat(phase["from"]), date.fromisoformat(phase["to"])
        while day <= end:
            case = by_day.get(day)
            if case is not None and "twitching" in case:
                logged[phase["phase"]] += 1
                yes[phase["phase"]] += case["twitching"] == "yes"
                if plan_["input"] in case:
                    total += 1
                    followed += case[plan_["input"]] == phase["state"]
            day += timedelta(days=1)
    rng = np.random.default_rng(SEED)
    without = rng.beta(1 + yes["without"], 1 + logged["without"] - yes["without"], DRAWS)
    with_ = rng.beta(1 + yes["with"], 1 + logged["with"] - yes["with"], DRAWS)
    effect = plan_["rule"]["effect"]
    probability = float(np.mean(without <= (1 - effect) * with_))
    complete = today > date.fromisoformat(plan_["schedule"][-1]["to"])
    keep = (probability >= plan_["rule"]["probability"]) if complete else None
    return Result(logged, yes, followed / total if total else 0.0, probability, complete, keep, plan_["rule"]["text"])
