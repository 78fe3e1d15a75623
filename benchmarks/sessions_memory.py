"""How much memory the dashboard server holds per open session, and whether it is given back.

Starts the real dashboard (`python -m dashboard.serve` on a free loopback port, as the browser
tests do) and records the resident memory (RSS, from /proc, summed over the server process and
any children it spawns):

1. after start-up (when /_stcore/health answers, and again once the background model load has
   settled);
2. after the first page load, and after that first session has answered its questions;
3. with N sessions open at once: N browser contexts in Debian's Chromium, each its own
   Streamlit session, each answering "twitching: yes", one trigger and the age on the All
   questions page and waiting for its result; the per-session increment is
   (RSS_N - RSS_1) / (N - 1);
4. after every page is closed: at once, then through Streamlit's expiry of disconnected
   sessions (`server.disconnectedSessionTTL`, read from the config files the server reads;
   Streamlit's default is 120 s), and after each of two short probe sessions that connect
   and leave (Streamlit's session store drops expired sessions only when it is next written
   to, and deletes an unreferenced download on the second clean-up that finds it).

Beside RSS, each stage prints what Streamlit's own /_stcore/metrics reports: connected
sessions, and the bytes held in session state, in the app's session-scoped caches and in the
media store (the download buttons' files).

Isolation check: every session is given a different answer (trigger x age); each page must show
the result the model gives for its own answers (the "Most likely" and serious-condition
sentences, computed here in process) and "Save my answers" must download exactly its own
answers, checked after all N sessions are open. Exit status 1 if any page fails it.

    .venv/bin/python benchmarks/sessions_memory.py [--sessions 20] [--parallel 3]
    .venv/bin/python benchmarks/sessions_memory.py --quick    # 3 sessions

A run takes the session expiry (2 minutes by default) plus about a minute per 10 sessions
on two busy cores; --quick waits for the expiry too. (The TTL cannot be shortened from
here: App.run, which dashboard/serve.py uses, reads no STREAMLIT_* variables for it.)

Linux only (/proc). The machine's load average is printed at the start and the end: the
browser shares the cores with the server, so run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
WAIT_MS = 60_000  # generous: the machine may be busy
# One trigger per session (input id, state), combined with the age: 30 different cases.
TRIGGERS = [("caffeine", "high"), ("nicotine", "yes"), ("stress", "high"), ("sleep", "poor"), ("exertion", "intense"),
            ("fluid_intake", "low"), ("asthma_medication", "yes"), ("alcohol", "heavy"), ("diuretic", "yes"),
            ("ssri", "yes")]
AGES = ["under_40", "40_to_60", "over_60"]
MB = 1024 * 1024
NOTES: list[str] = []  # printed under the table


# ----------------------------------------------------------------------------- memory, from /proc
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])  # the name in (...) may hold spaces
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _vm_rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> tuple[int, int]:
    """RSS in bytes of `pid` and all its descendants, and how many processes that is."""
    tree, todo, seen = _children(), [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += tree.get(p, [])
    return sum(_vm_rss(p) for p in seen), len(seen)


def settled_rss(pid: int, quiet_mb: float = 2.0, quiet_s: float = 3.0, timeout: float = 60.0) -> int:
    """RSS once it has moved less than `quiet_mb` over the last `quiet_s` seconds (or after `timeout`)."""
    start = time.monotonic()
    samples: list[tuple[float, int]] = []
    while True:
        now, rss = time.monotonic(), tree_rss(pid)[0]
        samples.append((now, rss))
        recent = [r for t, r in samples if t >= now - quiet_s]
        if now - start >= quiet_s and max(recent) - min(recent) < quiet_mb * MB:
            return rss
        if now - start > timeout:
            NOTES.append(f"RSS still moving after {timeout:.0f} s ({min(recent) / MB:.1f} to {max(recent) / MB:.1f} MB "
                         f"over the last {quiet_s:.0f} s); the last reading is used")
            return rss
        time.sleep(0.5)


def server_pid(port: int) -> int:
    """The `python -m dashboard.serve --port=<port>` process started by this one."""
    for pid in _children().get(os.getpid(), []):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if b"dashboard.serve" in cmd and f"--port={port}".encode() in cmd:
            return pid
    raise RuntimeError(f"no dashboard.serve child on port {port}")


# ----------------------------------------------------------------------------- Streamlit's own figures
METRICS_CACHE_S = 5.0  # Streamlit keeps its cache_memory_bytes figures for 5 s (starlette_routes.py)
_last_read = [0.0]


def metrics(url: str) -> dict[str, float]:
    """Connected sessions and bytes in session state, session caches and the media store, from
    /_stcore/metrics; waits until Streamlit's 5 s cache of the byte counts since the last read has run out."""
    time.sleep(max(0.0, _last_read[0] + METRICS_CACHE_S + 0.2 - time.monotonic()))
    with urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    _last_read[0] = time.monotonic()
    out = {"active": 0.0, "session_state": 0.0, "media": 0.0, "session_caches": 0.0}
    for line in text.splitlines():
        if line.startswith("active_sessions"):
            out["active"] = float(line.split()[-1])
        elif line.startswith("cache_memory_bytes"):
            value = float(line.split()[-1])
            if 'cache_type="st_session_state"' in line:
                out["session_state"] += value
            elif 'cache_type="st_memory_media_file_storage"' in line:
                out["media"] += value
            elif 'cache_type="st_cache_data"' in line:
                out["session_caches"] += value  # every st.cache_data of the app is scope="session"
    return out


def active_sessions(url: str) -> int:
    """Connected sessions (a live figure: only this family is asked for, so no byte counting)."""
    with urllib.request.urlopen(f"{url}/_stcore/metrics?families=active_sessions", timeout=10) as response:
        lines = [line for line in response.read().decode().splitlines() if line.startswith("active_sessions")]
    return int(float(lines[0].split()[-1])) if lines else 0


def wait_active(url: str, count: int, timeout: float = 60.0) -> float:
    """Seconds until Streamlit reports `count` connected sessions."""
    start = time.monotonic()
    while (now := active_sessions(url)) != count:
        if time.monotonic() - start > timeout:
            raise RuntimeError(f"Streamlit still reports {now} sessions, not {count}")
        time.sleep(0.25)
    return time.monotonic() - start


def session_ttl() -> int:
    """server.disconnectedSessionTTL as the server sees it: ~/.streamlit and the project's config.toml
    (dashboard/serve.py does not set it)."""
    from streamlit import config

    here = os.getcwd()
    try:
        os.chdir(ROOT)  # the project's .streamlit/ is found from the working directory, as for the server
        config.get_config_options(force_reparse=True)
        return int(config.get_option("server.disconnectedSessionTTL"))
    finally:
        os.chdir(here)


# ----------------------------------------------------------------------------- the sessions
@dataclass
class Session:
    number: int
    case: dict[str, str]
    expected: list[str]  # sentences the page must show
    context: object = None
    page: object = None
    seconds: float = 0.0
    problems: list[str] | None = None


def plan(n: int) -> list[Session]:
    """N different cases, each with the sentences the model gives for it (computed in process)."""
    from dashboard.text import leading_sentence
    from model import load_ranker
    from model.text import result_text

    ranker = load_ranker()
    sessions = []
    for k in range(n):
        (trigger, state), age = TRIGGERS[k % len(TRIGGERS)], AGES[(k // len(TRIGGERS)) % len(AGES)]
        case = {"twitching": "yes", trigger: state, "age": age}
        words = result_text(ranker.rank(case), ranker.vocabulary, asked=frozenset(case))
        sessions.append(Session(k + 1, case, [leading_sentence(words).replace("**", ""), words.serious]))
    return sessions


def label(input_id: str, state: str) -> str:
    from model import load_ranker

    return load_ranker().vocabulary.inputs[input_id].label_of(state)


async def open_session(browser, url: str, s: Session) -> None:
    """A new context (its own Streamlit session) on the All questions page."""
    s.context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    s.page = page = await s.context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{url}/questions")
    await page.wait_for_selector(".st-key-q_twitching")
    await page.wait_for_selector(IDLE)


async def answer(s: Session) -> None:
    """Click the session's answers on the form, as a person would, and wait for its result."""
    from playwright.async_api import expect

    page = s.page
    try:
        for input_id, state in s.case.items():
            text = label(input_id, state)
            question = page.locator(f".st-key-q_{input_id}")
            await question.scroll_into_view_if_needed()
            await question.get_by_text(text, exact=True).click()
            await expect(question.locator("label:has(input:checked)")).to_have_text(text)
            await page.wait_for_selector(IDLE)
        for sentence in s.expected:
            await expect(page.locator(".st-key-result_words")).to_contain_text(sentence)
    except Exception as exc:
        shot = Path(tempfile.gettempdir()) / f"twitch-causes-sessions-{s.number}.png"
        await page.screenshot(path=str(shot))
        raise RuntimeError(f"session {s.number} ({s.case}) did not show its result; see {shot}") from exc


async def check_session(s: Session) -> None:
    """With every session open: the page still shows its own result and saves its own answers."""
    page, problems = s.page, []
    shown = await page.locator(".st-key-result_words").inner_text()
    problems += [f"result does not say {sentence!r}" for sentence in s.expected if sentence not in shown]
    if await page.get_by_test_id("stException").count():
        problems.append("the page shows an exception")
    async with page.expect_download() as download:
        await page.locator(".st-key-save_answers button").click()
    saved = json.loads(Path(await (await download.value).path()).read_text())
    if saved != s.case:
        problems.append(f"Save my answers gave {saved}, not {s.case}")
    s.problems = problems


async def run(args, url: str, pid: int, rows: list, log) -> dict:
    """Drive the sessions; append a row per stage to `rows`; return the figures."""
    from playwright.async_api import async_playwright

    sessions, out = plan(args.sessions), {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = sessions[0]
        await open_session(browser, url, first)
        rows.append(log("after the first page load", settled_rss(pid)))
        await answer(first)
        await asyncio.to_thread(wait_active, url, 1)
        out["rss_1"] = settled_rss(pid)
        rows.append(log("1 session, answered", out["rss_1"]))
        limit = asyncio.Semaphore(args.parallel)

        async def one(s: Session) -> None:
            async with limit:
                start = time.perf_counter()
                await open_session(browser, url, s)
                await answer(s)
                s.seconds = time.perf_counter() - start

        started = time.perf_counter()
        await asyncio.gather(*(one(s) for s in sessions[1:]))
        out["opened"] = time.perf_counter() - started
        await asyncio.to_thread(wait_active, url, len(sessions))
        out["rss_n"] = settled_rss(pid)
        rows.append(log(f"{len(sessions)} sessions, answered", out["rss_n"]))
        for s in sessions:  # every session open: each page must still be its own
            await check_session(s)
        closed_at = time.monotonic()
        for s in sessions:
            await s.context.close()
        gone = await asyncio.to_thread(wait_active, url, 0)
        rows.append(log(f"all closed (0 in {gone:.1f} s)", settled_rss(pid, timeout=20), since=closed_at))
        wait = session_ttl() + 10
        while time.monotonic() - closed_at < wait:  # a point every 30 s through the expiry
            await asyncio.sleep(min(30.0, wait - (time.monotonic() - closed_at)))
            rows.append(log("waiting for the expiry", tree_rss(pid)[0], since=closed_at))
        for k in (1, 2):  # the store drops expired sessions when it is written to: a session that leaves
            probe = Session(0, {}, [])
            await open_session(browser, url, probe)
            await probe.context.close()
            await asyncio.to_thread(wait_active, url, 0)
            rows.append(log(f"after probe session {k}", settled_rss(pid, timeout=20), since=closed_at))
        await browser.close()
    out["sessions"] = sessions
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="sessions open at once (default 20)")
    parser.add_argument("--parallel", type=int, default=3,
                        help="sessions answering at the same time while they open (default 3; the machine has 2 cores)")
    parser.add_argument("--quick", action="store_true", help="3 sessions: checks that it runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions = 3
    if args.sessions < 2:
        parser.error("--sessions must be at least 2")
    if not Path(CHROMIUM).exists():
        print(f"skipped: {CHROMIUM} is missing (apt-get install chromium)")
        return 0
    from tests.support.server import free_port, serve

    load_start, t0 = os.getloadavg(), time.perf_counter()
    print(f"sessions_memory: {args.sessions} sessions ({args.parallel} at a time), disconnected-session TTL "
          f"{session_ttl()} s; {os.cpu_count()} cores, load average "
          + " ".join(f"{x:.2f}" for x in load_start))
    rows: list[tuple] = []
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / "twitch-causes-sessions-server.log"
    with serve(log_path, port=port) as url:
        pid = server_pid(port)

        def log(stage: str, rss: int, since: float | None = None) -> tuple:
            m = metrics(url)
            after = "" if since is None else f"{time.monotonic() - since:.0f}"
            return (stage, after, rss / MB, tree_rss(pid)[1], m["active"], m["session_state"] / 1024,
                    m["session_caches"] / 1024, m["media"] / 1024)

        rows.append(log("start-up (health ok)", tree_rss(pid)[0]))
        rows.append(log("start-up, settled", settled_rss(pid)))
        figures = asyncio.run(run(args, url, pid, rows, log))
    elapsed, load_end = time.perf_counter() - t0, os.getloadavg()

    print(f"\n{'stage':<28} {'s after close':>13} {'RSS MB':>8} {'procs':>5} {'active':>6} "
          f"{'state KB':>9} {'caches KB':>9} {'media KB':>9}")
    for stage, after, rss, procs, active, state_kb, caches_kb, media_kb in rows:
        print(f"{stage:<28} {after:>13} {rss:8.1f} {procs:>5} {active:>6.0f} {state_kb:9.1f} {caches_kb:9.1f} "
              f"{media_kb:9.1f}")
    n, sessions, rss_1, rss_n = args.sessions, figures["sessions"], figures["rss_1"], figures["rss_n"]
    per = (rss_n - rss_1) / (n - 1) / MB
    final = rows[-1][2]
    print(f"\nper session: ({rss_n / MB:.1f} - {rss_1 / MB:.1f}) / {n - 1} = {per:.2f} MB")
    print(f"after closing and the expiry: {final:.1f} MB, {final - rss_1 / MB:+.1f} MB against 1 session, "
          f"{final - rss_n / MB:+.1f} MB against {n}")
    times = sorted(s.seconds for s in sessions[1:])
    print(f"opening and answering: {n - 1} sessions in {figures['opened']:.1f} s (each {times[0]:.1f} to {times[-1]:.1f} s)")
    failed = [s for s in sessions if s.problems]
    distinct = len({tuple(s.expected) for s in sessions})
    print(f"isolation: {n - len(failed)} of {n} pages showed their own result and saved their own answers "
          f"({distinct} different results expected)")
    for s in failed:
        print(f"  FAIL session {s.number} {s.case}: " + "; ".join(s.problems))
    for note in NOTES:
        print(f"note: {note}")
    print(f"run time {elapsed:.0f} s; load average at the end " + " ".join(f"{x:.2f}" for x in load_end)
          + f"; server log {log_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
