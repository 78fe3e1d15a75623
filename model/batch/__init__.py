"""Ranking many cases at once: pandas and Dask frames (`rank_frame`) and CSV files streamed in
chunks (`run_batch`)."""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import pandas as pd

from ..ranking import BaseRanker
from .csv_stream import BatchReport, run_batch
from .distributed import rank_dask
from .frame import CHUNK, column_key, encode_frame, match_columns, rank_matrix, rank_pandas


def rank_frame(ranker: BaseRanker, frame: Any, errors: str = "raise", chunk: int | None = None,
               ignore: Iterable[Hashable] = ()) -> Any:
    """A pandas DataFrame ranked in this process, or a Dask DataFrame ranked lazily, partition
    by partition, on its cluster (see batch/frame.py and batch/distributed.py). Columns name
    input ids (case and spaces aside); any other column must be in `ignore`."""
    if is_dask(frame):
        return rank_dask(ranker, frame, errors, ignore)
    return rank_pandas(ranker, frame, errors, chunk, ignore)


def is_dask(frame: Any) -> bool:
    return type(frame).__module__.startswith("dask") and not isinstance(frame, pd.DataFrame)


__all__ = ["BatchReport", "CHUNK", "column_key", "encode_frame", "is_dask", "match_columns", "rank_frame", "rank_matrix",
           "rank_pandas", "run_batch"]
