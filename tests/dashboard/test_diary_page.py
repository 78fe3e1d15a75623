"""The Diary page (issue 15, item 7) in process with AppTest: nothing on disk before "Start a
diary", the day's entry filled in from the day before, one change and Save, missing days
staying missing, the diary's triage first, the strengths against the population's, the
experiment, export and delete, and the report for a doctor gaining the diary's sections.
Every diary lives in a temporary folder (TWITCH_CAUSES_DIARY_FILE, set for every dashboard
test in conftest.py); numbers and words are compared with model.diary and model.text."""
from __future__ import annotations

import io
import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from dashboard.diary import FILE_ENV, form_inputs
from model import Diary, load_ranker
from model.text import diary_sections, weekly_timeline
from tests.support.apptest import chart_data, markdown_text

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DIARY = "dashboard/pages/diary.py"
QUESTIONS = "dashboard/pages/questions.py"
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
USUAL = {"twitching": "yes", "caffeine": "high", "sleep": "poor", "stress": "moderate", "atrophy": "no"}



@pytest.fixture
def path() -> Path:
    return Path(os.environ[FILE_ENV])


@pytest.fixture
def diary(path):
    """A diary with yesterday logged."""
    with Diary.open(path, load_ranker().vocabulary) as made:
        made.add(YESTERDAY, USUAL)
    return path


def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    at.switch_page(DIARY).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def pills(at: AppTest) -> dict[str, object]:
    """The entry's answers by input id."""
    return {p.key.split("::")[1]: p for p in at.button_group if p.key and p.key.startswith("diary::")}


def entries(path: Path) -> list:
    with Diary.open(path, load_ranker().vocabulary, create=False) as diary:
        return diary.entries()


def test_nothing_is_on_disk_before_start_a_diary(path):
    folder = path.parent
    before = sorted(folder.rglob("*")) if folder.exists() else []
    at = page()
    at.run()
    assert not path.exists() and (sorted(folder.rglob("*")) if folder.exists() else []) == before
    assert "only on this computer" in markdown_text(at) and str(path) in markdown_text(at)
    assert not at.button_group  # no entry form before a diary exists
    at.button(key="diary::start").click().run()
    assert not at.exception
    assert path.exists() and entries(path) == []
    assert at.success[0].value.startswith("Your diary is started")
    assert set(pills(at)) == {i for ids in form_inputs(load_ranker().vocabulary).values() for i in ids}


def test_the_entry_is_filled_in_from_yesterday_and_one_change_saves_the_day(diary):
    at = page()
    vocabulary = load_ranker().vocabulary
    shown = pills(at)
    assert set(shown) == {i for ids in form_inputs(vocabulary).values() for i in ids}
    assert {i: p.value for i, p in shown.items() if p.value is not None} == USUAL
    assert any("Filled in from" in c.value for c in at.caption)
    shown["caffeine"].set_value("none").run()
    assert not at.exception
    at.button(key="diary::save").click().run()
    assert not at.exception
    assert entries(diary) == [(YESTERDAY, USUAL), (TODAY, {**USUAL, "caffeine": "none"})]
    assert any(s.value.startswith("Saved") for s in at.success)
    # today is logged now: the form shows today's entry
    assert {i: p.value for i, p in pills(at).items() if p.value is not None} == {**USUAL, "caffeine": "none"}


def test_a_cleared_answer_is_left_out_and_answers_from_an_import_are_kept(diary):
    with Diary.open(diary, create=False) as made:
        made.add(TODAY, {**USUAL, "age": "under_40"})  # age is not on the daily form
    at = page()
    pills(at)["sleep"].set_value(None).run()
    at.button(key="diary::save").click().run()
    assert not at.exception
    saved = dict(entries(diary))[TODAY]
    assert "sleep" not in saved and saved["age"] == "under_40" and saved["caffeine"] == "high"


def test_missing_days_stay_missing(path):
    with Diary.open(path, load_ranker().vocabulary) as made:
        made.add(TODAY - timedelta(days=3), USUAL)
        made.add(YESTERDAY, {**USUAL, "twitching": "no"})
    at = page()
    at.button(key="diary::save").click().run()
    assert not at.exception
    days = [d for d, _ in entries(path)]
    assert days == [TODAY - timedelta(days=3), YESTERDAY, TODAY]  # the day between was not invented
    cells = chart_data(at, 0)
    assert (TODAY - timedelta(days=2)).isoformat() not in set(cells["day"])
    twitching = cells[cells["row"] == "Twitching"].set_index("day")["status"].to_dict()
    assert twitching == {(TODAY - timedelta(days=3)).isoformat(): "Twitching", YESTERDAY.isoformat(): "No twitching",
                         TODAY.isoformat(): "No twitching"}
    with Diary.open(path, create=False) as made:
        weeks = weekly_timeline(made.entries(), load_ranker().vocabulary)
    assert all(line in markdown_text(at) for line in weeks)


def test_the_diary_triage_comes_first(diary):
    with Diary.open(diary, create=False) as made:
        made.add(TODAY - timedelta(days=5), {**USUAL, "atrophy": "yes"})
        reasons = made.triage(load_ranker()).reasons
    at = page()
    first = at.error[0].value
    assert first.startswith("**Prompt evaluation") and reasons[0] in first


def test_a_calm_note_when_the_diary_shows_nothing(diary):
    at = page()
    assert at.success[0].value.startswith("**Nothing in your diary so far needs a doctor.**")
    assert not at.error and not at.warning


def test_strengths_against_the_population_come_from_learn(diary):
    with Diary.open(diary, create=False) as made:
        for k in range(2, 30):
            made.add(TODAY - timedelta(days=k), {**USUAL, "caffeine": "high" if k % 2 else "none",
                                                 "twitching": "yes" if k % 2 else "no"})
        learned = made.learn(load_ranker())
    at = page()
    rows = chart_data(at, 1)
    expected = {s.link.input + "=" + s.link.state: s for s in learned.triggers if s.days_exposed}
    assert len(rows) == len(expected)
    strongest = max(expected.values(), key=lambda s: s.personal)
    assert rows["personal"].iloc[0] == strongest.personal
    assert (rows["population"].iloc[0], rows["low"].iloc[0], rows["high"].iloc[0]) == (
        strongest.population, *strongest.interval)
    table = at.table[0].value
    assert list(table.columns) == ["Trigger", "Yours", "90% interval", "Most people", "Days logged", "Enough days"]
    assert len(table) == len(expected)


def test_an_experiment_is_proposed_started_and_followed(diary):
    with Diary.open(diary, create=False) as made:
        for k in range(2, 30):
            made.add(TODAY - timedelta(days=k), {**USUAL, "caffeine": "high" if k % 3 else "none"})
        proposal = made.propose_experiment(load_ranker(), start=TODAY)
    assert proposal is not None
    at = page()
    assert proposal["rule"]["text"] in markdown_text(at)
    at.button(key="diary::start_experiment").click().run()
    assert not at.exception
    with Diary.open(diary, create=False) as made:
        (running,) = made.experiments()
    assert running.plan == proposal and running.ended is None
    text = markdown_text(at)
    assert "Decision rule fixed on" in text and "**Today:**" in text
    assert at.get("progress")[0] is not None
    at.button(key="diary::end_experiment").click().run()
    with Diary.open(diary, create=False) as made:
        assert made.experiments()[0].ended == TODAY


def test_export_csv_and_json_are_the_diarys(diary, downloads):
    page()
    with Diary.open(diary, create=False) as made:
        assert downloads["twitch-diary.csv"].decode() == made.export_csv()
        assert json.loads(downloads["twitch-diary.json"]) == [{"date": YESTERDAY.isoformat(), "case": USUAL}]


def test_delete_asks_first_then_removes_the_file(diary):
    at = page()
    at.button(key="diary::delete").click().run()
    assert diary.exists() and "cannot be undone" in at.warning[0].value
    at.button(key="diary::delete_no").click().run()
    assert diary.exists() and not at.warning
    at.button(key="diary::delete").click().run()
    at.button(key="diary::delete_yes").click().run()
    assert not at.exception
    assert not diary.exists() and not list(diary.parent.glob(diary.name + "*"))
    assert any("deleted" in s.value for s in at.success)
    assert at.button(key="diary::start")  # back to the start


def test_the_report_for_a_doctor_gains_the_diary_sections(diary, downloads):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(QUESTIONS).run()
    assert not at.exception
    ranker = load_ranker()
    with Diary.open(diary, create=False) as made:
        sections = diary_sections(made, ranker)
    text = " ".join(PdfReader(io.BytesIO(downloads["twitch-causes-report.pdf"])).pages[0].extract_text().split())
    markdown = downloads["twitch-causes-report.md"].decode()
    for heading, lines in sections:
        assert heading in text and heading in markdown
        assert lines[0] in markdown
    # without a diary, no diary section
    diary.unlink()
    downloads.clear()
    st.cache_resource.clear()
    AppTest.from_file(APP, default_timeout=60).run().switch_page(QUESTIONS).run()
    assert "Diary timeline" not in downloads["twitch-causes-report.md"].decode()
