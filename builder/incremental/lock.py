"""One run at a time writes a knowledge base's build/ folder.

Two runs at once could each write their pages and then save a state that names the other's
list of written files: a helper made two `generate` runs overlap around an edit, and the
state then said "the edited record" of pages that still showed the text before it, which
no later run looked at again. So `generate`, `build` and `serve` hold a lock for as long as
they read and write build/, and a run that finds it held says which process holds it and
waits, as a second `cargo build` does.

The lock is the system's (``flock``) on the knowledge base's folder itself, opened to read:
no file is made for it (a run refused before it writes anything leaves no build/ behind,
and there is no lock file to plant a link in), and it is let go when the process ends,
however it ends, so a killed run leaves none behind. Workers forked by a run share it with
the run; a run inside a run (`build` runs `generate`) takes it once.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

_held: dict[str, int] = {}  # knowledge base folder -> how many runs of this process hold its lock


@contextlib.contextmanager
def running(root: Path, note: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of the knowledge base at ``root`` for the block; ``note`` hears, once,
    that another run holds it and this one waits (or that this file system has no locks)."""
    key = os.path.realpath(root)
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    handle = os.open(key, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        _take(handle, key, note)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(handle)  # lets the lock go (once forked workers have ended too)


def _take(handle: int, folder: str, note: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except OSError as exc:
        if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            # a file system without locks (some network ones): go on, as before there was one
            if note is not None:
                note(f"{folder} cannot be locked ({exc.strerror or exc}): run one summitry at a time on it")
            return
    if note is not None:
        note(f"waiting for {holder(handle)} to end: one run at a time writes {os.path.join(folder, 'build')}")
    fcntl.flock(handle, fcntl.LOCK_EX)


def holder(handle: int) -> str:
    """Who holds the lock on the folder open at ``handle``, as Linux's /proc/locks says: its
    process and, if it is summitry, its command; "another summitry run" where it does not say."""
    info = os.fstat(handle)
    node = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read(1 << 20).splitlines()
    except OSError:
        return "another summitry run"
    for line in lines:  # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; a waiter's has "->"
        fields = line.split()
        if "->" not in fields and "FLOCK" in fields and node in fields:
            pid = fields[fields.index(node) - 1]
            command = command_of(_arguments(pid))
            return f"{command} (process {pid})" if command else f"process {pid}"
    return "another summitry run"


def _arguments(pid: str) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as found:
            return found.read(4096).decode("utf-8", "replace").split("\0")
    except OSError:
        return []


def command_of(args: list[str]) -> str:
    """``summitry <command>`` from a process's arguments, if it runs summitry; else ""."""
    for i, arg in enumerate(args[:-1]):
        if os.path.basename(arg) == "summitry" or (arg == "builder.cli" and i and args[i - 1] == "-m"):
            # the command is the first word that is not an option or an option's value
            # (summitry --root KB serve: a serve holds the lock for as long as it runs)
            rest = args[i + 1 :]
            words = [w for j, w in enumerate(rest) if w.isalpha() and not (j and rest[j - 1] in _VALUED)]
            return f"summitry {words[0]}" if words else "summitry"
    return ""


_VALUED = frozenset({"--root", "--format", "--engine", "--jobs", "--dev-addr"})
"""Global options that take a value, which is no command."""
