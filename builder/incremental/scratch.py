"""Scratch folders a process marks as its own, and the sweep that removes those of stopped runs.

A file that is replaced whole (a page that changed, the manifest, the site's note) is first
written under another name, then renamed onto the old one, so that no reader sees half of
it. That other name is in a scratch folder of the writing run's own, never beside the file:
a run killed between the write and the rename (kill -9, SIGTERM, a power cut) then leaves
nothing in build/docs that could be taken for a file someone else put there, which the
builder would refuse to touch. The same goes for the folder a site is rendered in
(builder.engines.site_folder).

Each scratch folder holds a marker naming the process and the machine that made it. A later
run removes the folders whose process has ended on this machine; never a running one's, nor
another machine's (a shared folder), nor a folder that merely has the name and holds files.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from builder.incremental.own_files import read_own

MARKER = ".summitry-build"
WRITES = ".summitry-tmp-"
"""The prefix of the scratch folders that hold files being written (in build/)."""


def make(parent: Path, prefix: str) -> Path:
    """A new scratch folder in ``parent``, marked as this process's."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    # Written whole, then named: a marker is never seen half-written. A run stopped before
    # it is named leaves an empty folder, which a sweep removes, as no one's file is in it.
    unnamed = folder / f"{MARKER}.{os.getpid()}"
    unnamed.write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    os.replace(unnamed, folder / MARKER)
    return folder


def remove(folder: Path) -> bool:
    """Remove a scratch folder of ours, its marker last: one that cannot be removed whole
    stays marked, for a later sweep to try again (not left as a folder that merely has the
    name and holds files, which no sweep removes). A folder inside that the user made
    read-only (in a site set aside) is made writable first: all of it is ours to remove.
    Whether it is gone."""
    failed: list[object] = []
    for attempt in range(2):
        failed.clear()
        try:
            entries = [entry for entry in os.scandir(folder) if entry.name != MARKER]
        except FileNotFoundError:
            return True
        except OSError:
            entries = []
            failed.append(folder)
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, onerror=lambda *error: failed.append(error))
                else:
                    os.unlink(entry.path)
            except OSError as exc:
                failed.append(exc)
        if not failed:
            break
        if attempt == 0:
            writable(folder)
    else:
        return False
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / MARKER)
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def own_rights(folder: Path | str) -> None:
    """Give a folder (not a link) the owner's rights to list, enter and change it, if it lacks any."""
    mode = os.lstat(folder).st_mode
    if mode & 0o700 != 0o700:
        os.chmod(folder, stat.S_IMODE(mode) | 0o700)


def writable(folder: Path | str) -> None:
    """Give every folder under ``folder`` (itself too; never through a link) the owner's
    rights to list, enter and change it, where it lacks them."""
    stack = [str(folder)]
    while stack:
        here = stack.pop()
        try:
            if not stat.S_ISDIR(os.lstat(here).st_mode):
                continue
            own_rights(here)
            with os.scandir(here) as entries:
                stack += [entry.path for entry in entries if entry.is_dir(follow_symlinks=False)]
        except OSError:
            continue


@contextlib.contextmanager
def scratch(parent: Path, prefix: str = WRITES) -> Iterator[Path]:
    """A marked scratch folder in ``parent`` for the time of the block, removed afterwards."""
    folder = make(parent, prefix)
    try:
        yield folder
    finally:
        remove(folder)


def process_gone(pid: int) -> bool:
    """Whether no process of this machine has the id ``pid``. An id no process can have (a
    name in build/ may say anything: 0, which names a process group, or 99999999999) tells
    nothing: False, and what it names is left alone."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, OSError):  # alive and another user's; or no telling
        return False
    return _ended(pid)


def _ended(pid: int) -> bool:
    """Whether the process ``pid``, which still has its id, has ended and waits only to be
    reaped (a zombie: a build killed where nothing reaps orphans, as in a container without
    an init); where /proc cannot tell (not Linux), False."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            # "pid (name) state ...": the name may hold anything, so the state follows the last ")"
            return handle.read().rpartition(b")")[2].split()[:1] == [b"Z"]
    except OSError:
        return False


def _owner_gone(marker: Path) -> bool:
    try:
        pid_text, host = read_own(marker, 1024).decode("utf-8").split()
        pid = int(pid_text)
    except (OSError, ValueError):  # UnicodeDecodeError too
        return False
    # another machine's process (a shared folder): there is no telling
    return host == socket.gethostname() and process_gone(pid)


_UNNAMED = re.compile(re.escape(MARKER) + r"\.([0-9]{1,12})", re.ASCII)


def _left_over(folder: str) -> bool:
    """Whether a folder named as ours is a stopped run's: its marker names a process that has
    ended, or it holds nothing but the marker its ended process was writing."""
    marker = Path(folder) / MARKER
    if marker.is_symlink():
        return False
    if marker.is_file():
        return _owner_gone(marker)
    unnamed = [_UNNAMED.fullmatch(name) for name in os.listdir(folder)]
    return all(found and process_gone(int(found[1])) for found in unnamed)


def sweep(parent: Path, prefix: str = WRITES) -> tuple[str, ...]:
    """Remove the scratch folders that stopped runs left in ``parent``; return their names."""
    removed = []
    try:
        entries = sorted(os.scandir(parent), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return ()
    for entry in entries:
        if (
            entry.name.startswith(prefix)
            and entry.is_dir(follow_symlinks=False)
            and _left_over(entry.path)
            and remove(Path(entry.path))
        ):
            removed.append(entry.name)
    return tuple(removed)
