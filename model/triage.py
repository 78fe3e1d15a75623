"""Triage: documented red-flag rules first, then posterior thresholds from priors/triage.toml.

Triage never rests on the posterior alone. Each rule of `RULES` names an answer and
the level it sets whatever the model's probabilities; the high-priority posterior
adds a level of its own:

    level = max( max over the rules the answers hit of rule.level,
                 prompt_evaluation if P(high priority) > prompt_evaluation_above
                 else see_doctor if P(high priority) > see_doctor_above
                 else self_care )

`triage` (one case, with reasons) and `triage_levels` (a matrix of cases) are both built
from `RULES` and `decide`, so they cannot disagree.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .formatting import natural_frequency, threshold_words

LEVELS = ("self_care", "see_doctor", "prompt_evaluation")
SELF_CARE, SEE_DOCTOR, PROMPT = range(len(LEVELS))


@dataclass(frozen=True)
class Rule:
    """An answer that sets a triage level on its own, and the reason given, in plain words."""

    input: str
    state: str
    level: int  # index into LEVELS
    reason: str


RULES: tuple[Rule, ...] = (
    Rule("weakness", "progressive", PROMPT,
         "You describe weakness that is real and getting worse (stumbling, trouble walking, a foot or knee that "
         "is hard to lift). A doctor should examine your strength soon."),
    Rule("atrophy", "yes", PROMPT, "You notice a muscle wasting or thinning. A doctor should examine it soon."),
    Rule("numbness_tingling", "yes", PROMPT,
         "Numbness or tingling that does not go away usually comes from an irritated or compressed nerve. "
         "A doctor should check it soon."),
    Rule("persistent_pain", "yes", PROMPT,
         "Pain that does not go away should be examined soon; a nerve root in the lower back is a common source."),
    Rule("speech_swallowing", "yes", PROMPT, "Difficulty speaking or swallowing needs prompt medical evaluation."),
    Rule("weight_loss", "yes", PROMPT, "Unexplained weight loss should be looked into by a doctor soon."),
    Rule("fever", "yes", PROMPT,
         "Fever points to another illness, such as an infection, that a doctor should assess soon."),
    Rule("twitch_duration", "months", SEE_DOCTOR,
         "Twitching that has gone on for months despite cutting back on triggers is worth a routine check-up. "
         "It is usually benign, and an examination and blood tests can show that."),
    Rule("potassium", "low", SEE_DOCTOR,
         "Your blood test shows low potassium. A doctor can find the cause and correct it."),
    Rule("magnesium", "low", SEE_DOCTOR,
         "Your blood test shows low magnesium. A doctor can find the cause and correct it."),
    Rule("calcium", "low", SEE_DOCTOR, "Your blood test shows low calcium. A doctor can find the cause and correct it."),
)


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}


def decide(rule_level: np.ndarray, hp: np.ndarray, prompt_above, routine_above) -> np.ndarray:
    """The level index per row: the highest of the rules hit and the posterior's level.
    Thresholds may be scalars or one per row."""
    posterior = np.where(hp > prompt_above, PROMPT, np.where(hp > routine_above, SEE_DOCTOR, SELF_CARE))
    return np.maximum(rule_level, posterior).astype(np.intp)


def rules_hit(evidence: Mapping[str, str]) -> list[Rule]:
    """The rules one case's answers hit, in `RULES` order."""
    return [r for r in RULES if evidence.get(r.input) == r.state]


def triage(evidence: Mapping[str, str], hp: float, prompt_above: float, routine_above: float,
           hp_label: str = "a serious neuromuscular condition") -> Triage:
    """Triage level and plain-word reasons for one case."""
    hits = rules_hit(evidence)
    rule_level = max((r.level for r in hits), default=SELF_CARE)
    level = int(decide(np.array([rule_level]), np.array([hp]), prompt_above, routine_above)[0])
    prompt = [r.reason for r in hits if r.level == PROMPT]
    routine = [r.reason for r in hits if r.level == SEE_DOCTOR]
    chance = natural_frequency(hp)
    if hp > prompt_above:
        prompt.append(f"The model puts the chance of {hp_label} at {chance}, above the level "
                      f"({threshold_words(prompt_above)}) at which a prompt examination is advised.")
    elif hp > routine_above:
        routine.append(f"The model puts the chance of {hp_label} at {chance}, above the level "
                       f"({threshold_words(routine_above)}) at which a routine check is advised. "
                       "It is still far more likely to be something benign.")
    if level == PROMPT:
        return Triage(LEVELS[level], tuple(prompt + routine))
    if level == SEE_DOCTOR:
        return Triage(LEVELS[level], tuple(routine))
    return Triage(LEVELS[level], (
        f"None of your answers is a warning sign, and the chance of {hp_label} is low ({chance}). "
        "Easing the likely triggers usually settles twitching; see a doctor if it lasts for weeks despite that.",
    ))


def triage_levels(evidence: np.ndarray, columns: Mapping[str, int], states: Mapping[str, tuple[str, ...]],
                  hp: np.ndarray, prompt_above, routine_above) -> np.ndarray:
    """Level index per row of an evidence matrix (state index per column, -1 unknown)."""
    rule_level = np.full(evidence.shape[0], SELF_CARE, dtype=np.intp)
    for r in RULES:
        hit = evidence[:, columns[r.input]] == states[r.input].index(r.state)
        rule_level[hit] = np.maximum(rule_level[hit], r.level)
    return decide(rule_level, hp, prompt_above, routine_above)
