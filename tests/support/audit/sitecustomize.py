"""Loaded by a Python process started with this folder first on PYTHONPATH (the privacy tests):
an audit hook (PEP 578, at C level) that appends every socket connect, send-to and name lookup
the process attempts to $TWITCH_CAUSES_AUDIT_LOG as JSON lines, and refuses those that leave
loopback, so that a test can run the real server on any machine without it going online."""
import json
import os
import sys
import threading

_LOG = os.environ.get("TWITCH_CAUSES_AUDIT_LOG")
_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "http.client.connect", "urllib.Request", "webbrowser.open"}
_LOOPBACK = ("127.", "::1", "localhost", "0.0.0.0", "::")
_lock = threading.Lock()
_inside = threading.local()


def _destination(event, args):
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        address = args[1] if event == "socket.connect" else args[-1]
        if not isinstance(address, tuple):
            return None  # a Unix socket: local by definition
        return str(address[0])
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return str(args[0])
    if event == "http.client.connect":
        return str(args[1])
    return str(args[0])  # urllib.Request, webbrowser.open: a URL


def _hook(event, args):
    if event not in _EVENTS or getattr(_inside, "on", False):
        return
    _inside.on = True
    try:
        host = _destination(event, args)
        local = host is None or host.startswith(_LOOPBACK) or host in ("", "None")
        if _LOG:
            with _lock, open(_LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps({"event": event, "host": host, "loopback": local}) + "\n")
        if not local:
            raise ConnectionRefusedError(f"refused by the test's audit hook: {event} to {host}")
    finally:
        _inside.on = False


sys.addaudithook(_hook)
if _LOG:  # say so, so that a test can tell "nothing was attempted" from "the hook never ran"
    with open(_LOG, "a", encoding="utf-8") as _log:
        _log.write(json.dumps({"event": "loaded", "host": None, "loopback": True, "pid": os.getpid()}) + "\n")
