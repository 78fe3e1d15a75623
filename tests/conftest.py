"""Shared fixtures: the default ranker, case builders, and priors-folder copies to corrupt."""
from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=FutureWarning)

from hypothesis import HealthCheck, settings  # noqa: E402

from model import load_ranker  # noqa: E402
from model.priors import DEFAULT_PRIORS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("ci", max_examples=150, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))



@pytest.fixture(scope="session", autouse=True)
def batch_chunk():
    """Rows per engine call in rank_frame and the CSV batch: the library's default, or another
    size from TWITCH_CAUSES_TEST_CHUNK, so the whole suite can run again with small chunks
    (CI does) and prove that no result depends on where chunks begin and end."""
    from model.batch import frame

    default = frame.CHUNK
    frame.CHUNK = int(os.environ.get("TWITCH_CAUSES_TEST_CHUNK", default))
    yield frame.CHUNK
    frame.CHUNK = default


@pytest.fixture(scope="session")
def ranker():
    return load_ranker()


@pytest.fixture
def priors_copy(tmp_path) -> Path:
    """A writable copy of the default priors folder."""
    target = tmp_path / "priors"
    shutil.copytree(DEFAULT_PRIORS, target)
    return target
