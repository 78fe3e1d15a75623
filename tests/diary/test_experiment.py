"""The self-experiment (model/diary/experiment.py): which trigger, an ABAB plan with its rule
fixed in advance, and the result with its uncertainty."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from model import Diary, InputError
from model.diary import evaluate, plan
from model.diary.experiment import ranking_change
from tests.support.compare import assert_close

START = date(2026, 11, 2)


def settings(ranker):
    return ranker.priors.diary


def test_the_plan_alternates_without_and_with_and_fixes_its_rule(ranker):
    p = plan({"input": "caffeine", "state": "high"}, ranker.vocabulary, settings(ranker), START)
    phases = p["schedule"]
    length = int(settings(ranker)["experiment_phase_days"].value)
    assert len(phases) == int(settings(ranker)["experiment_phases"].value) >= 4
    assert [x["phase"] for x in phases[:4]] == ["without", "with", "without", "with"]
    assert [x["state"] for x in phases[:2]] == ["none", "high"]
    for k, x in enumerate(phases):
        first, last = date.fromisoformat(x["from"]), date.fromisoformat(x["to"])
        assert first == START + timedelta(days=k * length) and (last - first).days == length - 1
    rule = p["rule"]
    assert rule["effect"] == settings(ranker)["experiment_effect"].value
    assert f"{rule['effect']:.0%}" in rule["text"] and f"{rule['probability']:.0%}" in rule["text"]


def logged(p, rate_without, rate_with, followed=True, seed=0, skip=0.0):
    rng = np.random.default_rng(seed)
    out = []
    for phase in p["schedule"]:
        day = date.fromisoformat(phase["from"])
        while day <= date.fromisoformat(phase["to"]):
            if rng.random() >= skip:
                rate = rate_without if phase["phase"] == "without" else rate_with
                state = phase["state"] if followed else p["state"]
                out.append((day, {"twitching": "yes" if rng.random() < rate else "no", p["input"]: state}))
            day += timedelta(days=1)
    return out


def test_a_clear_effect_keeps_the_change_and_no_effect_does_not(ranker):
    p = plan({"input": "caffeine", "state": "high"}, ranker.vocabulary, settings(ranker), START)
    end = date.fromisoformat(p["schedule"][-1]["to"]) + timedelta(days=1)
    clear = evaluate(p, logged(p, 0.1, 0.9), end)
    assert clear.complete and clear.keep_change is True and clear.probability > 0.95
    none = evaluate(p, logged(p, 0.5, 0.5, seed=1), end)
    assert none.complete and none.keep_change is False and none.probability < 0.8
    assert clear.followed == 1.0 and evaluate(p, logged(p, 0.1, 0.9, followed=False), end).followed < 0.6


def test_a_running_experiment_gives_no_verdict_and_missing_days_are_not_counted(ranker):
    p = plan({"input": "caffeine", "state": "high"}, ranker.vocabulary, settings(ranker), START)
    days = logged(p, 0.1, 0.9, skip=0.3, seed=2)
    result = evaluate(p, days, START + timedelta(days=10))
    assert not result.complete and result.keep_change is None
    assert sum(result.days_logged.values()) == len(days)
    total = sum((date.fromisoformat(x["to"]) - date.fromisoformat(x["from"])).days + 1 for x in p["schedule"])
    assert len(days) < total


def test_the_proposed_trigger_is_the_one_whose_strength_moves_the_ranking_most(ranker, tmp_path):
    """The proposal's ranking change equals the same change computed through two rankers with
    the number set at the interval's ends."""
    with Diary.open(tmp_path / "d.sqlite3") as diary:
        rng = np.random.default_rng(4)
        days = [(START - timedelta(days=k), {"caffeine": "high" if rng.random() < 0.4 else "none",
                                             "sleep": "poor" if rng.random() < 0.1 else "good",
                                             "twitching": "yes" if rng.random() < 0.5 else "no"}) for k in range(30)]
        diary.add_many(days, today=START)
        proposal = diary.propose_experiment(ranker, START)
        report = diary.learn(ranker)
        learned = report.learned
        # a caller that has learn() already (the dashboard) passes it: the same plan, and the same ranking
        assert diary.propose_experiment(ranker, START, report) == proposal
        case = {"twitching": "yes", "caffeine": "high"}
        assert (ranker.rank_with_diary(case, diary, learned=report).to_dict()
                == ranker.rank_with_diary(case, diary).to_dict())
    assert proposal is not None
    values = np.array(ranker.priors.values)
    for s in learned.triggers:
        values[ranker.priors.index(s.link.parameter)] = s.personal
    scores = {}
    for s in learned.triggers:
        if not s.days_exposed:
            continue
        case = next(c for _, c in sorted(days, reverse=True) if c.get(s.link.input) == s.link.state
                    and c["twitching"] == "yes")
        others = {t.link.parameter: t.personal for t in learned.triggers if t is not s}
        ends = [ranker.with_overrides({**others, s.link.parameter: x}).rank(case) for x in s.interval]
        change = max(abs(ends[1].probability(c) - ends[0].probability(c)) for c in ranker.causes)
        assert_close(ranking_change(ranker, values, s, case), change, rtol=1e-9, atol=1e-12)
        scores[(s.link.input, s.link.state)] = change * s.days_exposed / len(days)
    assert (proposal["input"], proposal["state"]) == max(scores, key=scores.get)


def test_a_started_experiment_keeps_the_rule_it_was_given(ranker, tmp_path):
    with Diary.open(tmp_path / "d.sqlite3") as diary:
        p = plan({"input": "caffeine", "state": "high"}, ranker.vocabulary, settings(ranker), START)
        started = diary.start_experiment(p, START)
        assert started.fixed_at.date() <= date.today()
        with pytest.raises(InputError, match="already running"):
            diary.start_experiment(p, START)
        stored = diary.experiments()[-1]
        assert stored.plan == p and stored.fixed_at == started.fixed_at
        diary.add_many(logged(p, 0.1, 0.9), today=date(2027, 1, 1))
        latest, result = diary.experiment_result(date(2027, 1, 1))
        assert result.rule == p["rule"]["text"] and result.keep_change is True
        diary.end_experiment(latest.id, date(2026, 12, 1))
        assert diary.experiments()[-1].ended == date(2026, 12, 1)
