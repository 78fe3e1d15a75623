"""Rank whole tables of cases held in a pandas DataFrame (columns = input ids).

Rows are ranked in chunks of at most `CHUNK` rows and about `WORK` units of the engine's
work (its `row_cost`: one a row for the noisy-OR kernel, tree rows for the junction tree,
where many positive findings multiply them), so memory stays bounded whatever the mix of
answers. Each row goes through the same engine as a single case, and its probabilities
agree, to 1e-12 relative, whatever chunk or batch it is ranked in (never bit for bit).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ImpossibleEvidenceError, InputError
from ..evidence import check_state, suggest
from ..ranking import BaseRanker
from ..triage import LEVELS, triage_levels
from ..vocabulary import Vocabulary

CHUNK = 32768  # rows per engine call at most
WORK = 65_536  # and at most about this much work per call (the engine's row_cost: tree rows, or 1 a row)


@dataclass
class Encoded:
    evidence: np.ndarray  # (n, V) state index per engine column, -1 unknown
    bad: dict[int, str]  # row position -> what is wrong


def column_key(name: Hashable) -> str:
    """How a column name is matched to an input id: case, surrounding spaces and the spaces
    between words aside ("Atrophy", "weakness ", "Twitch duration" name atrophy, weakness and
    twitch_duration)."""
    return "_".join(str(name).strip().lower().split())


def match_columns(columns: Sequence[Hashable], vocab: Vocabulary, ignore: Iterable[Hashable] = ()) -> list[str | None]:
    """The input id each column names, or None for a column in `ignore` (passed through,
    never read as an answer; a name in `ignore` that is no column is left unused). Refused
    with InputError naming the column: a column that names no input and is not ignored (with
    a close match and the valid ids), and two columns naming the same input (said first)."""
    ignore = [ignore] if isinstance(ignore, str) else list(ignore)
    ignored = {column_key(n) for n in ignore}
    keys = [column_key(c) for c in columns]
    named: dict[str, Hashable] = {}
    for column, key in zip(columns, keys, strict=True):  # one input twice is the first thing to say
        if key in ignored or key not in vocab.inputs:
            continue
        if key in named:
            same = "" if str(named[key]) == str(column) else f" (as {_name(named[key])} and {_name(column)})"
            raise InputError(f"duplicated column {key}{same}: each input may appear once")
        named[key] = column
    out: list[str | None] = []
    for column, key in zip(columns, keys, strict=True):
        if key in ignored:
            out.append(None)
            continue
        if key not in vocab.inputs:
            valid = list(vocab.inputs)
            if not key:
                raise InputError(f"a column has no name (a trailing comma, or an index written by pandas?); name it "
                                 f"with an input id, or pass it over: --ignore-columns '' on the command line, "
                                 f"ignore=[''] in Python; valid inputs: {', '.join(valid)}")
            raise InputError(f"column {_name(column)} is not an input{suggest(str(column), valid)}; valid inputs: "
                             f"{', '.join(valid)}; to pass it through unranked (a note, an id), ignore it: "
                             f"--ignore-columns {_name(column, quote=False)} on the command line, "
                             f"ignore=[{_name(column)}] in Python")
        out.append(key)
    return out


def _name(column: Hashable, quote: bool = True) -> str:
    text = str(column)
    if len(text) > 40:
        text = text[:37] + "..."
    return repr(text) if quote else text


def encode_frame(ranker: BaseRanker, frame: pd.DataFrame, ignore: Iterable[Hashable] = ()) -> Encoded:
    """Evidence matrix of a frame whose columns name input ids (see `match_columns`; the
    columns in `ignore` are left out).

    Empty cells, None and NaN mean unknown; a cell that is not one of the input's
    state names makes its row bad (reported with the problem, never guessed).
    """
    vocab = ranker.vocabulary
    engine = ranker.engine
    n = len(frame)
    evidence = np.full((n, len(engine.names)), -1, dtype=np.intp)
    bad: dict[int, str] = {}
    if frame.columns.duplicated().any():
        dup = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise InputError(f"duplicated column {', '.join(dup)}: each input may appear once")
    inputs = match_columns(list(frame.columns), vocab, ignore)
    for position, input_id in enumerate(inputs):
        if input_id is None:
            continue
        states = vocab.inputs[input_id].states
        values = frame.iloc[:, position]
        try:
            codes, unknown = _codes(values, states)
        except (TypeError, ValueError):  # cells holding lists, dicts or arrays: report them, read the rest
            odd = values.map(_unhashable).to_numpy(dtype=bool)
            for pos in np.flatnonzero(odd):
                bad.setdefault(int(pos), _problem(input_id, values.iloc[pos], vocab))
            values = values.where(~odd, None)
            codes, unknown = _codes(values, states)
        for pos in np.flatnonzero((codes < 0) & ~unknown):  # not a state name: a bad row
            if pos not in bad:
                bad[int(pos)] = _problem(input_id, values.iloc[pos], vocab)
        evidence[:, engine.column[input_id]] = codes
    return Encoded(evidence, bad)


def _codes(values: pd.Series, states: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """State codes (-1 where not a state name) and the unknown cells (NaN, None, blank).

    Each distinct cell value is looked up once (pandas factorize), so a million rows
    cost about as much as their few distinct answers; surrounding spaces are tolerated.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # NaN/None -> -1
    lookup = np.full(len(uniques) + 1, -1, dtype=np.intp)  # slot -1: the NaN sentinel
    blank = np.zeros(len(uniques) + 1, dtype=bool)
    blank[-1] = True
    mapping = {s: i for i, s in enumerate(states)}
    for k, u in enumerate(uniques):
        if isinstance(u, str):
            word = u if u in mapping else u.strip()
            if word in mapping:
                lookup[k] = mapping[word]
            elif not word:
                blank[k] = True
    return lookup[codes], blank[codes]


def _unhashable(value) -> bool:
    if isinstance(value, np.ndarray):
        return True
    try:
        hash(value)
    except TypeError:
        return True
    return False


def _problem(column: str, value, vocab: Vocabulary) -> str:
    try:
        check_state(column, value, vocab)
    except InputError as exc:
        return str(exc)
    return f"input {column!r}: cannot read {value!r}"  # pragma: no cover - check_state refuses every loose cell


def rank_pandas(ranker: BaseRanker, frame: pd.DataFrame, errors: str = "raise",
                chunk: int | None = None, ignore: Iterable[Hashable] = ()) -> pd.DataFrame:
    """One probability column per cause plus "triage", in the frame's row order. Columns are
    matched to input ids by `match_columns`: one that names no input must be in `ignore`.

    errors="raise": the first bad row raises `InputError` naming its position.
    errors="skip": bad rows are left out; `result.attrs["bad_rows"]` maps their
    index labels to what is wrong, and `result.attrs["bad_positions"]` their positions
    (row numbers from 0), which stays exact when index labels repeat.
    """
    check_errors(errors)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"rank_frame needs a pandas DataFrame, got {type(frame).__name__}")
    encoded = encode_frame(ranker, frame, ignore)
    if encoded.bad and errors == "raise":
        pos, msg = min(encoded.bad.items())
        raise InputError(f"row {pos} (index {_label(frame.index[pos])!r}): {msg}")
    keep = np.ones(len(frame), dtype=bool)
    keep[list(encoded.bad)] = False
    probs, levels, impossible = rank_matrix(ranker, encoded.evidence[keep], frame.index[keep], errors, chunk)
    positions = dict(encoded.bad)
    kept = np.flatnonzero(keep)
    for row in np.flatnonzero(impossible):
        positions[int(kept[row])] = "these answers are impossible under the model"
    positions = dict(sorted(positions.items()))
    index = frame.index[keep]
    out = pd.DataFrame(probs[~impossible], index=index[~impossible], columns=ranker.causes)
    out["triage"] = np.asarray(LEVELS, dtype=object)[levels[~impossible]]
    out.attrs["bad_rows"] = {frame.index[p]: m for p, m in positions.items()}
    out.attrs["bad_positions"] = positions  # exact even when index labels repeat
    return out


def check_errors(errors: str) -> None:
    if errors not in ("raise", "skip"):
        raise ValueError(f"errors must be 'raise' or 'skip', got {errors!r}")


def rank_matrix(ranker: BaseRanker, evidence: np.ndarray, labels=None, errors: str = "raise",
                chunk: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posteriors (n, causes), triage level codes (n,) and the impossible rows (n,) for an
    evidence matrix, at most `chunk` rows (default `CHUNK`) and about `WORK` units of engine
    work per call, so memory stays bounded whatever the mix of answers. Impossible rows
    raise unless errors="skip"."""
    chunk = CHUNK if chunk is None else chunk
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    n = evidence.shape[0]
    probs = np.empty((n, len(ranker.causes)))
    impossible = np.zeros(n, dtype=bool)
    cost = ranker.engine.row_cost(evidence)
    for start, stop in spans(cost, chunk, WORK):
        post = ranker.engine.infer(evidence[start:stop])
        probs[start:stop] = ranker.present(post)
        impossible[start:stop] = post.impossible
    if impossible.any() and errors == "raise":
        row = int(np.flatnonzero(impossible)[0])
        label = f" (index {_label(labels[row])!r})" if labels is not None else ""
        raise ImpossibleEvidenceError(f"row {row}{label}: these answers are impossible under the model")
    hp = probs[:, ranker.causes.index(ranker.high_priority)]
    states = {i: spec.states for i, spec in ranker.vocabulary.inputs.items()}
    levels = triage_levels(evidence, ranker.engine.column, states, np.nan_to_num(hp),
                           ranker.threshold("prompt_evaluation_above"), ranker.threshold("see_doctor_above"))
    return probs, levels.astype(np.intp), impossible


def spans(cost: np.ndarray, rows: int, budget: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) slices of at most `rows` rows whose `cost` sums to at most
    `budget` (a single row costlier than that goes alone)."""
    total = np.concatenate([[0], np.cumsum(cost, dtype=np.int64)])
    out, start, n = [], 0, len(cost)
    while start < n:
        stop = int(np.searchsorted(total, total[start] + budget, side="right")) - 1
        stop = min(max(stop, start + 1), start + rows, n)
        out.append((start, stop))
        start = stop
    return out


def _label(x):
    return x.item() if isinstance(x, np.generic) else x
