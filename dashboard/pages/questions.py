"""All questions: every question on one page, the result above them, the likely causes below.

The result at the top says what to do (no verdict while warning signs are open); under it
the questions the interview would ask next, each answerable in one click; then the form
itself, in the page (no drawer over the result); then the causes as a chart and a table,
what each answer did, and the downloads.
"""
from __future__ import annotations

import streamlit as st

from dashboard import state, ui
from model import InputError
from model.text import result_text


def main() -> None:
    st.set_page_config(layout="wide")
    st.title("All questions")
    try:
        ranker = state.ranker()
    except InputError:
        st.error("The model's numbers changed for this session no longer fit. Reset them on the For experts page.")
        return
    vocabulary = ranker.vocabulary
    st.markdown("Answer what you know, in any order. \u201cNot sure\u201d counts as unknown, never as no; for a "
                "blood test, \u201cNot tested\u201d is not \u201cNormal\u201d. The result updates as you answer.")
    ui.upload(vocabulary)
    ranking = state.detailed(state.digest(), state.overrides_key(), state.case_key())
    words = result_text(ranking, vocabulary, asked=state.asked())
    st.header("Your result")
    ui.result_summary(ranking, words)
    ui.suggestions(vocabulary)
    st.header("Your answers")
    ui.questions_form(vocabulary)
    st.header("Likely causes")
    ui.what_if(ranking)
    ui.causes_chart(ranking)
    ui.cause_sections(ranking, ranker)
    st.header("Take it with you")
    ui.downloads(ranking, ranker, dict(state.S.get("overrides", {})))
    ui.disclaimer()


main()
