"""The ranking core: priors -> tables -> network -> exact posteriors -> ranked causes and triage.

`BaseRanker` is everything a ranker is without the analyses and the table front ends
built on it (those live in the layers above and take a `BaseRanker`; the public
`model.Ranker` adds them). Constructing one only stores the priors: the tables, the
engine and the pgmpy network are built on first use, once, under a lock.

For one case with evidence e, the ranking lists every cause c with
P(c = present | e), highest first; the engine computes these exactly
(see model/engine/core.py), and the pgmpy network built from the same tables is the
reference every probability agrees with to 1e-9.
"""
from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from .engine import InferenceEngine, NetworkSpec, Posterior, Variable, compile_engine
from .errors import ImpossibleEvidenceError
from .evidence import validate_case
from .network import build_network, dense_tables
from .priors import DEFAULT_PRIORS, Priors, fingerprint, load_priors
from .triage import Triage, triage
from .vocabulary import Vocabulary

if TYPE_CHECKING:
    from pgmpy.models import DiscreteBayesianNetwork

R = TypeVar("R", bound="BaseRanker")
T = TypeVar("T")

TIE = 1e-12  # probabilities (or scores) this close are tied, and then ordered by id


def ranked_order(values: ArrayLike, ids: Sequence[str], tie: float = TIE) -> np.ndarray:
    """Column positions of `values` ((k,) or (n, k), one row per ranking), highest first.

    The one rule for every ranked list of the project (causes, what-if entries, next
    questions, and each prior draw of the analyses): values within `tie` of the one
    ranked just above are tied, and tied entries are ordered by id. NaN ranks last.
    Returns (n, k), or (k,) for a 1-d input."""
    v = np.asarray(values, dtype=float)
    flat = v.ndim == 1
    if flat and len(ids) == v.shape[0]:  # one ranking: the same rule in plain Python (cheaper for one row)
        return np.array(_ranked_row(v.tolist(), ids, tie), dtype=np.intp)
    v = np.atleast_2d(v)
    v = np.where(np.isnan(v), -np.inf, v)
    if v.shape[1] != len(ids):
        raise ValueError(f"{v.shape[1]} values for {len(ids)} ids")
    by_value = np.argsort(-v, axis=1, kind="stable")
    sorted_v = np.take_along_axis(v, by_value, axis=1)
    with np.errstate(invalid="ignore"):  # -inf - -inf: NaN, i.e. tied
        drop = -np.diff(sorted_v, axis=1) > tie
    group = np.concatenate([np.zeros((v.shape[0], 1), dtype=np.intp), np.cumsum(drop, axis=1)], axis=1)
    id_rank = np.empty(len(ids), dtype=np.intp)
    id_rank[sorted(range(len(ids)), key=lambda j: ids[j])] = np.arange(len(ids))
    within = np.lexsort((id_rank[by_value], group), axis=1)
    order = np.take_along_axis(by_value, within, axis=1)
    return order[0] if flat else order


def _ranked_row(values: list[float], ids: Sequence[str], tie: float) -> list[int]:
    """`ranked_order` for one row: by value, highest first (NaN last); a value within `tie` of
    the one just above joins its group; each group in id order."""
    key = [-math.inf if math.isnan(x) else x for x in values]
    by_value = sorted(range(len(key)), key=lambda j: -key[j])
    out: list[int] = []
    group: list[int] = []
    for j in by_value:
        if group and not key[group[-1]] - key[j] <= tie:  # a drop larger than `tie` (or -inf - -inf: tied)
            out += sorted(group, key=ids.__getitem__) if len(group) > 1 else group
            group = []
        group.append(j)
    return out + (sorted(group, key=ids.__getitem__) if len(group) > 1 else group)


def ranked(items: Sequence[T], value: Callable[[T], float], ident: Callable[[T], str]) -> list[T]:
    """`items` highest `value` first, ties (within `TIE`) by `ident`: `ranked_order` for objects."""
    if not items:
        return []
    order = ranked_order([value(i) for i in items], [ident(i) for i in items])
    return [items[j] for j in order]


class CauseProbability(NamedTuple):
    """One cause of a ranking: its id, its label and P(cause present | answers)."""

    id: str
    label: str
    probability: float

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "probability": self.probability}


class RankingDetail(Protocol):
    """What `rank(case, detail=True)` adds (built by model.analyses): keys merged into the JSON."""

    def per_cause(self) -> Mapping[str, Mapping[str, Any]]:
        """cause id -> extra keys of that cause's entry."""
        ...

    def top_level(self) -> Mapping[str, Any]:
        """extra top-level keys."""
        ...


# Every top-level key of a ranking's JSON (`Ranking.to_dict()`, with `detail=True` too): a
# saved result is recognised by these keys alone (model/readwrite/cases.py).
RESULT_KEYS = frozenset({"triage", "high_priority", "causes", "evidence", "how_sure", "what_if", "next_questions"})


@dataclass(frozen=True)
class Ranking:
    """One case's result; `to_dict()` is the JSON shape of the public interface."""

    evidence: dict[str, str]
    causes: tuple[CauseProbability, ...]  # highest first, ties (within TIE) by id
    high_priority: CauseProbability
    base_rate: float  # the high-priority node's probability for the person's age alone
    triage: Triage
    detail: RankingDetail | None = None  # the analyses, with rank(..., detail=True)

    def probability(self, cause: str) -> float:
        return next(c.probability for c in self.causes if c.id == cause)

    def to_dict(self) -> dict:
        out = {
            "triage": self.triage.to_dict(),
            "high_priority": {"id": self.high_priority.id, "label": self.high_priority.label,
                              "probability": self.high_priority.probability, "base_rate": self.base_rate},
            "causes": [c.to_dict() for c in self.causes],
            "evidence": dict(self.evidence),
        }
        if self.detail is not None:
            per_cause = self.detail.per_cause()
            for c in out["causes"]:
                c.update(per_cause.get(c["id"], {}))
            out.update(self.detail.top_level())
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


@dataclass(frozen=True)
class Compiled:
    """What a ranker builds from its priors: dense tables, the network spec and the engine."""

    tables: dict[str, np.ndarray]  # node -> (1, card, *parent_cards)
    spec: NetworkSpec
    engine: InferenceEngine


class BaseRanker:
    """A priors folder compiled for exact ranking (built on first use, then shared by threads)."""

    def __init__(self, priors: Priors):
        self.priors = priors
        self._lock = threading.RLock()
        self._memo: OrderedDict[Hashable, Any] = OrderedDict()

    # ------------------------------------------------------------------ what it is
    @property
    def vocabulary(self) -> Vocabulary:
        return self.priors.vocabulary

    @cached_property
    def causes(self) -> list[str]:
        """The ranked causes: the vocabulary's, then any extra cause of the priors folder."""
        return list(self.priors.causes)

    @property
    def high_priority(self) -> str:
        return self.vocabulary.high_priority

    @property
    def compiled(self) -> Compiled:
        with self._lock:
            return self._compiled

    @cached_property
    def _compiled(self) -> Compiled:
        tables = dense_tables(self.priors)
        spec = network_spec(self.priors, {n: t[0] for n, t in tables.items()})
        return Compiled(tables, spec, compile_engine(spec, self.causes))

    @property
    def tables(self) -> dict[str, np.ndarray]:
        return self.compiled.tables

    @property
    def spec(self) -> NetworkSpec:
        return self.compiled.spec

    @property
    def engine(self) -> InferenceEngine:
        """The noisy-OR kernel for networks in its class (this project's), else the junction tree."""
        return self.compiled.engine

    @property
    def network(self) -> DiscreteBayesianNetwork:
        """The pgmpy DiscreteBayesianNetwork built from the same tables as the engine."""
        with self._lock:
            return self._network

    @cached_property
    def _network(self) -> DiscreteBayesianNetwork:
        return build_network(self.priors, self.tables)

    def memo(self, key: Hashable, build: Callable[[], T], size: int = 32) -> T:
        """A value the analyses derive from this ranker alone (prior draws, what-if networks),
        built once and kept with the ranker (the `size` most recently used)."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = build()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > size:
                self._memo.popitem(last=False)
        return value

    # ------------------------------------------------------------------ one case
    def rank(self, case: Mapping[str, str]) -> Ranking:
        """Rank every cause for one case (input id -> state name)."""
        evidence = validate_case(case, self.vocabulary)
        probs = self.posteriors(self.engine.encode([evidence]), [evidence])[0]
        return self.ranking(evidence, probs)

    def posteriors(self, evidence: np.ndarray, cases: list[dict] | None = None, tables=None) -> np.ndarray:
        """(n, causes) P(cause present | evidence) for an evidence matrix; impossible rows raise."""
        post = self.engine.infer(evidence, tables)
        if post.impossible.any():
            row = int(np.flatnonzero(post.impossible)[0])
            shown = cases[row] if cases else None
            raise ImpossibleEvidenceError(
                "these answers are impossible under the model (some priors are 0 or 1)"
                + (f": {shown}" if shown is not None else f" (row {row})"))
        return self.present(post)

    def present(self, post: Posterior) -> np.ndarray:
        """(n, causes) P(cause present) from an engine result, in `self.causes` order."""
        return post.stacked[:, self._present_columns(post.columns)]

    def _present_columns(self, columns: Mapping[str, slice]) -> list[int]:
        """The 'present' column of each cause (state 1), for an engine's column layout."""
        known = self.__dict__.get("_present_at")
        if known is None or known[0] is not columns:
            known = (columns, [columns[c].start + 1 for c in self.causes])
            self.__dict__["_present_at"] = known
        return known[1]

    def ranking(self, evidence: dict[str, str], probs: np.ndarray) -> Ranking:
        """The Ranking of one case from its posteriors (in `self.causes` order)."""
        labels, ids, hp_id = self.priors.causes, self.causes, self.high_priority
        values = probs.tolist()
        if len(values) != len(ids):
            raise ValueError(f"{len(values)} values for {len(ids)} causes")
        order = _ranked_row(values, ids, TIE)  # ranked_order's rule for one row, as a list
        new = tuple.__new__  # CauseProbability(...) without the named tuple's argument parsing
        causes = tuple(new(CauseProbability, (ids[j], labels[ids[j]], values[j])) for j in order)
        hp = causes[order.index(ids.index(hp_id))]
        tri = triage(evidence, hp.probability, self.threshold("prompt_evaluation_above"),
                     self.threshold("see_doctor_above"))
        return Ranking(evidence, causes, hp, self.base_rate(evidence.get("age")), tri)

    # ------------------------------------------------------------------ helpers
    def threshold(self, key: str) -> float:
        return self.priors.threshold(key)

    def base_rate(self, age: str | None) -> float:
        """P(high-priority cause) knowing only the age band (None: any adult)."""
        return self._base_rates[age]

    @cached_property
    def _base_rates(self) -> dict[str | None, float]:
        ages = [None, *self.vocabulary.inputs["age"].states]
        rows = [{} if a is None else {"age": a} for a in ages]
        post = self.engine.infer(self.engine.encode(rows))
        hp = np.where(post.impossible, 0.0, post.marginals[self.high_priority][:, 1])  # an age band at prior 0
        return {a: float(p) for a, p in zip(ages, hp, strict=True)}


def network_spec(priors: Priors, tables: dict[str, np.ndarray]) -> NetworkSpec:
    """Answers first, then causes, then findings (causes contiguous keeps the engine's slices short)."""
    nodes = priors.nodes
    role = {n: priors.vocabulary.role_of(n) for n in nodes}
    order = [n for kind in ("answer", "cause", "finding") for n in nodes if role[n] == kind]
    return NetworkSpec({n: Variable(n, nodes[n].states, nodes[n].parents, tables[n]) for n in order})


class RankerCache:
    """The rankers built in this process, the `size` most recently used, by priors content.

    Key: the priors folder, its content fingerprint and the numbers in use (a ranker
    with session overrides is another entry). A request for a class is met by a cached
    ranker of that class or a subclass of it. When full, the least recently used ranker
    with overrides goes first, so that experts trying numbers never evict the rankers of
    the priors files themselves."""

    def __init__(self, size: int = 16):
        self.size = size
        self._rankers: OrderedDict[tuple, BaseRanker] = OrderedDict()
        self._resolved: dict[str | Path | None, Path] = {}  # the folders asked for, resolved once
        self._lock = threading.Lock()

    def get(self, cls: type[R], priors: Priors) -> R:
        key = (str(priors.folder), priors.fingerprint, priors.values.tobytes())
        with self._lock:
            found = self._rankers.get(key)
            if isinstance(found, cls):
                self._rankers.move_to_end(key)
                return found
        built = cls(priors)
        with self._lock:
            self._rankers[key] = built
            self._rankers.move_to_end(key)
            while len(self._rankers) > self.size:
                overridden = [k for k, r in self._rankers.items() if r.priors.overridden]
                self._rankers.pop(overridden[0] if overridden else next(iter(self._rankers)))
        return built

    def for_folder(self, cls: type[R], folder: str | Path | None = None) -> R:
        """The ranker of a priors folder with its files' numbers (read again when its content changes)."""
        path = self._resolved.get(folder) if isinstance(folder, (str, Path, type(None))) else None
        if path is None:
            path = DEFAULT_PRIORS if folder is None else Path(folder).resolve()
            if len(self._resolved) < 256:
                self._resolved[folder] = path
        digest = fingerprint(path)
        with self._lock:
            for (where, fp, _), ranker in reversed(self._rankers.items()):
                if where == str(path) and fp == digest and isinstance(ranker, cls) and not ranker.priors.overridden:
                    return ranker
        return self.get(cls, load_priors(path))

    def clear(self) -> None:
        with self._lock:
            self._rankers.clear()

    def __len__(self) -> int:
        return len(self._rankers)


RANKERS = RankerCache()  # the one cache of rankers in a process
