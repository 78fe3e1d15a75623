"""The benchmark runs end to end on tiny sizes, prints its table and its agreement check
passes. No timing is asserted: speed is measured by `make bench`, never by the tests."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    pytest.importorskip("pyagrum")
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    run = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--json", str(out)],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    return run, json.loads(out.read_text()) if out.exists() else None


def test_quick_benchmark_prints_the_table(quick_run):
    run, figures = quick_run
    assert run.returncode == 0, run.stderr[-3000:]
    text = run.stdout
    for expected in ("machine: ", "load average", "figure", "project", "JT", "pgmpy VE", "pyAgrum LP", "vs JT",
                     "vs pgmpy", "vs pyAgrum", "realistic mix", "uniform mix", "rank(), one case, median",
                     "rank(), one case, p95", "engine.infer(one row)", "rank_frame, cases/s", "row cost",
                     "max / median row cost", "rank(detail=True)", "how sure (1,000 draws)", "worst case",
                     "answers hidden", "answers observed", "peak RSS", "fresh process", "plain Python kernel",
                     "exactness", "targets", "notes"):
        assert expected in text, f"{expected!r} missing from\n{text}"
    verdicts = [line for line in text.splitlines() if line.lstrip().startswith(("PASS  ", "FAIL  "))]
    assert len(verdicts) == len(figures["targets"]) >= 15
    for target in ("rank_frame >= 500,000 cases/s, realistic", "rank_frame >= 200,000 cases/s, uniform",
                   "rank() median <= 25 us, realistic", "rank() p95 <= 50 us, uniform",
                   "no row more than 3x the median row", "rank(detail=True) median <= 5 ms", "exact, worst cases",
                   "peak memory <= 500 MB", "fresh process ready"):
        assert any(target in line for line in verdicts), f"no verdict for {target!r}"


def test_quick_benchmark_methods_agree(quick_run):
    run, figures = quick_run
    assert figures is not None, run.stderr[-3000:]
    assert "exactness: PASS" in run.stdout
    assert figures["agreement_ok"] and figures["long_double_ok"]
    assert set(figures["mixes"]) == {"realistic", "uniform"}
    for mix in figures["mixes"].values():
        agreement = mix["agreement"]
        assert {"rank() vs pgmpy", "rank_frame vs pgmpy", "twitch-causes batch vs pgmpy"} <= set(agreement)
        assert all(0 <= v < 1e-9 for v in agreement.values()), agreement
        assert 0 <= mix["exactness"]["max_rel_vs_long_double"] < 1e-12
        assert mix["memory"]["cli_batch"]["rows"] == figures["sizes"]["csv_rows"]
        assert mix["memory"]["cli_batch"]["peak_mb"] > 0
    assert all(0 <= v < 1e-9 for v in figures["worst"]["agreement"].values())
    assert figures["ready"]["plain_python"]["max_abs_vs_jit"] < 1e-12


@pytest.fixture(scope="module")
def cases_module():
    sys.path.insert(0, str(BENCH))
    try:
        import _cases
    finally:
        sys.path.remove(str(BENCH))
    return _cases


@pytest.mark.parametrize("uniform", [False, True])
def test_cases_are_seeded_masked_inputs_with_valid_states(ranker, cases_module, uniform):
    frame = cases_module.case_frame(ranker, 4000, seed=3, mask=0.4, uniform=uniform)
    again = cases_module.case_frame(ranker, 4000, seed=3, mask=0.4, uniform=uniform)
    assert frame.equals(again)
    assert not frame.equals(cases_module.case_frame(ranker, 4000, seed=4, mask=0.4, uniform=uniform))
    assert list(frame.columns) == list(ranker.vocabulary.inputs)
    unknown = frame.isna().to_numpy().mean()
    assert 0.37 < unknown < 0.43
    for name, spec in ranker.vocabulary.inputs.items():
        assert set(frame[name].dropna()) <= set(spec.states)


def test_realistic_cases_follow_the_network_and_uniform_ones_do_not(ranker, cases_module):
    real = cases_module.case_frame(ranker, 20000, seed=1, mask=0.0)
    flat = cases_module.case_frame(ranker, 20000, seed=1, mask=0.0, uniform=True)
    assert not real.isna().any().any()
    for state in ranker.vocabulary.inputs["age"].states:
        prior = ranker.priors.values[ranker.priors.index(f"age.prior.{state}")]
        assert abs((real["age"] == state).mean() - prior) < 0.015
        assert abs((flat["age"] == state).mean() - 1 / 3) < 0.015
    assert abs((flat["twitching"] == "yes").mean() - 0.5) < 0.015


def test_batch_memory_runs_the_three_mixes():
    run = subprocess.run([sys.executable, str(BENCH / "batch_memory.py"), "--rows", "300", "--worst-rows", "30"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = {line.split()[0]: line.split() for line in run.stdout.splitlines() if line.strip()}
    assert {"realistic", "uniform", "worst"} <= set(lines), run.stdout
    assert lines["worst"][1] == "30" and float(lines["worst"][2]) > 0
