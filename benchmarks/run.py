"""Benchmark the project engine against pgmpy and pyAgrum on the project's network.

    .venv/bin/python benchmarks/run.py            # the full run (make bench), a few minutes
    .venv/bin/python benchmarks/run.py --quick    # tiny sizes, seconds: checks it all works
    .venv/bin/python benchmarks/run.py --uniform  # stress variant: uniformly random answers

One run, the same seeded cases for every method (see benchmarks/README.md):
single-case latency of `rank()`, batch throughput of `rank_frame`, peak memory of
`twitch-causes batch` on a generated CSV, each against pgmpy VariableElimination and
pyAgrum LazyPropagation, an agreement check (< 1e-9) and the targets, PASS or FAIL.
Exit status: 0 done (whatever the targets say; --strict: 1 when one fails),
1 when the methods disagree.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before numpy: one core
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _cases import case_dicts, case_frame, write_csv  # noqa: E402
from _refs import PgmpyReference, PyAgrumReference, write_bif  # noqa: E402

import model  # noqa: E402

AGREEMENT = 1e-9
TARGET_SPEEDUP_PGMPY = 10.0
TARGET_THROUGHPUT = 200_000
TARGET_MEMORY_MB = 500

#               single  pgmpy  pyAgrum  batch    repeats  ref batch  CSV rows   ref CSV rows  detail
FULL = dict(single=1000, single_pgmpy=200, single_pyagrum=300, batch=100_000, repeats=3,
            batch_pgmpy=200, batch_pyagrum=300, csv_rows=1_000_000, csv_ref_rows=300, detail=20,
            detail_pgmpy=3, draws_timed=3)
QUICK = dict(single=30, single_pgmpy=8, single_pyagrum=8, batch=2_000, repeats=1,
             batch_pgmpy=8, batch_pyagrum=8, csv_rows=3_000, csv_ref_rows=5, detail=2,
             detail_pgmpy=1, draws_timed=1)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key, None) is not None:
            sizes[key] = getattr(args, key)
    sizes["single_pgmpy"] = min(sizes["single_pgmpy"], sizes["single"])
    sizes["single_pyagrum"] = min(sizes["single_pyagrum"], sizes["single"])
    bench = Bench(args, sizes)
    return bench.run()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="benchmarks/run.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run; figures mean nothing)")
    p.add_argument("--uniform", action="store_true", help="uniformly random answers instead of sampled cases")
    p.add_argument("--seed", type=int, default=0, help="seed of the cases (default 0)")
    p.add_argument("--mask", type=float, default=0.4, help="share of answers left unknown (default 0.4)")
    p.add_argument("--single", type=int, help="cases timed one by one through rank()")
    p.add_argument("--single-pgmpy", type=int, help="of those, timed through pgmpy")
    p.add_argument("--single-pyagrum", type=int, help="of those, timed through pyAgrum")
    p.add_argument("--batch", type=int, help="cases ranked by rank_frame (default 10^5)")
    p.add_argument("--repeats", type=int, help="rank_frame runs (the median is reported)")
    p.add_argument("--batch-pgmpy", type=int, help="cases in pgmpy's throughput sample")
    p.add_argument("--batch-pyagrum", type=int, help="cases in pyAgrum's throughput sample")
    p.add_argument("--csv-rows", type=int, help="rows of the CSV given to `twitch-causes batch` (default 10^6)")
    p.add_argument("--csv-ref-rows", type=int, help="rows the references stream for their memory figure")
    p.add_argument("--detail", type=int, help="cases timed through rank(case, detail=True)")
    p.add_argument("--json", metavar="PATH", help="also write every figure to PATH as JSON")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    return p


class Bench:
    def __init__(self, args, sizes):
        self.args, self.sizes = args, sizes
        self.results: dict = {"sizes": sizes, "notes": []}
        self.notes: list[str] = self.results["notes"]

    # ------------------------------------------------------------------ the run
    def run(self) -> int:
        a, s = self.args, self.sizes
        self.results["machine"] = machine()
        load0 = os.getloadavg()
        ranker = model.load_ranker()
        start = time.perf_counter()
        network = ranker.network
        self.results["network_build_s"] = time.perf_counter() - start
        self.causes = causes = ranker.causes
        with tempfile.TemporaryDirectory(prefix="twitch-bench-") as tmp:
            tmp = Path(tmp)
            bif = write_bif(network, tmp / "network.bif")
            pgmpy_ref = PgmpyReference(network, causes)
            pyagrum_ref = PyAgrumReference(bif, causes, network)
            self.results["bif_rounding"] = pyagrum_ref.bif_rounding

            frame = case_frame(ranker, s["batch"], a.seed, a.mask, a.uniform)
            singles = case_dicts(frame.head(s["single"]))
            self.single_case(ranker, pgmpy_ref, pyagrum_ref, singles)
            self.detail(ranker, singles[: s["detail"]])
            self.batch(ranker, pgmpy_ref, pyagrum_ref, frame)
            self.memory(ranker, tmp, bif)
        self.results["load_average"] = [load0, os.getloadavg()]
        self.results["agreement_ok"] = all(v < AGREEMENT for v in self.results["agreement"].values())
        targets = self.targets()
        print(self.table(targets))
        if a.json:
            Path(a.json).write_text(json.dumps(self.results, indent=2, default=float))
        if not self.results["agreement_ok"]:
            return 1
        return 1 if a.strict and not all(ok for ok, _ in targets) else 0

    # ------------------------------------------------------------------ figures
    def single_case(self, ranker, pgmpy_ref, pyagrum_ref, cases):
        s = self.sizes
        causes = self.causes
        for case in cases[:20]:  # warm every path once
            model.rank(case)
            ranker.rank(case)
        for case in cases[:3]:
            pgmpy_ref.marginals(case)
            pyagrum_ref.marginals(case)

        def project(case):
            ranking = model.rank(case)
            return [ranking.probability(c) for c in causes]

        def lean(case):
            ranking = ranker.rank(case)
            return [ranking.probability(c) for c in causes]

        t_rank, p_rank = _timed(project, cases)
        t_lean, _ = _timed(lean, cases)
        t_pgmpy, p_pgmpy = _timed(pgmpy_ref.marginals, cases[: s["single_pgmpy"]])
        t_pyagrum, p_pyagrum = _timed(pyagrum_ref.marginals, cases[: s["single_pyagrum"]])
        self.results["latency_ms"] = {
            "project": _stats(t_rank), "project_ranker_rank": _stats(t_lean),
            "pgmpy": _stats(t_pgmpy), "pyagrum": _stats(t_pyagrum),
        }
        k = min(len(p_pgmpy), len(p_pyagrum))
        self.results["agreement"] = {
            "rank() vs pgmpy": _maxdiff(p_rank[: len(p_pgmpy)], p_pgmpy),
            "pyAgrum vs pgmpy": _maxdiff(p_pyagrum[:k], p_pgmpy[:k]),
        }
        self._pgmpy_single = p_pgmpy

    def detail(self, ranker, cases):
        if not cases:
            return
        try:
            import inspect

            if "detail" not in inspect.signature(ranker.rank).parameters:
                raise NotImplementedError("rank() has no detail argument")
            model.rank(cases[0], detail=True)  # warm (and find out whether it works)
            times, _ = _timed(lambda c: model.rank(c, detail=True) and 0.0, cases, budget_s=30.0)
            self.results["detail_ms"] = _stats(times)
            from _detail_pgmpy import detail_through_pgmpy

            k = min(len(cases), self.sizes["detail_pgmpy"])
            refs = [detail_through_pgmpy(ranker, c, draws_timed=self.sizes["draws_timed"]) for c in cases[:k]]
            self.results["detail_pgmpy_ms"] = {"n": k, "median": 1000 * float(np.median([r["total"] for r in refs])),
                                               "parts": {p: 1000 * float(np.median([r[p] for r in refs]))
                                                         for p in refs[0] if p != "total"}}
            parts = self.results["detail_pgmpy_ms"]["parts"]
            self.notes.append("detail=True through pgmpy VE (median of " + str(k) + " cases): "
                              + ", ".join(f"{p} {v:,.0f} ms" for p, v in parts.items())
                              + f" (intervals: {self.sizes['draws_timed']} draws timed, scaled to 1,000)")
        except Exception as exc:  # the analyses may not exist yet: say so and go on
            self.results["detail_ms"] = None
            self.notes.append(f"rank(case, detail=True) not measured: {type(exc).__name__}: {exc}")

    def batch(self, ranker, pgmpy_ref, pyagrum_ref, frame):
        s = self.sizes
        ranker.rank_frame(frame.head(1000))  # warm
        runs = []
        for _ in range(s["repeats"]):
            start = time.perf_counter()
            out = ranker.rank_frame(frame)
            runs.append(time.perf_counter() - start)
        probs = out[self.causes].to_numpy()
        self.results["throughput"] = {"project": len(frame) / float(np.median(runs)),
                                      "project_runs_s": runs}
        for name, ref, n in (("pgmpy", pgmpy_ref, s["batch_pgmpy"]), ("pyagrum", pyagrum_ref, s["batch_pyagrum"])):
            sample = frame.head(n)
            start = time.perf_counter()
            got = np.array([ref.marginals(c) for c in case_dicts(sample)])  # from the frame, like rank_frame
            self.results["throughput"][name] = n / (time.perf_counter() - start)
            self.results["agreement"][f"rank_frame vs {name}"] = _maxdiff(probs[:n], got)

    def memory(self, ranker, tmp: Path, bif: Path):
        a, s = self.args, self.sizes
        source = tmp / "cases.csv"
        start = time.perf_counter()
        write_csv(ranker, source, s["csv_rows"], a.seed + 1, a.mask, a.uniform)
        self.results["csv"] = {"rows": s["csv_rows"], "bytes": source.stat().st_size,
                               "generate_s": time.perf_counter() - start}
        cli = _cli()
        idle = _measured([*cli, "inputs"])
        batch = _measured([*cli, "batch", str(source), "-o", str(tmp / "ranked.csv"), "--quiet"])
        if batch["status"] not in (0, 2):
            raise RuntimeError(f"twitch-causes batch failed ({batch['status']}): {batch['stderr'][-2000:]}")
        with open(tmp / "ranked.csv", "rb") as f:
            written = sum(1 for _ in f) - 1
        batch.update(rows=written, rows_per_s=written / batch["wall_s"])
        refs = {}
        for name in ("pgmpy", "pyagrum"):
            script = Path(__file__).resolve().parent / "_refs.py"
            run = _measured([sys.executable, str(script), name, str(bif), str(source), str(tmp / f"{name}.csv"),
                             str(s["csv_ref_rows"])])
            if run["status"] != 0:
                raise RuntimeError(f"{name} streaming failed: {run['stderr'][-2000:]}")
            done, seconds = run["stdout"].split()
            run.update(rows=int(done), rows_per_s=int(done) / float(seconds))
            refs[name] = run
            ref_out = pd.read_csv(tmp / f"{name}.csv", dtype=str, keep_default_na=False)
            mine = pd.read_csv(tmp / "ranked.csv", dtype=str, keep_default_na=False, nrows=len(ref_out))
            self.results["agreement"][f"twitch-causes batch vs {name}"] = _maxdiff(
                mine[self.causes].astype(float).to_numpy(), ref_out[self.causes].astype(float).to_numpy())
        self.results["memory"] = {"cli_idle": idle, "cli_batch": batch, **refs}
        for run in (idle, batch, *refs.values()):
            run.pop("stdout"), run.pop("stderr")

    # ------------------------------------------------------------------ verdicts
    def targets(self) -> list[tuple[bool, str]]:
        r = self.results
        lat = r["latency_ms"]
        speed_pgmpy = lat["pgmpy"]["median"] / lat["project"]["median"]
        speed_pyagrum = lat["pyagrum"]["median"] / lat["project"]["median"]
        thr = r["throughput"]["project"]
        mem = r["memory"]["cli_batch"]["peak_mb"]
        out = [
            (speed_pgmpy >= TARGET_SPEEDUP_PGMPY and speed_pyagrum > 1.0,
             f"rank() median >= {TARGET_SPEEDUP_PGMPY:g}x faster than pgmpy VE ({speed_pgmpy:.1f}x) "
             f"and faster than pyAgrum LP ({speed_pyagrum:.1f}x)"),
            (thr >= TARGET_THROUGHPUT, f"rank_frame >= {TARGET_THROUGHPUT:,} cases/s on one core ({thr:,.0f} cases/s)"),
            (mem <= TARGET_MEMORY_MB, f"twitch-causes batch peak memory <= {TARGET_MEMORY_MB} MB on "
                                      f"{r['csv']['rows']:,} rows ({mem:.0f} MB)"),
        ]
        r["targets"] = [{"pass": ok, "target": text} for ok, text in out]
        return out

    def table(self, targets) -> str:
        r, s = self.results, self.sizes
        m = r["machine"]
        lat, thr, mem = r["latency_ms"], r["throughput"], r["memory"]
        kind = "uniformly random answers (stress variant)" if self.args.uniform else \
            "forward-sampled from the network, inputs only"
        lines = [
            "twitch-causes benchmark" + (" (--quick: tiny sizes, the figures mean nothing)" if self.args.quick else ""),
            f"cases: {kind}, {self.args.mask:.0%} of answers masked, seed {self.args.seed}",
            f"machine: {m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable); {m['os']}; "
            f"Python {m['python']}, numpy {m['numpy']}, pandas {m['pandas']}, pgmpy {m['pgmpy']}, "
            f"pyAgrum {m['pyagrum']}; BLAS/OpenMP threads 1",
            f"load average (1 min) at start {r['load_average'][0][0]:.2f}, at end {r['load_average'][1][0]:.2f} "
            "(the machine is shared: compare figures of one run)",
            f"network: {len(self.causes)} causes; pgmpy built in {r['network_build_s']:.2f} s; pyAgrum read it from "
            f"pgmpy's BIF (states match), its BIF tables were off by {r['bif_rounding']:.1e} (float32), "
            "refilled from pgmpy",
            "",
        ]
        rows = [("figure", "project", "pgmpy VE", "pyAgrum LP", "vs pgmpy", "vs pyAgrum")]

        def faster(ref, mine, higher_is_better=False):
            ratio = mine / ref if higher_is_better else ref / mine
            return f"{ratio:,.1f}x faster" if ratio >= 1 else f"{1 / ratio:,.1f}x slower"

        n1, n2, n3 = len_or(lat, "project"), len_or(lat, "pgmpy"), len_or(lat, "pyagrum")
        for stat in ("median", "p95"):
            rows.append((f"rank(), one case, {stat} latency (n={n1}/{n2}/{n3})",
                         ms(lat["project"][stat]), ms(lat["pgmpy"][stat]), ms(lat["pyagrum"][stat]),
                         faster(lat["pgmpy"][stat], lat["project"][stat]),
                         faster(lat["pyagrum"][stat], lat["project"][stat])))
        rows.append(("  ranker.rank(), median (no folder check)", ms(lat["project_ranker_rank"]["median"]), "", "",
                     faster(lat["pgmpy"]["median"], lat["project_ranker_rank"]["median"]),
                     faster(lat["pyagrum"]["median"], lat["project_ranker_rank"]["median"])))
        rows.append((f"rank_frame, cases/s (n={s['batch']:,}/{s['batch_pgmpy']}/{s['batch_pyagrum']})",
                     rate(thr["project"]), rate(thr["pgmpy"]), rate(thr["pyagrum"]),
                     faster(thr["pgmpy"], thr["project"], True), faster(thr["pyagrum"], thr["project"], True)))
        cb, pg, pa = mem["cli_batch"], mem["pgmpy"], mem["pyagrum"]
        rows.append((f"batch CSV, rows/s (n={cb['rows']:,}/{pg['rows']}/{pa['rows']})*",
                     rate(cb["rows_per_s"]), rate(pg["rows_per_s"]), rate(pa["rows_per_s"]),
                     faster(pg["rows_per_s"], cb["rows_per_s"], True), faster(pa["rows_per_s"], cb["rows_per_s"], True)))
        rows.append(("batch CSV, peak RSS (same runs)", mb(cb["peak_mb"]), mb(pg["peak_mb"]), mb(pa["peak_mb"]),
                     times(cb["peak_mb"] / pg["peak_mb"]), times(cb["peak_mb"] / pa["peak_mb"])))
        rows.append(("  twitch-causes idle (`inputs`), peak RSS", mb(mem["cli_idle"]["peak_mb"]), "", "", "", ""))
        det = r.get("detail_ms")
        ref = r.get("detail_pgmpy_ms")
        if det:
            for stat in ("median", "p95"):
                through = ms(ref["median"]) if ref and stat == "median" else "-"
                ratio = faster(ref["median"], det["median"]) if ref and stat == "median" else ""
                rows.append((f"rank(case, detail=True), {stat} (n={det['n']}{'/' + str(ref['n']) if ref and stat == 'median' else ''})",
                             ms(det[stat]), through, "-", ratio, ""))
        else:
            rows.append(("rank(case, detail=True)", "skipped", "-", "-", "", ""))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for i, row in enumerate(rows):
            lines.append("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in
                                   enumerate(zip(row, widths, strict=True))).rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        lines += ["", "ratios: latency reference/project, rates project/reference; memory: the project's peak as a "
                  "multiple of the reference's",
                  "* project: `twitch-causes batch` wall time, start-up included; references: their ranking loop "
                  "only, streaming the same CSV row by row in a process of their own (they have no batch mode)", ""]
        ok = r["agreement_ok"]
        lines.append(f"agreement (max |difference| of P(cause present), all {len(self.causes)} causes): "
                     + ("PASS" if ok else "FAIL") + f" (< {AGREEMENT:g})")
        for name, value in r["agreement"].items():
            lines.append(f"  {name:34s} {value:.1e}")
        lines += ["", "targets" + (" (--quick: sizes too small to judge)" if self.args.quick else "")]
        lines += [f"  {'PASS' if passed else 'FAIL'}  {text}" for passed, text in targets]
        if self.notes:
            lines += ["", "notes"] + [f"  {n}" for n in self.notes]
        return "\n".join(lines)


# ---------------------------------------------------------------------- helpers
def _timed(fn, cases, budget_s: float | None = None):
    """Per-call wall times (s) and results (as floats, when they are numbers)."""
    times, results = [], []
    clock = time.perf_counter
    begin = clock()
    for case in cases:
        start = clock()
        results.append(fn(case))
        times.append(clock() - start)
        if budget_s is not None and clock() - begin > budget_s:
            break
    return np.array(times), np.array(results, dtype=float)


def _stats(times: np.ndarray) -> dict:
    return {"n": int(times.size), "median": float(np.median(times) * 1e3), "p95": float(np.percentile(times, 95) * 1e3),
            "mean": float(times.mean() * 1e3)}


def _maxdiff(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.size == 0:
        return float("inf")
    return float(np.abs(a - b).max())


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("twitch-causes")
    return [str(script)] if script.exists() else [sys.executable, "-m", "model.cli"]


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
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "pgmpy": pgmpy.__version__,
            "pyagrum": pyagrum.__version__}


def len_or(lat, key):
    return lat[key]["n"]


def ms(x: float) -> str:
    return f"{x:.3f} ms" if x < 10 else f"{x:.1f} ms"


def rate(x: float) -> str:
    return f"{x:,.0f} /s"


def mb(x: float) -> str:
    return f"{x:,.0f} MB"


def times(x: float) -> str:
    return f"x{x:.2f}"


if __name__ == "__main__":
    sys.exit(main())
