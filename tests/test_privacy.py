"""Privacy: no network connection is ever attempted, and nothing the person enters is kept on disk.

The guard replaces `socket.socket.connect`, `socket.socket.connect_ex`,
`socket.create_connection` and `socket.getaddrinfo` with functions that record the
attempt and raise. In the fresh-process checks an audit hook (PEP 578) records the
same events at the C level too ("socket.connect", "socket.getaddrinfo", ...), so a
library that bypasses the Python wrappers is still caught.
"""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest

from model import rank
from model.cli import main

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
CASE = {"caffeine": "high", "twitching": "yes", "stress": "moderate", "age": "40_to_60"}


class NetworkAttempt(OSError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Record and refuse every connection or name lookup; yields the list of attempts."""
    attempts: list[str] = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(f"{name}{args[1:] if name.startswith('socket.socket') else args}")
            raise NetworkAttempt(f"network access attempted in a privacy test: {name}")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    yield attempts


def test_the_guard_itself_catches_a_connection(no_network):
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    with pytest.raises(NetworkAttempt):
        socket.getaddrinfo("example.org", 443)
    with socket.socket() as s, pytest.raises(NetworkAttempt):
        s.connect(("127.0.0.1", 9))
    assert len(no_network) == 3


def test_rank_rank_frame_and_detail_stay_offline(no_network, ranker):
    assert rank(CASE).to_dict()["causes"]
    rank(CASE, detail=True)
    ranker.rank_frame(pd.DataFrame([CASE, {"caffeine": "none"}]))
    ranker.with_overrides({"caffeine.prior.high": 0.2}).rank(CASE)
    assert no_network == []


def test_the_cli_stays_offline(no_network, capsys, tmp_path):
    assert main(["rank", "--json", *(f"{k}={v}" for k, v in CASE.items())]) == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE))
    assert main(["rank", "--detail", "--case", str(case)]) == 0
    src = tmp_path / "in.csv"
    src.write_text("caffeine,stress\nhigh,low\n")
    assert main(["batch", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"]) == 0
    assert main(["inputs"]) == 0
    capsys.readouterr()
    assert no_network == []


# ------------------------------------------------------------------ a fresh process

GUARD = r'''
import json, socket, sys
attempts = []
EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
          "socket.sendto", "socket.sendmsg", "socket.bind", "urllib.Request", "http.client.connect",
          "ftplib.connect", "smtplib.connect", "webbrowser.open", "socket.__new__"}
def hook(event, args):
    if event in EVENTS:
        attempts.append([PHASE[0], event, repr(args)[:200]])
        if event != "socket.__new__":
            raise ConnectionRefusedError("network access attempted: " + event)
def blocked(name):
    def refuse(*args, **kwargs):
        attempts.append([PHASE[0], name, repr(args)[:200]])
        raise ConnectionRefusedError("network access attempted: " + name)
    return refuse
PHASE = ["import"]
sys.addaudithook(hook)
socket.socket.connect = blocked("socket.socket.connect")
socket.socket.connect_ex = blocked("socket.socket.connect_ex")
socket.create_connection = blocked("socket.create_connection")
socket.getaddrinfo = blocked("socket.getaddrinfo")
'''

WORK = r'''
import model, model.cli, model.batch, model.analyses
from model import rank, load_ranker
PHASE[0] = "rank"
case = json.loads(sys.argv[1])
rank(case).to_json()
rank(case, detail=True).to_json()
import pandas as pd
load_ranker().rank_frame(pd.DataFrame([case]))
load_ranker().network
PHASE[0] = "cli"
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    codes = [model.cli.main(["rank", "--json"] + [k + "=" + v for k, v in case.items()]),
             model.cli.main(["rank", "--detail"] + [k + "=" + v for k, v in case.items()])]
assert codes == [0, 0], codes
print(json.dumps(attempts))
'''


def run_python(script: str, *args, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "PYTHONHASHSEED"))}
    env.update(HOME=str(home), TMPDIR=str(home / "tmp"), PYTHONDONTWRITEBYTECODE="1",
               XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               MPLCONFIGDIR=str(home / ".config" / "matplotlib"))
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, "-c", script, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() or p.is_dir()}


def test_a_fresh_import_rank_and_cli_attempt_no_connection_and_write_nothing(tmp_path):
    """Import in a new process (so nothing is cached), with a clean HOME, TMPDIR and working folder."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "tmp").mkdir()
    before = snapshot(home)
    run = run_python(GUARD + WORK, json.dumps(CASE), cwd=home, home=home)
    assert run.returncode == 0, run.stderr[-2000:]
    attempts = json.loads(run.stdout.strip().splitlines()[-1])
    assert attempts == [], attempts
    assert snapshot(home) == before, "files appeared or changed under HOME, TMPDIR or the working folder"


def test_the_cli_keeps_nothing_but_the_file_asked_for(tmp_path, monkeypatch, capsys, no_network):
    """rank (answers, a case file, standard input) and batch, in an empty HOME and working folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(home))
    monkeypatch.chdir(home)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(home))
    case = home / "case.json"
    case.write_text(json.dumps(CASE))
    src = home / "cases.csv"
    src.write_text("caffeine,stress\nhigh,low\nlots,low\n")
    before = snapshot(home)
    assert main(["rank", "--json", *(f"{k}={v}" for k, v in CASE.items())]) == 0
    assert main(["rank", "--json", "--case", str(case)]) == 0
    assert main(["rank", "cafeine=high"]) == 2
    with mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(CASE).encode()))):
        assert main(["rank", "--case", "-"]) == 0
    assert snapshot(home) == before, "rank wrote a file"
    assert main(["batch", str(src), "-o", str(home / "ranked.csv"), "--quiet"]) == 2  # one bad row
    after = snapshot(home)
    assert set(after) - set(before) == {"ranked.csv"}, "batch writes the output it was asked for, nothing else"
    assert {k: v for k, v in after.items() if k != "ranked.csv"} == before
    capsys.readouterr()


# ------------------------------------------------------------------ the dashboard


def test_streamlit_config_keeps_telemetry_off_and_binds_to_loopback(tmp_path):
    """The effective configuration Streamlit reads from the project's .streamlit/config.toml."""
    import tomllib

    raw = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert raw["browser"]["gatherUsageStats"] is False
    assert raw["server"]["address"] == "127.0.0.1"
    script = ("import json\nfrom streamlit import config\nconfig.get_config_options(force_reparse=True)\n"
              "keys = ['browser.gatherUsageStats', 'server.address', 'server.enableXsrfProtection', "
              "'server.enableCORS', 'server.headless', 'server.maxUploadSize', 'client.showErrorDetails']\n"
              "print(json.dumps({k: config.get_option(k) for k in keys}))\n")
    home = tmp_path / "home"
    home.mkdir()
    run = run_python(script, cwd=ROOT, home=home)  # a clean HOME: no personal ~/.streamlit/config.toml
    assert run.returncode == 0, run.stderr[-2000:]
    effective = json.loads(run.stdout.strip().splitlines()[-1])
    assert effective["browser.gatherUsageStats"] is False
    assert effective["server.address"] == "127.0.0.1"
    assert effective["server.enableXsrfProtection"] is True and effective["server.enableCORS"] is True
    assert effective["server.headless"] is True
    assert effective["server.maxUploadSize"] <= 1  # megabytes: a case file or a small CSV, nothing more
    assert effective["client.showErrorDetails"] in ("none", False)


def test_make_run_binds_to_loopback():
    """`make run` starts the launcher, which binds loopback whatever the config files say (the
    real server is tested in tests/dashboard/test_server.py)."""
    from dashboard.serve import SERVER_OPTIONS

    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "-m dashboard.serve" in run and "streamlit run" not in makefile
    assert SERVER_OPTIONS["server.address"] == "127.0.0.1" and "0.0.0.0" not in makefile


def test_the_dashboard_runs_without_any_network_access(no_network, tmp_path, monkeypatch):
    """A full AppTest run of app.py (and a rerun) under the guard, with an empty HOME."""
    if not APP.exists():
        pytest.skip("app.py does not exist yet (being written for the dashboard issue); "
                    "this test runs it under the network guard as soon as it exists")
    from streamlit.testing.v1 import AppTest

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(ROOT)
    before = snapshot(home)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.run()  # a rerun, as on every click: the cached ranker is reused
    assert not at.exception, [e.value for e in at.exception]
    assert no_network == []
    assert snapshot(home) == before, "the dashboard wrote files under HOME"


def test_the_diary_page_stores_nothing_until_a_diary_is_started(no_network, tmp_path, monkeypatch):
    """The Diary page, in its default place (the user data folder, here under an empty HOME):
    visiting it, rerunning it and visiting the other pages write nothing; "Start a diary"
    makes the one diary file, private to its user, and nothing else."""
    from streamlit.testing.v1 import AppTest

    from dashboard.diary import FILE_ENV
    from model.diary import default_path

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv(FILE_ENV, raising=False)
    monkeypatch.chdir(ROOT)
    assert default_path().is_relative_to(home)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    for page in ("dashboard/pages/diary.py", "dashboard/pages/questions.py", "dashboard/pages/diary.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    at.run()
    assert snapshot(home) == {}, "the Diary page wrote files before a diary was started"
    at.button(key="diary::start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [f for f in snapshot(home) if (home / f).is_file()] == [str(default_path().relative_to(home))]
    assert default_path().stat().st_mode & 0o077 == 0
    assert no_network == []
