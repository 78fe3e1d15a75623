"""What a diary says over time: whether twitching persists despite cutting back, warning signs
on any day, a trend in weakness, and the diary's own triage.

Persisting (the article's rule, measured). Weeks are counted back from the last entry, seven
days at a time. A week *has twitching* when at least `persisting_min_days` of its days logged
twitching and at least `persisting_share` of those said yes; missing days are missing, never
"no". `weeks` is the run of such weeks ending with the latest. The triggers were *cut back*
over that run when at least one exposure was logged and every exposure logged was at its
baseline on at least `cut_back_share` of the days it was logged. Twitching for
`persisting_weeks` weeks or more, despite cutting back, means a routine appointment.
Any warning sign on any day means prompt evaluation (or an emergency), as for one case.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..formatting import day_words
from ..priors import Setting
from ..triage import EMERGENCY, LEVELS, PROMPT, RULES, SEE_DOCTOR, SELF_CARE
from ..vocabulary import Vocabulary

Entries = Sequence[tuple[date, Mapping[str, str]]]


@dataclass(frozen=True)
class Persisting:
    weeks: int
    despite_changes: bool

    def to_dict(self) -> dict:
        return {"weeks": self.weeks, "despite_changes": self.despite_changes}


@dataclass(frozen=True)
class DiaryTriage:
    """The diary's own level and reasons (combined with one case's by `combine`)."""

    level: str
    reasons: tuple[str, ...]


def persisting(entries: Entries, vocabulary: Vocabulary, settings: Mapping[str, Setting]) -> Persisting:
    """The run of recent weeks with twitching on most logged days, and whether the triggers
    were cut back over it (see the module docstring)."""
    if not entries:
        return Persisting(0, False)
    last = max(day for day, _ in entries)
    by_day = {day: case for day, case in entries}
    share, min_days = settings["persisting_share"].value, settings["persisting_min_days"].value
    weeks, covered = 0, []
    while True:
        days = [last - timedelta(days=7 * weeks + k) for k in range(7)]
        logged = [by_day[d]["twitching"] for d in days if d in by_day and "twitching" in by_day[d]]
        if len(logged) < min_days or logged.count("yes") < share * len(logged):
            break
        covered += [by_day[d] for d in days if d in by_day]
        weeks += 1
    return Persisting(weeks, weeks > 0 and cut_back(covered, vocabulary, settings["cut_back_share"].value))


def cut_back(cases: Sequence[Mapping[str, str]], vocabulary: Vocabulary, share: float) -> bool:
    """At least one lifestyle trigger logged, and each one logged at its baseline on at least
    `share` of the days it was logged (medicines are not counted: stopping one is a
    doctor's decision, so taking one does not mean the triggers were not cut back)."""
    logged = False
    for spec in vocabulary.lifestyle:
        answers = [c[spec.id] for c in cases if spec.id in c]
        if answers:
            logged = True
            if answers.count(str(spec.baseline)) < share * len(answers):
                return False
    return logged


def weakness_trend(entries: Entries, vocabulary: Vocabulary) -> str | None:
    """A sentence when the weakness answers moved towards 'progressive' over the days, else None."""
    spec = vocabulary.inputs["weakness"]
    answers = [(day, spec.states.index(case["weakness"])) for day, case in sorted(entries) if "weakness" in case]
    if len(answers) < 2:
        return None
    (first_day, first), (last_day, latest) = answers[0], answers[-1]
    if latest <= first:
        return None
    return (f"Your weakness answers moved from \u201c{spec.labels[first]}\u201d on {day_words(first_day, False)} to "
            f"\u201c{spec.labels[latest]}\u201d on {day_words(last_day, False)}: tell your doctor about this change.")


def diary_triage(entries: Entries, vocabulary: Vocabulary, settings: Mapping[str, Setting]) -> DiaryTriage:
    """The diary's own triage: warning signs on any day, twitching persisting despite cutting back."""
    level, reasons = SELF_CARE, []
    for rule in RULES:
        if rule.level < PROMPT:
            continue
        days = [day for day, case in sorted(entries) if case.get(rule.input) == rule.state]
        if days:
            level = max(level, rule.level)
            when = "now" if rule.level == EMERGENCY else "within the next few days"
            reasons.append(f"On {day_words(days[-1])} your diary logged {rule.short}"
                           + (f" (and on {len(days) - 1} other days)" if len(days) > 1 else "")
                           + f": see a doctor {when}" + (" \u2013 call the emergency number" if rule.level == EMERGENCY
                                                           else "") + ".")
    trend = weakness_trend(entries, vocabulary)
    if trend:
        reasons.append(trend)
    run = persisting(entries, vocabulary, settings)
    if run.weeks >= settings["persisting_weeks"].value and run.despite_changes:
        level = max(level, SEE_DOCTOR)
        reasons.append(f"Your diary shows twitching on most logged days for {run.weeks} weeks while the triggers you "
                       "logged were cut back. Book a routine appointment in the coming weeks: twitching that "
                       "persists for several weeks despite cutting back is worth a check-up.")
    return DiaryTriage(LEVELS[level], tuple(reasons))


def combine(case_level: str, case_reasons: Sequence[str], diary: DiaryTriage) -> tuple[str, tuple[str, ...]]:
    """One case's triage with the diary's: the more urgent level; the reasons that set it first.
    A self-care reason is dropped when the diary raises the level."""
    ours, theirs = LEVELS.index(case_level), LEVELS.index(diary.level)
    if theirs > ours:
        kept = [r for r in case_reasons] if ours > SELF_CARE else []
        return diary.level, (*diary.reasons, *kept)
    return case_level, (*case_reasons, *diary.reasons)
