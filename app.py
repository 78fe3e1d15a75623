"""twitch-causes dashboard: a guided check of muscle twitching, warning signs first.

The entry point: page settings, the shared style, the model (loaded once per priors
content, with a visible message on the first visit), the session's state, then the page.
Pages live in dashboard/pages/ (the interview is the default); the pieces they are made
of in dashboard/ui.py, the session's state and callbacks in dashboard/state.py. Every
computation lives in model/. Run it with `make run`.
"""
from __future__ import annotations

import json
import logging
import os

import streamlit as st

from dashboard import state, ui

st.set_page_config(page_title="twitch-causes: why are my muscles twitching?", layout="centered",
                   initial_sidebar_state="collapsed")
log = logging.getLogger("twitch_causes.app")

# The pages, in the order of the navigation.
PAGES = (
    st.Page("dashboard/pages/interview.py", title="Check my twitching", url_path="check", default=True),
    st.Page("dashboard/pages/questions.py", title="All questions", url_path="questions"),
    st.Page("dashboard/pages/diary.py", title="My diary", url_path="diary"),
    st.Page("dashboard/pages/experts.py", title="For experts", url_path="experts"),
)


# A page left open across a server restart would go on showing results the new server does not
# have: every few seconds the page asks the server for its boot id (dashboard/serve.py) and
# reloads itself when the id has changed. Loopback only; nothing but the id is exchanged.
WATCH = """<script>(() => {{ if (window.__twitchWatch) return; const boot = {boot};
  window.__twitchWatch = setInterval(async () => {{ try {{
    const r = await fetch("/_twitch-causes/boot", {{cache: "no-store"}});
    if (r.ok && (await r.text()).trim() !== boot) window.location.reload(); }} catch (e) {{}} }}, 3000); }})();</script>"""


def main() -> None:
    ui.style()
    boot = os.environ.get("TWITCH_CAUSES_BOOT")
    if boot:
        st.html(WATCH.format(boot=json.dumps(boot)), unsafe_allow_javascript=True)
    with st.spinner("Getting the model ready (only on the first visit after a start)...", show_time=True):
        base = state.base_ranker(state.digest())
    state.init(base.vocabulary)
    if state.S.get("restarted"):
        st.info("This page started afresh: it was reloaded, or the dashboard was restarted. Nothing you "
                "answered is stored, so your answers and any changed numbers were cleared.", icon="\u2139\ufe0f")
    page = st.navigation(list(PAGES), position="hidden")  # drawn below as labelled links: no drawer on a phone
    with st.container(horizontal=True, key="pages_nav", gap="small"):
        for link in PAGES:
            st.page_link(link, label=link.title)
    page.run()


try:
    main()
except Exception:  # never a traceback on the page: say what happened and what to do
    log.exception("dashboard error")
    st.error("Something went wrong while showing this page. Please reload it; your answers can be saved and loaded "
             "again on the All questions page. If it keeps happening, please report it with the answers you gave.")
