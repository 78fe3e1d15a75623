"""The public vocabulary (model/vocabulary.py and vocabulary.toml): ids, states, roles."""
from model.vocabulary import ANSWER_GROUPS, CAUSE_STATES, FINDING_GROUPS, load_vocabulary


def test_every_input_has_a_group_a_question_and_labelled_states():
    vocab = load_vocabulary()
    for spec in vocab.inputs.values():
        assert spec.group in ANSWER_GROUPS + FINDING_GROUPS
        assert spec.question and len(spec.states) == len(spec.labels) >= 2
        assert all(spec.label_of(s) for s in spec.states)


def test_exposures_have_a_baseline_state_and_nothing_else_does():
    vocab = load_vocabulary()
    for spec in vocab.inputs.values():
        if spec.group == "exposure":
            assert spec.baseline in spec.states
        else:
            assert spec.baseline is None
    assert [e.id for e in vocab.exposures] == [i for i, s in vocab.inputs.items() if s.group == "exposure"]


def test_roles_come_from_the_groups():
    vocab = load_vocabulary()
    assert vocab.role_of("age") == "answer" and vocab.role_of("caffeine") == "answer"
    assert vocab.role_of("twitching") == "finding" and vocab.role_of("potassium") == "finding"
    assert vocab.role_of("caffeine_effect") == "cause" and vocab.role_of("an_extra_cause") == "cause"


def test_causes_inputs_and_levels_are_distinct_and_the_high_priority_cause_is_one_of_the_causes():
    vocab = load_vocabulary()
    assert not set(vocab.causes) & set(vocab.inputs)
    assert vocab.high_priority in vocab.causes
    assert list(vocab.triage_levels)[0] == "self_care"
    assert CAUSE_STATES == ("absent", "present")
