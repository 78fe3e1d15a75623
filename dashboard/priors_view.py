"""What the dashboard's expert view shows about the hand-set numbers: sliders' bounds, steps and
formats, the numbers grouped by node, readable node titles, table rows and the sources behind a
cause. The rules an override must keep are the library's (model.priors.overrides)."""
from __future__ import annotations

import numpy as np

from model.priors import Parameter, Priors
from model.text import display_label

TRIAGE_NODE = "triage"


def slider_bounds(param: Parameter) -> tuple[float, float]:
    """Where a number may be moved in the session: its range, within [0, 1]."""
    return max(0.0, param.low), min(1.0, param.high)


def slider_step(param: Parameter) -> float:
    """A step about a hundredth of the range, rounded to a power of ten."""
    lo, hi = slider_bounds(param)
    return float(10.0 ** (np.floor(np.log10(hi - lo)) - 2)) if hi > lo else 0.001


def slider_format(param: Parameter) -> str:
    """A printf format showing every digit the step can reach."""
    decimals = max(1, int(round(-np.log10(slider_step(param)))))
    return f"%.{decimals}f"


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


def priors_rows(priors: Priors, in_use: np.ndarray) -> list[dict]:
    """One row per hand-set number, for the expert table."""
    return [{
        "number": p.id,
        "file": p.file,
        "in file": p.value,
        "in use": float(in_use[i]),
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
