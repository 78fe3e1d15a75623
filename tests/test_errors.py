"""One error family (model/errors.py): everything bad input or bad priors raise is an InputError,
itself a ValueError, so callers catch one type."""
import pytest

from model import ImpossibleEvidenceError, InputError, PriorsError, load_ranker, rank


def test_the_family_is_one_value_error():
    assert issubclass(InputError, ValueError)
    assert issubclass(PriorsError, InputError) and issubclass(ImpossibleEvidenceError, InputError)


@pytest.mark.parametrize("call, kind", [
    (lambda: rank({"cafeine": "high"}), InputError),
    (lambda: rank({"caffeine": 3}), InputError),
    (lambda: load_ranker("/nonexistent/priors"), PriorsError),
    (lambda: load_ranker().with_overrides({"no.such.number": 0.5}), PriorsError),
])
def test_each_kind_of_bad_input_raises_its_member(call, kind):
    with pytest.raises(kind):
        call()
