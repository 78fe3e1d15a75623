"""A junction tree that runs many rows at once (numpy), each row with its own evidence.

Evidence reaches the tree as unary factors: row r multiplies the potential of
variable v by U[offset[v] + state, r] (arrays are laid out features x rows).
Observed states are one-hot, unknown ones all ones, and the findings the engine
factorises away (see `leaves.py`) arrive as arbitrary positive factors. Messages
are rescaled per row and the scale kept in log space, so products never underflow.

Two compile-time savings matter for speed:
- Evidence-only variables (the engine's answers that never receive other factors,
  such as exposures) that live in a single clique are summed out once for every
  evidence pattern: at run time the clique starts from a gathered column instead
  of a larger table times one-hot factors.
- Independent parts that are a single clique ("satellites") are evaluated together
  as one block of concatenated configurations.

Calibration is Hugin-style: collect towards each root, then distribute.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

PATTERN_LIMIT = 1 << 16  # largest (patterns x kept configurations) table precomputed per clique


@dataclass
class Clique:
    vars: tuple[str, ...]  # the variables kept at run time
    cards: tuple[int, ...]
    size: int
    index: dict[str, np.ndarray] = field(default_factory=dict)  # var -> (size,) state per configuration
    absorbed: tuple[str, ...] = ()  # evidence-only variables summed out per evidence pattern
    factors: list[str] = field(default_factory=list)  # variables whose table lives here
    unaries: list[str] = field(default_factory=list)  # kept variables whose unary factor lives here
    parent: int = -1
    sep: tuple[str, ...] = ()
    up: Projector | None = None  # sums configurations onto the separator
    ext: np.ndarray | None = None  # (size,) separator configuration of each configuration
    ext_parent: np.ndarray | None = None  # (parent size,) separator configuration of each parent configuration
    down: Projector | None = None  # sums the parent's configurations onto the separator
    base: np.ndarray | None = None  # (size,) product of the tables here (nothing absorbed)
    patterns: np.ndarray | None = None  # (size, patterns) the same with each evidence pattern absorbed
    cols: np.ndarray | None = None  # (k, size) unary rows to multiply in
    radix: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # absorbed: pattern radix
    pattern_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))  # absorbed: evidence columns

    @property
    def full_vars(self) -> tuple[str, ...]:
        """Kept then absorbed variables: full configuration = kept * absorbed_size + absorbed."""
        return self.vars + self.absorbed


class JunctionTree:
    """Compiled once per structure; `run` evaluates a batch of rows."""

    def __init__(self, variables: dict[str, tuple[int, tuple[str, ...]]], budget: int = 64,
                 evidence_only: dict[str, int] | None = None):
        """variables: name -> (card, parents), parents before children.
        evidence_only: variables whose unary factor is only ever evidence (one-hot or
        ones), with their column in the evidence matrix; they may be absorbed."""
        self.cards = {n: c for n, (c, _) in variables.items()}
        self.parents = {n: ps for n, (_, ps) in variables.items()}
        self.names = list(variables)
        self.evidence_only = dict(evidence_only or {})
        sets, edges = _contract(*_forest(_cliques(self.names, self.cards, self.parents)), self.cards, budget)
        parent, self.order, self.roots = _rooted(sets, edges)
        self.home = {}
        factors: list[list[str]] = [[] for _ in sets]
        for n in self.names:
            family = {n, *self.parents[n]}
            best = min((i for i in range(len(sets)) if family <= set(sets[i])),
                       key=lambda i: int(np.prod([self.cards[v] for v in sets[i]])))
            factors[best].append(n)
            self.home[n] = best
        absorbed = self._absorbable(sets, parent)
        # unary rows exist only for variables that are not absorbed
        self.unary_vars = [n for n in self.names if n not in absorbed]
        self.offset, total = {}, 0
        for n in self.unary_vars:
            self.offset[n] = total
            total += self.cards[n]
        self.ones = total  # a trailing row of ones pads the satellites' unary gathers
        self.width = total + 1
        self.cliques = [self._clique(i, sets, parent, factors[i], absorbed) for i in range(len(sets))]
        self._separators()
        self._plans: dict[tuple[str, ...], tuple] = {}
        self.absorbing = [i for i, c in enumerate(self.cliques) if c.absorbed]
        self.pattern_row = {i: j for j, i in enumerate(self.absorbing)}
        cols = sorted({int(x) for i in self.absorbing for x in self.cliques[i].pattern_cols})
        self._pattern_cols = np.array(cols, dtype=np.intp)
        self._radix = np.zeros((len(cols), len(self.absorbing)), dtype=np.intp)
        for j, i in enumerate(self.absorbing):
            c = self.cliques[i]
            for col, r in zip(c.pattern_cols, c.radix, strict=True):
                self._radix[cols.index(int(col)), j] = r
        self._satellites()

    # ------------------------------------------------------------------ compile
    def _absorbable(self, sets, parent) -> dict[str, int]:
        """Evidence-only variables in no separator (so in one clique only) -> their clique,
        where that clique's table per evidence pattern stays small."""
        out = {}
        for i, members in enumerate(sets):
            seps = set(sets[parent[i]]) & set(members) if parent[i] >= 0 else set()
            for j, p in enumerate(parent):
                if p == i:
                    seps |= set(sets[j]) & set(members)
            absorbed = [v for v in members if v in self.evidence_only and v not in seps and self.home[v] == i]
            kept_size = int(np.prod([self.cards[v] for v in members if v not in absorbed]))
            patterns = int(np.prod([self.cards[v] + 1 for v in absorbed]))
            if absorbed and kept_size * patterns <= PATTERN_LIMIT:
                out.update({v: i for v in absorbed})
        return out

    def _clique(self, i, sets, parent, factors, absorbed_at) -> Clique:
        members = sorted(sets[i], key=self.names.index)
        absorbed = [v for v in members if absorbed_at.get(v) == i]
        kept = [v for v in members if v not in absorbed]
        c = _grid(tuple(kept), self.cards)
        c.absorbed = tuple(absorbed)
        c.parent = parent[i]
        c.factors = factors
        c.unaries = [v for v in kept if self.home[v] == i]
        cols = [self.offset[v] + c.index[v] for v in c.unaries]
        c.cols = np.array(cols, dtype=np.intp) if cols else np.zeros((0, c.size), dtype=np.intp)
        if absorbed:
            c.radix = np.cumprod([1] + [self.cards[v] + 1 for v in absorbed[:0:-1]])[::-1]
            c.pattern_cols = np.array([self.evidence_only[v] for v in absorbed], dtype=np.intp)
        return c

    def _separators(self) -> None:
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
        self.sat_starts = np.cumsum([0] + sizes)[:-1].astype(np.intp)
        self.sat_of = np.repeat(np.arange(len(self.sat)), sizes).astype(np.intp)
        k = max((len(self.cliques[i].cols) for i in self.sat), default=0)
        cols = np.full((k, sum(sizes)), self.ones, dtype=np.intp)
        for start, i in zip(self.sat_starts, self.sat, strict=True):
            c = self.cliques[i]
            cols[:len(c.cols), start:start + c.size] = c.cols
        self.sat_cols = cols
        self.sat_sum = np.zeros((len(self.sat), len(self.sat_of)))
        self.sat_sum[self.sat_of, np.arange(len(self.sat_of))] = 1.0

    def set_tables(self, tables: dict[str, np.ndarray]) -> None:
        """Shared tables (card, *parent_cards) for every variable."""
        for c in self.cliques:
            full = self.full_base(c, {n: tables[n][None] for n in c.factors})  # (1, full size)
            if c.absorbed:
                c.patterns = self._absorb_all(c, full[0])
                c.base = None
            else:
                c.base = full[0]
        # the satellites' starting tables, flattened: row r of the block, pattern p of its
        # clique, sits at sat_flat[sat_at[r] + sat_step[r] * p]
        flat, at, step, which = [], [], [], []
        offset = 0
        for i in self.sat:
            c = self.cliques[i]
            table = c.patterns if c.absorbed else c.base[:, None]
            flat.append(table.ravel())
            at.append(offset + np.arange(c.size) * table.shape[1])
            step.append(np.full(c.size, 1 if c.absorbed else 0))
            which.append(np.full(c.size, self.pattern_row.get(i, 0)))
            offset += table.size
        self.sat_flat = np.concatenate(flat) if flat else np.zeros(0)
        self.sat_at = np.concatenate(at).astype(np.intp) if at else np.zeros(0, dtype=np.intp)
        self.sat_step = np.concatenate(step).astype(np.intp) if step else np.zeros(0, dtype=np.intp)
        self.sat_which = np.concatenate(which).astype(np.intp) if which else np.zeros(0, dtype=np.intp)

    def full_base(self, c: Clique, tables: dict[str, np.ndarray]) -> np.ndarray:
        """(R, full size) product of per-row tables (R, card, *parent_cards) over the
        clique's kept-then-absorbed configurations."""
        full = _grid(c.full_vars, self.cards)
        out = None
        for n in c.factors:
            family = (n, *self.parents[n])
            flat = _flat(full, family, [self.cards[v] for v in family])
            t = tables[n]
            vals = t.reshape(t.shape[0], -1)[:, flat]
            out = vals if out is None else out * vals
        if out is None:
            rows = next(iter(tables.values())).shape[0] if tables else 1
            out = np.ones((rows, full.size))
        return out

    def _absorb_all(self, c: Clique, full: np.ndarray) -> np.ndarray:
        """(size, patterns): the clique's table with every evidence pattern summed out."""
        lam = np.ones((1, 1))
        for v in c.absorbed:
            k = self.cards[v]
            options = np.vstack([np.ones(k), np.eye(k)])  # pattern 0 = unknown, s+1 = state s
            lam = (lam[:, None, :, None] * options[None, :, None, :]).reshape(lam.shape[0] * (k + 1), -1)
        return full.reshape(c.size, -1) @ lam.T

    def pattern_ids(self, evidence: np.ndarray) -> np.ndarray:
        """(absorbing cliques, rows): each absorbing clique's evidence pattern per row,
        in one product with a radix matrix (row j of the result is clique `absorbing[j]`)."""
        if not self.absorbing:
            return np.zeros((0, evidence.shape[0]), dtype=np.intp)
        return self._radix.T @ (evidence.T[self._pattern_cols] + 1)

    def row_base(self, i: int, tables: dict[str, np.ndarray], evidence: np.ndarray) -> np.ndarray:
        """(size, R) clique table per row, from per-row tables and (if absorbing) evidence rows."""
        c = self.cliques[i]
        full = self.full_base(c, tables)  # (R, full size)
        if not c.absorbed:
            return full.T
        rows = full.shape[0]
        lam = np.ones((rows, 1))
        for v, col in zip(c.absorbed, c.pattern_cols, strict=True):
            k = self.cards[v]
            obs = evidence[:, col]
            one = np.where(obs[:, None] < 0, 1.0, (np.arange(k)[None, :] == obs[:, None]).astype(float))
            lam = (lam[:, :, None] * one[:, None, :]).reshape(rows, -1)
        return np.einsum("rka,ra->kr", full.reshape(rows, c.size, -1), lam)

    # ------------------------------------------------------------------ run
    def plan(self, queries: tuple[str, ...]):
        """For a set of queries: the cliques to calibrate downwards, and one projection
        per home clique (one for the whole satellite block) onto all the queries that
        live there, as stacked columns."""
        if queries not in self._plans:
            sat_pos = {i: int(start) for i, start in zip(self.sat, self.sat_starts, strict=True)}
            groups: dict[int | str, list[str]] = {}
            for q in queries:
                home = self.home[q]
                groups.setdefault("sat" if home in sat_pos else home, []).append(q)
            projections, columns, col = [], {}, 0
            for place, qs in groups.items():
                rows = len(self.sat_of) if isinstance(place, str) else self.cliques[place].size
                m = np.zeros((rows, sum(self.cards[q] for q in qs)))
                j = 0
                for q in qs:
                    c = self.cliques[self.home[q]]
                    start = sat_pos[self.home[q]] if place == "sat" else 0
                    m[start + np.arange(c.size), j + c.index[q]] = 1.0
                    columns[q] = slice(col + j, col + j + self.cards[q])
                    j += self.cards[q]
                projections.append((place, col, np.ascontiguousarray(m.T)))
                col += j
            tree_queries = [q for q in queries if self.home[q] not in sat_pos]
            self._plans[queries] = (self._needed(tree_queries), projections, col, columns)
        return self._plans[queries]

    def run(self, unary: np.ndarray, queries: tuple[str, ...], bases: dict[int, np.ndarray] | None = None,
            patterns: np.ndarray | None = None):
        """Evaluate rows of unary factors; arrays are laid out (features, rows).

        unary: (width, n), last row all ones. bases: per-row clique tables (size, n)
        replacing the shared ones. patterns: each absorbing clique's evidence pattern
        per row (see `pattern_ids`). Returns log Z (n,), the queries' normalised
        marginals stacked (total cards, n), and each query's row slice.
        """
        n = unary.shape[1]
        needed, projections, width, columns = self.plan(tuple(queries))
        logz = np.zeros(n)
        belief: dict[object, np.ndarray] = {}
        if patterns is None:
            patterns = np.zeros((0, n), dtype=np.intp)
        if self.sat:
            if bases is None or not any(i in bases for i in self.sat):
                pid = patterns[self.sat_which] if len(patterns) else np.zeros((len(self.sat_at), n), dtype=np.intp)
                base = self.sat_flat[self.sat_at[:, None] + self.sat_step[:, None] * pid]
            else:
                base = np.concatenate([self._start(i, n, bases, patterns) for i in self.sat])
            p = unary[self.sat_cols[0]] * base if len(self.sat_cols) else base
            for col in self.sat_cols[1:]:
                p *= unary[col]
            z = self.sat_sum @ p  # each satellite's normaliser
            whole = z.prod(axis=0)
            with np.errstate(divide="ignore"):
                # one log per row, unless the product could have underflowed
                logz += np.log(whole) if whole.min(initial=1.0) > 1e-250 else np.log(z).sum(axis=0)
            p /= np.where(z > 0, z, 1.0)[self.sat_of]
            belief["sat"] = p
        psi = {}
        for i in self.tree_order:
            c = self.cliques[i]
            p = self._start(i, n, bases, patterns)
            for col in c.cols:
                p *= unary[col]
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
            out[start:start + m.shape[0]] = m @ belief[home]
        return logz, out, columns

    def _start(self, i: int, n: int, bases, patterns) -> np.ndarray:
        """A fresh (size, n) copy of clique i's starting potential."""
        if bases is not None and i in bases:
            return bases[i].copy()
        c = self.cliques[i]
        if c.absorbed:
            assert c.patterns is not None  # set for every absorbing clique at compile time
            return c.patterns[:, patterns[self.pattern_row[i]]]
        assert c.base is not None
        return np.repeat(c.base[:, None], n, axis=1)

    def _needed(self, queries: list[str]) -> set[int]:
        """Cliques whose belief is needed: the queries' homes and their paths to the root."""
        need: set[int] = set()
        for q in queries:
            i = self.home[q]
            while i >= 0 and i not in need:
                need.add(i)
                i = self.cliques[i].parent
        return need


def _grid(vars_: tuple[str, ...], cards: dict[str, int]) -> Clique:
    """A clique over `vars_` with every configuration enumerated (C order)."""
    cs = tuple(cards[v] for v in vars_)
    size = int(np.prod(cs)) if cs else 1
    grid = np.indices(cs).reshape(len(cs), -1) if cs else np.zeros((0, 1), dtype=int)
    return Clique(vars_, cs, size, {v: grid[k] for k, v in enumerate(vars_)})


def _flat(c: Clique, vars_, cards) -> np.ndarray:
    """Flat index (C order) of `vars_` for every clique configuration."""
    flat = np.zeros(c.size, dtype=np.intp)
    for v, k in zip(vars_, cards, strict=True):
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
        self.matrix: np.ndarray | None
        if c.size * self.tsize <= 1 << 16:
            m = np.zeros((self.tsize, c.size))
            m[_flat(c, target, tcards), np.arange(c.size)] = 1.0
            self.matrix = m
        else:
            self.matrix = None
            self.shape = c.cards
            self.axes = [c.vars.index(v) for v in target] + [k for k, v in enumerate(c.vars) if v not in target]

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        """(size, n) -> (target size, n)."""
        if self.matrix is not None:
            return self.matrix @ rows
        n = rows.shape[1]
        t = rows.reshape(*self.shape, n).transpose(*self.axes, len(self.shape))
        return t.reshape(self.tsize, -1, n).sum(axis=1)


def _rooted(sets, edges):
    """Root each tree of the forest at its largest clique: parent per clique, an order
    with parents before children, and the roots."""
    n = len(sets)
    adj: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, j in edges:
        adj[i].append(j)
        adj[j].append(i)
    parent = [-1] * n
    seen: set[int] = set()
    order, roots = [], []
    size = [len(s) for s in sets]
    for root in sorted(range(n), key=lambda i: -size[i]):
        if root in seen:
            continue
        roots.append(root)
        stack = [root]
        seen.add(root)
        while stack:
            c = stack.pop()
            order.append(c)
            for nb in adj[c]:
                if nb not in seen:
                    seen.add(nb)
                    parent[nb] = c
                    stack.append(nb)
    return parent, order, roots


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
    position = {n: i for i, n in enumerate(names)}
    cliques: list[frozenset[str]] = []
    while remaining:
        def cost(v):
            nb = list(nbrs[v] & remaining)
            fill = sum(1 for i, a in enumerate(nb) for b in nb[i + 1:] if b not in nbrs[a])
            return fill, math.prod(cards[x] for x in nb) * cards[v], position[v]

        v = min(remaining, key=cost)
        nb = nbrs[v] & remaining
        for a in nb:
            nbrs[a] |= nb - {a}
        clique = frozenset(nb | {v})
        if not any(clique <= c for c in cliques):
            cliques = [c for c in cliques if not c <= clique] + [clique]
        remaining.discard(v)
    return [tuple(n for n in names if n in c) for c in cliques]


def _forest(cliques: list[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], list[tuple[int, int]]]:
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
            size = math.prod(cards[v] for v in sets[i] | sets[j])
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
