"""The twitch diary: one entry a day on the person's own machine, what it teaches about their
own triggers, whether twitching persists despite cutting back, and a fair self-experiment.

    from model import Diary, load_ranker
    diary = Diary.open(path)                       # creates the file if missing
    diary.add("2026-11-03", {"caffeine": "high", "twitching": "yes"})
    diary.learn().to_dict()                        # `diary learn --json`
    load_ranker().personalised(diary)              # a ranker with this person's strengths
"""
from __future__ import annotations

import json
from datetime import date

from ..ranking import RANKERS, BaseRanker
from .exchange import from_csv, to_csv
from .experiment import Result, evaluate, plan, propose
from .learn import Learned, Strength, learn, trigger_links
from .store import Diary as _Store
from .store import Experiment, default_path, parse_day
from .timeline import DiaryTriage, Persisting, diary_triage, persisting
from .timeline import combine as combine_triage


class Diary(_Store):
    """A person's diary: storage (see store.py) and what it says (learn, timeline, experiment)."""

    def _ranker(self, ranker: BaseRanker | None) -> BaseRanker:
        return ranker if ranker is not None else RANKERS.for_folder(BaseRanker)

    def learn(self, ranker: BaseRanker | None = None) -> LearnedReport:
        """This person's trigger strengths (see learn.py), with the diary's persisting weeks."""
        ranker = self._ranker(ranker)
        s = ranker.priors.diary
        entries = self.entries()
        learned = learn(ranker, entries, s["experience_days"].value, int(s["enough_days_exposed"].value),
                        int(s["enough_days_unexposed"].value))
        return LearnedReport(learned, persisting(entries, ranker.vocabulary, s))

    def triage(self, ranker: BaseRanker | None = None) -> DiaryTriage:
        """The diary's own triage: warning signs on any day, persisting twitching, a weakness trend."""
        ranker = self._ranker(ranker)
        return diary_triage(self.entries(), ranker.vocabulary, ranker.priors.diary)

    def propose_experiment(self, ranker: BaseRanker | None = None, start: date | None = None,
                           learned: LearnedReport | None = None) -> dict | None:
        """The plan of the self-experiment this diary suggests (not started), or None
        (`learned`: this diary's `learn()`, when the caller has it already)."""
        ranker = self._ranker(ranker)
        learned = learned if learned is not None else self.learn(ranker)
        trigger = propose(ranker, learned.learned, self.entries())
        if trigger is None:
            return None
        return plan(trigger, ranker.vocabulary, ranker.priors.diary, start or date.today())

    def experiment_result(self, today: date | None = None) -> tuple[Experiment, Result] | None:
        """The latest experiment and its result so far, or None."""
        started = self.experiments()
        if not started:
            return None
        latest = started[-1]
        return latest, evaluate(latest.plan, self.entries(), today or date.today())

    def export_csv(self) -> str:
        """One row per day: a `date` column, then every input id (empty = unknown)."""
        return to_csv(self.entries(), self.vocabulary)

    def export_json(self) -> str:
        """Every day as JSON: a list of {"date": "YYYY-MM-DD", "case": {input id: state}}, oldest first."""
        return json.dumps([{"date": d.isoformat(), "case": c} for d, c in self.entries()], indent=2,
                          ensure_ascii=False) + "\n"

    def import_csv(self, text: str, today: date | None = None) -> int:
        """Add the days of a CSV as `export_csv` writes it: all of them, or none if a row is bad."""
        return self.add_many(from_csv(text, self.vocabulary, today), today)


class LearnedReport:
    """`diary.learn()`: the learned strengths and the persisting weeks, as `diary learn --json` prints."""

    def __init__(self, learned: Learned, persisting: Persisting):
        self.learned = learned
        self.persisting = persisting

    @property
    def triggers(self) -> tuple[Strength, ...]:
        return self.learned.triggers

    def overrides(self) -> dict[str, float]:
        return self.learned.overrides()

    def to_dict(self) -> dict:
        return {"days": self.learned.days, "triggers": [s.to_dict() for s in self.learned.triggers],
                "warnings": list(self.learned.warnings), "persisting": self.persisting.to_dict()}


__all__ = ["Diary", "DiaryTriage", "Experiment", "Learned", "LearnedReport", "Persisting", "Result", "Strength",
           "combine_triage", "default_path", "from_csv", "to_csv", "evaluate", "parse_day", "plan", "propose", "trigger_links"]

