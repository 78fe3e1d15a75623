"""Forward sampling (model/engine/sample.py): seeded, and distributed as the network says."""
import numpy as np

from model.engine.sample import forward_sample
from tests.engine.brute import marginal, random_network


def test_the_same_seed_gives_the_same_cases():
    spec = random_network(np.random.default_rng(2), n=5)
    assert np.array_equal(forward_sample(spec, 100, seed=4), forward_sample(spec, 100, seed=4))
    assert not np.array_equal(forward_sample(spec, 100, seed=4), forward_sample(spec, 100, seed=5))


def test_sampled_frequencies_match_the_marginals():
    spec = random_network(np.random.default_rng(3), n=5)
    n = 40_000
    cases = forward_sample(spec, n, seed=1)
    for k, name in enumerate(spec.names):
        expected, _ = marginal(spec, name, {})
        seen = np.bincount(cases[:, k], minlength=spec.variables[name].card) / n
        # within 5 binomial standard errors
        assert np.all(np.abs(seen - expected) <= 5 * np.sqrt(expected * (1 - expected) / n) + 1e-12)


def test_forward_sampling_matches_the_marginals(ranker):
    sample = forward_sample(ranker.spec, 40000, seed=1)
    col = ranker.spec.names.index("twitching")
    observed = sample[:, col].mean()  # share in state index 1 = "yes"
    expected = ranker.engine.infer(ranker.engine.encode([{}]))
    p_yes = 1 - np.exp(ranker.engine.infer(ranker.engine.encode([{"twitching": "no"}])).log_evidence[0])
    assert abs(observed - p_yes) < 0.01
    assert not expected.impossible[0]
