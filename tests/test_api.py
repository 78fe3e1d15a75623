"""The public namespace and the public Ranker (model/__init__.py, model/api.py)."""
import numpy as np
import pandas as pd
import pytest

import model
from model import Ranker, load_ranker, rank
from model.analyses import Detail


def test_the_namespace_is_thin_and_documented():
    assert set(model.__all__) == {"rank", "load_ranker", "Ranker", "Ranking", "Diary", "InputError", "PriorsError",
                                  "ImpossibleEvidenceError"}  # interface.md: `from model import Diary, load_ranker`
    assert all(getattr(model, name).__doc__ for name in model.__all__)


def test_load_ranker_is_built_once_per_folder_and_content(priors_copy):
    assert load_ranker() is load_ranker()
    copy = load_ranker(priors_copy)
    assert copy is load_ranker(priors_copy) and copy is not load_ranker()
    path = priors_copy / "triage.toml"
    path.write_text(path.read_text().replace("value = 0.03", "value = 0.04"))
    fresh = load_ranker(priors_copy)
    assert fresh is not copy and fresh.threshold("prompt_evaluation_above") == 0.04


def test_rank_detail_adds_the_typed_analyses():
    plain = rank({"caffeine": "high", "twitching": "yes"})
    detailed = rank({"caffeine": "high", "twitching": "yes"}, detail=True)
    assert plain.detail is None and isinstance(detailed.detail, Detail)
    assert [c.id for c in detailed.causes] == [c.id for c in plain.causes]
    assert detailed.detail.what_if[0].input == "caffeine"


def test_rank_frame_takes_pandas_and_refuses_other_things(ranker):
    out = ranker.rank_frame(pd.DataFrame([{"caffeine": "high", "twitching": "yes"}]))
    assert list(out.columns) == ranker.causes + ["triage"]
    assert out.iloc[0][ranker.causes].to_numpy(dtype=float) == pytest.approx(
        np.array([ranker.rank({"caffeine": "high", "twitching": "yes"}).probability(c) for c in ranker.causes]),
        rel=1e-11)
    with pytest.raises(model.InputError, match="DataFrame"):
        ranker.rank_frame([{"caffeine": "high"}])


def test_with_overrides_reuses_the_cached_ranker(ranker):
    one = ranker.with_overrides({"caffeine.prior.high": 0.3})
    assert isinstance(one, Ranker) and one is ranker.with_overrides({"caffeine.prior.high": 0.3})
    assert ranker.with_overrides({}) is ranker
