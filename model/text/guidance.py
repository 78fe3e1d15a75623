"""Plain-language guidance per cause (model/guidance.toml): what it is and what to try."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError

GUIDANCE_FILE = Path(__file__).with_name("guidance.toml")
KEYS = {"what", "try"}


@dataclass(frozen=True)
class Guidance:
    cause: str
    what: str
    advice: tuple[str, ...]  # the "try" list: what to try, most useful first


def load_guidance(causes=None, path: str | Path | None = None) -> dict[str, Guidance]:
    """Guidance by cause id; with `causes`, every one must have an entry and no other may.

    A malformed file raises `InputError` naming the cause and the key.
    """
    entries = _read(str(GUIDANCE_FILE if path is None else path))
    if causes is not None:
        missing = [c for c in causes if c not in entries]
        extra = sorted(set(entries) - set(causes))
        if missing or extra:
            raise InputError(f"guidance.toml: missing causes {missing or 'none'}; unknown causes {extra or 'none'}")
        return {c: entries[c] for c in causes}
    return dict(entries)


@lru_cache(maxsize=4)
def _read(path: str) -> dict[str, Guidance]:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{Path(path).name}: cannot be read ({exc})") from None
    out = {}
    for cause, table in raw.items():
        where = f"{Path(path).name}: [{cause}]"
        if not isinstance(table, dict) or set(table) != KEYS:
            raise InputError(f"{where}: needs exactly the keys {', '.join(sorted(KEYS))}")
        what, tips = table["what"], table["try"]
        if not isinstance(what, str) or not what.strip():
            raise InputError(f"{where}.what: a non-empty paragraph is needed")
        if not isinstance(tips, list) or not tips or not all(isinstance(t, str) and t.strip() for t in tips):
            raise InputError(f"{where}.try: a non-empty list of sentences is needed")
        out[cause] = Guidance(cause, " ".join(what.split()), tuple(tips))
    return out
