"""The diary's storage (model/diary/store.py): private, versioned, transactional, and nothing
on disk until a person starts a diary."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from model import Diary, InputError
from model.cli import main
from model.diary import default_path, parse_day
from model.diary.store import SCHEMA_VERSION

TODAY = date(2026, 11, 30)


@pytest.fixture
def diary(tmp_path):
    with Diary.open(tmp_path / "d.sqlite3") as d:
        yield d


def test_a_new_diary_is_private_to_its_owner(tmp_path):
    path = tmp_path / "new" / "folder" / "d.sqlite3"
    with Diary.open(path) as d:
        d.add("2026-11-03", {"twitching": "yes"}, today=TODAY)
        assert d.private
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_day_is_a_case_and_adding_it_again_replaces_it(diary):
    diary.add("2026-11-05", {"caffeine": "high", "twitching": "yes"}, today=TODAY)
    diary.add("2026-11-03", {"sleep": "poor"}, today=TODAY)
    diary.add("2026-11-05", {"twitching": "no"}, today=TODAY)
    assert diary.entries() == [(date(2026, 11, 3), {"sleep": "poor"}), (date(2026, 11, 5), {"twitching": "no"})]
    assert diary.entry("2026-11-05") == {"twitching": "no"}
    assert diary.entry("2026-11-04") is None  # a missing day is missing, not "no"
    assert len(diary) == 2
    assert diary.remove("2026-11-03") and not diary.remove("2026-11-03")
    assert len(diary) == 1


@pytest.mark.parametrize("day, case, words", [
    ("2026-13-01", {"twitching": "yes"}, ["'2026-13-01' is not a date", "YYYY-MM-DD"]),
    ("3 Nov", {"twitching": "yes"}, ["is not a date"]),
    ("2026-12-01", {"twitching": "yes"}, ["2026-12-01 is in the future"]),
    ("2026-11-03", {"cofee": "high"}, ["'cofee'", "caffeine"]),
    ("2026-11-03", {"caffeine": "lots"}, ["'lots'", "none, moderate, high"]),
])
def test_bad_input_is_refused_by_name_and_nothing_is_written(diary, day, case, words):
    diary.add("2026-11-01", {"twitching": "yes"}, today=TODAY)
    with pytest.raises(InputError) as caught:
        diary.add(day, case, today=TODAY)
    for word in words:
        assert word in str(caught.value)
    assert diary.entries() == [(date(2026, 11, 1), {"twitching": "yes"})]


def test_today_and_yesterday_are_days():
    assert parse_day("today", TODAY) == TODAY
    assert parse_day(" Yesterday ", TODAY) == TODAY - timedelta(days=1)


def test_an_import_is_all_or_nothing(diary):
    good = "date,caffeine,twitching\n2026-11-01,high,yes\n2026-11-02,,no\n"
    assert diary.import_csv(good, today=TODAY) == 2
    assert diary.entries()[1] == (date(2026, 11, 2), {"twitching": "no"})  # an empty cell is unknown
    bad = "date,caffeine,twitching\n2026-11-03,high,yes\n2026-11-04,lots,no\n"
    with pytest.raises(InputError, match=r"row 3: .*'lots'"):
        diary.import_csv(bad, today=TODAY)
    assert len(diary) == 2
    with pytest.raises(InputError, match="unknown column 'mood'"):
        diary.import_csv("date,mood\n2026-11-03,fine\n", today=TODAY)
    with pytest.raises(InputError, match="first column is 'date'"):
        diary.import_csv("caffeine,date\nhigh,2026-11-03\n", today=TODAY)


def test_export_then_import_gives_the_same_entries(tmp_path, diary):
    days = [(date(2026, 10, 1) + timedelta(days=k), {"caffeine": ["none", "high"][k % 2], "twitching": "yes"})
            for k in range(0, 40, 3)]
    days.append((date(2026, 11, 20), {}))  # a day logged with nothing answered stays a day
    diary.add_many(days, today=TODAY)
    with Diary.open(tmp_path / "copy.sqlite3") as copy:
        copy.import_csv(diary.export_csv(), today=TODAY)
        assert copy.entries() == diary.entries()
    assert json.loads(diary.export_json()) == [{"date": d.isoformat(), "case": c} for d, c in diary.entries()]


def test_delete_removes_the_file(tmp_path):
    path = tmp_path / "d.sqlite3"
    d = Diary.open(path)
    d.add("2026-11-03", {"twitching": "yes"}, today=TODAY)
    d.delete()
    assert not path.exists() and not list(tmp_path.iterdir())


def test_an_old_diary_is_migrated_and_keeps_its_days(tmp_path):
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE entries (day TEXT PRIMARY KEY, answers TEXT NOT NULL, saved_at TEXT NOT NULL)")
    db.execute("INSERT INTO entries VALUES ('2026-11-03', '{\"twitching\": \"yes\"}', '2026-11-03T08:00:00')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Diary.open(path) as d:
        assert d.entries() == [(date(2026, 11, 3), {"twitching": "yes"})]
        assert d.experiments() == []  # the table version 2 added
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_diary_or_another_file_is_refused_plainly(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(InputError, match="newer twitch-causes"):
        Diary.open(newer)
    other = tmp_path / "notes.txt"
    other.write_bytes(b"my notes, not a database\n" * 100)
    with pytest.raises(InputError, match="not a readable twitch-causes diary"):
        Diary.open(other)
    assert other.read_bytes() == b"my notes, not a database\n" * 100
    with pytest.raises(InputError, match="is a folder"):
        Diary.open(tmp_path)


def test_nothing_is_on_disk_before_a_diary_is_started(tmp_path, monkeypatch, capsys):
    """The default place is in the user data folder; reading, learning, a refused first entry
    and a refused import create nothing there, nor anywhere under HOME."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("TWITCH_CAUSES_DIARY_KEY", raising=False)
    assert str(default_path()).startswith(str(home))
    with pytest.raises(InputError, match="no diary here yet"):
        Diary.open(create=False)
    bad_csv = home / "days.csv"
    bad_csv.write_text("date,caffeine\n2026-11-03,lots\n")
    for argv in (["diary", "list"], ["diary", "learn", "--json"], ["diary", "delete", "--yes"],
                 ["diary", "export", "-o", str(home / "out.csv")], ["diary", "experiment"],
                 ["diary", "add", "2026-11-03", "caffeine=lots"], ["diary", "add", "2099-01-01", "twitching=yes"],
                 ["diary", "import", str(bad_csv)]):
        assert main(argv) == 2, argv
    assert sorted(p.name for p in home.rglob("*")) == ["days.csv"]
    assert main(["diary", "add", "today", "twitching=yes"]) == 0
    assert default_path().exists()
    capsys.readouterr()


WRITER = r"""
import sys
from datetime import date, timedelta
from model import Diary
d = Diary.open(sys.argv[1])
start = date(2000, 1, 1)
k = int(sys.argv[2])
while True:
    day = start + timedelta(days=k)
    d.add(day, {"twitching": "yes" if k % 2 else "no", "caffeine": "high"})
    print(day.isoformat(), flush=True)
    k += 1
"""


def test_a_killed_write_leaves_a_readable_diary_with_every_committed_day(tmp_path):
    """SIGKILL a process adding days in a loop, at five different moments; after each kill the
    diary opens, passes SQLite's integrity check and holds every day the writer reported."""
    path = tmp_path / "d.sqlite3"
    committed: list[str] = []
    for round_, wait in enumerate((0.05, 0.13, 0.21, 0.34, 0.55)):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(len(committed))],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        first = child.stdout.readline()  # wait until it writes, then let it run on
        assert first, f"round {round_}: the writer did not start"
        time.sleep(wait)
        os.kill(child.pid, signal.SIGKILL)
        rest = child.stdout.read()
        child.wait(timeout=60)
        committed += [first.strip(), *rest.split()]
        with Diary.open(path) as d:
            assert d._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            days = {day.isoformat() for day, _ in d.entries()}
        missing = set(committed) - days
        assert not missing, f"round {round_}: committed days lost: {sorted(missing)[:5]}"
        committed = sorted(days)  # a write under way at the kill may have committed unreported
    assert len(committed) > 5


def test_an_encrypted_diary_is_unreadable_without_its_key(tmp_path):
    pytest.importorskip("sqlcipher3", reason="the 'encrypted' extra is not installed")
    path = tmp_path / "secret.sqlite3"
    with Diary.open(path, key="correct horse") as d:
        d.add("2026-11-03", {"caffeine": "high", "twitching": "yes"}, today=TODAY)
    raw = path.read_bytes()
    assert b"caffeine" not in raw and b"SQLite format 3" not in raw
    with pytest.raises(InputError, match="encrypted diary"):
        Diary.open(path)
    with pytest.raises(InputError, match="key is wrong"):
        Diary.open(path, key="wrong")
    with Diary.open(path, key="correct horse") as d:
        assert d.entries() == [(date(2026, 11, 3), {"caffeine": "high", "twitching": "yes"})]
    with pytest.raises(InputError, match="empty"):
        Diary.open(path, key="")


def test_the_default_place_is_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_path() == Path(tmp_path / "data" / "twitch-causes" / "diary.sqlite3")
