"""Serve the dashboard on loopback only, without ever opening a connection off this machine.

    python -m dashboard.serve [--port 8501]        # what `make run` does

Two things that .streamlit/config.toml cannot do are done here, before Streamlit starts:

1. No address discovery. Streamlit 1.67's cross-origin check for its WebSocket
   (streamlit/web/server/server_util.py, is_url_from_allowed_origins) asks
   net_util.get_internal_ip (a UDP "connect" to 8.8.8.8) and net_util.get_external_ip (a
   request to an external-IP web service) whenever an Origin is not plainly local, i.e. on
   every visit from another web site, and it waits for them on the server's event loop. No
   option turns this off. Both are replaced with "not known", which the check and the
   start-up banner skip.
2. Loopback only. A small ASGI middleware answers 403, before any Streamlit route runs,
   to every HTTP request and WebSocket upgrade whose Host is not 127.0.0.1, localhost or
   ::1 (DNS rebinding) or whose Origin, when sent, is not that same address. (Streamlit's
   own server.allowedHosts covers the WebSocket only, not the page, uploads or downloads.)

The server's options are passed to App.run like command-line flags, so loopback, headless
and no usage statistics hold whatever a user's ~/.streamlit/config.toml says.

Two conveniences for the pages: the model is loaded in the background while the server
starts, so the first visitor does not wait for it; and `/_twitch-causes/boot` answers this
server process's random id, so that a page left open across a restart notices the new
server and reloads itself instead of showing results the new server does not have.
"""
from __future__ import annotations

import argparse
import os
import secrets
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from starlette.middleware import Middleware
from streamlit import net_util

APP = Path(__file__).resolve().parents[1] / "app.py"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SERVER_OPTIONS = {"server.address": "127.0.0.1", "server.headless": True, "browser.gatherUsageStats": False,
                  "server.fileWatcherType": "none"}


BOOT_PATH = "/_twitch-causes/boot"
BOOT_ID = secrets.token_hex(8)  # new with every server process
os.environ["TWITCH_CAUSES_BOOT"] = BOOT_ID  # the pages read it (they run in this process)


def _not_known() -> None:
    """Streamlit reads None as 'address not known' wherever it asks for one."""
    return None


net_util.get_internal_ip = _not_known  # patched on import: before the socket is bound or a request read
net_util.get_external_ip = _not_known


def host_name(netloc: str) -> str | None:
    """'127.0.0.1:8501' -> '127.0.0.1', '[::1]:8501' -> '::1'; None unless it is a bare host[:port]."""
    try:
        parts = urlsplit(f"//{netloc}")
        parts.port  # noqa: B018 - a bad port raises ValueError
    except ValueError:
        return None
    if not parts.hostname or parts.username or parts.password or parts.path or parts.query:
        return None
    return parts.hostname.lower().rstrip(".")


def allowed(hosts: list[str], origins: list[str]) -> bool:
    """One loopback Host, and no Origin or exactly the same loopback origin."""
    if len(hosts) != 1 or host_name(hosts[0]) not in LOOPBACK:
        return False
    if not origins:
        return True
    parts = urlsplit(origins[0])
    return len(origins) == 1 and parts.scheme in ("http", "https") and parts.netloc == hosts[0]


class LoopbackOnly:
    """ASGI middleware: 403 for a request not addressed to loopback, or from another origin."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            headers: dict[bytes, list[str]] = {}
            for name, value in scope["headers"]:
                headers.setdefault(name, []).append(value.decode("latin-1"))
            if not allowed(headers.get(b"host", []), headers.get(b"origin", [])):
                await self._refuse(scope, send)
                return
            if scope["type"] == "http" and scope.get("path") == BOOT_PATH:
                await self._text(send, 200, BOOT_ID.encode(), b"no-store")
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _text(send, status: int, body: bytes, cache: bytes = b"no-cache") -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", cache),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _refuse(scope, send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: the upgrade gets 403
            return
        await LoopbackOnly._text(send, 403, b"Forbidden: this dashboard answers only http://127.0.0.1 and "
                                           b"http://localhost\n")


app = st.App(APP, middleware=[Middleware(LoopbackOnly)])


def warm_up() -> None:
    """Load the model (and compile what the analyses need) while the server starts."""
    try:
        from model import load_ranker
        from model.analyses import prepare

        ranker = load_ranker()
        prepare(ranker)
        ranker.rank({"twitching": "yes"}, detail=True)
    except Exception:  # the page loads it again and says what went wrong
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501, help="loopback port (default 8501)")
    args = parser.parse_args(argv)
    sys.argv = [str(APP)]  # App.run() hands sys.argv[1:] to app.py: nothing
    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    app.run(config={**SERVER_OPTIONS, "server.port": args.port})


if __name__ == "__main__":
    main()
