"""Bad evidence through the Python API: one error type, naming what is wrong and what is valid."""
import pytest

from model import InputError, rank


def test_the_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


def test_unknown_input_is_named_with_a_suggestion_and_the_valid_ids():
    with pytest.raises(InputError) as err:
        rank({"cafeine": "high"})
    msg = str(err.value)
    assert "'cafeine'" in msg and "did you mean 'caffeine'" in msg and "twitch_duration" in msg


def test_unknown_state_names_input_state_and_valid_states():
    with pytest.raises(InputError) as err:
        rank({"caffeine": "lots"})
    msg = str(err.value)
    assert "'caffeine'" in msg and "'lots'" in msg and "none, moderate, high" in msg


def test_wrong_case_state_gets_a_suggestion():
    with pytest.raises(InputError, match="did you mean 'high'"):
        rank({"caffeine": "High"})


@pytest.mark.parametrize("value", [None, 3, 2.5, ["high"], {"a": 1}, True])
def test_non_string_values_are_refused(value):
    with pytest.raises(InputError, match="must be a string"):
        rank({"caffeine": value})


@pytest.mark.parametrize("case", [None, "caffeine=high", ["caffeine"], 42])
def test_a_case_must_be_a_mapping(case):
    with pytest.raises(InputError, match="mapping"):
        rank(case)


def test_non_string_keys_are_refused():
    with pytest.raises(InputError, match="unknown input"):
        rank({1: "high"})


def test_cause_ids_are_not_inputs():
    with pytest.raises(InputError, match="unknown input 'caffeine_effect'"):
        rank({"caffeine_effect": "present"})
