"""Many dashboard sessions share one cached ranker from threads: the answers must not change.

Eight threads rank at once for a few seconds (rank, rank(detail=True), rank_frame,
rankers with session overrides, refused inputs), and every result must be identical
(byte for byte in JSON; to 1e-12 in frames, whose batched sums may round differently)
to the single-threaded one, with no
exception but the expected `InputError`s. The number of calls made is printed at the
end (look for "concurrency counts" in pytest's output).
"""
from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from model import InputError, Ranker, load_ranker
from tests.support.compare import assert_close
from tests.support.strategies import INPUTS, print_counts

THREADS = 8
SECONDS = 3.0  # how long the threads keep going (a loop bound, not an assertion)
MIN_ROUNDS = 1  # ...and each thread does at least this many passes over the work


def _random_case(rng: random.Random) -> dict:
    keys = rng.sample(sorted(INPUTS), rng.randint(0, len(INPUTS)))
    return {k: rng.choice(INPUTS[k]) for k in keys}


OVERRIDES = [
    {"caffeine.prior.high": 0.3},
    {"twitching.given.caffeine_effect": 0.05, "stress.prior.high": 0.4},
    {"neuromuscular_disease.baseline": 0.01},
]
BAD = [{"cafeine": "high"}, {"caffeine": "lots"}, {"caffeine": None}, ["caffeine"], {"caffeine": float("nan")}]


@pytest.fixture(scope="module")
def work(ranker):
    """Every task with its single-threaded answer, computed before any thread starts."""
    rng = random.Random(7)
    cases = [_random_case(rng) for _ in range(40)]
    tasks = []
    for case in cases:
        tasks.append(("rank", case, ranker.rank(case).to_json()))
    tasks.append(("detail", cases[0], ranker.rank(cases[0], detail=True).to_json()))  # slow: first pass only
    frame = pd.DataFrame([{**c} for c in cases], dtype=object)
    tasks.append(("frame", frame, ranker.rank_frame(frame)))
    for i, overrides in enumerate(OVERRIDES):
        edited = ranker.with_overrides(overrides)
        for case in cases[i::20]:
            tasks.append(("override", (overrides, case), edited.rank(case).to_json()))
    for bad in BAD:
        with pytest.raises(InputError) as err:
            ranker.rank(bad)
        tasks.append(("bad", bad, str(err.value)))
    return tasks


def run_task(ranker, kind, arg, expected, counts: Counter) -> None:
    if kind == "rank":
        assert ranker.rank(arg).to_json() == expected
    elif kind == "detail":
        assert ranker.rank(arg, detail=True).to_json() == expected
    elif kind == "frame":
        got = ranker.rank_frame(arg)
        assert got.index.equals(expected.index) and list(got.columns) == list(expected.columns)
        assert_close(got[ranker.causes].to_numpy(), expected[ranker.causes].to_numpy())
        assert list(got["triage"]) == list(expected["triage"])
        counts["rank_frame rows"] += len(got)
    elif kind == "override":
        overrides, case = arg
        assert ranker.with_overrides(overrides).rank(case).to_json() == expected
    elif kind == "bad":
        with pytest.raises(InputError) as err:
            ranker.rank(arg)
        assert str(err.value) == expected
    counts[kind] += 1


def test_eight_threads_sharing_one_ranker_get_the_single_threaded_answers(ranker, work, request):
    shared = load_ranker()
    assert shared is ranker, "the dashboard's threads share the one cached ranker"
    deadline = [0.0]

    def set_deadline() -> None:  # run once, by the last thread to arrive, before any is released
        deadline[0] = time.monotonic() + SECONDS

    start = threading.Barrier(THREADS, action=set_deadline)

    def worker(seed: int) -> Counter:
        counts: Counter = Counter()
        order = list(range(len(work)))
        random.Random(seed).shuffle(order)
        start.wait()
        assert deadline[0] > 0
        rounds = 0
        while rounds < MIN_ROUNDS or time.monotonic() < deadline[0]:
            for i in order:
                kind, arg, expected = work[i]
                if kind == "detail" and rounds:
                    continue
                run_task(shared, kind, arg, expected, counts)
            rounds += 1
        counts["rounds"] += rounds
        return counts

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(worker, seed) for seed in range(THREADS)]
        results = [f.result() for f in futures]  # re-raises any exception or failed comparison
    total = sum(results, Counter())
    assert total["rounds"] >= THREADS * MIN_ROUNDS
    assert all(r["rank"] >= MIN_ROUNDS * 40 and r["detail"] == 1 and r["bad"] >= len(BAD) for r in results)
    calls = sum(v for k, v in total.items() if k not in ("rounds", "rank_frame rows"))
    print_counts(request, "concurrency counts", {"threads": THREADS, "calls": calls, **total})


def test_the_network_and_new_rankers_can_be_built_from_threads(ranker):
    """Lazy pieces (the pgmpy network, rankers for the session's overrides) are built safely."""
    fresh = Ranker(ranker.priors)
    start = threading.Barrier(THREADS)

    def build(i: int):
        start.wait()
        edited = ranker.with_overrides(OVERRIDES[i % len(OVERRIDES)])
        return id(fresh.network), edited.rank({"caffeine": "high", "twitching": "yes"}).to_json()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(build, range(THREADS)))
    assert len({net for net, _ in results}) == 1, "every thread sees the same network object"
    for i, (_, got) in enumerate(results):
        expected = ranker.with_overrides(OVERRIDES[i % len(OVERRIDES)]).rank({"caffeine": "high", "twitching": "yes"})
        assert got == expected.to_json()
