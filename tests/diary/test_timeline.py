"""Time in triage (model/diary/timeline.py): twitching that persists despite cutting back, a
warning sign on any day, a weakness trend, and how the diary's triage joins a case's."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from model import Diary
from model.cli import main
from model.diary import combine_triage, diary_triage, persisting
from model.diary.timeline import weakness_trend

LAST = date(2026, 11, 29)


def days_back(n, case, every=1):
    """n days ending on LAST (every `every`-th day logged), each the given case."""
    return [(LAST - timedelta(days=k), dict(case)) for k in range(0, n, every)][::-1]


def settings(ranker):
    return ranker.priors.diary


@pytest.mark.parametrize("weeks, cut_back, level", [
    (3, True, "see_doctor"), (4, True, "see_doctor"), (2, True, "self_care"), (3, False, "self_care")])
def test_twitching_for_weeks_despite_cutting_back_means_a_routine_appointment(ranker, weeks, cut_back, level):
    case = {"twitching": "yes", "caffeine": "none" if cut_back else "high", "sleep": "good"}
    entries = days_back(7 * weeks, case)
    run = persisting(entries, ranker.vocabulary, settings(ranker))
    assert run.weeks == weeks and run.despite_changes is cut_back
    found = diary_triage(entries, ranker.vocabulary, settings(ranker))
    assert found.level == level
    if level == "see_doctor":
        assert any(f"for {weeks} weeks" in r and "cut back" in r for r in found.reasons)


def test_missing_days_are_missing_not_no(ranker):
    """Two logged days a week, both with twitching, still make a week with twitching; a week
    with one logged day does not count (too little seen), and breaks the run."""
    sparse = days_back(21, {"twitching": "yes", "caffeine": "none"}, every=3)
    assert persisting(sparse, ranker.vocabulary, settings(ranker)).weeks == 3
    thin = [e for e in sparse if not LAST - timedelta(days=13) <= e[0] <= LAST - timedelta(days=7)][:-1]
    thin.append((LAST - timedelta(days=9), {"twitching": "yes", "caffeine": "none"}))
    assert persisting(thin, ranker.vocabulary, settings(ranker)).weeks < 3


def test_a_week_mostly_without_twitching_ends_the_run(ranker):
    entries = days_back(21, {"twitching": "yes", "caffeine": "none"})
    quiet = [(d, {**c, "twitching": "no"}) if LAST - timedelta(days=13) <= d <= LAST - timedelta(days=7) else (d, c)
             for d, c in entries]
    assert persisting(quiet, ranker.vocabulary, settings(ranker)).weeks == 1


@pytest.mark.parametrize("sign, level", [({"weakness": "progressive"}, "prompt_evaluation"),
                                         ({"atrophy": "yes"}, "prompt_evaluation"),
                                         ({"sudden_symptoms": "yes"}, "emergency")])
def test_a_warning_sign_on_any_day_raises_the_level_with_its_date(ranker, sign, level):
    entries = days_back(10, {"twitching": "yes"})
    entries[2] = (entries[2][0], {**entries[2][1], **sign})
    found = diary_triage(entries, ranker.vocabulary, settings(ranker))
    assert found.level == level
    assert any(f"{entries[2][0].day} {entries[2][0]:%B %Y}" in r for r in found.reasons), found.reasons


def test_weakness_moving_towards_progressive_is_named_as_a_trend(ranker):
    vocab = ranker.vocabulary
    states = vocab.inputs["weakness"].states
    worse = [(LAST - timedelta(days=20), {"weakness": states[0]}), (LAST, {"weakness": states[1]})]
    assert "moved from" in (weakness_trend(worse, vocab) or "")
    assert weakness_trend(worse[::-1], vocab) == weakness_trend(worse, vocab)  # by date, not by list order
    better = [(LAST - timedelta(days=20), {"weakness": states[1]}), (LAST, {"weakness": states[0]})]
    assert weakness_trend(better, vocab) is None
    assert weakness_trend(worse[:1], vocab) is None


def test_the_more_urgent_level_wins_and_its_reasons_come_first(ranker):
    from model.diary import DiaryTriage

    diary = DiaryTriage("see_doctor", ("diary reason",))
    assert combine_triage("self_care", ("ease the triggers",), diary) == ("see_doctor", ("diary reason",))
    assert combine_triage("emergency", ("call now",), diary) == ("emergency", ("call now", "diary reason"))
    assert combine_triage("prompt_evaluation", ("soon",), DiaryTriage("emergency", ("now",))) == \
        ("emergency", ("now", "soon"))


def test_rank_with_a_diary_adds_the_diarys_triage(ranker, tmp_path, capsys):
    import json

    path = tmp_path / "d.sqlite3"
    with Diary.open(path) as diary:
        diary.add_many(days_back(28, {"twitching": "yes", "caffeine": "none", "sleep": "good"}), today=LAST)
        ranking = ranker.rank_with_diary({"twitching": "yes"}, diary)
    assert ranker.rank({"twitching": "yes"}).triage.level == "self_care"
    assert ranking.triage.level == "see_doctor"
    assert main(["rank", "--json", "--diary", str(path), "twitching=yes"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["triage"] == ranking.triage.to_dict()
    assert data["causes"] == ranking.to_dict()["causes"]


def test_a_medicine_taken_daily_does_not_hide_twitching_that_persists(ranker):
    """Stopping a medicine is a doctor's decision: someone on an SSRI who cut back caffeine
    and sleeps well, twitching for three weeks, is still told to book an appointment."""
    entries = days_back(21, {"twitching": "yes", "caffeine": "none", "ssri": "yes"})
    assert diary_triage(entries, ranker.vocabulary, settings(ranker)).level == "see_doctor"
    only_medicine = days_back(21, {"twitching": "yes", "ssri": "yes"})  # nothing cut back was logged
    assert not persisting(only_medicine, ranker.vocabulary, settings(ranker)).despite_changes
