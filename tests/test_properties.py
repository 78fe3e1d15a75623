"""Properties any sound Bayesian cause ranker must have, checked on the real network."""
import pytest

from model import rank
from tests.support.cases import quiet


def p(case, cause):
    return rank(case).probability(cause)


def hp(case):
    return rank(case).high_priority.probability


def test_caffeine_dose_is_monotone():
    none, moderate, high = (p(quiet(caffeine=d), "caffeine_effect") for d in ("none", "moderate", "high"))
    assert none < moderate < high


@pytest.mark.parametrize("exposure, dose, cause", [
    ("stress", ("low", "moderate", "high"), "stress_anxiety"),
    ("exertion", ("moderate", "intense"), "muscle_fatigue"),
    ("sleep", ("good", "poor"), "sleep_deprivation"),
    ("nicotine", ("no", "yes"), "nicotine_effect"),
    ("fluid_intake", ("adequate", "low"), "dehydration"),
    ("prolonged_sitting", ("no", "yes"), "nerve_irritation"),
    ("asthma_medication", ("no", "yes"), "medication_side_effect"),
    ("ssri", ("no", "yes"), "medication_side_effect"),
    ("diuretic", ("no", "yes"), "low_potassium"),
    ("age", ("under_40", "40_to_60", "over_60"), "neuromuscular_disease"),
])
def test_more_exposure_means_more_of_its_cause(exposure, dose, cause):
    values = [p(quiet(**{exposure: d}), cause) for d in dose]
    assert values == sorted(values) and values[0] < values[-1]


def test_explaining_away_a_second_trigger_lowers_the_first():
    alone = p(quiet(caffeine="high"), "caffeine_effect")
    with_exercise = p(quiet(caffeine="high", exertion="intense"), "caffeine_effect")
    with_stress = p(quiet(caffeine="high", stress="high"), "caffeine_effect")
    assert with_exercise < alone and with_stress < alone


def test_a_normal_blood_test_explains_an_electrolyte_cause_away():
    base = quiet(age="over_60", diuretic="yes")
    assert p({**base, "potassium": "normal"}, "low_potassium") < p(base, "low_potassium") / 3
    assert p({**base, "potassium": "low"}, "low_potassium") > 0.8


def test_unknown_is_not_no():
    """Leaving a question out is not the same as answering the no-trigger answer."""
    case = quiet(caffeine="high")
    unknown = {k: v for k, v in case.items() if k != "nicotine"}
    assert p(unknown, "nicotine_effect") > 5 * p(case, "nicotine_effect")
    unknown_weakness = {k: v for k, v in case.items() if k != "weakness"}
    assert hp(unknown_weakness) > hp(case)
    assert rank(unknown).to_dict()["evidence"] == unknown


def test_observing_twitching_raises_present_triggers():
    for trigger, cause in [("caffeine", "caffeine_effect"), ("stress", "stress_anxiety")]:
        before = {"age": "under_40", trigger: "high"}
        assert p({**before, "twitching": "yes"}, cause) > p(before, cause)
        assert p({**before, "twitching": "no"}, cause) < p(before, cause)


@pytest.mark.parametrize("finding, state", [
    ("weakness", "progressive"), ("atrophy", "yes"), ("numbness_tingling", "yes"), ("persistent_pain", "yes"),
    ("speech_swallowing", "yes"), ("weight_loss", "yes"), ("fever", "yes"),
])
def test_each_red_flag_alone_escalates_to_prompt_evaluation(finding, state):
    assert rank(quiet()).triage.level == "self_care"
    result = rank(quiet(**{finding: state}))
    assert result.triage.level == "prompt_evaluation"
    assert result.triage.reasons


@pytest.mark.parametrize("finding, state", [("twitch_duration", "months"), ("potassium", "low"),
                                            ("magnesium", "low"), ("calcium", "low")])
def test_routine_flags_escalate_to_see_doctor(finding, state):
    assert rank(quiet(**{finding: state})).triage.level == "see_doctor"


def test_age_raises_the_high_priority_probability():
    young, mid, old = (hp(quiet(age=a)) for a in ("under_40", "40_to_60", "over_60"))
    assert young < mid < old


def test_objective_signs_move_the_high_priority_node_and_soft_ones_barely():
    base = {"age": "40_to_60", "twitching": "yes"}
    ref = hp(base)
    assert hp({**base, "weakness": "progressive"}) > 30 * ref
    assert hp({**base, "atrophy": "yes"}) > 10 * ref
    assert hp({**base, "speech_swallowing": "yes"}) > 10 * ref
    for soft in ({"numbness_tingling": "yes"}, {"weakness": "subjective"}, {"persistent_pain": "yes"},
                 {"fever": "yes"}):
        assert 0.5 * ref < hp({**base, **soft}) < 1.5 * ref, soft
    # cramps are about as common in benign twitching as in motor neuron disease: a small rise at most
    assert ref < hp({**base, "cramps": "yes"}) < 3 * ref


def test_bulbar_onset_needs_no_limb_weakness():
    base = {"age": "40_to_60", "twitching": "yes", "weakness": "none"}
    assert hp({**base, "speech_swallowing": "yes"}) > 10 * hp(base)


def test_numbness_points_to_the_nerve_not_the_high_priority_node():
    base = quiet(age="40_to_60")
    numb = quiet(age="40_to_60", numbness_tingling="yes")
    assert p(numb, "nerve_irritation") > 3 * p(base, "nerve_irritation")
    assert rank(numb).causes[0].id != "neuromuscular_disease"


def test_the_high_priority_node_is_never_hidden():
    result = rank(quiet(caffeine="high")).to_dict()
    assert result["high_priority"]["id"] == "neuromuscular_disease"
    assert "neuromuscular_disease" in [c["id"] for c in result["causes"]]


def test_probabilities_are_valid_and_sorted():
    result = rank(quiet(stress="high", caffeine="moderate")).to_dict()
    probs = [c["probability"] for c in result["causes"]]
    assert probs == sorted(probs, reverse=True)
    assert all(0 <= x <= 1 for x in probs)
