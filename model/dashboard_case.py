"""The dashboard's answers: widget values <-> a case, and loading or saving a case as JSON."""
from __future__ import annotations

import json

from .cli import parse_case_json
from .evidence import validate_case

NOT_SURE = "not_sure"  # the widget value for an unanswered question (never a state name)
NOT_SURE_LABEL = "Not sure"
GROUPS = (("context", "About you"), ("exposure", "Possible triggers"), ("symptom", "Symptoms"),
          ("lab", "Blood tests (if you have had them)"))


def options(spec) -> list[str]:
    """A question's widget options: 'Not sure' (the default) then its states."""
    return [NOT_SURE, *spec.states]


def option_label(spec, option: str) -> str:
    return NOT_SURE_LABEL if option == NOT_SURE else spec.label_of(option)


def case_from_answers(answers: dict[str, str | None]) -> dict[str, str]:
    """The case: every answered question; 'Not sure' (or nothing) is left out, i.e. unknown."""
    return {k: v for k, v in answers.items() if v is not None and v != NOT_SURE}


def answers_from_case(case: dict[str, str], vocabulary) -> dict[str, str]:
    """Widget values for every question: the case's state, or 'Not sure' where it is silent."""
    return {i: case.get(i, NOT_SURE) for i in vocabulary.inputs}


def read_case(raw: bytes, vocabulary, name: str = "the file") -> dict[str, str]:
    """A case from uploaded JSON bytes (a case, or a saved result); raises InputError with the reason."""
    return validate_case(parse_case_json(raw, name), vocabulary)


def case_json(case: dict[str, str]) -> str:
    """The answers as a JSON file that `read_case` (and `twitch-causes rank --case`) reads back."""
    return json.dumps(case, indent=2, ensure_ascii=False) + "\n"
