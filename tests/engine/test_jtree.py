"""The batched junction tree (model/engine/jtree.py) through the engine, against brute-force
enumeration on small random networks, for any clique budget."""
import numpy as np
import pytest

from model.engine import Engine
from tests.engine.brute import marginal, random_network


@pytest.mark.parametrize("budget", [4, 64, 4096])
@pytest.mark.parametrize("seed", range(5))
def test_marginals_and_evidence_equal_enumeration(seed, budget):
    rng = np.random.default_rng(seed)
    spec = random_network(rng, n=7, max_parents=3)
    engine = Engine(spec, queries=spec.names, budget=budget, factorise=False)
    for _ in range(8):
        evidence = {n: int(rng.integers(spec.variables[n].card)) for n in spec.names if rng.random() < 0.4}
        row = np.full((1, len(spec.names)), -1)
        for n, s in evidence.items():
            row[0, engine.column[n]] = s
        post = engine.infer(row)
        expected_z = marginal(spec, spec.names[0], evidence)[1]
        assert post.log_evidence[0] == pytest.approx(np.log(expected_z), rel=1e-12, abs=1e-12)
        for q in spec.names:
            if q in evidence:
                continue
            expected, _ = marginal(spec, q, evidence)
            np.testing.assert_allclose(post.marginals[q][0], expected, rtol=1e-11, atol=1e-14)


def test_many_rows_at_once_equal_one_at_a_time():
    rng = np.random.default_rng(9)
    spec = random_network(rng, n=8)
    engine = Engine(spec, queries=spec.names, factorise=False)
    rows = np.array([[int(rng.integers(-1, spec.variables[n].card)) for n in spec.names] for _ in range(40)])
    together = engine.infer(rows)
    for r in range(len(rows)):
        alone = engine.infer(rows[r:r + 1])
        np.testing.assert_allclose(together.stacked[r], alone.stacked[0], rtol=1e-12, atol=1e-14)
