"""Peak memory and speed of `twitch-causes batch` for three mixes of answers.

    .venv/bin/python benchmarks/batch_memory.py            # 10^6 realistic, 10^6 uniform, 10^4 worst rows
    .venv/bin/python benchmarks/batch_memory.py --rows 2000 --worst-rows 200   # quick

realistic: cases forward-sampled from the network, 40% of answers hidden (as `run.py`);
uniform: every answer uniformly random, 40% hidden (`run.py --uniform`); worst: every
finding at its worst grade, the case whose exact ranking takes the most engine rows
(2^9 terms). Each batch runs in a process of its own; its peak resident memory is the
kernel's (wait4 rusage, as `/usr/bin/time -v` reports it). Run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _cases import write_csv  # noqa: E402

from model import load_ranker  # noqa: E402

WORST = {"age": "over_60", "caffeine": "high", "stress": "high", "twitching": "yes", "twitch_duration": "months",
         "cramps": "yes", "weakness": "progressive", "atrophy": "yes", "numbness_tingling": "yes",
         "persistent_pain": "yes", "speech_swallowing": "yes", "weight_loss": "yes", "fever": "yes",
         "potassium": "low", "magnesium": "low", "calcium": "low"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of the realistic and uniform files")
    p.add_argument("--worst-rows", type=int, default=10_000, help="rows of the worst-case file")
    p.add_argument("--seed", type=int, default=1, help="seed of the generated cases (run.py uses seed + 1)")
    args = p.parse_args(argv)
    ranker = load_ranker()
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'mix':<10} {'rows':>10} {'peak MB':>8} {'wall s':>8} {'CPU s':>8} {'rows/s':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mix, n in (("realistic", args.rows), ("uniform", args.rows), ("worst", args.worst_rows)):
            source = folder / f"{mix}.csv"
            if mix == "worst":
                with open(source, "w", newline="") as f:
                    writer = csv.writer(f)
                    writer.writerow(list(WORST))
                    writer.writerows([list(WORST.values())] * n)
            else:
                write_csv(ranker, source, n, args.seed, 0.4, uniform=mix == "uniform")
            run = measured(source, folder / f"{mix}-ranked.csv")
            print(f"{mix:<10} {n:>10,} {run['peak_mb']:>8.0f} {run['wall_s']:>8.1f} {run['cpu_s']:>8.1f} "
                  f"{n / run['wall_s']:>9,.0f}")
            if run["status"] not in (0, 2):
                print(run["stderr"][-2000:], file=sys.stderr)
                return 1
    print(f"load average {os.getloadavg()[0]:.2f}")
    return 0


LAUNCHER = """
import os, resource, subprocess, sys
child = subprocess.Popen(sys.argv[2:], stderr=open(sys.argv[1] + ".err", "wb"))
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime} {os.waitstatus_to_exitcode(status)}")
"""


def measured(source: Path, target: Path) -> dict:
    """`twitch-causes batch` in a process of its own, started by a small launcher (a child's peak
    RSS counts its parent's at the fork, so the launcher must not be this process): exit status,
    wall and CPU time, peak RSS."""
    script = Path(sys.executable).with_name("twitch-causes")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", LAUNCHER, str(report), str(script), "batch", str(source), "-o",
                        str(target), "--quiet"], check=False)
        wall = time.perf_counter() - start
        maxrss, cpu, status = report.read_text().split()
        stderr = Path(str(report) + ".err").read_text(errors="replace")
    return {"status": int(status), "wall_s": wall, "cpu_s": float(cpu), "peak_mb": int(maxrss) / 1024,
            "stderr": stderr}


if __name__ == "__main__":
    sys.exit(main())
