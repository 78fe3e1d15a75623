"""The ranker: priors -> network -> exact posteriors -> ranked causes and triage."""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .engine import Engine, NetworkSpec, Variable
from .errors import ImpossibleEvidenceError
from .evidence import validate_case
from .network import build_network, dense_tables
from .priors import DEFAULT_PRIORS, Priors, load_priors
from .priors import FILES as PRIOR_FILES
from .triage import LEVELS, Triage, triage


@dataclass(frozen=True)
class CauseProbability:
    id: str
    label: str
    probability: float

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "probability": self.probability}


@dataclass(frozen=True)
class Ranking:
    """One case's result; `to_dict()` is the JSON shape of the public interface."""

    evidence: dict[str, str]
    causes: tuple[CauseProbability, ...]  # highest first, ties by id
    high_priority: CauseProbability
    base_rate: float  # the high-priority node's probability for the person's age alone
    triage: Triage
    detail: dict = field(default_factory=dict)  # analyses added by rank(..., detail=True)

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
        per_cause = self.detail.get("per_cause", {})
        for c in out["causes"]:
            c.update(per_cause.get(c["id"], {}))
        out.update({k: v for k, v in self.detail.items() if k != "per_cause"})
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)


class Ranker:
    """Built once per priors folder: the tables, the pgmpy network and the compiled engine."""

    def __init__(self, priors: Priors):
        self.priors = priors
        self.vocabulary = priors.vocabulary
        self.causes: list[str] = list(priors.causes)
        self.high_priority = self.vocabulary.high_priority
        self.tables = dense_tables(priors)
        self.spec = _spec(priors, {n: t[0] for n, t in self.tables.items()})
        self.engine = Engine(self.spec, queries=self.causes)
        self._lock = threading.Lock()
        self.base_rates = self._base_rates()

    @cached_property
    def network(self):
        """The pgmpy DiscreteBayesianNetwork built from the same tables as the engine."""
        with self._lock:
            return build_network(self.priors, self.tables)

    # ------------------------------------------------------------------ one case
    def rank(self, case, detail: bool = False) -> Ranking:
        """Rank every cause for one case (input id -> state name)."""
        evidence = validate_case(case, self.vocabulary)
        probs = self.posteriors(self.engine.encode([evidence]), [evidence])[0]
        ranking = self._ranking(evidence, probs)
        if detail:
            from .analyses import add_detail  # the analyses build on the ranking

            ranking = add_detail(self, ranking)
        return ranking

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

    def present(self, post) -> np.ndarray:
        """(n, causes) P(cause present) from an engine result, in `self.causes` order."""
        return post.stacked[:, [post.columns[c].start + 1 for c in self.causes]]  # state 1 = present

    def _ranking(self, evidence: dict[str, str], probs: np.ndarray) -> Ranking:
        labels = self.priors.causes
        causes = tuple(sorted((CauseProbability(c, labels[c], float(p)) for c, p in zip(self.causes, probs, strict=True)),
                              key=lambda c: (-c.probability, c.id)))
        hp = next(c for c in causes if c.id == self.high_priority)
        tri = triage(evidence, hp.probability, self.threshold("prompt_evaluation_above"),
                     self.threshold("see_doctor_above"))
        return Ranking(evidence, causes, hp, self.base_rate(evidence.get("age")), tri)

    # ------------------------------------------------------------------ helpers
    def threshold(self, key: str) -> float:
        return self.priors.threshold(key)

    def base_rate(self, age: str | None) -> float:
        """P(high-priority cause) knowing only the age band (None: any adult)."""
        return self.base_rates[age]

    def _base_rates(self) -> dict[str | None, float]:
        ages = [None, *self.vocabulary.inputs["age"].states]
        rows = [{} if a is None else {"age": a} for a in ages]
        post = self.engine.infer(self.engine.encode(rows))
        hp = np.where(post.impossible, 0.0, post.marginals[self.high_priority][:, 1])  # an age band at prior 0
        return {a: float(p) for a, p in zip(ages, hp, strict=True)}

    def rank_frame(self, frame, errors: str = "raise"):
        """Rank a pandas (or Dask) DataFrame of cases; see model.frame.rank_frame."""
        from .frame import rank_frame

        return rank_frame(self, frame, errors=errors)

    def with_overrides(self, overrides: dict[str, float]) -> Ranker:
        """A ranker with some hand-set numbers changed for this session."""
        return Ranker(self.priors.with_values(overrides)) if overrides else self


def _spec(priors: Priors, tables: dict[str, np.ndarray]) -> NetworkSpec:
    """Inputs first, then causes, then findings (causes contiguous keeps the engine's slices short)."""
    nodes = priors.nodes
    findings = {i.id for i in priors.vocabulary.inputs.values() if i.group in ("symptom", "lab")}
    order = ([n for n in nodes if not nodes[n].is_cause and n not in findings]
             + [n for n in nodes if nodes[n].is_cause] + [n for n in nodes if n in findings])
    return NetworkSpec({n: Variable(n, nodes[n].states, nodes[n].parents, tables[n]) for n in order})


_CACHE: dict[tuple, Ranker] = {}
_CACHE_LOCK = threading.Lock()


def load_ranker(priors_dir: str | Path | None = None) -> Ranker:
    """The ranker for a priors folder (default: the repository's priors/), built once per
    folder and content: editing the folder's files gives a fresh ranker."""
    folder = DEFAULT_PRIORS if priors_dir is None else Path(priors_dir).resolve()
    key = (str(folder), _fingerprint(folder))
    with _CACHE_LOCK:
        ranker = _CACHE.get(key)
    if ranker is None:
        ranker = Ranker(load_priors(folder))
        with _CACHE_LOCK:
            _CACHE[key] = ranker
    return ranker


def rank(case, detail: bool = False) -> Ranking:
    """Rank every cause for one case with the default priors."""
    return load_ranker().rank(case, detail=detail)


_PATHS: dict[Path, tuple[str, ...]] = {}


def _fingerprint(folder: Path) -> tuple:
    """Modification time and size of each priors file (cheap: four stat calls)."""
    paths = _PATHS.get(folder)
    if paths is None:
        paths = _PATHS[folder] = tuple(os.path.join(folder, name) for name in PRIOR_FILES)
    out = []
    for path in paths:
        try:
            st = os.stat(path)
            out.append((st.st_mtime_ns, st.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


__all__ = ["Ranker", "Ranking", "CauseProbability", "load_ranker", "rank", "LEVELS"]
