"""Findings factorised away from the tree (model/engine/leaves.py): product form is detected from
the table itself, and refused when it does not hold."""
import numpy as np
import pytest

from model.engine import Variable
from model.engine.leaves import detect, factors, terms


def noisy_or(leak: float, strengths: list[float]) -> np.ndarray:
    """P(child | binary parents) of a leaky noisy-OR, child states (no, yes)."""
    k = len(strengths)
    table = np.zeros((2,) + (2,) * k)
    for config in np.ndindex(*(2,) * k):
        off = (1 - leak) * np.prod([1 - s for s, on in zip(strengths, config, strict=True) if on])
        table[(0, *config)] = off
        table[(1, *config)] = 1 - off
    return table


def test_a_noisy_or_is_detected_and_its_factors_rebuild_the_table():
    table = noisy_or(0.05, [0.3, 0.6, 0.2])
    leaf = detect(Variable("f", ("no", "yes"), ("a", "b", "c"), table))
    assert leaf is not None and leaf.kind == "product"
    coef, g = factors(leaf, table[None])
    # P(no | parents) = c_0 * prod_p g_p(state of p)
    for config in np.ndindex(2, 2, 2):
        rebuilt = coef[0, 0] * np.prod([g[p][0, s, 0] for p, s in enumerate(config)])
        assert rebuilt == pytest.approx(table[(0, *config)], rel=1e-14)


def test_a_table_that_is_not_a_product_is_refused():
    table = noisy_or(0.05, [0.3, 0.6])
    table[:, 1, 1] = [0.5, 0.5]  # an interaction: both parents together do something else
    assert detect(Variable("f", ("no", "yes"), ("a", "b"), table)) is None


def test_a_single_parent_leaf_is_direct():
    table = np.array([[0.9, 0.2], [0.1, 0.8]])
    leaf = detect(Variable("f", ("no", "yes"), ("a",), table))
    assert leaf is not None and leaf.kind == "direct"
    first, second = terms(leaf, np.array([-1, 0, 1]))
    assert list(first) == [-1, 0, 1] and list(second) == [-1, -1, -1]


def test_an_observed_grade_above_the_mildest_costs_two_terms():
    leaf = detect(Variable("f", ("no", "yes"), ("a", "b"), noisy_or(0.1, [0.4, 0.5])))
    first, second = terms(leaf, np.array([-1, 0, 1]))
    assert list(first) == [-1, 0, 1]  # unknown: nothing; "no": one product; "yes": 1 minus "no"
    assert list(second) == [-1, -1, 0]


def test_a_root_is_not_a_leaf():
    assert detect(Variable("r", ("a", "b"), (), np.array([0.4, 0.6]))) is None
