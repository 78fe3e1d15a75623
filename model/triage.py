"""Triage: documented red-flag rules first, then posterior thresholds from priors/triage.toml.

Triage never rests on the posterior alone. Any red flag below means prompt
evaluation whatever the model's probabilities; so does a high-priority posterior
above `prompt_evaluation_above`. Otherwise a long duration, a low blood test or a
posterior above `see_doctor_above` means a routine appointment; otherwise self-care.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .frequency import natural_frequency

LEVELS = ("self_care", "see_doctor", "prompt_evaluation")

# (input, state) -> the reason given, in plain words
PROMPT_FLAGS = {
    ("weakness", "progressive"): "You describe weakness that is real and getting worse (stumbling, trouble walking, "
                                 "a foot or knee that is hard to lift). A doctor should examine your strength soon.",
    ("atrophy", "yes"): "You notice a muscle wasting or thinning. A doctor should examine it soon.",
    ("numbness_tingling", "yes"): "Numbness or tingling that does not go away usually comes from an irritated or "
                                  "compressed nerve. A doctor should check it soon.",
    ("persistent_pain", "yes"): "Pain that does not go away should be examined soon; a nerve root in the lower back "
                                "is a common source.",
    ("speech_swallowing", "yes"): "Difficulty speaking or swallowing needs prompt medical evaluation.",
    ("weight_loss", "yes"): "Unexplained weight loss should be looked into by a doctor soon.",
    ("fever", "yes"): "Fever points to another illness, such as an infection, that a doctor should assess soon.",
}
ROUTINE_FLAGS = {
    ("twitch_duration", "months"): "Twitching that has gone on for months despite cutting back on triggers is worth "
                                   "a routine check-up. It is usually benign, and an examination and blood tests can "
                                   "show that.",
    ("potassium", "low"): "Your blood test shows low potassium. A doctor can find the cause and correct it.",
    ("magnesium", "low"): "Your blood test shows low magnesium. A doctor can find the cause and correct it.",
    ("calcium", "low"): "Your blood test shows low calcium. A doctor can find the cause and correct it.",
}


@dataclass(frozen=True)
class Triage:
    level: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons)}


def triage(evidence: dict[str, str], hp: float, prompt_above: float, routine_above: float,
           hp_label: str = "a serious neuromuscular condition") -> Triage:
    """Triage level and plain-word reasons for one case."""
    prompt = [text for (i, s), text in PROMPT_FLAGS.items() if evidence.get(i) == s]
    routine = [text for (i, s), text in ROUTINE_FLAGS.items() if evidence.get(i) == s]
    chance = natural_frequency(hp)
    if hp > prompt_above:
        prompt.append(f"The model puts the chance of {hp_label} at {chance}, above the level "
                      f"({_level(prompt_above)}) at which a prompt examination is advised.")
    elif hp > routine_above:
        routine.append(f"The model puts the chance of {hp_label} at {chance}, above the level "
                       f"({_level(routine_above)}) at which a routine check is advised. "
                       "It is still far more likely to be something benign.")
    if prompt:
        return Triage("prompt_evaluation", tuple(prompt + routine))
    if routine:
        return Triage("see_doctor", tuple(routine))
    return Triage("self_care", (
        f"None of your answers is a warning sign, and the chance of {hp_label} is low ({chance}). "
        "Easing the likely triggers usually settles twitching; see a doctor if it lasts for weeks despite that.",
    ))


def _level(p: float) -> str:
    """A threshold in words: '1 in 200', '3 in 100'."""
    return natural_frequency(p).removeprefix("about ")


def triage_levels(evidence: np.ndarray, columns: dict[str, int], states: dict[str, tuple[str, ...]],
                  hp: np.ndarray, prompt_above: float, routine_above: float) -> np.ndarray:
    """Vectorised triage level index (0, 1, 2) for an evidence matrix (state index, -1 unknown)."""
    def any_of(flags) -> np.ndarray:
        hit = np.zeros(evidence.shape[0], dtype=bool)
        for inp, state in flags:
            hit |= evidence[:, columns[inp]] == states[inp].index(state)
        return hit

    level = np.zeros(evidence.shape[0], dtype=np.int8)
    level[any_of(ROUTINE_FLAGS) | (hp > routine_above)] = 1
    level[any_of(PROMPT_FLAGS) | (hp > prompt_above)] = 2
    return level
