"""A diary as a CSV file, for export and import: one row per day, a `date` column, then
every input id of the vocabulary (an empty cell = unknown)."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date

from ..errors import InputError
from ..evidence import validate_case
from ..vocabulary import Vocabulary
from .store import parse_day


def to_csv(entries: Sequence[tuple[date, Mapping[str, str]]], vocabulary: Vocabulary) -> str:
    """The CSV text of some days, oldest first as given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    ids = list(vocabulary.inputs)
    writer.writerow(["date", *ids])
    for day, case in entries:
        writer.writerow([day.isoformat(), *(case.get(i, "") for i in ids)])
    return buffer.getvalue()


def from_csv(text: str, vocabulary: Vocabulary, today: date | None = None) -> list[tuple[date, dict[str, str]]]:
    """The days of a CSV as `to_csv` writes it (columns in any order, any subset of the input
    ids); the first bad row is refused with its row number, so nothing half-read is kept."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not rows[0] or rows[0][0].strip().lower() != "date":
        raise InputError("a diary CSV starts with a header whose first column is 'date', then input ids")
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header[1:] if h not in vocabulary.inputs]
    if unknown:
        raise InputError(f"row 1: unknown column {', '.join(map(repr, unknown))}; "
                         f"valid: date, {', '.join(vocabulary.inputs)}")
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise InputError(f"row 1: column {', '.join(map(repr, twice))} appears twice; give each column once")
    days: list[tuple[date, dict[str, str]]] = []
    seen: dict[date, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"row {number}: has {len(row)} cells, the header has {len(header)}")
        try:
            day = parse_day(row[0], today)
            case = validate_case({h: v.strip() for h, v in zip(header[1:], row[1:], strict=True) if v.strip()},
                                 vocabulary)
        except InputError as exc:
            raise InputError(f"row {number}: {exc}") from None
        if day in seen:
            raise InputError(f"row {number}: {day.isoformat()} is also in row {seen[day]}; a diary has one entry a day")
        seen[day] = number
        days.append((day, case))
    return days
