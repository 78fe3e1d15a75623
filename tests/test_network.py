"""Tables from the priors (model/network.py): leaky noisy-OR and noisy-MAX, checked against their
definitions, and the pgmpy network built from exactly the same tables."""
import numpy as np
import pytest

from model.network import build_network, dense_tables, node_tables


def test_a_noisy_or_finding_follows_its_formula(ranker):
    """P(cramps = yes | age, causes) = 1 - (1 - leak) (1 - age's share) prod over present causes of
    (1 - strength): age adds to the background (nothing at its reference state, under 40)."""
    priors = ranker.priors
    node = priors.nodes["cramps"]
    table = dense_tables(priors)["cramps"][0]
    yes = node.states.index("yes")
    leak = priors.parameter("cramps.baseline").value
    ages = priors.nodes["age"].states
    causes = [p for p in node.parents if p != "age"]
    strength = {p: priors.parameter(f"cramps.given.{p}").value for p in causes}
    rng = np.random.default_rng(0)
    for _ in range(30):
        age = int(rng.integers(0, len(ages)))
        on = {p: int(x) for p, x in zip(causes, rng.integers(0, 2, len(causes)), strict=True)}
        by_age = 0.0 if ages[age] == "under_40" else priors.parameter(f"cramps.given.age.{ages[age]}").value
        off = (1 - leak) * (1 - by_age) * np.prod([1 - strength[p] for p in causes if on[p]])
        config = tuple(age if p == "age" else on[p] for p in node.parents)
        assert table[(yes, *config)] == pytest.approx(1 - off, rel=1e-14)


def test_a_noisy_max_finding_shows_the_worst_grade(ranker):
    """P(weakness <= k | causes) = L(k) * prod over present causes of A_c(k)."""
    priors = ranker.priors
    node = priors.nodes["weakness"]
    table = dense_tables(priors)["weakness"][0]
    order = [node.states[i] for i in node.order]  # none, subjective, progressive

    def cdf(prefix: str, grade: int) -> float:
        exact = {s: priors.parameter(f"{prefix}.{s}").value for s in order[1:]}
        return 1 - sum(exact[s] for s in order[grade + 1:])

    nmd = node.parents.index("neuromuscular_disease")
    config = [0] * len(node.parents)
    config[nmd] = 1
    for grade in range(2):
        expected = cdf("weakness.baseline", grade) * cdf("weakness.given.neuromuscular_disease", grade)
        got = table[[node.states.index(s) for s in order[:grade + 1]]][(slice(None), *config)].sum()
        assert got == pytest.approx(expected, rel=1e-14)


def test_every_table_sums_to_one(ranker):
    for name, table in dense_tables(ranker.priors).items():
        np.testing.assert_allclose(table.sum(axis=1), 1.0, rtol=0, atol=1e-12, err_msg=name)


def test_rows_of_parameter_values_give_rows_of_tables(ranker):
    priors = ranker.priors
    values = np.stack([priors.values, priors.values])
    values[1, priors.index("cramps.baseline")] = 0.3
    tables = node_tables(priors, values)
    dense = tables["cramps"].dense()
    assert dense.shape[0] == 2
    np.testing.assert_array_equal(dense[0], dense_tables(priors)["cramps"][0])
    assert not np.allclose(dense[1], dense[0])


def test_the_pgmpy_network_holds_the_same_tables(ranker):
    network = build_network(ranker.priors)
    network.check_model()
    tables = dense_tables(ranker.priors)
    for cpd in network.get_cpds():
        np.testing.assert_array_equal(cpd.get_values().reshape(tables[cpd.variable][0].shape), tables[cpd.variable][0])
