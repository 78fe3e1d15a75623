"""Benchmark cases: drawn from the network itself (realistic) or uniformly (stress), seeded.

Realistic: complete cases are forward-sampled from the network
(`model.engine.sample.forward_sample`), only the vocabulary's inputs are kept (the
latent causes are dropped), and each answer is then masked (left unknown) with
probability `mask`, independently. Uniform: each answer is a state drawn uniformly
from the input's states, masked the same way. Both are fully determined by the seed.
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from model.engine.sample import forward_sample

BLOCK = 100_000  # rows generated at a time: the 10^6-row CSV never sits in memory


def case_frame(ranker, n: int, seed: int, mask: float = 0.4, uniform: bool = False) -> pd.DataFrame:
    """n cases, one column per input id, None where the answer is unknown."""
    inputs = ranker.vocabulary.inputs
    rng = np.random.default_rng([seed, 1])
    if uniform:
        codes = {name: rng.integers(0, len(spec.states), n) for name, spec in inputs.items()}
    else:
        full = forward_sample(ranker.spec, n, seed)
        codes = {name: full[:, ranker.engine.column[name]] for name in inputs}
    data = {}
    for name, spec in inputs.items():
        column = np.asarray(spec.states, dtype=object)[codes[name]]
        column[rng.random(n) < mask] = None
        data[name] = column
    return pd.DataFrame(data)


def case_dicts(frame: pd.DataFrame) -> list[dict[str, str]]:
    """The frame's rows as cases: only the answered inputs."""
    columns = list(frame.columns)
    return [{k: v for k, v in zip(columns, row, strict=True) if isinstance(v, str)}
            for row in frame.itertuples(index=False, name=None)]


def write_csv(ranker, path: Path, n: int, seed: int, mask: float = 0.4, uniform: bool = False) -> None:
    """A CSV of n cases (header = input ids, empty cell = unknown), written block by block."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerow(list(ranker.vocabulary.inputs))
        for k, start in enumerate(range(0, n, BLOCK)):
            block = case_frame(ranker, min(BLOCK, n - start), seed * 1_000_003 + k, mask, uniform)
            block.to_csv(out, header=False, index=False, lineterminator="\n")


def worst_cases(ranker) -> dict[str, dict[str, str]]:
    """Every finding at its worst grade (the last of a graded finding's order; the abnormal
    state of a lab or fever), once with every answer hidden and once with every answer
    observed at its last state (the strongest exposure, the oldest age band)."""
    vocab = ranker.vocabulary
    engine = ranker.engine
    spec = ranker.spec
    graded = {f.name: spec.variables[f.name].states[f.order[-1]]
              for f in getattr(engine, "findings", ()) if f.kind == "product"}
    findings: dict[str, str] = {}
    for name, inp in vocab.inputs.items():
        if vocab.role_of(name) != "finding":
            continue
        mild = [s for s in inp.states if s in ("no", "none", "normal")]
        findings[name] = graded.get(name) or next(s for s in inp.states if s not in mild)
    answers = {name: inp.states[-1] for name, inp in vocab.inputs.items() if vocab.role_of(name) == "answer"}
    return {"answers hidden": findings, "answers observed": {**answers, **findings}}
