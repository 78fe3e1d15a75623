"""How sure: seeded draws within the priors' ranges, intervals and stability."""
import numpy as np

from model import Ranker, rank
from model.analyses.uncertainty import SEED, draw_values, how_sure, posteriors_under
from model.priors import load_priors
from tests.support.cases import quiet


def test_draws_are_reproducible_and_respect_ranges(ranker):
    a = draw_values(ranker.priors, 200, seed=3)
    b = draw_values(ranker.priors, 200, seed=3)
    c = draw_values(ranker.priors, 200, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    for j, p in enumerate(ranker.priors.parameters):
        if p.kind != "prior":
            assert (a[:, j] >= p.low - 1e-12).all() and (a[:, j] <= p.high + 1e-12).all(), p.id
    groups = {p.group for p in ranker.priors.parameters if p.kind == "prior"}
    for g in groups:
        cols = [j for j, p in enumerate(ranker.priors.parameters) if p.group == g]
        assert np.allclose(a[:, cols].sum(axis=1), 1.0)


def test_a_drawn_row_equals_ranking_with_those_numbers(ranker):
    values = draw_values(ranker.priors, 3, seed=9)
    case = {"caffeine": "high", "twitching": "yes", "cramps": "yes"}
    drawn = posteriors_under(ranker, case, values)
    ids = [p.id for p in ranker.priors.parameters]
    for r in range(3):
        other = ranker.with_overrides({pid: float(v) for pid, v in zip(ids, values[r], strict=True)})
        expected = np.array([other.rank(case).probability(c) for c in ranker.causes])
        assert np.abs(drawn[r] - expected).max() < 1e-9


def test_detail_intervals_are_reproducible_and_sensible(ranker):
    case = quiet(caffeine="high")
    a = rank(case, detail=True).to_dict()
    fresh = Ranker(load_priors())  # a new ranker: its draws are made again from the seed, not reused
    assert fresh is not ranker
    b = fresh.rank(case, detail=True).to_dict()
    for x, y in zip(a["causes"], b["causes"], strict=True):
        assert x["id"] == y["id"]
        assert np.allclose(x["interval"], y["interval"], rtol=1e-12, atol=1e-14)
        assert x["rank_stability"] == y["rank_stability"]
    assert a["how_sure"] == b["how_sure"]
    # and the intervals are the 5% and 95% quantiles of the case ranked under each draw
    drawn = posteriors_under(ranker, case, draw_values(ranker.priors, 1000, seed=SEED))
    lo, hi = np.quantile(drawn, [0.05, 0.95], axis=0)
    for c in a["causes"]:
        k = ranker.causes.index(c["id"])
        assert np.allclose(c["interval"], [lo[k], hi[k]], rtol=1e-9, atol=1e-12)
    for c in a["causes"]:
        lo, hi = c["interval"]
        assert 0 <= lo <= hi <= 1 and 0 <= c["rank_stability"] <= 1
    top = a["causes"][0]
    assert top["id"] == "caffeine_effect" and top["interval"][0] > 0.2
    sure = a["how_sure"]
    assert sure["top_cause"] == "caffeine_effect" and sure["draws"] == 1000 and 0.5 < sure["top_stays_first"] <= 1


def test_a_close_call_is_reported_as_unsure(ranker):
    # two triggers of similar strength: the first place should not be stable in every draw
    case = {"caffeine": "high", "exertion": "intense", "twitching": "yes"}
    probs = np.array([ranker.rank(case).probability(c) for c in ranker.causes])
    sure = how_sure(ranker, case, probs, n=400, seed=1).how_sure
    assert sure.top_stays_first < 0.95


def test_plain_rank_stays_lean():
    d = rank(quiet(caffeine="high")).to_dict()
    assert "what_if" not in d and "next_questions" not in d and "interval" not in d["causes"][0]


def test_detail_keys_follow_the_interface():
    d = rank(quiet(caffeine="high"), detail=True).to_dict()
    assert {"interval", "rank_stability"} <= set(d["causes"][0])
    assert {"input", "to", "twitching_stops"} <= set(d["what_if"][0])
    assert {"input", "information_gain"} <= set(d["next_questions"][0])


def test_the_top_cause_of_a_tie_is_the_first_by_id_as_in_the_table(ranker):
    # stress_anxiety's column comes before caffeine_effect's: a tie must still put caffeine first
    case = quiet(stress="high", caffeine="high")
    probs = np.array([ranker.rank(case).probability(c) for c in ranker.causes])
    top = max(probs)
    probs[ranker.causes.index("stress_anxiety")] = top + 1e-16
    probs[ranker.causes.index("caffeine_effect")] = top
    sure = how_sure(ranker, case, probs, n=50, seed=1).how_sure
    assert sure.top_cause == "caffeine_effect" == ranker.ranking(case, probs).causes[0].id
