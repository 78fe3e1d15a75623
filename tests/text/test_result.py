"""The result in words (model/text/result.py): contradictions are named, and no trigger advice
is given to someone without twitching."""
from model import rank
from model.text import ADVICE, contradictions, result_text


def test_consistent_answers_have_no_contradiction(ranker):
    assert contradictions({"twitching": "yes", "twitch_duration": "days", "caffeine": "high"}, ranker.vocabulary) == ()
    assert contradictions({"twitching": "no", "caffeine": "none", "stress": "low"}, ranker.vocabulary) == ()
    assert result_text(rank({"twitching": "yes"}), ranker.vocabulary).contradictions == ()


def test_no_twitching_with_a_duration_is_named(ranker):
    (line,) = contradictions({"twitching": "no", "twitch_duration": "weeks"}, ranker.vocabulary)
    assert line.startswith("You said you have no twitching now") and '"One to three weeks"' in line


def test_no_twitching_with_triggers_is_named_and_gets_no_trigger_advice(ranker):
    case = {"twitching": "no", "caffeine": "high", "stress": "high", "sleep": "good"}
    words = result_text(rank(case), ranker.vocabulary)
    (line,) = words.contradictions
    assert "caffeine most days; stress or anxiety lately" in line and "sleep" not in line
    assert words.advice.level == "self_care" and "triggers" not in words.advice.title
    assert result_text(rank({"twitching": "yes", "caffeine": "high"}), ranker.vocabulary).advice == ADVICE["self_care"]


def test_open_warning_signs_still_come_before_any_verdict_without_twitching(ranker):
    words = result_text(rank({"twitching": "no"}), ranker.vocabulary, asked=frozenset({"twitching"}))
    assert words.advice.title == "Answer the warning-sign questions first" and words.open_warning_signs
