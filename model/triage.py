"""Triage: documented red-flag rules first, then posterior thresholds from priors/triage.toml.

Triage never rests on the posterior alone. Each rule of `RULES` (read from
model/triage_rules.toml, where a clinician reviews the rules and every sentence people
read) names an answer and the level it sets whatever the model's probabilities; the
high-priority posterior adds a level of its own:

    level = max( max over the rules the answers hit of rule.level,
                 prompt_evaluation if P(high priority) > prompt_evaluation_above
                 else see_doctor if P(high priority) > see_doctor_above
                 else self_care )

`triage` (one case, with reasons) and `triage_levels` (a matrix of cases) are both built
from `RULES` and the rule above (`decide_one`, `decide`: one rule, a scalar and a vectorised
form, checked against each other in tests/test_triage.py), so they cannot disagree. Reasons say what to do and how soon:
emergency now, prompt evaluation within days, see a doctor at a routine appointment in
the coming weeks.
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .formatting import natural_frequency, threshold_words

LEVELS = ("self_care", "see_doctor", "prompt_evaluation", "emergency")
SELF_CARE, SEE_DOCTOR, PROMPT, EMERGENCY = range(len(LEVELS))
RULES_FILE = Path(__file__).with_name("triage_rules.toml")


@dataclass(frozen=True)
class Rule:
    """An answer that sets a triage level on its own, and the words people read about it."""

    input: str
    state: str
    level: int  # index into LEVELS
    short: str  # a few words naming the finding (lists, open questions)
    reason: str  # the sentence when this rule sets the level: what it means, what to do, how soon
    also: str = ""  # a routine rule's sentence when the level is higher (no second timescale)


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}


def _load(path: Path = RULES_FILE) -> tuple[tuple[Rule, ...], dict]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    for level in (EMERGENCY, PROMPT, SEE_DOCTOR):
        for entry in raw[LEVELS[level]]:
            rule = Rule(level=level, **entry)
            if any((r.input, r.state) == (rule.input, rule.state) for r in rules):
                raise ValueError(f"{path.name}: {rule.input}={rule.state} has two rules")
            rules.append(rule)
    texts = {k: v for k, v in raw.items() if not isinstance(v, list)}
    return tuple(rules), texts


RULES, TEXTS = _load()
# the warning-sign questions (emergency and prompt rules), in the order they are listed when open
WARNING_SIGNS: dict[str, str] = {r.input: r.short for r in RULES if r.level >= PROMPT}


def decide(rule_level: np.ndarray, hp: np.ndarray, prompt_above, routine_above) -> np.ndarray:
    """The level index per row: the highest of the rules hit and the posterior's level.
    Thresholds may be scalars or one per row."""
    posterior = np.where(hp > prompt_above, PROMPT, np.where(hp > routine_above, SEE_DOCTOR, SELF_CARE))
    return np.maximum(rule_level, posterior).astype(np.intp)


def decide_one(rule_level: int, hp: float, prompt_above: float, routine_above: float) -> int:
    """`decide` for one case (the same rule, without arrays)."""
    posterior = PROMPT if hp > prompt_above else SEE_DOCTOR if hp > routine_above else SELF_CARE
    return max(rule_level, posterior)


def triage(evidence: Mapping[str, str], hp: float, prompt_above: float, routine_above: float,
           hp_label: str = "a serious neuromuscular condition") -> Triage:
    """Triage level and plain-word reasons for one case."""
    hits = tuple(k for k, r in enumerate(RULES) if evidence.get(r.input) == r.state)
    posterior = decide_one(SELF_CARE, hp, prompt_above, routine_above)  # the posterior's own level
    calm = not hits and posterior == SELF_CARE
    open_questions = tuple(open_warning_signs(evidence)) if calm else ()
    no_twitching = calm and evidence.get("twitching") == "no"
    return _triage(hits, posterior, natural_frequency(hp), prompt_above, routine_above, no_twitching,
                   open_questions, hp_label)


@lru_cache(maxsize=4096)
def _triage(hit_rules: tuple[int, ...], posterior_level: int, chance: str, prompt_above: float, routine_above: float,
            no_twitching: bool, open_questions: tuple[str, ...], hp_label: str) -> Triage:
    """`triage` from what its words depend on (the rules hit by index, the posterior's own
    level and its chance in words): the same answers' words are built once."""
    hits = [RULES[k] for k in hit_rules]
    rule_level = max((r.level for r in hits), default=SELF_CARE)
    level = max(rule_level, posterior_level)  # = decide_one(rule_level, hp, ...)
    emergency = [r for r in hits if r.level == EMERGENCY]
    prompt = [r for r in hits if r.level == PROMPT]
    routine = [r for r in hits if r.level == SEE_DOCTOR]
    words = {"condition": hp_label, "chance": chance}
    posterior = None  # the posterior's own level, its texts and its threshold in words
    if posterior_level == PROMPT:
        posterior = (PROMPT, TEXTS["prompt_evaluation_posterior"], threshold_words(prompt_above))
    elif posterior_level == SEE_DOCTOR:
        posterior = (SEE_DOCTOR, TEXTS["see_doctor_posterior"], threshold_words(routine_above))

    if level == EMERGENCY:
        others = [r.short for r in prompt + routine] + ([posterior[1]["short"]] if posterior else [])
        reasons = [r.reason for r in emergency]
        if others:
            reasons.append(TEXTS["emergency_also"]["reason"].format(list=_join(others)))
        return Triage(LEVELS[level], tuple(reasons))
    if level == PROMPT:
        reasons = [r.reason for r in prompt]
        if posterior and posterior[0] == PROMPT:
            reasons.append(posterior[1]["reason"].format(threshold=posterior[2], **words))
        reasons += [r.also for r in routine]
        if posterior and posterior[0] == SEE_DOCTOR:
            reasons.append(posterior[1]["also"].format(**words))
        return Triage(LEVELS[level], tuple(reasons))
    if level == SEE_DOCTOR:
        reasons = [r.reason for r in routine]
        if posterior:
            reasons.append(posterior[1]["reason"].format(threshold=posterior[2], **words))
        return Triage(LEVELS[level], tuple(reasons))
    text = TEXTS["self_care"]
    reasons = [text["reason_no_twitching"] if no_twitching else text["reason"].format(**words)]
    if open_questions:
        reasons.append(text["unanswered"].format(list=_join([WARNING_SIGNS[i] for i in open_questions])))
    return Triage(LEVELS[level], tuple(reasons))


def open_warning_signs(evidence: Mapping[str, str]) -> list[str]:
    """The warning-sign questions a case leaves unanswered, in rule order."""
    return [i for i in WARNING_SIGNS if i not in evidence]


def triage_levels(evidence: np.ndarray, columns: Mapping[str, int], states: Mapping[str, tuple[str, ...]],
                  hp: np.ndarray, prompt_above, routine_above) -> np.ndarray:
    """Level index per row of an evidence matrix (state index per column, -1 unknown)."""
    rule_level = np.full(evidence.shape[0], SELF_CARE, dtype=np.intp)
    for r in RULES:
        hit = evidence[:, columns[r.input]] == states[r.input].index(r.state)
        rule_level[hit] = np.maximum(rule_level[hit], r.level)
    return decide(rule_level, hp, prompt_above, routine_above)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
