"""A network as plain data (model/engine/spec.py), and the round trip with pgmpy."""
import numpy as np
import pytest

from model.engine import NetworkSpec, Variable, spec_from_pgmpy, spec_to_pgmpy
from tests.engine.brute import random_network


def test_children_are_the_inverse_of_parents():
    spec = random_network(np.random.default_rng(1), n=7)
    kids = spec.children()
    for name, var in spec.variables.items():
        for p in var.parents:
            assert name in kids[p]
    assert sum(len(v) for v in kids.values()) == sum(len(v.parents) for v in spec.variables.values())


@pytest.mark.parametrize("seed", range(4))
def test_pgmpy_round_trip_keeps_states_parents_and_tables(seed):
    spec = random_network(np.random.default_rng(seed), n=6)
    back = spec_from_pgmpy(spec_to_pgmpy(spec))
    assert set(back.variables) == set(spec.variables)
    position = {n: i for i, n in enumerate(back.names)}
    for name, var in spec.variables.items():
        other = back.variables[name]
        assert other.states == var.states and other.parents == var.parents
        np.testing.assert_allclose(other.table, var.table, rtol=1e-15, atol=0)
        assert all(position[p] < position[name] for p in other.parents)  # parents first


def test_a_pgmpy_state_order_that_differs_is_realigned():
    """pgmpy lets a CPD list a parent's states in its own order; the spec uses the parent's."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from pgmpy.factors.discrete import TabularCPD
        from pgmpy.models import DiscreteBayesianNetwork
    model = DiscreteBayesianNetwork([("a", "b")])
    model.add_cpds(TabularCPD("a", 2, [[0.3], [0.7]], state_names={"a": ["x", "y"]}),
                   TabularCPD("b", 2, [[0.9, 0.2], [0.1, 0.8]], evidence=["a"], evidence_card=[2],
                              state_names={"b": ["no", "yes"], "a": ["y", "x"]}))
    spec = spec_from_pgmpy(model)
    assert spec.variables["a"].states == ("x", "y")
    # P(b=yes | a=x) = 0.8 in the CPD's own order (a: y, x); the spec's axis 1 follows a's order
    assert spec.variables["b"].table[1, 0] == pytest.approx(0.8)
    assert spec.variables["b"].table[1, 1] == pytest.approx(0.1)


def test_card_is_the_number_of_states():
    var = Variable("x", ("a", "b", "c"), (), np.array([0.2, 0.3, 0.5]))
    assert var.card == 3 and NetworkSpec({"x": var}).names == ["x"]
