"""The batch output (model/files.py): never the input, never through a link, the umask's
mode, and nothing left behind by a run that stops, whatever stops it (issue 11, items 2-4)."""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model import InputError
from model import files as output
from model.batch import csv_stream
from model.batch.csv_stream import run_batch
from model.cli import main

CSV = b"caffeine,twitching\nhigh,yes\nlots,yes\nnone,\n"
SCRIPT = Path(sys.executable).with_name("twitch-causes")


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "in.csv"
    path.write_bytes(CSV)
    return path


def refused(capsys, source: Path, target: Path, fragment: str) -> None:
    code = main(["batch", str(source), "-o", str(target), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "internal error" not in err, err


# ------------------------------------------------------------------ item 2: the output is never the input


@pytest.mark.parametrize("how", ["same path", "other spelling", "hard link", "symlink"])
def test_an_output_that_is_the_input_is_refused_before_reading(capsys, monkeypatch, tmp_path, source, how):
    target = {"same path": source, "other spelling": tmp_path / "." / "in.csv", "hard link": tmp_path / "hard.csv",
              "symlink": tmp_path / "link.csv"}[how]
    if how == "hard link":
        os.link(source, target)
    elif how == "symlink":
        target.symlink_to(source)

    def never(_):
        raise AssertionError("the source was opened")

    monkeypatch.setattr(csv_stream, "_open_text", never)
    refused(capsys, source, target, "would destroy the input")
    assert source.read_bytes() == CSV


def test_standard_input_redirected_from_the_output_is_refused(tmp_path, source):
    result = subprocess.run(["sh", "-c", f"exec '{SCRIPT}' batch - -o '{source}' --quiet < '{source}'"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "is the input file" in result.stderr
    assert source.read_bytes() == CSV


# ------------------------------------------------------------------ item 4: what the output may replace, its mode


def test_a_read_only_output_is_refused_by_name(capsys, tmp_path, source):
    target = tmp_path / "out.csv"
    target.write_text("keep me")
    target.chmod(0o444)
    refused(capsys, source, target, f"{target}: is read-only")
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlinked_output_is_refused_and_its_target_untouched(capsys, tmp_path, source, dangling):
    elsewhere = tmp_path / "elsewhere.txt"
    if not dangling:
        elsewhere.write_text("another file of yours")
    link = tmp_path / "out.csv"
    link.symlink_to(elsewhere)
    refused(capsys, source, link, f"{link}: is a symbolic link (to {elsewhere})")
    assert link.is_symlink() and (dangling or elsewhere.read_text() == "another file of yours")
    assert dangling is not elsewhere.exists()


def test_a_fifo_or_a_folder_is_not_an_output(capsys, tmp_path, source):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    refused(capsys, source, fifo, "is not a regular file (a FIFO)")
    refused(capsys, source, tmp_path, "is a folder")


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_output_has_the_umask_mode(ranker, tmp_path, source, mask, mode):
    target = tmp_path / "out.csv"
    old = os.umask(mask)
    try:
        assert output.umask() == mask
        run_batch(ranker, source, target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == mode


def test_a_replaced_output_keeps_its_mode(ranker, tmp_path, source):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    run_batch(ranker, source, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text().startswith("caffeine,")


# ------------------------------------------------------------------ item 3: nothing left behind


def test_while_the_rows_are_written_the_folder_shows_no_file(ranker, tmp_path, source):
    seen = []
    run_batch(ranker, source, tmp_path / "out.csv", on_bad=lambda n, m: seen.append(sorted(os.listdir(tmp_path))))
    assert seen == [["in.csv"]], "an unnamed temporary file (O_TMPFILE) has no name in the folder"
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "out.csv"]


def test_the_named_fallback_is_removed_when_a_run_fails(ranker, monkeypatch, tmp_path, source):
    monkeypatch.setattr(output, "USE_TMPFILE", False)
    seen = []

    def stop(number, msg):
        seen.append(sorted(os.listdir(tmp_path)))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(ranker, source, tmp_path / "out.csv", on_bad=stop)
    assert len(seen[0]) == 2 and output._STALE.match(seen[0][0]), seen
    assert os.listdir(tmp_path) == ["in.csv"]
    run_batch(ranker, source, tmp_path / "out.csv")
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "out.csv"]


def test_the_sweep_removes_only_our_dead_runs_files(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = int(dead.stdout)
    host = output._host()
    names = {
        "dead": f".twitch-causes-{host}-{gone}-abc123.part",
        "alive": f".twitch-causes-{host}-{os.getpid()}-abc123.part",
        "other host": f".twitch-causes-otherhost-{gone}-abc123.part",
        "not ours": f".twitch-causes-{host}-{gone}-abc123.csv",
        "a user's file": "twitch-causes-notes.part",
    }
    for name in names.values():
        (tmp_path / name).write_text("x")
    (tmp_path / f".twitch-causes-{host}-{gone}-link.part").symlink_to(tmp_path / names["a user's file"])
    assert output.sweep(tmp_path) == [names["dead"]]
    assert sorted(os.listdir(tmp_path)) == sorted([n for k, n in names.items() if k != "dead"]
                                                  + [f".twitch-causes-{host}-{gone}-link.part"])


def _start(tmp_path: Path, fallback: bool) -> subprocess.Popen:
    """A real batch reading from a pipe that stays open: it has its temporary output and waits."""
    code = ("import sys; from model import files as output; output.USE_TMPFILE = " + str(not fallback)
            + "; from model.cli import main; sys.exit(main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", code, "batch", "-", "-o", str(tmp_path / "out.csv"), "--quiet"],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert proc.stdin is not None
    proc.stdin.write(b"caffeine,twitching\n" + b"high,yes\n" * 1000)
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until its temporary output is open
        fds = Path(f"/proc/{proc.pid}/fd")
        try:
            targets = [os.readlink(fd) for fd in fds.iterdir()]
        except OSError:
            targets = []
        if any(t.startswith(str(tmp_path)) for t in targets):
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the batch never opened its output")


@pytest.mark.parametrize("fallback", [False, True], ids=["O_TMPFILE", "named temporary"])
@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
def test_a_signal_leaves_no_file_behind(tmp_path, sig, fallback):
    proc = _start(tmp_path, fallback)
    if fallback:
        assert len(os.listdir(tmp_path)) == 1, "the named temporary is there while the run lasts"
    proc.send_signal(getattr(signal, sig))
    _, err = proc.communicate(timeout=60)
    left = os.listdir(tmp_path)
    if sig == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
        if fallback:  # a killed process cannot clean up: the next run in the folder does
            assert len(left) == 1 and output._STALE.match(left[0])
            assert output.sweep(tmp_path) == left
            left = os.listdir(tmp_path)
    else:
        assert proc.returncode == 1, err
        assert (b"stopped by " + sig.encode() if sig != "SIGINT" else b"interrupted") in err
    assert left == [], f"left behind after {sig}: {left}"


def test_commit_failures_are_bad_input_not_a_traceback(ranker, monkeypatch, tmp_path, source):
    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(InputError, match="No space left on device"):
        run_batch(ranker, source, tmp_path / "out.csv")
    assert os.listdir(tmp_path) == ["in.csv"]
