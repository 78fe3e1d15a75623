"""Next best question: exact expected information gain, sensible ordering."""
import warnings

import numpy as np
import pytest

from model import rank
from model.analyses.questions import HIGH_PRIORITY_WEIGHT, next_questions
from tests.support.cases import quiet

warnings.filterwarnings("ignore", category=FutureWarning)


def h(p):
    p = np.clip(np.asarray(p, dtype=float), 1e-300, 1 - 1e-16)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def test_information_gain_equals_its_definition(ranker):
    """Recompute one question's gain from pgmpy's P(answer | e) and rank()'s posteriors."""
    from pgmpy.inference import VariableElimination

    evidence = {"twitching": "yes", "age": "40_to_60", "caffeine": "moderate"}
    entry = next(q for q in next_questions(ranker, evidence) if q.input == "weakness")
    p_answer = VariableElimination(ranker.network).query(["weakness"], evidence=evidence, show_progress=False)
    before = rank(evidence)
    gain = 0.0
    for cause in ranker.causes:
        w = HIGH_PRIORITY_WEIGHT if cause == ranker.high_priority else 1.0
        after = sum(p_answer.get_value(weakness=s) * h(rank({**evidence, "weakness": s}).probability(cause))
                    for s in ranker.vocabulary.inputs["weakness"].states)
        gain += w * (h(before.probability(cause)) - after)
    assert entry.information_gain == pytest.approx(gain, abs=1e-9)
    for s, p in entry.answers.items():
        assert p == pytest.approx(p_answer.get_value(weakness=s), abs=1e-9)


def test_sorted_and_never_asks_what_is_answered(ranker):
    evidence = quiet(caffeine="high")
    del evidence["weakness"], evidence["stress"]
    qs = next_questions(ranker, evidence)
    assert {q.input for q in qs} == set(ranker.vocabulary.inputs) - set(evidence)
    gains = [q.information_gain for q in qs]
    assert gains == sorted(gains, reverse=True) and min(gains) >= 0


def test_weakness_ranks_near_the_top_when_little_is_known(ranker):
    for evidence in ({}, {"twitching": "yes"}):
        ids = [q.input for q in next_questions(ranker, evidence)]
        assert ids.index("weakness") < 3, ids[:5]


def test_red_flag_questions_rise_with_the_posterior(ranker):
    young = [q.input for q in next_questions(ranker, {"age": "under_40", "caffeine": "high", "twitching": "yes", "twitch_duration": "days"})]
    older = [q.input for q in next_questions(ranker, {"age": "over_60", "twitching": "yes", "twitch_duration": "months", "cramps": "yes"})]
    assert older.index("weakness") == 0
    assert young.index("weakness") > older.index("weakness")


def test_nothing_left_to_ask(ranker):
    full = {i.id: i.states[0] for i in ranker.vocabulary.inputs.values()}
    assert next_questions(ranker, full) == ()
