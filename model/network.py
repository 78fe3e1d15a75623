"""Build the Bayesian network's tables from the priors, and the pgmpy model from them.

Every node with parents is a leaky noisy-OR (yes/no) or noisy-MAX (graded) node:
the background and each parent act independently, each produces a grade, and the
worst grade shows. With grades g0 < g1 < ...,

    P(grade <= k | parents) = L(k) * prod_p A_p(k)

where L is the background ("leak") distribution's cumulative and A_p the cumulative
of the grade that parent's state produces on its own (1 at the reference state).

Tables can be built for many parameter vectors at once (rows of `values`), which is
how the uncertainty draws and the sensitivity sweeps stay fast; `build_network` uses
the priors' own values.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .engine import NetworkSpec, Variable, spec_to_pgmpy
from .priors import Node, Priors

if TYPE_CHECKING:
    from pgmpy.models import DiscreteBayesianNetwork


@dataclass(frozen=True)
class NoisyTable:
    """A noisy-OR/noisy-MAX table in factored form, for R parameter rows.

    order: state indices, mildest grade first.
    leak_cdf: (R, K-1), P(grade <= k) with every parent at reference.
    act: parent -> (R, parent_card, K-1), the factor each parent state applies.
    """

    order: tuple[int, ...]
    parents: tuple[str, ...]
    leak_cdf: np.ndarray
    act: dict[str, np.ndarray]

    def dense(self) -> np.ndarray:
        """The full table, shape (R, card, *parent_cards), child state first."""
        rows, k1 = self.leak_cdf.shape
        cards = [self.act[p].shape[1] for p in self.parents]
        cdf = self.leak_cdf.reshape(rows, k1, *([1] * len(cards)))
        for axis, p in enumerate(self.parents):
            shape = [rows, 1] + [1] * len(cards)
            shape[2 + axis] = cards[axis]
            a = np.moveaxis(self.act[p], 2, 1)  # (R, K-1, card)
            shape[1] = k1
            cdf = cdf * a.reshape(shape)
        cdf = np.broadcast_to(cdf, (rows, k1, *cards))
        ones = np.ones((rows, 1, *cards))
        full = np.concatenate([cdf, ones], axis=1)
        pmf = np.diff(full, axis=1, prepend=0.0)
        out = np.empty_like(pmf)
        out[:, list(self.order)] = pmf
        return np.clip(out, 0.0, 1.0)


def node_tables(priors: Priors, values: np.ndarray | None = None,
                only: Iterable[str] | None = None) -> dict[str, NoisyTable | np.ndarray]:
    """Each node's table for every row of `values` (shape (R, P) or (P,); default: the priors);
    `only`: just these nodes.

    Prior nodes give an array (R, card); others a `NoisyTable`.
    """
    vals = np.atleast_2d(priors.values if values is None else np.asarray(values, dtype=float))
    cards = {n: len(node.states) for n, node in priors.nodes.items()}
    out: dict[str, NoisyTable | np.ndarray] = {}
    wanted = priors.nodes if only is None else {n: priors.nodes[n] for n in only}
    for name, node in wanted.items():
        if node.model == "prior":
            table = vals[:, [node.prior[s] for s in range(len(node.states))]]
            table = np.clip(table, 0.0, None)
            out[name] = table / table.sum(axis=1, keepdims=True)
        else:
            out[name] = _noisy(node, vals, cards)
    return out


def _noisy(node: Node, vals: np.ndarray, cards: dict[str, int]) -> NoisyTable:
    rows = vals.shape[0]
    leak = _cdf(node.order, node.baseline, vals)
    act = {}
    for parent in node.parents:
        a = np.ones((rows, cards[parent], len(node.order) - 1))
        for pstate, params in node.given[parent].items():
            a[:, pstate] = _cdf(node.order, params, vals)
        act[parent] = a
    return NoisyTable(node.order, node.parents, leak, act)


def _cdf(order: tuple[int, ...], params: dict[int, int], vals: np.ndarray) -> np.ndarray:
    """(R, K-1) cumulative distribution over grades from P(exactly grade) parameters."""
    pmf = np.zeros((vals.shape[0], len(order)))
    for k, state in enumerate(order[1:], start=1):
        if state in params:
            pmf[:, k] = np.clip(vals[:, params[state]], 0.0, 1.0)
    total = pmf[:, 1:].sum(axis=1)
    over = total > 1.0
    pmf[over, 1:] /= total[over, None]
    pmf[:, 0] = 1.0 - pmf[:, 1:].sum(axis=1)
    return np.clip(np.cumsum(pmf, axis=1)[:, :-1], 0.0, 1.0)


def dense_tables(priors: Priors, values: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Full tables (R, card, *parent_cards) for every node."""
    tables = node_tables(priors, values)
    return {n: t.dense() if isinstance(t, NoisyTable) else t for n, t in tables.items()}


def build_network(priors: Priors, tables: dict[str, np.ndarray] | None = None) -> DiscreteBayesianNetwork:
    """The pgmpy DiscreteBayesianNetwork of these priors; it passes `check_model()`.

    tables: the dense tables to use, shape (1, card, *parent_cards) (default: built from the priors)."""
    tables = dense_tables(priors) if tables is None else tables
    return spec_to_pgmpy(NetworkSpec({n: Variable(n, node.states, node.parents, tables[n][0])
                                      for n, node in priors.nodes.items()}))
