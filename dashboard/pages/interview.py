"""Check my twitching: the guided interview, one screen at a time, warning signs first.

Screens (model/interview.py decides which comes next): the emergency question alone; the
warning-sign checklist; twitching, age and duration; then the questions that could still
change the advice or the most likely cause, until none could (the stop rule); then the
result. One tap answers and moves on; Back goes one screen back; the keyboard focus moves
to each new question's heading.
"""
from __future__ import annotations

import streamlit as st

from dashboard import state, ui
from dashboard.case import NOT_SURE, mildest, option_label, options
from dashboard.text import advice_line, progress_text, screen_heading, screen_lead, screen_note
from model import InputError
from model.interview import CORE, EMERGENCY_SCREEN, RESULT_SCREEN, WARNING_SCREEN, Interview, Screen
from model.text import result_text

S = st.session_state


def question(screen: Screen, iv: Interview, token: tuple) -> None:
    """One question: one button per answer plus Not sure (Not tested for a blood test)."""
    vocabulary = iv.ranker.vocabulary
    input_id = screen.inputs[0]
    spec = vocabulary.inputs[input_id]
    reopened = S["reopened"] or ()
    current = iv.answers.get(input_id, NOT_SURE if input_id in reopened else None)
    ui.heading(screen_heading(screen, vocabulary), f"q-{len(iv.done)}-{input_id}")
    st.markdown(screen_lead(screen, CORE))
    note = screen_note(screen, dict(iv.answers), vocabulary)
    if note:
        st.info(note, icon="\u2139\ufe0f")
    with st.container(key="answers"):
        for value in options(spec):
            chosen = value == current
            st.button(("\u2713 " if chosen else "") + option_label(spec, value), key=f"iv::{input_id}::{value}::{token[0]}",
                      type="primary" if chosen else "secondary", width="stretch", on_click=state.answer_screen,
                      args=(token, {input_id: None if value == NOT_SURE else value}))


def checklist(screen: Screen, iv: Interview, token: tuple) -> None:
    """Every warning sign on one screen, each with its own answers plus Not sure. Unselected
    counts as Not sure; 'None of these' gives every sign left unselected its mildest answer."""
    vocabulary = iv.ranker.vocabulary
    ui.heading(screen_heading(screen, vocabulary), f"q-{len(iv.done)}-warning-signs")
    st.markdown(screen_lead(screen, CORE))
    reopened = S["reopened"] or ()
    keys, chosen = {}, {}
    with st.container(key="checklist"):
        for input_id in screen.inputs:
            spec = vocabulary.inputs[input_id]
            opts = options(spec)
            before = iv.answers.get(input_id, NOT_SURE if input_id in reopened else None)
            keys[input_id] = key = f"ws::{input_id}::{token[0]}::{S['token']}"
            with st.container(key=f"ws_{input_id}"):
                chosen[input_id] = st.radio(spec.question, opts, index=None if before is None else opts.index(before),
                                            key=key, horizontal=True,
                                            format_func=lambda option, spec=spec: option_label(spec, option))
    mild = {i: mildest(vocabulary.inputs[i]) for i in screen.inputs}
    marked = any(v not in (None, NOT_SURE, mild[i]) for i, v in chosen.items())
    st.button("No to all the others" if marked else "None of these", key=f"ws::none::{token[0]}", type="primary",
              width="stretch", on_click=state.answer_checklist, args=(token, keys, mild))
    st.button("Continue (anything unanswered counts as Not sure)", key=f"ws::continue::{token[0]}", width="stretch",
              on_click=state.answer_checklist, args=(token, keys, None))


def so_far(iv: Interview, token: tuple) -> None:
    """After the warning signs and the first questions: the advice so far, and the result at once."""
    ranking = state.plain(state.digest(), state.overrides_key(), state.case_key())
    words = result_text(ranking, iv.ranker.vocabulary, asked=state.asked())
    with st.container(key="so_far", border=True):
        st.markdown(f"**So far:** {advice_line(words.advice)}")
        st.button("See my result now", key=f"iv::result_now::{token[0]}", width="stretch",
                  on_click=state.see_result_now, args=(token,))


def navigation(iv: Interview, token: tuple, result: bool) -> None:
    with st.container(horizontal=True, key="interview_nav"):
        st.button("Back", key=f"iv::back::{token[0]}", disabled=not iv.done and S["reopened"] is None
                  and S.get("early") is None, on_click=state.back, args=(token,))
        if result and S.get("early") is not None:
            st.button("Keep answering", key="iv::keep", type="primary", on_click=state.keep_answering)
        if result or iv.done:
            st.button("Start again", key="iv::restart", on_click=state.start_again)


def result(iv: Interview, screen: Screen) -> None:
    ranker = iv.ranker
    ranking = state.detailed(state.digest(), state.overrides_key(), state.case_key())
    words = result_text(ranking, ranker.vocabulary, asked=state.asked())
    ui.heading("Your result", f"result-{len(iv.done)}")
    ui.result_summary(ranking, words)
    if ranking.triage.level != "emergency":
        ui.what_if(ranking)
        st.markdown("**Likely causes**")
        ui.causes_chart(ranking)
    ui.downloads(ranking, ranker, dict(S.get("overrides", {})))
    st.page_link("dashboard/pages/questions.py", label="See and change all the questions")
    ui.disclaimer()


def main() -> None:
    st.set_page_config(layout="centered")
    try:
        ranker = state.ranker()
    except InputError:
        st.error("The model's numbers changed for this session no longer fit. Reset them on the For experts page.")
        return
    iv = state.interview(ranker)
    screen = state.screen()
    token = state.step_token()
    st.html('<h1 class="page-title">Why are my muscles twitching?</h1>')
    done, total = iv.progress
    show_result = screen.kind == RESULT_SCREEN or S.get("early") == token
    if not show_result:
        st.progress(min(1.0, done / total), text=progress_text(done, total))
    if show_result:
        result(iv, screen)
    elif screen.kind == WARNING_SCREEN:
        checklist(screen, iv, token)
    else:
        question(screen, iv, token)
        adaptive = screen.kind != EMERGENCY_SCREEN and not iv.warning_signs_open and screen.inputs[0] not in CORE
        if adaptive:
            so_far(iv, token)
    navigation(iv, token, show_result)
    if not show_result:
        ui.disclaimer()


main()
