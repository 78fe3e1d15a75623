"""Findings factorised away from the junction tree (Quickscore-style).

A leaf whose table has product form along some order of its states,

    P(leaf grade <= j | parents) = c_j * prod_p g_jp(parent_p)    for every j,

(noisy-OR and noisy-MAX nodes are of this form, whatever their number of parents)
never needs to enter the tree: observing grade j multiplies the parents by
P(<= j) - P(<= j-1), i.e. by at most two product terms, each a set of unary factors.
A case with m such observed findings becomes at most 2^m rows of the tree, with
signs; the twitching node's 14 parents then cost nothing. A single-parent leaf is
simpler still: its table column is one unary factor.

Detection works on any table, so networks written elsewhere benefit too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .spec import Variable

PRODUCT_RTOL = 1e-10
PRODUCT_ATOL = 1e-14


@dataclass(frozen=True)
class Leaf:
    name: str
    parents: tuple[str, ...]
    cards: tuple[int, ...]  # parents' cards
    kind: str  # "direct" (one parent) or "product"
    order: tuple[int, ...]  # state indices, mildest grade first
    refs: tuple[tuple[int, ...], ...]  # per grade j < K-1: the parent config used as reference

    @property
    def k(self) -> int:
        return len(self.order)


def detect(var: Variable) -> Leaf | None:
    """A `Leaf` if the variable's table can be factorised, else None."""
    if not var.parents:
        return None
    cards = tuple(var.table.shape[1:])
    if len(var.parents) == 1:
        return Leaf(var.name, var.parents, cards, "direct", tuple(range(var.card)), ())
    for order in (tuple(range(var.card)), tuple(reversed(range(var.card)))):
        cdf = np.cumsum(var.table[list(order)], axis=0)[:-1]
        refs = tuple(tuple(int(i) for i in np.unravel_index(int(np.argmax(c)), cards)) for c in cdf)
        leaf = Leaf(var.name, var.parents, cards, "product", order, refs)
        coef, g = factors(leaf, var.table[None])
        rebuilt = coef[0][:-1, None] * _outer([g[i][0] for i in range(len(cards))])
        if np.allclose(rebuilt, cdf.reshape(len(cdf), -1), rtol=PRODUCT_RTOL, atol=PRODUCT_ATOL):
            return leaf
    return None


def factors(leaf: Leaf, tables: np.ndarray):
    """Per-row factors from tables (R, card, *parent_cards).

    Returns coef (R, K) and g: one (R, card_p, K) array per parent, with grade K-1
    (the constant 1, or for a direct leaf the last state's column) included so that
    any observed grade is one index.
    """
    rows = tables.shape[0]
    if leaf.kind == "direct":
        return np.ones((rows, leaf.k)), [np.swapaxes(tables, 1, 2)]
    k = leaf.k
    cdf = np.cumsum(tables[:, list(leaf.order)], axis=1)[:, :-1]  # (R, K-1, *cards)
    coef = np.ones((rows, k))
    g = [np.ones((rows, c, k)) for c in leaf.cards]
    for j, ref in enumerate(leaf.refs):
        cj = cdf[:, j]
        at_ref: tuple[slice | int, ...] = (slice(None), *ref)
        c = cj[at_ref]
        coef[:, j] = c
        safe = np.where(c > 0, c, 1.0)
        for p in range(len(leaf.cards)):
            along: list[slice | int] = [slice(None), *ref]
            along[p + 1] = slice(None)  # every state of parent p, the others at reference
            g[p][:, :, j] = np.where(c[:, None] > 0, cj[tuple(along)] / safe[:, None], 0.0)
    return coef, g


def noisy_factors(leaf: Leaf, table) -> tuple[np.ndarray, list[np.ndarray]] | None:
    """Factors read straight from a factored noisy table (see model.network.NoisyTable)."""
    if leaf.kind != "product" or tuple(table.order) != leaf.order or tuple(table.parents) != leaf.parents:
        return None
    rows, k1 = table.leak_cdf.shape
    coef = np.concatenate([table.leak_cdf, np.ones((rows, 1))], axis=1)
    g = [np.concatenate([table.act[p], np.ones((rows, table.act[p].shape[1], 1))], axis=2) for p in leaf.parents]
    return coef, g


def terms(leaf: Leaf, observed: np.ndarray):
    """For each row's observed state (-1 = unknown): up to two (sign, grade) terms.

    Returns first grade, second grade (-1 = none) and the second term's sign (-1).
    Grade -1 in `first` means nothing to multiply.
    """
    if leaf.kind == "direct":
        return observed, np.full_like(observed, -1)
    pos = np.full(len(observed), -1)
    known = observed >= 0
    position = np.empty(leaf.k, dtype=int)
    position[list(leaf.order)] = np.arange(leaf.k)
    pos[known] = position[observed[known]]
    first = pos
    second = np.where(known & (pos > 0), pos - 1, -1)
    return first, second


def _outer(vectors: list[np.ndarray]) -> np.ndarray:
    """(K-1, prod cards): the product over parents for each grade but the last."""
    out = vectors[0].T  # (K, card)
    for v in vectors[1:]:
        out = (out[:, :, None] * v.T[:, None, :]).reshape(out.shape[0], -1)
    return out[:-1]
