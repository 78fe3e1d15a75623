"""The guided interview (model/interview.py): warning signs first, the questions that matter, and
a stop rule that is checked against its own definition."""
import pytest

from model import InputError
from model.interview import (
    CORE,
    EMERGENCY_SCREEN,
    MAX_ADAPTIVE,
    QUESTION_SCREEN,
    RESULT_SCREEN,
    WARNING_SCREEN,
    Interview,
    impacts,
    rule_inputs,
)
from model.text import result_text
from model.triage import EMERGENCY, PROMPT


def mildest(ranker, inputs):
    return {i: ranker.vocabulary.inputs[i].states[0] for i in inputs}


def through_warning_signs(ranker) -> Interview:
    iv = Interview(ranker).answer({"sudden_symptoms": "no"})
    return iv.answer(mildest(ranker, iv.current().inputs))


def test_the_first_screen_asks_about_an_emergency_and_shows_no_verdict(ranker):
    iv = Interview(ranker)
    screen = iv.current()
    assert screen.kind == EMERGENCY_SCREEN and screen.inputs == rule_inputs(EMERGENCY) == ("sudden_symptoms",)
    ranking = ranker.rank(iv.answers)
    words = result_text(ranking, ranker.vocabulary, asked=iv.asked)
    assert words.advice.title == "Answer the warning-sign questions first"
    assert "sudden weakness, numbness or slurred speech" in words.open_warning_signs


def test_yes_to_sudden_symptoms_ends_the_interview_with_an_emergency(ranker):
    iv = Interview(ranker).answer({"sudden_symptoms": "yes"})
    assert iv.current().kind == RESULT_SCREEN and iv.emergency
    assert ranker.rank(iv.answers).triage.level == "emergency"


def test_the_warning_signs_come_next_on_one_screen(ranker):
    iv = Interview(ranker).answer({"sudden_symptoms": "no"})
    screen = iv.current()
    assert screen.kind == WARNING_SCREEN and screen.inputs == rule_inputs(PROMPT)
    assert {"weakness", "atrophy", "speech_swallowing", "breathing", "weight_loss"} <= set(screen.inputs)


def test_no_self_care_verdict_until_the_warning_signs_are_asked(ranker):
    iv = Interview(ranker).answer({"sudden_symptoms": "no"})
    assert result_text(ranker.rank(iv.answers), ranker.vocabulary, asked=iv.asked).advice.level == "self_care"
    assert result_text(ranker.rank(iv.answers), ranker.vocabulary, asked=iv.asked).open_warning_signs
    done = iv.answer(mildest(ranker, iv.current().inputs))
    words = result_text(ranker.rank(done.answers), ranker.vocabulary, asked=done.asked)
    assert not words.open_warning_signs and words.advice.title == "Likely benign: ease the triggers"


def test_not_sure_is_asked_and_left_unknown(ranker):
    iv = Interview(ranker).answer({"sudden_symptoms": None})
    assert "sudden_symptoms" in iv.asked and "sudden_symptoms" not in iv.answers
    assert iv.current().kind == WARNING_SCREEN  # not asked again
    words = result_text(ranker.rank(iv.answers), ranker.vocabulary, asked=iv.asked)
    assert "sudden weakness, numbness or slurred speech" not in words.open_warning_signs


def test_twitching_age_and_duration_come_before_the_adaptive_questions(ranker):
    iv = through_warning_signs(ranker)
    seen = []
    for value in ("yes", "under_40", "days"):
        screen = iv.current()
        assert screen.kind == QUESTION_SCREEN and len(screen.inputs) == 1
        seen.append(screen.inputs[0])
        iv = iv.answer({screen.inputs[0]: value})
    assert tuple(seen) == CORE


def test_the_stop_rule_holds_when_the_interview_stops(ranker):
    """When it stops, no open question has a likely answer that changes the level or the top cause."""
    answers = {"twitching": "yes", "age": "under_40", "twitch_duration": "days", "caffeine": "high"}
    iv = through_warning_signs(ranker)
    while (screen := iv.current()).kind != RESULT_SCREEN:
        iv = iv.answer({q: answers.get(q) for q in screen.inputs})
    assert "could change" in screen.why or "questions after" in screen.why
    open_ = [i for i in ranker.vocabulary.inputs if i not in iv.asked and i not in iv.answers]
    if "could change" in screen.why:
        assert not any(x.could_matter for x in impacts(ranker, iv.answers, open_))
    assert iv.adaptive_asked <= MAX_ADAPTIVE


def test_a_question_that_could_matter_is_one_whose_likely_answer_changes_something(ranker):
    answers = {"twitching": "yes", "age": "over_60", "twitch_duration": "months", "weakness": "subjective"}
    base = ranker.rank(answers)
    for x in impacts(ranker, answers, ["stress", "potassium", "caffeine"]):
        for state in x.changes:
            after = ranker.rank({**answers, x.input: state})
            assert after.triage.level != base.triage.level or after.causes[0].id != base.causes[0].id


def test_back_reopens_the_last_screen_with_its_answers(ranker):
    iv = through_warning_signs(ranker).answer({"twitching": "yes"})
    back = iv.back()
    assert back.current().inputs == ("twitching",) and back.answers["twitching"] == "yes"
    changed = back.answer({"twitching": "no"})
    assert changed.answers["twitching"] == "no" and changed.current().inputs == ("age",)
    assert Interview(ranker).back().current().kind == EMERGENCY_SCREEN  # nothing to go back to


def test_bad_answers_are_refused_by_name(ranker):
    iv = Interview(ranker)
    with pytest.raises(InputError, match="unknown state 'maybe'"):
        iv.answer({"sudden_symptoms": "maybe"})
    with pytest.raises(ValueError, match="not on this screen: age"):
        iv.answer({"age": "under_40"})


def test_a_coffee_drinker_reaches_a_result_in_few_screens(ranker):
    answers = {"sudden_symptoms": "no", "twitching": "yes", "age": "under_40", "twitch_duration": "days",
               "caffeine": "high", "stress": "low", "sleep": "good", "exertion": "moderate"}
    iv, screens = Interview(ranker), 0
    while (screen := iv.current()).kind != RESULT_SCREEN:
        given = mildest(ranker, screen.inputs) if screen.kind == WARNING_SCREEN else \
            {q: answers.get(q) for q in screen.inputs}
        iv = iv.answer(given)
        screens += 1
    assert screens <= 2 + len(CORE) + MAX_ADAPTIVE
    assert ranker.rank(iv.answers).causes[0].id == "caffeine_effect"


def test_upcoming_lists_the_questions_in_the_order_the_interview_asks_them(ranker):
    iv = Interview(ranker)
    assert iv.upcoming(1) == ("sudden_symptoms",)
    assert iv.upcoming(4) == ("sudden_symptoms", *rule_inputs(PROMPT)[:3])
    done = through_warning_signs(ranker)
    assert done.upcoming(3) == CORE
    answered = Interview(ranker, answers={"twitching": "yes", "sudden_symptoms": "no"})
    assert answered.upcoming(2) == rule_inputs(PROMPT)[:2]  # answered questions are not offered again
    iv = through_warning_signs(ranker).answer({"twitching": "yes"}).answer({"age": "under_40"})
    iv = iv.answer({"twitch_duration": "days"})
    first = iv.current().inputs[0]
    assert iv.upcoming(3)[0] == first and len(set(iv.upcoming(3))) == len(iv.upcoming(3))
    assert iv.upcoming(3)[1] == iv.answer({}).current().inputs[0]


def test_upcoming_is_empty_once_the_interview_has_stopped(ranker):
    assert Interview(ranker).answer({"sudden_symptoms": "yes"}).upcoming() == ()
