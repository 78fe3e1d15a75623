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
"""
from __future__ import annotations

import numpy as np

from ..engine import Engine, NetworkSpec, Variable
from ..engine.core import FEW_BUDGET
from ..network import NoisyTable, node_tables

TARGET = "twitching"
OFF_ON = ("off", "on")


def what_if(ranker, evidence: dict[str, str]) -> list[dict]:
    """One entry per observed exposure off its baseline (only when twitching=yes is observed)."""
    if evidence.get(TARGET) != "yes":
        return []
    out = []
    for spec in ranker.vocabulary.exposures:
        state = evidence.get(spec.id)
        if state is None or state == spec.baseline:
            continue
        out.append({"input": spec.id, "from": state, "to": spec.baseline,
                    "twitching_stops": twitching_stops(ranker, evidence, spec.id)})
    return out


def prepare(ranker) -> None:
    """Compile every exposure's twin network now (a few tens of ms each) rather than on
    the first what-if that needs it."""
    for spec in ranker.vocabulary.exposures:
        _twin_engine(ranker, spec.id)


def twitching_stops(ranker, evidence: dict[str, str], exposure: str) -> float:
    engine, cf = _twin_engine(ranker, exposure)
    rows = [dict(evidence), {**evidence, cf: ranker.spec.variables[TARGET].states[_absent(ranker)]}]
    post = engine.infer(engine.encode(rows))
    if post.impossible[0]:
        return float("nan")
    return float(np.clip(np.exp(post.log_evidence[1] - post.log_evidence[0]), 0.0, 1.0))


def _absent(ranker) -> int:
    node = ranker.priors.nodes[TARGET]
    return node.order[0]


def _twin_engine(ranker, exposure: str):
    cache = ranker.__dict__.setdefault("_twin_engines", {})
    if exposure not in cache:
        spec, cf = twin_spec(ranker.spec, node_tables(ranker.priors), exposure, TARGET)
        cache[exposure] = (Engine(spec, queries=[], budget=FEW_BUDGET), cf)  # always a couple of rows
    return cache[exposure]


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
        factual, counterfactual = _switches(twin, spec, name, table, exposure, changed)
        twin[name] = Variable(name, var.states, tuple(factual), _or_table(var.states, table.order, len(factual)))
        twin[_cf(name)] = Variable(_cf(name), var.states, tuple(counterfactual),
                                   _or_table(var.states, table.order, len(counterfactual)))
    return NetworkSpec(twin), _cf(target)


def _switches(twin, spec, name, table: NoisyTable, exposure, changed):
    """Add the background and per-parent switches of `name`; return the switch names
    its factual and counterfactual copies are the OR of."""
    background = f"{name}~background"
    twin[background] = Variable(background, OFF_ON, (), _bernoulli(1.0 - table.leak_cdf[0, 0]))
    factual, counterfactual = [background], [background]
    for p in table.parents:
        chance = 1.0 - table.act[p][0, :, 0]  # P(switch on | parent state)
        switch = f"{name}~from~{p}"
        if p in changed:  # the parent differs between worlds: share the noise, not the switch
            noise = f"{name}~noise~{p}"
            present = spec.variables[p].states.index("present")
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


def _reach(start: str, edges: dict[str, tuple[str, ...] | list[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen
