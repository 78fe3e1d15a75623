"""Stream a CSV of cases through the ranker: chunks in, chunks out, bounded memory.

Row numbers follow spreadsheets: the header is row 1, the first case row 2 (blank
lines count as rows, and blank lines before the header are skipped). A bad
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

from ..errors import InputError
from ..ranking import BaseRanker
from ..triage import LEVELS
from ..vocabulary import Vocabulary
from .frame import encode_frame, rank_matrix

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


def run_batch(ranker: BaseRanker, source: str | Path, target: str | Path, strict: bool = False,
              on_bad: Callable[[int, str], None] | None = None, progress=None,
              chunk_rows: int = CHUNK_ROWS) -> BatchReport:
    """Rank every row of `source` (CSV, columns = input ids) into `target` (CSV)."""
    report = BatchReport()
    target = Path(target)
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give the output CSV a file name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".twitch-causes-", suffix=".csv", dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise InputError(f"{target}: cannot write the output here ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, _open_text(source) as text:
            reader = csv.reader(text)
            header, number = _header(reader)
            vocab = ranker.vocabulary
            report.ignored_columns = [h for h in header if h not in vocab.inputs]
            if len(report.ignored_columns) == len(header):
                raise InputError(_no_inputs(header, number, vocab))
            csv.writer(out).writerow([neutralise(h) for h in header] + ranker.causes + ["triage"])
            writer = out
            for rows, numbers, early in _chunks(reader, len(header), chunk_rows, report, number):
                _rank_chunk(ranker, header, rows, numbers, early, writer, report, strict, on_bad)
                if progress is not None:
                    progress.update(len(numbers) + len(early))
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


def _header(reader) -> tuple[list[str], int]:
    """The header (the first row that is not blank) and its row number."""
    number = 0
    while True:
        number += 1
        try:
            header = next(reader)
        except StopIteration:
            raise InputError("the CSV file is empty; its first row must name the input columns") from None
        except csv.Error as exc:
            raise InputError(f"row {number}: not valid CSV ({exc})") from None
        if any(cell.strip() for cell in header):
            break
    if any("\ufffd" in h or "\x00" in h for h in header):
        raise InputError(f"row {number}: the header is not UTF-8 text (is the file saved as UTF-16 or a legacy "
                         "encoding?); save it as CSV UTF-8")
    header = [h.strip() for h in header]
    seen, dup = set(), []
    for h in header:
        if h in seen:
            dup.append(h)
        seen.add(h)
    if dup:
        raise InputError(f"row {number}: duplicated column {', '.join(repr(d) for d in sorted(set(dup)))}; "
                         "each column may appear once")
    return header, number


def _no_inputs(header: list[str], number: int, vocab: Vocabulary) -> str:
    shown = ", ".join(repr(h if len(h) <= 40 else h[:37] + "...") for h in header[:5])
    hint = ""
    if any(sep in h for h in header for sep in (";", "\t", "|")):
        hint = "; the columns must be separated by commas"
    return (f"row {number}: no column is an input (found {shown}){hint}; "
            f"name the columns with input ids such as {', '.join(list(vocab.inputs)[:3])}")


def _chunks(reader, width: int, size: int, report: BatchReport, number: int = 1) -> Iterator:
    """Chunks of (rows, their row numbers, rows already found bad while reading)."""
    rows, numbers, early = [], [], []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            number += 1
            report.rows += 1
            early.append((number, f"not valid CSV ({exc})"))
            continue
        number += 1
        report.rows += 1
        if len(row) != width:
            if not any(cell.strip() for cell in row):
                report.rows -= 1  # a blank line is not a case
                continue
            early.append((number, f"has {len(row)} cells, the header has {width}"))
            continue
        if any("\ufffd" in cell for cell in row):
            early.append((number, "contains text that is not valid UTF-8"))
            continue
        rows.append(row)
        numbers.append(number)
        if len(rows) >= size:
            yield rows, numbers, early
            rows, numbers, early = [], [], []
    if rows or early:
        yield rows, numbers, early


def _rank_chunk(ranker: BaseRanker, header, rows, numbers, early, writer, report, strict, on_bad) -> None:
    """Rank a chunk and write it; report its bad rows in file order (so --strict stops at the first)."""
    bad = list(early)
    if rows:
        frame = pd.DataFrame(rows, columns=header, dtype=object)
        encoded = encode_frame(ranker, frame)
        good = np.ones(len(rows), dtype=bool)
        for pos, msg in encoded.bad.items():
            bad.append((numbers[pos], msg))
            good[pos] = False
        probs, levels, impossible = rank_matrix(ranker, encoded.evidence[good], errors="skip")
        kept = np.flatnonzero(good)
        for k in np.flatnonzero(impossible):
            bad.append((numbers[kept[k]], "these answers are impossible under the model"))
    for number, msg in sorted(bad):
        _bad(report, number, msg, strict, on_bad)
    if not rows:
        return
    out = frame.iloc[kept[~impossible]].copy()
    for column in out.columns:
        cells = out[column].astype(str)
        risky = cells.str.startswith(FORMULA_START)
        out[column] = cells.where(~risky, "'" + cells)
    for j in range(len(ranker.causes)):
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
