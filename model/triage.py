"""Triage: documented red-flag rules first, then posterior thresholds from priors/triage.toml.

Triage never rests on the posterior alone. sudden_symptoms=yes means an emergency (a
possible stroke). Otherwise any red flag means prompt evaluation whatever the model's
probabilities, and so does a high-priority posterior above `prompt_evaluation_above`.
Otherwise a long duration, a low blood test or a posterior above `see_doctor_above`
means a routine appointment; otherwise self-care.

The rules and every sentence people read are in model/triage_rules.toml, for clinical
review; this module only applies them.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .frequency import natural_frequency

LEVELS = ("self_care", "see_doctor", "prompt_evaluation", "emergency")
RULES_FILE = Path(__file__).with_name("triage_rules.toml")


@dataclass(frozen=True)
class Rule:
    input: str
    state: str
    short: str
    reason: str
    also: str = ""


def _load_rules(path: Path = RULES_FILE) -> dict:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))

    def rules(level: str) -> dict[tuple[str, str], Rule]:
        out = {}
        for entry in raw[level]:
            rule = Rule(**entry)
            if (rule.input, rule.state) in out:
                raise ValueError(f"{path.name}: [[{level}]] {rule.input}={rule.state} appears twice")
            out[(rule.input, rule.state)] = rule
        return out

    return {"emergency": rules("emergency"), "prompt_evaluation": rules("prompt_evaluation"),
            "see_doctor": rules("see_doctor"), "texts": raw}


_RULES = _load_rules()
_TEXT = _RULES["texts"]
EMERGENCY_RULES: dict[tuple[str, str], Rule] = _RULES["emergency"]
PROMPT_RULES: dict[tuple[str, str], Rule] = _RULES["prompt_evaluation"]
ROUTINE_RULES: dict[tuple[str, str], Rule] = _RULES["see_doctor"]
# (input, state) -> the reason given when that rule sets the level
EMERGENCY_FLAGS = {k: r.reason for k, r in EMERGENCY_RULES.items()}
PROMPT_FLAGS = {k: r.reason for k, r in PROMPT_RULES.items()}
ROUTINE_FLAGS = {k: r.reason for k, r in ROUTINE_RULES.items()}
# the warning-sign questions, in the order they are listed when still unanswered
WARNING_SIGNS = {r.input: r.short for r in (*EMERGENCY_RULES.values(), *PROMPT_RULES.values())}


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}


def triage(evidence: dict[str, str], hp: float, prompt_above: float, routine_above: float,
           hp_label: str = "a serious neuromuscular condition") -> Triage:
    """Triage level and plain-word reasons for one case."""
    def hits(rules):
        return [r for (i, s), r in rules.items() if evidence.get(i) == s]

    emergency, prompt, routine = hits(EMERGENCY_RULES), hits(PROMPT_RULES), hits(ROUTINE_RULES)
    words = {"condition": hp_label, "chance": natural_frequency(hp)}
    posterior = None
    if hp > prompt_above:
        posterior = ("prompt_evaluation", _TEXT["prompt_evaluation_posterior"], _level(prompt_above))
    elif hp > routine_above:
        posterior = ("see_doctor", _TEXT["see_doctor_posterior"], _level(routine_above))

    if emergency:
        others = [r.short for r in prompt + routine]
        if posterior is not None:
            others.append(posterior[1]["short"])
        reasons = [r.reason for r in emergency]
        if others:
            reasons.append(_TEXT["emergency_also"]["reason"].format(list=_join(others)))
        return Triage("emergency", tuple(reasons))
    if prompt or (posterior and posterior[0] == "prompt_evaluation"):
        reasons = [r.reason for r in prompt]
        if posterior and posterior[0] == "prompt_evaluation":
            reasons.append(posterior[1]["reason"].format(threshold=posterior[2], **words))
        reasons += [r.also for r in routine]
        if posterior and posterior[0] == "see_doctor":
            reasons.append(posterior[1]["also"].format(**words))
        return Triage("prompt_evaluation", tuple(reasons))
    if routine or posterior:
        reasons = [r.reason for r in routine]
        if posterior:
            reasons.append(posterior[1]["reason"].format(threshold=posterior[2], **words))
        return Triage("see_doctor", tuple(reasons))
    text = _TEXT["self_care"]
    reasons = [text["reason_no_twitching"] if evidence.get("twitching") == "no" else text["reason"].format(**words)]
    open_questions = [short for inp, short in WARNING_SIGNS.items() if inp not in evidence]
    if open_questions:
        reasons.append(text["unanswered"].format(list=_join(open_questions)))
    return Triage("self_care", tuple(reasons))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _level(p: float) -> str:
    """A threshold in words: '1 in 200', '3 in 100'."""
    return natural_frequency(p).removeprefix("about ")


def triage_levels(evidence: np.ndarray, columns: dict[str, int], states: dict[str, tuple[str, ...]],
                  hp: np.ndarray, prompt_above: float, routine_above: float) -> np.ndarray:
    """Vectorised triage level index (0-3, as LEVELS) for an evidence matrix (state index, -1 unknown)."""
    def any_of(flags) -> np.ndarray:
        hit = np.zeros(evidence.shape[0], dtype=bool)
        for inp, state in flags:
            hit |= evidence[:, columns[inp]] == states[inp].index(state)
        return hit

    level = np.zeros(evidence.shape[0], dtype=np.int8)
    level[any_of(ROUTINE_FLAGS) | (hp > routine_above)] = 1
    level[any_of(PROMPT_FLAGS) | (hp > prompt_above)] = 2
    level[any_of(EMERGENCY_FLAGS)] = 3
    return level
