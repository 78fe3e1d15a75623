"""The real dashboard server (`python -m dashboard.serve`, what `make run` starts) makes no
connection off loopback in any path reachable from outside, and answers only loopback.

The server runs under an audit hook (tests/support/audit/sitecustomize.py) that records every
connect, send-to and name lookup it attempts and refuses those off loopback, so the test is
safe on any machine; then it is sent what a hostile web page could send: cross-origin
WebSocket upgrades, requests with a foreign Host header (DNS rebinding), a rebinding WebSocket."""
from __future__ import annotations

import base64
import json
import os
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard.serve import allowed, host_name
from tests.support.server import serve

AUDIT = Path(__file__).resolve().parents[1] / "support" / "audit"


def raw_request(url: str, path: str, host: str, extra: str = "", upgrade: bool = False) -> int:
    """Send one HTTP request with exactly these headers; the response's status code."""
    port = int(url.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    ws = (f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
          "Sec-WebSocket-Version: 13\r\n") if upgrade else ""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{ws}{extra}Connection: close\r\n\r\n" if not upgrade else \
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{ws}{extra}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        status = sock.recv(4096).split(b"\r\n", 1)[0]
    return int(status.split()[1])


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    folder = tmp_path_factory.mktemp("server")
    log = folder / "audit.jsonl"
    env = {"PYTHONPATH": os.pathsep.join([str(AUDIT), os.environ.get("PYTHONPATH", "")]),
           "TWITCH_CAUSES_AUDIT_LOG": str(log)}
    with serve(folder / "server.log", env=env) as url:
        yield url, log


def events(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_the_hook_is_active_in_the_server(audited):
    url, log = audited
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        assert response.read() == b"ok"
    assert any(e["event"] == "loaded" for e in events(log)), "the audit hook was not loaded in the server"


def test_hostile_requests_are_refused_and_nothing_leaves_loopback(audited):
    url, log = audited
    host = url.removeprefix("http://")
    port = host.rsplit(":", 1)[1]
    for _ in range(3):
        assert raw_request(url, "/_stcore/stream", host, "Origin: http://evil.example\r\n", upgrade=True) == 403
    for path in ("/", "/_stcore/health", "/_stcore/host-config", "/media/x.json", "/_twitch-causes/boot"):
        assert raw_request(url, path, f"evil.example:{port}") == 403
    rebinding = f"evil.example:{port}"
    assert raw_request(url, "/_stcore/stream", rebinding, f"Origin: http://{rebinding}\r\n", upgrade=True) == 403
    # the page itself still works from loopback, by address and by name
    assert raw_request(url, "/", host) == 200
    assert raw_request(url, "/", f"localhost:{port}") == 200
    assert raw_request(url, "/_twitch-causes/boot", host) == 200
    assert raw_request(url, "/_stcore/stream", host, f"Origin: http://{host}\r\n", upgrade=True) == 101
    time.sleep(0.5)
    off = [e for e in events(log) if not e["loopback"]]
    assert off == [], off


@pytest.mark.parametrize("hosts, origins, ok", [
    (["127.0.0.1:8501"], [], True), (["localhost:8501"], ["http://localhost:8501"], True),
    (["[::1]:8501"], [], True), (["127.0.0.1:8501"], ["http://evil.example"], False),
    (["evil.example:8501"], [], False), (["127.0.0.1.evil.example"], [], False),
    (["127.0.0.1:8501", "127.0.0.1:8501"], [], False), (["user@127.0.0.1:8501"], [], False),
    (["127.0.0.1:99999"], [], False), (["127.0.0.1:8501"], ["null"], False), ([], [], False),
    (["127.0.0.1:8501"], ["http://127.0.0.1:8501", "http://127.0.0.1:8501"], False),
])
def test_the_rule_for_host_and_origin(hosts, origins, ok):
    assert allowed(hosts, origins) is ok


def test_host_names_are_parsed_strictly():
    assert host_name("[::1]:8501") == "::1" and host_name("LOCALHOST.") == "localhost"
    assert host_name("127.0.0.1/x") is None and host_name("127.0.0.1:port") is None


def test_the_boot_id_is_new_with_every_server_process(tmp_path):
    """A page left open across a restart sees another id and reloads itself (app.py)."""
    ids = []
    for run in range(2):
        with serve(tmp_path / f"server{run}.log") as url:
            with urllib.request.urlopen(f"{url}/_twitch-causes/boot", timeout=10) as response:
                ids.append(response.read().decode())
                assert response.headers["cache-control"] == "no-store"
    assert len(ids[0]) == 16 and ids[0] != ids[1]
