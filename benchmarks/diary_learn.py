"""Benchmark the diary's learning (issue 15 targets: 365 days <= 200 ms, 3 years <= 1 s).

    .venv/bin/python benchmarks/diary_learn.py            # 60 days, 1 year, 3 years
    .venv/bin/python benchmarks/diary_learn.py --quick    # fewer repeats, seconds

Each diary is synthetic (model.diary.simulate: forward-sampled days from the network with
one person's strengths, 10% of days skipped and 10% of answers left out), logging twitching
and the five everyday triggers. Timed: `Diary.learn()` on an in-memory list of days (the
SQLite read is timed separately), warm (the first call, which compiles nothing but fills
caches, is left out), median and p90 of the repeats, with the load average beside it; and
`Ranker.personalised` + one `rank()` for the personal ranking. Exit status 0 whatever the
targets say (--strict: 1 when one fails).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model import Diary, load_ranker  # noqa: E402
from model.diary.learn import learn  # noqa: E402
from model.diary.simulate import synthetic_diary  # noqa: E402

LOGGED = ("twitching", "caffeine", "sleep", "stress", "exertion", "nicotine", "alcohol", "fluid_intake")
TARGETS_MS = {365: 200.0, 1095: 1000.0}


def timed(fn, repeats: int) -> tuple[float, float]:
    """Median and p90 wall time of `fn()` in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.9 * len(times)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 15
    ranker = load_ranker()
    settings = ranker.priors.diary
    weight = settings["experience_days"].value
    exposed, unexposed = int(settings["enough_days_exposed"].value), int(settings["enough_days_unexposed"].value)
    truth = {"caffeine_effect.given.caffeine.high": 0.6, "sleep_deprivation.given.sleep.poor": 0.3}
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, {repeats} repeats")
    print(f"{'days':>6} {'logged':>7} {'learn median':>13} {'p90':>9} {'read (SQLite)':>14} {'personalised rank':>18}  target")
    failed = False
    for n in (60, 365, 1095):
        days = synthetic_diary(ranker, n, truth, logged=LOGGED, skip=0.1, miss=0.1, seed=n, start=date(2023, 1, 1))
        median, p90 = timed(lambda days=days: learn(ranker, days, weight, exposed, unexposed), repeats)
        with tempfile.TemporaryDirectory() as folder:
            diary = Diary.open(Path(folder) / "diary.sqlite3", ranker.vocabulary)
            diary.add_many(days)
            read, _ = timed(diary.entries, repeats)
            personal, _ = timed(lambda diary=diary: ranker.personalised(diary).rank({"twitching": "yes"}), max(3, repeats // 3))
            diary.delete()
        target = TARGETS_MS.get(n)
        verdict = "" if target is None else f"<= {target:.0f} ms {'PASS' if median <= target else 'FAIL'}"
        failed |= target is not None and median > target
        print(f"{n:>6} {len(days):>7} {median:>10.1f} ms {p90:>6.1f} ms {read:>11.1f} ms {personal:>15.1f} ms  {verdict}")
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
