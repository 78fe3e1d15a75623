"""Exact inference for noisy-OR / noisy-MAX networks without signed terms ("engine v2").

The class of networks
---------------------
Queries are binary "causes". Findings are childless variables that are not queried;
a finding with a cause among its parents is a *cause-finding*. Every other variable
(answers, findings whose parents are all answers) is *context*. The kernel applies when

- every cause-finding with two or more parents has product form along an order of its
  states (mildest grade first), P(grade <= j | parents) = c_j * prod_p g_jp(x_p) for
  every j and every parent configuration (noisy-OR / noisy-MAX with a leak);
- the causes and the context fall apart into small *units* once a few context
  variables (the *cutset* K: every context parent of a cause-finding, plus any that
  makes the work smaller) are fixed: each unit has at most 2^MAX_UNIT_CAUSES joint
  cause configurations and the cutset at most MAX_PASSES configurations.

`NoisyKernel.compile` detects this from the tables alone and returns None (with a
reason in `NoisyKernel.last_reason`) otherwise.

The maths
---------
Fix a cutset configuration k (one *pass*; hidden cutset variables are enumerated,
cutset conditioning). Given k the units are independent a priori: unit u's causes z_u
have the prior phi_u(z_u) = sum over u's hidden context of the product of u's tables,
with the observed context inserted (precomputed per evidence pattern when the tables
are the network's own; with per-row tables computed before the per-row kernel for the
rows' evidence patterns only, vectorised over the rows sharing one, and kept in the
prepared tables' bounded cache). It is computed by variable
elimination inside the unit: the context variables summed out one at a time along an
order fixed at compile time, then the product over the causes (for the project's block of
five causes and five context variables, ~400 products instead of 2^10 configurations);
an observed context variable is summed over its one state, a hidden childless one is
barren. Steps that read no cutset variable are kept between the passes of a row.

A finding observed at its mildest grade multiplies each parent by g_0p(x_p): per-cause
factors. So does a single-parent finding (its table column). A product finding f
observed at grade k >= 1 has

    P(f = k | x) = P(all sources <= k) - P(all sources <= k-1)
                 = E prod_p e_p(x_p) - A prod_p a_p(x_p),

which is the (0 -> 1) entry of a product of 2x2 upper-triangular matrices, one per
source, acting on one bit "some source already produced grade k":

    leak: start vector [A/E, 1 - A/E],    cause p in state x: [[a, e - a], [0, e]].

The end condition is bit = 1. The factors are scaled per parent (e <= 1, and a scaled
down to the largest value with a <= e for both states) so that every entry is
non-negative; that such a scaling exists with A <= E follows from the table being a
distribution (P(<= k) >= P(<= k-1) at the configuration where every a_p/e_p peaks).
All the matrices commute (the maximum is commutative) and an absent cause of a
noisy-OR/MAX is the identity. A cause touching several open bits applies the Kronecker
product of its matrices (one butterfly per bit).

So P(e, k) = const(k) * 1^T M_U ... M_1 s_0, where M_u = sum_z w_u(z) T_u(z) over the
unit's cause configurations, w_u(z) = phi_u(z) * prod(per-cause factors) and T_u(z) the
product of the present causes' matrices. Exact marginals follow by forward-backward
over the units: with alpha_{u-1} the forward vector before unit u and beta_u the backward
vector after it, P(z_u = z, e, k) ∝ w_u(z) * beta_u^T T_u(z) alpha_{u-1}. Every number is
a sum of non-negative products: nothing cancels, no fallback is needed, and the relative
error is a small multiple of the machine epsilon. A bit is opened at the first unit that
touches its finding (appended as the highest bit) and closed (the bit = 1 half kept)
after the last one, so the state holds 2^m entries with m the product findings "in
flight" at that unit. Passes are combined with their weights P(e, k); log P(e) is
exact, and rows with P(e) = 0 are flagged impossible.

Underflow: every factor is scaled to at most 1, and vectors whose largest entry drops
below 2^-600 are rescaled by an exact power of two, the exponent kept aside.

A block of s >= 2 causes is evaluated split: X[zl] = T(zl) alpha for the low half of its
causes (kept for the backward pass), U[zh] = sum_zl w(zl, zh) X[zl], then the high causes
folded in; backward the same with transposes, d(z) = (T(zh)^T beta) . X[zl]. That is about
2 * 2^(s/2) matrix applications per direction instead of 2^s.

Cost per case and pass: per unit 2^s weights, ~2 * 2^(s/2) applications costing
(bits touched) * 2^m, and 2^s * 2^m vector work, m = positive product findings open there:
linear in the number of causes when few findings are positive, exponential only in m (at
most 9 for the project's network, whatever the case).

The per-row kernel is numba (`njit(cache=True, nogil=True, _nrt=False)`: it allocates
nothing, its scratch comes from the caller, and it runs without reference counting), the
network passed as a few flat arrays; the same functions run as plain Python under
NUMBA_DISABLE_JIT=1 or without numba, with the same numbers.
"""
from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from .core import Posterior
from .leaves import detect as _detect_leaf
from .spec import NetworkSpec, encode_cases

try:
    import numba

    _jit = numba.njit(cache=True, nogil=True)
    # the per-row code allocates nothing and runs without reference counting (NRT): in its
    # branchy loops numba's refcount pruning leaves atomic increments that would cost more
    # than the arithmetic
    _jit_flat = numba.njit(cache=True, nogil=True, _nrt=False)
    JIT = not numba.config.DISABLE_JIT
except ImportError:  # pragma: no cover - the plain-Python path
    def _jit(function):
        return function

    _jit_flat = _jit
    JIT = False

MAX_UNIT_CAUSES = 8  # a unit (block of coupled causes) has at most 2^8 configurations
MAX_PASSES = 64  # cutset configurations enumerated when every cutset variable is hidden
MAX_STATE_BITS = 20  # 2^(causes in a unit + bits open there) per unit, worst case
PHI_LIMIT = 1 << 21  # precomputed unit priors (entries); beyond that they are computed per row
ENUM_LIMIT = 1 << 16  # configurations of a unit's causes and hidden context summed for its prior
PRODUCT_RTOL = 1e-12  # product form must hold to this (relative) on every cumulative entry
PRODUCT_ATOL = 1e-15
PARALLEL_ROWS = 8192  # batches at least this large are split across threads
PARALLEL_ROWS_PER_ROW_TABLES = 256  # the same when unit priors are computed per row (costlier rows)
CHUNK_ROWS = 32768
MIN_CHUNK_ROWS = 128  # rows split across threads go in chunks of at least this many (about 4 per thread)
ROW_BLOCK = 128  # rows whose unit priors are evaluated together (vectorised over the rows)
ROWS_AT_ONCE = 4096  # rows whose unit priors are held at once (per thread) when not cached
ROW_CACHE_BYTES = 1 << 23  # per-row unit priors kept per set of prepared tables (8 MiB)

NEG, POS = 0, 1  # item kinds: per-cause factors only / one bit of the chain
TINY = 2.0 ** -600
_NO_ROWS = np.zeros((1, 1))  # no per-row unit priors given (one dummy row: the kernel indexes it)
LN2 = math.log(2.0)

# header of the integer array `net`: scalars, then the offsets of its sections
(H_VARS, H_SLOTS, H_UNITS, H_CONST, H_K, H_CF, H_ITEMS, H_MAXLIVE, H_MAXS, H_MAXPASS,
 H_ASTORE, H_WSTORE, H_YSIZE, H_MAXLOC, H_NTOUCH, H_VF) = range(16)
SECTIONS = ("slot_col", "slot_out", "unit_off", "unit_data", "k_col", "k_card", "cf_col", "cf_item0",
            "item_off", "item_data", "open_off", "open_cf", "close_off", "close_cf", "touch_off", "touch_cf",
            "touch_j", "a_off", "w_off", "scratch_f", "scratch_i", "var_card")
H_SECTIONS = 16  # header[H_SECTIONS + i] = start of section i; one more entry = end of the last
# Sections. A *slot* is a cause's position in unit order; a *cause-finding* (cf) a finding with a
# cause parent; an *item* one observed state of a cause-finding (its numbers: `_finding_items`).
#   slot_col, slot_out      evidence column and query index of each slot
#   unit_off, unit_data     unit records (see UNIT_FIXED below); units with causes first
#   k_col, k_card           cutset variables
#   cf_col, cf_item0        each cause-finding's column and first item (item = cf_item0 + state)
#   item_off, item_data     per item: kind, n cause parents, n cutset parents, float offset, their slots,
#                           cutset indices, cutset cards
#   open_off/open_cf, close_off/close_cf   per unit: product findings whose bit opens / closes there
#   touch_off/touch_cf/touch_j  per slot: the product findings it is a parent of, and its position among
#                           their cause parents (where its (a, e) factors sit in their items)
#   a_off, w_off            per unit: offsets of its stored incoming vectors and of its weights in scratch
#   scratch_f, scratch_i    offsets of the scratch fields (SCRATCH_F, SCRATCH_I)
#   var_card                each variable's number of states (evidence is checked against it)
(S_SLOT_COL, S_SLOT_OUT, S_UNIT_OFF, S_UNIT_DATA, S_K_COL, S_K_CARD, S_CF_COL, S_CF_ITEM0, S_ITEM_OFF,
 S_ITEM_DATA, S_OPEN_OFF, S_OPEN_CF, S_CLOSE_OFF, S_CLOSE_CF, S_TOUCH_OFF, S_TOUCH_CF, S_TOUCH_J, S_A_OFF,
 S_W_OFF, S_SCRATCH_F, S_SCRATCH_I, S_VAR_CARD) = (H_SECTIONS + i for i in range(len(SECTIONS)))
HEADER = H_SECTIONS + len(SECTIONS) + 1
# scratch of the per-row kernel, carved from one float and one int array given by the caller
SCRATCH_F = ("nf", "act_c", "init", "vec", "Y", "A", "W", "prod", "dz", "pass_logp", "pass_post")
SCRATCH_I = ("pos_item", "bitpos", "live", "open_list", "open_n", "close_pos", "close_n", "act_n", "act_pos", "ident",
             "active", "kstate", "hidden", "pattern", "neg_ans", "wexp")
# unit record: s, first slot, n context, n cutset, n families, phi offset, cutset configs, offset in a row of
# per-row priors (see `_phi_rows`); then per context
# variable its column, card, pattern radix, childless flag; per cutset variable its index, card, radix;
# then the unit's elimination plan (see `_elimination_plan`)
UNIT_FIXED = 8


class Unsupported(Exception):
    """The network is outside the kernel's class (the message says why)."""


class _RowCache:
    """Per-row unit priors of prepared tables, per evidence pattern: least recently used
    first out, at most `limit` bytes in all."""

    def __init__(self, limit: int = ROW_CACHE_BYTES):
        self.limit = limit
        self._items: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes) -> np.ndarray | None:
        with self._lock:
            rows = self._items.get(key)
            if rows is not None:
                self._items.move_to_end(key)
            return rows

    def put(self, key: bytes, rows: np.ndarray) -> None:
        with self._lock:
            self._items[key] = rows
            self._items.move_to_end(key)
            while self.nbytes > self.limit and len(self._items) > 1:
                self._items.popitem(last=False)

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._items.values())

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class PreparedTables:
    """Per-row tables as the kernel's arrays (see NoisyKernel.prepare), and the unit priors
    computed from them for the evidence patterns of the last calls (bounded)."""

    rows: int
    item_f: np.ndarray  # (rows, item floats)
    cpt_t: np.ndarray  # (table floats, rows): every family's table, one column per row
    phi: np.ndarray  # unit priors per evidence pattern when the tables have one row, else empty
    cache: _RowCache = field(default_factory=_RowCache, repr=False, compare=False)

    @property
    def nbytes(self) -> int:
        """Bytes held: the arrays and the cache."""
        return self.item_f.nbytes + self.cpt_t.nbytes + self.phi.nbytes + self.cache.nbytes


# ====================================================================== structure
@dataclass
class _Finding:
    """A finding with at least one cause parent, and how it is factorised."""

    name: str
    col: int
    card: int
    kind: str  # "direct" (one parent, a cause) or "product"
    order: tuple[int, ...]  # state indices, mildest grade first
    parents: tuple[str, ...]
    causes: tuple[int, ...]  # positions in `parents` of the cause parents
    answers: tuple[int, ...]  # positions in `parents` of the cutset parents
    refs: tuple[tuple[int, ...], ...] = ()  # per grade j < K-1: the reference parent configuration

    @property
    def rank(self) -> list[int]:
        """grade of each state."""
        out = [0] * self.card
        for k, s in enumerate(self.order):
            out[s] = k
        return out


@dataclass
class _Unit:
    """Causes coupled a priori (once the cutset is fixed), with their context."""

    causes: list[str]
    context: list[str]  # context variables whose evidence pattern indexes the unit prior
    cutset: list[str] = field(default_factory=list)  # cutset variables the unit's tables read
    families: list[str] = field(default_factory=list)  # variables whose table lives here


def _classify(spec: NetworkSpec, queries: list[str]):
    """Causes, cause-findings (factorised) and context; the context parents of findings."""
    names = spec.names
    if not queries:
        raise Unsupported("no queries")
    qset = set(queries)
    for q in queries:
        if q not in spec.variables:
            raise Unsupported(f"query {q!r} is not in the network")
        if spec.variables[q].card != 2:
            raise Unsupported(f"query {q!r} has {spec.variables[q].card} states (causes are binary)")
    if len(qset) != len(queries):
        raise Unsupported("a query is repeated")
    kids = spec.children()
    column = {n: i for i, n in enumerate(names)}
    findings: list[_Finding] = []
    for name in names:
        var = spec.variables[name]
        if kids[name] or name in qset or not any(p in qset for p in var.parents):
            continue
        causes = tuple(i for i, p in enumerate(var.parents) if p in qset)
        answers = tuple(i for i, p in enumerate(var.parents) if p not in qset)
        if len(var.parents) == 1:
            findings.append(_Finding(name, column[name], var.card, "direct", tuple(range(var.card)),
                                     var.parents, causes, answers))
            continue
        leaf = _detect_leaf(var)
        if leaf is None or leaf.kind != "product":
            raise Unsupported(f"finding {name!r}: its table is not of product (noisy-OR/noisy-MAX) form")
        f = _Finding(name, column[name], var.card, "product", tuple(leaf.order), var.parents, causes, answers,
                     _references(var.table, tuple(leaf.order)))
        _grade_factors(f, var.table[None], strict=True)  # product form to PRODUCT_RTOL, or Unsupported
        findings.append(f)
    factorised = {f.name for f in findings}
    context = [n for n in names if n not in qset and n not in factorised]
    needed = {f.parents[i] for f in findings for i in f.answers}
    return findings, context, needed


def _references(table: np.ndarray, order: tuple[int, ...]) -> tuple[tuple[int, ...], ...]:
    """Per grade but the last: the parent configuration where P(grade <= j) is largest."""
    cdf = np.cumsum(table[list(order)], axis=0)[:-1]
    return tuple(tuple(int(i) for i in np.unravel_index(int(np.argmax(c)), c.shape)) for c in cdf)


def _units(spec: NetworkSpec, qset: set[str], context: list[str], cutset: set[str]) -> tuple[list[_Unit], _Unit]:
    """Connected components of causes and non-cutset context, linked by shared tables;
    and the unit of the tables that read only cutset variables."""
    names = spec.names
    free = [n for n in names if (n in qset or n in context) and n not in cutset]
    parent = {n: n for n in free}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    homes: dict[str, list[str]] = {}
    for v in names:
        if v not in qset and v not in context:
            continue
        members = [v, *spec.variables[v].parents]
        inside = [m for m in members if m in parent]
        homes[v] = inside
        for m in inside[1:]:
            a, b = find(inside[0]), find(m)
            if a != b:
                parent[a] = b
    groups: dict[str, _Unit] = {}
    for n in free:
        unit = groups.setdefault(find(n), _Unit([], []))
        (unit.causes if n in qset else unit.context).append(n)
    cut_unit = _Unit([], [])
    for v, inside in homes.items():
        unit = groups[find(inside[0])] if inside else cut_unit
        unit.families.append(v)
        for m in (v, *spec.variables[v].parents):
            if m in cutset and m not in unit.cutset:
                unit.cutset.append(m)
    for unit in [*groups.values(), cut_unit]:
        unit.cutset.sort(key=names.index)
    return list(groups.values()), cut_unit


def _plan_cost(spec: NetworkSpec, units: list[_Unit], cutset: set[str]) -> tuple[float, str | None]:
    """Worst-case work (passes x per-pass configurations) and why the plan is invalid, if it is."""
    passes = math.prod(spec.variables[k].card for k in cutset)
    biggest = max((len(u.causes) for u in units), default=0)
    if biggest > MAX_UNIT_CAUSES:
        worst = max(units, key=lambda u: len(u.causes))
        return math.inf, (f"a block of {biggest} coupled causes ({', '.join(worst.causes)}) needs "
                          f"2^{biggest} configurations (limit 2^{MAX_UNIT_CAUSES})")
    if passes > MAX_PASSES:
        return math.inf, f"the cutset {sorted(cutset)} has {passes} configurations (limit {MAX_PASSES})"
    kids = spec.children()
    for u in units:
        size = (1 << len(u.causes)) * math.prod(spec.variables[c].card for c in u.context if kids[c])
        if size > ENUM_LIMIT:
            return math.inf, (f"the prior of causes {u.causes} sums over {size} configurations of "
                              f"{len(u.context)} context variables (limit {ENUM_LIMIT})")
    per_pass = 4 + sum((1 << len(u.causes)) + 2 for u in units if u.causes)
    return float(passes * per_pass), None


def _choose_cutset(spec: NetworkSpec, qset: set[str], context: list[str], needed: set[str]):
    """The cutset: the context parents of findings, then greedily any context variable
    whose conditioning lowers the worst-case work (or is needed to split a block)."""
    cutset = set(needed)
    units, cut_unit = _units(spec, qset, context, cutset)
    cost, why = _plan_cost(spec, units, cutset)
    while True:
        best = None
        for v in context:
            if v in cutset:
                continue
            trial = cutset | {v}
            t_units, t_cut = _units(spec, qset, context, trial)
            t_cost, _ = _plan_cost(spec, t_units, trial)
            if best is None or t_cost < best[0]:
                best = (t_cost, v, t_units, t_cut)
        if best is None or not best[0] < cost:
            break
        cost, v, units, cut_unit = best
        cutset.add(v)
        why = None
    if why is not None:
        raise Unsupported(why)
    return sorted(cutset, key=spec.names.index), units, cut_unit


def _elimination_plan(spec: NetworkSpec, u: _Unit, local: dict[str, int], card: dict[str, int],
                      cpt_at: dict[str, int], kids: dict, vf_at: int) -> tuple[list[int], int]:
    """The unit prior phi_u(z) = sum over the hidden context of the product of the unit's
    tables, as variable elimination: the context variables summed out one at a time (the
    one whose step is smallest first), each step a new factor in the scratch `vf` at
    offsets from vf_at; then the product of what is left over the causes (bit j = cause j).
    Observed context variables are summed over their one state, hidden childless ones are
    barren (their table is skipped: it sums to 1). Cutset variables are constants (the pass's).

    Record: n_steps; per step n_out, n_in, out offset, summed variable (-1: the final
    product), cutset-free flag; (local id, stride) per output variable; per input: source
    (0 = a table, 1 = an earlier step), offset, n members, barren variable (-1: none), then
    (local id, stride) per member. Returns the record and the next free offset in vf."""
    cut = {local[c] for c in u.cutset}
    # a factor: (members as local ids, strides, source, offset, barren variable, reads the cutset)
    factors = []
    for v in u.families:
        members = [local[m] for m in (v, *spec.variables[v].parents)]
        strides = _radix([card[m] for m in (v, *spec.variables[v].parents)])
        barren = local[v] if v in u.context and not kids[v] else -1
        factors.append((members, strides, 0, cpt_at[v], barren, any(m in cut for m in members)))
    cards = {local[n]: card[n] for n in local}

    def size(scope) -> int:
        return math.prod(cards[x] for x in scope)

    steps: list[list[int]] = []

    def step(out: list[int], strides: list[int], inputs: list, elim: int, at: int) -> None:
        rec = [len(out), len(inputs), at, elim, 0 if any(f[5] for f in inputs) else 1]
        for x, st in zip(out, strides, strict=True):
            rec += [x, st]
        for members, strides_in, src, offset, barren, _ in inputs:
            rec += [src, offset, len(members), barren]
            for m, st in zip(members, strides_in, strict=True):
                rec += [m, st]
        steps.append(rec)

    hidden = [local[c] for c in u.context]
    while hidden:
        scopes = {e: {m for f in factors if e in f[0] for m in f[0]} - cut for e in hidden}
        e = min(hidden, key=lambda x: (size(scopes[x]), x))
        hidden.remove(e)
        inputs = [f for f in factors if e in f[0]]
        factors = [f for f in factors if e not in f[0]]
        out = sorted({m for f in inputs for m in f[0]} - cut - {e})
        strides = _radix([cards[x] for x in reversed(out)])[::-1]  # the first output variable fastest
        step(out, strides, inputs, e, vf_at)
        factors.append((out, strides, 1, vf_at, -1, any(f[5] for f in inputs)))
        vf_at += max(size(out), 1)
    causes = list(range(len(u.causes)))
    step(causes, [1 << j for j in causes], factors, -1, vf_at)
    vf_at += 1 << len(causes)
    return [len(steps)] + [x for rec in steps for x in rec], vf_at


def spans(touches: list[set[int]]) -> tuple[dict[int, int], dict[int, int]]:
    """For units in chain order, each product finding's first and last unit touching it: its
    bit is open from the first through the last."""
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for pos, t in enumerate(touches):
        for f in t:
            first.setdefault(f, pos)
            last[f] = pos
    return first, last


def open_bits(touches: list[set[int]]) -> list[int]:
    """For units in chain order, how many product-finding bits are open at each."""
    first, last = spans(touches)
    out, live = [], 0
    for pos, t in enumerate(touches):
        live += sum(1 for f in t if first[f] == pos)
        out.append(live)
        live -= sum(1 for f in t if last[f] == pos)
    return out


def _order_units(units: list[_Unit], touches: list[set[int]], transitions: list[int]) -> list[int]:
    """An order of the units that keeps few product findings open at once (worst case:
    all positive): greedy, then single moves while the modelled cost drops."""

    def cost(order: list[int]) -> tuple[float, int]:
        in_order = [touches[u] for u in order]
        total, widest = 0.0, 0
        for u, live in zip(order, open_bits(in_order), strict=True):
            widest = max(widest, live + len(units[u].causes))
            total += (1 << len(units[u].causes)) * (1 << live) * (1 + transitions[u])
        return total, widest

    remaining = list(range(len(units)))
    order: list[int] = []
    while remaining:  # greedy: the unit that opens the fewest new bits and closes the most
        opened = set().union(*(touches[u] for u in order)) if order else set()
        later = [set().union(*(touches[w] for w in remaining if w != u)) for u in remaining]
        pick = min(range(len(remaining)), key=lambda i: (
            len(touches[remaining[i]] - opened), -len((touches[remaining[i]] | opened) - later[i]), remaining[i]))
        order.append(remaining.pop(pick))
    best = cost(order)
    improved = True
    while improved:
        improved = False
        for i in range(len(order)):
            for j in range(len(order)):
                if i == j:
                    continue
                trial = order[:i] + order[i + 1:]
                trial.insert(j, order[i])
                c = cost(trial)
                if c < best:
                    order, best, improved = trial, c, True
    return order


# ====================================================================== finding factors
def _grade_factors(f: _Finding, table, strict: bool = False) -> tuple[np.ndarray, list[np.ndarray]]:
    """c (R, K) and per parent g (R, card_p, K) with P(grade <= j | x) = c_j prod_p g_jp(x_p),
    grade K-1 the constant 1. `table`: dense (R, card, *parent_cards) or a factored
    noisy table (order, parents, leak_cdf (R, K-1), act: parent -> (R, card, K-1)).
    Dense tables are checked entry by entry (ValueError, or Unsupported if strict)."""
    k = f.card
    if hasattr(table, "leak_cdf") and tuple(table.order) == f.order and tuple(table.parents) == f.parents:
        rows = table.leak_cdf.shape[0]
        c = np.concatenate([np.asarray(table.leak_cdf, dtype=float), np.ones((rows, 1))], axis=1)
        g = [np.concatenate([np.asarray(table.act[p], dtype=float), np.ones((rows, table.act[p].shape[1], 1))],
                            axis=2) for p in f.parents]
        return c, g
    dense = np.asarray(table.dense() if hasattr(table, "leak_cdf") else table, dtype=float)
    rows, cards = dense.shape[0], dense.shape[2:]
    c = np.ones((rows, k))
    g = [np.ones((rows, card, k)) for card in cards]
    worst = 0.0
    for start in range(0, rows, 64):  # the check builds (rows, prod cards) arrays: bounded chunks
        part = dense[start:start + 64]
        cdf = np.cumsum(part[:, list(f.order)], axis=1)
        for j, ref in enumerate(f.refs):
            cj = cdf[:, j]
            at_ref: tuple[slice | int, ...] = (slice(None), *ref)
            cref = cj[at_ref]
            c[start:start + 64, j] = cref
            safe = np.where(cref > 0, cref, 1.0)
            rebuilt = cref.reshape(-1, *([1] * len(cards)))
            for p in range(len(cards)):
                along: list[slice | int] = [slice(None), *ref]
                along[p + 1] = slice(None)  # every state of parent p, the others at reference
                gp = np.where(cref[:, None] > 0, cj[tuple(along)] / safe[:, None], 1.0)
                g[p][start:start + 64, :, j] = gp
                shape = [gp.shape[0]] + [1] * len(cards)
                shape[1 + p] = cards[p]
                rebuilt = rebuilt * gp.reshape(shape)
            err = np.abs(rebuilt - cj) - PRODUCT_RTOL * np.abs(cj)
            worst = max(worst, float(err.max()))
    if worst > PRODUCT_ATOL:
        message = f"finding {f.name!r}: table not of product form along {f.order} (off by {worst:.2e})"
        if strict:
            raise Unsupported(message)
        raise ValueError(message)
    return c, g


def _item_size(f: _Finding, cards: list[int]) -> int:
    """floats per observed state: log constant, leak ratio, (a0, e0, a1, e1) per cause
    parent, (lo, hi) per state of each cutset parent."""
    return 2 + 4 * len(f.causes) + 2 * sum(cards[i] for i in f.answers)


def _finding_items(f: _Finding, table, strict: bool = False) -> np.ndarray:
    """(R, card * item size): for each observed state of `f`, its numbers (see `_item_size`).

    Mildest grade (or a direct finding): per-parent factors scaled to max 1.
    Grade k >= 1: per cause parent (a, e) for both states, e scaled to max 1 and a scaled
    so that a <= e; per cutset parent its (lo, hi) factors; the leak ratio A/E; log E."""
    if f.kind == "direct":
        dense = np.asarray(table.dense() if hasattr(table, "leak_cdf") else table, dtype=float)
        rows = dense.shape[0]
        out = np.zeros((rows, f.card, 6))
        for s in range(f.card):
            fac = dense[:, s, :]
            top = fac.max(axis=1)
            fac = fac / np.where(top > 0, top, 1.0)[:, None]
            with np.errstate(divide="ignore"):
                out[:, s, 0] = np.log(top)
            out[:, s, 1] = 1.0
            out[:, s, 2], out[:, s, 3], out[:, s, 4], out[:, s, 5] = fac[:, 0], fac[:, 0], fac[:, 1], fac[:, 1]
        return out.reshape(rows, -1)
    c, g = _grade_factors(f, table, strict)
    rows = c.shape[0]
    cards = [gp.shape[1] for gp in g]
    size = _item_size(f, cards)
    out = np.zeros((rows, f.card, size))
    for s, k in enumerate(f.rank):
        block = out[:, s]
        with np.errstate(divide="ignore", invalid="ignore"):
            if k == 0:
                logc = np.log(c[:, 0])
                block[:, 1] = 1.0
                for j, p in enumerate(f.causes):
                    fac = g[p][:, :, 0]
                    top = fac.max(axis=1)
                    fac = fac / np.where(top > 0, top, 1.0)[:, None]
                    logc = logc + np.log(top)
                    block[:, 2 + 4 * j:6 + 4 * j] = fac[:, [0, 0, 1, 1]]
                at = 2 + 4 * len(f.causes)
                for p in f.answers:
                    fac = g[p][:, :, 0]
                    top = fac.max(axis=1)
                    fac = fac / np.where(top > 0, top, 1.0)[:, None]
                    logc = logc + np.log(top)
                    block[:, at:at + cards[p]] = fac
                    block[:, at + cards[p]:at + 2 * cards[p]] = fac
                    at += 2 * cards[p]
            else:
                big, small = c[:, k].copy(), c[:, k - 1].copy()  # E and A
                for j, p in enumerate(f.causes):
                    e, a = g[p][:, :, k], g[p][:, :, k - 1]
                    top = e.max(axis=1)
                    top = np.where(top > 0, top, 1.0)
                    e, a = e / top[:, None], a / top[:, None]
                    big, small = big * top, small * top
                    ratio = np.where(a > 0, e / np.where(a > 0, a, 1.0), np.inf)
                    scale = ratio.min(axis=1)
                    scale = np.where(np.isfinite(scale), scale, 1.0)
                    if (scale <= 0).any():
                        message = f"finding {f.name!r}: no non-negative decomposition at grade {k}"
                        raise Unsupported(message) if strict else ValueError(message)
                    a = np.minimum(a * scale[:, None], e)
                    small = small / scale
                    block[:, 2 + 4 * j:6 + 4 * j] = np.stack([a[:, 0], e[:, 0], a[:, 1], e[:, 1]], axis=1)
                at = 2 + 4 * len(f.causes)
                lows, highs = [], []
                for p in f.answers:
                    e, a = g[p][:, :, k], g[p][:, :, k - 1]
                    top = e.max(axis=1)
                    top = np.where(top > 0, top, 1.0)
                    e, a = e / top[:, None], a / top[:, None]
                    big, small = big * top, small * top
                    block[:, at:at + cards[p]] = a
                    block[:, at + cards[p]:at + 2 * cards[p]] = e
                    lows.append(a)
                    highs.append(e)
                    at += 2 * cards[p]
                rel = np.where(big > 0, small / np.where(big > 0, big, 1.0), 1.0)
                lo, hi = np.ones((rows, 1)), np.ones((rows, 1))  # every cutset configuration's start vector
                for a, e in zip(lows, highs, strict=True):
                    lo = (lo[:, :, None] * a[:, None, :]).reshape(rows, -1)
                    hi = (hi[:, :, None] * e[:, None, :]).reshape(rows, -1)
                gap = (hi - rel[:, None] * lo).min(axis=1)
                if (gap < -1e-12).any() or (rel > 1 + 1e-12).any():
                    message = f"finding {f.name!r}: no non-negative decomposition at grade {k}"
                    raise Unsupported(message) if strict else ValueError(message)
                block[:, 1] = np.minimum(rel, 1.0)
                logc = np.log(big)
            block[:, 0] = logc
    return out.reshape(rows, -1)


# ====================================================================== the compiled kernel
class NoisyKernel:
    """Compiled once per network; `infer` is exact, batched and per-row independent."""

    last_reason: str | None = None  # why the last `compile` returned None

    @classmethod
    def compile(cls, spec: NetworkSpec, queries: list[str]) -> NoisyKernel | None:
        """The kernel for this network, or None when it is outside the class
        (`NoisyKernel.last_reason` then says why)."""
        try:
            kernel = cls(spec, list(queries))
        except Unsupported as exc:
            cls.last_reason = str(exc)
            return None
        cls.last_reason = None
        return kernel

    @classmethod
    def reason_unsupported(cls, spec: NetworkSpec, queries: list[str]) -> str | None:
        """None if the network is in the class, else why not."""
        try:
            cls(spec, list(queries), build=False)
        except Unsupported as exc:
            return str(exc)
        return None

    def __init__(self, spec: NetworkSpec, queries: list[str], build: bool = True):
        self.spec = spec
        self.names = spec.names
        self.column = {n: i for i, n in enumerate(self.names)}
        self.queries = tuple(queries)
        qset = set(queries)
        findings, context, needed = _classify(spec, queries)
        cutset, units, cut_unit = _choose_cutset(spec, qset, context, needed)
        self.findings, self.context, self.cutset = findings, context, cutset
        card = {n: spec.variables[n].card for n in self.names}
        # units with causes, ordered so that few product findings are open at once
        causal = [u for u in units if u.causes]
        const = [u for u in units if not u.causes] + ([cut_unit] if cut_unit.families else [])
        product = [i for i, f in enumerate(findings) if f.kind == "product"]
        home = {c: i for i, u in enumerate(causal) for c in u.causes}
        touches: list[set[int]] = [set() for _ in causal]
        transitions = [0] * len(causal)
        for i in product:
            f = findings[i]
            for j in f.causes:
                touches[home[f.parents[j]]].add(i)
                transitions[home[f.parents[j]]] += 1
        order = _order_units(causal, touches, transitions)
        self.units = [causal[i] for i in order]
        self.const_units = const
        touches = [touches[i] for i in order]
        self.slots = [c for u in self.units for c in u.causes]
        first, last = spans(touches)
        live_pre = open_bits(touches)
        widest = max((len(u.causes) + m for u, m in zip(self.units, live_pre, strict=True)), default=0)
        if widest > MAX_STATE_BITS:
            raise Unsupported(f"up to {widest} bits (causes of a unit + positive findings open at once); "
                              f"limit {MAX_STATE_BITS}")
        self.passes_worst = math.prod(card[k] for k in cutset)
        self.max_live = max(live_pre, default=0)
        if not build:
            return
        self._pack(first, last, live_pre, card)
        self._item_f = self._items_for({})
        self._cpt_t = self._cpts_for({}, 1)
        self._phi = self._precompute(self._cpt_t) if self._phi_size <= PHI_LIMIT else np.zeros(0)
        self._var_card = np.array([card[n] for n in self.names], dtype=np.int64)
        self._pattern_cols = np.array(sorted({self.column[c] for u in [*self.units, *self.const_units]
                                              for c in [*u.context, *u.cutset]}), dtype=np.int64)
        self.columns = {q: slice(2 * i, 2 * i + 2) for i, q in enumerate(self.queries)}
        self._local = threading.local()  # per thread: the kernel's scratch arrays
        self._out_of = np.array([2 * self.queries.index(c) for c in self.slots], dtype=np.int64)

    # ------------------------------------------------------------------ packing
    def _pack(self, first: dict, last: dict, live_pre: list[int], card: dict) -> None:
        """The network as one int64 array (header + sections, see SECTIONS)."""
        spec, column = self.spec, self.column
        kids = spec.children()
        slot_of = {c: i for i, c in enumerate(self.slots)}
        kidx = {k: i for i, k in enumerate(self.cutset)}
        sec: dict[str, list[int]] = {s: [] for s in SECTIONS}
        sec["slot_col"] = [column[c] for c in self.slots]
        sec["slot_out"] = [self.queries.index(c) for c in self.slots]
        # families' tables: one flat float row (offsets per variable)
        self._cpt_at: dict[str, int] = {}
        at = 0
        for u in [*self.units, *self.const_units]:
            for v in u.families:
                self._cpt_at[v] = at
                at += spec.variables[v].table.size
        self._cpt_size = at
        phi_at, max_loc, y_size, vf_at, row_at = 0, 1, 1, 0, 0
        for ui, u in enumerate([*self.units, *self.const_units]):
            s, nctx, nk = len(u.causes), len(u.context), len(u.cutset)
            local = {c: j for j, c in enumerate(u.causes)}
            local.update({c: s + j for j, c in enumerate(u.context)})
            local.update({c: s + nctx + j for j, c in enumerate(u.cutset)})
            patterns = math.prod(card[c] + 1 for c in u.context)
            kcfg = math.prod(card[c] for c in u.cutset)
            rec = [s, slot_of[u.causes[0]] if s else 0, nctx, nk, len(u.families), phi_at, kcfg, row_at]
            rec += [column[c] for c in u.context] + [card[c] for c in u.context]
            rec += _radix([card[c] + 1 for c in u.context])
            rec += [0 if kids[c] else 1 for c in u.context]  # childless: barren when hidden
            rec += [kidx[c] for c in u.cutset] + [card[c] for c in u.cutset] + _radix([card[c] for c in u.cutset])
            plan, vf_at = _elimination_plan(spec, u, local, card, self._cpt_at, kids, vf_at)
            rec += plan
            sec["unit_off"].append(len(sec["unit_data"]))
            sec["unit_data"] += rec
            phi_at += patterns * kcfg * (1 << s)
            row_at += kcfg * (1 << s)
            max_loc = max(max_loc, s + nctx + nk)
            if ui < len(self.units):
                low = s // 2 if s > 1 else 0
                y_size = max(y_size, ((1 << (s - low)) + (1 << low)) << live_pre[ui])
        sec["unit_off"].append(len(sec["unit_data"]))
        self._phi_size = phi_at
        self._phi_row_size = row_at
        sec["k_col"] = [column[k] for k in self.cutset]
        sec["k_card"] = [card[k] for k in self.cutset]
        # findings and their items (one per observed state)
        item_float = 0
        self._item_at: list[int] = []
        for f in self.findings:
            sec["cf_col"].append(f.col)
            sec["cf_item0"].append(len(sec["item_off"]))
            cards = [card[p] for p in f.parents]
            size = 6 if f.kind == "direct" else _item_size(f, cards)
            self._item_at.append(item_float)
            rank = f.rank if f.kind == "product" else [0] * f.card
            for s in range(f.card):
                kind = POS if rank[s] > 0 else NEG
                answers = [f.parents[i] for i in f.answers]
                data = [kind, len(f.causes), len(answers), item_float + s * size]
                data += [slot_of[f.parents[i]] for i in f.causes]
                data += [kidx[a] for a in answers] + [card[a] for a in answers]
                sec["item_off"].append(len(sec["item_data"]))
                sec["item_data"] += data
            item_float += f.card * size
        sec["item_off"].append(len(sec["item_data"]))
        self._item_size = item_float
        # bit opening / closing per unit, and per slot the product findings it touches
        for pos in range(len(self.units)):
            sec["open_off"].append(len(sec["open_cf"]))
            sec["open_cf"] += sorted(i for i in first if first[i] == pos)
            sec["close_off"].append(len(sec["close_cf"]))
            sec["close_cf"] += sorted(i for i in last if last[i] == pos)
        sec["open_off"].append(len(sec["open_cf"]))
        sec["close_off"].append(len(sec["close_cf"]))
        for c in self.slots:
            sec["touch_off"].append(len(sec["touch_cf"]))
            for fi, f in enumerate(self.findings):
                if f.kind != "product":
                    continue
                for j, p in enumerate(f.causes):
                    if f.parents[p] == c:
                        sec["touch_cf"].append(fi)
                        sec["touch_j"].append(j)
        sec["touch_off"].append(len(sec["touch_cf"]))
        a_at, w_at = 0, 0
        for u, m in zip(self.units, live_pre, strict=True):
            sec["a_off"].append(a_at)
            sec["w_off"].append(w_at)
            s = len(u.causes)
            a_at += (1 << (s // 2 if s > 1 else 0)) << m  # the incoming vector, or a block's X[zl]
            w_at += 1 << len(u.causes)
        sec["var_card"] = [card[n] for n in self.names]
        header = [0] * HEADER
        header[H_VARS], header[H_SLOTS], header[H_UNITS] = len(self.names), len(self.slots), len(self.units)
        header[H_CONST], header[H_K], header[H_CF] = len(self.const_units), len(self.cutset), len(self.findings)
        header[H_ITEMS], header[H_MAXLIVE] = len(sec["item_off"]) - 1, self.max_live
        header[H_MAXS] = max((len(u.causes) for u in self.units), default=0)
        header[H_MAXPASS], header[H_ASTORE], header[H_WSTORE] = self.passes_worst, max(a_at, 1), max(w_at, 1)
        header[H_YSIZE], header[H_MAXLOC], header[H_NTOUCH] = y_size, max_loc, len(sec["touch_cf"])
        header[H_VF] = vf_at
        slots, cfs, units_n = max(len(self.slots), 1), max(len(self.findings), 1), max(len(self.units), 1)
        recs, passes, maxs = max(len(sec["touch_cf"]), 1), max(self.passes_worst, 1), 1 << header[H_MAXS]
        width = 1 << self.max_live
        sizes_f = {"nf": 2 * slots, "act_c": 6 * recs, "init": 2 * cfs, "vec": 2 * width, "Y": y_size,
                   "A": header[H_ASTORE], "W": header[H_WSTORE], "prod": maxs, "dz": maxs,
                   "pass_logp": passes, "pass_post": 2 * passes * slots}
        sizes_i = {"pos_item": cfs, "bitpos": cfs, "live": self.max_live + 1, "open_list": max(len(sec["open_cf"]), 1),
                   "open_n": units_n, "close_pos": max(len(sec["close_cf"]), 1), "close_n": units_n,
                   "act_n": slots, "act_pos": recs, "ident": 2 * slots, "active": units_n,
                   "kstate": max(len(self.cutset), 1), "hidden": max(len(self.cutset), 1),
                   "pattern": max(len(self.units) + len(self.const_units), 1), "neg_ans": cfs, "wexp": units_n}
        sec["scratch_f"] = list(np.cumsum([0] + [sizes_f[k] for k in SCRATCH_F]))
        sec["scratch_i"] = list(np.cumsum([0] + [sizes_i[k] for k in SCRATCH_I]))
        self._scratch_sizes = (int(sec["scratch_f"][-1]), int(sec["scratch_i"][-1]))
        body: list[int] = []
        for i, name in enumerate(SECTIONS):
            header[H_SECTIONS + i] = HEADER + len(body)
            body += sec[name]
        header[H_SECTIONS + len(SECTIONS)] = HEADER + len(body)
        self._net = np.array(header + body, dtype=np.int64)

    # ------------------------------------------------------------------ parameters
    def _items_for(self, tables: dict, observed: np.ndarray | None = None) -> np.ndarray:
        """(R, item floats) from the network's finding tables, or per-row ones in `tables`.
        observed: per finding, whether some evidence row observes it; the items of the others
        (barren: never read) are left zero unless their table is dense (then checked)."""
        rows = _rows_of(tables, [f.name for f in self.findings])
        out = np.zeros((rows, max(self._item_size, 1)))
        for i, (f, at) in enumerate(zip(self.findings, self._item_at, strict=True)):
            own = f.name not in tables
            if observed is not None and not observed[i] and not own and hasattr(tables[f.name], "leak_cdf"):
                continue
            table = self.spec.variables[f.name].table[None] if own else tables[f.name]
            items = _finding_items(f, table, strict=own)
            out[:, at:at + items.shape[1]] = items
        return out

    def _cpts_for(self, tables: dict, rows: int) -> np.ndarray:
        """(table floats, R): every family's table flattened (child state first), one column
        per row (the unit priors are evaluated for many rows at once, along the columns)."""
        out = np.empty((max(self._cpt_size, 1), rows))
        for v, at in self._cpt_at.items():
            t = tables.get(v)
            t = self.spec.variables[v].table[None] if t is None else np.asarray(
                t.dense() if hasattr(t, "leak_cdf") else t, dtype=float)
            flat = t.reshape(t.shape[0], -1)
            out[at:at + flat.shape[1], :] = flat.T
        return out

    def _precompute(self, cpt_t: np.ndarray) -> np.ndarray:
        """Every unit's prior for every evidence pattern of its context and cutset configuration
        (cpt_t: the tables, one column)."""
        phi = np.empty(max(self._phi_size, 1))
        _precompute_phi(self._net, cpt_t, phi)
        return phi

    # ------------------------------------------------------------------ public
    def prepare(self, tables: dict) -> PreparedTables:
        """Per-row tables turned once into the kernel's arrays, for calls that reuse them
        (the prior draws of the analyses: the same tables for every case)."""
        rows = _rows_of(tables, list(tables))
        return PreparedTables(rows, *self._row_params(tables, rows))

    def infer(self, evidence: np.ndarray, tables: dict | PreparedTables | None = None) -> Posterior:
        """Posterior marginals of the queries and log P(evidence) for each row of
        `evidence` (n, V): state index per variable in spec order, -1 = unknown.

        tables: optional per-row tables, name -> dense (n, card, *parent_cards) (or one
        row) or a factored noisy table with n rows (order, parents, leak_cdf, act)."""
        ev = np.asarray(evidence)
        if ev.ndim == 1:
            ev = ev[None]
        if ev.ndim != 2 or ev.shape[1] != len(self.names):
            raise ValueError(f"evidence of shape {ev.shape}: expected (rows, {len(self.names)}) columns")
        if ev.dtype != np.int64 or not ev.flags.c_contiguous:
            ev = np.ascontiguousarray(ev, dtype=np.int64)
        n = ev.shape[0]
        cache = None
        if isinstance(tables, PreparedTables):
            if tables.rows not in (1, n):
                raise ValueError(f"prepared tables have {tables.rows} rows for {n} evidence rows")
            item_f, cpt_t, phi = tables.item_f, tables.cpt_t, tables.phi
            cache = tables.cache if tables.rows == n else None
        elif tables:
            item_f, cpt_t, phi = self._row_params(tables, n, ev)
        else:
            item_f, cpt_t, phi = self._item_f, self._cpt_t, self._phi
        stacked = np.empty((n, 2 * len(self.queries)))
        log_e = np.empty(n)
        phi_rows, key, fill = _NO_ROWS, b"", False
        if not phi.size and n:  # unit priors per row: the evidence is read before the kernel checks it
            self._check(ev)
            key = self._cache_key(cache, ev)
            if key and cache is not None:
                got = cache.get(key)
                if got is None:  # filled by the jobs below, each its rows
                    phi_rows, fill = np.empty((n, max(self._phi_row_size, 1))), True
                else:
                    phi_rows = got
        args = (item_f, cpt_t, phi, phi_rows, fill, ev)
        if n >= (PARALLEL_ROWS if phi.size else PARALLEL_ROWS_PER_ROW_TABLES) and JIT and _threads() > 1:
            step = min(CHUNK_ROWS, max(MIN_CHUNK_ROWS, -(-n // (4 * _threads()))))
            _shared_work([(self._run, (*args, lo, min(lo + step, n), stacked, log_e)) for lo in range(0, n, step)])
        else:
            self._run(*args, 0, n, stacked, log_e)
        if fill and cache is not None:
            cache.put(key, phi_rows)
        return Posterior(stacked, self.columns, log_e, log_e == -np.inf)

    def _run(self, item_f, cpt_t, phi, phi_rows, fill, ev, lo, hi, stacked, log_e) -> None:
        """The per-row kernel on rows lo..hi, with this thread's scratch arrays. Per-row unit
        priors: read from phi_rows (all rows), or computed there first (fill), or computed
        here ROWS_AT_ONCE rows at a time (phi_rows is _NO_ROWS)."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = (np.empty(self._scratch_sizes[0]),
                                             np.empty(self._scratch_sizes[1], dtype=np.int64))
        if fill:
            self._phi_rows(cpt_t, ev, lo, hi, phi_rows[lo:hi])
        if phi.size or phi_rows is not _NO_ROWS:
            bad = _infer_rows(self._net, item_f, phi, phi_rows, 0, ev, lo, hi, stacked, log_e, self._out_of, *scratch)
        else:
            bad = -1
            for start in range(lo, hi, ROWS_AT_ONCE):
                end = min(start + ROWS_AT_ONCE, hi)
                rows = self._phi_rows(cpt_t, ev, start, end)
                bad = _infer_rows(self._net, item_f, phi, rows, start, ev, start, end, stacked, log_e, self._out_of,
                                  *scratch)
                if bad >= 0:
                    break
        if bad >= 0:
            raise ValueError(f"evidence row {bad}: a state index out of range (-1 = unknown)")

    def _check(self, ev: np.ndarray) -> None:
        bad = ((ev < -1) | (ev >= self._var_card)).any(axis=1)
        if bad.any():
            raise ValueError(f"evidence row {int(np.argmax(bad))}: a state index out of range (-1 = unknown)")

    def _phi_rows(self, cpt_t: np.ndarray, ev: np.ndarray, lo: int, hi: int, out: np.ndarray | None = None):
        """(hi - lo, phi row size), into `out` if given: every unit's prior for rows lo..hi,
        rows grouped by the evidence of the units' context and cutset (one group when they
        share it)."""
        block = ev[lo:hi, self._pattern_cols]
        if not block.shape[1] or (block == block[:1]).all():
            order = np.arange(lo, hi, dtype=np.int64)
            starts = np.array([0, hi - lo], dtype=np.int64)
        else:
            _, inverse = np.unique(block, axis=0, return_inverse=True)
            inverse = inverse.ravel()
            order = lo + np.argsort(inverse, kind="stable").astype(np.int64)
            starts = np.concatenate([[0], np.cumsum(np.bincount(inverse))]).astype(np.int64)
        if out is None:
            out = np.empty((hi - lo, max(self._phi_row_size, 1)))
        _phi_rows(self._net, cpt_t, ev, order, starts, out, lo)
        return out

    def _cache_key(self, cache: _RowCache | None, ev: np.ndarray) -> bytes:
        """The cache key of the rows' evidence pattern when the per-row unit priors of all the
        rows can be kept in `cache` (prepared tables, one evidence pattern shared by every row:
        the analyses' calls, and a fit within the cache's limit), else b""."""
        if cache is None or ev.shape[0] * max(self._phi_row_size, 1) * 8 > cache.limit:
            return b""
        block = ev[:, self._pattern_cols]
        if not (block == block[:1]).all():
            return b""
        return b"p" + block[0].tobytes()

    def _row_params(self, tables: dict, n: int, ev: np.ndarray | None = None):
        """Item, table and prior arrays for per-row tables (rows: n or 1): item floats (R, .),
        tables (table floats, R) and the unit priors per evidence pattern when they can be
        precomputed (one row), else an empty array (priors per row, `_phi_rows`). ev: the
        evidence they are for (None: any), whose unobserved findings need no items."""
        unknown = [k for k in tables if k not in self.spec.variables]
        if unknown:
            raise KeyError(f"tables for unknown variables {unknown}")
        rows = _rows_of(tables, list(tables))
        if rows not in (1, n):
            raise ValueError(f"per-row tables have {rows} rows for {n} evidence rows")
        names = {f.name for f in self.findings}
        observed = None if ev is None else np.asarray((ev[:, [f.col for f in self.findings]] >= 0).any(axis=0))
        item_f = self._items_for({k: t for k, t in tables.items() if k in names}, observed) \
            if any(k in names for k in tables) else self._item_f
        rest = {k: t for k, t in tables.items() if k in self._cpt_at}
        if not rest:
            return item_f, self._cpt_t, self._phi
        cpt_t = self._cpts_for(rest, _rows_of(rest, list(rest)))
        if cpt_t.shape[1] == 1 and self._phi_size <= PHI_LIMIT:
            return item_f, cpt_t, self._precompute(cpt_t)
        return item_f, cpt_t, np.zeros(0)

    def encode(self, cases: list[dict[str, str]]) -> np.ndarray:
        """Evidence matrix from dicts of state names (names must be valid)."""
        return encode_cases(self.spec, self.column, cases)

    def row_cost(self, evidence: np.ndarray) -> np.ndarray:
        """(n,) work units per row for batch bounding: 1 each (a row's state is at most 2^20
        numbers however many findings are positive, and nothing is kept between rows)."""
        return np.ones(np.asarray(evidence).reshape(-1, len(self.names)).shape[0], dtype=np.int64)

    @property
    def info(self) -> dict:
        """The compiled structure, for notes and tests."""
        return {"units": [u.causes for u in self.units], "cutset": list(self.cutset),
                "passes_worst": self.passes_worst, "max_open_bits": self.max_live,
                "const_units": len(self.const_units), "phi_entries": self._phi_size,
                "findings": {f.name: f.kind for f in self.findings}}


def _radix(cards: list[int]) -> list[int]:
    """C-order strides of a mixed-radix index."""
    out, step = [0] * len(cards), 1
    for i in range(len(cards) - 1, -1, -1):
        out[i] = step
        step *= cards[i]
    return out


def _rows_of(tables: dict, names: list[str]) -> int:
    rows = 1
    for name in names:
        t = tables.get(name)
        if t is None:
            continue
        r = t.leak_cdf.shape[0] if hasattr(t, "leak_cdf") else np.asarray(t).shape[0]
        if r != 1:
            if rows not in (1, r):
                raise ValueError(f"per-row tables disagree on their number of rows ({rows} vs {r})")
            rows = r
    return rows


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


def _shared_work(tasks: list) -> None:
    """Run the tasks (function, args) on this thread and the pool's: each thread takes the
    next task not yet taken, so a pool thread that gets no core leaves its share to the
    others (the calling thread never waits for a helper that has not started). The first
    task's exception, in task order, is raised once all have run."""
    lock = threading.Lock()
    taken = [0]
    done = [threading.Event() for _ in tasks]
    errors: list[BaseException | None] = [None] * len(tasks)

    def work() -> None:
        while True:
            with lock:
                i = taken[0]
                taken[0] += 1
            if i >= len(tasks):
                return
            try:
                tasks[i][0](*tasks[i][1])
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                errors[i] = exc
            finally:
                done[i].set()

    for _ in range(min(_threads(), len(tasks)) - 1):
        _pool().submit(work)
    work()
    for event in done:
        event.wait()
    for exc in errors:
        if exc is not None:
            raise exc


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="noisy-kernel")
        return _POOL


# ====================================================================== numba kernels
if JIT:  # the two innermost helpers are inlined by numba (IR level); the rest are plain calls
    _inline = numba.njit(inline="always", cache=True, nogil=True, _nrt=False)
else:
    def _inline(function):
        return function


@_jit_flat
def _unit_prior(unit_data, base, cpt_t, rows, c0, n, ev, kstate, loc, loc_lo, loc_hi, dead, vf, acc, prod, fresh):
    """The unit prior for n rows at once: vf[at + z, t] = sum over the unit's hidden context
    of the product of its tables (those of row rows[c0 + t]: column rows[c0 + t] of cpt_t, or
    column 0 when cpt_t has one), for each configuration z of its causes (bit j = cause j
    present), the evidence `ev` (shared by the n rows) and the cutset (kstate) inserted.
    Returns at. The unit's elimination plan (`_elimination_plan`), each step's factor kept
    in vf (one row of vf per factor entry, one column per row); fresh = 0: the steps that
    read no cutset variable are taken from vf as the last call on this unit and rows left them."""
    s = unit_data[base]
    nctx = unit_data[base + 2]
    nk = unit_data[base + 3]
    at = base + UNIT_FIXED
    ctx_col, ctx_card, ctx_leaf = at, at + nctx, at + 3 * nctx
    k_idx = at + 4 * nctx
    nloc = s + nctx
    for j in range(s):
        loc_lo[j] = 0
        loc_hi[j] = 1
        dead[j] = 0
    for j in range(nctx):
        x = ev[unit_data[ctx_col + j]]
        dead[s + j] = 0
        if x >= 0:
            loc_lo[s + j] = x
            loc_hi[s + j] = x
        elif unit_data[ctx_leaf + j] == 1:  # a hidden childless variable: its table sums to 1
            loc_lo[s + j] = 0
            loc_hi[s + j] = 0
            dead[s + j] = 1
        else:
            loc_lo[s + j] = 0
            loc_hi[s + j] = unit_data[ctx_card + j] - 1
    for j in range(nk):
        loc[nloc + j] = kstate[unit_data[k_idx + j]]
    r0 = rows[c0] if cpt_t.shape[1] > 1 else 0
    contiguous = n == 1 or rows[c0 + n - 1] - rows[c0] == n - 1
    p = k_idx + 3 * nk
    n_steps = unit_data[p]
    p += 1
    out_at = 0
    for _ in range(n_steps):
        n_out = unit_data[p]
        n_in = unit_data[p + 1]
        out_at = unit_data[p + 2]
        e = unit_data[p + 3]
        skip = fresh == 0 and unit_data[p + 4] == 1
        ov = p + 5
        ins = ov + 2 * n_out
        end = ins
        for _i in range(n_in):
            end += 4 + 2 * unit_data[end + 2]
        if skip:
            p = end
            continue
        for i in range(n_out):
            x = unit_data[ov + 2 * i]
            loc[x] = loc_lo[x]
        e_lo = 0
        e_hi = 0
        if e >= 0:
            e_lo = loc_lo[e]
            e_hi = loc_hi[e]
        while True:
            for t in range(n):
                acc[t] = 0.0
            for xe in range(e_lo, e_hi + 1):
                if e >= 0:
                    loc[e] = xe
                first = True
                f = ins
                for _i in range(n_in):
                    members = unit_data[f + 2]
                    dv = unit_data[f + 3]
                    if dv < 0 or dead[dv] == 0:
                        idx = unit_data[f + 1]
                        for m in range(members):
                            idx += loc[unit_data[f + 4 + 2 * m]] * unit_data[f + 5 + 2 * m]
                        if unit_data[f] == 1:  # an earlier step's factor
                            if first:
                                for t in range(n):
                                    prod[t] = vf[idx, t]
                            else:
                                for t in range(n):
                                    prod[t] *= vf[idx, t]
                        elif contiguous:  # a table
                            if first:
                                for t in range(n):
                                    prod[t] = cpt_t[idx, r0 + t]
                            else:
                                for t in range(n):
                                    prod[t] *= cpt_t[idx, r0 + t]
                        else:
                            if first:
                                for t in range(n):
                                    prod[t] = cpt_t[idx, rows[c0 + t]]
                            else:
                                for t in range(n):
                                    prod[t] *= cpt_t[idx, rows[c0 + t]]
                        first = False
                    f += 4 + 2 * members
                if first:  # no factor left (barren): the sum of a table over its variable
                    for t in range(n):
                        acc[t] += 1.0
                else:
                    for t in range(n):
                        acc[t] += prod[t]
            oi = out_at
            for i in range(n_out):
                oi += loc[unit_data[ov + 2 * i]] * unit_data[ov + 2 * i + 1]
            for t in range(n):
                vf[oi, t] = acc[t]
            i = 0
            while i < n_out:  # odometer over the output variables, the first fastest
                x = unit_data[ov + 2 * i]
                if loc[x] < loc_hi[x]:
                    loc[x] += 1
                    break
                loc[x] = loc_lo[x]
                i += 1
            if i == n_out:
                break
        p = end
    return out_at  # the last step: the product over the causes


@_jit
def _prior_scratch(net, block):
    """Scratch of `_unit_prior` for `block` rows at once."""
    width = net[H_MAXLOC] + 1
    vf = np.zeros((max(net[H_VF], 1), block))
    return (np.zeros(width, dtype=np.int64), np.zeros(width, dtype=np.int64), np.zeros(width, dtype=np.int64),
            np.zeros(width, dtype=np.int64), vf, np.zeros(block), np.zeros(block))


@_jit
def _precompute_phi(net, cpt_t, phi):
    """phi[phi_off + (pattern * kcfgs + kcfg) * 2^s + z] for every unit (see `_unit_prior`):
    pattern = sum (evidence + 1) * radix over the unit's context."""
    n_units = net[H_UNITS] + net[H_CONST]
    unit_off = net[net[S_UNIT_OFF]:net[S_UNIT_OFF + 1]]
    unit_data = net[net[S_UNIT_DATA]:net[S_UNIT_DATA + 1]]
    ev = np.full(net[H_VARS], -1, dtype=np.int64)
    kstate = np.zeros(max(net[H_K], 1), dtype=np.int64)
    loc, loc_lo, loc_hi, dead, vf, acc, prod = _prior_scratch(net, 1)
    rows = np.zeros(1, dtype=np.int64)
    for u in range(n_units):
        base = unit_off[u]
        s = unit_data[base]
        nctx = unit_data[base + 2]
        nk = unit_data[base + 3]
        phi_off = unit_data[base + 5]
        kcfgs = unit_data[base + 6]
        at = base + UNIT_FIXED
        patterns = 1
        for j in range(nctx):
            patterns *= unit_data[at + nctx + j] + 1
        for pattern in range(patterns):
            rest = pattern
            for j in range(nctx - 1, -1, -1):
                radix = unit_data[at + nctx + j] + 1
                ev[unit_data[at + j]] = rest % radix - 1
                rest //= radix
            for kc in range(kcfgs):
                rest = kc
                for j in range(nk - 1, -1, -1):
                    radix = unit_data[at + 4 * nctx + nk + j]
                    kstate[unit_data[at + 4 * nctx + j]] = rest % radix
                    rest //= radix
                got = _unit_prior(unit_data, base, cpt_t, rows, 0, 1, ev, kstate, loc, loc_lo, loc_hi, dead, vf, acc,
                                  prod, 1)
                out = phi_off + (pattern * kcfgs + kc) * (1 << s)
                for z in range(1 << s):
                    phi[out + z] = vf[got + z, 0]
        for j in range(nctx):
            ev[unit_data[at + j]] = -1


@_jit
def _phi_rows(net, cpt_t, evidence, order, starts, out, row0):
    """out[r - row0, row_off + kcfg * 2^s + z]: every unit's prior for row r's tables (column r
    of cpt_t, or column 0 for all rows when it has one) and evidence, for every cutset
    configuration the evidence allows. Rows come grouped by the evidence of the units'
    context and cutset: group g is order[starts[g]:starts[g + 1]] (ascending within a group);
    a group is evaluated ROW_BLOCK rows at a time, vectorised over its rows."""
    n_units = net[H_UNITS] + net[H_CONST]
    unit_off = net[net[S_UNIT_OFF]:net[S_UNIT_OFF + 1]]
    unit_data = net[net[S_UNIT_DATA]:net[S_UNIT_DATA + 1]]
    k_col = net[net[S_K_COL]:net[S_K_COL + 1]]
    kstate = np.zeros(max(net[H_K], 1), dtype=np.int64)
    loc, loc_lo, loc_hi, dead, vf, acc, prod = _prior_scratch(net, ROW_BLOCK)
    shared = cpt_t.shape[1] == 1
    for g in range(starts.shape[0] - 1):
        g0 = starts[g]
        g1 = starts[g + 1]
        ev = evidence[order[g0]]
        c0 = g0
        while c0 < g1:
            n = 1 if shared else min(ROW_BLOCK, g1 - c0)
            for u in range(n_units):
                base = unit_off[u]
                s = unit_data[base]
                nk = unit_data[base + 3]
                kcfgs = unit_data[base + 6]
                row_off = unit_data[base + 7]
                at = base + UNIT_FIXED + 4 * unit_data[base + 2]
                fresh = 1
                for kc in range(kcfgs):
                    rest = kc
                    allowed = True
                    for j in range(nk - 1, -1, -1):
                        radix = unit_data[at + nk + j]
                        i = unit_data[at + j]
                        kstate[i] = rest % radix
                        rest //= radix
                        x = ev[k_col[i]]
                        if x >= 0 and x != kstate[i]:
                            allowed = False
                    if not allowed:
                        continue
                    got = _unit_prior(unit_data, base, cpt_t, order, c0, n, ev, kstate, loc, loc_lo, loc_hi, dead,
                                      vf, acc, prod, fresh)
                    fresh = 0
                    to = row_off + kc * (1 << s)
                    for t in range(n):
                        o = out[order[c0 + t] - row0]
                        for z in range(1 << s):
                            o[to + z] = vf[got + z, t]
            if shared:  # the same tables for every row: copy the group's first row
                for t in range(c0 + 1, g1):
                    out[order[t] - row0, :] = out[order[c0] - row0, :]
                c0 = g1
            else:
                c0 += n


@_inline
def _butterflies(v, at, n, k0, k1, act_pos, act_c, state, transpose):
    """v[at:at+n] <- T v (T^T v if transpose) for one cause in `state`: one 2x2 butterfly
    [[a, e-a], [0, e]] per open bit it touches (active transitions k0..k1)."""
    c = 3 * state
    for k in range(k0, k1):
        a = act_c[k, c]
        d = act_c[k, c + 1]
        e = act_c[k, c + 2]
        if a == 1.0 and e == 1.0:
            continue
        step = 1 << act_pos[k]
        i = 0
        if transpose:
            while i < n:
                for j in range(at + i, at + i + step):
                    x1 = v[j + step]
                    v[j] = a * v[j] + d * x1
                    v[j + step] = e * x1
                i += 2 * step
        else:
            while i < n:
                for j in range(at + i, at + i + step):
                    x0 = v[j]
                    v[j] = a * x0
                    v[j + step] = d * x0 + e * v[j + step]
                i += 2 * step


@_jit_flat
def _configurations(Y, at, n, s, slot0, act_lo, act_n, act_pos, act_c, ident, transpose):
    """Y[at + z*n : at + (z+1)*n] <- T(z) Y[at : at+n] (T(z)^T if transpose) for every
    configuration z of causes slot0..slot0+s-1, by doubling: 2^s - 1 single-cause applications."""
    for j in range(s):
        sl = slot0 + j
        k0 = act_lo[sl]
        k1 = k0 + act_n[sl]
        half = 1 << j
        for z in range(half):
            src = at + z * n
            dst = at + (z + half) * n
            for i in range(n):
                Y[dst + i] = Y[src + i]
            if ident[sl, 1] == 0:
                _butterflies(Y, dst, n, k0, k1, act_pos, act_c, 1, transpose)
            if ident[sl, 0] == 0:
                _butterflies(Y, src, n, k0, k1, act_pos, act_c, 0, transpose)


@_jit_flat
def _fold(Y, at, n, s, slot0, act_lo, act_n, act_pos, act_c, ident, transpose):
    """Y[at : at+n] <- sum_z T(z) Y[at + z*n : ...] (T(z)^T if transpose) over the
    configurations z of causes slot0..slot0+s-1, folding the highest cause first:
    2^s - 1 single-cause applications (Y's other vectors are overwritten)."""
    for j in range(s - 1, -1, -1):
        sl = slot0 + j
        k0 = act_lo[sl]
        k1 = k0 + act_n[sl]
        half = 1 << j
        for z in range(half):
            lower = at + z * n
            upper = at + (z + half) * n
            if ident[sl, 1] == 0:
                _butterflies(Y, upper, n, k0, k1, act_pos, act_c, 1, transpose)
            if ident[sl, 0] == 0:
                _butterflies(Y, lower, n, k0, k1, act_pos, act_c, 0, transpose)
            for i in range(n):
                Y[lower + i] += Y[upper + i]


@_jit_flat
def _marginals(dz, s, total, post, slot0):
    """post[slot0 + j] = (sum of dz over configurations with cause j absent, ... present) / total."""
    nz = 1 << s
    for j in range(s):
        half = 1 << j
        p0 = 0.0
        p1 = 0.0
        for block in range(0, nz, 2 * half):
            for z in range(block, block + half):
                p0 += dz[z]
            for z in range(block + half, block + 2 * half):
                p1 += dz[z]
        if total > 0.0:
            post[slot0 + j, 0] = p0 / total
            post[slot0 + j, 1] = p1 / total
        else:
            post[slot0 + j, 0] = 0.0
            post[slot0 + j, 1] = 0.0


@_inline
def _rescale(v, at, n):
    """Scale v[at:at+n] by an exact power of two when its largest entry is tiny; returns the
    exponent taken out (0 if none), or NONE_LEFT when v is all zero."""
    top = 0.0
    for i in range(at, at + n):
        if v[i] > top:
            top = v[i]
    if top == 0.0:
        return NONE_LEFT
    if top >= TINY:
        return 0
    e = math.frexp(top)[1]
    scale = math.ldexp(1.0, -e)
    for i in range(at, at + n):
        v[i] *= scale
    return e


NONE_LEFT = -(1 << 40)


@_jit_flat
def _chain(n_units, unit_off, unit_data, open_off, close_off, a_off, w_off, W, wexp, init, open_list, open_n,
           close_pos, close_n, act_lo, act_n, act_pos, act_c, ident, active, A, vec, Y, dz, post):
    """One pass: forward over the units (storing each active unit's incoming vector), then
    backward, writing post[slot] = (P(absent | e, k), P(present | e, k)).
    Returns P(e, k) / constants as (mantissa, power-of-two exponent); mantissa 0 if impossible."""
    n = 1
    vec[0] = 1.0
    expo = 0
    for u in range(n_units):
        base = unit_off[u]
        s = unit_data[base]
        slot0 = unit_data[base + 1]
        nz = 1 << s
        wo = w_off[u]
        for t in range(open_n[u]):  # open bits: the leak's start vector as the highest bit
            c = open_list[open_off[u] + t]
            i0 = init[c, 0]
            i1 = init[c, 1]
            for i in range(n):
                vec[n + i] = vec[i] * i1
                vec[i] = vec[i] * i0
            n *= 2
        if active[u] == 0:  # no cause here touches an open bit: the unit only scales
            total = 0.0
            for z in range(nz):
                total += W[wo + z]
            for i in range(n):
                vec[i] *= total
        else:
            ao = a_off[u]
            for i in range(n):
                A[ao + i] = vec[i]
            if s == 1:
                k0 = act_lo[slot0]
                k1 = k0 + act_n[slot0]
                for i in range(n):
                    Y[i] = vec[i]
                _butterflies(Y, 0, n, k0, k1, act_pos, act_c, 1, False)
                if ident[slot0, 0] == 0:
                    _butterflies(vec, 0, n, k0, k1, act_pos, act_c, 0, False)
                w0 = W[wo]
                w1 = W[wo + 1]
                for i in range(n):
                    vec[i] = w0 * vec[i] + w1 * Y[i]
            else:  # split: X[zl] = T(zl) A (stored), U[zh] = sum_zl w X[zl], fold the high causes
                low = s // 2
                nl = 1 << low
                nh = 1 << (s - low)
                _configurations(A, ao, n, low, slot0, act_lo, act_n, act_pos, act_c, ident, False)
                for zh in range(nh):
                    ut = zh * n
                    for i in range(n):
                        Y[ut + i] = 0.0
                    for zl in range(nl):
                        wz = W[wo + zl + zh * nl]
                        xt = ao + zl * n
                        for i in range(n):
                            Y[ut + i] += wz * A[xt + i]
                _fold(Y, 0, n, s - low, slot0 + low, act_lo, act_n, act_pos, act_c, ident, False)
                for i in range(n):
                    vec[i] = Y[i]
        expo += wexp[u]
        for t in range(close_n[u]):  # close bits (descending positions): keep bit = 1
            p = close_pos[close_off[u] + t]
            n //= 2
            low = (1 << p) - 1
            for i in range(n):
                vec[i] = vec[((i >> p) << (p + 1)) | (1 << p) | (i & low)]
        e = _rescale(vec, 0, n)
        if e == NONE_LEFT:
            return 0.0, 0
        expo += e
    final = vec[0]
    n = 1
    vec[0] = 1.0
    for u in range(n_units - 1, -1, -1):
        base = unit_off[u]
        s = unit_data[base]
        slot0 = unit_data[base + 1]
        nz = 1 << s
        wo = w_off[u]
        for t in range(close_n[u] - 1, -1, -1):  # expand closed bits (ascending): zeros at bit = 0
            p = close_pos[close_off[u] + t]
            low = (1 << p) - 1
            for i in range(n - 1, -1, -1):
                x = vec[i]
                at = ((i >> p) << (p + 1)) | (i & low)
                vec[at | (1 << p)] = x
                vec[at] = 0.0
            n *= 2
        if active[u] == 0:
            total = 0.0
            for z in range(nz):
                dz[z] = W[wo + z]
                total += dz[z]
            for i in range(n):
                vec[i] *= total
        else:
            ao = a_off[u]
            if s == 1:
                k0 = act_lo[slot0]
                k1 = k0 + act_n[slot0]
                for i in range(n):
                    Y[i] = vec[i]
                _butterflies(Y, 0, n, k0, k1, act_pos, act_c, 1, True)
                if ident[slot0, 0] == 0:
                    _butterflies(vec, 0, n, k0, k1, act_pos, act_c, 0, True)
                w0 = W[wo]
                w1 = W[wo + 1]
                d0 = 0.0
                d1 = 0.0
                for i in range(n):
                    d0 += vec[i] * A[ao + i]
                    d1 += Y[i] * A[ao + i]
                dz[0] = w0 * d0
                dz[1] = w1 * d1
                total = dz[0] + dz[1]
                for i in range(n):
                    vec[i] = w0 * vec[i] + w1 * Y[i]
            else:  # split: Z[zh] = T(zh)^T beta, d(z) = Z[zh] . X[zl], R[zl] = sum_zh w Z[zh], fold the low causes
                low = s // 2
                nl = 1 << low
                nh = 1 << (s - low)
                for i in range(n):
                    Y[i] = vec[i]
                _configurations(Y, 0, n, s - low, slot0 + low, act_lo, act_n, act_pos, act_c, ident, True)
                rt = nh * n
                for i in range(nl * n):
                    Y[rt + i] = 0.0
                total = 0.0
                for zh in range(nh):
                    zt = zh * n
                    for zl in range(nl):
                        xt = ao + zl * n
                        d = 0.0
                        for i in range(n):
                            d += Y[zt + i] * A[xt + i]
                        z = zl + zh * nl
                        wz = W[wo + z]
                        dz[z] = wz * d
                        total += dz[z]
                        ot = rt + zl * n
                        for i in range(n):
                            Y[ot + i] += wz * Y[zt + i]
                _fold(Y, rt, n, low, slot0, act_lo, act_n, act_pos, act_c, ident, True)
                for i in range(n):
                    vec[i] = Y[rt + i]
        _marginals(dz, s, total, post, slot0)
        for t in range(open_n[u] - 1, -1, -1):  # contract the bits opened here with their start vectors
            c = open_list[open_off[u] + t]
            n //= 2
            i0 = init[c, 0]
            i1 = init[c, 1]
            for i in range(n):
                vec[i] = i0 * vec[i] + i1 * vec[i + n]
        _rescale(vec, 0, n)
    return final, expo


@_jit_flat
def _infer_rows(net, item_f, phi, phi_rows, row0, evidence, lo, hi, post, loge, out_of, fs, fi):
    """Rows lo..hi of `evidence`: post[r] = every query's (absent, present) marginal
    (NaN if impossible), loge[r] = log P(evidence) (-inf if impossible). Returns -1, or the
    first row holding a state out of range (rows from there on are left unwritten)."""
    n_slots = net[H_SLOTS]
    n_units = net[H_UNITS]
    n_all = n_units + net[H_CONST]
    n_k = net[H_K]
    n_cf = net[H_CF]
    slot_col = net[net[S_SLOT_COL]:net[S_SLOT_COL + 1]]
    unit_off = net[net[S_UNIT_OFF]:net[S_UNIT_OFF + 1]]
    unit_data = net[net[S_UNIT_DATA]:net[S_UNIT_DATA + 1]]
    k_col = net[net[S_K_COL]:net[S_K_COL + 1]]
    k_card = net[net[S_K_CARD]:net[S_K_CARD + 1]]
    cf_col = net[net[S_CF_COL]:net[S_CF_COL + 1]]
    cf_item0 = net[net[S_CF_ITEM0]:net[S_CF_ITEM0 + 1]]
    item_off = net[net[S_ITEM_OFF]:net[S_ITEM_OFF + 1]]
    item_data = net[net[S_ITEM_DATA]:net[S_ITEM_DATA + 1]]
    open_off = net[net[S_OPEN_OFF]:net[S_OPEN_OFF + 1]]
    open_cf = net[net[S_OPEN_CF]:net[S_OPEN_CF + 1]]
    close_off = net[net[S_CLOSE_OFF]:net[S_CLOSE_OFF + 1]]
    close_cf = net[net[S_CLOSE_CF]:net[S_CLOSE_CF + 1]]
    touch_off = net[net[S_TOUCH_OFF]:net[S_TOUCH_OFF + 1]]
    touch_cf = net[net[S_TOUCH_CF]:net[S_TOUCH_CF + 1]]
    touch_j = net[net[S_TOUCH_J]:net[S_TOUCH_J + 1]]
    a_off = net[net[S_A_OFF]:net[S_A_OFF + 1]]
    w_off = net[net[S_W_OFF]:net[S_W_OFF + 1]]
    ready = 1 if phi.shape[0] > 0 else 0  # 1: phi per evidence pattern, 0: per row in phi_rows
    n_rec = max(net[H_NTOUCH], 1)
    # scratch: views into fs (floats) and fi (ints), laid out by the compiler (SCRATCH_F/I)
    sf = net[net[S_SCRATCH_F]:net[S_SCRATCH_F + 1]]
    si = net[net[S_SCRATCH_I]:net[S_SCRATCH_I + 1]]
    slots = max(n_slots, 1)
    passes = max(net[H_MAXPASS], 1)
    nf = fs[sf[0]:sf[1]].reshape((slots, 2))
    act_c = fs[sf[1]:sf[2]].reshape((n_rec, 6))
    init = fs[sf[2]:sf[3]].reshape((max(n_cf, 1), 2))
    vec = fs[sf[3]:sf[4]]
    Y = fs[sf[4]:sf[5]]
    A = fs[sf[5]:sf[6]]
    W = fs[sf[6]:sf[7]]
    prod = fs[sf[7]:sf[8]]
    dz = fs[sf[8]:sf[9]]
    pass_logp = fs[sf[9]:sf[10]]
    pass_post = fs[sf[10]:sf[11]].reshape((passes, slots, 2))
    pos_item = fi[si[0]:si[1]]
    bitpos = fi[si[1]:si[2]]
    live = fi[si[2]:si[3]]
    open_list = fi[si[3]:si[4]]
    open_n = fi[si[4]:si[5]]
    close_pos = fi[si[5]:si[6]]
    close_n = fi[si[6]:si[7]]
    act_n = fi[si[7]:si[8]]
    act_pos = fi[si[8]:si[9]]
    ident = fi[si[9]:si[10]].reshape((slots, 2))
    active = fi[si[10]:si[11]]
    kstate = fi[si[11]:si[12]]
    hidden = fi[si[12]:si[13]]
    pattern = fi[si[13]:si[14]]
    neg_ans = fi[si[14]:si[15]]
    wexp = fi[si[15]:si[16]]
    var_card = net[net[S_VAR_CARD]:net[S_VAR_CARD + 1]]
    for r in range(lo, hi):
        ev = evidence[r]
        for v in range(var_card.shape[0]):
            if ev[v] < -1 or ev[v] >= var_card[v]:
                return r
        irow = item_f[r if item_f.shape[0] > 1 else 0]
        prow = phi_rows[r - row0 if ready == 0 else 0]
        # ---- per case: per-cause factors of the negative and direct findings, positive bits
        caselog = 0.0
        ok = True
        for sl in range(n_slots):
            nf[sl, 0] = 1.0
            nf[sl, 1] = 1.0
            x = ev[slot_col[sl]]
            if x == 0:
                nf[sl, 1] = 0.0
            elif x == 1:
                nf[sl, 0] = 0.0
        n_neg_ans = 0
        for c in range(n_cf):
            pos_item[c] = -1
        for c in range(n_cf):
            x = ev[cf_col[c]]
            if x < 0:
                continue
            it = cf_item0[c] + x
            io = item_off[it]
            fo = item_data[io + 3]
            lc = irow[fo]
            if not lc > -np.inf:
                ok = False
                break
            caselog += lc
            if item_data[io] == NEG:
                for j in range(item_data[io + 1]):
                    sl = item_data[io + 4 + j]
                    nf[sl, 0] *= irow[fo + 2 + 4 * j]
                    nf[sl, 1] *= irow[fo + 4 + 4 * j]
                    top = max(nf[sl, 0], nf[sl, 1])
                    if top < TINY:
                        if top == 0.0:
                            ok = False
                            break
                        e = math.frexp(top)[1]
                        nf[sl, 0] = math.ldexp(nf[sl, 0], -e)
                        nf[sl, 1] = math.ldexp(nf[sl, 1], -e)
                        caselog += e * LN2
                if item_data[io + 2] > 0:
                    neg_ans[n_neg_ans] = it
                    n_neg_ans += 1
            else:
                pos_item[c] = it
        if ok:
            for sl in range(n_slots):
                if nf[sl, 0] == 0.0 and nf[sl, 1] == 0.0:
                    ok = False
        if not ok:
            for q in range(post.shape[1]):
                post[r, q] = np.nan
            loge[r] = -np.inf
            continue
        # ---- per case: where each positive finding's bit sits at each unit, and each
        # cause's active transitions (2x2 factors on open bits)
        m = 0
        for u in range(n_units):
            open_n[u] = 0
            for t in range(open_off[u], open_off[u + 1]):
                c = open_cf[t]
                if pos_item[c] >= 0:
                    open_list[open_off[u] + open_n[u]] = c
                    open_n[u] += 1
                    bitpos[c] = m
                    live[m] = c
                    m += 1
            base = unit_off[u]
            active[u] = 0
            for sl in range(unit_data[base + 1], unit_data[base + 1] + unit_data[base]):
                act_n[sl] = 0
                ident[sl, 0] = 1
                ident[sl, 1] = 1
                for rec in range(touch_off[sl], touch_off[sl + 1]):
                    c = touch_cf[rec]
                    if pos_item[c] < 0:
                        continue
                    fo = item_data[item_off[pos_item[c]] + 3] + 2 + 4 * touch_j[rec]
                    k = touch_off[sl] + act_n[sl]
                    act_n[sl] += 1
                    act_pos[k] = bitpos[c]
                    a0 = irow[fo]
                    e0 = irow[fo + 1]
                    a1 = irow[fo + 2]
                    e1 = irow[fo + 3]
                    act_c[k, 0] = a0
                    act_c[k, 1] = e0 - a0
                    act_c[k, 2] = e0
                    act_c[k, 3] = a1
                    act_c[k, 4] = e1 - a1
                    act_c[k, 5] = e1
                    if not (a0 == 1.0 and e0 == 1.0):
                        ident[sl, 0] = 0
                    if not (a1 == 1.0 and e1 == 1.0):
                        ident[sl, 1] = 0
                if ident[sl, 0] == 0 or ident[sl, 1] == 0:
                    active[u] = 1
            close_n[u] = 0
            at = close_off[u]
            for t in range(close_off[u], close_off[u + 1]):
                c = close_cf[t]
                if pos_item[c] >= 0:
                    close_pos[at + close_n[u]] = bitpos[c]
                    close_n[u] += 1
            for t in range(1, close_n[u]):  # descending positions (insertion sort)
                v = close_pos[at + t]
                q = t - 1
                while q >= 0 and close_pos[at + q] < v:
                    close_pos[at + q + 1] = close_pos[at + q]
                    q -= 1
                close_pos[at + q + 1] = v
            for t in range(close_n[u]):
                p = close_pos[at + t]
                for q in range(p, m - 1):
                    live[q] = live[q + 1]
                    bitpos[live[q]] = q
                m -= 1
        # ---- per case: evidence pattern of each unit's context
        if ready:
            for u in range(n_all):
                base = unit_off[u]
                nctx = unit_data[base + 2]
                at = base + UNIT_FIXED
                pat = 0
                for j in range(nctx):
                    pat += (ev[unit_data[at + j]] + 1) * unit_data[at + 2 * nctx + j]
                pattern[u] = pat
        # ---- passes over the hidden cutset configurations
        n_hidden = 0
        for i in range(n_k):
            x = ev[k_col[i]]
            if x >= 0:
                kstate[i] = x
            else:
                kstate[i] = 0
                hidden[n_hidden] = i
                n_hidden += 1
        npass = 0
        first_pass = True
        while True:
            lin = 1.0
            lexp = 0
            for u in range(n_all):  # unit weights (those not reading the cutset: once per case)
                base = unit_off[u]
                s = unit_data[base]
                nk = unit_data[base + 3]
                if u < n_units and nk == 0 and not first_pass:
                    continue
                at = base + UNIT_FIXED + 4 * unit_data[base + 2]
                kidx = 0
                for j in range(nk):
                    kidx += kstate[unit_data[at + j]] * unit_data[at + 2 * nk + j]
                if u >= n_units:  # a unit without causes: a constant
                    if ready:
                        val = phi[unit_data[base + 5] + pattern[u] * unit_data[base + 6] + kidx]
                    else:
                        val = prow[unit_data[base + 7] + kidx]
                    lin *= val
                    if 0.0 < lin < TINY:
                        e = math.frexp(lin)[1]
                        lin = math.ldexp(lin, -e)
                        lexp += e
                    continue
                nz = 1 << s
                wo = w_off[u]
                if ready:
                    src = unit_data[base + 5] + (pattern[u] * unit_data[base + 6] + kidx) * nz
                    for z in range(nz):
                        W[wo + z] = phi[src + z]
                else:
                    src = unit_data[base + 7] + kidx * nz
                    for z in range(nz):
                        W[wo + z] = prow[src + z]
                slot0 = unit_data[base + 1]
                prod[0] = 1.0
                for j in range(s):
                    half = 1 << j
                    f0 = nf[slot0 + j, 0]
                    f1 = nf[slot0 + j, 1]
                    for z in range(half):
                        prod[z + half] = prod[z] * f1
                        prod[z] = prod[z] * f0
                for z in range(nz):
                    W[wo + z] *= prod[z]
                e = _rescale(W, wo, nz)
                wexp[u] = e if e != NONE_LEFT else 0
            first_pass = False
            for t in range(n_neg_ans):  # mildest-grade findings with cutset parents
                it = neg_ans[t]
                io = item_off[it]
                nc = item_data[io + 1]
                na = item_data[io + 2]
                fa = item_data[io + 3] + 2 + 4 * nc
                for j in range(na):
                    card = item_data[io + 4 + nc + na + j]
                    lin *= irow[fa + kstate[item_data[io + 4 + nc + j]]]
                    fa += 2 * card
            for c in range(n_cf):  # start vectors of the positive findings' bits
                it = pos_item[c]
                if it < 0:
                    continue
                io = item_off[it]
                nc = item_data[io + 1]
                na = item_data[io + 2]
                fo = item_data[io + 3]
                rel = irow[fo + 1]
                if na == 0:
                    init[c, 0] = rel
                    init[c, 1] = 1.0 - rel
                else:
                    plo = 1.0
                    phi_ = 1.0
                    fa = fo + 2 + 4 * nc
                    for j in range(na):
                        card = item_data[io + 4 + nc + na + j]
                        ks = kstate[item_data[io + 4 + nc + j]]
                        plo *= irow[fa + ks]
                        phi_ *= irow[fa + card + ks]
                        fa += 2 * card
                    init[c, 0] = rel * plo
                    init[c, 1] = max(phi_ - rel * plo, 0.0)
            final = 0.0
            expo = 0
            if lin > 0.0:
                final, expo = _chain(n_units, unit_off, unit_data, open_off, close_off, a_off, w_off, W, wexp, init,
                                     open_list, open_n, close_pos, close_n, touch_off, act_n, act_pos, act_c, ident,
                                     active, A, vec, Y, dz, pass_post[npass])
            if final > 0.0 and lin > 0.0:
                pass_logp[npass] = caselog + math.log(lin) + math.log(final) + (lexp + expo) * LN2
            else:
                pass_logp[npass] = -np.inf
            npass += 1
            j = 0
            while j < n_hidden:  # odometer over the hidden cutset variables
                i = hidden[j]
                if kstate[i] + 1 < k_card[i]:
                    kstate[i] += 1
                    break
                kstate[i] = 0
                j += 1
            if j == n_hidden:
                break
        # ---- combine the passes
        top = -np.inf
        for t in range(npass):
            if pass_logp[t] > top:
                top = pass_logp[t]
        if not top > -np.inf:
            for q in range(post.shape[1]):
                post[r, q] = np.nan
            loge[r] = -np.inf
            continue
        if npass == 1:
            for sl in range(n_slots):
                post[r, out_of[sl]] = pass_post[0, sl, 0]
                post[r, out_of[sl] + 1] = pass_post[0, sl, 1]
            loge[r] = top
            continue
        total = 0.0
        for sl in range(n_slots):
            post[r, out_of[sl]] = 0.0
            post[r, out_of[sl] + 1] = 0.0
        for t in range(npass):
            if not pass_logp[t] > -np.inf:
                continue
            wt = math.exp(pass_logp[t] - top)
            total += wt
            for sl in range(n_slots):
                post[r, out_of[sl]] += wt * pass_post[t, sl, 0]
                post[r, out_of[sl] + 1] += wt * pass_post[t, sl, 1]
        for sl in range(n_slots):
            post[r, out_of[sl]] /= total
            post[r, out_of[sl] + 1] /= total
        loge[r] = top + math.log(total)
    return -1
