"""The session's state and the callbacks that change it: one source of truth for the answers.

What a person said lives in one plain dict, `st.session_state["answers"]` (input id -> state;
"not sure" is left out), that no widget owns. Every page reads it and ranks it, so what is
shown, saved and ranked are the same. Beside it: the interview's answered screens (`done`,
and a screen `reopened` by Back), the questions explicitly answered "Not sure" on the full
form, and an expert's session overrides.

Widgets are views of the dict. Their keys carry a revision per question and a token per
session: every programmatic answer (an interview tap, a one-click suggestion, an upload,
"Start again") bumps the revision, so the form's widget is a new widget that starts from the
dict; a change the browser still had queued for the widget it replaced belongs to a key
that no longer exists and is dropped (the stale guard in `from_widget`). After a server
restart the browser still holds the old page's widget values; the new session's token makes
them unknown keys, so a restarted page shows a fresh start, never old values the server
does not have (see `restarted`).

Caches keyed on answers are per session (`scope="session"`): nothing one person answered is
kept where another session could reach it. The ranker (no personal data) is shared.
"""
from __future__ import annotations

import logging
import secrets

import streamlit as st

from model import InputError, Ranker, Ranking, load_ranker
from model.analyses import prepare, sensitivity
from model.interview import Interview, Screen
from model.priors import DEFAULT_PRIORS, fingerprint, set_override
from model.readwrite import read_case

from .case import NOT_SURE

log = logging.getLogger("twitch_causes.dashboard")
S = st.session_state
PRIOR_KEY = "prior::"


# ----------------------------------------------------------------------------- the model
@st.cache_resource(show_spinner=False, max_entries=4)
def base_ranker(digest: str) -> Ranker:
    """The ranker for this content of priors/ (the key), what-if networks compiled once."""
    ranker = load_ranker(DEFAULT_PRIORS)
    prepare(ranker)
    return ranker


def digest() -> str:
    return fingerprint(DEFAULT_PRIORS)


def overrides_key() -> tuple:
    return tuple(sorted(S.get("overrides", {}).items()))


def ranker() -> Ranker:
    """The ranker with this session's overrides (InputError if they no longer fit the files)."""
    return base_ranker(digest()).with_overrides(dict(overrides_key()))


def case_key() -> tuple:
    return tuple(sorted(answers().items()))


@st.cache_data(scope="session", max_entries=32, show_spinner=False)
def detailed(digest: str, overrides: tuple, case: tuple) -> Ranking:
    """The ranking with its analyses (intervals, what-if, next questions), once per answers."""
    return base_ranker(digest).with_overrides(dict(overrides)).rank(dict(case), detail=True)


@st.cache_data(scope="session", max_entries=64, show_spinner=False)
def plain(digest: str, overrides: tuple, case: tuple) -> Ranking:
    return base_ranker(digest).with_overrides(dict(overrides)).rank(dict(case))


@st.cache_data(scope="session", max_entries=64, show_spinner=False)
def screen_of(digest: str, overrides: tuple, case: tuple, done: tuple, reopened: tuple | None) -> Screen:
    """The interview's current screen (its next question costs one engine call)."""
    ranker = base_ranker(digest).with_overrides(dict(overrides))
    return Interview(ranker, dict(case), done, reopened).current()


@st.cache_data(scope="session", max_entries=64, show_spinner=False)
def upcoming_of(digest: str, overrides: tuple, case: tuple, done: tuple, n: int) -> tuple[str, ...]:
    ranker = base_ranker(digest).with_overrides(dict(overrides))
    return Interview(ranker, dict(case), done).upcoming(n)


@st.cache_data(scope="session", max_entries=16, show_spinner=False)
def sensitivity_of(digest: str, overrides: tuple, case: tuple) -> list:
    """Which single number, moved within its range, would change the top cause or the advice."""
    return sensitivity(base_ranker(digest).with_overrides(dict(overrides)), dict(case))


# ----------------------------------------------------------------------------- the session
def init(vocabulary) -> None:
    """The session's state, created on its first run. The session's token is also put in the
    address (`?s=`, a random word and nothing else): a page that comes back with another
    session's token was reloaded or outlived a server restart, and says that it started afresh."""
    if "token" in S:
        st.query_params["s"] = S["token"]  # page links drop it; keep it in the address
        return
    before = st.query_params.get("s")
    S["token"] = secrets.token_hex(3)
    S["restarted"] = bool(before) and before != S["token"]
    st.query_params["s"] = S["token"]
    S["answers"] = {}
    S["rev"] = dict.fromkeys(vocabulary.inputs, 0)
    S["done"] = ()
    S["reopened"] = None
    S["not_sure"] = frozenset()  # answered "Not sure" on the full form
    S.setdefault("overrides", {})


def answers() -> dict[str, str]:
    return S["answers"]


def interview(ranker: Ranker) -> Interview:
    return Interview(ranker, dict(answers()), tuple(S["done"]), S["reopened"])


def screen() -> Screen:
    return screen_of(digest(), overrides_key(), case_key(), tuple(S["done"]), S["reopened"])


def upcoming(n: int = 3) -> tuple[str, ...]:
    """The next questions the interview would put (the full form's suggestions); the questions
    answered "Not sure" on the form count as asked."""
    done = tuple(S["done"]) + ((tuple(sorted(S["not_sure"])),) if S["not_sure"] else ())
    return upcoming_of(digest(), overrides_key(), case_key(), done, n)


def asked() -> frozenset[str]:
    """Every question put to this person: the interview's screens and the form's "Not sure"."""
    done = frozenset(i for screen in S["done"] for i in screen)
    return done | S["not_sure"] | frozenset(answers())


def widget_key(prefix: str, input_id: str) -> str:
    return f"{prefix}{input_id}__{S['token']}r{S['rev'][input_id]}"


def set_answer(input_id: str, state: str | None) -> None:
    """Every programmatic answer: the dict, and a new widget for that question (None: not sure)."""
    if state is None or state == NOT_SURE:
        S["answers"].pop(input_id, None)
    else:
        S["answers"][input_id] = state
    S["rev"][input_id] += 1


def from_widget(input_id: str, key: str) -> None:
    """A change made on the full form; a queued change of a widget already replaced is stale."""
    if key != widget_key("form::", input_id):
        return
    value = S.get(key)
    if value is None or value == NOT_SURE:
        S["answers"].pop(input_id, None)
        S["not_sure"] = S["not_sure"] | {input_id}
    else:
        S["answers"][input_id] = value
        S["not_sure"] = S["not_sure"] - {input_id}


def one_click(input_id: str, state: str) -> None:
    """A one-click suggestion on the full form."""
    set_answer(input_id, state)
    S["not_sure"] = (S["not_sure"] | {input_id}) if state == NOT_SURE else (S["not_sure"] - {input_id})


def none_of_these(inputs: tuple[str, ...], states: dict[str, str]) -> None:
    """'None of these' beside the form: every open warning sign at its mildest state."""
    for input_id in inputs:
        if input_id not in answers():
            one_click(input_id, states[input_id])


def _store(new: Interview) -> None:
    old = answers()
    for input_id in set(old) | set(new.answers):
        if old.get(input_id) != new.answers.get(input_id):
            set_answer(input_id, new.answers.get(input_id))
    S["done"] = tuple(new.done)
    S["reopened"] = new.reopened
    S["focus"] = True
    S.pop("early", None)


def step_token() -> tuple:
    """Which screen the interview is on; a tap carries it, so a second tap queued for a screen
    already left does nothing."""
    return (len(S["done"]), S["reopened"])


def answer_screen(token: tuple, given: dict[str, str | None]) -> None:
    if token != step_token():
        return
    try:
        _store(interview(ranker()).answer(given))
    except (InputError, ValueError):  # not this screen's questions any more: stale
        log.info("stale interview answer dropped")


def answer_checklist(token: tuple, keys: dict[str, str], mild: dict[str, str] | None) -> None:
    """The warning-sign checklist: each sign as chosen; an unselected one is "not sure", or,
    with `mild` ('None of these' / 'No to all the others'), its mildest state."""
    if token != step_token():
        return
    given: dict[str, str | None] = {}
    for input_id, key in keys.items():
        value = S.get(key)
        if value is None:
            given[input_id] = mild[input_id] if mild else None
        else:
            given[input_id] = None if value == NOT_SURE else value
    answer_screen(token, given)


def back(token: tuple) -> None:
    if token != step_token():
        return
    if S.pop("early", None) is not None:  # back from "See my result now": the question again
        S["focus"] = True
        return
    _store(interview(ranker()).back())


def see_result_now(token: tuple) -> None:
    if token == step_token():
        S["early"] = token
        S["focus"] = True


def keep_answering() -> None:
    S.pop("early", None)
    S["focus"] = True


def start_again() -> None:
    for input_id in list(answers()):
        set_answer(input_id, None)
    for input_id in S["rev"]:
        S["rev"][input_id] += 1
    S["done"] = ()
    S["reopened"] = None
    S["not_sure"] = frozenset()
    S["focus"] = True
    S.pop("early", None)


# ----------------------------------------------------------------------------- uploads
def load_upload(key: str, vocabulary) -> None:
    """Fill the answers from an uploaded JSON case; a bad file leaves them as they were. The
    message keeps the file's own words apart, to be shown as plain text."""
    upload = S.get(key)
    if upload is None:
        S["case_message"] = None
        return
    retry = 'Your answers were not changed. "Save my answers" writes a file in the right format.'
    name = str(upload.name)
    if not name.lower().endswith(".json"):
        S["case_message"] = ("error", f"This is not a JSON file. {retry}",
                             f"The file's name does not end in .json: {name}")
        return
    try:
        case = read_case(upload.getvalue(), vocabulary, "the file")
    except InputError as exc:
        S["case_message"] = ("error", f"Could not load answers from this file. {retry}", f"Reason: {exc}")
        return
    except Exception:  # never a traceback, even for a file nobody foresaw
        log.exception("case upload")
        S["case_message"] = ("error", f"Could not read this file. {retry}", "")
        return
    for input_id in vocabulary.inputs:
        set_answer(input_id, case.get(input_id))
    S["not_sure"] = frozenset()
    S["case_message"] = ("success", f"Loaded {len(case)} answers; the other questions are set to Not sure.", "")


# ----------------------------------------------------------------------------- the expert's numbers
def set_prior(priors, parameter_id: str, key: str) -> None:
    """Apply one expert-view number for this session, or refuse it with a message."""
    overrides = S.get("overrides", {})
    if key not in S:
        return
    try:
        new, dropped = set_override(priors, overrides, parameter_id, S[key])
    except Exception as exc:  # refused (InputError) or unforeseen: say why, no traceback
        if not isinstance(exc, InputError):
            log.exception("prior override")
        reason = str(exc) if isinstance(exc, InputError) else "the model could not be rebuilt with it"
        S["priors_message"] = f"That change was not applied: {reason}."
        S["prior_rev"] = S.get("prior_rev", 0) + 1  # the slider starts again from the value in use
        return
    S["overrides"] = new
    S["priors_message"] = None
    if dropped:
        S["prior_rev"] = S.get("prior_rev", 0) + 1


def reset_priors() -> None:
    S["overrides"] = {}
    S["priors_message"] = None
    S["prior_rev"] = S.get("prior_rev", 0) + 1


def prior_key(parameter_id: str) -> str:
    return f"{PRIOR_KEY}{parameter_id}__{S['token']}r{S.get('prior_rev', 0)}"
