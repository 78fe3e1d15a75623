"""What the dashboard's expert view shows about the hand-set numbers: sliders' bounds, steps and
formats, the numbers grouped by node, readable names for nodes and numbers, table rows, the
sources behind a cause, and the network as a list. The rules an override must keep are the
library's (model.priors.overrides)."""
from __future__ import annotations

import numpy as np

from model.formatting import percent
from model.priors import Parameter, Priors
from model.ranking import BaseRanker, Ranking
from model.text import display_label, short_label

TRIAGE_NODE = "triage"


def slider_bounds(param: Parameter) -> tuple[float, float]:
    """Where a number may be moved in the session: its range, within [0, 1]."""
    return max(0.0, param.low), min(1.0, param.high)


def slider_step(param: Parameter) -> float:
    """A step about a hundredth of the range, rounded to a power of ten."""
    lo, hi = slider_bounds(param)
    return float(10.0 ** (np.floor(np.log10(hi - lo)) - 2)) if hi > lo else 0.001


def slider_format(param: Parameter) -> str:
    """A printf format showing every digit the step can reach and every digit of the file's
    value, so that the slider and its caption show the same number."""
    decimals = max(1, int(round(-np.log10(slider_step(param)))), decimals_of(param.value))
    return f"%.{decimals}f"


def decimals_of(value: float, most: int = 6) -> int:
    """The fewest decimals that write `value` exactly (at most `most`)."""
    for d in range(most + 1):
        if abs(round(value, d) - value) < 1e-12:
            return d
    return most


def shown(value: float) -> float:
    """A number for a table: six significant figures (0.8319999999999999 -> 0.832)."""
    return float(f"{value:.6g}")


def parameters_by_node(priors: Priors) -> dict[str, list[Parameter]]:
    """Every hand-set number, grouped by the network node it belongs to (triage last)."""
    groups: dict[str, list[Parameter]] = {}
    for p in priors.parameters:
        groups.setdefault(TRIAGE_NODE if p.file == "triage.toml" else p.node, []).append(p)
    order = [n for n in priors.nodes if n in groups] + [n for n in groups if n not in priors.nodes]
    return {n: groups[n] for n in order}


def node_title(priors: Priors, node: str) -> str:
    """A readable name for a node in the expert view."""
    if node == TRIAGE_NODE:
        return "Triage thresholds"
    if node in priors.causes:
        return f"Cause: {display_label(priors.causes[node])}"
    spec = priors.vocabulary.inputs.get(node)
    return f"Question: {spec.question}" if spec else node


def node_name(priors: Priors, node: str) -> str:
    """A node's name in a sentence: a cause's short label, or a question."""
    if node in priors.causes:
        return short_label(priors.causes[node])
    spec = priors.vocabulary.inputs.get(node)
    return spec.question if spec else priors.nodes[node].label or node


def _state_name(priors: Priors, node: str, state: str) -> str:
    spec = priors.vocabulary.inputs.get(node)
    return spec.label_of(state) if spec else state


TRIAGE_NAMES = {"prompt_evaluation_above": "Triage: the chance of the serious condition above which a doctor "
                                           "within days is advised",
                "see_doctor_above": "Triage: the chance of the serious condition above which a routine "
                                    "appointment is advised"}


def parameter_names(priors: Priors) -> dict[str, str]:
    """Every hand-set number's id -> a readable name (no internal ids), e.g.
    'Twitching, from Caffeine' or 'Age: share answering "Under 40"'."""
    ids = [p.id for p in priors.parameters]
    names: dict[str, str] = {}
    for key, index in priors.triage.items():
        names[ids[index]] = TRIAGE_NAMES.get(key, f"Triage: {key.replace('_', ' ')}")
    for node_id, node in priors.nodes.items():
        name = node_name(priors, node_id)
        graded = node.model == "noisy_max"

        def grade(state_index: int, node=node, node_id=node_id, graded=graded) -> str:
            return f" “{_state_name(priors, node_id, node.states[state_index])}”" if graded else ""

        for state_index, index in node.prior.items():
            names[ids[index]] = f"{name}: share answering “{_state_name(priors, node_id, node.states[state_index])}”"
        for state_index, index in node.baseline.items():
            names[ids[index]] = f"{name}{grade(state_index)}: background chance, with none of its causes"
        for parent, by_state in node.given.items():
            parent_node = priors.nodes.get(parent)
            for parent_state, by_grade in by_state.items():
                source = node_name(priors, parent)
                if parent in priors.vocabulary.inputs and parent_node is not None:
                    source += f": {_state_name(priors, parent, parent_node.states[parent_state])}"
                for state_index, index in by_grade.items():
                    names[ids[index]] = f"{name}{grade(state_index)}, from {source}"
    return {pid: names.get(pid, pid) for pid in ids}


def default_node(priors: Priors, ranking: Ranking) -> str:
    """The node the numbers tab opens on: the top cause's, which the current answers depend on."""
    groups = parameters_by_node(priors)
    return next((c.id for c in ranking.causes if c.id in groups), next(iter(groups)))


def priors_rows(priors: Priors, in_use: np.ndarray) -> list[dict]:
    """One row per hand-set number, for the expert table."""
    names = parameter_names(priors)
    return [{
        "name": names[p.id],
        "number": p.id,
        "file": p.file,
        "in file": shown(p.value),
        "in use": shown(float(in_use[i])),
        "range": f"{p.low:g} to {p.high:g}",
        "judgement": "judgement" if p.judgement else "sourced",
        "source": p.source,
        "rationale": p.rationale,
    } for i, p in enumerate(priors.parameters)]


def cause_sources(priors: Priors, cause: str) -> list[str]:
    """The sources behind a cause's numbers: its own chances and its links to what it produces."""
    indices = [i for i, p in enumerate(priors.parameters) if p.node == cause and p.file != "triage.toml"]
    for node in priors.nodes.values():
        for by_state in node.given.get(cause, {}).values():
            indices.extend(by_state.values())
    seen: dict[str, None] = {}
    for i in indices:
        seen.setdefault(priors.parameters[i].source.strip(), None)
    return [s for s in seen if s]


def network_rows(ranker: BaseRanker, ranking: Ranking) -> list[dict]:
    """The network as a list, causes in rank order: each cause's chance, what can bring it on
    (its parents) and what it can lead to (its children), in readable names."""
    priors, variables = ranker.priors, ranker.spec.variables
    children: dict[str, list[str]] = {}
    for name, var in variables.items():
        for parent in var.parents:
            children.setdefault(parent, []).append(name)
    return [{"id": c.id, "cause": display_label(c.label), "chance": percent(c.probability),
             "from": [node_name(priors, p) for p in variables[c.id].parents],
             "leads to": [node_name(priors, n) for n in children.get(c.id, [])],
             "answered": [node_name(priors, p) for p in variables[c.id].parents if p in ranking.evidence]}
            for c in ranking.causes if c.id in variables]
