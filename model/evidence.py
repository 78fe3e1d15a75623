"""Validate a case (input id -> state name) against the vocabulary."""
from __future__ import annotations

import difflib
from collections.abc import Mapping

from .errors import InputError
from .vocabulary import Vocabulary


def validate_case(case, vocab: Vocabulary) -> dict[str, str]:
    """Return the case as a plain dict, or raise `InputError` naming what is wrong.

    A left-out input is unknown. Every value must be one of the input's state names.
    """
    if not isinstance(case, Mapping):
        raise InputError(f"a case must be a mapping of input id to state name, got {type(case).__name__}")
    valid = vocab.valid_states
    clean: dict[str, str] = {}
    for key, value in case.items():
        if key.__class__ is str and value.__class__ is str and value in valid.get(key, ()):
            clean[key] = value  # the common case, checked at the cost of two lookups
            continue
        check_input(key, vocab)
        clean[key] = check_state(key, value, vocab)
    return clean


def check_input(key, vocab: Vocabulary) -> None:
    if isinstance(key, str) and key in vocab.inputs:
        return
    valid = list(vocab.inputs)
    hint = suggest(key, valid)
    raise InputError(f"unknown input {_show(key)}{hint}; valid inputs: {', '.join(valid)}")


def check_state(key: str, value, vocab: Vocabulary) -> str:
    states = vocab.inputs[key].states
    if isinstance(value, str) and value in states:
        return value
    if not isinstance(value, str):
        raise InputError(f"input {key!r}: the state must be a string, got {_show(value)}; valid states: {', '.join(states)}")
    hint = suggest(value, states)
    raise InputError(f"input {key!r}: unknown state {_show(value)}{hint}; valid states: {', '.join(states)}")


def suggest(word, options) -> str:
    """' (did you mean 'x'?)' for the option closest to `word`, or ''."""
    if not isinstance(word, str):
        return ""
    lowered = {o.lower(): o for o in options}
    if word.strip().lower() in lowered:
        return f" (did you mean {lowered[word.strip().lower()]!r}?)"
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _show(value, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else f"{type(value).__name__} {value!r}"
    return text if len(text) <= limit else text[: limit - 3] + "..."
