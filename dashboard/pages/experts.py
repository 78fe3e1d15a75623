"""For experts: every hand-set number (adjustable for this session), how sure the model is
about the current answers, and how the causes connect.

The numbers tab opens on the numbers of the most likely cause for the current answers, so
the first change an expert makes moves the result they are looking at.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.analyses import tornado_rows
from dashboard.charts import tornado_chart
from dashboard.priors_view import (
    default_node,
    network_rows,
    node_title,
    parameter_names,
    parameters_by_node,
    priors_rows,
    slider_bounds,
    slider_format,
    slider_step,
)
from dashboard.text import comparison_rows
from model import InputError
from model.text import display_label, how_sure_line, network_dot, turning_points

S = st.session_state
TABS = ("The numbers", "How sure?", "How it connects")  # short enough for one row at 390 px


def remember_node(key: str) -> None:
    S["prior_node_chosen"] = S[key]


def numbers_tab(base, ranker, ranking) -> None:
    """Every hand-set number with its rationale and source, adjustable for this session only."""
    priors = base.priors
    overrides = dict(S.get("overrides", {}))
    st.markdown("Every number in the model was set by hand from a source or by stated judgement. Move one to "
                "see how the ranking responds. Changes last for this session only; the files in `priors/` are "
                "never changed. For a distribution (shares that add up to 1), the other shares are rescaled.")
    message = S.get("priors_message")
    if message:
        st.error(message)
    st.button("Reset every number to the files' values", key="reset_priors", on_click=state.reset_priors)
    rows = comparison_rows(base.rank(ranking.evidence), ranking)
    with st.expander("The ranking with your changes", expanded=bool(overrides), key="comparison"):
        st.dataframe(pd.DataFrame(rows).drop(columns=["id", "probability"]), hide_index=True)
    groups = parameters_by_node(priors)
    nodes = list(groups)
    chosen = S.get("prior_node_chosen", default_node(priors, ranking))
    key = f"prior_node__{S['token']}"
    node = st.selectbox("Numbers for", nodes, index=nodes.index(chosen) if chosen in nodes else 0, key=key,
                        on_change=remember_node, args=(key,),
                        format_func=lambda n: f"{node_title(priors, n)} ({len(groups[n])})")
    names = parameter_names(priors)
    in_use = ranker.priors.values
    with st.container(key="sliders"):
        for param in groups[node]:
            index = priors.index(param.id)
            fmt = slider_format(param)
            low, high = slider_bounds(param)
            used = float(min(max(in_use[index], low), high))
            st.slider(names[param.id], low, high, value=used, step=slider_step(param), format=fmt,
                      key=state.prior_key(param.id), help=f"Number {param.id} in {param.file}",
                      on_change=state.set_prior, args=(priors, param.id, state.prior_key(param.id)))
            note = f" In use now: {fmt % used}." if abs(used - param.value) > 1e-12 else ""
            st.caption(f"{'Judgement' if param.judgement else 'Sourced'}; in the file: {fmt % param.value}.{note} "
                       f"{param.rationale} Source: {param.source}")
    st.markdown("**All the numbers**")
    st.dataframe(pd.DataFrame(priors_rows(priors, in_use)), hide_index=True, height=360, key="all_numbers")


def how_sure_tab(ranker, ranking) -> None:
    """How the answer depends on the hand-set numbers: the how-sure summary, the turning points,
    and the numbers that move the top cause most (a chart and the same as a table)."""
    st.markdown(how_sure_line(ranking.detail.how_sure, ranker.priors.causes))
    entries = state.sensitivity_of(state.digest(), state.overrides_key(), state.case_key())
    names = parameter_names(ranker.priors)
    points = turning_points(entries, ranker.priors.causes, names)
    if points:
        st.markdown("**Numbers that would change the answer on their own**\n\n" + "\n".join(f"- {p}" for p in points))
    else:
        st.markdown("No single hand-set number, moved anywhere within its range, changes the top cause or the advice.")
    rows = tornado_rows(entries, names=names)
    top = display_label(ranker.priors.causes[ranking.causes[0].id])
    st.markdown(f"**The numbers that move the chance of \u201c{top}\u201d most**, each moved alone from the low to "
                "the high end of its range (the dashed line: the chance with the numbers in the files).")
    st.altair_chart(tornado_chart(rows, ranking.causes[0].probability), width="stretch",
                    alt=f"Bar chart: the {len(rows)} numbers that move the chance of {top} most, widest first.")
    with st.expander("The chart as a table", key="tornado_table"):
        st.table(pd.DataFrame([{"Number": r["name"], "Chance at the ends of its range": r["label"].rsplit(": ", 1)[1],
                                "Range": r["range"], "Effect": r["changes"]} for r in rows]), hide_index=True,
                 alt=f"The numbers that move the chance of {top} most")


def network_tab(ranker, ranking) -> None:
    """The network's nodes and arrows (on a large screen), and always the same as a list."""
    st.caption("Left: your background and possible triggers. Middle: the possible causes, with their chances. "
               "Right: symptoms and blood tests. Arrows run from what can cause something to what it causes. "
               "Blue: your answers. Yellow: the three leading causes. On a small screen, the list below "
               "says the same.")
    with st.container(key="network_picture"):
        fresh_graphviz_chart(network_dot(ranker, ranking))
    st.markdown("**The causes and what connects them**, most likely first")
    lines = []
    for row in network_rows(ranker, ranking):
        source = "; ".join(row["from"]) or "nothing in the questions (its background chance only)"
        lines.append(f"- **{row['cause']}** ({row['chance']}). Can be brought on by: {source}. "
                     f"Can lead to: {'; '.join(row['leads to']) or 'nothing asked about'}.")
    with st.container(key="network_list"):
        st.markdown("\n".join(lines))


def fresh_graphviz_chart(dot: str) -> None:
    """A Graphviz chart drawn as a new element whenever the picture changes (the browser morphs
    an existing chart shape by shape, which takes seconds for this network)."""
    slots = (st.empty(), st.empty())
    digest = hashlib.sha256(dot.encode()).hexdigest()
    last_digest, last_slot = S.get("network_slot", (None, 0))
    slot = last_slot if digest == last_digest else 1 - last_slot
    S["network_slot"] = (digest, slot)
    slots[slot].graphviz_chart(dot, width="stretch")


def main() -> None:
    st.set_page_config(layout="wide")
    st.title("For experts")
    base = state.base_ranker(state.digest())
    try:
        ranker = state.ranker()
        ranking = state.detailed(state.digest(), state.overrides_key(), state.case_key())
    except InputError as exc:
        st.error("These answers cannot be ranked with the changed numbers. Reset them with the button below.")
        st.text(str(exc))
        st.button("Reset every number to the files' values", key="reset_priors", on_click=state.reset_priors)
        return
    st.markdown("The answers used here are the ones given in \u201cCheck my twitching\u201d or \u201cAll "
                f"questions\u201d ({len(ranking.evidence)} answered).")
    sections = (lambda: numbers_tab(base, ranker, ranking), lambda: how_sure_tab(ranker, ranking),
                lambda: network_tab(ranker, ranking))
    for tab, section in zip(st.tabs(TABS, key="expert_view", on_change="rerun"), sections, strict=True):
        if tab.open:
            with tab:
                section()


main()
