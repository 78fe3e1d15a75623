"""The Diary page's state and callbacks: a thin layer over model.diary.

Nothing is written to disk until the person presses "Start a diary": until then the page
only asks whether the file exists. The file is the one model.diary uses (the user data
folder, platformdirs), or the one named by TWITCH_CAUSES_DIARY_FILE (tests, or a person
who keeps it elsewhere); an encrypted diary takes its passphrase from TWITCH_CAUSES_DIARY_KEY,
as on the command line.

What the diary says (the learned strengths, its triage, the proposed experiment, the report's
sections) is computed by model.diary and model.text.diary, once per content of the file:
the cache is keyed on the file's modification time and size and on a counter this session
bumps on each of its own writes, and it is per session, like every cache keyed on a person's
answers.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st

from model import Diary, InputError, Ranking
from model.cli import KEY_ENV
from model.diary import DiaryTriage, Experiment, LearnedReport, Result, default_path
from model.text import diary_sections
from model.triage import EMERGENCY, PROMPT, RULES

from . import state

log = logging.getLogger("twitch_causes.dashboard.diary")
S = st.session_state
FILE_ENV = "TWITCH_CAUSES_DIARY_FILE"  # another place for the diary file (the tests use a temporary one)
WARNING_SIGNS = tuple(dict.fromkeys(r.input for r in RULES if r.level >= PROMPT))
EMERGENCY_SIGNS = tuple(dict.fromkeys(r.input for r in RULES if r.level == EMERGENCY))


def path() -> Path:
    """Where the diary lives: TWITCH_CAUSES_DIARY_FILE, or model.diary's default in the user data folder."""
    chosen = os.environ.get(FILE_ENV)
    return Path(chosen).expanduser() if chosen else default_path()


def exists() -> bool:
    return path().is_file()


def form_inputs(vocabulary) -> dict[str, tuple[str, ...]]:
    """The daily entry's questions, by section: twitching, the everyday triggers, the warning signs."""
    signs = tuple(i for i in (*EMERGENCY_SIGNS, *WARNING_SIGNS) if i in vocabulary.inputs)
    return {"Twitching": ("twitching",), "Triggers": tuple(spec.id for spec in vocabulary.lifestyle),
            "Warning signs": tuple(dict.fromkeys(signs))}


def open_diary(create: bool = False) -> Diary:
    """The diary file (refused with InputError if missing and `create` is False)."""
    return Diary.open(path(), state.base_ranker(state.digest()).vocabulary, create=create,
                      key=os.environ.get(KEY_ENV) or None)


def stamp() -> tuple:
    """A key for the file's content: its modification time and size, and this session's writes."""
    try:
        info = path().stat()
    except OSError:
        return (None, S.get("diary_rev", 0))
    return (info.st_mtime_ns, info.st_size, S.get("diary_rev", 0))


# ----------------------------------------------------------------------------- what the diary says
@dataclass(frozen=True)
class DiaryView:
    """Everything the page shows, from one read of the file."""

    entries: tuple[tuple[date, dict[str, str]], ...]
    learned: LearnedReport
    triage: DiaryTriage
    proposal: dict | None  # a plan to start, when no experiment is running
    latest: tuple[Experiment, Result] | None
    latest_ranking: Ranking | None  # the latest day, ranked with this person's strengths
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # the report's diary sections
    csv: str
    json: str


@st.cache_resource(scope="session", max_entries=2, show_spinner=False)
def view_of(digest: str, where: str, key: tuple, today: str) -> DiaryView:
    """What the diary says, once per content of the file (the key) and day."""
    ranker = state.base_ranker(digest)
    day = date.fromisoformat(today)
    with open_diary() as diary:
        entries = diary.entries()
        learned = diary.learn(ranker)
        latest = diary.experiment_result(day)
        running = latest is not None and latest[0].ended is None
        proposal = None if running or not entries else diary.propose_experiment(ranker, day, learned)
        ranking = ranker.rank_with_diary(entries[-1][1], diary, learned=learned) if entries else None
        sections = diary_sections(diary, ranker, learned, day)
        return DiaryView(tuple(entries), learned, diary.triage(ranker), proposal, latest, ranking,
                         tuple((h, tuple(lines)) for h, lines in sections), diary.export_csv(),
                         diary.export_json())


def view() -> DiaryView:
    return view_of(state.digest(), str(path()), stamp(), date.today().isoformat())


def report_sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The report's diary sections when a diary exists (empty otherwise, or if it cannot be read)."""
    if not exists():
        return ()
    try:
        return view().sections
    except InputError:
        return ()


# ----------------------------------------------------------------------------- the day's entry
def prefill(entries, day: date, inputs: tuple[str, ...]) -> tuple[dict[str, str], date | None]:
    """The form's answers for `day`: that day's entry if there is one, else the latest day
    before it (yesterday, usually); and the day they come from."""
    by_day = dict(entries)
    source = day if day in by_day else max((d for d in by_day if d < day), default=None)
    if source is None:
        return {}, None
    return {i: v for i, v in by_day[source].items() if i in inputs}, source


def widget_key(input_id: str, day: date) -> str:
    return f"diary::{input_id}::{day.isoformat()}::{S.get('diary_rev', 0)}"


def _written(message: str) -> None:
    S["diary_rev"] = S.get("diary_rev", 0) + 1
    S["diary_message"] = ("success", message)


def _refused(what: str, exc: Exception) -> None:
    if not isinstance(exc, InputError):
        log.exception("diary %s", what)
    reason = str(exc) if isinstance(exc, InputError) else "the diary file could not be written"
    S["diary_message"] = ("error", f"Not saved: {reason}.")


def start() -> None:
    """'Start a diary': the only place a diary file is created."""
    try:
        open_diary(create=True).close()
    except Exception as exc:  # no traceback on screen
        _refused("start", exc)
        return
    _written("Your diary is started. Log today below: it takes a few taps.")


def save_day(day: date, inputs: tuple[str, ...]) -> None:
    """Save the form as that day's entry; answers the form does not ask (from an import) are kept."""
    try:
        with open_diary() as diary:
            case = {k: v for k, v in (diary.entry(day) or {}).items() if k not in inputs}
            for input_id in inputs:
                value = S.get(widget_key(input_id, day))
                if value is not None:
                    case[input_id] = value
            diary.add(day, case)
    except Exception as exc:
        _refused("save", exc)
        return
    _written(f"Saved {day.strftime('%A %-d %B %Y')}: {len(case)} answer{'s' if len(case) != 1 else ''}.")


def start_experiment(plan: dict) -> None:
    try:
        with open_diary() as diary:
            diary.start_experiment(plan, date.fromisoformat(plan["schedule"][0]["from"]))
    except Exception as exc:
        _refused("experiment", exc)
        return
    _written("The experiment is started and its rule is fixed. Log each day as usual.")


def end_experiment(experiment_id: int) -> None:
    try:
        with open_diary() as diary:
            diary.end_experiment(experiment_id, date.today())
    except Exception as exc:
        _refused("experiment", exc)
        return
    _written("The experiment is closed; its result stays in the diary and the report.")


def ask_delete(on: bool) -> None:
    S["diary_confirm_delete"] = on


def delete() -> None:
    """Remove the diary file (after the confirmation)."""
    S["diary_confirm_delete"] = False
    try:
        open_diary().delete()
    except Exception as exc:
        _refused("delete", exc)
        return
    _written("Your diary was deleted from this computer.")
