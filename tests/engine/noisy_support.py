"""Shared helpers of the kernel's tests and benchmark: cases, references, random networks.

References are independent of the kernel: pgmpy's VariableElimination, a long-double
contraction of the dense tables with every cause configuration kept (numpy einsum), and
for small networks a full enumeration in exact fractions.
"""
from __future__ import annotations

import warnings
from fractions import Fraction
from functools import lru_cache

import numpy as np

from model.engine.spec import NetworkSpec, Variable, spec_to_pgmpy

warnings.filterwarnings("ignore", category=FutureWarning)


# ---------------------------------------------------------------------- the project
@lru_cache(maxsize=1)
def project():
    """The default ranker (its spec, engine and pgmpy network)."""
    from model import load_ranker

    return load_ranker()


def input_columns(ranker) -> list[int]:
    return [ranker.engine.column[n] for n in ranker.vocabulary.inputs]


def project_cases(ranker, n: int, uniform: bool, seed: int = 0, mask: float = 0.4) -> np.ndarray:
    """Evidence rows as in benchmarks/_cases.py: realistic = forward-sampled complete cases
    (causes dropped), uniform = every input's state drawn uniformly; each input then
    hidden with probability `mask`."""
    from model.engine.sample import forward_sample

    spec = ranker.spec
    names = list(ranker.vocabulary.inputs)
    cols = input_columns(ranker)
    rng = np.random.default_rng([seed, 1])
    ev = np.full((n, len(spec.names)), -1, dtype=np.int64)
    if uniform:
        for c, name in zip(cols, names, strict=True):
            ev[:, c] = rng.integers(0, spec.variables[name].card, n)
    else:
        full = forward_sample(spec, n, seed)
        ev[:, cols] = full[:, cols]
    for c in cols:
        ev[rng.random(n) < mask, c] = -1
    return ev


def positive_count(kernel, ev: np.ndarray) -> np.ndarray:
    """Per row: the product findings observed above their mildest grade."""
    out = np.zeros(len(ev), dtype=int)
    for f in kernel.findings:
        if f.kind != "product":
            continue
        x = ev[:, f.col]
        rank = np.array(f.rank)
        out += (x >= 0) & (rank[np.maximum(x, 0)] > 0)
    return out


# ---------------------------------------------------------------------- references
class Pgmpy:
    """pgmpy VariableElimination, all query marginals of a case in one call."""

    def __init__(self, spec: NetworkSpec, model=None):
        from pgmpy.inference import VariableElimination

        self.spec = spec
        self.model = spec_to_pgmpy(spec) if model is None else model
        self.ve = VariableElimination(self.model)

    def marginals(self, queries: list[str], row: np.ndarray) -> np.ndarray:
        """(Q, card) in each variable's own state order (NaN rows where evidence is impossible)."""
        names = self.spec.names
        evidence = {names[i]: self.spec.variables[names[i]].states[x] for i, x in enumerate(row) if x >= 0}
        hidden = [q for q in queries if q not in evidence]
        out = np.zeros((len(queries), 2))
        result = self.ve.query(hidden, evidence=evidence, joint=False, show_progress=False) if hidden else {}
        for i, q in enumerate(queries):
            states = self.spec.variables[q].states
            if q in evidence:
                out[i, states.index(evidence[q])] = 1.0
                continue
            factor = result[q]
            for s, name in enumerate(factor.state_names[q]):
                out[i, states.index(name)] = factor.values[s]
        return out


def brute_force(spec: NetworkSpec, queries: list[str], row: np.ndarray):
    """(posteriors (Q, 2), log P(e)) in long double: every table (evidence inserted)
    contracted with numpy's einsum, keeping every configuration of the hidden queries."""
    names = spec.names
    label = {n: i for i, n in enumerate(names)}
    if len(names) > 52:
        raise ValueError("einsum has 52 labels")
    operands: list = []
    for name, var in spec.variables.items():
        axes = [name, *var.parents]
        table = np.asarray(var.table, dtype=np.longdouble)
        index, kept = [], []
        for a in axes:
            x = row[label[a]]
            index.append(int(x) if x >= 0 else slice(None))
            if x < 0:
                kept.append(label[a])
        operands += [table[tuple(index)], kept]
    hidden = [q for q in queries if row[label[q]] < 0]
    joint = np.einsum(*operands, [label[q] for q in hidden], optimize="greedy")
    total = joint.sum()
    post = np.zeros((len(queries), 2), dtype=np.longdouble)
    for i, q in enumerate(queries):
        if row[label[q]] >= 0:
            post[i, row[label[q]]] = 1
            continue
        axis = hidden.index(q)
        others = tuple(a for a in range(len(hidden)) if a != axis)
        post[i] = joint.sum(axis=others) / total if total > 0 else np.nan
    return post, (np.log(total) if total > 0 else -np.inf)


def exact_fractions(spec: NetworkSpec, queries: list[str], row: np.ndarray):
    """(posteriors (Q, 2) as Fractions, P(e) as a Fraction) by enumerating every
    configuration of the hidden variables (small networks only)."""
    names = spec.names
    cards = [spec.variables[n].card for n in names]
    hidden = [i for i, x in enumerate(row) if x < 0]
    tables = {n: np.vectorize(Fraction, otypes=[object])(np.asarray(v.table, dtype=float))
              for n, v in spec.variables.items()}
    column = {n: i for i, n in enumerate(names)}
    state = [int(x) for x in row]
    total = Fraction(0)
    mass = [[Fraction(0), Fraction(0)] for _ in queries]
    for flat in range(int(np.prod([cards[i] for i in hidden])) if hidden else 1):
        rest = flat
        for i in reversed(hidden):
            state[i] = rest % cards[i]
            rest //= cards[i]
        p = Fraction(1)
        for n, v in spec.variables.items():
            p *= tables[n][(state[column[n]], *(state[column[q]] for q in v.parents))]
            if p == 0:
                break
        total += p
        for k, q in enumerate(queries):
            mass[k][state[column[q]]] += p
    return [[m / total if total else None for m in pair] for pair in mass], total


# ---------------------------------------------------------------------- random networks of the class
def noisy_table(rng: np.random.Generator, card: int, parent_cards: list[int], strength: float = 0.6,
                reverse: bool = False) -> np.ndarray:
    """A leaky noisy-MAX table (card, *parent_cards): background and every parent state
    but the first produce a grade independently, the worst shows. reverse: the grades run
    along the states in reverse order."""
    def cdf(scale: float) -> np.ndarray:
        pmf = rng.dirichlet(np.ones(card))
        pmf[1:] *= scale
        pmf[0] = 1 - pmf[1:].sum()
        return np.cumsum(pmf)

    table_cdf = np.broadcast_to(cdf(0.25).reshape(card, *([1] * len(parent_cards))), (card, *parent_cards)).copy()
    for p, pc in enumerate(parent_cards):
        factor = np.ones((card, pc))
        for x in range(1, pc):
            factor[:, x] = cdf(strength * rng.random())
        shape = [card] + [1] * len(parent_cards)
        shape[1 + p] = pc
        table_cdf = table_cdf * factor.reshape(shape)
    table_cdf[-1] = 1.0
    pmf = np.diff(table_cdf, axis=0, prepend=0.0)
    pmf = np.clip(pmf, 0.0, 1.0)
    pmf /= pmf.sum(axis=0, keepdims=True)
    return pmf[::-1].copy() if reverse else pmf


def random_table(rng: np.random.Generator, card: int, parent_cards: list[int], zeros: bool = False) -> np.ndarray:
    t = rng.dirichlet(np.ones(card), size=int(np.prod(parent_cards)) if parent_cards else 1)
    if zeros:
        t[rng.random(t.shape) < 0.15] = 0.0
        t[t.sum(axis=1) == 0, 0] = 1.0
        t /= t.sum(axis=1, keepdims=True)
    return np.moveaxis(t.reshape(*parent_cards, card), -1, 0).copy()


def random_network(seed: int, answers: int = 5, causes: int = 7, findings: int = 7, zeros: bool = False):
    """(spec, queries): answers (some with answer parents), binary causes with dense tables
    on answers and earlier causes (few cause->cause edges), findings of every kind the class
    allows: noisy-OR/MAX on causes and answers (2-3 grades, some reversed), one-parent
    findings, parentless ones and ones on answers only."""
    rng = np.random.default_rng(seed)
    variables: dict[str, Variable] = {}

    def add(name, card, parents, table):
        variables[name] = Variable(name, tuple(f"{name}_{s}" for s in range(card)), tuple(parents), table)

    a_names = []
    for i in range(answers):
        card = int(rng.integers(2, 4))
        parents = [a for a in a_names if rng.random() < 0.25][:1]
        add(f"a{i}", card, parents, random_table(rng, card, [variables[p].card for p in parents], zeros))
        a_names.append(f"a{i}")
    c_names = []
    for i in range(causes):
        parents = [a for a in a_names if rng.random() < 0.3][:2]
        if c_names and rng.random() < 0.3:
            parents.append(c_names[int(rng.integers(len(c_names)))])
        table = random_table(rng, 2, [variables[p].card for p in parents], zeros)
        if rng.random() < 0.5:  # mostly absent, as causes are
            table[1] *= 0.3
            table[0] = 1 - table[1]
        add(f"c{i}", 2, parents, table)
        c_names.append(f"c{i}")
    for i in range(findings):
        kind = rng.random()
        card = int(rng.integers(2, 4))
        if kind < 0.6:
            k = int(rng.integers(2, min(5, causes) + 1))
            parents = list(rng.choice(c_names, size=k, replace=False))
            if rng.random() < 0.3:
                parents.append(a_names[int(rng.integers(len(a_names)))])
            table = noisy_table(rng, card, [variables[p].card for p in parents], reverse=rng.random() < 0.3)
        elif kind < 0.75:
            parents = [c_names[int(rng.integers(len(c_names)))]]
            table = random_table(rng, card, [2])
        elif kind < 0.87:
            parents = []
            table = random_table(rng, card, [])
        else:
            parents = list(rng.choice(a_names, size=min(2, len(a_names)), replace=False))
            table = random_table(rng, card, [variables[p].card for p in parents])
        add(f"f{i}", card, parents, table)
    return NetworkSpec(variables), c_names


def random_evidence(rng: np.random.Generator, spec: NetworkSpec, n: int, mask: float = 0.4,
                    queries: list[str] = ()) -> np.ndarray:
    """Uniform states, each non-query hidden with probability `mask`; queries hidden."""
    ev = np.full((n, len(spec.names)), -1, dtype=np.int64)
    for i, (name, var) in enumerate(spec.variables.items()):
        if name in queries:
            continue
        ev[:, i] = rng.integers(0, var.card, n)
        ev[rng.random(n) < mask, i] = -1
    return ev


def spec_with_tables(spec: NetworkSpec, tables: dict[str, np.ndarray], row: int) -> NetworkSpec:
    """The network with row `row` of per-row dense tables."""
    return NetworkSpec({n: Variable(n, v.states, v.parents,
                                    np.asarray(tables[n][row] if n in tables else v.table, dtype=float))
                        for n, v in spec.variables.items()})
