"""Write the network for other Bayesian-network tools: BIF, XMLBIF, XDSL (GeNIe) and NET (Hugin).

    export_network(ranker, "xdsl", "twitch.xdsl")

The files are written by pgmpy's writers, from `ranker.network`, with every state
name and every probability carried over exactly. pgmpy 1.1.2's writers need a few
corrections for that, made here:

- NET: `NETWriter` rounds every probability to 8 decimals. We write each number as
  the shortest decimal that reads back as the same double, so no precision is lost.
- XDSL: `XDSLWriter` writes 16 fixed decimals, which keeps only a few significant
  digits of a small probability. Same fix as NET.
- XDSL: GeNIe identifiers (nodes and states) must start with a letter and hold only
  letters, digits and underscores. A state that breaks the rule, such as age
  `40_to_60`, gets a letter in front (`s40_to_60`). The file lists every such
  change in a comment at the top, and `Export.renamed` returns them.
- XDSL: `XDSLWriter` places the nodes at random and sets the sample counts to 0. We
  place the nodes in three rows (answers, causes, findings), so the file is the
  same on every run, and use GeNIe's default of 10,000 samples.
- NET: a node with no parents is written `potential (A)`. Hugin's documented form
  has no trailing `|`.
- BIF, XMLBIF and XDSL carry the network's name ("twitch_causes") instead of pgmpy's
  placeholder. NET has no name.

BIF and XMLBIF are otherwise written as pgmpy writes them. Their numbers are already
the shortest exact decimals, although some use exponent notation (e.g. `3e-05`).

Reading the files back (checked in tests/readwrite/test_export.py, pgmpy 1.1.2 and pyAgrum 3.3):
- pgmpy reads all four formats back to bit-identical tables.
- pyAgrum reads XMLBIF exactly. Its parsers for BIF and NET store each probability as a
  32-bit float, which shifts posteriors by a few 1e-8, within the bound of 1.2e-6 that
  float32 rounding allows. Its XDSL reader takes the probabilities in a different
  parent order from GeNIe (and pgmpy), so tables of nodes with two or more parents are
  scrambled. For pyAgrum, use XMLBIF; pyAgrum wants such a file named `.bifxml`.
- pgmpy's NETReader rescans the whole file once per variable, so reading this 1.6 MB
  export takes about two minutes. pyAgrum reads it in a fraction of a second.
"""
from __future__ import annotations

import re
import warnings
import xml.dom.minidom as md
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..files import write_file
from ..ranking import BaseRanker

FORMATS = ("bif", "xmlbif", "xdsl", "net")
SUFFIXES = {".bif": "bif", ".xml": "xmlbif", ".xmlbif": "xmlbif", ".bifxml": "xmlbif", ".xdsl": "xdsl", ".net": "net"}
NETWORK_NAME = "twitch_causes"
GENIE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
GENIE_SAMPLES = "10000"  # GeNIe's own default for its sampling algorithms

ROWS = ("answers", "causes", "findings")
X_STEP, Y_STEP, SUB_STEP = 150, 200, 50  # layout spacing, in GeNIe's pixel units
NODE_W, NODE_H = 124, 44


@dataclass(frozen=True)
class Export:
    """What `export_network` wrote."""

    path: Path
    format: str
    nodes: int
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)  # node -> {state: id in the file}


def format_for(path: str | Path) -> str:
    """The format a file name implies (.bif, .xml/.xmlbif/.bifxml, .xdsl, .net)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: cannot tell the format from the file name; give --format, one of "
                         f"{', '.join(FORMATS)} (or name the file {', '.join(SUFFIXES)})")
    return SUFFIXES[suffix]


def check_format(fmt) -> str:
    name = str(fmt).strip().lower() if isinstance(fmt, str) else fmt
    if name not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; valid formats: {', '.join(FORMATS)} "
                         "(bif and xmlbif for pyAgrum or bnlearn, xdsl for GeNIe, net for Hugin)")
    return name


def export_network(ranker: BaseRanker, fmt: str, path: str | Path) -> Export:
    """Write `ranker.network` to `path` in format `fmt` (bif, xmlbif, xdsl, net).

    The file is replaced only once it is complete. Raises InputError for an unknown
    format or a path that cannot be written.
    """
    fmt = check_format(fmt)
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name such as {path / ('twitch.' + fmt)}")
    if not path.absolute().parent.is_dir():
        raise InputError(f"{path}: cannot write there (no folder {path.absolute().parent})")
    model = ranker.network
    if fmt in ("xdsl", "net"):
        bad = [n for n in model.nodes() if not GENIE_ID.match(str(n))]
        if bad:
            raise InputError(f"{fmt}: node ids must start with a letter and hold only letters, digits and "
                             f"underscores; these do not: {', '.join(map(str, bad))}")
    renamed: dict[str, dict[str, str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        if fmt == "bif":
            text = _bif(model)
        elif fmt == "xmlbif":
            text = _xmlbif(model)
        elif fmt == "xdsl":
            text, renamed = xdsl_document(model, layout(ranker))
        else:
            text = _net(model, layout(ranker))
    write_file(path, text)
    return Export(path, fmt, len(model.nodes()), renamed)


# ---------------------------------------------------------------------- numbers and ids
def exact(x: float) -> str:
    """The shortest plain decimal (no exponent) that reads back as exactly `x`."""
    return np.format_float_positional(float(x), unique=True, trim="0")


def genie_ids(states) -> dict[str, str]:
    """state name -> a GeNIe-valid id, for every state that needs one (distinct within the node)."""
    taken = {str(s) for s in states if GENIE_ID.match(str(s))}
    out = {}
    for s in map(str, states):
        if GENIE_ID.match(s):
            continue
        base = "s" + re.sub(r"[^A-Za-z0-9_]", "_", s)
        new, k = base, 2
        while new in taken:
            new, k = f"{base}_{k}", k + 1
        taken.add(new)
        out[s] = new
    return out


# ---------------------------------------------------------------------- layout and labels
def layout(ranker: BaseRanker) -> dict[str, tuple[float, float]]:
    """(x, y) per node in three bands: answers (context and exposures), causes, findings.

    A node whose parent sits in its own band drops a little below that parent, so no
    arrow runs along a band. Causes and findings sit in the order of their parents' mean
    position, which keeps arrows short. Every band is centred on the widest one. y grows
    downwards, the screen and GeNIe convention."""
    role = node_roles(ranker)
    spec = ranker.spec.variables
    depth: dict[str, int] = {}
    for name in ranker.spec.names:  # parents come first
        same = [depth[p] + 1 for p in spec[name].parents if role[p] == role[name]]
        depth[name] = max(same, default=0)
    x: dict[str, float] = {}
    rows = {}
    for r in ROWS:
        members = [n for n in ranker.spec.names if role[n] == r]

        def anchor(name: str) -> float:
            xs = [x[p] for p in spec[name].parents if p in x]
            return float(np.mean(xs)) if xs else float("inf")

        rows[r] = sorted(members, key=lambda n: (anchor(n), members.index(n))) if r != "answers" else members
        for i, name in enumerate(rows[r]):
            x[name] = float(i * X_STEP)
    widest = max(len(m) for m in rows.values())
    pos = {}
    for band, r in enumerate(ROWS):
        shift = (widest - len(rows[r])) * X_STEP / 2
        for name in rows[r]:
            pos[name] = (x[name] + shift, float(band * Y_STEP + depth[name] * SUB_STEP))
    return pos


def node_roles(ranker: BaseRanker) -> dict[str, str]:
    """node -> "answers" (context, exposures), "causes" or "findings" (symptoms, blood tests)."""
    return {n: ranker.vocabulary.role_of(n) + "s" for n in ranker.spec.names}


# ---------------------------------------------------------------------- the four writers
# (pgmpy is imported where it is used, not at the top: it takes about a second to import)
def _bif(model) -> str:
    from pgmpy.readwrite import BIFWriter

    writer = BIFWriter(model)
    writer.network_name = NETWORK_NAME
    return str(writer)


def _xmlbif(model) -> str:
    from pgmpy.readwrite import XMLBIFWriter

    writer = XMLBIFWriter(model)
    writer.network.find("NAME").text = NETWORK_NAME
    return str(writer)


def xdsl_document(model, pos) -> tuple[str, dict[str, dict[str, str]]]:

    from pgmpy.readwrite import XDSLWriter
    from pgmpy.utils import compat_fns

    writer = XDSLWriter(model, network_id=NETWORK_NAME, num_samples=GENIE_SAMPLES, disc_samples=GENIE_SAMPLES)
    renamed: dict[str, dict[str, str]] = {}
    for var, cpd in writer.cpds.items():
        cpt = writer.variables[var]
        ids = genie_ids(cpd.state_names[var])
        if ids:
            renamed[var] = ids
            for state in cpt.findall("state"):
                state.set("id", ids.get(state.get("id"), state.get("id")))
        cpt.find("probabilities").text = " ".join(exact(x) for x in compat_fns.ravel_f(cpd.get_values()))
    for node in writer.root.find("extensions").find("genie").findall("node"):
        x, y = pos[node.get("id")]  # <name> stays the id: pyAgrum names its variables by it
        node.find("position").text = f"{int(x)} {int(y)} {int(x) + NODE_W} {int(y) + NODE_H}"
    note = [f"Written by twitch-causes (pgmpy XDSLWriter): {len(writer.cpds)} nodes, probabilities exact."]
    if renamed:
        note.append("State ids changed to GeNIe identifiers (the model's state name -> the id used here): "
                    + "; ".join(f"{v}: {s} -> {i}" for v, ids in renamed.items() for s, i in ids.items()) + ".")
    writer.root.insert(0, etree.Comment(" " + " ".join(note) + " "))
    pretty = md.parseString(etree.tostring(writer.root, encoding="utf-8")).toprettyxml(indent="    ", encoding="utf-8")
    return pretty.decode("utf-8"), renamed


def _net(model, pos) -> str:
    from pgmpy.readwrite import NETWriter

    class ExactNETWriter(NETWriter):
        def net_cpd(self, var_name):  # pgmpy rounds to 8 decimals here
            table = np.moveaxis(np.asarray(self.tables[var_name], dtype=float), 0, -1)
            return _nested(table)

        def get_properties(self):  # Hugin's node position instead of the graph's attributes
            return {v: [f"position = ({int(pos[v][0])} {int(pos[v][1])})"] for v in self.model.nodes()}

    text = str(ExactNETWriter(model))
    return re.sub(r"^potential \((\S+) \|\)", r"potential (\1)", text, flags=re.MULTILINE)


def _nested(table: np.ndarray) -> str:
    """Hugin's nested-parentheses data: one group per parent state, the child's states innermost."""
    if table.ndim == 1:
        return "(" + " ".join(exact(x) for x in table) + ")"
    return "(" + "\n  ".join(_nested(sub) for sub in table) + ")"


__all__ = ["export_network", "Export", "FORMATS", "format_for", "exact", "genie_ids", "layout", "node_roles"]
