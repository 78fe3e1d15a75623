"""The pieces the pages are made of: the result, its chart and table, the downloads, the
one-click suggestions, the full form, and the focus that moves after an answer.

Only layout here: the words come from model.text and dashboard.text, the numbers from the
ranking, the state changes from dashboard.state.
"""
from __future__ import annotations

import html
import json

import pandas as pd
import streamlit as st

from model import Ranker, Ranking
from model.analyses import explain
from model.readwrite import case_json
from model.text import (
    NOT_A_DIAGNOSIS,
    ResultText,
    load_guidance,
    markdown_report,
    pdf_report,
    report_content,
    what_if_lines,
)
from model.triage import PROMPT, RULES

from . import diary, state
from .analyses import suggestion_rows
from .case import GROUPS, NOT_SURE, mildest, option_label, options
from .charts import ranked_chart
from .priors_view import cause_sources
from .text import banner_body, banner_kind, cause_details, chart_rows, chart_summary, leading_sentence, table_rows

DISCLAIMER = (f"{NOT_A_DIAGNOSIS} Most twitching is harmless. If you are worried, or something new or "
              "different happens, see a doctor.")
EFFECT_SHOWN = 0.005  # answers that move a cause by at least half a percentage point are listed
ABOUT_KEY = "about::"  # keys of the causes' sections (True while open)
WARNING_INPUTS = tuple(dict.fromkeys(r.input for r in RULES if r.level == PROMPT))

# Touch targets of 44 px or more, answer text that wraps instead of being cut, captions at
# full contrast, and the network picture swapped for its list on small screens.
STYLE = """<style>
.stButton button, .stDownloadButton button, .stFormSubmitButton button, [data-testid="stPageLink"] a,
[data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"] { min-height: 44px; }
.stButton button p, .stDownloadButton button p { white-space: normal; text-align: left; overflow-wrap: anywhere; }
[data-testid="stRadio"] label { min-height: 44px; align-items: center; padding-right: 0.5rem; }
[data-testid="stRadio"] label p { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stExpander"] summary { min-height: 44px; }
button[role="tab"] { min-height: 44px; }
[data-testid="stTabsScrollLeft"], [data-testid="stTabsScrollRight"] { min-height: 44px; min-width: 44px; }
[data-baseweb="select"] > div { min-height: 44px; }
[data-testid="stTopNavLink"], [data-testid="stSidebarNavLink"] { min-height: 44px; display: flex; align-items: center; }
[data-testid="stFileUploaderDropzone"] button { min-height: 44px; }
[data-testid="stButtonGroup"] button { min-height: 44px; height: auto; max-width: 100%; }
[data-testid="stButtonGroup"] button p { white-space: normal; overflow-wrap: anywhere; text-align: left; }
[data-testid="stDateInput"] [role="spinbutton"] { display: inline-flex; align-items: center; justify-content: center;
  min-width: 24px; min-height: 44px; }
[data-testid="stDateInputCalendarButton"] { min-height: 44px; min-width: 44px; }
[data-testid="stTable"] table { width: 100%; table-layout: auto; }
[data-testid="stTable"] div:has(> table) { overflow: visible; }
[data-testid="stTable"] th, [data-testid="stTable"] td { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stBaseButton-elementToolbar"] { min-height: 44px; min-width: 44px; }
[data-testid="stCaptionContainer"] { opacity: 1; color: #374151; }
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
.st-key-checklist [data-testid="stWidgetLabel"] p, .st-key-all_questions [data-testid="stWidgetLabel"] p {
  font-size: 1rem; font-weight: 600; }
h1.page-title { font-size: 1.35rem; line-height: 1.3; margin: 0; padding: 0.25rem 0 0 0; font-weight: 700; }
.st-key-pages_nav a { min-height: 44px; display: flex; align-items: center; }
h2.question { font-size: 1.5rem; line-height: 1.3; margin: 0.25rem 0 0.25rem 0; padding: 0; font-weight: 600; }
h2.question:focus { outline: 3px solid #1d4ed8; outline-offset: 4px; }
@media (max-width: 640px) { .st-key-network_picture { display: none; } }
</style>"""


def style() -> None:
    st.html(STYLE)  # style only: it takes no space on the page


def heading(text: str, anchor: str, level: int = 2) -> None:
    """A heading the keyboard focus moves to when the screen has just changed (after an answer,
    Back or a new start), so that a screen reader reads the new question and Tab goes on from it."""
    focus = bool(state.S.pop("focus", False))
    script = "" if not focus else f"""<script>(() => {{ let n = 0; const t = setInterval(() => {{
      const el = document.getElementById({json.dumps(anchor)});
      if (el && el.offsetParent !== null) {{ el.focus({{preventScroll: false}}); el.scrollIntoView({{block: "start"}});
        clearInterval(t); }} else if (++n > 150) clearInterval(t); }}, 20); }})();</script>"""
    st.html(f'<h{level} id="{html.escape(anchor)}" class="question" tabindex="-1">{html.escape(text)}</h{level}>'
            f"{script}", unsafe_allow_javascript=focus)


# ----------------------------------------------------------------------------- the result
def banner(words: ResultText) -> None:
    """What to do and how soon, first: the symbol and the level in words, then the reasons."""
    alert = getattr(st, banner_kind(words.advice))
    with st.container(key="triage"):
        alert(banner_body(words), icon=words.advice.symbol)


def result_summary(ranking: Ranking, words: ResultText) -> None:
    """The result in reading order: for an urgent pattern what to do, then the serious cause,
    then the everyday ones; for a benign one the likely cause first, then the serious
    condition's frequency beside the base rate for the person's age."""
    banner(words)
    if ranking.triage.level == "emergency":
        return
    with st.container(key="result_words"):
        if words.serious_first:
            st.markdown(words.serious)
            if words.leading:
                st.markdown("Other possible causes: " + ", ".join(words.leading) + ".")
        else:
            st.markdown(leading_sentence(words))
            st.markdown(words.serious)
    for line in words.contradictions:
        st.info(line, icon="\u2139\ufe0f")


def what_if(ranking: Ranking) -> None:
    lines = what_if_lines(ranking.detail.what_if) if ranking.detail is not None else []
    if lines:
        with st.container(key="what_if"):
            st.markdown("**If you change one trigger** (everything else you said staying the same)\n\n"
                        + "\n".join(f"- {line}" for line in lines))


def causes_chart(ranking: Ranking) -> None:
    """Every cause as a bar, with the same rows as a table for screen readers and small screens."""
    rows = chart_rows(ranking)
    with st.container(key="causes_chart"):
        st.altair_chart(ranked_chart(rows), width="stretch", alt=chart_summary(rows))
        st.caption("Several causes can act at once, so the chances need not add up to 100%. The thin lines span "
                   "the middle 90% of the chance over 1,000 plausible settings of the model's hand-set numbers.")
        with st.expander("The chart as a table", key="chart_table"):
            st.table(pd.DataFrame(table_rows(rows)), hide_index=True, alt="The likely causes, highest first")


def cause_sections(ranking: Ranking, ranker: Ranker) -> None:
    """One section per cause: what it is, what moved it, what to try, and the sources."""
    vocabulary = ranker.vocabulary
    guidance = load_guidance(ranker.causes)
    why = None
    with st.container(key="ranked_causes"):
        for row in chart_rows(ranking):
            # Keyed on the cause and labelled by its name only, so an open section stays open as the
            # numbers change; its content is computed only while it is open.
            section = st.expander(row["cause"], key=ABOUT_KEY + row["id"], on_change="rerun")
            if not section.open:
                continue
            why = why or explain(ranker, ranking.evidence)  # one batched inference for every answer and cause
            with section:
                effects = why.for_cause(row["id"], at_least=EFFECT_SHOWN)
                st.markdown(f"**{row['shown']}** chance that it is contributing (rank {row['rank']} of "
                            f"{len(ranking.causes)}).\n\n"
                            + cause_details(guidance[row["id"]], effects, vocabulary, bool(ranking.evidence)))
                st.caption("**Where the numbers come from**\n\n"
                           + "\n".join(f"- {source}" for source in cause_sources(ranker.priors, row["id"])))


def downloads(ranking: Ranking, ranker: Ranker, overrides: dict) -> None:
    """A one-page A4 PDF to show a doctor; the same as Markdown, the result as JSON, the answers.
    With a diary on this computer the report adds its sections (model.text.diary_sections, as
    `report --diary` does), unless the person leaves them out."""
    extra = diary.report_sections()
    if extra and not st.toggle("Add my diary to the report (its timeline, my own triggers, what I tried)",
                               value=True, key="report_diary"):
        extra = ()
    content = report_content(ranking, ranker.vocabulary, extra=extra)
    priors = ranker.priors  # the session's: its values are the numbers in use
    files = {k: (float(priors.file_values[priors.index(k)]), float(priors.values[priors.index(k)])) for k in overrides}
    with st.container(key="downloads"):
        st.download_button("Download a one-page report for your doctor (PDF)", pdf_report(content),
                           file_name="twitch-causes-report.pdf", mime="application/pdf", on_click="ignore",
                           key="download_pdf", type="primary", width="stretch")
        with st.container(horizontal=True):
            st.download_button("The report as text (Markdown)", markdown_report(content, files),
                               file_name="twitch-causes-report.md", mime="text/markdown", on_click="ignore",
                               key="download_report")
            st.download_button("The result as data (JSON)", ranking.to_json(), file_name="twitch-causes-result.json",
                               mime="application/json", on_click="ignore", key="download_json")
            st.download_button("Save my answers (JSON)", case_json(ranking.evidence),
                               file_name="twitch-causes-answers.json", mime="application/json", on_click="ignore",
                               key="save_answers")
    if overrides:
        changed = ("1 of the model's numbers is" if len(overrides) == 1
                   else f"{len(overrides)} of the model's numbers are")
        st.info(f"{changed} changed for this session (see For experts); the results and downloads use the "
                "changed numbers.")


def disclaimer() -> None:
    st.caption(DISCLAIMER)


# ----------------------------------------------------------------------------- the full form
def suggestions(vocabulary) -> None:
    """'Answering this would help most': the next questions the interview would put (warning
    signs first), each answerable in one click; and 'None of these' for the open warning signs."""
    upcoming = state.upcoming(3)
    if not upcoming:
        return
    with st.container(key="help_most", border=True):
        st.markdown("**Answering this would help most**")
        open_signs = [i for i in WARNING_INPUTS if i not in state.answers() and i not in state.asked()]
        if len(open_signs) > 1 and set(upcoming) & set(open_signs):
            shorts = [r.short for r in RULES if r.level == PROMPT and r.input in open_signs]
            st.markdown("Warning signs not answered yet: " + "; ".join(shorts) + ".")
            st.button("None of these warning signs applies to me", key="ask::none_of_these", type="primary",
                      on_click=state.none_of_these,
                      args=(tuple(open_signs), {i: mildest(vocabulary.inputs[i]) for i in open_signs}))
        for row in suggestion_rows(upcoming, vocabulary):
            st.markdown(row["question"])
            with st.container(horizontal=True):
                for value, label in row["answers"]:
                    st.button(label, key=f"ask::{row['input']}::{value}", on_click=state.one_click,
                              args=(row["input"], value))


def questions_form(vocabulary) -> None:
    """Every question, grouped as in the vocabulary, labelled by its question; one tap per answer."""
    answers = state.answers()
    with st.container(key="all_questions"):
        _form(vocabulary, answers)


def _form(vocabulary, answers: dict) -> None:
    for group, title in GROUPS:
        st.subheader(title)
        specs = vocabulary.group(group)
        columns = st.columns(3)
        for k, spec in enumerate(specs):
            opts, key = options(spec), state.widget_key("form::", spec.id)
            with columns[k % 3], st.container(key=f"q_{spec.id}"):
                st.radio(spec.question, opts, index=opts.index(answers.get(spec.id, NOT_SURE)), key=key,
                         horizontal=True, on_change=state.from_widget, args=(spec.id, key),
                         format_func=lambda option, spec=spec: option_label(spec, option))


def upload(vocabulary) -> None:
    """Load answers from a file saved before; the file's own words are shown as plain text."""
    with st.expander("Load answers saved before", key="load_expander"):
        st.file_uploader("A JSON file saved with \u201cSave my answers\u201d", key="case_file", max_upload_size=1,
                         on_change=state.load_upload, args=("case_file", vocabulary))
    message = state.S.get("case_message")
    if message:
        kind, said, detail = message
        with st.container(key="case_message"):
            (st.error if kind == "error" else st.success)(said)
            if detail:
                st.text(detail)  # untrusted: never Markdown or HTML

