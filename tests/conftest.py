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

# The no-trigger answer to every question: a full, quiet case that tests then change.
QUIET = {
    "caffeine": "none", "nicotine": "no", "stress": "low", "sleep": "good", "exertion": "moderate",
    "fluid_intake": "adequate", "diuretic": "no", "asthma_medication": "no", "ssri": "no",
    "prolonged_sitting": "no", "twitching": "yes", "twitch_duration": "days", "cramps": "no",
    "weakness": "none", "atrophy": "no", "numbness_tingling": "no", "persistent_pain": "no",
    "speech_swallowing": "no", "weight_loss": "no", "fever": "no",
    "alcohol": "none_or_light", "ppi": "no", "breathing": "no", "sudden_symptoms": "no",
}


def quiet(**changes) -> dict:
    """A fully answered case with no triggers and no symptom but twitching, then `changes`."""
    return {**QUIET, "age": "under_40", **changes}


@pytest.fixture(scope="session")
def ranker():
    return load_ranker()


@pytest.fixture
def priors_copy(tmp_path) -> Path:
    """A writable copy of the default priors folder."""
    target = tmp_path / "priors"
    shutil.copytree(DEFAULT_PRIORS, target)
    return target
