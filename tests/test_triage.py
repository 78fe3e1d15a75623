"""Triage rules and thresholds, one case at a time and vectorised."""
import numpy as np
import pandas as pd

from model import load_ranker, rank
from model.triage import EMERGENCY, LEVELS, PROMPT, RULES, SEE_DOCTOR, WARNING_SIGNS, triage
from tests.support.cases import quiet

RULE = {(r.input, r.state): r for r in RULES}
EMERGENCY_RULES = {k: r for k, r in RULE.items() if r.level == EMERGENCY}
PROMPT_RULES = {k: r for k, r in RULE.items() if r.level == PROMPT}
ROUTINE_RULES = {k: r for k, r in RULE.items() if r.level == SEE_DOCTOR}


def test_red_flags_win_over_a_low_posterior():
    result = triage({"fever": "yes"}, hp=1e-9, prompt_above=0.03, routine_above=0.005)
    assert result.level == "prompt_evaluation" and "fever" in result.reasons[0]


def test_posterior_thresholds_escalate_without_any_flag():
    assert triage({}, 0.04, 0.03, 0.005).level == "prompt_evaluation"
    assert triage({}, 0.01, 0.03, 0.005).level == "see_doctor"
    assert triage({}, 0.001, 0.03, 0.005).level == "self_care"


def test_every_escalating_answer_is_named():
    """At prompt level the routine findings are still named, in their shorter 'also' wording."""
    case = quiet(fever="yes", atrophy="yes", twitch_duration="months", potassium="low")
    reasons = " ".join(rank(case).triage.reasons)
    for key in [("fever", "yes"), ("atrophy", "yes")]:
        assert PROMPT_RULES[key].reason in reasons
    for key in [("twitch_duration", "months"), ("potassium", "low")]:
        assert ROUTINE_RULES[key].also in reasons and ROUTINE_RULES[key].reason not in reasons
    routine = " ".join(rank(quiet(twitch_duration="months", potassium="low")).triage.reasons)
    assert ROUTINE_RULES[("twitch_duration", "months")].reason in routine and ROUTINE_RULES[("potassium", "low")].reason in routine


def test_thresholds_come_from_the_priors_folder(priors_copy):
    text = (priors_copy / "triage.toml").read_text()
    text = text.replace("value = 0.0018\nrange = [0.001, 0.003]", "value = 0.00001\nrange = [0.000001, 0.01]")
    (priors_copy / "triage.toml").write_text(text)
    case = {"age": "40_to_60", "twitching": "yes"}
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


# ------------------------------------------------------------------ version 2: emergency, wording


def test_the_rule_table_is_the_interface_s():
    """model/triage_rules.toml holds exactly the contract's rules (interface.md, Triage)."""
    assert LEVELS == ("self_care", "see_doctor", "prompt_evaluation", "emergency")
    assert set(EMERGENCY_RULES) == {("sudden_symptoms", "yes")}
    assert set(PROMPT_RULES) == {("weakness", "progressive"), ("atrophy", "yes"), ("numbness_tingling", "yes"),
                                 ("persistent_pain", "yes"), ("speech_swallowing", "yes"), ("weight_loss", "yes"),
                                 ("fever", "yes"), ("breathing", "yes")}
    assert set(ROUTINE_RULES) == {("twitch_duration", "months"), ("potassium", "low"), ("magnesium", "low"),
                                  ("calcium", "low")}


def test_every_rule_names_a_real_answer(ranker):
    for rules in (EMERGENCY_RULES, PROMPT_RULES, ROUTINE_RULES):
        for (inp, state), rule in rules.items():
            assert state in ranker.vocabulary.inputs[inp].states, (inp, state)
            assert rule.short and rule.reason


def test_sudden_symptoms_mean_call_now_whatever_else():
    alone = rank({"sudden_symptoms": "yes"}).triage
    assert alone.level == "emergency" and "emergency number now" in alone.reasons[0]
    with_more = rank(quiet(sudden_symptoms="yes", weakness="progressive", twitch_duration="months")).triage
    assert with_more.level == "emergency"
    assert with_more.reasons[0] == EMERGENCY_RULES[("sudden_symptoms", "yes")].reason
    assert "weakness that is getting worse" in with_more.reasons[1] and "twitching for months" in with_more.reasons[1]
    assert rank(quiet(sudden_symptoms="no")).triage.level == "self_care"


def test_breathlessness_is_a_prompt_flag():
    result = rank(quiet(breathing="yes")).triage
    assert result.level == "prompt_evaluation" and result.reasons[0] == PROMPT_RULES[("breathing", "yes")].reason


def test_reasons_say_what_to_do_and_how_soon():
    for rule in EMERGENCY_RULES.values():
        assert " now" in rule.reason
    for rule in PROMPT_RULES.values():
        assert "within the next few days" in rule.reason
    for rule in ROUTINE_RULES.values():
        assert "routine appointment" in rule.reason and "coming weeks" in rule.reason
    prompt = triage({}, 0.2, 0.03, 0.0018).reasons
    routine = triage({}, 0.01, 0.03, 0.0018).reasons
    assert any("within the next few days" in r for r in prompt)
    assert any("routine appointment in the coming weeks" in r for r in routine)


def test_no_reassurance_once_the_level_is_prompt_or_higher():
    cases = [quiet(weakness="progressive", twitch_duration="months", potassium="low"),
             quiet(age="over_60", atrophy="yes", weakness="progressive", twitch_duration="months"),
             quiet(sudden_symptoms="yes", twitch_duration="months"), {"age": "over_60", "speech_swallowing": "yes"}]
    for case in cases:
        result = rank(case).triage
        assert result.level in ("prompt_evaluation", "emergency")
        assert not any("benign" in r.lower() for r in result.reasons), result.reasons
    high = triage({"twitch_duration": "months"}, 0.5, 0.03, 0.0018)
    assert high.level == "prompt_evaluation" and not any("benign" in r for r in high.reasons)


def test_no_trigger_advice_when_there_is_no_twitching():
    result = rank(quiet(twitching="no", caffeine="high", stress="high")).triage
    assert result.level == "self_care"
    text = " ".join(result.reasons)
    assert "trigger" not in text and "no twitching" in text


def test_self_care_names_the_warning_signs_not_yet_asked():
    result = rank({"twitching": "yes", "caffeine": "high"}).triage
    assert result.level == "self_care"
    assert "Not answered yet" in result.reasons[-1]
    for short in WARNING_SIGNS.values():
        assert short in result.reasons[-1]
    answered = rank(quiet()).triage
    assert answered.level == "self_care" and not any("Not answered yet" in r for r in answered.reasons)


def test_the_see_doctor_route_fires_for_an_older_person_and_not_for_a_few_days():
    older = {"age": "over_60", "twitching": "yes", "twitch_duration": "weeks", "cramps": "yes", "weakness": "subjective"}
    assert rank(older).triage.level == "see_doctor"
    assert "routine appointment in the coming weeks" in rank(older).triage.reasons[0]
    assert rank({"age": "over_60", "twitching": "yes", "twitch_duration": "days"}).triage.level == "self_care"
    assert rank({"age": "under_40", "twitching": "yes", "twitch_duration": "weeks", "cramps": "yes",
                 "weakness": "subjective"}).triage.level == "self_care"


def test_the_scalar_and_vectorised_rules_agree():
    from itertools import product

    import numpy as np

    from model.triage import decide, decide_one

    levels = range(len(LEVELS))
    chances = [0.0, 0.001, 0.0018, 0.002, 0.03, 0.031, 0.5]
    grid = list(product(levels, chances))
    vector = decide(np.array([r for r, _ in grid]), np.array([h for _, h in grid]), 0.03, 0.0018)
    assert [decide_one(r, h, 0.03, 0.0018) for r, h in grid] == vector.tolist()
