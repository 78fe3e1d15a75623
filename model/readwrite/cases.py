"""A case as a file: JSON in (size-limited, UTF-8, an object of strings; or a saved result), JSON out.

The CLI's `--case FILE`, the dashboard's upload and its "Save my answers" all use these,
so a file saved by one is read by the others.
"""
from __future__ import annotations

import json
import sys

from ..errors import InputError
from ..evidence import validate_case
from ..vocabulary import Vocabulary

MAX_CASE_BYTES = 1_000_000


def read_case_file(path: str) -> dict:
    """A case from a JSON object in a file ('-' = standard input), size-limited."""
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_CASE_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_CASE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the case file ({exc.strerror or exc})") from None
    return parse_case_json(raw, path)


def parse_case_json(raw: bytes, name: str = "case") -> dict:
    """Parse a JSON case safely: size limit, UTF-8, an object of strings (not yet validated)."""
    if len(raw) > MAX_CASE_BYTES:
        raise InputError(f"{name}: larger than {MAX_CASE_BYTES:,} bytes; a case is a small JSON object")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text; a case is a JSON object such as {{\"caffeine\": \"high\"}}") from None
    try:
        case = json.loads(text)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, and e.g. integers too long to convert
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"{name}: not valid JSON{where}; a case is a JSON object such as {{\"caffeine\": \"high\"}}") from None
    if isinstance(case, dict) and "evidence" in case and isinstance(case["evidence"], dict) and "causes" in case:
        case = case["evidence"]  # a saved result: take its answers
    if not isinstance(case, dict):
        raise InputError(f"{name}: expected a JSON object of input ids to states, got {type(case).__name__}")
    return case


def read_case(raw: bytes, vocabulary: Vocabulary, name: str = "the file") -> dict[str, str]:
    """A validated case from JSON bytes (a case, or a saved result); raises InputError with the reason."""
    return validate_case(parse_case_json(raw, name), vocabulary)


def case_json(case: dict[str, str]) -> str:
    """The answers as a JSON file that `read_case` (and `twitch-causes rank --case`) reads back."""
    return json.dumps(case, indent=2, ensure_ascii=False) + "\n"
