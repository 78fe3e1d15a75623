"""Stream a CSV of cases through the ranker: chunks in, chunks out, bounded memory.

Row numbers follow spreadsheets: the header is row 1, the first case row 2. A bad
row (wrong state, wrong number of cells, undecodable text, impossible answers) is
reported with its row number and left out of the output; every input row is either
written or reported. Cells written out are neutralised against spreadsheet formula
injection. The output appears only when the run finishes (written to a temporary
file, then renamed), so a failed run never leaves a half-written file.
"""
from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError
from .frame import encode_frame, rank_matrix
from .triage import LEVELS

CHUNK_ROWS = 50_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class BatchReport:
    rows: int = 0
    ranked: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def neutralise(cell: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def run_batch(ranker, source: str | Path, target: str | Path, strict: bool = False,
              on_bad: Callable[[int, str], None] | None = None, progress=None,
              chunk_rows: int = CHUNK_ROWS) -> BatchReport:
    """Rank every row of `source` (CSV, columns = input ids) into `target` (CSV)."""
    report = BatchReport()
    target = Path(target)
    fd, tmp = tempfile.mkstemp(prefix=".twitch-causes-", suffix=".csv", dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, _open_text(source) as text:
            reader = csv.reader(text)
            header = _header(reader)
            vocab = ranker.vocabulary
            report.ignored_columns = [h for h in header if h not in vocab.inputs]
            csv.writer(out).writerow([neutralise(h) for h in header] + ranker.causes + ["triage"])
            writer = out
            for rows, numbers in _chunks(reader, len(header), chunk_rows, report, strict, on_bad):
                _rank_chunk(ranker, header, rows, numbers, writer, report, strict, on_bad)
                if progress is not None:
                    progress.update(len(numbers))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report


def _open_text(source):
    if str(source) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace", newline="")
    try:
        return open(source, encoding="utf-8-sig", errors="replace", newline="")
    except OSError as exc:
        raise InputError(f"{source}: cannot open ({exc.strerror or exc})") from None


def _header(reader) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("the CSV file is empty; its first row must name the input columns") from None
    except csv.Error as exc:
        raise InputError(f"row 1: not valid CSV ({exc})") from None
    header = [h.strip() for h in header]
    seen, dup = set(), []
    for h in header:
        if h in seen:
            dup.append(h)
        seen.add(h)
    if dup:
        raise InputError(f"row 1: duplicated column {', '.join(sorted(set(dup)))}; each input may appear once")
    return header


def _chunks(reader, width: int, size: int, report: BatchReport, strict: bool, on_bad) -> Iterator:
    rows, numbers = [], []
    number = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            _bad(report, number, f"not valid CSV ({exc})", strict, on_bad)
            continue
        number += 1
        report.rows += 1
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                report.rows -= 1  # a blank line is not a case
                continue
            _bad(report, number, f"has {len(row)} cells, the header has {width}", strict, on_bad)
            continue
        if any("\ufffd" in cell for cell in row):
            _bad(report, number, "contains text that is not valid UTF-8", strict, on_bad)
            continue
        rows.append(row)
        numbers.append(number)
        if len(rows) >= size:
            yield rows, numbers
            rows, numbers = [], []
    if rows:
        yield rows, numbers


def _rank_chunk(ranker, header, rows, numbers, writer, report, strict, on_bad) -> None:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    encoded = encode_frame(ranker, frame)
    good = np.ones(len(rows), dtype=bool)
    for pos, msg in sorted(encoded.bad.items()):
        _bad(report, numbers[pos], msg, strict, on_bad)
        good[pos] = False
    probs, levels, impossible = rank_matrix(ranker, encoded.evidence[good], errors="skip")
    kept = np.flatnonzero(good)
    for k in np.flatnonzero(impossible):
        _bad(report, numbers[kept[k]], "these answers are impossible under the model", strict, on_bad)
    out = frame.iloc[kept[~impossible]].copy()
    for column in out.columns:
        cells = out[column].astype(str)
        risky = cells.str.startswith(FORMULA_START)
        out[column] = cells.where(~risky, "'" + cells)
    for j, cause in enumerate(ranker.causes):
        out[f"\x00{j}"] = probs[~impossible, j]
    out["\x00triage"] = np.asarray(LEVELS, dtype=object)[levels[~impossible]]
    out.to_csv(writer, header=False, index=False, lineterminator="\r\n")
    report.ranked += len(out)


def _bad(report: BatchReport, number: int, msg: str, strict: bool, on_bad) -> None:
    report.bad.append((number, msg))
    if strict:
        raise InputError(f"row {number}: {msg}")
    if on_bad is not None:
        on_bad(number, msg)
