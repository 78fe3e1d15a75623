"""The priors data model (model/priors/schema.py): ids, groups, values in use and the files' values."""
import numpy as np
import pytest

from model import PriorsError
from model.priors import apply_overrides, load_priors


@pytest.fixture(scope="module")
def priors():
    return load_priors()


def test_every_number_has_a_unique_id_and_its_position(priors):
    ids = [p.id for p in priors.parameters]
    assert len(ids) == len(set(ids))
    assert all(priors.parameters[priors.index(i)].id == i for i in ids)
    with pytest.raises(PriorsError, match="unknown prior"):
        priors.index("no.such.number")


def test_groups_hold_the_shares_of_one_distribution(priors):
    shares = priors.members("caffeine.prior")
    assert [priors.parameters[i].id for i in shares] == [f"caffeine.prior.{s}" for s in ("none", "moderate", "high")]
    assert priors.values[shares].sum() == pytest.approx(1)


def test_values_are_read_only_and_overrides_make_a_copy(priors):
    with pytest.raises(ValueError):
        priors.values[0] = 0.5
    changed = priors.with_values(apply_overrides(priors, {"caffeine.prior.high": 0.2}))
    assert changed.overridden and not priors.overridden
    assert np.array_equal(changed.file_values, priors.file_values)
    assert changed.fingerprint == priors.fingerprint  # the same files
    with pytest.raises(PriorsError, match="expected"):
        priors.with_values(np.zeros(3))


def test_nodes_are_in_topological_order(priors):
    seen: set[str] = set()
    for name, node in priors.nodes.items():
        assert set(node.parents) <= seen, name
        seen.add(name)


def test_thresholds_are_read_from_the_numbers_in_use(priors):
    assert priors.threshold("see_doctor_above") < priors.threshold("prompt_evaluation_above")
    values = np.array(priors.values)
    values[priors.triage["see_doctor_above"]] = 0.001
    assert priors.threshold("see_doctor_above", values) == 0.001
