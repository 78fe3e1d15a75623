"""The dashboard's answers: widget options and labels <-> a case."""
from __future__ import annotations

from model.vocabulary import Input, Vocabulary

NOT_SURE = "not_sure"  # the widget value for an unanswered question (never a state name)
NOT_SURE_LABEL = "Not sure"
NOT_TESTED_LABEL = "Not tested"  # blood tests: unanswered means not tested, which is not "Normal"
GROUPS = (("context", "About you"), ("exposure", "Possible triggers"), ("symptom", "Symptoms"),
          ("lab", "Blood tests (if you have had them)"))


def options(spec: Input) -> list[str]:
    """A question's answers as widget options: its states, then 'Not sure' (or 'Not tested')."""
    return [*spec.states, NOT_SURE]


def unknown_label(spec: Input) -> str:
    """What 'unknown' is called for this question: 'Not tested' for a blood test, else 'Not sure'."""
    return NOT_TESTED_LABEL if spec.group == "lab" else NOT_SURE_LABEL


def option_label(spec: Input, option: str) -> str:
    return unknown_label(spec) if option == NOT_SURE else spec.label_of(option)


def case_from_answers(answers: dict[str, str | None]) -> dict[str, str]:
    """The case: every answered question; 'Not sure' (or nothing) is left out, i.e. unknown."""
    return {k: v for k, v in answers.items() if v is not None and v != NOT_SURE}


def answers_from_case(case: dict[str, str], vocabulary: Vocabulary) -> dict[str, str]:
    """Widget values for every question: the case's state, or 'Not sure' where it is silent."""
    return {i: case.get(i, NOT_SURE) for i in vocabulary.inputs}


def mildest(spec: Input) -> str:
    """The state a 'None of these' answer gives a warning sign: its first, mildest state
    (none / no); checked against the triage rules in the tests."""
    return spec.states[0]
