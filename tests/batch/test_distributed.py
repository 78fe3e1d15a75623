"""rank_frame on a Dask DataFrame: partitions ranked on a real two-worker LocalCluster
(separate processes) give what the single-process rank_frame gives.

Probabilities are compared to 1e-12 (relative), never bit for bit: a row's last bits may
depend on the batch it is ranked in and on the CPU's BLAS kernels. Index, columns, dtypes,
triage and row order are compared exactly; each partition is also compared with the same
partition ranked in this process, which checks the plumbing row by row."""
from __future__ import annotations

import logging
import os
import pickle

import numpy as np
import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from model import InputError, PriorsError, load_ranker  # noqa: E402
from model.batch import distributed as mod  # noqa: E402
from model.batch.distributed import PriorsRef, priors_ref, skipped_rows, worker_ranker  # noqa: E402
from model.batch.frame import CHUNK  # noqa: E402
from model.engine.sample import forward_sample  # noqa: E402
from model.ranking import RankerCache  # noqa: E402
from tests.support.compare import assert_frames_match  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Real worker processes: nothing is shared with the test process but what Dask ships.
    # Starting a LocalCluster sets OPENBLAS_NUM_THREADS, PYTHONHASHSEED and more in this
    # process's environment; they are put back so later tests' fresh processes are unchanged.
    environ = dict(os.environ)
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      silence_logs=logging.ERROR) as cluster, distributed.Client(cluster) as c:
            yield c
    finally:
        os.environ.clear()
        os.environ.update(environ)


def in_one_process(ranker, frame, **kw) -> pd.DataFrame:
    """The single-process result for the same data."""
    return ranker.rank_frame(frame, ignore=IGNORE, **kw)


IGNORE = ["comment"]  # the free-text column realistic_cases adds: passed over, as rank_frame must be told


def realistic_cases(ranker, n: int, seed: int = 7, masked: float = 0.4) -> pd.DataFrame:
    """Complete cases sampled from the network, inputs only, each answer masked at random."""
    full = forward_sample(ranker.spec, n, seed)
    rng = np.random.default_rng(seed + 1)
    data = {}
    for name, spec in ranker.vocabulary.inputs.items():
        col = np.asarray(spec.states, dtype=object)[full[:, ranker.engine.column[name]]]
        col[rng.random(n) < masked] = None
        data[name] = col
    frame = pd.DataFrame(data, index=pd.Index([f"case{i:05d}" for i in range(n)], name="case"))
    frame["comment"] = "free text, not an input"
    return frame


@pytest.fixture(scope="module")
def cases(ranker):
    return realistic_cases(ranker, 3 * CHUNK + 123)


def test_result_is_lazy_with_the_right_meta(ranker, cases, client):
    ranked = ranker.rank_frame(dd.from_pandas(cases, npartitions=5), ignore=IGNORE)
    assert isinstance(ranked, dd.DataFrame) and ranked.npartitions == 5
    expected = ranker.rank_frame(cases.head(3), ignore=IGNORE)
    assert list(ranked.columns) == ranker.causes + ["triage"]
    assert ranked.dtypes.equals(expected.dtypes)
    assert ranked._meta.index.name == "case"


@pytest.mark.parametrize("npartitions", [2, 7])
def test_partitions_give_the_single_process_numbers(ranker, cases, client, npartitions):
    dframe = dd.from_pandas(cases, npartitions=npartitions)  # 2: partitions longer than one engine chunk
    ranked = ranker.rank_frame(dframe, ignore=IGNORE).compute()
    # the reference: the same data (Dask holds text as pyarrow strings) ranked in this process
    local = dframe.compute()
    assert_frames_match(ranked, in_one_process(ranker, local), ranker.causes)
    start = 0
    for part in dframe.partitions:  # the plumbing, partition by partition
        rows = len(part)
        assert_frames_match(ranked.iloc[start:start + rows], in_one_process(ranker, part.compute()), ranker.causes)
        start += rows
    assert start == len(cases)


def test_a_one_row_partition_gives_the_same_numbers(ranker, cases, client):
    frame = cases.head(600)
    dframe = dd.from_pandas(frame, npartitions=1).repartition(
        divisions=[frame.index[0], frame.index[1], frame.index[-1]])
    assert dframe.map_partitions(len).compute().tolist()[0] == 1
    assert_frames_match(ranker.rank_frame(dframe, ignore=IGNORE).compute(), in_one_process(ranker, dframe.compute()), ranker.causes)


def test_both_workers_rank_and_build_their_ranker_from_the_path(ranker, cases, client):
    ranker.rank_frame(dd.from_pandas(cases, npartitions=8), ignore=IGNORE).compute()

    def built():
        from model.ranking import RANKERS

        return len(RANKERS)

    counts = client.run(built)
    assert len(counts) == 2 and all(n >= 1 for n in counts.values())


def test_tasks_carry_a_small_reference_not_the_ranker(ranker):
    ref = priors_ref(ranker)
    assert len(pickle.dumps(ref)) < 4096
    with pytest.raises(TypeError):  # a ranker cannot even be pickled: shipping it would fail
        pickle.dumps(ranker)


def test_session_overrides_reach_the_workers(ranker, cases, client):
    changed = ranker.with_overrides({"twitching.given.caffeine_effect": 0.9})
    dframe = dd.from_pandas(cases.head(2000), npartitions=1)
    frame = dframe.compute()
    ranked = changed.rank_frame(dframe, ignore=IGNORE).compute()
    assert_frames_match(ranked, in_one_process(changed, frame), ranker.causes)
    assert not np.allclose(ranked["caffeine_effect"], ranker.rank_frame(frame, ignore=IGNORE)["caffeine_effect"])


def test_a_bad_row_in_the_first_partition_raises_the_pandas_error(ranker, cases, client):
    frame = cases.head(500).copy()
    frame.loc["case00042", "caffeine"] = "lots"
    with pytest.raises(InputError) as pandas_error:
        ranker.rank_frame(frame, ignore=IGNORE)
    ranked = ranker.rank_frame(dd.from_pandas(frame, npartitions=2), ignore=IGNORE)  # lazy: no error yet
    with pytest.raises(InputError) as dask_error:
        ranked.compute()
    assert type(dask_error.value) is type(pandas_error.value)
    assert str(dask_error.value) == str(pandas_error.value)


def test_a_bad_row_in_a_later_partition_names_partition_and_label(ranker, cases, client):
    frame = cases.head(1000).copy()
    frame.loc["case00760", "weakness"] = "Progressive!"
    with pytest.raises(InputError, match=r"^row 10 of partition 3 \(index 'case00760'\): input 'weakness': "
                                         r"unknown state 'Progressive!'.*valid states"):
        ranker.rank_frame(dd.from_pandas(frame, npartitions=4), ignore=IGNORE).compute()


def test_a_cell_that_is_not_a_string_raises(ranker, client):
    frame = pd.DataFrame({"caffeine": [1, 2, 3, 4]})  # numbers (Dask would turn mixed objects into text)
    with pytest.raises(InputError, match=r"row 0 \(index 0\): input 'caffeine': the state must be a string"):
        ranker.rank_frame(dd.from_pandas(frame, npartitions=1), ignore=IGNORE).compute()


def test_skip_leaves_out_bad_rows_and_skipped_rows_reports_them(ranker, cases, client):
    frame = cases.head(1500).copy()
    frame.loc["case00003", "caffeine"] = "lots"
    frame.loc["case01400", "age"] = "ancient"
    frame.loc["case01401", "age"] = "ancient"
    dframe = dd.from_pandas(frame, npartitions=3)
    expected = in_one_process(ranker, dframe.compute(), errors="skip")
    ranked = ranker.rank_frame(dframe, errors="skip", ignore=IGNORE).compute()
    assert_frames_match(ranked, expected, ranker.causes)
    assert "bad_rows" not in ranked.attrs
    report = skipped_rows(ranker, dframe, ignore=IGNORE).compute()
    assert list(report.index) == ["case00003", "case01400", "case01401"]
    assert report.to_dict() == expected.attrs["bad_rows"]


def test_empty_partitions_keep_the_declared_dtypes(ranker, cases, client):
    dframe = dd.from_pandas(cases.head(2000), npartitions=4)
    only_first = dframe[dframe.index < "case00400"]  # partitions 2..4 become empty
    ranked = ranker.rank_frame(only_first, ignore=IGNORE).compute()
    assert len(ranked) == 400
    assert ranked.dtypes.equals(ranker.rank_frame(cases.head(3), ignore=IGNORE).dtypes)


def test_duplicated_columns_are_refused_before_computing(ranker):
    frame = pd.DataFrame([["high", "none"]], columns=["caffeine", "caffeine"])
    with pytest.raises(InputError, match="duplicated column caffeine"):
        ranker.rank_frame(dd.from_pandas(frame, npartitions=1), ignore=IGNORE)


def test_a_worker_without_the_priors_folder_says_so(ranker, tmp_path):
    ref = PriorsRef(str(tmp_path / "nowhere"), "0" * 64, tuple(ranker.priors.values))
    with pytest.raises(PriorsError, match="cannot find the priors folder.*nowhere"):
        worker_ranker(ref)


def test_a_worker_elsewhere_uses_its_own_default_priors_when_they_match(ranker, tmp_path):
    ref = priors_ref(ranker)
    moved = PriorsRef(str(tmp_path / "not-on-this-worker"), ref.fingerprint, ref.values)
    assert worker_ranker(moved).priors.folder == ranker.priors.folder


def test_a_priors_folder_with_other_numbers_is_found_by_its_path(ranker, priors_copy, monkeypatch):
    text = (priors_copy / "triage.toml").read_text()
    (priors_copy / "triage.toml").write_text(text)  # same content, its own folder
    copy = load_ranker(priors_copy).with_overrides({"caffeine.prior.high": 0.5})
    ref = priors_ref(copy)
    assert ref.folder == str(priors_copy.resolve())
    monkeypatch.setattr(mod, "RANKERS", RankerCache())  # an empty cache, as in a fresh worker process
    rebuilt = worker_ranker(ref)
    assert rebuilt is not copy and rebuilt.priors.folder == copy.priors.folder
    np.testing.assert_array_equal(rebuilt.priors.values, copy.priors.values)
    case = {"caffeine": "high", "twitching": "yes"}
    assert rebuilt.rank(case).to_dict() == copy.rank(case).to_dict()
    assert rebuilt.rank(case).to_dict() != ranker.rank(case).to_dict()


def test_a_dask_series_is_refused(ranker):
    with pytest.raises(InputError, match="DataFrame"):
        ranker.rank_frame(dd.from_pandas(pd.Series(["high"], name="caffeine"), npartitions=1), ignore=IGNORE)


def test_an_unknown_column_is_refused_before_computing_and_case_variants_are_read(ranker, cases, client):
    dframe = dd.from_pandas(cases.head(300), npartitions=2)
    with pytest.raises(InputError, match="column 'comment' is not an input"):
        ranker.rank_frame(dframe)
    renamed = cases.head(300).rename(columns={"caffeine": "Caffeine", "twitching": " twitching "})
    ranked = ranker.rank_frame(dd.from_pandas(renamed, npartitions=2), ignore=IGNORE).compute()
    assert_frames_match(ranked, in_one_process(ranker, dframe.compute()), ranker.causes)
