"""The diary: one entry a day on this computer, what it shows about this person's own
triggers, and a fair self-experiment. A thin view over model.diary (dashboard/diary.py
holds its state and callbacks); nothing is written before "Start a diary"."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from dashboard import diary as d
from dashboard import state, ui
from dashboard.charts import strengths_chart, timeline_chart
from dashboard.text import (
    advice_heading,
    banner_kind,
    strength_rows,
    strength_table,
    strengths_summary,
    timeline_rows,
    timeline_summary,
)
from model import InputError
from model.formatting import day_words, percent
from model.text import ADVICE, experiment_lines, weekly_timeline

S = st.session_state
TIMELINE_DAYS = 84  # the chart: the latest twelve weeks (the table below it has the weeks in words)


def intro() -> None:
    """Before a diary exists: what it is, where it would be kept, and the one button that starts it."""
    st.markdown("A diary lets you log a few answers each day: whether you had twitching, the everyday "
                "triggers, and the warning signs. After some weeks it shows which triggers matter for "
                "**you**, whether the twitching persists although you cut back, and it can plan a fair test "
                "of one trigger.")
    st.markdown(f"It is kept only on this computer, in one private file (`{d.path()}`). Nothing is stored "
                "until you press the button, and you can export or delete it at any time.")
    st.button("Start a diary", key="diary::start", type="primary", on_click=d.start)


def triage(view: d.DiaryView) -> None:
    """What the diary shows, first and calmly: a warning sign on any day, twitching that persists."""
    advice = ADVICE[view.triage.level]
    with st.container(key="diary_triage"):
        if view.triage.level == "self_care":
            lines = ["**Nothing in your diary so far needs a doctor.**", "",
                     "If something new or different happens, or you are worried, see a doctor."]
        else:
            lines = [f"**{advice_heading(advice)}**", "", *(f"- {r}" for r in view.triage.reasons)]
        getattr(st, banner_kind(advice))("\n".join(lines), icon=advice.symbol)
        if view.triage.level == "self_care" and view.triage.reasons:
            st.markdown("\n".join(f"- {r}" for r in view.triage.reasons))


def entry_form(view: d.DiaryView, vocabulary) -> None:
    """The day's entry: the date (today), then one tap per answer that changed since the day before."""
    today = date.today()
    st.header("Log a day")
    day = st.date_input("Day", value=today, max_value=today, key="diary_day", format="YYYY-MM-DD")
    day = day if isinstance(day, date) else today
    sections = d.form_inputs(vocabulary)
    inputs = tuple(i for ids in sections.values() for i in ids)
    filled, source = d.prefill(view.entries, day, inputs)
    if source == day:
        st.caption(f"{day_words(day)} is logged already: change what is different and save again.")
    elif source is not None:
        st.caption(f"Filled in from {day_words(source)}: tap only what is different, then save. "
                   "Tap a chosen answer again to leave it blank.")
    else:
        st.caption("Tap the answers that fit this day, then save. A question left blank is unknown, not No.")
    with st.container(key="diary_entry"):
        for title, ids in sections.items():
            if title != "Twitching":
                st.markdown(f"**{title}**")
            for input_id in ids:
                spec = vocabulary.inputs[input_id]
                st.pills(spec.question, list(spec.states), default=filled.get(input_id),
                         format_func=spec.label_of, key=d.widget_key(input_id, day))
        st.button(f"Save {day_words(day, year=False)}", key="diary::save", type="primary", width="stretch",
                  on_click=d.save_day, args=(day, inputs))


def message() -> None:
    shown = S.pop("diary_message", None)
    if shown:
        kind, text = shown
        (st.success if kind == "success" else st.error)(text)


def timeline(view: d.DiaryView, vocabulary) -> None:
    st.header("Your days")
    if not view.entries:
        st.markdown("No days logged yet.")
        return
    first, last = view.entries[0][0], view.entries[-1][0]
    st.markdown(f"{len(view.entries)} day{'s' if len(view.entries) != 1 else ''} logged, from {day_words(first)} "
                f"to {day_words(last)}. Days not logged stay blank.")
    recent = [(day, case) for day, case in view.entries if day > last - timedelta(days=TIMELINE_DAYS)]
    rows = timeline_rows(recent, vocabulary)
    with st.container(key="diary_timeline"):
        st.altair_chart(timeline_chart(rows), width="stretch", alt=timeline_summary(recent, vocabulary))
        with st.expander("The timeline in words, week by week", key="diary_weeks"):
            st.markdown("\n".join(f"- {line}" for line in weekly_timeline(view.entries, vocabulary)))


def strengths(view: d.DiaryView, vocabulary, ranker) -> None:
    st.header("Your triggers against most people's")
    rows = strength_rows(view.learned, vocabulary, ranker.priors.causes)
    if not rows:
        st.markdown("Once you have logged days with a trigger, its strength for you shows here.")
        return
    st.markdown("How strongly each trigger you logged brings on its cause, for you and for most people. "
                "With few days, yours stays close to most people's.")
    with st.container(key="diary_strengths"):
        st.altair_chart(strengths_chart(rows), width="stretch", alt=strengths_summary(rows))
        st.caption("Bar: yours; its line: the 90% interval; black tick: most people.")
        with st.expander("The same as a table", key="diary_strengths_table"):
            st.table(pd.DataFrame(strength_table(rows)), hide_index=True,
                     alt="Your trigger strengths against most people's")
    for warning in view.learned.learned.warnings:
        st.info(warning, icon="\u2139\ufe0f")
    if view.latest_ranking is not None:
        top = view.latest_ranking.causes[0]
        st.markdown(f"Your latest day, with your own strengths: most likely **{top.label}** "
                    f"({percent(top.probability)}).")


def experiment(view: d.DiaryView, vocabulary) -> None:
    st.header("A fair test of one trigger")
    with st.container(key="diary_experiment"):
        latest = view.latest
        if latest is not None and latest[0].ended is None:
            exp, result = latest
            plan = exp.plan
            schedule = plan["schedule"]
            start, end = date.fromisoformat(schedule[0]["from"]), date.fromisoformat(schedule[-1]["to"])
            total = (end - start).days + 1
            elapsed = min(max((date.today() - start).days + 1, 0), total)
            st.progress(elapsed / total, text=f"Day {elapsed} of {total}" if not result.complete else "Done")
            now = next((p for p in schedule if p["from"] <= date.today().isoformat() <= p["to"]), None)
            if now is not None:
                spec = vocabulary.inputs[plan["input"]]
                st.markdown(f"**Today:** {spec.question}: {spec.label_of(now['state'])} "
                            f"(a day {now['phase']} the trigger, until {day_words(date.fromisoformat(now['to']), False)}).")
            st.markdown("\n".join(f"- {line}" for line in experiment_lines(exp, result)))
            st.button("Close this experiment" if result.complete else "Stop this experiment",
                      key="diary::end_experiment", on_click=d.end_experiment, args=(exp.id,))
            return
        if view.proposal is None:
            st.markdown("Log a few days with your usual triggers first: the diary then suggests the one worth testing.")
        else:
            plan = view.proposal
            spec = vocabulary.inputs[plan["input"]]
            st.markdown(f"Worth testing: **{spec.question}: {spec.label_of(plan['state'])}**, the trigger whose "
                        "answer would change your ranking the most.")
            st.markdown("\n".join(
                f"- {day_words(date.fromisoformat(p['from']), False)} to {day_words(date.fromisoformat(p['to']), False)}: "
                f"{spec.question}: {spec.label_of(p['state'])}" for p in plan["schedule"]))
            st.markdown(f"The rule, fixed before the first day: {plan['rule']['text']}")
            st.button("Start this experiment", key="diary::start_experiment", on_click=d.start_experiment,
                      args=(plan,))
        if latest is not None:
            with st.expander("The last experiment", key="diary_last_experiment"):
                st.markdown("\n".join(f"- {line}" for line in experiment_lines(*latest)))


def keep_or_delete(view: d.DiaryView) -> None:
    st.header("Take it with you, or delete it")
    with st.container(horizontal=True, key="diary_exports"):
        st.download_button("Export the diary (CSV)", view.csv, file_name="twitch-diary.csv", mime="text/csv",
                           on_click="ignore", key="diary::csv")
        st.download_button("Export the diary (JSON)", view.json, file_name="twitch-diary.json",
                           mime="application/json", on_click="ignore", key="diary::json")
    st.caption("The report for your doctor (on the result pages) includes the diary's timeline, your own triggers "
               "and what was tried.")
    if not S.get("diary_confirm_delete"):
        st.button("Delete my diary", key="diary::delete", on_click=d.ask_delete, args=(True,))
        return
    with st.container(key="diary_confirm", border=True):
        st.warning(f"This removes the diary file from this computer ({len(view.entries)} days). It cannot be undone; "
                   "export it first if you want to keep a copy.", icon="\u26a0\ufe0f")
        with st.container(horizontal=True):
            st.button("Yes, delete my diary", key="diary::delete_yes", type="primary", on_click=d.delete)
            st.button("Keep it", key="diary::delete_no", on_click=d.ask_delete, args=(False,))


def main() -> None:
    st.set_page_config(layout="centered")
    st.html('<h1 class="page-title">My twitch diary</h1>')
    message()
    ranker = state.base_ranker(state.digest())
    if not d.exists():
        intro()
        ui.disclaimer()
        return
    try:
        view = d.view()
    except InputError as exc:
        st.error(f"The diary could not be read: {exc}.")
        return
    triage(view)
    entry_form(view, ranker.vocabulary)
    timeline(view, ranker.vocabulary)
    strengths(view, ranker.vocabulary, ranker)
    experiment(view, ranker.vocabulary)
    keep_or_delete(view)
    ui.disclaimer()


main()
