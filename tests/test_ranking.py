"""The ranking core (model/ranking.py): a ranker built on first use, its per-ranker memo, the
Ranking's JSON shape, and the one bounded cache of rankers."""
import threading

import numpy as np
import pytest

from model import Ranker
from model.priors import apply_overrides, load_priors
from model.ranking import BaseRanker, RankerCache


def test_constructing_only_stores_the_priors():
    priors = load_priors()
    ranker = BaseRanker(priors)
    assert ranker.priors is priors and "_compiled" not in vars(ranker)
    ranking = ranker.rank({"caffeine": "high", "twitching": "yes"})
    assert "_compiled" in vars(ranker) and ranking.causes[0].id == "caffeine_effect"


def test_the_json_shape_of_the_interface():
    ranking = BaseRanker(load_priors()).rank({"caffeine": "high", "twitching": "yes"})
    data = ranking.to_dict()
    assert list(data) == ["triage", "high_priority", "causes", "evidence"]
    assert set(data["triage"]) == {"level", "reasons"}
    assert {"id", "probability"} <= set(data["high_priority"])
    probs = [c["probability"] for c in data["causes"]]
    assert probs == sorted(probs, reverse=True)
    assert data["high_priority"]["probability"] == ranking.probability(data["high_priority"]["id"])


def test_memo_builds_once_and_keeps_the_most_recent():
    ranker = BaseRanker(load_priors())
    calls = []
    for _ in range(3):
        ranker.memo("a", lambda: calls.append(1) or "built")
    assert calls == [1]
    built = []
    for k in range(5):
        ranker.memo(("k", k), lambda k=k: built.append(k), size=3)
    ranker.memo(("k", 4), lambda: built.append("again"), size=3)  # still kept: not rebuilt
    ranker.memo(("k", 0), lambda: built.append("again"), size=3)  # evicted: built again
    assert built == [0, 1, 2, 3, 4, "again"]


def test_the_cache_is_bounded_and_keeps_the_files_rankers_longest():
    priors = load_priors()
    cache = RankerCache(size=3)
    plain = cache.get(Ranker, priors)
    edited = [cache.get(Ranker, priors.with_values(apply_overrides(priors, {"caffeine.prior.high": v})))
              for v in (0.2, 0.3, 0.4, 0.5)]
    assert len(cache) == 3
    assert cache.get(Ranker, priors) is plain  # the files' ranker was never evicted
    assert cache.get(Ranker, edited[-1].priors) is edited[-1]
    assert cache.get(Ranker, edited[0].priors) is not edited[0]  # the oldest edited one was


def test_a_request_for_a_base_class_is_met_by_a_subclass():
    priors = load_priors()
    cache = RankerCache()
    full = cache.get(Ranker, priors)
    assert cache.get(BaseRanker, priors) is full
    base_only = RankerCache()
    core = base_only.get(BaseRanker, priors)
    assert type(base_only.get(Ranker, priors)) is Ranker and base_only.get(Ranker, priors) is not core


def test_the_network_is_built_once_for_all_threads():
    ranker = BaseRanker(load_priors())
    barrier = threading.Barrier(4)
    seen = []

    def build():
        barrier.wait()
        seen.append(id(ranker.network))

    threads = [threading.Thread(target=build) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 1


def test_base_rates_follow_age():
    ranker = BaseRanker(load_priors())
    rates = [ranker.base_rate(a) for a in ("under_40", "40_to_60", "over_60")]
    assert rates == sorted(rates) and 0 < rates[0]
    mixed = ranker.base_rate(None)
    assert rates[0] < mixed < rates[-1]


@pytest.mark.parametrize("case", [{}, {"twitching": "no"}, {"atrophy": "yes", "age": "over_60"}])
def test_posteriors_are_probabilities(case):
    ranker = BaseRanker(load_priors())
    probs = ranker.posteriors(ranker.engine.encode([case]))
    assert probs.shape == (1, len(ranker.causes)) and np.all((0 <= probs) & (probs <= 1))


# ------------------------------------------------------------------ ties (issue 11, item 8)


def test_ranked_order_ties_within_1e_12_go_by_id():
    from model.ranking import ranked_order

    ids = ["stress_anxiety", "benign_idiopathic", "caffeine_effect", "dehydration"]
    # rounding noise must not decide: 0.4120000000000001 > 0.41200000000000003 by 1.1e-16
    values = np.array([0.4120000000000001, 0.1, 0.41200000000000003, np.nan])
    assert [ids[j] for j in ranked_order(values, ids)] == [
        "caffeine_effect", "stress_anxiety", "benign_idiopathic", "dehydration"]
    assert [ids[j] for j in ranked_order([0.5, 0.5 - 2e-12, 0.1, 0.0], ids)] == [
        "stress_anxiety", "benign_idiopathic", "caffeine_effect", "dehydration"], "2e-12 apart is not a tie"
    rows = np.array([[0.3, 0.3, 0.3, 0.3], [0.1, 0.2, 0.3, 0.3 + 1e-13]])
    assert ranked_order(rows, ids).tolist() == [[1, 2, 3, 0], [2, 3, 1, 0]]


def test_causes_tied_within_1e_12_are_listed_by_id(ranker):
    probs = np.array([ranker.rank({}).probability(c) for c in ranker.causes])
    first, second = ranker.causes.index("stress_anxiety"), ranker.causes.index("caffeine_effect")
    probs[first], probs[second] = 0.4120000000000001, 0.41200000000000003  # stress's column comes first
    ranking = ranker.ranking({}, probs)
    assert [c.id for c in ranking.causes[:2]] == ["caffeine_effect", "stress_anxiety"]
    assert [c["id"] for c in ranking.to_dict()["causes"][:2]] == ["caffeine_effect", "stress_anxiety"]


def test_near_ties_in_a_real_ranking_are_listed_by_id(ranker):
    """Two causes with the same background and their exposures answered at baseline come out
    equal up to rounding (computed along different paths): listed by id, whatever the last bits."""
    same = 0.017
    edited = ranker.with_overrides({"nicotine_effect.baseline": same, "caffeine_effect.baseline": same})
    ranking = edited.rank({"caffeine": "none", "nicotine": "no"})
    p = ranking.probability
    assert abs(p("caffeine_effect") - p("nicotine_effect")) <= 1e-12
    ids = [c.id for c in ranking.causes]
    assert ids.index("caffeine_effect") == ids.index("nicotine_effect") - 1
