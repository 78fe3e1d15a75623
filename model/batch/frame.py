"""Rank whole tables of cases held in a pandas DataFrame (columns = input ids).

Rows are ranked in chunks of `CHUNK` through the same engine as a single case; a row's
probabilities agree, to about 1e-12 relative, whatever chunk or batch it is ranked in
(floating-point sums may round differently with the batch shape and the CPU's BLAS
kernels, so equality is never bit for bit).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ImpossibleEvidenceError, InputError
from ..evidence import check_state
from ..ranking import BaseRanker
from ..triage import LEVELS, triage_levels
from ..vocabulary import Vocabulary

CHUNK = 32768  # rows per engine call: large enough for the kernel to split a chunk across threads


@dataclass
class Encoded:
    evidence: np.ndarray  # (n, V) state index per engine column, -1 unknown
    bad: dict[int, str]  # row position -> what is wrong


def encode_frame(ranker: BaseRanker, frame: pd.DataFrame) -> Encoded:
    """Evidence matrix of a frame whose columns are input ids (other columns are ignored).

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
    for column in frame.columns:
        if column not in vocab.inputs:
            continue
        states = vocab.inputs[column].states
        values = frame[column]
        try:
            codes, unknown = _codes(values, states)
        except (TypeError, ValueError):  # cells holding lists, dicts or arrays: report them, read the rest
            odd = values.map(_unhashable).to_numpy(dtype=bool)
            for pos in np.flatnonzero(odd):
                bad.setdefault(int(pos), _problem(column, values.iloc[pos], vocab))
            values = values.where(~odd, None)
            codes, unknown = _codes(values, states)
        for pos in np.flatnonzero((codes < 0) & ~unknown):  # not a state name: a bad row
            if pos not in bad:
                bad[int(pos)] = _problem(column, values.iloc[pos], vocab)
        evidence[:, engine.column[column]] = codes
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
                chunk: int | None = None) -> pd.DataFrame:
    """One probability column per cause plus "triage", in the frame's row order.

    errors="raise": the first bad row raises `InputError` naming its position.
    errors="skip": bad rows are left out; `result.attrs["bad_rows"]` maps their
    index labels to what is wrong, and `result.attrs["bad_positions"]` their positions
    (row numbers from 0), which stays exact when index labels repeat.
    """
    check_errors(errors)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"rank_frame needs a pandas DataFrame, got {type(frame).__name__}")
    encoded = encode_frame(ranker, frame)
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
    evidence matrix, `chunk` rows per engine call (default `CHUNK`). Impossible rows raise
    unless errors="skip"."""
    chunk = CHUNK if chunk is None else chunk
    if chunk < 1:
        raise ValueError(f"chunk must be at least 1, got {chunk}")
    n = evidence.shape[0]
    probs = np.empty((n, len(ranker.causes)))
    impossible = np.zeros(n, dtype=bool)
    for start in range(0, n, chunk):
        post = ranker.engine.infer(evidence[start:start + chunk])
        probs[start:start + chunk] = ranker.present(post)
        impossible[start:start + chunk] = post.impossible
    if impossible.any() and errors == "raise":
        row = int(np.flatnonzero(impossible)[0])
        label = f" (index {_label(labels[row])!r})" if labels is not None else ""
        raise ImpossibleEvidenceError(f"row {row}{label}: these answers are impossible under the model")
    hp = probs[:, ranker.causes.index(ranker.high_priority)]
    states = {i: spec.states for i, spec in ranker.vocabulary.inputs.items()}
    levels = triage_levels(evidence, ranker.engine.column, states, np.nan_to_num(hp),
                           ranker.threshold("prompt_evaluation_above"), ranker.threshold("see_doctor_above"))
    return probs, levels.astype(np.intp), impossible


def _label(x):
    return x.item() if isinstance(x, np.generic) else x
