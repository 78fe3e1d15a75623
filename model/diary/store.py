"""The diary's storage: one SQLite file per person, on their own machine.

Nothing is written until a person starts a diary (`Diary.open` creates the file). The
file is private to its user (mode 0600, its folder 0700 when the diary creates it), every
write is one transaction (a process killed mid-write loses at most that write: SQLite's
journal rolls it back), and the schema carries a version (`PRAGMA user_version`) that
`open` migrates forward. With a key (the `encrypted` extra, SQLCipher) the whole file is
encrypted at rest; off by default. Default place: the user data folder (platformdirs), e.g.
~/.local/share/twitch-causes/diary.sqlite3 on Linux.

A day's entry is a case in the vocabulary: input id -> state, left out = unknown, and
`twitching` says whether that day had twitching. One entry per calendar day: adding a day
again replaces it. Missing days are missing, never "no".
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Self

from platformdirs import user_data_path

from ..errors import InputError
from ..evidence import validate_case
from ..vocabulary import Vocabulary, load_vocabulary

SCHEMA_VERSION = 2
FILE_NAME = "diary.sqlite3"
RELATIVE_DAYS = {"today": 0, "yesterday": 1}
# version -> the statements that bring a diary at version - 1 to it
MIGRATIONS = {
    1: ("CREATE TABLE entries (day TEXT PRIMARY KEY, answers TEXT NOT NULL, saved_at TEXT NOT NULL)",),
    2: ("CREATE TABLE experiments (id INTEGER PRIMARY KEY, started TEXT NOT NULL, plan TEXT NOT NULL, "
        "fixed_at TEXT NOT NULL, ended TEXT)",),
}


def default_path() -> Path:
    """The diary file in the user data folder (not created by asking)."""
    return user_data_path("twitch-causes", appauthor=False) / FILE_NAME


def _driver(key: str | None):
    """The DB-API module: the standard library's sqlite3, or SQLCipher's when a key is given."""
    if key is None:
        return sqlite3
    if not key:
        raise InputError("the diary key is empty; give a passphrase, or no key for an unencrypted diary")
    try:
        from sqlcipher3 import dbapi2  # the `encrypted` extra: pip install 'twitch-causes[encrypted]'
    except ImportError:
        raise InputError("an encrypted diary needs SQLCipher: pip install 'twitch-causes[encrypted]'") from None
    return dbapi2


def parse_day(text: str | date, today: date | None = None) -> date:
    """A calendar day from 'YYYY-MM-DD', 'today' or 'yesterday' (or a date); refused if
    malformed or in the future."""
    if isinstance(text, datetime):
        text = text.date()
    today = today or date.today()
    if isinstance(text, date):
        day = text
    elif str(text).strip().lower() in RELATIVE_DAYS:
        day = today - timedelta(days=RELATIVE_DAYS[str(text).strip().lower()])
    else:
        try:
            day = date.fromisoformat(str(text).strip())
        except ValueError:
            raise InputError(f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-11-03), today or yesterday") from None
    if day > today:
        raise InputError(f"{day.isoformat()} is in the future; a diary records days that have happened")
    return day


@dataclass(frozen=True)
class Experiment:
    """A self-experiment as stored: its plan and decision rule, fixed before it started."""

    id: int
    started: date
    plan: dict  # see model/diary/experiment.py
    fixed_at: datetime
    ended: date | None


class Diary:
    """One person's diary file. Open it with `Diary.open(path)` (default: the user data folder)."""

    def __init__(self, path: Path, connection: sqlite3.Connection, vocabulary: Vocabulary):
        self.path = path
        self._db = connection
        self.vocabulary = vocabulary

    @classmethod
    def open(cls, path: str | Path | None = None, vocabulary: Vocabulary | None = None, *, create: bool = True,
             key: str | None = None) -> Self:
        """The diary at `path` (default: the user data folder), migrated to the current schema.
        A missing file is created (with its folder) unless `create=False`, which refuses instead.
        `key`: a passphrase that encrypts the file at rest (needs the `encrypted` extra, SQLCipher)."""
        target = Path(path) if path is not None else default_path()
        if target.is_dir():
            raise InputError(f"{target}: is a folder; give the diary a file name, e.g. {target / FILE_NAME}")
        existed = target.exists()
        if not existed and not create:
            raise InputError(f"{target}: there is no diary here yet; `twitch-causes diary add` starts one")
        driver = _driver(key)
        if not existed:
            if not target.parent.exists():
                target.parent.mkdir(parents=True, mode=0o700)
            # created private before SQLite writes anything into it
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            connection = driver.connect(str(target), isolation_level=None, check_same_thread=False)
            if key is not None:
                connection.execute("PRAGMA key = '" + key.replace("'", "''") + "'")
            connection.execute("PRAGMA foreign_keys = ON")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except driver.DatabaseError as exc:
            hint = ("the key is wrong, or the file is not a diary" if key is not None else
                    "if it is an encrypted diary, give its key (TWITCH_CAUSES_DIARY_KEY)")
            raise InputError(f"{target}: not a readable twitch-causes diary ({exc}); {hint}") from None
        if version > SCHEMA_VERSION:
            connection.close()
            raise InputError(f"{target}: made by a newer twitch-causes (diary version {version}, this one reads "
                             f"up to {SCHEMA_VERSION}); update twitch-causes")
        diary = cls(target, connection, vocabulary or load_vocabulary())
        diary._migrate(version)
        return diary

    def _migrate(self, version: int) -> None:
        for step in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction() as db:
                for statement in MIGRATIONS[step]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {step}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------------ entries
    def add(self, day: str | date, case: Mapping[str, str], today: date | None = None) -> date:
        """Record one day's entry (replacing that day's if there was one); returns the day."""
        when = parse_day(day, today)
        answers = validate_case(case, self.vocabulary)
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO entries (day, answers, saved_at) VALUES (?, ?, ?)",
                       (when.isoformat(), json.dumps(answers, sort_keys=True), datetime.now().isoformat()))
        return when

    def add_many(self, days: Sequence[tuple[str | date, Mapping[str, str]]], today: date | None = None) -> int:
        """Record several days in one transaction (an import): all of them or none."""
        rows = [(parse_day(d, today).isoformat(), json.dumps(validate_case(c, self.vocabulary), sort_keys=True))
                for d, c in days]
        now = datetime.now().isoformat()
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO entries (day, answers, saved_at) VALUES (?, ?, ?)",
                           [(d, a, now) for d, a in rows])
        return len(rows)

    def remove(self, day: str | date) -> bool:
        """Forget one day; True if there was an entry."""
        when = parse_day(day)
        with self._transaction() as db:
            return db.execute("DELETE FROM entries WHERE day = ?", (when.isoformat(),)).rowcount > 0

    def entries(self) -> list[tuple[date, dict[str, str]]]:
        """Every entry, oldest first, each as (day, case)."""
        rows = self._db.execute("SELECT day, answers FROM entries ORDER BY day").fetchall()
        return [(date.fromisoformat(d), json.loads(a)) for d, a in rows]

    def entry(self, day: str | date) -> dict[str, str] | None:
        row = self._db.execute("SELECT answers FROM entries WHERE day = ?", (parse_day(day).isoformat(),)).fetchone()
        return json.loads(row[0]) if row else None

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    # ------------------------------------------------------------------ experiments
    def start_experiment(self, plan: dict, started: date) -> Experiment:
        """Store a self-experiment's plan and decision rule, fixed from now on."""
        fixed = datetime.now()
        with self._transaction() as db:
            open_ = db.execute("SELECT COUNT(*) FROM experiments WHERE ended IS NULL").fetchone()[0]
            if open_:
                raise InputError("an experiment is already running; end it before starting another")
            cursor = db.execute("INSERT INTO experiments (started, plan, fixed_at) VALUES (?, ?, ?)",
                                (started.isoformat(), json.dumps(plan, sort_keys=True), fixed.isoformat()))
        return Experiment(int(cursor.lastrowid or 0), started, plan, fixed, None)

    def end_experiment(self, experiment_id: int, ended: date) -> None:
        with self._transaction() as db:
            db.execute("UPDATE experiments SET ended = ? WHERE id = ?", (ended.isoformat(), experiment_id))

    def experiments(self) -> list[Experiment]:
        rows = self._db.execute("SELECT id, started, plan, fixed_at, ended FROM experiments ORDER BY id").fetchall()
        return [Experiment(i, date.fromisoformat(s), json.loads(p), datetime.fromisoformat(f),
                           date.fromisoformat(e) if e else None) for i, s, p, f, e in rows]

    # ------------------------------------------------------------------ the file
    def close(self) -> None:
        self._db.close()

    def delete(self) -> None:
        """Remove the diary file (and SQLite's side files); the Diary cannot be used after."""
        self._db.close()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @property
    def private(self) -> bool:
        """True when only its owner can read or write the file."""
        mode = self.path.stat().st_mode
        return not mode & (stat.S_IRWXG | stat.S_IRWXO)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
