"""Comparing results the way the project promises them: probabilities to a tolerance (never
bit for bit: sums may round differently with batch shapes and CPUs' BLAS kernels), and
everything discrete (index, columns, dtypes, triage, cause order) exactly."""
from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

RTOL, ATOL = 1e-12, 1e-14  # two computations of the same probability by this project
PGMPY_TOL = 1e-9  # against pgmpy's exact inference (the interface's promise)


def assert_close(got, expected, rtol: float = RTOL, atol: float = ATOL) -> None:
    """Probabilities (arrays of any shape, NaN where both are NaN) agree to the tolerance."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def assert_frames_match(got: pd.DataFrame, expected: pd.DataFrame, causes: list[str]) -> None:
    """Ranked frames: index, columns, dtypes and triage exactly; probabilities to the tolerance."""
    assert got.index.equals(expected.index) and got.index.dtype == expected.index.dtype
    assert got.index.names == expected.index.names
    assert list(got.columns) == list(expected.columns)
    assert got.dtypes.equals(expected.dtypes)
    assert list(got["triage"]) == list(expected["triage"])
    assert_close(got[causes].to_numpy(), expected[causes].to_numpy())


def assert_same_order(probabilities: dict[str, float], order: list[str], tie: float = 1e-12) -> None:
    """`order` lists the causes by probability, highest first; causes closer than `tie` may swap."""
    values = [probabilities[c] for c in order]
    for a, b in pairwise(values):
        assert a >= b - tie, (order, values)


def assert_ranked(entries: list[tuple[str, float]], tie: float = 1e-12) -> None:
    """(id, value) pairs in the project's ranked order: highest first, and values within `tie`
    of each other are tied and listed by id (a chain of ties may span a few `tie`)."""
    for (a, x), (b, y) in pairwise(entries):
        assert x - y > tie or (a < b and abs(x - y) <= tie * len(entries)), (a, x, b, y, entries)
