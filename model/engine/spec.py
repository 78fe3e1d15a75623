"""A plain description of a discrete Bayesian network: variables, states, parents, tables.

The engine compiles from this. `spec_from_pgmpy` reads any pgmpy
DiscreteBayesianNetwork (its own state order per variable), so the engine can be
checked against pgmpy on networks nobody here wrote.
"""
from __future__ import annotations

import graphlib
import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Variable:
    name: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    table: np.ndarray  # P(variable | parents), shape (card, *parent_cards)

    @property
    def card(self) -> int:
        return len(self.states)


@dataclass(frozen=True)
class NetworkSpec:
    variables: dict[str, Variable]  # parents before children

    @property
    def names(self) -> list[str]:
        return list(self.variables)

    @cached_property
    def state_index(self) -> dict[str, dict[str, int]]:
        """Variable -> state name -> its index."""
        return {n: {s: k for k, s in enumerate(v.states)} for n, v in self.variables.items()}

    def children(self) -> dict[str, list[str]]:
        kids: dict[str, list[str]] = {n: [] for n in self.variables}
        for v in self.variables.values():
            for p in v.parents:
                kids[p].append(v.name)
        return kids


def encode_cases(spec: NetworkSpec, column: dict[str, int], cases: list[dict[str, str]]) -> np.ndarray:
    """Evidence matrix (cases, variables) of state indices, -1 for unknown, from dicts of
    state names (names must be valid)."""
    ev = np.full((len(cases), len(column)), -1, dtype=np.intp)
    index = spec.state_index
    for r, case in enumerate(cases):
        for var, state in case.items():
            ev[r, column[var]] = index[var][state]
    return ev


def spec_from_pgmpy(model) -> NetworkSpec:
    """Read a pgmpy DiscreteBayesianNetwork, aligning every table to each variable's own state order."""
    cpds = {cpd.variable: cpd for cpd in model.get_cpds()}
    states = {n: tuple(cpds[n].state_names[n]) for n in cpds}
    variables = {}
    for name in _topological(model):
        cpd = cpds[name]
        parents = tuple(cpd.variables[1:])
        table = np.asarray(cpd.get_values(), dtype=float).reshape([len(cpd.state_names[v]) for v in cpd.variables])
        for axis, v in enumerate(cpd.variables):
            local = list(cpd.state_names[v])
            if local != list(states[v]):
                table = np.take(table, [local.index(s) for s in states[v]], axis=axis)
        variables[name] = Variable(name, states[name], parents, table)
    return NetworkSpec(variables)


def spec_to_pgmpy(spec: NetworkSpec) -> Any:
    """A pgmpy DiscreteBayesianNetwork with exactly these tables and state names."""
    with warnings.catch_warnings():  # pgmpy is imported here, not at the top: it takes about a second
        warnings.simplefilter("ignore", FutureWarning)
        from pgmpy.factors.discrete import TabularCPD
        from pgmpy.models import DiscreteBayesianNetwork

    model = DiscreteBayesianNetwork()
    model.add_nodes_from(spec.names)
    for name, var in spec.variables.items():
        model.add_edges_from((p, name) for p in var.parents)
    cpds = []
    for name, var in spec.variables.items():
        parents = list(var.parents)
        cpds.append(TabularCPD(
            variable=name, variable_card=var.card, values=np.asarray(var.table).reshape(var.card, -1),
            evidence=parents or None, evidence_card=[spec.variables[p].card for p in parents] or None,
            state_names={name: list(var.states), **{p: list(spec.variables[p].states) for p in parents}}))
    model.add_cpds(*cpds)
    model.check_model()
    return model


def _topological(model) -> list[str]:
    """Parents before children (pgmpy's model is a networkx DiGraph)."""
    return list(graphlib.TopologicalSorter({n: list(model.predecessors(n)) for n in model.nodes()}).static_order())
