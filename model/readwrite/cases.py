"""A case as a file: JSON in (size-limited, UTF-8, an object of strings with each key once; or a
saved result), JSON out.

The CLI's `--case FILE`, the dashboard's upload and its "Save my answers" all use these,
so a file saved by one is read by the others.
"""
from __future__ import annotations

import json
import sys

from ..errors import InputError
from ..evidence import validate_case
from ..ranking import RESULT_KEYS
from ..vocabulary import Vocabulary

MAX_CASE_BYTES = 1_000_000
MAX_TEXT_BYTES = 50_000_000  # a diary CSV: decades of days fit in a few MB
EXAMPLE = '{"caffeine": "high"}'


def read_case_file(path: str) -> dict:
    """A case from a JSON object in a file ('-' = standard input), size-limited."""
    raw = read_bytes(path, MAX_CASE_BYTES + 1, "the case file")
    return parse_case_json(raw, "standard input" if path == "-" else path)


def read_bytes(path: str, limit: int, what: str) -> bytes:
    """Up to `limit` bytes of a file ('-' = standard input); a file that cannot be read is bad input."""
    try:
        if path == "-":
            return read_stdin_bytes(limit)
        with open(path, "rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} ({exc.strerror or exc})") from None


def read_text(path: str, limit: int = MAX_TEXT_BYTES, what: str = "the file") -> str:
    """A UTF-8 text file ('-' = standard input) of at most `limit` bytes."""
    raw = read_bytes(path, limit + 1, what)
    if len(raw) > limit:
        raise InputError(f"{path}: {what} is larger than {limit // 1_000_000} MB; is it the right file?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: {what} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def read_stdin_bytes(limit: int) -> bytes:
    """Up to `limit` bytes of standard input; a closed standard input is bad input, said plainly."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None or stream.closed:
        raise InputError(f"standard input is closed; pipe the case in (echo '{EXAMPLE}' | twitch-causes rank "
                         "--case -) or give a file name")
    try:
        return stream.read(limit)
    except (OSError, ValueError) as exc:  # EBADF, or a closed file object
        raise InputError(f"standard input cannot be read ({getattr(exc, 'strerror', None) or exc})") from None


class _DuplicateKey(Exception):
    pass


def _unique(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def parse_case_json(raw: bytes, name: str = "case") -> dict:
    """Parse a JSON case safely: size limit, UTF-8, an object of strings, every key once
    (not yet validated). A saved result (only the keys of a ranking's JSON) gives its answers."""
    if len(raw) > MAX_CASE_BYTES:
        raise InputError(f"{name}: larger than {MAX_CASE_BYTES:,} bytes; a case is a small JSON object")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text; a case is a JSON object such as {EXAMPLE}") from None
    try:
        case = json.loads(text, object_pairs_hook=_unique)
    except _DuplicateKey as dup:
        key = dup.args[0]
        raise InputError(f"{name}: the key {_short(key)} appears more than once; give each input once") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, and e.g. integers too long to convert
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"{name}: not valid JSON{where}; a case is a JSON object such as {EXAMPLE}") from None
    if not isinstance(case, dict):
        raise InputError(f"{name}: expected a JSON object of input ids to states, got {type(case).__name__}")
    if "evidence" in case and "causes" in case:
        return _saved_result(case, name)
    return case


def _saved_result(result: dict, name: str) -> dict:
    """The answers of a saved result, which has the keys of a ranking's JSON and no others."""
    extra = [k for k in result if k not in RESULT_KEYS]
    if extra:
        raise InputError(f"{name}: has the keys of a saved result (evidence, causes) but also "
                         f"{', '.join(_short(k) for k in extra)}; a saved result has only the keys "
                         f"{', '.join(sorted(RESULT_KEYS))}, and a case only input ids")
    if not isinstance(result["evidence"], dict):
        raise InputError(f"{name}: a saved result's 'evidence' must be a JSON object of input ids to states, "
                         f"got {type(result['evidence']).__name__}")
    return result["evidence"]


def _short(key: str, limit: int = 60) -> str:
    text = repr(key)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_case(raw: bytes, vocabulary: Vocabulary, name: str = "the file") -> dict[str, str]:
    """A validated case from JSON bytes (a case, or a saved result); raises InputError with the reason."""
    return validate_case(parse_case_json(raw, name), vocabulary)


def case_json(case: dict[str, str]) -> str:
    """The answers as a JSON file that `read_case` (and `twitch-causes rank --case`) reads back."""
    return json.dumps(case, indent=2, ensure_ascii=False) + "\n"
