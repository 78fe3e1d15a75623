"""The analyses in plain words: what-if sentences, the how-sure line, turning points."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..analyses.results import HowSure, SensitivityEntry, WhatIf
from ..formatting import natural_frequency, percent
from ..ranking import ranked
from ..vocabulary import MEDICINES
from .labels import display_label

MEDICINE_CAUTION = "Never stop or change a prescribed medicine without talking to your doctor first."

# "If you ..." for each exposure moved back to its baseline
CHANGES = {
    "caffeine": "cut out caffeine",
    "nicotine": "stopped nicotine",
    "stress": "brought your stress down",
    "sleep": "got good sleep again",
    "exertion": "went back to your usual exercise",
    "fluid_intake": "drank enough again",
    "diuretic": "were not taking the water pill",
    "asthma_medication": "were not taking the asthma medicine",
    "ssri": "were not taking the SSRI",
    "ppi": "were not taking the stomach-acid tablet",
    "prolonged_sitting": "broke up long or awkward sitting",
}


def what_if_lines(what_if: Iterable[WhatIf]) -> list[str]:
    """'If you cut out caffeine: about 6 in 10 chance the twitching settles.', strongest first."""
    lines = []
    for entry in ranked(list(what_if), lambda e: e.twitching_stops, lambda e: e.input):
        change = CHANGES.get(entry.input, f"changed {entry.input.replace('_', ' ')}")
        chance = natural_frequency(entry.twitching_stops)
        line = f"If you {change}: {chance} chance the twitching settles."
        if entry.twitching_stops == 0:
            line = f"If you {change}: this would not change the twitching, by the model's reckoning."
        if entry.input in MEDICINES:
            line += f" {MEDICINE_CAUTION}"
        lines.append(line)
    return lines


def how_sure_line(sure: HowSure, labels: Mapping[str, str]) -> str:
    """One line: how often the first cause stays first, and the triage stays, over the draws."""
    top = display_label(labels[sure.top_cause])
    stays = sure.top_stays_first
    word = "very sure" if stays >= 0.9 else "fairly sure" if stays >= 0.7 else "not sure"
    return (f"How sure: {word}. {top} stays first in {percent(stays)} of {sure.draws:,} plausible settings "
            f"of the model's numbers, and the advice stays the same in {percent(sure.triage_stays)}.")


def turning_points(entries: Iterable[SensitivityEntry], labels: Mapping[str, str],
                   names: Mapping[str, str] | None = None) -> list[str]:
    """Sentences for the numbers that would change the top cause or the advice on their own.
    `names`: readable names of the numbers (parameter id -> name) for lay readers; without
    them the ids are shown as code."""
    lines = []
    for e in entries:
        span = f"(range {e.range[0]:g} to {e.range[1]:g})"
        name = f"`{e.parameter}`" if names is None else f'"{names.get(e.parameter, e.parameter)}"'
        if e.top_changes_at is not None and e.new_top is not None:
            lines.append(f"{name} at {e.top_changes_at:.3g} instead of {e.value:g} would put "
                         f"{display_label(labels[e.new_top]).lower()} first {span}.")
        if e.triage_changes_at is not None and e.new_triage is not None:
            lines.append(f"{name} at {e.triage_changes_at:.3g} instead of {e.value:g} would change "
                         f"the advice to {e.new_triage.replace('_', ' ')} {span}.")
    return lines
