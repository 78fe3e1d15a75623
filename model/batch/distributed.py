"""Rank a Dask DataFrame of cases on whatever cluster the user's Dask client points at.

    import dask.dataframe as dd
    from distributed import Client
    from model import load_ranker

    client = Client("tcp://scheduler:8786")          # or Client() for a local cluster
    cases = dd.read_csv("cases-*.csv", dtype=str, keep_default_na=False)
    ranked = load_ranker().rank_frame(cases, ignore=["patient"])  # lazy: one task per partition;
                                                      # columns that are no input must be ignored
    ranked.to_parquet("ranked/")                      # or .compute()

`ranker.rank_frame(dask_frame)` maps every partition through the single-process
pandas ranking: same columns, dtypes, row order, index and triage, and each partition's
numbers are those `rank_frame` gives for that partition in one process. Across
partitionings (and CPUs, whose BLAS kernels round differently) probabilities agree to
about 1e-12 relative, never bit for bit; all of them stay exact inference within the
1e-9 of the interface.

What travels to the workers: about 2 KB per task, never the ranker. Each task
carries a `PriorsRef`: the priors folder's path, the fingerprint of its content (the
same sha256 `model.priors.fingerprint` gives everywhere) and the ranker's numbers in
use (so a ranker with session overrides is reproduced exactly). A worker builds its
ranker once per process from that folder, or from its own installed default priors
when they have the same fingerprint, and keeps it in the process's one ranker cache
(`model.ranking.RANKERS`); with an in-process cluster (`LocalCluster(processes=False)`)
that is the client's own ranker. The worker needs the `twitch-causes` package installed
and, for priors other than the packaged default, the priors folder readable at the same
path (a shared filesystem or the same container image); otherwise the task fails with
a `PriorsError` saying so.

Errors, decided for Dask:
- errors="raise" (default): a partition holding a bad row (unknown state, non-string
  cell) or impossible answers raises, when computed, the same `InputError` subclass
  and message as `rank_frame` on pandas would; the row position in the message is
  counted within its partition, so outside the first partition the message says
  "row 3 of partition 7 (index ...)". The index label is always the row's own label.
  Which bad row is reported, when several partitions have one, depends on which
  task fails first. A duplicated input column, or a column that names no input and is
  not in `ignore`, is refused at once, before computing.
- errors="skip": bad and impossible rows are left out of the result, as with
  pandas. The result's `attrs["bad_rows"]` is *not* filled in (attrs do not survive
  the concatenation of partitions and a lazy frame cannot report on rows it has not
  computed yet): `skipped_rows(ranker, frame)` gives the left-out rows as a lazy
  Series (index label -> what is wrong), at the price of a second ranking pass.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, PriorsError
from ..priors import DEFAULT_PRIORS, fingerprint
from ..ranking import RANKERS, BaseRanker
from .frame import check_errors, match_columns, rank_pandas

__all__ = ["rank_dask", "skipped_rows", "PriorsRef", "priors_ref", "worker_ranker"]


@dataclass(frozen=True)
class PriorsRef:
    """What a worker needs to rebuild a ranker: a path, the content fingerprint, the numbers."""

    folder: str
    fingerprint: str  # sha256 of the priors files (model.priors.fingerprint)
    values: tuple[float, ...]  # the ranker's numbers in use, exactly


def priors_ref(ranker: BaseRanker) -> PriorsRef:
    """The small, picklable reference that stands for `ranker` on the workers."""
    priors = ranker.priors
    return PriorsRef(str(Path(priors.folder).resolve()), priors.fingerprint, tuple(float(v) for v in priors.values))


def rank_dask(ranker: BaseRanker, frame: Any, errors: str = "raise", ignore: Iterable[Hashable] = ()) -> Any:
    """Lazy Dask DataFrame: one float column per cause id in `ranker.causes`, then "triage".

    Called by `rank_frame` for Dask frames; `errors` has been checked there.
    """
    check_errors(errors)
    _check_frame(frame)
    ignore = [ignore] if isinstance(ignore, str) else list(ignore)
    meta, inputs = _meta(ranker, frame._meta, ignore)  # refuses bad columns now, not at compute time
    return frame.map_partitions(
        _rank_partition, priors_ref(ranker), errors, meta["triage"].dtype, ignore,
        meta=meta, required_columns=inputs, enforce_metadata=True,
    )


def skipped_rows(ranker: BaseRanker, frame: Any, ignore: Iterable[Hashable] = ()) -> Any:
    """Lazy Dask Series named "problem": the rows errors="skip" leaves out, by index label.

    It ranks every partition again (only the report is kept); compute it next to the
    ranking (`dask.compute(ranked, skipped)`) to read the data once.
    """
    _check_frame(frame)
    ignore = [ignore] if isinstance(ignore, str) else list(ignore)
    _, inputs = _meta(ranker, frame._meta, ignore)
    meta = pd.Series([], dtype=object, name="problem", index=frame._meta.index[:0])
    return frame.map_partitions(_skipped_partition, priors_ref(ranker), ignore, meta=meta, required_columns=inputs,
                                enforce_metadata=True)


# ---------------------------------------------------------------------- worker side
def _rank_partition(part: pd.DataFrame, ref: PriorsRef, errors: str, triage_dtype, ignore=(), partition_info=None):
    ranker = worker_ranker(ref)
    try:
        out = rank_pandas(ranker, part, errors=errors, ignore=ignore)
    except InputError as exc:
        number = (partition_info or {}).get("number")
        raise _in_partition(exc, number) from None
    out["triage"] = out["triage"].astype(triage_dtype)  # an empty partition gives object otherwise
    out.attrs.clear()  # bad_rows of one partition would be misread as the whole frame's
    return out


def _skipped_partition(part: pd.DataFrame, ref: PriorsRef, ignore=()):
    attrs = rank_pandas(worker_ranker(ref), part, errors="skip", ignore=ignore).attrs
    if "bad_positions" in attrs:  # exact when index labels repeat
        positions = sorted(attrs["bad_positions"])
        problems = [attrs["bad_positions"][p] for p in positions]
    else:
        bad = attrs["bad_rows"]
        positions = sorted(part.index.get_indexer_for(pd.Index(list(bad)))) if bad else []
        problems = [bad[part.index[p]] for p in positions]
    index = part.index[np.asarray(positions, dtype=np.intp)]  # input order, the index's own dtype
    return pd.Series(problems, index=index, dtype=object, name="problem")


def _in_partition(exc: InputError, number: int | None) -> InputError:
    """The same error, its row position said to be within partition `number` (>0)."""
    message = str(exc)
    if number and message.startswith("row "):
        head, sep, tail = message.partition(" ")[2].partition(" ")
        if head.isdigit():
            message = f"row {head} of partition {number}{sep}{tail}"
    return type(exc)(message)


def worker_ranker(ref: PriorsRef) -> BaseRanker:
    """The ranker `ref` stands for, built at most once per process (the process's ranker cache)."""
    tried = []
    for folder in dict.fromkeys([Path(ref.folder), Path(DEFAULT_PRIORS).resolve()]):
        if not (folder / "causes.toml").is_file():
            tried.append(f"{folder} (not found)")
            continue
        if fingerprint(folder) != ref.fingerprint:
            tried.append(f"{folder} (different priors)")
            continue
        base = RANKERS.for_folder(BaseRanker, folder)
        values = np.array(ref.values, dtype=float)
        if np.array_equal(values, base.priors.values):
            return base
        return RANKERS.get(BaseRanker, base.priors.with_values(values))  # session overrides, exactly
    raise PriorsError("this Dask worker cannot find the priors folder the ranker was built from; tried "
                      + "; ".join(tried) + ". Make the folder readable at the same path on every worker "
                      "(shared filesystem or same image), or install the same twitch-causes version.")


def _check_frame(frame) -> None:
    import dask.dataframe as dd

    if not isinstance(frame, dd.DataFrame):
        raise InputError(f"rank_frame needs a pandas or Dask DataFrame, got {type(frame).__module__}."
                         f"{type(frame).__name__}")


def _meta(ranker: BaseRanker, empty: pd.DataFrame, ignore: list) -> tuple[pd.DataFrame, list]:
    """The empty result frame (float64 per cause, then "triage" with the dtype a non-empty
    pandas result has; the input's index, type and name) and the input columns the
    partitions need; refuses duplicated, unknown and wrongly ignored columns now."""
    if empty.columns.duplicated().any():
        dup = sorted({str(c) for c in empty.columns[empty.columns.duplicated()]})
        raise InputError(f"duplicated column {', '.join(dup)}: each input may appear once")
    matched = match_columns(list(empty.columns), ranker.vocabulary, ignore)
    inputs = [c for c, m in zip(empty.columns, matched, strict=True) if m is not None]
    sample = rank_pandas(ranker, pd.DataFrame(index=pd.RangeIndex(1)))  # one all-unknown case
    meta = pd.DataFrame({c: pd.Series([], dtype=np.float64) for c in ranker.causes}, index=empty.index[:0])
    meta["triage"] = pd.Series([], dtype=sample["triage"].dtype, index=empty.index[:0])
    return meta, inputs
