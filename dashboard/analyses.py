"""Rows for the charts and buttons the dashboard draws from the analyses (the sentences are in
model.text.analyses)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from model.analyses import NextQuestion, SensitivityEntry
from model.formatting import percent
from model.ranking import Ranking
from model.vocabulary import Vocabulary

from .case import NOT_SURE, option_label


def question_rows(next_questions: Iterable[NextQuestion], vocabulary: Vocabulary, n: int = 3) -> list[dict]:
    """The n most informative unanswered questions, with their answers as (state, label) pairs."""
    return suggestion_rows([q.input for q in list(next_questions)[:n]], vocabulary, unknown=False)


def suggestion_rows(inputs: Iterable[str], vocabulary: Vocabulary, unknown: bool = True) -> list[dict]:
    """One-click rows for these questions: every answer as (state, label), then, with `unknown`,
    'Not sure' (or 'Not tested') as (NOT_SURE, label)."""
    rows = []
    for input_id in inputs:
        spec = vocabulary.inputs[input_id]
        answers = [(s, spec.label_of(s)) for s in spec.states]
        if unknown:
            answers.append((NOT_SURE, option_label(spec, NOT_SURE)))
        rows.append({"input": input_id, "question": spec.question, "answers": answers})
    return rows


def interval_rows(ranking: Ranking) -> list[dict]:
    """Each cause's 90% interval, in ranking order, for the whiskers on the chart."""
    per_cause = ranking.detail.per_cause() if ranking.detail is not None else {}
    return [{"id": c.id, "low": per_cause[c.id]["interval"][0], "high": per_cause[c.id]["interval"][1],
             "rank_stability": per_cause[c.id]["rank_stability"]} for c in ranking.causes if c.id in per_cause]


def tornado_rows(entries: Iterable[SensitivityEntry], n: int = 12, names: Mapping[str, str] | None = None) -> list[dict]:
    """The n numbers that swing the top cause most: one row each, widest first, named by
    `names` (parameter id -> readable name) when given."""
    rows = []
    for e in sorted(entries, key=lambda e: (-e.swing, e.parameter))[:n]:
        low, high = sorted((e.top_at_low, e.top_at_high))
        name = (names or {}).get(e.parameter, e.parameter)
        rows.append({"prior": e.parameter, "name": name, "low": low, "high": high, "value": e.value,
                     "range": f"{e.range[0]:g} to {e.range[1]:g}", "changes": _change(e),
                     "label": f"{name}: {percent(low)} to {percent(high)}"})
    return rows


def _change(e: SensitivityEntry) -> str:
    if e.top_changes_at is not None:
        return "can change the top cause"
    if e.triage_changes_at is not None:
        return "can change the advice"
    return "changes neither"
