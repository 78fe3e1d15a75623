"""Words and rows for the analyses the dashboard shows (what-if, next questions, how sure,
sensitivity), kept out of app.py so they can be tested."""
from __future__ import annotations

from .explain import percent
from .frequency import natural_frequency
from .guidance import display_label

MEDICINES = {"diuretic", "asthma_medication", "ssri"}
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
    "prolonged_sitting": "broke up long or awkward sitting",
}


def what_if_lines(what_if: list[dict]) -> list[str]:
    """'If you cut out caffeine: about 6 in 10 chance the twitching settles.', strongest first."""
    lines = []
    for entry in sorted(what_if, key=lambda e: (-e["twitching_stops"], e["input"])):
        change = CHANGES.get(entry["input"], f"changed {entry['input'].replace('_', ' ')}")
        chance = natural_frequency(entry["twitching_stops"])
        line = f"If you {change}: {chance} chance the twitching settles."
        if entry["twitching_stops"] == 0:
            line = f"If you {change}: this would not change the twitching, by the model's reckoning."
        if entry["input"] in MEDICINES:
            line += f" {MEDICINE_CAUTION}"
        lines.append(line)
    return lines


def question_rows(next_questions: list[dict], vocabulary, n: int = 3) -> list[dict]:
    """The n most informative unanswered questions, with their answers as (state, label) pairs."""
    rows = []
    for q in next_questions[:n]:
        spec = vocabulary.inputs[q["input"]]
        rows.append({"input": q["input"], "question": spec.question, "gain": q["information_gain"],
                     "answers": [(s, spec.label_of(s)) for s in spec.states]})
    return rows


def how_sure_line(detail: dict, labels: dict[str, str]) -> str:
    """One line: how often the first cause stays first, and the triage stays, over the draws."""
    sure = detail["how_sure"]
    top = display_label(labels[sure["top_cause"]])
    stays = sure["top_stays_first"]
    word = "very sure" if stays >= 0.9 else "fairly sure" if stays >= 0.7 else "not sure"
    return (f"How sure: {word}. {top} stays first in {percent(stays)} of {sure['draws']:,} plausible settings "
            f"of the model's numbers, and the advice stays the same in {percent(sure['triage_stays'])}.")


def interval_rows(ranking) -> list[dict]:
    """Each cause's 90% interval, in ranking order, for the whiskers on the chart."""
    per_cause = ranking.detail.get("per_cause", {})
    return [{"id": c.id, "low": per_cause[c.id]["interval"][0], "high": per_cause[c.id]["interval"][1],
             "rank_stability": per_cause[c.id]["rank_stability"]} for c in ranking.causes if c.id in per_cause]


def tornado_rows(entries: list[dict], n: int = 12) -> list[dict]:
    """The n numbers that swing the top cause most: one row each, widest first."""
    rows = []
    for e in sorted(entries, key=lambda e: (-e["swing"], e["parameter"]))[:n]:
        low, high = sorted((e["top_at_low"], e["top_at_high"]))
        rows.append({"prior": e["parameter"], "low": low, "high": high, "value": e["value"],
                     "range": f"{e['range'][0]:g} to {e['range'][1]:g}",
                     "changes": _change(e)})
    return rows


def turning_points(entries: list[dict], labels: dict[str, str]) -> list[str]:
    """Sentences for the numbers that would change the top cause or the advice on their own."""
    lines = []
    for e in entries:
        if e["top_changes_at"] is not None:
            lines.append(f"`{e['parameter']}` at {e['top_changes_at']:.3g} instead of {e['value']:g} would put "
                         f"{display_label(labels[e['new_top']]).lower()} first (range {e['range'][0]:g} to "
                         f"{e['range'][1]:g}).")
        if e["triage_changes_at"] is not None:
            lines.append(f"`{e['parameter']}` at {e['triage_changes_at']:.3g} instead of {e['value']:g} would change "
                         f"the advice to {e['new_triage'].replace('_', ' ')} (range {e['range'][0]:g} to "
                         f"{e['range'][1]:g}).")
    return lines


def _change(e: dict) -> str:
    if e["top_changes_at"] is not None:
        return "can change the top cause"
    if e["triage_changes_at"] is not None:
        return "can change the advice"
    return "changes neither"
