"""twitch-causes dashboard: answer the questions, see the triage and the likely causes.

Reads top to bottom: load (the ranker, cached on the content of priors/), cached helpers,
then the layout, one function per section. Every computation lives in model/ and is
tested there; this file only lays things out. Run it with `make run`.
"""
from __future__ import annotations

import hashlib
import logging

import altair as alt
import pandas as pd
import streamlit as st

from dashboard.analyses import interval_rows, question_rows, tornado_rows
from dashboard.case import GROUPS, answers_from_case, case_from_answers, option_label, options
from dashboard.priors_view import (
    cause_sources,
    node_title,
    parameters_by_node,
    priors_rows,
    slider_bounds,
    slider_format,
    slider_step,
)
from dashboard.text import (
    BANNER,
    banner_text,
    cause_details,
    chance_heading,
    chance_sentence,
    chart_rows,
    comparison_rows,
    escape_markdown,
)
from model import InputError, Ranker, load_ranker
from model.analyses import explain, prepare, sensitivity
from model.priors import DEFAULT_PRIORS, apply_overrides, fingerprint, set_override
from model.readwrite import case_json, read_case
from model.text import (
    NOT_A_DIAGNOSIS,
    display_label,
    how_sure_line,
    load_guidance,
    markdown_report,
    network_dot,
    pdf_report,
    report_content,
    turning_points,
    what_if_lines,
)

st.set_page_config(page_title="twitch-causes: why are my muscles twitching?", layout="wide")
log = logging.getLogger("twitch_causes.app")

DISCLAIMER = (f"{NOT_A_DIAGNOSIS} Most twitching is harmless. If you are worried, or something new or "
              "different happens, see a doctor.")
EFFECT_SHOWN = 0.005  # answers that move a cause by at least half a percentage point are listed
PRIOR_KEY = "prior::"  # widget keys of the expert view's numbers
ABOUT_KEY = "about::"  # widget keys of the causes' sections (True while open)
TABS = ("Likely causes", "How sure is it?", "How the causes connect", "The numbers behind it (for experts)")
ASK_KEY = "ask::"  # widget keys of the one-click answers


# ----------------------------------------------------------------------------- load
@st.cache_resource(show_spinner=False, max_entries=4)
def base_ranker(digest: str) -> Ranker:
    """The ranker for this content of priors/ (the key), what-if networks compiled at start-up."""
    ranker = load_ranker(DEFAULT_PRIORS)
    prepare(ranker)
    return ranker


# ----------------------------------------------------------------------------- cached helpers
@st.cache_data(show_spinner=False, max_entries=256)
def detailed_ranking(digest: str, overrides: tuple, case: tuple):
    """The ranking with its analyses (intervals, what-if, next questions), once per answers."""
    return base_ranker(digest).with_overrides(dict(overrides)).rank(dict(case), detail=True)


@st.cache_data(show_spinner=False, max_entries=64)
def sensitivity_entries(digest: str, overrides: tuple, case: tuple) -> list:
    """Which single number, moved within its range, would change the top cause or the advice."""
    return sensitivity(base_ranker(digest).with_overrides(dict(overrides)), dict(case))


@st.cache_data(show_spinner=False, max_entries=64)
def priors_table(digest: str, overrides: tuple) -> pd.DataFrame:
    """Every hand-set number with its rationale and source, and the value in use now."""
    priors = base_ranker(digest).priors
    return pd.DataFrame(priors_rows(priors, apply_overrides(priors, dict(overrides))))


@st.cache_data(show_spinner=False)
def bar_chart_spec(rows: int) -> dict:
    """The ranked-causes chart as Vega-Lite, authored with Altair once: horizontal bars, highest
    first, with the numbers beside them. The data is handed over on each run, so the browser
    only updates the bars."""
    empty = pd.DataFrame({"rank": pd.Series(dtype=int), "cause": pd.Series(dtype=str),
                          "probability": pd.Series(dtype=float), "shown": pd.Series(dtype=str),
                          "low": pd.Series(dtype=float), "high": pd.Series(dtype=float)})
    base = alt.Chart(empty).encode(
        y=alt.Y("cause:N", sort=alt.EncodingSortField("rank", order="ascending"), title=None,
                axis=alt.Axis(labelLimit=360)),
        x=alt.X("probability:Q", title="Chance that it is contributing", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("cause:N", title="Cause"), alt.Tooltip("shown:N", title="Chance")])
    bars = base.mark_bar(color="#4c78a8")
    whiskers = base.mark_rule(color="#1f2937").encode(x="low:Q", x2="high:Q")  # 90% interval over the priors
    numbers = base.mark_text(align="left", dx=4, color="#374151").encode(x="high:Q", text="shown:N")
    spec = (bars + whiskers + numbers).properties(height=26 * rows + 20).to_dict()
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


# ----------------------------------------------------------------------------- callbacks
def _load_uploaded_case(vocabulary) -> None:
    """Fill the questions from an uploaded JSON case; a bad file leaves the answers as they were."""
    upload = st.session_state.get("case_file")
    if upload is None:
        st.session_state["case_message"] = None
        return
    try:
        case = read_case(upload.getvalue(), vocabulary, upload.name)
    except InputError as exc:
        st.session_state["case_message"] = ("error", (
            f"Could not load answers from this file: {escape_markdown(exc)}. Your answers were not changed; "
            '"Save my answers" writes a file in the right format.'))
        return
    except Exception:  # never a traceback, even for a file nobody foresaw
        log.exception("case upload")
        st.session_state["case_message"] = ("error", "Could not read this file. Your answers were not changed; "
                                                     '"Save my answers" writes a file in the right format.')
        return
    for input_id, value in answers_from_case(case, vocabulary).items():
        st.session_state[input_id] = value
    st.session_state["case_message"] = ("success", f"Loaded {len(case)} answers; the other questions are set to "
                                                   "Not sure.")


def _answer(input_id: str, state: str) -> None:
    """A one-click answer from 'Answering this would help most'."""
    st.session_state[input_id] = state


def _set_prior(priors, parameter_id: str) -> None:
    """Apply one expert-view number for this session, or refuse it with a message."""
    key = PRIOR_KEY + parameter_id
    overrides = st.session_state.get("overrides", {})
    try:
        new, dropped = set_override(priors, overrides, parameter_id, st.session_state[key])
    except Exception as exc:  # refused (InputError) or unforeseen: undo the move, say why, no traceback
        if not isinstance(exc, InputError):
            log.exception("prior override")
        st.session_state[key] = overrides.get(parameter_id, priors.parameter(parameter_id).value)
        reason = str(exc) if isinstance(exc, InputError) else "the model could not be rebuilt with it"
        st.session_state["priors_message"] = f"That change was not applied: {reason}."
        return
    for other in dropped:
        st.session_state.pop(PRIOR_KEY + other, None)
    st.session_state["overrides"] = new
    st.session_state["priors_message"] = None


def _remember_prior_node() -> None:
    st.session_state["prior_node_chosen"] = st.session_state["prior_node"]


def _reset_priors() -> None:
    """Back to the numbers in the files."""
    st.session_state["overrides"] = {}
    st.session_state["priors_message"] = None
    for key in [k for k in st.session_state if str(k).startswith(PRIOR_KEY)]:
        del st.session_state[key]


# ----------------------------------------------------------------------------- sections
def questions(vocabulary) -> dict[str, str]:
    """The questionnaire in the sidebar, grouped as in the vocabulary; returns the case."""
    with st.sidebar:
        st.header("Your answers")
        st.caption("Answer what you know. \"Not sure\" is treated as unknown, never as no. "
                   "The results update as you answer.")
        with st.expander("Load or save your answers"):
            st.file_uploader("Load answers from a JSON file", type=["json"], key="case_file", max_upload_size=1,
                             on_change=_load_uploaded_case, args=(vocabulary,))
            save_slot = st.empty()
        message = st.session_state.get("case_message")
        if message:
            (st.error if message[0] == "error" else st.success)(message[1])
        answers = {}
        for group, title in GROUPS:
            st.subheader(title)
            for spec in vocabulary.group(group):
                answers[spec.id] = st.selectbox(spec.question, options(spec), key=spec.id,
                                                format_func=lambda option, spec=spec: option_label(spec, option))
        case = case_from_answers(answers)
        save_slot.download_button("Save my answers (JSON)", case_json(case), file_name="twitch-causes-answers.json",
                                  mime="application/json", on_click="ignore", key="save_answers")
    return case


def triage_section(ranking, vocabulary) -> None:
    """The triage banner in its level's colour, the reasons, and the high-priority chance with its base rate."""
    with st.container(key="triage"):
        getattr(st, BANNER[ranking.triage.level])(banner_text(ranking, vocabulary))
        st.markdown(f"**{chance_heading(ranking)}**  \n{chance_sentence(ranking, vocabulary)}")
    st.caption(DISCLAIMER)


def downloads_section(ranking, ranker, overrides: dict) -> None:
    """The result as JSON (the rank() shape) and a short report to take to a doctor."""
    with st.container(horizontal=True):
        st.download_button("Download the result (JSON)", ranking.to_json(), file_name="twitch-causes-result.json",
                           mime="application/json", on_click="ignore", key="download_json")
        content = report_content(ranking, ranker.vocabulary)
        used = {pid: (ranker.priors.parameter(pid).value, value) for pid, value in overrides.items()}
        st.download_button("Download a report for your doctor (PDF)", pdf_report(content),
                           file_name="twitch-causes-report.pdf", mime="application/pdf", on_click="ignore",
                           key="download_pdf")
        st.download_button("Download the report as text (Markdown)", markdown_report(content, used),
                           file_name="twitch-causes-report.md", mime="text/markdown", on_click="ignore",
                           key="download_report")
    if overrides:
        changed = "1 of the model's numbers is" if len(overrides) == 1 else f"{len(overrides)} of the model's numbers are"
        st.info(f"{changed} changed for this session (see the experts' tab); the results and downloads use "
                "the changed numbers.")


def causes_section(ranking, ranker) -> None:
    """The ranked causes: a bar chart, then for each cause what it is, what moved it, what to try, and sources."""
    rows = chart_rows(ranking)
    whisker = {r["id"]: r for r in interval_rows(ranking)}
    for row in rows:
        row["low"], row["high"] = whisker[row["id"]]["low"], whisker[row["id"]]["high"]
    st.markdown(how_sure_line(ranking.detail.how_sure, ranker.priors.causes))
    st.vega_lite_chart(pd.DataFrame(rows), bar_chart_spec(len(rows)), width="stretch")
    st.caption("Several causes can act at once, so the chances need not add up to 100%. The thin lines span "
               "the middle 90% of the chance over 1,000 plausible settings of the model's hand-set numbers.")
    lines = what_if_lines(ranking.detail.what_if)
    if lines:
        st.markdown("**If you change one trigger** (everything else you said staying the same)\n\n"
                    + "\n".join(f"- {line}" for line in lines))
    why = explain(ranker, ranking.evidence)  # one batched inference for every answer and cause
    guidance = load_guidance(ranker.causes)
    vocabulary = ranker.vocabulary
    with st.container(key="ranked_causes"):
        for row in rows:
            # Keyed on the cause and labelled by its name only, so an open section stays open as the
            # numbers change; its content is computed only while it is open.
            section = st.expander(row["cause"], key=ABOUT_KEY + row["id"], on_change="rerun")
            if section.open:
                with section:
                    effects = why.for_cause(row["id"], at_least=EFFECT_SHOWN)
                    st.markdown(f"**{row['shown']}** chance that it is contributing (rank {row['rank']} of "
                                f"{len(rows)}).\n\n"
                                + cause_details(guidance[row["id"]], effects, vocabulary, bool(ranking.evidence)))
                    st.caption("**Where the numbers come from**\n\n"
                               + "\n".join(f"- {source}" for source in cause_sources(ranker.priors, row["id"])))


def help_most_section(ranking, vocabulary) -> None:
    """The three unanswered questions that would tell the most, each answerable in one click."""
    rows = question_rows(ranking.detail.next_questions, vocabulary)
    if not rows:
        return
    with st.container(key="help_most", border=True):
        st.markdown("**Answering this would help most**")
        for row in rows:
            st.markdown(row["question"])
            with st.container(horizontal=True):
                for state, label in row["answers"]:
                    st.button(label, key=f"{ASK_KEY}{row['input']}::{state}", on_click=_answer,
                              args=(row["input"], state))


def robustness_section(digest: str, overrides: dict, ranking, ranker) -> None:
    """How the answer depends on the hand-set numbers: the how-sure summary, the turning
    points, and a tornado chart of the numbers that move the top cause most."""
    st.markdown(how_sure_line(ranking.detail.how_sure, ranker.priors.causes))
    entries = sensitivity_entries(digest, tuple(sorted(overrides.items())), tuple(sorted(ranking.evidence.items())))
    points = turning_points(entries, ranker.priors.causes)
    if points:
        st.markdown("**Numbers that would change the answer on their own**\n\n" + "\n".join(f"- {p}" for p in points))
    else:
        st.markdown("No single hand-set number, moved anywhere within its range, changes the top cause or the advice.")
    rows = tornado_rows(entries)
    top = display_label(ranker.priors.causes[ranking.causes[0].id])
    chart = alt.Chart(pd.DataFrame(rows)).mark_bar(color="#4c78a8").encode(
        y=alt.Y("prior:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("low:Q", title=f"Chance of '{top}' with the number at the low and the high end of its range",
                axis=alt.Axis(format="%")),
        x2="high:Q", color=alt.Color("changes:N", title=None),
        tooltip=["prior", "range", alt.Tooltip("low:Q", format=".1%"), alt.Tooltip("high:Q", format=".1%")])
    rule = alt.Chart(pd.DataFrame({"p": [ranking.causes[0].probability]})).mark_rule(color="black").encode(x="p:Q")
    st.altair_chart((chart + rule).properties(height=24 * len(rows) + 40), width="stretch")
    st.caption("Each bar moves one number across its range with all the others at their values (a tornado chart); "
               "the black line is the chance with the numbers in the files.")


def network_section(ranking, ranker) -> None:
    """The network's nodes and arrows, with the answers and the leading causes highlighted."""
    dot = network_dot(ranker, ranking)
    st.caption("Left: your background and possible triggers. Middle: the possible causes, with their chances. "
               "Right: symptoms and blood tests. Arrows run from what can cause something to what it causes. "
               "Blue: your answers. Yellow: the three leading causes.")
    fresh_graphviz_chart(dot)


def fresh_graphviz_chart(dot: str) -> None:
    """A Graphviz chart drawn as a new element whenever the picture changes.

    The browser updates an existing chart by morphing every shape, which takes seconds
    for this network, while a new chart is laid out in a fraction of that. So the chart
    alternates between two slots when its DOT changes, and React mounts it afresh.
    """
    slots = (st.empty(), st.empty())
    digest = hashlib.sha256(dot.encode()).hexdigest()
    last_digest, last_slot = st.session_state.get("network_slot", (None, 0))
    slot = last_slot if digest == last_digest else 1 - last_slot
    st.session_state["network_slot"] = (digest, slot)
    slots[slot].graphviz_chart(dot, width="stretch")


def priors_section(digest: str, base: Ranker, ranking, overrides: dict) -> None:
    """Every hand-set number with its rationale and source, adjustable for this session only."""
    priors = base.priors
    st.markdown("Every number in the model was set by hand from a source or by stated judgement. Move one to "
                "see how the ranking responds. Changes last for this session only; the files in `priors/` are "
                "never changed. For a distribution (shares that add up to 1), the other shares are rescaled.")
    message = st.session_state.get("priors_message")
    if message:
        st.error(message)
    st.button("Reset every number to the files' values", key="reset_priors", on_click=_reset_priors)
    rows = comparison_rows(base.rank(ranking.evidence), ranking)
    with st.expander("The ranking with your changes", expanded=bool(overrides)):
        st.dataframe(pd.DataFrame(rows).drop(columns=["id", "probability"]), hide_index=True)
    groups = parameters_by_node(priors)
    if "prior_node" not in st.session_state:  # the widget forgets while its tab is closed; this does not
        st.session_state["prior_node"] = st.session_state.get("prior_node_chosen", next(iter(groups)))
    node = st.selectbox("Numbers for", list(groups), key="prior_node", on_change=_remember_prior_node,
                        format_func=lambda n: f"{node_title(priors, n)} ({len(groups[n])})")
    in_use = apply_overrides(priors, overrides)
    for param in groups[node]:
        key = PRIOR_KEY + param.id
        if key not in st.session_state:
            st.session_state[key] = overrides.get(param.id, param.value)
        low, high = slider_bounds(param)
        st.slider(param.id, low, high, step=slider_step(param), format=slider_format(param), key=key,
                  on_change=_set_prior, args=(priors, param.id))
        used = in_use[priors.index(param.id)]
        note = f" In use now: {used:.4g}." if abs(used - st.session_state[key]) > 1e-9 else ""
        st.caption(f"{'Judgement' if param.judgement else 'Sourced'}; in the file: {param.value:g}.{note} "
                   f"{param.rationale} Source: {param.source}")
    st.markdown("**All the numbers**")
    st.dataframe(priors_table(digest, tuple(sorted(overrides.items()))), hide_index=True, height=360)


# ----------------------------------------------------------------------------- layout
def main() -> None:
    digest = fingerprint(DEFAULT_PRIORS)
    base = base_ranker(digest)
    vocabulary = base.vocabulary
    case = questions(vocabulary)
    overrides = st.session_state.setdefault("overrides", {})
    st.title("Why are my muscles twitching?")
    try:
        ranker = base.with_overrides(overrides)
        ranking = detailed_ranking(digest, tuple(sorted(overrides.items())), tuple(sorted(case.items())))
    except InputError as exc:
        st.error(f"These answers cannot be ranked: {escape_markdown(exc)}. Change an answer or, if you changed "
                 "the model's numbers, reset them with the button below.")
        st.button("Reset every number to the files' values", key="reset_priors", on_click=_reset_priors)
        return
    triage_section(ranking, vocabulary)
    help_most_section(ranking, vocabulary)
    downloads_section(ranking, ranker, overrides)
    # Only the open tab is computed and sent.
    sections = (lambda: causes_section(ranking, ranker),
                lambda: robustness_section(digest, overrides, ranking, ranker),
                lambda: network_section(ranking, ranker),
                lambda: priors_section(digest, base, ranking, overrides))
    for tab, section in zip(st.tabs(TABS, key="view", on_change="rerun"), sections, strict=True):
        if tab.open:
            with tab:
                section()


try:
    main()
except Exception:  # never a traceback on the page: say what happened and what to do
    log.exception("dashboard error")
    st.error("Something went wrong while showing the results. Please reload the page; your answers can be saved "
             "and loaded again from the sidebar. If it keeps happening, please report it with the answers you gave.")
