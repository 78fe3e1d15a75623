"""Determinism: the same input gives byte-identical output, across calls, rankers and processes.

Two fresh processes with different PYTHONHASHSEED (so any iteration over a set or a
hash-ordered structure would show) must print exactly the bytes this process prints:
the JSON of `rank` (plain and with the seeded detail analyses), the CLI's table, a
batch output file and a `rank_frame` result.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from model import Ranker, load_ranker, rank
from model.priors import load_priors

CASES = [
    {},
    {"caffeine": "high", "twitching": "yes"},
    {"age": "over_60", "twitching": "yes", "twitch_duration": "months", "cramps": "yes", "weakness": "subjective",
     "stress": "high", "sleep": "poor", "magnesium": "normal"},
    {"weakness": "progressive", "atrophy": "yes", "speech_swallowing": "yes"},
]
CSV = ("id,caffeine,stress,note,weakness\n1,high,low,=x,\n2,lots,,n,\n3,,high,\"a,b\",progressive\n"
       "4,none,moderate,@y,none\n")

SCRIPT = r'''
import contextlib, io, json, os, sys
from pathlib import Path
import pandas as pd
from model import load_ranker, rank
from model.batch import frame as chunks
from model.cli import main

chunks.CHUNK = int(os.environ.get("TWITCH_CAUSES_TEST_CHUNK", chunks.CHUNK))  # as this test session runs

cases = json.loads(sys.argv[1])
folder = Path(sys.argv[2])
out = {}
for i, case in enumerate(cases):
    out[f"rank {i}"] = rank(case).to_json()
    if i in (1, 2):
        out[f"detail {i}"] = rank(case, detail=True).to_json()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["rank"] + [k + "=" + v for k, v in case.items()])
    out[f"table {i}"] = buf.getvalue()
frame = pd.DataFrame(cases, dtype=object)
out["frame"] = load_ranker().rank_frame(frame).to_csv()
with contextlib.redirect_stderr(io.StringIO()) as err:
    main(["batch", str(folder / "in.csv"), "-o", str(folder / sys.argv[3]), "--quiet", "--ignore-columns", "id,note"])
out["batch"] = (folder / sys.argv[3]).read_bytes().decode()
out["batch stderr"] = err.getvalue().replace(sys.argv[3], "OUT")
print(json.dumps(out))
'''


def outputs_here(folder: Path) -> dict[str, str]:
    import contextlib
    import io

    import pandas as pd

    from model.cli import main

    out = {}
    for i, case in enumerate(CASES):
        out[f"rank {i}"] = rank(case).to_json()
        if i in (1, 2):  # the seeded analyses are slower: two cases are enough
            out[f"detail {i}"] = rank(case, detail=True).to_json()
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(["rank"] + [f"{k}={v}" for k, v in case.items()])
        out[f"table {i}"] = buf.getvalue()
    out["frame"] = load_ranker().rank_frame(pd.DataFrame(CASES, dtype=object)).to_csv()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        main(["batch", str(folder / "in.csv"), "-o", str(folder / "here.csv"), "--quiet", "--ignore-columns", "id,note"])
    out["batch"] = (folder / "here.csv").read_bytes().decode()
    out["batch stderr"] = err.getvalue().replace("here.csv", "OUT")
    return out


def in_fresh_process(folder: Path, seed: str, name: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    run = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(CASES), str(folder), name], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


def test_repeated_calls_and_fresh_rankers_give_the_same_bytes(ranker):
    fresh = Ranker(load_priors())
    for case in CASES:
        first = ranker.rank(case).to_json()
        assert ranker.rank(case).to_json() == first
        assert fresh.rank(case).to_json() == first
        assert ranker.rank(dict(reversed(list(case.items())))).to_json() == json.dumps(
            {**json.loads(first), "evidence": dict(reversed(list(case.items())))}, indent=2, ensure_ascii=False)
    detail = ranker.rank(CASES[2], detail=True).to_json()
    assert fresh.rank(CASES[2], detail=True).to_json() == detail


def test_two_processes_with_different_hash_seeds_print_the_same_bytes(tmp_path):
    (tmp_path / "in.csv").write_text(CSV)
    here = outputs_here(tmp_path)
    one = in_fresh_process(tmp_path, "0", "one.csv")
    two = in_fresh_process(tmp_path, "4242", "two.csv")
    assert set(one) == set(here) and len(here) == 2 * len(CASES) + 2 + 3
    for key in here:
        assert one[key] == two[key], f"{key} differs between PYTHONHASHSEED=0 and 4242"
        assert one[key] == here[key], f"{key} differs between a fresh process and this one"
    assert "row 3" in here["batch stderr"]  # the bad row is reported the same way too
