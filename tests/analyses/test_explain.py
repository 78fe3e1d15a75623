"""Leave-one-out answer effects (model/explain.py), checked against rank() itself."""
import pytest

from model import InputError, rank
from model.analyses.explain import explain
from model.formatting import percent
from model.text.labels import describe
from tests.support.cases import quiet

CASE = {"age": "40_to_60", "caffeine": "high", "stress": "low", "sleep": "poor", "twitching": "yes",
        "cramps": "yes", "magnesium": "normal"}


def test_every_effect_is_the_difference_of_two_rankings(ranker):
    why = explain(ranker, CASE)
    full = rank(CASE)
    for input_id in CASE:
        without = rank({k: v for k, v in CASE.items() if k != input_id})
        for cause in ranker.causes:
            effect = why.effect(input_id, cause)
            assert effect.with_all == pytest.approx(full.probability(cause), abs=1e-12)
            assert effect.without == pytest.approx(without.probability(cause), abs=1e-12)
            assert effect.change == pytest.approx(full.probability(cause) - without.probability(cause), abs=1e-12)


def test_all_effects_come_from_one_batched_inference_call(ranker, monkeypatch):
    calls = []
    infer = ranker.engine.infer

    def counting(evidence, *args, **kwargs):
        calls.append(len(evidence))
        return infer(evidence, *args, **kwargs)

    monkeypatch.setattr(ranker.engine, "infer", counting)
    explain(ranker, CASE)
    assert calls == [len(CASE) + 1]


def test_answers_move_the_causes_they_bear_on(ranker):
    why = explain(ranker, quiet(caffeine="high", stress="low"))
    assert why.effect("caffeine", "caffeine_effect").change > 0.2
    assert why.effect("stress", "stress_anxiety").change < 0
    assert why.effect("caffeine", "caffeine_effect").input == "caffeine"


def test_for_cause_is_sorted_by_size_and_filtered(ranker):
    why = explain(ranker, CASE)
    every = why.for_cause("caffeine_effect")
    sizes = [abs(e.change) for e in every]
    assert sizes == sorted(sizes, reverse=True)
    assert {e.input for e in every} <= set(CASE)
    big = why.for_cause("caffeine_effect", at_least=0.05)
    assert big and all(abs(e.change) >= 0.05 for e in big)
    assert len(big) < len(every)


def test_no_answers_means_no_effects(ranker):
    why = explain(ranker, {})
    assert why.for_cause("caffeine_effect") == []
    assert why.with_all[ranker.causes.index("caffeine_effect")] == pytest.approx(rank({}).probability("caffeine_effect"))


def test_bad_answers_are_refused(ranker):
    with pytest.raises(InputError, match="caffeine"):
        explain(ranker, {"caffeine": "lots"})


def test_described_in_plain_words(ranker):
    why = explain(ranker, quiet(caffeine="high", stress="low"))
    up = describe(why.effect("caffeine", "caffeine_effect"), ranker.vocabulary)
    down = describe(why.effect("stress", "stress_anxiety"), ranker.vocabulary)
    effect = why.effect("caffeine", "caffeine_effect")
    assert "Caffeine most days: 4+ cups, or energy drinks" in up and " raised it " in up
    assert f"from {percent(effect.without)} to {percent(effect.with_all)}" in up
    assert "Stress or anxiety lately: Low" in down and " lowered it " in down


@pytest.mark.parametrize("p, text", [(0.6458, "65%"), (0.1, "10%"), (0.032, "3.2%"), (0.00054, "0.054%"),
                                     (0.0095, "0.95%")])
def test_percent(p, text):
    assert percent(p) == text
