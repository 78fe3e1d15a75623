"""The reference methods, each built once and then only given new evidence.

- the junction tree: the project's engine before issue 12 (`model.engine.Engine`, built
  as `Engine(ranker.spec, queries=ranker.causes)`), behind the same ranker, so that
  `rank()` and `rank_frame` through it differ from the project's only by the engine.

- pgmpy: `VariableElimination` on `ranker.network`, all cause marginals in one
  `query(..., joint=False)` per case.
- pyAgrum: `LazyPropagation` on the same network, exported with pgmpy's `BIFWriter`
  and read with `pyagrum.loadBN`; the causes are its only targets; each case replaces
  the evidence (`setEvidence`) and runs `makeInference`. The BIF file gives pyAgrum the
  structure and the state labels (checked against pgmpy's, in order); the tables are
  then copied from pgmpy in double precision, because pyAgrum's BIF reader keeps
  single precision (the rounding is measured and reported).

Run as a script it streams a CSV of cases through one of them, like
`twitch-causes batch` does with the project engine, so its peak memory can be
measured in a process of its own:

    python benchmarks/_refs.py pgmpy|pyagrum NETWORK.bif CASES.csv OUT.csv ROWS
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)


def junction_tree_ranker(ranker):
    """A `model.Ranker` on the same priors, tables and spec whose engine is the junction
    tree: today's `rank()` / `rank_frame` pipeline with the engine of before issue 12."""
    from model import Ranker
    from model.engine import Engine
    from model.ranking import Compiled

    class JunctionTreeRanker(Ranker):
        def __init__(self):
            super().__init__(ranker.priors)
            self._jt = Compiled(ranker.tables, ranker.spec, Engine(ranker.spec, queries=ranker.causes))

        @property
        def compiled(self) -> Compiled:
            return self._jt

    return JunctionTreeRanker()


class PgmpyReference:
    name = "pgmpy VE"

    def __init__(self, network, causes: list[str]):
        from pgmpy.inference import VariableElimination

        self.causes = list(causes)
        self.infer = VariableElimination(network)  # runs check_model() once, here
        self.present = {c: network.get_cpds(c).state_names[c].index("present") for c in self.causes}

    def marginals(self, case: dict[str, str]) -> np.ndarray:
        """P(cause = present | case) for every cause, in `causes` order."""
        result = self.infer.query(self.causes, evidence=case, joint=False, show_progress=False)
        return np.array([result[c].values[self.present[c]] for c in self.causes])


class PyAgrumReference:
    name = "pyAgrum LP"

    def __init__(self, bif: str | Path, causes: list[str], network=None):
        import pyagrum as gum

        self.causes = list(causes)
        self.bn = gum.loadBN(str(bif))
        self.bif_rounding = None
        if network is not None:  # same nodes, parents and labels; then the tables in full precision
            self.bif_rounding = check_same_network(network, self.bn, tables=False)
            refill_tables(network, self.bn)
            check_same_network(network, self.bn)
        self.engine = gum.LazyPropagation(self.bn)
        self.engine.setTargets(set(self.causes))
        self.present = {c: self.bn.variable(c).index("present") for c in self.causes}

    def marginals(self, case: dict[str, str]) -> np.ndarray:
        self.engine.setEvidence(case)  # replaces the previous case's evidence
        self.engine.makeInference()
        return np.array([self.engine.posterior(c).toarray()[self.present[c]] for c in self.causes])


def write_bif(network, path: Path) -> Path:
    from pgmpy.readwrite import BIFWriter

    BIFWriter(network).write(str(path))
    return path


def _layout(cpd, tensor) -> list[int]:
    """Axes of pgmpy's table (child, *evidence) in the order of pyAgrum's `toarray()`,
    whose axes are the tensor's variables reversed (its first variable varies fastest)."""
    order = [tensor.variable(i).name() for i in range(tensor.nbrDim())]
    axes = [cpd.variable, *cpd.variables[1:]]
    return [axes.index(v) for v in reversed(order)]


def refill_tables(network, bn) -> None:
    """Copy pgmpy's tables into pyAgrum's (same layout as `toarray()`, in float64).

    pyAgrum's BIF reader keeps single precision (0.4 is read as 0.40000001), which
    would put its answers ~1e-8 away from pgmpy's; the BIF file still gives the
    structure and the state labels."""
    for node in network.nodes():
        cpd, tensor = network.get_cpds(node), bn.cpt(node)
        tensor.fillWith(np.transpose(cpd.values, _layout(cpd, tensor)).ravel().tolist())


def check_same_network(network, bn, tables: bool = True) -> float:
    """Same nodes, parents, state labels in the same order (and, if `tables`, the same
    tables to 1e-12); returns the largest table difference. Raises AssertionError
    naming the first mismatch."""
    names = set(network.nodes())
    assert names == set(bn.names()), f"nodes differ: {sorted(names ^ set(bn.names()))}"
    worst = 0.0
    for node in network.nodes():
        cpd = network.get_cpds(node)
        labels = list(bn.variable(node).labels())
        assert labels == list(cpd.state_names[node]), f"{node}: states {labels} != {cpd.state_names[node]}"
        parents = sorted(bn.variable(p).name() for p in bn.parents(node))
        assert parents == sorted(network.get_parents(node)), f"{node}: parents differ"
        tensor = bn.cpt(node)
        mine = np.transpose(cpd.values, _layout(cpd, tensor))
        worst = max(worst, float(np.abs(tensor.toarray() - mine).max()))
    assert worst < 1e-12 or not tables, f"tables differ by {worst}"
    return worst


def _stream(method: str, bif: str, source: str, target: str, rows: int) -> None:
    """Rank the first `rows` cases of `source` into `target` with a reference method."""
    from model import load_ranker

    ranker = load_ranker()
    causes = ranker.causes
    network = ranker.network
    ref = PgmpyReference(network, causes) if method == "pgmpy" else PyAgrumReference(bif, causes, network)
    start = time.perf_counter()
    done = 0
    with open(source, encoding="utf-8", newline="") as inp, open(target, "w", encoding="utf-8", newline="") as out:
        reader, writer = csv.reader(inp), csv.writer(out)
        header = next(reader)
        writer.writerow(header + causes)
        for row in reader:
            if done >= rows:
                break
            case = {k: v for k, v in zip(header, row, strict=True) if v}
            writer.writerow(row + [repr(float(p)) for p in ref.marginals(case)])
            done += 1
    print(f"{done} {time.perf_counter() - start:.6f}")


if __name__ == "__main__":
    _stream(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
