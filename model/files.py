"""Files the program writes (a batch's ranked CSV, an exported network, a report, a diary
export): each appears whole when it is complete, or not at all.

Checked before anything is read: the output may not be the input (the same file, a hard
link or a symbolic link to it), a symbolic link (refused, never written through: a planted
link could otherwise point the output at another of your files), a read-only file, a folder
or anything but a regular file.

While the run lasts, the rows go to a temporary file in the output's folder:
- on Linux, an unnamed one (O_TMPFILE), linked into place when the run is complete: a run
  that stops in any way, SIGKILL and power loss included, leaves no file behind;
- elsewhere (or on a filesystem without O_TMPFILE), a named one,
  `.twitch-causes-<host>-<pid>-<random>.part` (mode 0600), removed when the run fails or is
  interrupted (the CLI turns SIGINT, SIGTERM and SIGHUP into exceptions); one that a killed
  run leaves is removed by the next run writing into that folder (when it is a regular file
  of yours, named for this host, and its process is gone).
A complete output that replaces an existing file passes through such a named file for the
instant between the link and the rename.

The output's mode: a new file gets 0o666 & ~umask, like any file a program creates (the rows
hold health answers: set a umask such as 077, or choose a private folder, to keep them to
yourself); a file that is replaced keeps its permission bits.
"""
from __future__ import annotations

import errno
import os
import re
import socket
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

from .errors import InputError

PREFIX = ".twitch-causes-"
SUFFIX = ".part"
USE_TMPFILE = True  # False: always the named temporary (tests of the fallback set it)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


_STALE = re.compile(rf"^{re.escape(PREFIX)}(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)-[A-Za-z0-9_]+{re.escape(SUFFIX)}$")


def write_file(target: str | Path, data: str | bytes, source: str | Path | None = None) -> Path:
    """Write a whole file by the rules above (checked first; `source`: an input it may not be)."""
    path = check_target(source, target)
    with Output(path, binary=isinstance(data, bytes)) as out:
        out.file.write(data)
        out.commit()
    return path


def check_target(source: str | Path | None, target: str | Path) -> Path:
    """Refuse an output that would destroy the input or write where it should not (InputError)."""
    target = Path(target)
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{target}: cannot write the output there ({exc.strerror or exc})") from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        if _same(source, target):
            raise InputError(f"{target}: is a link to the input {source}; writing it would destroy the input: "
                             "give the output another name")
        raise InputError(f"{target}: is a symbolic link (to {os.readlink(target)}); the output is never written "
                         "through a link: give the file's own path or another name")
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{target}: is a folder; give the output a file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise InputError(f"{target}: is not a regular file ({_kind(st.st_mode)}); give the output a file name")
    if st is not None and _same(source, target):
        raise InputError(f"{target}: is the input file{'' if str(source) == str(target) else f' ({source})'}; "
                         "writing it would destroy the input: give the output another name")
    if st is not None and _read_only(target, st):
        raise InputError(f"{target}: is read-only; the output does not replace a read-only file: "
                         "make it writable or give another name")
    return target


def _same(source: str | Path | None, target: str | Path) -> bool:
    if source is None:
        return False
    try:
        theirs = os.stat(target)
        ours = os.fstat(sys.stdin.fileno()) if str(source) == "-" else os.stat(source)
    except (OSError, ValueError, AttributeError):  # no such file, or no standard input
        return False
    return (ours.st_dev, ours.st_ino) == (theirs.st_dev, theirs.st_ino)


def _read_only(target: Path, st: os.stat_result) -> bool:
    if hasattr(os, "geteuid") and st.st_uid == os.geteuid():
        return not st.st_mode & stat.S_IWUSR  # root too: a file its owner made read-only stays so
    return not os.access(target, os.W_OK)


def _kind(mode: int) -> str:
    for test, word in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return word
    return "not a file"


class Output:
    """`with Output(target) as out: out.file.write(...); out.commit()`: the target appears only
    at `commit()`; leaving the block without it (an exception, a signal) leaves nothing."""

    def __init__(self, target: Path, binary: bool = False):
        self.target = target
        self.binary = binary
        self.folder = target.parent if str(target.parent) else Path(".")
        self.fd = -1
        self.named: str | None = None  # the named temporary, when there is one
        self.file: IO

    def __enter__(self) -> Output:
        sweep(self.folder)
        try:
            self.fd, self.named = _create(self.folder)
        except OSError as exc:
            raise InputError(f"{self.target}: cannot write the output here ({exc.strerror or exc})") from None
        self.file = (os.fdopen(self.fd, "wb") if self.binary else
                     os.fdopen(self.fd, "w", encoding="utf-8", newline=""))
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.file.close()
        finally:
            if self.named is not None:
                Path(self.named).unlink(missing_ok=True)

    def commit(self) -> None:
        """Give the finished file its mode and put it in place, atomically."""
        self.file.flush()
        try:
            os.fsync(self.fd)
            os.fchmod(self.fd, _mode(self.target))
            if self.named is None:  # unnamed (O_TMPFILE): link it in, directly if the name is free
                try:
                    _link(self.fd, self.folder, self.target.name)
                    return
                except FileExistsError:
                    self.named = _free_name(self.folder)
                    _link(self.fd, self.folder, os.path.basename(self.named))
            os.replace(self.named, self.target)
            self.named = None
        except OSError as exc:
            raise InputError(f"{self.target}: cannot write the output ({exc.strerror or exc})") from None


def _link(fd: int, folder: Path, name: str) -> None:
    """linkat(AT_FDCWD, "/proc/self/fd/N", folder, name, AT_SYMLINK_FOLLOW): give the unnamed file
    a name (os.link passes AT_SYMLINK_FOLLOW to linkat only when given a folder descriptor)."""
    folder_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=folder_fd, follow_symlinks=True)
    finally:
        os.close(folder_fd)


def _create(folder: Path) -> tuple[int, str | None]:
    """A temporary file in `folder` for writing: unnamed where the platform allows, else named."""
    flags = getattr(os, "O_TMPFILE", 0)
    if USE_TMPFILE and flags and os.path.isdir("/proc/self/fd"):
        try:
            return os.open(folder, flags | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o600), None
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                raise  # no folder, no permission: say so rather than try another way
    fd, path = tempfile.mkstemp(prefix=f"{PREFIX}{_host()}-{os.getpid()}-", suffix=SUFFIX, dir=folder)
    return fd, path


def _free_name(folder: Path) -> str:
    return os.path.join(folder, f"{PREFIX}{_host()}-{os.getpid()}-{os.urandom(6).hex()}{SUFFIX}")


def _mode(target: Path) -> int:
    """The permission bits of the file being replaced, or 0o666 & ~umask for a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~umask()


def umask() -> int:
    """The process's umask, read without changing it where Linux allows (/proc/self/status)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def sweep(folder: Path) -> list[str]:
    """Remove the temporaries that killed runs on this host left in `folder`; returns their names."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return []
    removed = []
    host, me = _host(), os.geteuid()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _STALE.match(entry.name)
        if not match or match["host"] != host:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or st.st_uid != me or _alive(int(match["pid"])):
                continue
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
