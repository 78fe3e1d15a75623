"""Names and short sentences shown to people: cause labels, triage titles, an answer's effect."""
from __future__ import annotations

from ..analyses.explain import AnswerEffect
from ..formatting import percent
from ..vocabulary import Vocabulary

HIGH_PRIORITY_SUFFIX = ": the high-priority node"
LEVEL_TITLES = {"self_care": "Self-care", "see_doctor": "See a doctor", "prompt_evaluation": "Prompt evaluation",
                "emergency": "Emergency"}
NOT_A_DIAGNOSIS = ("This is not a diagnosis. It ranks likely causes from your answers using published "
                   "figures and stated judgement; a doctor's examination decides.")


def display_label(label: str) -> str:
    """A cause label for people: without the vocabulary's ': the high-priority node' suffix."""
    return label.removesuffix(HIGH_PRIORITY_SUFFIX)


def short_label(label: str) -> str:
    """A cause label short enough for a chart or a node: no parenthesis, no high-priority suffix."""
    return display_label(label).split(" (")[0]


def describe(effect: AnswerEffect, vocabulary: Vocabulary) -> str:
    """One answer's effect on one cause in plain words (Markdown)."""
    spec = vocabulary.inputs[effect.input]
    verb = "raised" if effect.change > 0 else "lowered"
    return (f"**{spec.question}: {spec.label_of(effect.state)}** {verb} it from {percent(effect.without)} "
            f"to {percent(effect.with_all)}.")
