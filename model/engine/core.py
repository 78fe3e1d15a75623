"""The exact inference engine: factorised findings around a batched junction tree.

`Engine(spec).infer(evidence)` gives, for every row of an evidence matrix (state
index per variable, -1 = unknown), the exact posterior marginals of the query
variables and log P(evidence). Rows may also carry their own tables (the uncertainty
draws and sensitivity sweeps), and nothing in the engine is specific to the
twitch-causes network: any discrete network compiles.

Two layouts of the same network are compiled: for a handful of tree rows, large
cliques and all findings applied in one stacked gather (fewer numpy calls); for
batches, smaller cliques and the findings applied in precomputed groups (less work
per row). A case gives the same numbers alone or inside a table to ~1e-14: where its
signed terms cancel enough to amplify rounding beyond that, it is redone in the batch
layout.

Exactness guard: findings are factorised into signed terms, and when the terms
nearly cancel (P(evidence) tiny against the terms, as with several rare findings at
once), those rows are recomputed with the small findings inside the tree, and if
need be with nothing factorised, so no row loses precision.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .jtree import JunctionTree
from .leaves import Leaf, detect, factors, noisy_factors, terms
from .spec import NetworkSpec, encode_cases

CANCELLATION_LIMIT = 1e-5  # recompute a row when |sum of terms| < this x sum of |terms|
FEW_ROWS = 64  # up to this many tree rows: the few-row layout, all findings in one stacked gather
GROUP_SIZE = 64  # most grade combinations per precomputed group of findings (batches)
FALLBACKS = (1024, False)  # leaves with at most this many table entries go into the tree, level by level
BUDGET = 256  # largest merged clique for batches: smaller cliques, less work per row
FEW_BUDGET = 4096  # for a handful of rows: one large clique, fewer numpy calls
CONSISTENT_RATIO = 1000.0  # a few-row case whose terms cancel more than this is redone in the batch layout


@dataclass(frozen=True)
class Posterior:
    stacked: np.ndarray  # (n, total cards): every query's marginal side by side; NaN rows where impossible
    columns: dict[str, slice]  # query -> its columns in `stacked`
    log_evidence: np.ndarray  # (n,) log P(evidence); -inf where impossible
    impossible: np.ndarray  # (n,) bool

    @property
    def marginals(self) -> dict[str, np.ndarray]:
        """query -> (n, card) view into `stacked`."""
        return {q: self.stacked[:, sl] for q, sl in self.columns.items()}


class Engine:
    """Compiled once per network structure; `infer` is exact and batched."""

    def __init__(self, spec: NetworkSpec, queries: list[str] | None = None, budget: int = BUDGET,
                 factorise: bool | int = True):
        """queries: the variables whose marginals `infer` returns (default: all that
        stay in the tree). budget: largest clique (in configurations) that merging may
        create for batches. factorise: True for every product-form leaf, False for none,
        or a number: only leaves whose table has more entries than that."""
        self.spec = spec
        self.names = spec.names
        self.column = {n: i for i, n in enumerate(self.names)}
        self.budget = budget
        self.factorise = factorise
        kids = spec.children()
        keep = set(queries or [])
        self.leaves: dict[str, Leaf] = {}
        if factorise is not False:
            for name, var in spec.variables.items():
                if kids[name] or name in keep:
                    continue
                if factorise is not True and var.table.size <= factorise:
                    continue
                leaf = detect(var)
                if leaf is not None:
                    self.leaves[name] = leaf
        self.residual = [n for n in self.names if n not in self.leaves]
        self.queries = tuple(queries) if queries is not None else tuple(self.residual)
        stray = [q for q in self.queries if q not in self.residual]
        if stray:
            raise ValueError(f"cannot query factorised leaves {stray}")
        self._leaf_names = list(self.leaves)
        self._leaf_col = np.array([self.column[n] for n in self._leaf_names], dtype=np.intp)
        kmax = max((leaf.k for leaf in self.leaves.values()), default=1)
        self._first = np.full((len(self.leaves), kmax + 1), -1, dtype=np.intp)
        self._second = np.full((len(self.leaves), kmax + 1), -1, dtype=np.intp)
        for i, leaf in enumerate(self.leaves.values()):
            first, second = terms(leaf, np.arange(leaf.k))
            self._first[i, 1:leaf.k + 1], self._second[i, 1:leaf.k + 1] = first, second
        self._factors = [factors(leaf, spec.variables[n].table[None]) for n, leaf in self.leaves.items()]
        self.layout = _Layout(self, budget)
        few = factorise is True and budget < FEW_BUDGET  # else the one layout already has large cliques
        self.few_layout = _Layout(self, FEW_BUDGET) if few else self.layout
        self.tree = self.layout.tree
        self._fallback: Engine | None = None

    # ------------------------------------------------------------------ public
    def infer(self, evidence: np.ndarray, tables: dict | None = None, layout: str = "auto") -> Posterior:
        """Posterior marginals of `self.queries` for each row of `evidence` (n, V).

        tables: optional per-row tables, name -> array (n, card, *parent_cards) or a
        factored noisy table with n rows (see model.network.NoisyTable).
        layout: "auto" (findings applied in one stacked gather for a handful of tree
        rows), or "batch" (finding by finding whatever the size), so that a table's
        numbers do not depend on how it is split into chunks.
        """
        evidence = np.asarray(evidence, dtype=np.intp).reshape(-1, len(self.names))
        n = evidence.shape[0]
        if n == 0:
            columns, at = {}, 0
            for q in self.queries:
                columns[q] = slice(at, at + self.spec.variables[q].card)
                at += self.spec.variables[q].card
            return Posterior(np.zeros((0, at)), columns, np.zeros(0), np.zeros(0, dtype=bool))
        case, sign, choice, observed = self._terms(evidence)
        few = layout == "auto" and case.size <= FEW_ROWS and not tables
        plan = self.few_layout if few else self.layout
        logc, unary = plan.unary(evidence, case, choice, observed, tables, stacked=few)
        bases = plan.bases(tables, evidence, case) if tables else None
        patterns = plan.tree.pattern_ids(evidence)[:, case]
        logz, marg, columns = plan.tree.run(unary, self.queries, bases, patterns)
        post = _combine(case, sign, logc + logz, marg, columns, sparse_sums=not few)
        if few and plan is not self.layout:
            redo = np.flatnonzero(post.ratio > CONSISTENT_RATIO)
            if redo.size:  # the two layouts' rounding could differ visibly here: use the batch one
                again = self.infer(evidence[redo], layout="batch")
                for q, sl in post.columns.items():  # the layouts order their columns differently
                    post.stacked[redo, sl] = again.stacked[:, again.columns[q]]
                post.log_evidence[redo] = again.log_evidence
                post.impossible[redo] = again.impossible
                post.unstable[redo] = False  # the batch layout recomputed its unstable rows already
        if post.unstable.any():
            self._recompute(post, evidence, tables)
        return Posterior(post.stacked, post.columns, post.log_evidence, post.impossible)

    def row_cost(self, evidence: np.ndarray) -> np.ndarray:
        """(n,) tree rows each evidence row takes in `infer`: 2 ** (observed findings whose grade
        factorises into two terms). Work and memory of a call grow with the sum, so a batch that
        must stay bounded splits its rows by it (model/batch/frame.py)."""
        evidence = np.asarray(evidence, dtype=np.intp).reshape(-1, len(self.names))
        if not self.leaves:
            return np.ones(evidence.shape[0], dtype=np.int64)
        second = self._second[np.arange(len(self._leaf_names)), evidence[:, self._leaf_col] + 1]
        return np.left_shift(np.int64(1), (second >= 0).sum(axis=1).astype(np.int64))

    def encode(self, cases: list[dict[str, str]]) -> np.ndarray:
        """Evidence matrix from dicts of state names (names must be valid)."""
        return encode_cases(self.spec, self.column, cases)

    def prepare(self, tables: dict) -> dict:
        """Per-row tables ready for repeated calls (the junction tree takes them as they are)."""
        return tables

    # ------------------------------------------------------------------ steps
    def _terms(self, evidence):
        """One tree row per term of the observed factorised leaves: the row's case, its
        sign, and each leaf's chosen grade (-1: nothing to multiply)."""
        n = evidence.shape[0]
        if not self.leaves:
            return np.arange(n), np.ones(n), np.zeros((n, 0), dtype=np.intp), np.zeros((n, 0), dtype=np.intp)
        observed = evidence[:, self._leaf_col] + 1  # 0 = unknown
        which = np.arange(len(self._leaf_names))
        first = self._first[which, observed]
        second = self._second[which, observed]
        twice = second >= 0
        rows_per = np.left_shift(1, twice.sum(axis=1))
        if (rows_per == 1).all():
            return np.arange(n), np.ones(n), first, observed
        case = np.repeat(np.arange(n), rows_per)
        local = np.arange(case.size) - np.repeat(np.cumsum(rows_per) - rows_per, rows_per)
        choice = first[case]
        flips = np.zeros(case.size, dtype=np.intp)
        some = np.flatnonzero(twice.any(axis=0))  # only leaves with a second term somewhere need bits
        rank = np.cumsum(twice[:, some], axis=1) - 1  # which bit of the row's term index is this leaf's
        for k, i in enumerate(some):
            pick = twice[case, i] & ((local >> np.maximum(rank[case, k], 0)) & 1).astype(bool)
            choice[pick, i] = second[case[pick], i]
            flips += pick
        sign = np.where(flips % 2 == 1, -1.0, 1.0)
        return case, sign, choice, observed

    def _recompute(self, post: _Combined, evidence, tables) -> None:
        """Rows whose terms cancelled: redo them with more leaves inside the tree (the
        rare findings that cancel have few parents), and so on down to none factorised."""
        rows = np.flatnonzero(post.unstable)
        sub_tables = None
        if tables:
            sub_tables = {n: (t.dense() if hasattr(t, "leak_cdf") else np.asarray(t))[rows] for n, t in tables.items()}
        again = self._fallback_engine().infer(evidence[rows], sub_tables)
        for q, sl in post.columns.items():
            post.stacked[rows, sl] = again.stacked[:, again.columns[q]]
        post.log_evidence[rows] = again.log_evidence
        post.impossible[rows] = again.impossible

    def _fallback_engine(self) -> Engine:
        if self._fallback is None:
            levels = FALLBACKS if self.factorise is True else FALLBACKS[FALLBACKS.index(self.factorise) + 1:]
            self._fallback = Engine(self.spec, list(self.queries), self.budget, factorise=levels[0])
        return self._fallback


class _Layout:
    """The junction tree of the engine's residual network, with the maps from evidence
    and factorised leaves to its unary rows."""

    def __init__(self, engine: Engine, budget: int):
        spec, column = engine.spec, engine.column
        variables = spec.variables
        leaf_parents = {p for leaf in engine.leaves.values() for p in leaf.parents}
        evidence_only = {n: column[n] for n in engine.residual if n not in leaf_parents and n not in engine.queries}
        self.tree = tree = JunctionTree({n: (variables[n].card, variables[n].parents) for n in engine.residual},
                                        budget, evidence_only)
        tree.set_tables({n: variables[n].table for n in engine.residual})
        self.engine = engine
        # evidence -> unary: row j of the unary matrix is state `_state[j]` of variable `_var[j]`
        kept = tree.unary_vars
        self._var = np.concatenate([np.full(tree.cards[n], column[n]) for n in kept])
        self._state = np.concatenate([np.arange(tree.cards[n]) for n in kept])
        self._blocks = np.array([tree.offset[n] for n in kept])
        self._block_of = np.repeat(np.arange(len(kept)), [tree.cards[n] for n in kept])
        # each leaf's factors act on the unary rows of its parents: a contiguous slice
        self._cols = [np.concatenate([np.arange(tree.offset[p], tree.offset[p] + tree.cards[p]) for p in leaf.parents])
                      for leaf in engine.leaves.values()]
        self._span = [(int(c.min()), int(c.max()) + 1) for c in self._cols]
        self._shared = [self._stack(i, *f) for i, f in enumerate(engine._factors)]
        # every leaf's shared factors stacked over the full unary height, for few-row calls:
        # one gather applies all findings at once (grade k of leaf i is row _stack_at[i] + k)
        sizes = [g.shape[2] for _, g in self._shared]
        self._stack_at = np.cumsum([0] + sizes[:-1]).astype(np.intp)
        self._stack_last = np.array(sizes, dtype=np.intp) - 1
        self._stack_g = np.ones((sum(sizes), tree.width))
        self._stack_logc = np.zeros(sum(sizes))
        for i, (logcoef, gfac) in enumerate(self._shared):
            lo, hi = self._span[i]
            at = self._stack_at[i]
            self._stack_g[at:at + sizes[i], lo:hi] = gfac[0].T
            self._stack_logc[at:at + sizes[i]] = logcoef[0]
        # for batches: the unary rows some finding changes, and the findings grouped so that each
        # group's grade combinations (at most GROUP_SIZE) index one precomputed product of their
        # factors (and sum of their log coefficients): a row then needs one gather per group
        self._live = np.flatnonzero((self._stack_g[:, :-1] != 1.0).any(axis=0))
        live_g = np.ascontiguousarray(self._stack_g[:, self._live].T)  # (live rows, stacked grades)
        self._groups = []
        group: list[int] = []
        for i in range(len(sizes)):
            if group and np.prod([sizes[j] for j in group + [i]]) > GROUP_SIZE:
                self._groups.append(self._group_table(group, sizes, live_g))
                group = []
            group.append(i)
        if group:
            self._groups.append(self._group_table(group, sizes, live_g))
        # the smallest product the shared leaf factors can reach: if far from underflow, skip rescaling
        self._tiny = float(np.prod([g[g > 0].min() if (g > 0).any() else 1.0 for _, g in self._shared]))

    def unary(self, evidence, case, choice, observed, tables, stacked: bool = False):
        """log coefficients (rows,) and unary factors (width, rows) of the tree rows;
        stacked: apply all findings in one gather (for a handful of rows)."""
        ev = evidence.T[self._var]
        unary = np.ones((self.tree.width, evidence.shape[0]))
        unary[:-1] = (ev < 0) | (ev == self._state[:, None])
        if case.size != evidence.shape[0]:
            unary = unary.take(case, axis=1)
        tiny = self._tiny
        if not self._shared:
            return np.zeros(case.size), unary
        if stacked:
            at = self._stack_at + np.where(choice >= 0, choice, self._stack_last)  # (rows, leaves)
            unary *= self._stack_g[at].prod(axis=1).T
            logc = self._stack_logc[at].sum(axis=1)
        elif not tables:
            grade = np.where(choice.T >= 0, choice.T, self._stack_last[:, None])  # (leaves, rows)
            # every row's factors: its grade combination's column of each group's table, multiplied
            # group by group in a fixed order, so a row's numbers never depend on the rest of the batch
            factor, logc = None, None
            for leaves, radix, table, logcoef in self._groups:
                combo = grade[leaves[0]] * radix[0]
                for j, r in zip(leaves[1:], radix[1:], strict=True):
                    combo += grade[j] * r
                part, lc = table[:, combo], logcoef[combo]
                factor = part if factor is None else factor * part
                logc = lc if logc is None else logc + lc
            assert factor is not None  # every leaf belongs to a group
            for k, row in enumerate(self._live):  # row by row: contiguous, unlike a fancy-indexed update
                unary[row] *= factor[k]
        else:
            logc = np.zeros(case.size)
            for i in np.flatnonzero((observed > 0).any(axis=0)):
                logcoef, gfac = self._leaf_tables(i, tables)
                ch = np.where(choice[:, i] >= 0, choice[:, i], logcoef.shape[1] - 1)  # constant grade: no factor
                lo, hi = self._span[i]
                if logcoef.shape[0] == 1:
                    logc += logcoef[0, ch]
                    unary[lo:hi] *= np.take(gfac[0], ch, axis=1)
                else:
                    logc += logcoef[case, ch]
                    unary[lo:hi] *= gfac[case, :, ch].T
                    tiny = 0.0
        if tiny < 1e-200:  # factors could underflow: keep each variable's at most 1
            body = unary[:-1]
            top = np.maximum.reduceat(body, self._blocks, axis=0)
            body /= np.where(top > 0, top, 1.0)[self._block_of]
            with np.errstate(divide="ignore"):
                logc += np.log(np.where(top > 0, top, 0.0)).sum(axis=0)
        return logc, unary

    def _group_table(self, leaves: list[int], sizes: list[int], live_g: np.ndarray):
        """(leaves, radix, factors, log coefficients) of a group of findings: at combination
        sum(grade * radix), the product of their factors on the live rows, and the sum of
        their log coefficients."""
        radix = np.cumprod([1] + [sizes[j] for j in leaves[:0:-1]])[::-1].astype(np.intp)
        grades = np.indices([sizes[j] for j in leaves]).reshape(len(leaves), -1)  # C order = radix order
        factors = np.ones((live_g.shape[0], grades.shape[1]))
        logc = np.zeros(grades.shape[1])
        for k, j in enumerate(leaves):
            factors *= live_g[:, self._stack_at[j] + grades[k]]
            logc += self._stack_logc[self._stack_at[j] + grades[k]]
        return leaves, radix, factors, logc

    def _leaf_tables(self, i, tables):
        name = self.engine._leaf_names[i]
        if not tables or name not in tables:
            return self._shared[i]
        leaf, table = self.engine.leaves[name], tables[name]
        if hasattr(table, "leak_cdf"):
            direct = noisy_factors(leaf, table)
            if direct is not None:
                return self._stack(i, *direct)
            table = table.dense()
        return self._stack(i, *factors(leaf, np.asarray(table)))

    def _stack(self, i: int, coef: np.ndarray, g: list[np.ndarray]):
        """log coef (R, K+1) with a constant grade appended, and the factors over the
        leaf's slice of unary rows (R, slice, K+1), ones where a row is not a parent's."""
        rows, k = coef.shape
        with np.errstate(divide="ignore"):
            logc = np.log(np.concatenate([coef, np.ones((rows, 1))], axis=1))
        lo, hi = self._span[i]
        gfac = np.ones((rows, hi - lo, k + 1))
        gfac[:, self._cols[i] - lo, :k] = np.concatenate(g, axis=1)
        return logc, gfac

    def bases(self, tables, evidence, case) -> dict[int, np.ndarray]:
        """Per-row clique tables (size, rows) for the cliques holding a per-row table."""
        spec = self.engine.spec
        per_row = {n: (t.dense() if hasattr(t, "leak_cdf") else np.asarray(t)) for n, t in tables.items()
                   if n in self.tree.cards}
        bases = {}
        for i, c in enumerate(self.tree.cliques):
            if any(f in per_row for f in c.factors):
                shared = {f: per_row.get(f, spec.variables[f].table[None]) for f in c.factors}
                rows = max(t.shape[0] for t in shared.values())
                full = {f: np.broadcast_to(t, (rows, *t.shape[1:])) for f, t in shared.items()}
                ev = np.broadcast_to(evidence, (rows, evidence.shape[1])) if evidence.shape[0] != rows else evidence
                bases[i] = self.tree.row_base(i, full, ev)[:, case]
        return bases


@dataclass
class _Combined:
    stacked: np.ndarray
    columns: dict[str, slice]
    log_evidence: np.ndarray
    impossible: np.ndarray
    unstable: np.ndarray
    ratio: np.ndarray  # sum of |terms| / |sum of terms| per case: how much rounding is amplified


def _combine(case, sign, logw, marg, columns, sparse_sums: bool = True) -> _Combined:
    """Signed sum of each case's rows, in a per-case scale; marg is (total cards, rows).

    sparse_sums: sum with one sparse product (batches: the same arithmetic whatever the
    batch size) rather than reduceat (cheaper for a handful of rows)."""
    if case.size == case[-1] + 1 and not sparse_sums:  # one row per case: nothing to sum
        top = np.where(np.isfinite(logw), logw, 0.0)
        w = sign * np.exp(logw - top)
        den, absden, summed = w, np.abs(w), (marg * w).T
    else:
        starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
        top = np.maximum.reduceat(logw, starts)
        top = np.where(np.isfinite(top), top, 0.0)
        w = sign * np.exp(logw - top[case])
        den = np.add.reduceat(w, starts)
        absden = np.add.reduceat(np.abs(w), starts)
        if not sparse_sums:
            summed = np.add.reduceat(marg * w, starts, axis=1).T
        else:  # each case's weighted sum of its rows' marginals, as one sparse product
            cases = sparse.csr_matrix((w, np.arange(case.size), np.r_[starts, case.size]),
                                      shape=(starts.size, case.size))
            summed = (marg @ cases.T).T
    impossible = ~(absden > 0)
    unstable = ~impossible & (den <= absden * CANCELLATION_LIMIT)
    safe = np.where(impossible | unstable, 1.0, den)
    post = np.clip(summed / safe[:, None], 0.0, 1.0)
    post[impossible] = np.nan
    with np.errstate(divide="ignore"):
        log_e = np.where(impossible, -np.inf, top + np.log(np.where(den > 0, den, 1.0)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(impossible, 1.0, absden / np.where(den > 0, den, 0.0))
    return _Combined(post, columns, log_e, impossible, unstable, ratio)
