"""Benchmark the project engine against its junction tree, pgmpy and pyAgrum on the project's network.

    .venv/bin/python benchmarks/run.py            # the full run (make bench), several minutes
    .venv/bin/python benchmarks/run.py --quick    # tiny sizes, seconds: checks it all works
    .venv/bin/python benchmarks/run.py --mix uniform   # one mix only

One run, both mixes of cases ("realistic": forward-sampled; "uniform": every answer drawn
uniformly; 40% of answers hidden in both), the same seeded cases for every method (see
benchmarks/README.md): `rank_frame` throughput, single-case latency of `rank()` and of the
engine call, the per-row cost spread, `rank(detail=True)` and what it is made of, the worst
case, exactness against pgmpy and a long-double brute force, peak memory of
`twitch-causes batch` on a generated CSV, and the fresh-process ready time, side by side
with the junction tree (the engine before issue 12), pgmpy VariableElimination and pyAgrum
LazyPropagation, each target printed PASS or FAIL.
Exit status: 0 done (whatever the targets say; --strict: 1 when one fails),
1 when the methods disagree (more than 1e-9 from pgmpy, 1e-12 relative from long double).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy: one BLAS thread
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # _cases, _refs; tests.engine.noisy_support (the long-double reference)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _cases import case_dicts, case_frame, worst_cases, write_csv  # noqa: E402
from _refs import PgmpyReference, PyAgrumReference, junction_tree_ranker, write_bif  # noqa: E402

import model  # noqa: E402
from model.batch.frame import CHUNK as FRAME_CHUNK  # noqa: E402
from model.batch.frame import encode_frame  # noqa: E402
from model.engine import NoisyKernel  # noqa: E402
from model.engine import noisy as noisy_module  # noqa: E402

MIXES = ("realistic", "uniform")
AGREEMENT = 1e-9  # max |difference| of P(cause present) to pgmpy
LONG_DOUBLE = 1e-12  # max relative difference of every posterior entry to the long-double brute force
JT_CHUNK = 4096  # the junction tree's rows per call, as rank_frame called it before issue 12
ONE_THREAD_CHUNK = 4096  # below the kernel's PARALLEL_ROWS: each call runs on one thread
LATENCY_BLOCK = 100  # single-case latency: cases per block of the interleaving
COPIES = 64  # a row repeated this many times in one engine call gives its cost without the call's overhead

# Targets of issue 12 (and the earlier memory target).
T_FRAME = {"realistic": 500_000, "uniform": 200_000}  # rank_frame cases/s
T_MEDIAN_US = 25.0  # rank() median, realistic
T_VS_PGMPY = 100.0  # rank() median at least this many times below pgmpy VE's, realistic
T_P95_US = 50.0  # rank() p95, uniform
T_SPREAD = 3.0  # max row cost / median row cost
T_DETAIL_MS = 5.0  # rank(detail=True) median
T_MEMORY_MB = 500  # twitch-causes batch peak RSS on 10^6 rows
T_READY_S = 1.0  # fresh process: import + first rank, numba cache warm ("about a second")

FULL = dict(batch=100_000, repeats=5, batch_jt=20_000, batch_pgmpy=200, batch_pyagrum=300,
            single=1000, single_jt=300, single_pgmpy=200, single_pyagrum=300,
            rows=2000, detail=20, detail_pgmpy=3, draws_timed=3, exact=100, worst_calls=200,
            csv_rows=1_000_000, csv_ref_rows=300, ready=5, plain_rows=200)
QUICK = dict(batch=2_000, repeats=1, batch_jt=500, batch_pgmpy=8, batch_pyagrum=8,
             single=30, single_jt=8, single_pgmpy=8, single_pyagrum=8,
             rows=30, detail=2, detail_pgmpy=1, draws_timed=1, exact=5, worst_calls=5,
             csv_rows=3_000, csv_ref_rows=5, ready=1, plain_rows=5)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key, None) is not None:
            sizes[key] = getattr(args, key)
    for ref in ("single_jt", "single_pgmpy", "single_pyagrum"):
        sizes[ref] = min(sizes[ref], sizes["single"])
    for ref in ("batch_jt", "batch_pgmpy", "batch_pyagrum"):
        sizes[ref] = min(sizes[ref], sizes["batch"])
    return Bench(args, sizes).run()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run; figures mean nothing)")
    p.add_argument("--mix", choices=(*MIXES, "both"), default="both", help="which mix of cases (default both)")
    p.add_argument("--seed", type=int, default=0, help="seed of the cases (default 0)")
    p.add_argument("--mask", type=float, default=0.4, help="share of answers left unknown (default 0.4)")
    p.add_argument("--batch", type=int, help="cases ranked by rank_frame (default 10^5)")
    p.add_argument("--repeats", type=int, help="interleaved throughput runs (the median is reported)")
    p.add_argument("--batch-jt", type=int, help="of those, ranked through the junction tree (default 20,000)")
    p.add_argument("--batch-pgmpy", type=int, help="cases in pgmpy's throughput sample")
    p.add_argument("--batch-pyagrum", type=int, help="cases in pyAgrum's throughput sample")
    p.add_argument("--single", type=int, help="cases timed one by one through rank()")
    p.add_argument("--single-jt", type=int, help="of those, timed through the junction tree")
    p.add_argument("--single-pgmpy", type=int, help="of those, timed through pgmpy")
    p.add_argument("--single-pyagrum", type=int, help="of those, timed through pyAgrum")
    p.add_argument("--rows", type=int, help="rows whose kernel cost is measured one by one (default 2000)")
    p.add_argument("--detail", type=int, help="cases timed through rank(case, detail=True)")
    p.add_argument("--exact", type=int, help="cases per mix checked against the long-double brute force")
    p.add_argument("--csv-rows", type=int, help="rows of the CSV given to `twitch-causes batch` (default 10^6)")
    p.add_argument("--csv-ref-rows", type=int, help="rows the references stream for their memory figure")
    p.add_argument("--ready", type=int, help="fresh processes timed for the ready time (default 5)")
    p.add_argument("--cold", action="store_true",
                   help="also time one fresh process with an empty numba cache (compiles the kernel: 15-40 s)")
    p.add_argument("--json", metavar="PATH", help="also write every figure to PATH as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    return p


class Bench:
    def __init__(self, args, sizes):
        self.args, self.sizes = args, sizes
        self.mixes = MIXES if args.mix == "both" else (args.mix,)
        self.results: dict = {"sizes": sizes, "mixes": {}, "notes": [], "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                                                              time.gmtime())}
        self.notes: list[str] = self.results["notes"]

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        a, s = self.args, self.sizes
        r = self.results
        r["machine"] = machine()
        r["load_average"] = {"start": os.getloadavg()}
        ranker = model.load_ranker()
        self.kernel = ranker.engine if isinstance(ranker.engine, NoisyKernel) else None
        r["engine"] = {"class": type(ranker.engine).__name__, "jit": noisy_module.JIT,
                       "structure": self.kernel.info if self.kernel else None}
        start = time.perf_counter()
        jt = junction_tree_ranker(ranker)
        r["engine"]["junction_tree_build_s"] = time.perf_counter() - start
        start = time.perf_counter()
        network = ranker.network
        r["network_build_s"] = time.perf_counter() - start
        self.causes = ranker.causes
        with tempfile.TemporaryDirectory(prefix="twitch-bench-") as tmp:
            tmp = Path(tmp)
            bif = write_bif(network, tmp / "network.bif")
            pgmpy_ref = PgmpyReference(network, self.causes)
            pyagrum_ref = PyAgrumReference(bif, self.causes, network)
            r["bif_rounding"] = pyagrum_ref.bif_rounding
            refs = {"jt": jt, "pgmpy": pgmpy_ref, "pyagrum": pyagrum_ref}
            for mix in self.mixes:
                m = r["mixes"][mix] = {"agreement": {}, "reference_agreement": {}, "exactness": {}}
                frame = case_frame(ranker, s["batch"], a.seed, a.mask, mix == "uniform")
                singles = case_dicts(frame.head(s["single"]))
                self.throughput(m, ranker, refs, frame)
                self.single_case(m, ranker, refs, singles)
                self.row_costs(m, ranker, frame.head(s["rows"]))
                self.detail(m, ranker, singles[: s["detail"]])
                self.exactness(m, ranker, frame.head(s["exact"]))
            self.worst(ranker, refs)
            for mix in self.mixes:
                self.memory(r["mixes"][mix], ranker, tmp, bif, mix)
            self.ready(tmp)
        r["load_average"]["end"] = os.getloadavg()
        agreement = [v for m in r["mixes"].values() for v in m["agreement"].values()]
        agreement += [m["reference_agreement"]["pyAgrum vs pgmpy"] for m in r["mixes"].values()]
        agreement += list(r["worst"]["agreement"].values())
        relative = [m["exactness"]["max_rel_vs_long_double"] for m in r["mixes"].values()]
        relative.append(r["worst"]["exactness"]["max_rel_vs_long_double"])
        r["agreement_ok"] = bool(all(v <= AGREEMENT for v in agreement))
        r["long_double_ok"] = bool(all(v <= LONG_DOUBLE for v in relative))
        targets = self.targets()
        print(self.table(targets))
        if a.json:
            Path(a.json).write_text(json.dumps(r, indent=2, default=_jsonable))
        if not (r["agreement_ok"] and r["long_double_ok"]):
            return 1
        return 1 if a.strict and not all(ok for ok, _ in targets) else 0

    # ------------------------------------------------------------------ figures
    def throughput(self, m, ranker, refs, frame):
        """rank_frame and the engine calls inside it, interleaved run by run with the junction tree."""
        s = self.sizes
        jt = refs["jt"]
        ev = np.ascontiguousarray(encode_frame(ranker, frame).evidence, dtype=np.int64)
        sub, ev_sub = frame.head(s["batch_jt"]), ev[: s["batch_jt"]]
        engine = ranker.engine

        def chunked(infer, rows, chunk, **kw):
            return lambda: [infer(rows[i:i + chunk], **kw) for i in range(0, len(rows), chunk)]

        runs = {
            "rank_frame": lambda: ranker.rank_frame(frame),
            "jt_rank_frame": lambda: jt.rank_frame(sub, chunk=JT_CHUNK),
            "encode_frame": lambda: encode_frame(ranker, frame),
            "engine": chunked(engine.infer, ev, FRAME_CHUNK),
            "engine_one_thread": chunked(engine.infer, ev, ONE_THREAD_CHUNK),
            "jt_engine": chunked(jt.engine.infer, ev_sub, JT_CHUNK, layout="batch"),
        }
        sizes = {"rank_frame": len(frame), "jt_rank_frame": len(sub), "encode_frame": len(frame), "engine": len(ev),
                 "engine_one_thread": len(ev), "jt_engine": len(ev_sub)}
        ranker.rank_frame(frame.head(1000))  # warm every path once
        jt.rank_frame(frame.head(200), chunk=JT_CHUNK)
        times: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(s["repeats"]):  # A B C D E, A B C D E, ...: the same load for all
            for name, fn in runs.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        rates = {k: sizes[k] / float(np.median(v)) for k, v in times.items()}
        out = ranker.rank_frame(frame)
        probs = out[self.causes].to_numpy()
        jt_probs = jt.rank_frame(sub, chunk=JT_CHUNK)[self.causes].to_numpy()
        for name, n in (("pgmpy", s["batch_pgmpy"]), ("pyagrum", s["batch_pyagrum"])):
            rows = case_dicts(frame.head(n))
            start = time.perf_counter()
            got = np.array([refs[name].marginals(c) for c in rows])  # from the frame, like rank_frame
            rates[name] = n / (time.perf_counter() - start)
            m["agreement"][f"rank_frame vs {name}"] = _maxdiff(probs[:n], got)
        m["jt_vs_kernel_max_abs"] = _maxdiff(probs[: len(sub)], jt_probs)
        m["throughput"] = {"cases_per_s": rates, "runs_s": times, "sizes": sizes}

    def single_case(self, m, ranker, refs, cases):
        """Interleaved in blocks of LATENCY_BLOCK cases: model.rank(), ranker.rank() and the
        engine call on every case of the block, then the junction tree's rank(), pgmpy and
        pyAgrum on their share of it (the first cases of each block), each call timed. Blocks
        keep each method warm (a call right after another library's is a cold-cache call,
        reported apart) while load drifts evenly over all methods."""
        s = self.sizes
        causes, engine, jt = self.causes, ranker.engine, refs["jt"]
        n = len(cases)
        rows = [np.ascontiguousarray(engine.encode([c]), dtype=np.int64) for c in cases]
        for case, row in zip(cases[:20], rows[:20], strict=False):  # warm every path once
            model.rank(case), ranker.rank(case), engine.infer(row), jt.rank(case)
        for case in cases[:3]:
            refs["pgmpy"].marginals(case), refs["pyagrum"].marginals(case)
        calls = {
            "rank": lambda i: model.rank(cases[i]),
            "ranker_rank": lambda i: ranker.rank(cases[i]),
            "engine": lambda i: engine.infer(rows[i]),
            "jt": lambda i: jt.rank(cases[i]),
            "pgmpy": lambda i: refs["pgmpy"].marginals(cases[i]),
            "pyagrum": lambda i: refs["pyagrum"].marginals(cases[i]),
        }
        block = min(LATENCY_BLOCK, n)
        blocks = -(-n // block)
        share = {k: -(-s[f"single_{k}"] // blocks) for k in ("jt", "pgmpy", "pyagrum")}
        times: dict[str, list[float]] = {k: [] for k in calls}
        got: dict[str, dict[int, list]] = {k: {} for k in ("rank", "jt", "pgmpy", "pyagrum")}
        first: list[float] = []  # rank() just after the references ran
        clock = time.perf_counter
        for b in range(0, n, block):
            for name, fn in calls.items():
                for i in range(b, min(b + share.get(name, block), b + block, n)):
                    begin = clock()
                    result = fn(i)
                    times[name].append(clock() - begin)
                    if name == "rank" and i == b and b > 0:
                        first.append(times[name][-1])
                    if name in ("rank", "jt"):
                        got[name][i] = [result.probability(c) for c in causes]
                    elif name in got:
                        got[name][i] = list(result)
        m["latency_ms"] = {k: _stats(np.array(v)) for k, v in times.items()}
        m["latency_ms"]["rank_after_references"] = _stats(np.array(first or [np.nan]))

        def diff(a: str, b: str) -> float:
            both = sorted(set(got[a]) & set(got[b]))
            return _maxdiff([got[a][i] for i in both], [got[b][i] for i in both])

        m["agreement"]["rank() vs pgmpy"] = diff("rank", "pgmpy")
        m["agreement"]["rank() vs pyAgrum"] = diff("rank", "pyagrum")
        m["reference_agreement"]["pyAgrum vs pgmpy"] = diff("pyagrum", "pgmpy")
        m["reference_agreement"]["junction tree rank() vs pgmpy"] = diff("jt", "pgmpy")

    def row_costs(self, m, ranker, frame):
        """Each row's own cost: the row repeated COPIES times in one engine call (one thread),
        best of 3, divided by COPIES; grouped by the positive product findings it has."""
        engine = ranker.engine
        ev = np.ascontiguousarray(encode_frame(ranker, frame).evidence, dtype=np.int64)
        costs = np.empty(len(ev))
        for i, row in enumerate(ev):
            block = np.repeat(row[None], COPIES, axis=0)
            best = np.inf
            for _ in range(3):
                start = time.perf_counter()
                engine.infer(block)
                best = min(best, time.perf_counter() - start)
            costs[i] = best / COPIES
        out = {"n": len(ev), "median_us": float(np.median(costs) * 1e6), "p99_us": float(np.percentile(costs, 99) * 1e6),
               "max_us": float(costs.max() * 1e6), "max_over_median": float(costs.max() / np.median(costs)),
               "p99_over_median": float(np.percentile(costs, 99) / np.median(costs))}
        if self.kernel is not None:
            from tests.engine.noisy_support import positive_count

            positives = positive_count(self.kernel, ev)
            out["by_positive_findings"] = {int(k): {"rows": int((positives == k).sum()),
                                                    "median_us": float(np.median(costs[positives == k]) * 1e6)}
                                           for k in np.unique(positives)}
        m["row_cost"] = out

    def detail(self, m, ranker, cases):
        """rank(detail=True), twice over the cases (the first pass also builds what the
        analyses keep per ranker), and its parts on the second pass."""
        from _detail_pgmpy import detail_through_pgmpy

        from model.analyses import how_sure, next_questions, what_if
        from model.analyses.uncertainty import DRAWS, SEED, _draws

        if not cases:
            return
        engine = ranker.engine
        model.rank(cases[0], detail=True)  # the what-if networks and the prior draws, once per ranker
        first = _timed(lambda c: model.rank(c, detail=True), cases)
        _, prepared = _draws(ranker, DRAWS, SEED)
        steps = {  # (case, its row repeated once per draw, its posteriors)
            "total": lambda case, draws, probs: model.rank(case, detail=True),
            "ranking": lambda case, draws, probs: model.rank(case),
            "how_sure": lambda case, draws, probs: how_sure(ranker, case, probs),
            "draws_engine_call": lambda case, draws, probs: engine.infer(draws, prepared),
            "what_if": lambda case, draws, probs: what_if(ranker, case),
            "next_questions": lambda case, draws, probs: next_questions(ranker, case),
        }
        parts: dict[str, list[float]] = {k: [] for k in steps}
        clock = time.perf_counter
        for case in cases:
            draws = np.repeat(np.ascontiguousarray(engine.encode([case]), dtype=np.int64), DRAWS, axis=0)
            probs = np.array([ranker.rank(case).probability(c) for c in self.causes])
            for name, fn in steps.items():
                start = clock()
                fn(case, draws, probs)
                parts[name].append(clock() - start)
        m["detail_ms"] = {**_stats(np.array(parts["total"])), "first_pass": _stats(first),
                          "parts_median": {k: 1000 * float(np.median(v)) for k, v in parts.items() if k != "total"}}
        k = min(len(cases), self.sizes["detail_pgmpy"])
        refs = [detail_through_pgmpy(ranker, c, draws_timed=self.sizes["draws_timed"]) for c in cases[:k]]
        m["detail_pgmpy_ms"] = {"n": k, "median": 1000 * float(np.median([x["total"] for x in refs])),
                                "parts": {p: 1000 * float(np.median([x[p] for x in refs])) for p in refs[0]
                                          if p != "total"}}

    def exactness(self, m, ranker, frame):
        """Every posterior entry (both states of every cause) against a long-double brute force."""
        ev = np.ascontiguousarray(encode_frame(ranker, frame).evidence, dtype=np.int64)
        m["exactness"] = _long_double(ranker, ev)

    def worst(self, ranker, refs):
        """Every finding at its worst grade, answers hidden and answers observed."""
        engine = ranker.engine
        out: dict = {"cases": {}, "agreement": {}}
        cases = worst_cases(ranker)
        for name, case in cases.items():
            out["cases"][name] = self._worst_one(ranker, refs, case)
            mine = np.array([model.rank(case).probability(c) for c in self.causes])
            out["agreement"][f"{name}: rank() vs pgmpy"] = _maxdiff(mine, refs["pgmpy"].marginals(case))
        rows = np.ascontiguousarray(engine.encode(list(cases.values())), dtype=np.int64)
        out["exactness"] = _long_double(ranker, rows)
        self.results["worst"] = out

    def _worst_one(self, ranker, refs, case) -> dict:
        engine, jt, n = ranker.engine, refs["jt"], self.sizes["worst_calls"]
        row = np.ascontiguousarray(engine.encode([case]), dtype=np.int64)
        block = np.repeat(row, COPIES, axis=0)
        for _ in range(3):
            model.rank(case), engine.infer(row), jt.rank(case), model.rank(case, detail=True)
        few, fewer = range(max(3, n // 10)), range(max(3, n // 40))
        timed = {"rank": _timed(lambda _: model.rank(case), range(n)),
                 "engine": _timed(lambda _: engine.infer(row), range(n)),
                 "row_cost": _timed(lambda _: engine.infer(block), few) / COPIES,
                 "jt_rank": _timed(lambda _: jt.rank(case), few),
                 "pgmpy": _timed(lambda _: refs["pgmpy"].marginals(case), fewer),
                 "pyagrum": _timed(lambda _: refs["pyagrum"].marginals(case), fewer),
                 "detail": _timed(lambda _: model.rank(case, detail=True), fewer)}
        return {k: _stats(v) for k, v in timed.items()}

    def memory(self, m, ranker, tmp: Path, bif: Path, mix: str):
        a, s = self.args, self.sizes
        source = tmp / f"cases-{mix}.csv"
        start = time.perf_counter()
        write_csv(ranker, source, s["csv_rows"], a.seed + 1, a.mask, mix == "uniform")
        csv_info = {"rows": s["csv_rows"], "bytes": source.stat().st_size, "generate_s": time.perf_counter() - start}
        cli = _cli()
        ranked = tmp / f"ranked-{mix}.csv"
        idle = _measured([*cli, "inputs"])
        batch = _measured([*cli, "batch", str(source), "-o", str(ranked), "--quiet"])
        if batch["status"] not in (0, 2):
            raise RuntimeError(f"twitch-causes batch failed ({batch['status']}): {batch['stderr'][-2000:]}")
        with open(ranked, "rb") as f:
            written = sum(1 for _ in f) - 1
        batch.update(rows=written, rows_per_s=written / batch["wall_s"])
        runs = {}
        for name in ("pgmpy", "pyagrum"):
            run = _measured([sys.executable, str(HERE / "_refs.py"), name, str(bif), str(source),
                             str(tmp / f"{name}-{mix}.csv"), str(s["csv_ref_rows"])])
            if run["status"] != 0:
                raise RuntimeError(f"{name} streaming failed: {run['stderr'][-2000:]}")
            done, seconds = run["stdout"].split()
            run.update(rows=int(done), rows_per_s=int(done) / float(seconds))
            runs[name] = run
            ref_out = pd.read_csv(tmp / f"{name}-{mix}.csv", dtype=str, keep_default_na=False)
            mine = pd.read_csv(ranked, dtype=str, keep_default_na=False, nrows=len(ref_out))
            m["agreement"][f"twitch-causes batch vs {name}"] = _maxdiff(
                mine[self.causes].astype(float).to_numpy(), ref_out[self.causes].astype(float).to_numpy())
        for run in (idle, batch, *runs.values()):
            run.pop("stdout"), run.pop("stderr")
        ranked.unlink()
        source.unlink()
        m["memory"] = {"csv": csv_info, "cli_idle": idle, "cli_batch": batch, **runs}

    def ready(self, tmp: Path):
        """Fresh processes: `import model` and the first rank() (numba's cache warm), the
        whole process's wall time, the plain-Python kernel (NUMBA_DISABLE_JIT=1), and with
        --cold one process whose numba cache starts empty."""
        s = self.sizes
        warm = [_fresh(_READY) for _ in range(s["ready"])]
        out: dict = {"warm": {k: float(np.median([w[k] for w in warm])) for k in warm[0]}, "warm_runs": warm}
        plain = _fresh(_PLAIN, str(s["plain_rows"]), str(HERE), NUMBA_DISABLE_JIT="1")
        out["plain_python"] = plain
        if self.args.cold:
            with tempfile.TemporaryDirectory(prefix="numba-cache-", dir=tmp) as cache:
                out["cold"] = _fresh(_READY, NUMBA_CACHE_DIR=cache)
        self.results["ready"] = out

    # ------------------------------------------------------------------ verdicts
    def targets(self) -> list[tuple[bool, str]]:
        r = self.results
        mixes = r["mixes"]
        out: list[tuple[bool, str]] = []

        def add(ok, text):
            out.append((bool(ok), text))

        for mix in self.mixes:
            rate = mixes[mix]["throughput"]["cases_per_s"]["rank_frame"]
            add(rate >= T_FRAME[mix], f"rank_frame >= {T_FRAME[mix]:,} cases/s, {mix} ({rate:,.0f} cases/s)")
        if "realistic" in mixes:
            lat = mixes["realistic"]["latency_ms"]
            med = lat["rank"]["median"] * 1e3
            add(med <= T_MEDIAN_US, f"rank() median <= {T_MEDIAN_US:g} us, realistic ({med:.1f} us)")
            ratio = lat["pgmpy"]["median"] / lat["rank"]["median"]
            add(ratio >= T_VS_PGMPY, f"rank() median >= {T_VS_PGMPY:g}x below pgmpy VE's, realistic ({ratio:,.0f}x)")
        if "uniform" in mixes:
            p95 = mixes["uniform"]["latency_ms"]["rank"]["p95"] * 1e3
            add(p95 <= T_P95_US, f"rank() p95 <= {T_P95_US:g} us, uniform ({p95:.1f} us)")
        for mix in self.mixes:
            rc = mixes[mix]["row_cost"]
            add(rc["max_over_median"] <= T_SPREAD,
                f"no row more than {T_SPREAD:g}x the median row, {mix} (max/median {rc['max_over_median']:.1f}, "
                f"p99/median {rc['p99_over_median']:.1f}; one path for every row, see notes)")
        for mix in self.mixes:
            det = mixes[mix].get("detail_ms")
            if det:
                add(det["median"] <= T_DETAIL_MS, f"rank(detail=True) median <= {T_DETAIL_MS:g} ms, {mix} "
                                                  f"({det['median']:.1f} ms)")
        for mix in self.mixes:
            worst_abs = max(mixes[mix]["agreement"].values())
            rel = mixes[mix]["exactness"]["max_rel_vs_long_double"]
            add(worst_abs <= AGREEMENT and rel <= LONG_DOUBLE,
                f"exact, {mix}: within {AGREEMENT:g} of pgmpy ({worst_abs:.1e}) and {LONG_DOUBLE:g} relative of "
                f"long double ({rel:.1e})")
        w = r["worst"]
        worst_abs, rel = max(w["agreement"].values()), w["exactness"]["max_rel_vs_long_double"]
        add(worst_abs <= AGREEMENT and rel <= LONG_DOUBLE,
            f"exact, worst cases: within {AGREEMENT:g} of pgmpy ({worst_abs:.1e}) and {LONG_DOUBLE:g} relative of "
            f"long double ({rel:.1e})")
        for mix in self.mixes:
            mem = mixes[mix]["memory"]["cli_batch"]
            add(mem["peak_mb"] <= T_MEMORY_MB, f"twitch-causes batch peak memory <= {T_MEMORY_MB} MB on "
                                               f"{mem['rows']:,} rows, {mix} ({mem['peak_mb']:.0f} MB)")
        ready = r["ready"]["warm"]["first_rank_done_s"]
        add(ready <= T_READY_S, f"fresh process ready (import + first rank, numba cache warm) <= {T_READY_S:g} s "
                                f"({ready:.2f} s)")
        r["targets"] = [{"pass": ok, "target": text} for ok, text in out]
        return out

    def table(self, targets) -> str:
        r = self.results
        m = r["machine"]
        eng = r["engine"]
        load = r["load_average"]
        lines = [
            "twitch-causes benchmark" + (" (--quick: tiny sizes, the figures mean nothing)" if self.args.quick else ""),
            f"date {r['date']}; machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable); {m['os']}; "
            f"Python {m['python']}, numpy {m['numpy']}, numba {m['numba']}, pandas {m['pandas']}, pgmpy {m['pgmpy']}, "
            f"pyAgrum {m['pyagrum']}; BLAS/OpenMP threads 1",
            f"load average (1/5/15 min) at start {_load(load['start'])}, at end {_load(load['end'])} "
            "(the machine may be shared: compare figures of one run)",
            f"engine: {eng['class']}" + ("" if eng["jit"] else " (numba unavailable or disabled: plain Python)")
            + (f", units {[len(u) for u in eng['structure']['units']]} causes, at most "
               f"{eng['structure']['max_open_bits']} positive findings open at once" if eng["structure"] else "")
            + f"; junction tree (the engine before issue 12) built in {eng['junction_tree_build_s']:.2f} s",
            f"network: {len(self.causes)} causes; pgmpy built in {r['network_build_s']:.2f} s; pyAgrum read it from "
            f"pgmpy's BIF (states match), its BIF tables were off by {r['bif_rounding']:.1e} (float32), "
            "refilled from pgmpy",
        ]
        for mix in self.mixes:
            lines += ["", self._mix_table(mix)]
        lines += ["", self._worst_table(), "", self._ready_lines(), ""]
        lines += ["ratios: latency reference/project ('x faster'), rates project/reference; memory: the project's "
                  "peak as a multiple of the reference's",
                  "JT = the junction tree (model.engine.Engine), behind the same ranker; its rank_frame calls it in "
                  f"chunks of {JT_CHUNK} rows, as before issue 12",
                  "* project: `twitch-causes batch` wall time, start-up included; references: their ranking loop "
                  "only, streaming the same CSV row by row in a process of their own (they have no batch mode)", ""]
        ok = r["agreement_ok"] and r["long_double_ok"]
        lines.append("exactness: " + ("PASS" if ok else "FAIL") + f" (max |difference| of P(cause present) <= "
                     f"{AGREEMENT:g} to pgmpy; every posterior entry <= {LONG_DOUBLE:g} relative to a long-double "
                     "brute force)")
        for mix in self.mixes:
            mm = r["mixes"][mix]
            for name, value in {**mm["agreement"], **mm["reference_agreement"]}.items():
                lines.append(f"  {mix:9s} {name:46s} {value:.1e}")
            e = mm["exactness"]
            lines.append(f"  {mix:9s} {'engine vs long double (relative), ' + str(e['cases']) + ' cases':46s} "
                         f"{e['max_rel_vs_long_double']:.1e} (log P(e): {e['max_abs_log_evidence']:.1e} abs)")
            lines.append(f"  {mix:9s} {'JT rank_frame vs the kernel (not a check)':46s} {mm['jt_vs_kernel_max_abs']:.1e}")
        w = r["worst"]
        for name, value in w["agreement"].items():
            lines.append(f"  {'worst':9s} {name:46s} {value:.1e}")
        lines.append(f"  {'worst':9s} {'engine vs long double (relative)':46s} "
                     f"{w['exactness']['max_rel_vs_long_double']:.1e}")
        lines += ["", "targets" + (" (--quick: sizes too small to judge)" if self.args.quick else "")]
        lines += [f"  {'PASS' if passed else 'FAIL'}  {text}" for passed, text in targets]
        lines += ["", "notes"] + [f"  {n}" for n in self._notes()]
        return "\n".join(lines)

    def _mix_table(self, mix: str) -> str:
        mm, s = self.results["mixes"][mix], self.sizes
        kind = {"realistic": "forward-sampled from the network, inputs only",
                "uniform": "every answer drawn uniformly from its states"}[mix]
        head = f"{mix} mix: {kind}, {self.args.mask:.0%} of answers hidden, seed {self.args.seed}"
        rows = [("figure", "project", "JT", "pgmpy VE", "pyAgrum LP", "vs JT", "vs pgmpy", "vs pyAgrum")]
        thr = mm["throughput"]["cases_per_s"]
        n = mm["throughput"]["sizes"]
        rows.append((f"rank_frame, cases/s (n={n['rank_frame']:,}/{n['jt_rank_frame']:,}/{s['batch_pgmpy']}/"
                     f"{s['batch_pyagrum']})", rate(thr["rank_frame"]), rate(thr["jt_rank_frame"]),
                     rate(thr["pgmpy"]), rate(thr["pyagrum"]), faster(thr["jt_rank_frame"], thr["rank_frame"], True),
                     faster(thr["pgmpy"], thr["rank_frame"], True), faster(thr["pyagrum"], thr["rank_frame"], True)))
        rows.append((f"  engine.infer, chunks of {FRAME_CHUNK:,} (threads: {_threads()})",
                     rate(thr["engine"]), "", "", "", "", "", ""))
        rows.append((f"  engine.infer, chunks of {ONE_THREAD_CHUNK:,} (one thread) / JT", rate(thr["engine_one_thread"]),
                     rate(thr["jt_engine"]), "", "", faster(thr["jt_engine"], thr["engine_one_thread"], True), "", ""))
        lat = mm["latency_ms"]
        n1, nj, n2, n3 = (lat[k]["n"] for k in ("rank", "jt", "pgmpy", "pyagrum"))
        for stat in ("median", "p95"):
            rows.append((f"rank(), one case, {stat} (n={n1}/{nj}/{n2}/{n3})", us(lat["rank"][stat]),
                         us(lat["jt"][stat]), us(lat["pgmpy"][stat]), us(lat["pyagrum"][stat]),
                         faster(lat["jt"][stat], lat["rank"][stat]), faster(lat["pgmpy"][stat], lat["rank"][stat]),
                         faster(lat["pyagrum"][stat], lat["rank"][stat])))
        for key, label in (("ranker_rank", "  ranker.rank() (no priors-folder check)"),
                           ("engine", "  engine.infer(one row)")):
            rows.append((f"{label}, median / p95", f"{us(lat[key]['median'])} / {us(lat[key]['p95'])}",
                         "", "", "", "", faster(lat["pgmpy"]["median"], lat[key]["median"]),
                         faster(lat["pyagrum"]["median"], lat[key]["median"])))
        rc = mm["row_cost"]
        rows.append((f"row cost, median / p99 / max (n={rc['n']})",
                     f"{rc['median_us']:.1f} / {rc['p99_us']:.1f} / {rc['max_us']:.1f} us", "", "", "", "", "", ""))
        rows.append(("  max / median row cost", f"{rc['max_over_median']:.1f}", "", "", "", "", "", ""))
        det, ref = mm.get("detail_ms"), mm.get("detail_pgmpy_ms")
        if det:
            rows.append((f"rank(detail=True), median / p95 (n={det['n']}/{ref['n']})",
                         f"{ms(det['median'])} / {ms(det['p95'])}", "", ms(ref["median"]), "", "",
                         faster(ref["median"], det["median"]), ""))
            parts = det["parts_median"]
            rows.append(("  how sure (1,000 draws) / its engine call",
                         f"{ms(parts['how_sure'])} / {ms(parts['draws_engine_call'])}", "", ms(ref["parts"]["intervals"]),
                         "", "", "", ""))
            rows.append(("  what-if / next questions / ranking",
                         f"{ms(parts['what_if'])} / {ms(parts['next_questions'])} / {ms(parts['ranking'])}", "",
                         f"{ms(ref['parts']['what_if'])} / {ms(ref['parts']['next_questions'])} / "
                         f"{ms(ref['parts']['ranking'])}", "", "", "", ""))
        mem = mm["memory"]
        cb, pg, pa = mem["cli_batch"], mem["pgmpy"], mem["pyagrum"]
        rows.append((f"batch CSV, rows/s (n={cb['rows']:,}/{pg['rows']}/{pa['rows']})*", rate(cb["rows_per_s"]), "",
                     rate(pg["rows_per_s"]), rate(pa["rows_per_s"]), "", faster(pg["rows_per_s"], cb["rows_per_s"], True),
                     faster(pa["rows_per_s"], cb["rows_per_s"], True)))
        rows.append(("batch CSV, peak RSS (same runs)", mb(cb["peak_mb"]), "", mb(pg["peak_mb"]), mb(pa["peak_mb"]), "",
                     times(cb["peak_mb"] / pg["peak_mb"]), times(cb["peak_mb"] / pa["peak_mb"])))
        rows.append(("  twitch-causes idle (`inputs`), peak RSS", mb(mem["cli_idle"]["peak_mb"]), "", "", "", "", "", ""))
        return head + "\n" + _format(rows)

    def _worst_table(self) -> str:
        w = self.results["worst"]["cases"]
        rows = [("worst case: every finding at its worst grade", "rank()", "engine call", "row cost", "JT rank()",
                 "pgmpy VE", "pyAgrum LP", "detail=True", "vs JT", "vs pgmpy")]
        for name, c in w.items():
            rows.append((f"{name}, median", us(c["rank"]["median"]), us(c["engine"]["median"]),
                         us(c["row_cost"]["median"]), us(c["jt_rank"]["median"]), us(c["pgmpy"]["median"]),
                         us(c["pyagrum"]["median"]), ms(c["detail"]["median"]),
                         faster(c["jt_rank"]["median"], c["rank"]["median"]),
                         faster(c["pgmpy"]["median"], c["rank"]["median"])))
        return _format(rows)

    def _ready_lines(self) -> str:
        rd = self.results["ready"]
        w = rd["warm"]
        p = rd["plain_python"]
        out = [f"fresh process, numba cache warm (median of {len(rd['warm_runs'])}): `import model` {w['import_s']:.2f} s, "
               f"first rank() {w['first_rank_s']:.2f} s, ready {w['first_rank_done_s']:.2f} s after the interpreter's "
               f"start ({w['interpreter_s']:.2f} s of it before `import model`); whole process {w['wall_s']:.2f} s",
               f"plain Python kernel (NUMBA_DISABLE_JIT=1, fresh process): {p['ms_per_row']:.2f} ms a row over "
               f"{p['rows']} rows, max |difference| to the compiled kernel {p['max_abs_vs_jit']:.1e}"]
        if "cold" in rd:
            c = rd["cold"]
            out.append(f"fresh process, numba cache empty: ready {c['first_rank_done_s']:.1f} s (the kernel compiled "
                       f"once; `make install` does it), whole process {c['wall_s']:.1f} s")
        return "\n".join(out)

    def _notes(self) -> list[str]:
        r = self.results
        out = []
        for mix in self.mixes:
            thr = r["mixes"][mix]["throughput"]["cases_per_s"]
            whole = 1 / thr["rank_frame"]
            out.append(f"{mix}: rank_frame {whole * 1e6:.2f} us a case, of which the engine call {1e6 / thr['engine']:.2f}"
                       f" us ({100 / (whole * thr['engine']):.0f}%), encoding the frame "
                       f"{1e6 / thr['encode_frame']:.2f} us; the rest is triage, the posteriors' columns and the "
                       "output DataFrame")
            runs = r["mixes"][mix]["throughput"]["runs_s"]
            n = r["mixes"][mix]["throughput"]["sizes"]
            out.append(f"{mix}: spread of the {len(runs['rank_frame'])} runs (slowest / median / fastest, cases/s): "
                       + "; ".join(f"{k} " + " / ".join(f"{n[k] / t:,.0f}" for t in (max(v), float(np.median(v)), min(v)))
                                   for k, v in runs.items() if k in ("rank_frame", "engine", "jt_rank_frame")))
        for mix in self.mixes:
            rc = r["mixes"][mix]["row_cost"]
            if "by_positive_findings" in rc:
                by = rc["by_positive_findings"]
                out.append(f"{mix}: row cost by positive product findings open at once (rows, median): "
                           + ", ".join(f"{k}: {v['rows']}, {v['median_us']:.1f} us" for k, v in by.items()))
        out.append("every row takes the same path (one forward-backward chain, no fallback, no recomputation); its "
                   "cost doubles roughly with each positive noisy-OR/MAX finding open at once (2^m state entries), so "
                   "the max/median spread measures how many findings the rows have, not a slow path")
        for mix in self.mixes:
            lat = r["mixes"][mix]["latency_ms"]
            if lat["rank_after_references"]["n"] and not np.isnan(lat["rank_after_references"]["median"]):
                out.append(f"{mix}: rank() right after the references' calls (first case of each block, cold caches): "
                           f"median {us(lat['rank_after_references']['median'])}, against {us(lat['rank']['median'])} "
                           "for all calls")
        for mix in self.mixes:
            det = r["mixes"][mix].get("detail_ms")
            if det:
                fp = det["first_pass"]
                out.append(f"{mix}: rank(detail=True) is mostly the 1,000 prior draws, each row with its own "
                           f"tables (the unit priors summed per row); first pass over the cases median "
                           f"{ms(fp['median'])}, max {ms(fp['max'])} (what the analyses build once per ranker)")
            ref = r["mixes"][mix].get("detail_pgmpy_ms")
            if ref:
                out.append(f"{mix}: detail=True through pgmpy VE (median of {ref['n']}): "
                           + ", ".join(f"{p} {v:,.0f} ms" for p, v in ref["parts"].items())
                           + f" (intervals: {self.sizes['draws_timed']} draws timed, scaled to 1,000)")
        return out + r["notes"]


# ---------------------------------------------------------------------- helpers
def _timed(fn, items) -> np.ndarray:
    """Per-call wall times (s)."""
    times = []
    clock = time.perf_counter
    for item in items:
        start = clock()
        fn(item)
        times.append(clock() - start)
    return np.array(times)


def _stats(times: np.ndarray) -> dict:
    """ms."""
    return {"n": int(times.size), "median": float(np.median(times) * 1e3), "p95": float(np.percentile(times, 95) * 1e3),
            "mean": float(times.mean() * 1e3), "max": float(times.max() * 1e3)}


def _maxdiff(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.size == 0:
        return float("inf")
    return float(np.abs(a - b).max())


def _long_double(ranker, ev: np.ndarray) -> dict:
    """The engine's posteriors (both states of every cause) and log P(e) against the
    long-double brute force of tests/engine/noisy_support.py."""
    from tests.engine.noisy_support import brute_force

    post = ranker.engine.infer(ev)
    stacked = np.stack([post.stacked[:, post.columns[c]] for c in ranker.causes], axis=1)  # (n, causes, 2)
    rel, log_abs = 0.0, 0.0
    for i, row in enumerate(ev):
        ref, log_z = brute_force(ranker.spec, ranker.causes, row)
        ref = ref.astype(np.longdouble)
        diff = np.abs(stacked[i].astype(np.longdouble) - ref) / np.where(ref > 0, ref, 1)
        rel = max(rel, float(diff.max()))
        log_abs = max(log_abs, abs(float(post.log_evidence[i] - log_z)))
    return {"cases": len(ev), "max_rel_vs_long_double": rel, "max_abs_log_evidence": log_abs}


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("twitch-causes")
    return [str(script)] if script.exists() else [sys.executable, "-m", "model.cli"]


def _threads() -> int:
    return len(os.sched_getaffinity(0))


# Fresh processes. _READY: `import model` and the first rank(), times from the interpreter's
# start (time.perf_counter is process-wide: CLOCK_MONOTONIC; the parent's wall is the whole process).
_READY = """
import time; t0 = time.monotonic()
import json, os, sys
import model
t1 = time.monotonic()
model.rank({"twitching": "yes", "caffeine": "high"})
t2 = time.monotonic()
print(json.dumps({"import_s": t1 - t0, "first_rank_s": t2 - t1, "t_import": t0, "t_ready": t2}))
"""
_PLAIN = """
import time, json, sys
sys.path.insert(0, sys.argv[3])
import numpy as np
import model
from model.engine import noisy
from _cases import case_frame
assert not noisy.JIT
r = model.load_ranker()
frame = case_frame(r, int(sys.argv[2]), 5, 0.4, True)
ev = np.ascontiguousarray(model.batch.frame.encode_frame(r, frame).evidence, dtype=np.int64)
t = time.perf_counter(); post = r.engine.infer(ev); dt = time.perf_counter() - t
np.save(sys.argv[1], r.present(post))
print(json.dumps({"rows": len(ev), "ms_per_row": 1000 * dt / len(ev), "seed": 5}))
"""


def _fresh(script: str, *args: str, **env: str) -> dict:
    """Run `script` in a fresh interpreter; its JSON line plus the whole process's wall time."""
    with tempfile.TemporaryDirectory() as tmp:
        out_npy = Path(tmp) / "probs.npy"
        environ = {**os.environ, **env}
        start_mono = time.monotonic()
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-c", script, str(out_npy), *args], capture_output=True, text=True,
                             env=environ, cwd=ROOT, timeout=900, check=False)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            raise RuntimeError(f"fresh process failed: {run.stderr[-2000:]}")
        res = json.loads(run.stdout.strip().splitlines()[-1])
        res["wall_s"] = wall
        if "t_import" in res:  # monotonic clock shared with this process
            res["interpreter_s"] = res.pop("t_import") - start_mono
            res["first_rank_done_s"] = res.pop("t_ready") - start_mono
        if out_npy.exists():
            res["max_abs_vs_jit"] = _plain_vs_jit(np.load(out_npy), res)
    return res


def _plain_vs_jit(plain: np.ndarray, res: dict) -> float:
    ranker = model.load_ranker()
    frame = case_frame(ranker, res["rows"], res["seed"], 0.4, True)
    ev = np.ascontiguousarray(encode_frame(ranker, frame).evidence, dtype=np.int64)
    return _maxdiff(ranker.present(ranker.engine.infer(ev)), plain)


# Peak RSS of a child: ru_maxrss from wait4. A child forked from this (large) process
# starts with this process's high-water mark, which survives exec, so the command is
# started by a small launcher process and its wait4 figure is the command's own.
_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _measured(cmd: list[str]) -> dict:
    """Run a command; its wall time, exit status and peak RSS in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage"
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", _LAUNCHER, str(report), *cmd], stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL, check=False)
            wall = time.perf_counter() - start
            out.seek(0), err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        maxrss, status = report.read_text().split() if report.exists() else ("0", "-1")
        return {"cmd": " ".join(cmd[-6:]), "status": int(status), "wall_s": wall,
                "peak_mb": int(maxrss) / 1024,  # Linux: KiB
                "stdout": stdout, "stderr": stderr}


def machine() -> dict:
    import numba
    import pgmpy
    import pyagrum

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": _threads(),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "numpy": np.__version__, "numba": numba.__version__, "pandas": pd.__version__,
            "pgmpy": pgmpy.__version__, "pyagrum": pyagrum.__version__}


def _format(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w)
                               for j, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _jsonable(x):
    return x.tolist() if isinstance(x, np.ndarray) else float(x)


def _load(x) -> str:
    return "/".join(f"{v:.2f}" for v in x)


def faster(ref: float, mine: float, higher_is_better: bool = False) -> str:
    ratio = mine / ref if higher_is_better else ref / mine
    return f"{ratio:,.1f}x faster" if ratio >= 1 else f"{1 / ratio:,.1f}x slower"


def us(x_ms: float) -> str:
    x = x_ms * 1e3
    return f"{x:.1f} us" if x < 1000 else ms(x_ms)


def ms(x: float) -> str:
    return f"{x:.2f} ms" if x < 10 else f"{x:,.1f} ms"


def rate(x: float) -> str:
    return f"{x:,.0f} /s"


def mb(x: float) -> str:
    return f"{x:,.0f} MB"


def times(x: float) -> str:
    return f"x{x:.2f}"


if __name__ == "__main__":
    sys.exit(main())
