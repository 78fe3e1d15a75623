"""The network as a Graphviz DOT picture: answers, causes and findings, with this case highlighted."""
from __future__ import annotations

from ..formatting import percent
from ..ranking import BaseRanker, Ranking
from .labels import short_label

OBSERVED = {"style": "filled,rounded", "fillcolor": "#dbeafe", "color": "#1d4ed8", "penwidth": "2"}
TOP_CAUSE = {"style": "filled", "fillcolor": "#fef3c7", "color": "#b45309", "penwidth": "2"}
PLAIN_INPUT = {"style": "rounded", "color": "#9ca3af", "fontcolor": "#4b5563"}
PLAIN_CAUSE = {"color": "#9ca3af", "fontcolor": "#4b5563"}
STRONG_EDGE = {"color": "#374151", "penwidth": "1.4"}
FAINT_EDGE = {"color": "#d1d5db"}
SHORT_NAMES = {"ssri": "SSRI", "twitch_duration": "Duration", "numbness_tingling": "Numbness, tingling",
               "speech_swallowing": "Speech, swallowing"}
GROUPS = ("answers", "causes", "findings")  # left to right


def network_dot(ranker: BaseRanker, ranking: Ranking, top: int = 3) -> str:
    """DOT source for the ranker's network; `ranking`'s answers and its `top` causes are highlighted.

    Left to right: the person's background and possible triggers, the causes, then the
    symptoms and blood tests they produce.
    """
    vocab = ranker.vocabulary
    evidence = ranking.evidence
    probability = {c.id: c.probability for c in ranking.causes}
    leaders = {c.id for c in ranking.causes[:top]}
    part = {name: _group(name, ranker) for name in ranker.spec.variables}
    lines = ["digraph network {",
             '  graph [rankdir=LR, nodesep=0.08, ranksep=0.9, fontname="Helvetica"];',
             '  node [shape=box, fontname="Helvetica", fontsize=10, margin="0.08,0.03", height=0.3];',
             '  edge [arrowsize=0.5];']
    for group in GROUPS:
        members = [n for n in ranker.spec.variables if part[n] == group]
        for name in members:
            if group == "causes":
                label = f"{short_label(ranker.priors.causes[name])}\n{percent(probability[name])}"
                style = TOP_CAUSE if name in leaders else PLAIN_CAUSE
                lines.append(f"  {quote(name)} [{_attrs({'label': label, 'shape': 'ellipse', **style})}];")
            else:
                label = SHORT_NAMES.get(name, name.replace("_", " ").capitalize())
                if name in evidence:
                    label += "\n= " + _clip(vocab.inputs[name].label_of(evidence[name]))
                style = OBSERVED if name in evidence else PLAIN_INPUT
                lines.append(f"  {quote(name)} [{_attrs({'label': label, **style})}];")
        if group != "causes":  # answers in the first column, findings in the last; causes in between
            rank = "source" if group == "answers" else "sink"
            lines.append(f"  {{rank={rank}; {'; '.join(quote(n) for n in members)};}}")
    highlighted = set(evidence) | leaders
    for name, var in ranker.spec.variables.items():
        for parent in var.parents:
            style = STRONG_EDGE if {parent, name} & highlighted else FAINT_EDGE
            lines.append(f"  {quote(parent)} -> {quote(name)} [{_attrs(style)}];")
    lines.append("}")
    return "\n".join(lines)


def _group(name: str, ranker: BaseRanker) -> str:
    return ranker.vocabulary.role_of(name) + "s"


def quote(text: str) -> str:
    """A DOT double-quoted string (backslashes and quotes escaped, newlines as \\n)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def _attrs(attrs: dict[str, str]) -> str:
    return ", ".join(f"{k}={quote(v)}" for k, v in attrs.items())


def _clip(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
