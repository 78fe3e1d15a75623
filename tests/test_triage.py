"""Triage rules and thresholds, one case at a time and vectorised."""
import numpy as np
import pandas as pd

from model import load_ranker, rank
from model.triage import RULES, triage
from tests.support.cases import quiet


def test_red_flags_win_over_a_low_posterior():
    result = triage({"fever": "yes"}, hp=1e-9, prompt_above=0.03, routine_above=0.005)
    assert result.level == "prompt_evaluation" and "Fever" in result.reasons[0]


def test_posterior_thresholds_escalate_without_any_flag():
    assert triage({}, 0.04, 0.03, 0.005).level == "prompt_evaluation"
    assert triage({}, 0.01, 0.03, 0.005).level == "see_doctor"
    assert triage({}, 0.001, 0.03, 0.005).level == "self_care"


def test_every_escalating_answer_is_named():
    case = quiet(fever="yes", atrophy="yes", twitch_duration="months", potassium="low")
    reasons = " ".join(rank(case).triage.reasons)
    for (inp, state) in [("fever", "yes"), ("atrophy", "yes"), ("twitch_duration", "months"), ("potassium", "low")]:
        text = next(r.reason for r in RULES if (r.input, r.state) == (inp, state))
        assert text in reasons


def test_thresholds_come_from_the_priors_folder(priors_copy):
    text = (priors_copy / "triage.toml").read_text()
    text = text.replace("value = 0.005\nrange = [0.002, 0.01]", "value = 0.00001\nrange = [0.000001, 0.01]")
    (priors_copy / "triage.toml").write_text(text)
    case = {"age": "over_60", "twitching": "yes"}
    assert rank(case).triage.level == "self_care"
    assert load_ranker(priors_copy).rank(case).triage.level == "see_doctor"


def test_vectorised_triage_equals_one_by_one(ranker):
    rng = np.random.default_rng(2)
    rows = []
    for _ in range(300):
        rows.append({i.id: (str(rng.choice(i.states)) if rng.random() < 0.3 else None) for i in ranker.vocabulary.inputs.values()})
    frame = pd.DataFrame(rows)
    out = ranker.rank_frame(frame)
    for k, row in enumerate(rows):
        case = {key: v for key, v in row.items() if v is not None}
        assert out["triage"].iloc[k] == ranker.rank(case).triage.level
