"""Stream a CSV of cases through the ranker: chunks in, chunks out, bounded memory.

Row numbers follow spreadsheets: the header is row 1, the first case row 2 (blank and
whitespace-only lines count as rows but are not cases, and blank lines before the header
are skipped). A quoted cell may hold line breaks (a note over a few lines is one row), but
a quote left open (over MAX_ROW_LINES lines or MAX_ROW_CHARS characters, or to the end of
the file, or over lines that are cases of their own) makes only its own row bad: reading
resumes at the next line. A bad row (wrong state, wrong number of cells, bytes that are not
UTF-8, an open quote, an overlong line, impossible answers) is reported with its row number
and left out of the output; every input row is either written or reported. Cells written
out are neutralised against spreadsheet formula injection. The output appears only when the
run finishes (written to a temporary file, then renamed), so a failed run never leaves a
half-written file.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..files import Output, check_target
from ..ranking import BaseRanker
from ..triage import LEVELS
from ..vocabulary import Vocabulary
from .frame import column_key, encode_frame, match_columns, rank_matrix

CHUNK_ROWS = 10_000  # rows read, ranked and written at a time
CHUNK_CHARS = 8_000_000  # and at most about this many characters of cells per chunk
MAX_ROW_CHARS = 32_768  # a row (all its lines) longer than this is not a case
MAX_ROW_LINES = 16  # nor is a row whose quoted cells run over more lines than this
_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, as surrogateescape decodes them
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
              chunk_rows: int = CHUNK_ROWS, ignore: Iterable[str] = ()) -> BatchReport:
    """Rank every row of `source` (CSV, columns = input ids, case and spaces aside) into
    `target` (CSV). A column that names no input must be in `ignore` (else InputError); it is
    passed through to the output unranked."""
    ignore = [ignore] if isinstance(ignore, str) else list(ignore)
    report = BatchReport()
    target = check_target(source, target)  # before reading: never the input, a link or a read-only file
    with _open_text(source) as text, Output(target) as output:
        out = output.file
        reader = _Reader(text)
        records = reader.records()
        header, number = _header(records)
        vocab = ranker.vocabulary
        ignored = {column_key(n) for n in ignore}
        if not any(column_key(h) in vocab.inputs and column_key(h) not in ignored for h in header):
            raise InputError(_no_inputs(header, number, vocab))
        try:
            inputs = match_columns(header, vocab, ignore)
        except InputError as exc:
            raise InputError(f"row {number}: {exc}") from None
        report.ignored_columns = [h for h, i in zip(header, inputs, strict=True) if i is None]
        columns = [h if i is None else i for h, i in zip(header, inputs, strict=True)]  # inputs by their ids
        _expect(reader, inputs, vocab)
        csv.writer(out).writerow([neutralise(h) for h in columns] + ranker.causes + ["triage"])
        for rows, numbers, early in _chunks(records, len(header), chunk_rows, report, number):
            _rank_chunk(ranker, columns, report.ignored_columns, rows, numbers, early, out, report, strict, on_bad)
            if progress is not None:
                progress.update(len(numbers) + len(early))
        output.commit()
    return report


def _open_text(source) -> io.TextIOWrapper:
    """The source as text: UTF-8 (a byte-order mark dropped); bytes that are not UTF-8 become
    lone surrogates (surrogateescape), so a row holding them is told apart from one holding a
    real U+FFFD; line ends are kept as they are (\n, \r\n or \r)."""
    if str(source) == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None or stream.closed:
            raise InputError("standard input is closed; pipe the CSV in (twitch-causes batch - -o RANKED.csv "
                             "< CASES.csv) or give a file name")
        return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        return open(source, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise InputError(f"{source}: cannot open ({exc.strerror or exc})") from None


@dataclass(frozen=True)
class _Line:
    text: str  # the physical line with its line end (cut at MAX_ROW_CHARS if `long`)
    long: bool  # longer than MAX_ROW_CHARS: the rest of it was skipped


class _Lines:
    """The physical lines of a text stream, each read with a bound, and lines put back to be
    read again (at most MAX_ROW_LINES of them): memory stays bounded whatever the file holds."""

    def __init__(self, text: io.TextIOBase):
        self.text = text
        self.back: deque[_Line] = deque()

    def next(self) -> _Line | None:
        if self.back:
            return self.back.popleft()
        try:
            text = self.text.readline(MAX_ROW_CHARS + 1)
            if not text:
                return None
            if len(text) <= MAX_ROW_CHARS or text.endswith(("\n", "\r")):
                return _Line(text, False)
            rest = text
            while rest and not rest.endswith(("\n", "\r")):  # skip the rest of an overlong line
                rest = self.text.readline(MAX_ROW_CHARS)
        except OSError as exc:
            raise InputError(f"the CSV cannot be read ({exc.strerror or exc})") from None
        return _Line(text, True)

    def put_back(self, lines: list[_Line]) -> None:
        self.back.extendleft(reversed(lines))


class _Runaway(Exception):
    """A quoted cell still open after MAX_ROW_LINES lines or MAX_ROW_CHARS characters."""


@dataclass(frozen=True)
class _Record:
    cells: list[str] | None  # None: the record cannot be read (see `problem`)
    problem: str | None = None
    blank: bool = False  # an empty or whitespace-only line: not a case, but a row number


class _Reader:
    """One record per spreadsheet row, from physical lines.

    A quoted cell may hold line breaks (a note), but a record may span at most MAX_ROW_LINES
    lines and MAX_ROW_CHARS characters. A quote left open longer, or up to the end of the
    file, makes its first line a bad record, and reading resumes at the next line; so does a
    record over several lines of which a later line would be a case on its own (a stray quote
    swallowing the rows after it). `case_like`, set once the header is known, says whether
    the cells of one line are a case."""

    def __init__(self, text: io.TextIOBase):
        self.lines = _Lines(text)
        self.case_like: Callable[[list[str]], bool] | None = None
        self.answers: list[int] = []  # positions of the input columns

    def records(self) -> Iterator[_Record]:
        lines = self.lines
        while True:
            line = lines.next()
            if line is None:
                return
            if line.long:
                yield _Record(None, f"not valid CSV: the line is longer than {MAX_ROW_CHARS:,} characters; "
                                    "a case is a short line")
                continue
            if not line.text.strip():
                yield _Record([], blank=True)
                continue
            if '"' not in line.text:  # no quotes: exactly what the csv module would read, faster
                yield _cells(line.text.rstrip("\r\n").split(","), line.text)
                continue
            taken, end = [line], [False]
            try:
                cells = next(csv.reader(self._more(line, taken, end)))
                problem = _OPEN_QUOTE + "the end of the file" if end[0] else self._misread(cells, taken)
            except _Runaway:
                problem = _OPEN_QUOTE + f"{MAX_ROW_LINES} lines or {MAX_ROW_CHARS:,} characters"
            except csv.Error as exc:  # pragma: no cover - the non-strict reader has nothing left to refuse here
                yield _Record(None, f"not valid CSV ({exc})")
                continue
            if problem is not None:
                lines.put_back(taken[1:])
                yield _Record(None, f"not valid CSV: {problem}; the lines after it are read as rows of their own")
                continue
            yield _cells(cells, "".join(t.text for t in taken))

    def _more(self, first: _Line, taken: list[_Line], end: list[bool]) -> Iterator[str]:
        """The lines of one record, as the csv module asks for them, within the bounds."""
        yield first.text
        size = len(first.text)
        while True:
            nxt = self.lines.next()
            if nxt is None:
                end[0] = True
                return
            taken.append(nxt)
            size += len(nxt.text)
            if nxt.long or len(taken) > MAX_ROW_LINES or size > MAX_ROW_CHARS:
                raise _Runaway
            yield nxt.text

    def _misread(self, cells: list[str], taken: list[_Line]) -> str | None:
        """Why a record over several lines is more likely a stray quote than a note with line
        breaks (None: a note): one of its later lines would be a case on its own. Its last line
        counts only when a cell after the first holds the line breaks (then a real note's last
        line holds fewer cells than a row) or an answer does (answers never hold one)."""
        if len(taken) == 1 or self.case_like is None:
            return None
        broken = [i for i, c in enumerate(cells) if "\n" in c or "\r" in c]
        last = bool(broken) and (broken[-1] > 0 or any(i in self.answers for i in broken))
        for k, nxt in enumerate(taken[1:] if last else taken[1:-1], start=2):
            if self.case_like(next(csv.reader([nxt.text]), [])):
                return f"a quoted cell runs over {len(taken)} lines, and line {k} of them is a case of its own"
        return None


_OPEN_QUOTE = "a quote opened on this row is not closed before "


def _cells(cells: list[str], text: str) -> _Record:
    if not text.isascii() and _NOT_UTF8.search(text):
        return _Record(None, "contains bytes that are not valid UTF-8 (is the file saved in another encoding? "
                             "save it as CSV UTF-8)")
    return _Record(cells)


def _header(records: Iterator[_Record]) -> tuple[list[str], int]:
    """The header (the first row that is not blank) and its row number."""
    number = 0
    for record in records:
        number += 1
        if record.blank:
            continue
        if record.cells is None:
            if record.problem and "UTF-8" in record.problem:
                raise InputError(f"row {number}: the header is not UTF-8 text (is the file saved as UTF-16 or a legacy "
                                 "encoding?); save it as CSV UTF-8")
            raise InputError(f"row {number}: the header is {record.problem}")
        if any(cell.strip() for cell in record.cells):
            break
    else:
        raise InputError("the CSV file is empty; its first row must name the input columns")
    header = record.cells
    if any("\x00" in h for h in header):
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


def _expect(reader: _Reader, inputs: list[str | None], vocab: Vocabulary) -> None:
    """Tell the reader what a row of this table looks like (to spot rows a stray quote swallowed)."""
    positions = [k for k, i in enumerate(inputs) if i is not None]
    states = [frozenset(vocab.inputs[i].states) for i in inputs if i is not None]

    def case_like(cells: list[str]) -> bool:
        if len(cells) != len(inputs):
            return False
        answers = [cells[i].strip() for i in positions]
        return any(answers) and all(not a or a in ok for a, ok in zip(answers, states, strict=True))

    reader.answers, reader.case_like = positions, case_like


def _no_inputs(header: list[str], number: int, vocab: Vocabulary) -> str:
    shown = ", ".join(repr(h if len(h) <= 40 else h[:37] + "...") for h in header[:5])
    hint = ""
    if any(sep in h for h in header for sep in (";", "\t", "|")):
        hint = "; the columns must be separated by commas"
    return (f"row {number}: no column is an input (found {shown}){hint}; "
            f"name the columns with input ids such as {', '.join(list(vocab.inputs)[:3])}")


def _chunks(records: Iterator[_Record], width: int, size: int, report: BatchReport, number: int = 1) -> Iterator:
    """Chunks of (rows, their row numbers, rows already found bad while reading), each at most
    `size` rows and about CHUNK_CHARS characters."""
    rows, numbers, early = [], [], []
    chars = 0
    for record in records:
        number += 1
        if record.blank:
            continue
        cells = record.cells
        if cells is None:
            report.rows += 1
            early.append((number, record.problem))
            continue
        if len(cells) != width:
            if not any(cell.strip() for cell in cells):
                continue  # only separators and spaces: a blank line, not a case
            report.rows += 1
            early.append((number, f"has {len(cells)} cells, the header has {width}"))
            continue
        report.rows += 1
        rows.append(cells)
        numbers.append(number)
        chars += sum(map(len, cells))
        if len(rows) >= size or chars >= CHUNK_CHARS:
            yield rows, numbers, early
            rows, numbers, early = [], [], []
            chars = 0
    if rows or early:
        yield rows, numbers, early


def _rank_chunk(ranker: BaseRanker, columns, ignored, rows, numbers, early, writer, report, strict, on_bad) -> None:
    """Rank a chunk and write it; report its bad rows in file order (so --strict stops at the first)."""
    bad = list(early)
    if rows:
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        encoded = encode_frame(ranker, frame, ignored)
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
