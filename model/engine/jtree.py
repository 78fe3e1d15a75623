"""A junction tree that runs many rows at once (numpy), each row with its own evidence.

Evidence reaches the tree as unary factors: row r multiplies the potential of
variable v by U[r, offset[v] + state]. Observed states are one-hot rows, unknown
ones are all ones, and the findings the engine factorises away (see `leaves.py`)
arrive as arbitrary positive factors. Messages are rescaled per row and the scale
is kept in log space, so products never underflow.

Calibration is Hugin-style: collect towards each root, then distribute.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Clique:
    vars: tuple[str, ...]
    cards: tuple[int, ...]
    size: int
    index: dict[str, np.ndarray] = field(default_factory=dict)  # var -> (size,) state per clique config
    factors: list[str] = field(default_factory=list)  # variables whose table lives here
    unaries: list[str] = field(default_factory=list)  # variables whose unary factor lives here
    parent: int = -1
    sep: tuple[str, ...] = ()
    up: "Projector | None" = None  # sums clique configs onto the separator
    ext: np.ndarray | None = None  # (size,) separator config of each clique config
    ext_parent: np.ndarray | None = None  # (parent_size,) separator config of each parent config
    down: "Projector | None" = None  # sums the parent's configs onto the separator
    base: np.ndarray | None = None  # (size,) product of the tables that live here
    cols: np.ndarray | None = None  # (k, size) columns of U to multiply in


class JunctionTree:
    """Compiled once per structure; `run` evaluates a batch of rows."""

    def __init__(self, variables: dict[str, tuple[int, tuple[str, ...]]], budget: int = 64):
        """variables: name -> (card, parents), parents before children."""
        self.cards = {n: c for n, (c, _) in variables.items()}
        self.parents = {n: ps for n, (_, ps) in variables.items()}
        self.names = list(variables)
        self.offset = {}
        total = 0
        for n in self.names:
            self.offset[n] = total
            total += self.cards[n]
        self.ones = total  # a trailing column of ones pads the satellites' unary gathers
        self.width = total + 1
        cliques, edges = _contract(*_forest(_cliques(self.names, self.cards, self.parents)), self.cards, budget)
        self.cliques = [self._make_clique(c) for c in cliques]
        self._root(edges)
        self.home = {}
        for n in self.names:
            family = {n, *self.parents[n]}
            best = min((c for c in range(len(self.cliques)) if family <= set(self.cliques[c].vars)),
                       key=lambda c: self.cliques[c].size)
            self.cliques[best].factors.append(n)
            self.cliques[best].unaries.append(n)
            self.home[n] = best
        self._plans: dict[tuple[str, ...], tuple] = {}
        for c in self.cliques:
            cols = [self.offset[v] + c.index[v] for v in c.unaries]
            c.cols = np.array(cols, dtype=np.intp) if cols else np.zeros((0, c.size), dtype=np.intp)
        self._satellites()

    # ------------------------------------------------------------------ compile
    def _make_clique(self, vars_: tuple[str, ...]) -> Clique:
        vars_ = tuple(sorted(vars_, key=self.names.index))
        cards = tuple(self.cards[v] for v in vars_)
        size = int(np.prod(cards)) if cards else 1
        grid = np.indices(cards).reshape(len(cards), -1) if cards else np.zeros((0, 1), dtype=int)
        return Clique(vars_, cards, size, {v: grid[i] for i, v in enumerate(vars_)})

    def _root(self, edges: list[tuple[int, int]]) -> None:
        """Root each tree of the forest at its largest clique and precompute the separators."""
        n = len(self.cliques)
        adj: dict[int, list[int]] = {i: [] for i in range(n)}
        for i, j in edges:
            adj[i].append(j)
            adj[j].append(i)
        seen: set[int] = set()
        self.order: list[int] = []  # parents before children
        self.roots: list[int] = []
        for root in sorted(range(n), key=lambda i: -self.cliques[i].size):
            if root in seen:
                continue
            self.roots.append(root)
            stack = [root]
            seen.add(root)
            while stack:
                c = stack.pop()
                self.order.append(c)
                for nb in adj[c]:
                    if nb not in seen:
                        seen.add(nb)
                        self.cliques[nb].parent = c
                        stack.append(nb)
        for c in self.cliques:
            if c.parent < 0:
                continue
            par = self.cliques[c.parent]
            c.sep = tuple(v for v in c.vars if v in par.vars)
            scards = [self.cards[v] for v in c.sep]
            c.ext = _flat(c, c.sep, scards)
            c.ext_parent = _flat(par, c.sep, scards)
            c.up = Projector(c, c.sep, self.cards)
            c.down = Projector(par, c.sep, self.cards)

    def _satellites(self) -> None:
        """Independent parts that are a single clique are evaluated together as one block:
        concatenated configurations, one gather per unary slot, one sum per clique."""
        self.sat = [i for i in self.roots if not any(c.parent == i for c in self.cliques)]
        self.tree_order = [i for i in self.order if i not in self.sat]
        sizes = [self.cliques[i].size for i in self.sat]
        self.sat_starts = np.cumsum([0] + sizes[:-1]).astype(np.intp)
        self.sat_of = np.repeat(np.arange(len(self.sat)), sizes).astype(np.intp)
        k = max((len(self.cliques[i].cols) for i in self.sat), default=0)
        cols = np.full((k, sum(sizes)), self.ones, dtype=np.intp)
        for start, i in zip(self.sat_starts, self.sat):
            c = self.cliques[i]
            cols[:len(c.cols), start:start + c.size] = c.cols
        self.sat_cols = cols

    def set_tables(self, tables: dict[str, np.ndarray]) -> None:
        """Shared tables (card, *parent_cards) for every variable."""
        for c in self.cliques:
            c.base = self.clique_base(c, {n: tables[n][None] for n in c.factors})[0]
        self.sat_base = np.concatenate([self.cliques[i].base for i in self.sat]) if self.sat else np.zeros(0)

    def clique_base(self, c: Clique, tables: dict[str, np.ndarray]) -> np.ndarray:
        """(R, size) product of the given per-row tables (R, card, *parent_cards) over clique configs."""
        out = None
        for n in c.factors:
            family = (n, *self.parents[n])
            flat = _flat(c, family, [self.cards[v] for v in family])
            t = tables[n]
            vals = t.reshape(t.shape[0], -1)[:, flat]
            out = vals if out is None else out * vals
        if out is None:
            rows = next(iter(tables.values())).shape[0] if tables else 1
            out = np.ones((rows, c.size))
        return out

    # ------------------------------------------------------------------ run
    def plan(self, queries: tuple[str, ...]):
        """For a set of queries: the cliques to calibrate downwards, and one projection
        per home clique (one for the whole satellite block) onto all the queries that
        live there, as stacked columns."""
        if queries not in self._plans:
            sat_pos = {i: (int(start), k) for k, (i, start) in enumerate(zip(self.sat, self.sat_starts))}
            groups: dict[object, list[str]] = {}
            for q in queries:
                home = self.home[q]
                groups.setdefault("sat" if home in sat_pos else home, []).append(q)
            projections, columns, col = [], {}, 0
            for home, qs in groups.items():
                rows = len(self.sat_of) if home == "sat" else self.cliques[home].size
                m = np.zeros((rows, sum(self.cards[q] for q in qs)))
                j = 0
                for q in qs:
                    c = self.cliques[self.home[q]]
                    start = sat_pos[self.home[q]][0] if home == "sat" else 0
                    m[start + np.arange(c.size), j + c.index[q]] = 1.0
                    columns[q] = slice(col + j, col + j + self.cards[q])
                    j += self.cards[q]
                projections.append((home, col, m))
                col += j
            tree_queries = [q for q in queries if self.home[q] not in sat_pos]
            self._plans[queries] = (self._needed(tree_queries), projections, col, columns)
        return self._plans[queries]

    def run(self, unary: np.ndarray, queries: tuple[str, ...], bases: list[np.ndarray] | None = None):
        """Evaluate rows of unary factors; arrays are laid out (features, rows).

        unary: (width, n), last row all ones. bases: optional per-row clique bases
        (size, n) replacing the shared tables. Returns log Z (n,), the queries'
        normalised marginals stacked (total cards, n), and each query's row slice.
        """
        n = unary.shape[1]
        needed, projections, width, columns = self.plan(tuple(queries))
        logz = np.zeros(n)
        belief: dict[object, np.ndarray] = {}
        if self.sat:
            base = self.sat_base[:, None] if bases is None else np.concatenate([bases[i] for i in self.sat])
            p = unary[self.sat_cols[0]] * base if len(self.sat_cols) else np.broadcast_to(base, (base.shape[0], n)).copy()
            for col in self.sat_cols[1:]:
                p *= unary[col]
            z = np.add.reduceat(p, self.sat_starts, axis=0)
            with np.errstate(divide="ignore"):
                logz += np.log(z).sum(axis=0)
            p /= np.where(z > 0, z, 1.0)[self.sat_of]
            belief["sat"] = p
        psi = {}
        for i in self.tree_order:
            c = self.cliques[i]
            base = c.base[:, None] if bases is None else bases[i]
            if len(c.cols):
                p = unary[c.cols[0]] * base
                for col in c.cols[1:]:
                    p *= unary[col]
            else:
                p = np.broadcast_to(base, (c.size, n)).copy()
            psi[i] = p
        up = {}
        with np.errstate(divide="ignore", invalid="ignore"):
            for i in reversed(self.tree_order):
                c = self.cliques[i]
                if c.parent < 0:
                    continue
                m = c.up(psi[i])
                s = m.sum(axis=0)
                m /= np.where(s > 0, s, 1.0)
                logz += np.log(s)
                up[i] = m
                psi[c.parent] *= m[c.ext_parent]
            for r in self.roots:
                if r in psi:
                    s = psi[r].sum(axis=0)
                    logz += np.log(s)
                    belief[r] = psi[r] / np.where(s > 0, s, 1.0)
            for i in self.tree_order:
                c = self.cliques[i]
                if c.parent < 0 or i not in needed:
                    continue
                new = c.down(belief[c.parent])
                ratio = np.divide(new, up[i], out=np.zeros_like(new), where=up[i] > 0)
                b = psi[i] * ratio[c.ext]
                s = b.sum(axis=0)
                belief[i] = b / np.where(s > 0, s, 1.0)
        out = np.empty((width, n))
        for home, start, m in projections:
            out[start:start + m.shape[1]] = m.T @ belief[home]
        return logz, out, columns

    def _needed(self, queries: list[str]) -> set[int]:
        """Cliques whose belief is needed: the queries' homes and their paths to the root."""
        need: set[int] = set()
        for q in queries:
            i = self.home[q]
            while i >= 0 and i not in need:
                need.add(i)
                i = self.cliques[i].parent
        return need


def _flat(c: Clique, vars_, cards) -> np.ndarray:
    """Flat index (C order) of `vars_` for every clique config."""
    flat = np.zeros(c.size, dtype=np.intp)
    for v, k in zip(vars_, cards):
        flat = flat * k + c.index[v]
    return flat


class Projector:
    """Sums clique configurations (size, n) onto some of the clique's variables.

    Small cliques use a 0/1 matrix (one BLAS call); large ones reshape and sum, which
    needs no matrix the size of clique x target.
    """

    def __init__(self, c: Clique, target: tuple[str, ...], cards: dict[str, int]):
        tcards = [cards[v] for v in target]
        self.tsize = int(np.prod(tcards)) if tcards else 1
        if c.size * self.tsize <= 1 << 16:
            m = np.zeros((c.size, self.tsize))
            m[np.arange(c.size), _flat(c, target, tcards)] = 1.0
            self.matrix = m
        else:
            self.matrix = None
            self.shape = c.cards
            self.axes = [c.vars.index(v) for v in target] + [k for k, v in enumerate(c.vars) if v not in target]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        """(size, n) -> (target size, n)."""
        if self.matrix is not None:
            return self.matrix.T @ rows
        n = rows.shape[1]
        t = rows.reshape(*self.shape, n).transpose(*self.axes, len(self.shape))
        return t.reshape(self.tsize, -1, n).sum(axis=1)


def _cliques(names, cards, parents) -> list[tuple[str, ...]]:
    """Maximal cliques of the triangulated moral graph (greedy min-fill, then min weight)."""
    nbrs: dict[str, set[str]] = {n: set() for n in names}
    for n in names:
        fam = [n, *parents[n]]
        for a in fam:
            for b in fam:
                if a != b:
                    nbrs[a].add(b)
    remaining = set(names)
    cliques: list[frozenset[str]] = []
    while remaining:
        def cost(v):
            nb = list(nbrs[v] & remaining)
            fill = sum(1 for i, a in enumerate(nb) for b in nb[i + 1:] if b not in nbrs[a])
            return fill, int(np.prod([cards[x] for x in nb + [v]])), names.index(v)

        v = min(remaining, key=cost)
        nb = nbrs[v] & remaining
        for a in nb:
            nbrs[a] |= nb - {a}
        clique = frozenset(nb | {v})
        if not any(clique <= c for c in cliques):
            cliques = [c for c in cliques if not c <= clique] + [clique]
        remaining.discard(v)
    return [tuple(n for n in names if n in c) for c in cliques]


def _forest(cliques: list[tuple[str, ...]]):
    """A maximum spanning forest over separator sizes: one junction tree per independent part."""
    edges = sorted(((len(set(a) & set(b)), i, j)
                    for i, a in enumerate(cliques) for j, b in enumerate(cliques) if i < j), reverse=True)
    comp = list(range(len(cliques)))

    def find(x):
        while comp[x] != x:
            comp[x] = comp[comp[x]]
            x = comp[x]
        return x

    tree = []
    for w, i, j in edges:
        if w == 0:
            break
        ri, rj = find(i), find(j)
        if ri != rj:
            comp[ri] = rj
            tree.append((i, j))
    return cliques, tree


def _contract(cliques, edges, cards, budget: int):
    """Contract tree edges while the merged clique's state space stays within `budget`.

    Contracting an edge of a junction tree leaves a junction tree. Fewer, larger
    cliques mean fewer numpy calls per evaluation (what a single case costs);
    `budget` trades that against the work per row.
    """
    sets = [set(c) for c in cliques]
    alive = set(range(len(sets)))
    edges = [tuple(e) for e in edges]
    while True:
        best = None
        for i, j in edges:
            size = int(np.prod([cards[v] for v in sets[i] | sets[j]]))
            if size <= budget and (best is None or size < best[0]):
                best = (size, i, j)
        if best is None:
            break
        _, i, j = best
        sets[i] |= sets[j]
        alive.discard(j)
        edges = [(i if a == j else a, i if b == j else b) for a, b in edges]
        edges = [(a, b) for a, b in edges if a != b]
    keep = sorted(alive)
    renum = {old: new for new, old in enumerate(keep)}
    return [tuple(sets[k]) for k in keep], [(renum[a], renum[b]) for a, b in edges]
