"""The network picture (model/graph.py): every node and arrow, this case highlighted, valid DOT."""
import re

import pytest

from model import rank
from model.formatting import percent
from model.text.graph import OBSERVED, TOP_CAUSE, network_dot, quote
from model.text.labels import short_label

NODE = re.compile(r'^\s*"(?P<id>[^"]+)" \[(?P<attrs>.*)\];$')
EDGE = re.compile(r'^\s*"(?P<a>[^"]+)" -> "(?P<b>[^"]+)" \[(?P<attrs>.*)\];$')
ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
CASE = {"caffeine": "high", "twitching": "yes", "age": "under_40"}


def parse(dot: str):
    nodes, edges = {}, set()
    for line in dot.splitlines():
        if m := EDGE.match(line):
            edges.add((m["a"], m["b"]))
        elif m := NODE.match(line):
            assert m["id"] not in nodes, f"node {m['id']} drawn twice"
            nodes[m["id"]] = dict(ATTR.findall(m["attrs"]))
    return nodes, edges


@pytest.fixture(scope="module")
def drawn(ranker):
    ranking = rank(CASE)
    return ranking, *parse(network_dot(ranker, ranking))


def test_every_node_and_arrow_of_the_network(ranker, drawn):
    ranking, nodes, edges = drawn
    assert set(nodes) == set(ranker.spec.variables)
    expected = {(p, name) for name, var in ranker.spec.variables.items() for p in var.parents}
    assert edges == expected


def test_answers_are_highlighted_with_their_state(ranker, drawn):
    _, nodes, _ = drawn
    for name, attrs in nodes.items():
        observed = attrs.get("fillcolor") == OBSERVED["fillcolor"]
        assert observed == (name in CASE), name
    assert "4+ cups, or energy drinks" in nodes["caffeine"]["label"]


def test_top_causes_are_highlighted_with_their_probability(ranker, drawn):
    ranking, nodes, _ = drawn
    top = {c.id for c in ranking.causes[:3]}
    for cause in ranker.causes:
        assert (nodes[cause].get("fillcolor") == TOP_CAUSE["fillcolor"]) == (cause in top), cause
    caffeine = nodes["caffeine_effect"]["label"]
    assert caffeine == f"Caffeine\\n{percent(ranking.probability('caffeine_effect'))}"


def test_labels_are_short_and_calm(ranker, drawn):
    _, nodes, _ = drawn
    assert "high-priority" not in nodes["neuromuscular_disease"]["label"]
    assert short_label("Nerve irritation or compression (sitting, lower-spine nerve root)") == "Nerve irritation or compression"


def test_quoting_escapes_what_dot_would_misread():
    assert quote('say "hi"\\ now\nnext') == '"say \\"hi\\"\\\\ now\\nnext"'


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's use of old pyparsing names
def test_the_dot_parses(ranker, drawn):
    pydot = pytest.importorskip("pydot")
    graphs = pydot.graph_from_dot_data(network_dot(ranker, drawn[0]))
    assert graphs and len(graphs[0].get_edges()) == len(drawn[2])
