"""What-if: the counterfactual chance that the twitching would be absent had one
exposure been at its baseline, everything else observed staying as it was.

This is abduction, action and prediction on a twin network, not a do-query. The
structural model is the one the priors already describe: every noisy-OR node is
the OR of its own background switch and one independent switch per parent (the
parent's state sets that switch's chance). The twin network keeps every switch
shared between the factual and the counterfactual world; only the nodes
downstream of the exposure (and upstream of the twitching) are duplicated, and in
the counterfactual world the exposure's own switches are off (its baseline is the
reference state, whose switch chance is zero). Then

    what-if = P(twitching' = absent | evidence) = P(evidence, twitching' = absent) / P(evidence),

both read off the same exact engine as log P(evidence).

The numerator is computed on a slimmer twin. When the counterfactual twitching is
absent, every switch shared by the two worlds is off, so the factual twitching is
present exactly when one of the switches that differ between the worlds fired: the
factual twitching node becomes the OR of those few switches, kept inside the tree.
That avoids subtracting two nearly equal terms (P(evidence, twitching') is often
small), and an exposure state with no effect gives exactly 0. P(evidence) comes from
the ranker's own engine.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..engine import Engine, NetworkSpec, Variable
from ..engine.core import FEW_BUDGET
from ..network import NoisyTable, node_tables
from ..ranking import BaseRanker
from .results import WhatIf

TARGET = "twitching"
OFF_ON = ("off", "on")


def what_if(ranker: BaseRanker, evidence: Mapping[str, str]) -> tuple[WhatIf, ...]:
    """One entry per observed exposure off its baseline (only when twitching=yes is observed)."""
    if evidence.get(TARGET) != "yes":
        return ()
    changed = [(spec, evidence[spec.id]) for spec in ranker.vocabulary.exposures
               if evidence.get(spec.id) not in (None, spec.baseline)]
    if not changed:
        return ()
    whole = ranker.engine.infer(ranker.engine.encode([dict(evidence)]))  # P(evidence), shared by every exposure
    log_evidence = float(whole.log_evidence[0])
    out = []
    for spec, state in changed:
        assert spec.baseline is not None  # every exposure has one (vocabulary.toml)
        stops = float("nan") if whole.impossible[0] else twitching_stops(ranker, evidence, spec.id, log_evidence)
        out.append(WhatIf(spec.id, state, spec.baseline, stops))
    return tuple(out)


def prepare(ranker: BaseRanker) -> None:
    """Compile every exposure's twin network now (a few tens of ms each) rather than on
    the first what-if that needs it."""
    for spec in ranker.vocabulary.exposures:
        twin_engine(ranker, spec.id)


def twitching_stops(ranker: BaseRanker, evidence: Mapping[str, str], exposure: str,
                    log_evidence: float | None = None) -> float:
    """P(twitching' = absent | evidence) with `exposure` at its baseline in the twin world;
    `log_evidence`: log P(evidence) when the caller has it (None: computed here; NaN if impossible)."""
    engine, cf, fired = twin_engine(ranker, exposure)
    states = ranker.spec.variables[TARGET].states
    present = states[1 - _absent(ranker)]
    if log_evidence is None:
        whole = ranker.engine.infer(ranker.engine.encode([dict(evidence)]))
        if whole.impossible[0]:
            return float("nan")
        log_evidence = float(whole.log_evidence[0])
    rest = {k: v for k, v in evidence.items() if k != TARGET}
    if evidence.get(TARGET) == present:
        rest[fired] = present
    part = engine.infer(engine.encode([{**rest, cf: states[_absent(ranker)]}]))
    return float(np.clip(np.exp(part.log_evidence[0] - log_evidence), 0.0, 1.0))


def _absent(ranker: BaseRanker) -> int:
    node = ranker.priors.nodes[TARGET]
    return node.order[0]


def twin_engine(ranker: BaseRanker, exposure: str) -> tuple[Engine, str, str]:
    """(engine, counterfactual target, node 'a differing switch fired') for the slim twin,
    compiled once per ranker."""
    def build() -> tuple[Engine, str, str]:
        spec, cf = twin_spec(ranker.spec, node_tables(ranker.priors), exposure, TARGET)
        slim, fired = _slim(spec, TARGET)
        return Engine(slim, queries=[fired], budget=FEW_BUDGET), cf, fired

    return ranker.memo(("what-if twin", exposure), build)


def _slim(twin: NetworkSpec, target: str) -> tuple[NetworkSpec, str]:
    """The twin with the factual target replaced by the OR of its switches that differ
    between the worlds (kept in the tree as a query, so it is never factorised)."""
    factual = twin.variables[target]
    shared = set(twin.variables[_cf(target)].parents)
    differing = tuple(p for p in factual.parents if p not in shared)
    fired = f"{target}~fired"
    order = (factual.states.index("no"), factual.states.index("yes")) if "yes" in factual.states else (0, 1)
    variables = {n: v for n, v in twin.variables.items() if n != target}
    variables[fired] = Variable(fired, factual.states, differing, _or_table(factual.states, order, len(differing)))
    return NetworkSpec(variables), fired


def twin_spec(spec: NetworkSpec, tables: dict, exposure: str, target: str) -> tuple[NetworkSpec, str]:
    """The twin network for setting `exposure` to its reference state; returns it and
    the name of the counterfactual target node."""
    kids = spec.children()
    parents = {n: v.parents for n, v in spec.variables.items()}
    down = _reach(exposure, kids) - {exposure}
    up = _reach(target, parents)
    changed = [n for n in spec.names if n in down and n in up]
    twin: dict[str, Variable] = {}
    for name, var in spec.variables.items():
        if name not in changed:
            twin[name] = var
            continue
        table = tables[name]
        if not isinstance(table, NoisyTable) or len(table.order) != 2:
            raise ValueError(f"what-if needs yes/no noisy-OR nodes downstream of {exposure}; {name} is not one")
        factual, counterfactual = _switches(twin, name, table, exposure, changed, tables)
        twin[name] = Variable(name, var.states, tuple(factual), _or_table(var.states, table.order, len(factual)))
        twin[_cf(name)] = Variable(_cf(name), var.states, tuple(counterfactual),
                                   _or_table(var.states, table.order, len(counterfactual)))
    return NetworkSpec(twin), _cf(target)


def _switches(twin, name, table: NoisyTable, exposure, changed, tables):
    """Add the background and per-parent switches of `name`; return the switch names
    its factual and counterfactual copies are the OR of. A parent that differs between
    worlds is a yes/no noisy-OR node (a cause, or an answer such as ssri under stress);
    its switch can fire only in its 'on' state."""
    background = f"{name}~background"
    twin[background] = Variable(background, OFF_ON, (), _bernoulli(1.0 - table.leak_cdf[0, 0]))
    factual, counterfactual = [background], [background]
    for p in table.parents:
        chance = 1.0 - table.act[p][0, :, 0]  # P(switch on | parent state)
        switch = f"{name}~from~{p}"
        if p in changed:  # the parent differs between worlds: share the noise, not the switch
            noise = f"{name}~noise~{p}"
            present = tables[p].order[1]  # the parent's "present" (or "yes") state
            twin[noise] = Variable(noise, OFF_ON, (), _bernoulli(chance[present]))
            twin[switch] = Variable(switch, OFF_ON, (noise, p), _and_table(present))
            twin[switch + "'"] = Variable(switch + "'", OFF_ON, (noise, _cf(p)), _and_table(present))
            factual.append(switch)
            counterfactual.append(switch + "'")
        else:
            twin[switch] = Variable(switch, OFF_ON, (p,), np.stack([1.0 - chance, chance]))
            factual.append(switch)
            if p != exposure:  # at its reference state the exposure's switch is off
                counterfactual.append(switch)
    return factual, counterfactual


def _cf(name: str) -> str:
    return name + "'"


def _bernoulli(p: float) -> np.ndarray:
    return np.array([1.0 - p, p])


def _and_table(present: int) -> np.ndarray:
    """P(switch | noise, parent): on only when the noise is on and the parent present."""
    t = np.zeros((2, 2, 2))
    t[0] = 1.0
    t[1, 1, present] = 1.0
    t[0, 1, present] = 0.0
    return t


def _or_table(states, order, k: int) -> np.ndarray:
    """Deterministic OR of k switches: absent only when every switch is off."""
    t = np.zeros((2,) + (2,) * k)
    all_off = (0,) * k
    t[(order[1],) + (slice(None),) * k] = 1.0
    t[(order[1],) + all_off] = 0.0
    t[(order[0],) + all_off] = 1.0
    return t


def _reach(start: str, edges: Mapping[str, Sequence[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
