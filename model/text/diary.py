"""The diary in words: the weekly timeline, the person's own triggers against the population's,
what was tried and its result. The CLI prints these lines and the report for a doctor adds
them as sections (`diary_sections`)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from ..diary import Diary, Experiment, LearnedReport, Result, Strength
from ..formatting import day_words, percent
from ..ranking import BaseRanker
from ..vocabulary import Vocabulary

WEEKS_SHOWN = 8  # the report's timeline: the latest weeks, one line each


def weekly_timeline(entries: Sequence[tuple[date, Mapping[str, str]]], vocabulary: Vocabulary,
                    weeks: int = WEEKS_SHOWN) -> list[str]:
    """One line per week (Monday to Sunday), latest last: days logged, days with twitching and
    the triggers logged away from their baseline, with how many days each."""
    if not entries:
        return []
    by_week: dict[date, list[Mapping[str, str]]] = {}
    for day, case in entries:
        by_week.setdefault(day - timedelta(days=day.weekday()), []).append(case)
    lines = []
    for monday in sorted(by_week)[-weeks:]:
        cases = by_week[monday]
        logged = [c["twitching"] for c in cases if "twitching" in c]
        twitching = (f"twitching on {logged.count('yes')} of {len(logged)} days logged" if logged
                     else "twitching not logged")
        triggers = []
        for spec in vocabulary.exposures:
            off = [c[spec.id] for c in cases if spec.id in c and c[spec.id] != spec.baseline]
            if off:
                most = max(set(off), key=lambda s: (off.count(s), s))
                triggers.append(f"{spec.question}: {spec.label_of(most)} ({len(off)} d)")
        lines.append(f"Week of {day_words(monday, False)}: {len(cases)} day{'s' if len(cases) != 1 else ''} logged, {twitching}"
                     + (f"; {', '.join(triggers)}" if triggers else "; no triggers logged"))
    return lines


def strength_line(strength: Strength, vocabulary: Vocabulary, causes: Mapping[str, str]) -> str:
    """'Caffeine: High -> Caffeine: yours about 55% (90% interval 40% to 62%), most people 12%; 22 days'."""
    link = strength.link
    assert link.input is not None and link.state is not None and link.cause is not None
    spec = vocabulary.inputs[link.input]
    low, high = strength.interval
    base = (f"{spec.question}: {spec.label_of(link.state)} -> {causes.get(link.cause, link.cause)}: "
            f"yours about {percent(strength.personal)} (90% interval {percent(low)} to {percent(high)}), "
            f"most people {percent(strength.population)}; logged on {strength.days_exposed} "
            f"day{'s' if strength.days_exposed != 1 else ''}")
    return base if strength.enough_data else base + " (too few days yet: close to most people's value)"


def experiment_lines(experiment: Experiment, result: Result) -> list[str]:
    """What was tried: the plan, the rule fixed before it started, and the result so far."""
    plan = experiment.plan
    schedule = plan["schedule"]
    lines = [f"Self-experiment on {plan['input']}, {schedule[0]['from']} to {schedule[-1]['to']}: "
             + ", ".join(f"{p['phase']} ({p['from']} to {p['to']})" for p in schedule) + ".",
             f"Decision rule fixed on {day_words(experiment.fixed_at.date())}, before the first day: {plan['rule']['text']}"]
    rates = ", ".join(f"{kind}: twitching on {result.twitching_days[kind]} of {result.days_logged[kind]} days"
                      for kind in ("without", "with"))
    verdict = ("done: keep the change" if result.keep_change else "done: the rule says the change made no clear "
               "difference") if result.complete else "still running"
    lines.append(f"Result ({verdict}): {rates}; chance that twitching is at least "
                 f"{plan['rule']['effect']:.0%} less frequent without it: {percent(result.probability)}; "
                 f"plan followed on {percent(result.followed)} of the days logged.")
    return lines


def diary_sections(diary: Diary, ranker: BaseRanker, learned: LearnedReport | None = None,
                   today: date | None = None) -> list[tuple[str, list[str]]]:
    """The report's diary sections: the timeline, the diary's own findings, the person's
    triggers and what was tried."""
    entries = diary.entries()
    if not entries:
        return [("Diary", ["The diary has no days logged yet."])]
    vocab = ranker.vocabulary
    learned = learned if learned is not None else diary.learn(ranker)
    first, last = entries[0][0], entries[-1][0]
    run = learned.persisting
    timeline = [f"{len(entries)} days logged from {day_words(first)} to {day_words(last)}."]
    if run.weeks:
        timeline.append(f"Twitching on most logged days for the last {run.weeks} week{'s' if run.weeks != 1 else ''}"
                        + (", with the logged triggers cut back." if run.despite_changes else "."))
    timeline += weekly_timeline(entries, vocab)
    sections = [("Diary timeline", timeline)]
    found = list(diary.triage(ranker).reasons)
    if found:
        sections.append(("What the diary shows", found))
    triggers = [strength_line(s, vocab, ranker.priors.causes) for s in learned.triggers if s.days_exposed]
    if triggers:
        sections.append(("Own triggers (from the diary)", [*triggers, *learned.learned.warnings]))
    latest = diary.experiment_result(today)
    if latest is not None:
        sections.append(("What was tried", experiment_lines(*latest)))
    return sections
