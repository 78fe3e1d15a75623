"""The dashboard's answers: widget values <-> a case."""
from __future__ import annotations

from model.vocabulary import Input, Vocabulary

NOT_SURE = "not_sure"  # the widget value for an unanswered question (never a state name)
NOT_SURE_LABEL = "Not sure"
GROUPS = (("context", "About you"), ("exposure", "Possible triggers"), ("symptom", "Symptoms"),
          ("lab", "Blood tests (if you have had them)"))


def options(spec: Input) -> list[str]:
    """A question's widget options: 'Not sure' (the default) then its states."""
    return [NOT_SURE, *spec.states]


def option_label(spec: Input, option: str) -> str:
    return NOT_SURE_LABEL if option == NOT_SURE else spec.label_of(option)


def case_from_answers(answers: dict[str, str | None]) -> dict[str, str]:
    """The case: every answered question; 'Not sure' (or nothing) is left out, i.e. unknown."""
    return {k: v for k, v in answers.items() if v is not None and v != NOT_SURE}


def answers_from_case(case: dict[str, str], vocabulary: Vocabulary) -> dict[str, str]:
    """Widget values for every question: the case's state, or 'Not sure' where it is silent."""
    return {i: case.get(i, NOT_SURE) for i in vocabulary.inputs}
