"""Widget values and the case (dashboard/case.py): "Not sure" is never an answer."""
from dashboard.case import GROUPS, NOT_SURE, answers_from_case, case_from_answers, option_label, options


def test_not_sure_is_left_out_of_the_case(ranker):
    spec = ranker.vocabulary.inputs["caffeine"]
    assert options(spec) == [NOT_SURE, *spec.states] and NOT_SURE not in spec.states
    assert option_label(spec, NOT_SURE) == "Not sure" and option_label(spec, "high") == spec.label_of("high")
    assert case_from_answers({"caffeine": NOT_SURE, "twitching": "yes", "age": None}) == {"twitching": "yes"}
    answers = answers_from_case({"twitching": "yes"}, ranker.vocabulary)
    assert answers["twitching"] == "yes" and answers["caffeine"] == NOT_SURE
    assert len(answers) == len(ranker.vocabulary.inputs)


def test_every_group_of_the_vocabulary_has_a_title(ranker):
    assert {g for g, _ in GROUPS} == {s.group for s in ranker.vocabulary.inputs.values()}
