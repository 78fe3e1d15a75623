"""Forward sampling of complete cases from a network (seeded), for benchmarks and calibration."""
from __future__ import annotations

import numpy as np

from .spec import NetworkSpec


def forward_sample(spec: NetworkSpec, n: int, seed: int = 0) -> np.ndarray:
    """(n, V) state indices, one complete case per row, columns in `spec.names` order."""
    rng = np.random.default_rng(seed)
    column = {name: i for i, name in enumerate(spec.names)}
    out = np.zeros((n, len(column)), dtype=np.intp)
    for name, var in spec.variables.items():
        flat = np.zeros(n, dtype=np.intp)
        for p in var.parents:
            flat = flat * spec.variables[p].card + out[:, column[p]]
        probs = var.table.reshape(var.card, -1)[:, flat]  # (card, n)
        cdf = np.cumsum(probs, axis=0)
        u = rng.random(n) * cdf[-1]
        out[:, column[name]] = np.minimum((u[None, :] >= cdf).sum(axis=0), var.card - 1)
    return out
