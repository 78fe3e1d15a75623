"""An independent reference for the engine tests: brute-force enumeration of a small network."""
from __future__ import annotations

import itertools

import numpy as np

from model.engine import NetworkSpec, Variable


def joint(spec: NetworkSpec) -> tuple[list[str], np.ndarray]:
    """Every variable's name and the full joint table (one axis per variable, in spec order)."""
    names = spec.names
    cards = [spec.variables[n].card for n in names]
    table = np.ones(cards)
    for config in itertools.product(*[range(c) for c in cards]):
        state = dict(zip(names, config, strict=True))
        p = 1.0
        for var in spec.variables.values():
            p *= var.table[(state[var.name], *[state[q] for q in var.parents])]
        table[config] = p
    return names, table


def marginal(spec: NetworkSpec, query: str, evidence: dict[str, int]) -> tuple[np.ndarray, float]:
    """P(query | evidence) and P(evidence) by summing the joint table."""
    names, table = joint(spec)
    index = tuple(evidence.get(n, slice(None)) for n in names)
    sub = table[index]
    kept = [n for n in names if n not in evidence]
    axes = tuple(i for i, n in enumerate(kept) if n != query)
    m = sub.sum(axis=axes)
    return m / m.sum(), float(sub.sum())


def random_network(rng: np.random.Generator, n: int = 6, max_parents: int = 2, card: int = 3) -> NetworkSpec:
    """A random discrete network with n variables of 2..card states, parents earlier in the order."""
    variables: dict[str, Variable] = {}
    names = [f"v{i}" for i in range(n)]
    for i, name in enumerate(names):
        k = int(rng.integers(2, card + 1))
        parents = tuple(sorted(rng.choice(names[:i], size=min(i, int(rng.integers(0, max_parents + 1))),
                                          replace=False))) if i else ()
        shape = (k, *[variables[p].card for p in parents])
        t = rng.random(shape) + 0.05
        variables[name] = Variable(name, tuple(f"s{j}" for j in range(k)), parents, t / t.sum(axis=0, keepdims=True))
    return NetworkSpec(variables)
