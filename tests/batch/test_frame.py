"""rank_frame: a table of cases gives what rank() gives, row by row."""
from functools import cached_property

import numpy as np
import pandas as pd
import pytest

from model import InputError, Ranker, rank
from model.engine import Engine
from tests.support.compare import assert_close


def test_rank_frame_equals_rank_row_by_row(ranker):
    frame = pd.DataFrame({
        "caffeine": ["high", None, "moderate", ""],
        "twitching": ["yes", "yes", "no", "yes"],
        "age": ["under_40", "over_60", np.nan, "40_to_60"],
        "weakness": ["none", "progressive", "subjective", None],
        "comment": ["x", "y", "z", "w"],
    }, index=["p1", "p2", "p3", "p4"])
    out = ranker.rank_frame(frame, ignore=["comment"])
    assert list(out.index) == list(frame.index)
    assert list(out.columns) == ranker.causes + ["triage"]
    for label, row in frame.iterrows():
        case = {k: v for k, v in row.items() if k in ranker.vocabulary.inputs and isinstance(v, str) and v}
        expected = rank(case)
        for c in ranker.causes:
            assert out.loc[label, c] == pytest.approx(expected.probability(c), abs=1e-12)
        assert out.loc[label, "triage"] == expected.triage.level


def test_bad_rows_raise_by_default_and_are_reported_on_request(ranker):
    frame = pd.DataFrame({"caffeine": ["high", "lots", "none"]}, index=[10, 11, 12])
    with pytest.raises(InputError, match="row 1 .*index 11.*'lots'"):
        ranker.rank_frame(frame)
    out = ranker.rank_frame(frame, errors="skip")
    assert list(out.index) == [10, 12] and list(out.attrs["bad_rows"]) == [11]


def test_non_string_cells_and_duplicate_columns_are_refused(ranker):
    with pytest.raises(InputError, match="must be a string"):
        ranker.rank_frame(pd.DataFrame({"caffeine": [3]}))
    frame = pd.DataFrame([["high", "none"]], columns=["caffeine", "caffeine"])
    with pytest.raises(InputError, match="duplicated column caffeine"):
        ranker.rank_frame(frame)


def test_an_empty_frame_gives_an_empty_result(ranker):
    out = ranker.rank_frame(pd.DataFrame({"caffeine": pd.Series([], dtype=object)}))
    assert len(out) == 0 and list(out.columns) == ranker.causes + ["triage"]


def test_not_a_frame_is_refused(ranker):
    with pytest.raises(InputError, match="DataFrame"):
        ranker.rank_frame([{"caffeine": "high"}])


@pytest.fixture(scope="module")
def mixed_rows(ranker):
    rng = np.random.default_rng(11)
    return [{i: str(rng.choice(s.states)) for i, s in ranker.vocabulary.inputs.items() if rng.random() < 0.5}
            for _ in range(150)]


@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_numbers_do_not_depend_on_where_chunks_begin_and_end(ranker, mixed_rows, chunk):
    whole = ranker.rank_frame(pd.DataFrame(mixed_rows), chunk=4096)
    out = ranker.rank_frame(pd.DataFrame(mixed_rows), chunk=chunk)
    assert_close(out[ranker.causes].to_numpy(), whole[ranker.causes].to_numpy())
    assert list(out["triage"]) == list(whole["triage"])


def test_a_row_in_a_table_gets_the_numbers_it_gets_alone(ranker, mixed_rows):
    out = ranker.rank_frame(pd.DataFrame(mixed_rows))
    alone = np.array([[ranker.rank(r).probability(c) for c in ranker.causes] for r in mixed_rows])
    assert_close(out[ranker.causes].to_numpy(), alone)
    assert list(out["triage"]) == [ranker.rank(r).triage.level for r in mixed_rows]


def test_a_chunk_must_hold_a_row(ranker):
    with pytest.raises(ValueError, match="at least 1"):
        ranker.rank_frame(pd.DataFrame([{"caffeine": "high"}]), chunk=0)


# ------------------------------------------------------------------ columns (issue 11, item 6)


def test_columns_match_input_ids_whatever_their_case_and_spaces(ranker):
    # "Atrophy" and "weakness " used to be dropped without a word: an atrophy=yes row came out self_care
    frame = pd.DataFrame({"Atrophy": ["yes", None], "weakness ": [None, "progressive"], "Twitch duration": ["days", None]})
    out = ranker.rank_frame(frame)
    assert list(out["triage"]) == ["prompt_evaluation", "prompt_evaluation"]
    expected = rank({"atrophy": "yes", "twitch_duration": "days"})
    assert out.iloc[0]["neuromuscular_disease"] == pytest.approx(expected.probability("neuromuscular_disease"), abs=1e-12)


@pytest.mark.parametrize("column, words", [("comment", "column 'comment' is not an input"),
                                           ("atrophie", "did you mean 'atrophy'"), (0, "column '0' is not an input")])
def test_an_unknown_column_raises_unless_ignored(ranker, column, words):
    frame = pd.DataFrame({"atrophy": ["yes"], column: ["x"]})
    with pytest.raises(InputError, match=words) as err:
        ranker.rank_frame(frame)
    assert "valid inputs: age, family_history, diabetes, caffeine" in str(err.value) and "ignore=[" in str(err.value)
    out = ranker.rank_frame(frame, ignore=[column])
    assert out.iloc[0]["triage"] == "prompt_evaluation"


def test_ignore_passes_over_an_input_column_and_unused_names(ranker):
    frame = pd.DataFrame({"atrophy": ["yes"], "caffeine": ["high"]})
    out = ranker.rank_frame(frame, ignore=["Atrophy", "not there"])
    assert out.iloc[0]["caffeine_effect"] == pytest.approx(rank({"caffeine": "high"}).probability("caffeine_effect"))


def test_two_columns_naming_one_input_are_refused(ranker):
    with pytest.raises(InputError, match=r"duplicated column atrophy \(as 'atrophy' and 'Atrophy'\)"):
        ranker.rank_frame(pd.DataFrame({"atrophy": ["yes"], "Atrophy": ["no"]}))


# ------------------------------------------------------------------ bounded cost (issue 11, item 9)


WORST = {"age": "over_60", "caffeine": "high", "stress": "high", "twitching": "yes", "twitch_duration": "months",
         "cramps": "yes", "weakness": "progressive", "atrophy": "yes", "numbness_tingling": "yes",
         "persistent_pain": "yes", "speech_swallowing": "yes", "weight_loss": "yes", "fever": "yes",
         "potassium": "low", "magnesium": "low", "calcium": "low"}  # every finding at its worst grade


def test_spans_hold_at_most_the_budget_and_the_rows():
    from model.batch.frame import spans

    cost = np.array([1, 1, 4, 8, 1, 1, 1, 20, 1])
    assert spans(cost, rows=100, budget=8) == [(0, 3), (3, 4), (4, 7), (7, 8), (8, 9)]
    assert spans(cost, rows=2, budget=100) == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 9)]
    assert spans(np.array([], dtype=int), rows=4, budget=8) == []


class TreeRanker(Ranker):
    """The ranker with the junction-tree engine (a case with many positive findings costs it
    2^k tree rows), to check the batch's bound where row costs differ."""

    @cached_property
    def engine(self):
        return Engine(self.spec, queries=self.causes)


def test_no_engine_call_takes_more_than_the_work_budget(ranker, monkeypatch):
    from model.batch import frame as module

    tree = TreeRanker(ranker.priors)
    engine = tree.engine
    calls = []
    real = engine.infer

    def spy(evidence, *args, **kwargs):
        calls.append((len(evidence), int(engine.row_cost(evidence).sum())))
        return real(evidence, *args, **kwargs)

    monkeypatch.setattr(engine, "infer", spy)
    monkeypatch.setattr(module, "WORK", 4096)
    rows = [WORST] * 30 + [{"caffeine": "high"}] * 2000 + [WORST] * 10
    out = tree.rank_frame(pd.DataFrame(rows))
    assert len(out) == len(rows) and len(calls) > 2
    assert all(work <= module.WORK or n == 1 for n, work in calls), calls
    assert int(engine.row_cost(tree.engine.encode([WORST]))[0]) > 64  # the worst rows are costly there
    expected = rank(WORST)
    for c in ranker.causes:
        assert out.iloc[0][c] == pytest.approx(expected.probability(c), abs=1e-12)
        assert out.iloc[-1][c] == pytest.approx(expected.probability(c), abs=1e-12)


def test_the_kernel_counts_every_row_as_one_unit(ranker):
    """The noisy-OR kernel's rows cost the same whatever the answers: no row needs splitting."""
    ev = ranker.engine.encode([WORST, {}, {"caffeine": "high"}])
    assert list(ranker.engine.row_cost(ev)) == [1, 1, 1]


def test_a_batch_of_worst_cases_stays_within_bounded_memory(tmp_path):
    import csv
    import subprocess
    import sys

    src = tmp_path / "worst.csv"
    with open(src, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(list(WORST))
        writer.writerows([list(WORST.values())] * 1000)
    # VmHWM: this process's own peak (ru_maxrss would count the test process's, inherited at the fork)
    code = ("import sys; from model.cli import main; code = main(sys.argv[1:]); "
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024); "
            "sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code, "batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    peak_mb = int(run.stdout.split()[-1])
    assert peak_mb < 450, f"peak {peak_mb} MB for 1,000 worst-case rows (it was about 1 GB per 1,000 before)"
