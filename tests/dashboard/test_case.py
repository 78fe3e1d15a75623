"""Widget values and the case (dashboard/case.py): "Not sure" is never an answer."""
from dashboard.case import GROUPS, NOT_SURE, answers_from_case, case_from_answers, mildest, option_label, options
from model.triage import PROMPT, RULES


def test_not_sure_is_left_out_of_the_case(ranker):
    spec = ranker.vocabulary.inputs["caffeine"]
    assert options(spec) == [*spec.states, NOT_SURE] and NOT_SURE not in spec.states
    assert option_label(spec, NOT_SURE) == "Not sure" and option_label(spec, "high") == spec.label_of("high")
    assert case_from_answers({"caffeine": NOT_SURE, "twitching": "yes", "age": None}) == {"twitching": "yes"}
    answers = answers_from_case({"twitching": "yes"}, ranker.vocabulary)
    assert answers["twitching"] == "yes" and answers["caffeine"] == NOT_SURE
    assert len(answers) == len(ranker.vocabulary.inputs)


def test_every_group_of_the_vocabulary_has_a_title(ranker):
    assert {g for g, _ in GROUPS} == {s.group for s in ranker.vocabulary.inputs.values()}


def test_blood_tests_offer_not_tested_which_is_not_normal(ranker):
    spec = ranker.vocabulary.inputs["magnesium"]
    assert option_label(spec, NOT_SURE) == "Not tested"
    assert [option_label(spec, o) for o in options(spec)] == ["Low", "Normal", "Not tested"]
    assert case_from_answers({"magnesium": NOT_SURE}) == {}


def test_none_of_these_never_sets_a_warning_sign(ranker):
    for rule in (r for r in RULES if r.level >= PROMPT):  # the checklist's questions
        assert mildest(ranker.vocabulary.inputs[rule.input]) != rule.state
