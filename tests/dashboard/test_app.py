"""The dashboard (app.py and dashboard/pages/) in process with Streamlit's AppTest.

The interview's flow (emergency stops it, no self-care verdict before the warning signs,
the checklist, Back, Not sure, the stop rule), the All questions page (one source of truth,
one-click suggestions, uploads shown as plain text) and the experts' page. Every number is
compared with rank() (or a ranker with the same overrides), never hard-coded.
"""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard.case import NOT_SURE
from dashboard.priors_view import parameter_names, parameters_by_node, slider_bounds
from model import load_ranker, rank
from model.analyses import sensitivity
from model.formatting import percent
from model.interview import CORE, RESULT_SCREEN, Interview, rule_inputs
from model.readwrite import case_json
from model.text import display_label, report_content, what_if_lines
from model.triage import EMERGENCY, PROMPT, RULES
from tests.support.apptest import chart_data, graphviz_source, markdown_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
QUESTIONS = "dashboard/pages/questions.py"
EXPERTS = "dashboard/pages/experts.py"
CAFFEINE_HIGH = "caffeine_effect.given.caffeine.high"
WARNING_SIGNS = rule_inputs(PROMPT)



# ----------------------------------------------------------------------------- helpers
def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception
    return at


def buttons(at: AppTest, prefix: str = "iv::") -> dict[str, object]:
    """The interview's answer buttons by label (without the mark of the current answer)."""
    return {b.label.removeprefix("\u2713 "): b for b in at.button if b.key and b.key.startswith(prefix)}


def tap(at: AppTest, label: str, prefix: str = "iv::") -> AppTest:
    buttons(at, prefix)[label].click().run()
    assert not at.exception
    return at


def heading(at: AppTest) -> str:
    """The text of the screen's focusable heading (the question)."""
    shown = [h.proto.body for h in at.get("html") if 'class="question"' in h.proto.body]
    assert len(shown) == 1, shown
    return shown[0].split(">", 1)[1].split("<", 1)[0]


def alerts(at: AppTest) -> list:
    return [*at.error, *at.warning, *at.success, *at.info]


def alerts_text(elements) -> str:
    return " ".join(e.value for e in elements)


def checklist_key(at: AppTest, input_id: str) -> str:
    return f"ws::{input_id}::{len(at.session_state['done'])}::{at.session_state['token']}"


def form_key(at: AppTest, input_id: str) -> str:
    return f"form::{input_id}__{at.session_state['token']}r{at.session_state['rev'][input_id]}"


def set_form(at: AppTest, **case) -> AppTest:
    for input_id, state in case.items():
        at.radio(key=form_key(at, input_id)).set_value(state)
        at.run()
        assert not at.exception
    return at


def through_warning_signs(at: AppTest) -> AppTest:
    tap(at, "No")
    return tap(at, "None of these", "ws::")


def answers(at: AppTest) -> dict:
    return dict(at.session_state["answers"])


# ----------------------------------------------------------------------------- the interview
def test_the_first_screen_asks_only_the_emergency_question_and_shows_no_verdict(ranker):
    at = start()
    spec = ranker.vocabulary.inputs["sudden_symptoms"]
    assert rule_inputs(EMERGENCY) == ("sudden_symptoms",)
    assert heading(at) == spec.question
    assert list(buttons(at)) == ["No", "Yes", "Not sure", "Back"]
    assert buttons(at)["Back"].disabled
    assert not alerts(at) and "benign" not in markdown_text(at).lower()
    assert not at.get("arrow_vega_lite_chart") and not at.get("vega_lite_chart")
    assert at.get("progress")[0].proto.text.startswith("Step 1 of about ")


def test_yes_to_the_emergency_question_shows_the_emergency_at_once_and_stops(ranker):
    at = tap(start(), "Yes")
    expected = rank({"sudden_symptoms": "yes"})
    assert expected.triage.level == "emergency"
    banner = at.error[0]
    assert banner.icon == "\U0001f6a8" and "Emergency – Call the emergency number now" in banner.value
    assert all(reason in banner.value for reason in expected.triage.reasons)
    assert not [b for b in at.button if b.key and b.key.startswith(("iv::sudden", "ws::"))]  # no more questions
    assert not at.get("arrow_vega_lite_chart")  # what to do, nothing else in the way
    assert answers(at) == {"sudden_symptoms": "yes"}


def test_the_warning_signs_come_next_on_one_checklist_with_their_own_answers(ranker):
    at = tap(start(), "No")
    assert heading(at) == "Do you have any of these?"
    for input_id in WARNING_SIGNS:
        spec = ranker.vocabulary.inputs[input_id]
        radio = at.radio(key=checklist_key(at, input_id))
        assert radio.label == spec.question and radio.value is None  # unselected: never "No"
        assert list(radio.options) == [*spec.labels, "Not sure"]
    assert "Feels tired or heavy, but no loss of function" in at.radio(key=checklist_key(at, "weakness")).options
    assert not alerts(at)


def test_none_of_these_answers_every_sign_with_its_mildest_state_in_one_tap(ranker):
    at = through_warning_signs(start())
    assert answers(at) == {"sudden_symptoms": "no", **{i: ranker.vocabulary.inputs[i].states[0] for i in WARNING_SIGNS}}
    assert heading(at) == ranker.vocabulary.inputs["twitching"].question


def test_a_marked_sign_is_kept_and_the_others_can_be_no_in_one_tap(ranker):
    at = tap(start(), "No")
    at.radio(key=checklist_key(at, "weakness")).set_value("subjective").run()
    at.radio(key=checklist_key(at, "numbness_tingling")).set_value("yes").run()
    assert "None of these" not in buttons(at, "ws::")
    tap(at, "No to all the others", "ws::")
    given = answers(at)
    assert given["weakness"] == "subjective" and given["numbness_tingling"] == "yes" and given["atrophy"] == "no"


def test_continue_leaves_unselected_signs_not_sure_never_no(ranker):
    at = tap(start(), "No")
    at.radio(key=checklist_key(at, "atrophy")).set_value("yes").run()
    tap(at, "Continue (anything unanswered counts as Not sure)", "ws::")
    assert answers(at) == {"sudden_symptoms": "no", "atrophy": "yes"}
    assert set(WARNING_SIGNS) <= {i for screen in at.session_state["done"] for i in screen}  # asked


def test_no_self_care_verdict_before_the_warning_signs_are_answered(ranker):
    at = tap(start(), "No")
    go(at, QUESTIONS)  # the result the full form shows meanwhile
    banner = at.info[0].value
    assert "Not yet – Answer the warning-sign questions first" in banner
    assert "None of your answers is a warning sign" not in banner and not at.success
    go(at, "dashboard/pages/interview.py")
    tap(at, "None of these", "ws::")
    go(at, QUESTIONS)
    assert at.success and "Self-care" in at.success[0].value


def test_twitching_age_and_duration_follow_one_per_screen_with_progress(ranker):
    at = through_warning_signs(start())
    seen = []
    for label in ("Yes", "Under 40", "Less than a week"):
        seen.append(heading(at))
        steps = at.get("progress")[0].proto.text
        tap(at, label)
        assert at.get("progress")[0].proto.text != steps
    assert seen == [ranker.vocabulary.inputs[i].question for i in CORE]


def test_an_answer_moves_the_focus_to_the_next_question():
    at = tap(start(), "No")
    (focus,) = [h for h in at.get("html") if 'class="question"' in h.proto.body]
    assert "<script>" in focus.proto.body and 'id="q-1-warning-signs"' in focus.proto.body
    assert "getElementById(\"q-1-warning-signs\")" in focus.proto.body and focus.proto.unsafe_allow_javascript
    at.run()  # a rerun without an answer does not steal the focus again
    (again,) = [h for h in at.get("html") if 'class="question"' in h.proto.body]
    assert "<script>" not in again.proto.body


def test_back_reopens_the_last_screen_with_its_answer_marked(ranker):
    at = through_warning_signs(start())
    tap(at, "Yes")
    assert heading(at) == "Age"
    tap(at, "Back")
    assert heading(at) == ranker.vocabulary.inputs["twitching"].question
    marked = [b for b in at.button if b.key and b.key.startswith("iv::twitching::")]
    assert [b.label for b in marked if b.label.startswith("\u2713")] == ["\u2713 Yes"]
    tap(at, "No")
    assert answers(at)["twitching"] == "no" and heading(at) == "Age"


def test_not_sure_is_asked_once_and_left_unknown():
    at = through_warning_signs(start())
    tap(at, "Not sure")
    assert "twitching" not in answers(at) and heading(at) == "Age"
    assert ("twitching",) in at.session_state["done"]


def test_a_blood_test_offers_not_tested_not_not_sure(ranker, monkeypatch):
    at = through_warning_signs(start())
    for label in ("Yes", "Under 40", "Longer, despite cutting back on triggers"):
        tap(at, label)
    while heading(at) not in {ranker.vocabulary.inputs[i].question for i in ("magnesium", "potassium", "calcium")}:
        tap(at, "Not sure")
    assert list(buttons(at))[:3] == ["Low", "Normal", "Not tested"]
    tap(at, "Not tested")
    assert not {"magnesium", "potassium", "calcium"} & set(answers(at))


def test_the_interview_reaches_its_stop_rule_and_shows_the_result(ranker, downloads):
    given = {"twitching": "Yes", "age": "Under 40", "twitch_duration": "Less than a week"}
    at = through_warning_signs(start())
    for _ in range(len(CORE) + 12):
        if "Your result" in [h.proto.body.split(">", 1)[1].split("<", 1)[0] for h in at.get("html")
                             if 'class="question"' in h.proto.body]:
            break
        question = next(i for i, s in ranker.vocabulary.inputs.items() if s.question == heading(at))
        tap(at, given.get(question, "Not sure"))
    assert heading(at) == "Your result"
    iv = Interview(ranker, answers(at), tuple(at.session_state["done"]))
    assert iv.current().kind == RESULT_SCREEN
    expected = rank(answers(at), detail=True)
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(expected.to_json())
    assert at.success and "Self-care" in at.success[0].value
    assert list(chart_data(at, 0)["rank"]) == list(range(1, len(expected.causes) + 1))
    report = downloads["twitch-causes-report.md"].decode()
    content = report_content(expected, ranker.vocabulary)
    assert content.leading[0] in report and content.serious in report
    assert downloads["twitch-causes-report.pdf"].startswith(b"%PDF")
    assert expected.triage.reasons[0] in report
    assert json.loads(downloads["twitch-causes-answers.json"]) == answers(at)


def test_see_my_result_now_after_the_first_questions(ranker):
    at = through_warning_signs(start())
    for label in ("Yes", "Under 40", "Less than a week"):
        tap(at, label)
    so_far = next(m.value for m in at.markdown if m.value.startswith("**So far:**"))
    assert "Self-care" in so_far
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("iv::result_now"))).click().run()
    assert heading(at) == "Your result" and at.button(key="iv::keep")
    at.button(key="iv::keep").click().run()
    assert heading(at) != "Your result"


def test_an_urgent_result_says_what_to_do_first_then_the_serious_cause(ranker):
    at = tap(start(), "No")
    at.radio(key=checklist_key(at, "weakness")).set_value("progressive").run()
    at.radio(key=checklist_key(at, "atrophy")).set_value("yes").run()
    tap(at, "No to all the others", "ws::")
    for label in ("Yes", "Over 60", "Longer, despite cutting back on triggers"):
        tap(at, label)
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("iv::result_now"))).click().run()
    banner = at.error[0]
    assert banner.icon == "\u26a0\ufe0f" and "Prompt evaluation – See a doctor within the next few days" in banner.value
    words = [m.value for m in at.markdown]
    serious = next(i for i, w in enumerate(words) if w.startswith("A doctor will want to rule out"))
    others = next(i for i, w in enumerate(words) if w.startswith("Other possible causes"))
    assert serious < others


def test_a_benign_result_gives_the_likely_cause_first_and_the_rare_condition_calmly(ranker):
    at = through_warning_signs(start())
    for label in ("Yes", "Under 40", "Less than a week"):
        tap(at, label)
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("iv::result_now"))).click().run()
    words = [m.value for m in at.markdown]
    likely = next(i for i, w in enumerate(words) if w.startswith("Most likely: "))
    rare = next(i for i, w in enumerate(words) if " is rare: " in w)
    assert likely < rare and "of all people aged under 40" in words[rare]


def test_no_twitching_then_the_duration_question_names_the_contradiction(ranker):
    at = through_warning_signs(start())
    tap(at, "No")
    tap(at, "Under 40")
    assert heading(at) == ranker.vocabulary.inputs["twitch_duration"].question
    assert "You said you have no twitching now" in alerts_text(at.info)
    tap(at, "Less than a week")
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("iv::result_now"))).click().run()
    assert "You said you have no twitching now, but also how long" in alerts_text(at.info)
    assert "ease the triggers" not in alerts_text(alerts(at))


def test_the_pdf_for_the_doctor_is_one_a4_page_naming_every_warning_sign(ranker, downloads):
    at = tap(start(), "No")
    at.radio(key=checklist_key(at, "atrophy")).set_value("yes").run()
    tap(at, "Continue (anything unanswered counts as Not sure)", "ws::")
    tap(at, "Yes")
    tap(at, "Over 60")
    tap(at, "Longer, despite cutting back on triggers")
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith("iv::result_now"))).click().run()
    reader = PdfReader(io.BytesIO(downloads["twitch-causes-report.pdf"]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = " ".join(reader.pages[0].extract_text().split())
    for rule in RULES:
        if rule.level >= PROMPT:
            name = rule.short[:1].upper() + rule.short[1:]
            status = "present" if rule.input == "atrophy" else "absent" if rule.input == "sudden_symptoms" \
                else "not asked"
            assert f"{name} {status}" in text, name
    markdown = downloads["twitch-causes-report.md"].decode()
    assert "- A muscle getting thinner: **present**" in markdown
    assert json.loads(downloads["twitch-causes-answers.json"]) == answers(at)


# ----------------------------------------------------------------------------- all questions
def test_every_question_is_on_the_page_labelled_by_its_question(ranker):
    at = go(start(), QUESTIONS)
    for input_id, spec in ranker.vocabulary.inputs.items():
        radio = at.radio(key=form_key(at, input_id))
        assert radio.label == spec.question and radio.value == NOT_SURE
        unknown = "Not tested" if spec.group == "lab" else "Not sure"
        assert list(radio.options) == [*spec.labels, unknown]
    assert not at.sidebar.children or not [e for e in at.sidebar if getattr(e, "type", "") == "radio"]


def test_a_form_answer_reranks_and_is_what_is_saved(ranker, downloads):
    at = set_form(go(start(), QUESTIONS), caffeine="high", twitching="yes")
    case = {"caffeine": "high", "twitching": "yes"}
    assert answers(at) == case
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(rank(case, detail=True).to_json())
    assert json.loads(downloads["twitch-causes-answers.json"]) == case
    assert list(chart_data(at, 0)["id"]) == [c.id for c in rank(case).causes]
    set_form(at, caffeine=NOT_SURE)
    assert answers(at) == {"twitching": "yes"}


def test_a_change_queued_for_a_replaced_widget_is_dropped(ranker, monkeypatch):
    """The stale guard: a programmatic answer replaces the form's widget (a new revision); a
    value the browser had queued for the old one must not overwrite the answer."""
    from dashboard import state

    session = {}
    monkeypatch.setattr(state, "S", session)
    session.update(token="abc", answers={}, rev=dict.fromkeys(ranker.vocabulary.inputs, 0), done=(), reopened=None,
                   not_sure=frozenset())
    old = state.widget_key("form::", "twitching")
    session[old] = "yes"
    state.from_widget("twitching", old)
    assert session["answers"] == {"twitching": "yes"}
    state.one_click("twitching", "no")  # a one-click answer: the dict and a new widget
    session[old] = "yes"  # the browser's queued change for the widget it replaced
    state.from_widget("twitching", old)
    assert session["answers"] == {"twitching": "no"}
    new = state.widget_key("form::", "twitching")
    assert new != old
    session[new] = "not_sure"
    state.from_widget("twitching", new)
    assert session["answers"] == {} and "twitching" in session["not_sure"]


def test_the_suggestions_follow_the_interview_warning_signs_first(ranker):
    at = set_form(go(start(), QUESTIONS), twitching="yes")
    offered = list(dict.fromkeys(b.key.split("::")[1] for b in at.button
                                 if b.key and b.key.startswith("ask::") and b.key.count("::") == 2))
    assert offered == list(Interview(ranker, {"twitching": "yes"}).upcoming(3)) == ["sudden_symptoms", *WARNING_SIGNS[:2]]
    at.button(key="ask::sudden_symptoms::no").click().run()
    at.button(key="ask::none_of_these").click().run()
    assert all(answers(at)[i] == ranker.vocabulary.inputs[i].states[0] for i in WARNING_SIGNS)
    assert at.success and "Self-care" in at.success[0].value
    assert at.radio(key=form_key(at, "atrophy")).value == "no"  # the form shows what was set


def test_a_one_click_answer_updates_the_form_and_the_ranking(ranker, downloads):
    at = set_form(go(start(), QUESTIONS), twitching="yes")
    at.button(key="ask::weakness::progressive").click().run()
    assert at.radio(key=form_key(at, "weakness")).value == "progressive"
    assert "Prompt evaluation" in at.error[0].value
    assert json.loads(downloads["twitch-causes-result.json"])["evidence"] == {"twitching": "yes", "weakness": "progressive"}


def test_what_if_says_how_likely_the_twitching_settles_and_warns_about_medicines():
    case = {"caffeine": "high", "ssri": "yes", "twitching": "yes"}
    at = set_form(go(start(), QUESTIONS), **case)
    expected = what_if_lines(rank(case, detail=True).detail.what_if)
    shown = markdown_text(at)
    assert len(expected) == 2 and all(line in shown for line in expected)
    assert "Never stop or change a prescribed medicine without talking to your doctor" in shown


def test_a_case_file_fills_in_the_answers(ranker):
    at = go(start(), QUESTIONS)
    case = {"caffeine": "high", "twitching": "yes", "age": "40_to_60"}
    at.file_uploader(key="case_file").upload("case.json", case_json(case).encode(), "application/json")
    at.run()
    assert not at.exception and not at.error
    assert answers(at) == case
    for input_id in ranker.vocabulary.inputs:
        assert at.radio(key=form_key(at, input_id)).value == case.get(input_id, NOT_SURE)


INJECTION = ['$x^2$', ':red[danger]', ':skull:', ':material/warning:', '&amp;&lt;b&gt;', '**bold**', '<b>b</b>']


@pytest.mark.parametrize("text", INJECTION)
def test_an_upload_error_shows_the_files_words_as_plain_text(text):
    at = set_form(go(start(), QUESTIONS), caffeine="high")
    at.file_uploader(key="case_file").upload("bad.json", json.dumps({text: "high"}).encode(), "application/json")
    at.run()
    assert not at.exception
    assert "Could not load answers from this file" in alerts_text(at.error)
    (plain,) = [t for t in at.text if "unknown input" in t.value]
    assert text in plain.value  # verbatim, in an element that renders no Markdown, maths or HTML
    assert text not in alerts_text(at.error) and text not in markdown_text(at)
    assert answers(at) == {"caffeine": "high"}


def test_a_malformed_or_wrong_type_file_gets_a_message_and_changes_nothing():
    at = set_form(go(start(), QUESTIONS), caffeine="high")
    at.file_uploader(key="case_file").upload("broken.json", b'{"caffeine": "high",', "application/json")
    at.run()
    assert "Could not load answers" in alerts_text(at.error) and "not valid JSON" in " ".join(t.value for t in at.text)
    at.file_uploader(key="case_file").upload("notes.txt", b"caffeine high", "text/plain")
    at.run()
    assert not at.exception and "This is not a JSON file" in alerts_text(at.error)
    assert "notes.txt" in " ".join(t.value for t in at.text)
    assert answers(at) == {"caffeine": "high"}


def test_an_unexpected_error_becomes_a_friendly_message(monkeypatch):
    import model.text

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(model.text, "result_text", broken)  # the pages import it when they run
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(QUESTIONS).run()
    assert not at.exception
    assert "Something went wrong" in alerts_text(at.error) and "boom" not in alerts_text(at.error)


def test_a_page_that_comes_back_from_another_session_says_it_started_afresh():
    """After a reload or a server restart (the page reloads itself, app.py), the address still
    carries the old session's token: the page says what was cleared instead of showing it."""
    at = start()
    assert "started afresh" not in alerts_text(at.info)
    token = at.session_state["token"]
    assert at.query_params["s"] == [token] or at.query_params["s"] == token
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["s"] = "0ld0ld"
    again.run()
    assert "This page started afresh" in alerts_text(again.info) and "changed numbers were cleared" in alerts_text(again.info)
    assert again.session_state["token"] != "0ld0ld"


def test_streamlit_config_keys_are_valid():
    from streamlit import config

    config.get_config_options(force_reparse=True)
    expected = {"browser.gatherUsageStats": False, "server.address": "127.0.0.1", "server.headless": True,
                "server.maxUploadSize": 1, "client.showErrorDetails": "none",
                "server.enableXsrfProtection": True, "server.enableCORS": True,
                "theme.textColor": "#111111", "theme.primaryColor": "#1d4ed8"}
    cwd = os.getcwd()
    try:
        os.chdir(Path(APP).parent)
        config.get_config_options(force_reparse=True)
        for key, value in expected.items():
            assert config.get_option(key) == value, key
    finally:
        os.chdir(cwd)
        config.get_config_options(force_reparse=True)


def test_caches_keyed_on_answers_are_per_session():
    """No answers in a cache another session could reach (issue 11, item 12)."""
    import ast
    import inspect

    from dashboard import state

    tree = ast.parse(inspect.getsource(state))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "st.cache_data":
                    scope = {k.arg: ast.literal_eval(k.value) for k in deco.keywords}.get("scope")
                    assert scope == "session", node.name
    sources = [p.read_text() for p in (Path(APP).parent / "dashboard").rglob("*.py")] + [Path(APP).read_text()]
    assert sum(s.count("@st.cache_data") for s in sources) == sum(s.count('@st.cache_data(scope="session"') for s in sources)


# ----------------------------------------------------------------------------- experts
def test_the_numbers_open_on_the_top_cause_with_readable_sliders_that_agree_with_captions(ranker):
    at = set_form(go(start(), QUESTIONS), caffeine="high", twitching="yes")
    go(at, EXPERTS)
    assert at.selectbox[0].value == "caffeine_effect"
    names = parameter_names(ranker.priors)
    params = parameters_by_node(ranker.priors)["caffeine_effect"]
    assert [s.label for s in at.slider] == [names[p.id] for p in params]
    shown = " ".join(c.value for c in at.caption)
    for slider, p in zip(at.slider, params, strict=True):
        assert "." not in slider.label.split(",")[0] or p.id not in slider.label  # no internal ids
        assert slider.value == p.value
        assert f"in the file: {slider.proto.format % p.value}." in shown


def test_a_prior_override_reranks_everywhere_and_reset_restores(ranker, downloads):
    case = {"caffeine": "high", "exertion": "intense", "twitching": "yes"}
    at = set_form(go(start(), QUESTIONS), **case)
    before = rank(case)
    changed = ranker.with_overrides({CAFFEINE_HIGH: 0.2}).rank(case)
    assert before.causes[0].id != changed.causes[0].id  # the scenario: this number decides the order
    go(at, EXPERTS)
    at.selectbox[0].set_value("caffeine_effect").run()
    slider = next(s for s in at.slider if s.label == parameter_names(ranker.priors)[CAFFEINE_HIGH])
    slider.set_value(0.2).run()
    assert not at.exception and at.session_state["overrides"] == {CAFFEINE_HIGH: 0.2}
    comparison = at.dataframe[0].value
    assert list(comparison["cause"]) == [display_label(c.label) for c in changed.causes]
    assert list(comparison["with your changes"]) == [percent(c.probability) for c in changed.causes]
    go(at, QUESTIONS)
    assert list(chart_data(at, 0)["id"]) == [c.id for c in changed.causes]
    detailed = ranker.with_overrides({CAFFEINE_HIGH: 0.2}).rank(case, detail=True)
    assert json.loads(downloads["twitch-causes-result.json"]) == json.loads(detailed.to_json())
    assert "changed for this session" in alerts_text(at.info)
    go(at, EXPERTS)
    at.button(key="reset_priors").click().run()
    assert at.session_state["overrides"] == {}
    assert next(s for s in at.slider if s.label == parameter_names(ranker.priors)[CAFFEINE_HIGH]).value == \
        ranker.priors.parameter(CAFFEINE_HIGH).value
    go(at, QUESTIONS)
    assert list(chart_data(at, 0)["id"]) == [c.id for c in before.causes]


def test_an_invalid_override_is_refused_with_a_message(ranker):
    at = go(start(), EXPERTS)
    at.selectbox[0].set_value("weakness").run()
    names = parameter_names(ranker.priors)
    subjective, progressive = ("weakness.given.neuromuscular_disease." + s for s in ("subjective", "progressive"))
    next(s for s in at.slider if s.label == names[subjective]).set_value(
        slider_bounds(ranker.priors.parameter(subjective))[1]).run()
    next(s for s in at.slider if s.label == names[progressive]).set_value(
        slider_bounds(ranker.priors.parameter(progressive))[1]).run()
    assert not at.exception
    assert "That change was not applied" in alerts_text(at.error)
    assert progressive not in at.session_state["overrides"]
    assert next(s for s in at.slider if s.label == names[progressive]).value == ranker.priors.parameter(progressive).value


def test_the_experts_table_lists_every_number_rounded_with_its_source(ranker):
    at = go(start(), EXPERTS)
    table = at.dataframe[-1].value
    assert list(table["number"]) == [p.id for p in ranker.priors.parameters]
    assert list(table["source"]) == [p.source for p in ranker.priors.parameters]
    assert all(v == float(f"{v:.6g}") for v in table["in use"])


def test_the_how_sure_tab_names_numbers_in_words(ranker):
    case = {"caffeine": "high", "stress": "high", "twitching": "yes"}
    at = set_form(go(start(), QUESTIONS), **case)
    go(at, EXPERTS)
    at.session_state["expert_view"] = "How sure?"
    at.run()
    assert not at.exception
    entries = sensitivity(load_ranker(), case)
    shown = markdown_text(at)
    assert any(e.top_changes_at is not None for e in entries)
    assert "Numbers that would change the answer on their own" in shown
    assert not any(f"`{e.parameter}`" in shown or e.parameter in shown for e in entries)
    tornado = chart_data(at, 0)
    widths = list(tornado["high"] - tornado["low"])
    assert len(tornado) == 12 and widths == sorted(widths, reverse=True)


def test_the_network_is_drawn_and_listed(ranker):
    at = set_form(go(start(), QUESTIONS), caffeine="high", twitching="yes")
    go(at, EXPERTS)
    at.session_state["expert_view"] = "How it connects"
    at.run()
    assert not at.exception
    assert '"caffeine" [label="Caffeine\\n= 4+ cups, or energy drinks", style="filled,rounded"' in graphviz_source(at)
    listed = markdown_text(at)
    assert "**Caffeine** (" in listed and "Can be brought on by: Caffeine most days" in listed


def test_overrides_that_no_longer_fit_the_priors_get_a_way_out():
    at = start()
    at.session_state["overrides"] = {"caffeine_effect.given.caffeine.extreme": 0.5}  # e.g. after the files changed
    go(at, EXPERTS)
    assert "cannot be ranked" in alerts_text(at.error)
    at.button(key="reset_priors").click().run()
    assert not at.exception and at.session_state["overrides"] == {}
    go(at, QUESTIONS)
    assert not at.exception and at.info and "Not yet" in at.info[0].value
