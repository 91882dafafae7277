"""What a site is on disk: its files' stamps, its folders, and the digests of its bytes.

A build upon the last site starts from a copy of it, and must know that copy is the site the
last build left. Stamps (size, modification time, type) and the folders see a file added,
removed, resized, retimed or swapped for a link; only the bytes see a file changed to the
same size with its time set back, so the engine reads the whole last site while generate
runs and compares each file with the digest its state keeps (builder.engines.site_state).
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from builder.incremental.own_files import read_own

READ_SITE_AT_MOST = 1024 * 1024 * 1024  # a file of the site read for its digest

Stamps = dict[str, list[int]]  # a site's file (relative, "/"-separated) -> [size, modification time (ns), type]


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamps(folder: Path) -> Stamps:
    """Every file under ``folder`` with its size, modification time and type (links not
    followed). Not its change time or inode: a copy of the site made of hard links, a
    restored cache or a move changes those, and each would make every build a full one. A
    file swapped for a link with its times set back is seen by its type."""
    return _walk(folder)[0]


def site_stamps(folder: Path) -> dict[str, Any]:
    """The :func:`stamps` of a site's files, and its folders (their number and a digest of
    their names): an empty folder planted in the site is seen too."""
    files, folders = _walk(folder)
    names = "\n".join(sorted(folders)).encode("utf-8", "surrogateescape")
    return {"files": files, "folders": [len(folders), digest(names)]}


def contents(site: Path, now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, str]:
    """The digest of every file of ``site`` (whose :func:`site_stamps` are ``now``), for the
    next build to check the site's bytes by (:func:`first_change`). A file whose stamp is
    as in the state ``before`` (checked by that next build's start) keeps the digest kept
    there; any other is read."""
    was = before.get("contents") if before else None
    was_files = before.get("site", {}).get("files", {}) if before else {}
    found: dict[str, str] = {}
    for rel, stamp in now["files"].items():
        kept = was.get(rel) if isinstance(was, dict) else None
        if isinstance(kept, str) and was_files.get(rel) == stamp:
            found[rel] = kept
        elif stamp[2] == stat.S_IFREG:
            found[rel] = digest(read_own(site / rel, READ_SITE_AT_MOST))
    return found


def first_change(state: dict[str, Any], site: Path) -> str | None:
    """Why ``site`` is not as the ``state`` kept of it says, in its files' bytes, or None: a
    file changed to the same size with its time set back, in place or swapped in, is seen
    only by reading it. Files that came or went are seen by the stamps
    (:func:`builder.engines.site_state.fits`)."""
    kept = state.get("contents")
    if not isinstance(kept, dict):
        return "the state keeps no digests of the site's files"
    for rel, made in kept.items():
        try:
            data = read_own(site / rel, READ_SITE_AT_MOST)
        except OSError:
            continue  # gone, or no regular file: the stamps see it
        if not isinstance(made, str) or digest(data) != made:
            return f"{rel} in the site is not as the last build left it"
    return None


def _walk(folder: Path) -> tuple[Stamps, list[str]]:
    found: Stamps = {}
    folders: list[str] = []
    stack = [(str(folder), "")]
    while stack:
        here, prefix = stack.pop()
        for entry in os.scandir(here):
            if entry.is_dir(follow_symlinks=False):
                folders.append(prefix + entry.name)
                stack.append((entry.path, prefix + entry.name + "/"))
            else:
                info = entry.stat(follow_symlinks=False)
                found[prefix + entry.name] = [info.st_size, info.st_mtime_ns, stat.S_IFMT(info.st_mode)]
    return found, folders


def _file_digest(path: Path) -> str:
    """The digest of a file's bytes, read a block at a time; of anything else (a pipe, which
    would be read for ever, a device such as /dev/zero), what it is and which one, unread.
    Opened without waiting (a pipe would wait for a writer), then looked at, then read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"not a file ({stat.filemode(info.st_mode)[0]}): {info.st_dev}:{info.st_ino}:{info.st_rdev}"
        made = hashlib.blake2b(digest_size=16)
        while block := handle.read(1 << 20):
            made.update(block)
        return made.hexdigest()


def theme_files(custom: Path) -> list[list[str]]:
    """Every file of the theme's custom folder with the digest of its bytes, as MkDocs's
    theme loader reads them: through links, a link to a folder included (one that leads back
    to a folder already seen is not walked twice). A link to nothing (the lock file Emacs
    makes while a file is edited) is digested by where it points: no template can read it."""
    found: list[list[str]] = []
    walked: set[str] = set()
    for here, folders, names in os.walk(custom, followlinks=True):
        real = os.path.realpath(here)
        if real in walked:
            folders.clear()
            continue
        walked.add(real)
        folders.sort()
        for name in sorted(names):
            path = Path(here, name)
            rel = path.relative_to(custom).as_posix()
            try:
                made = _file_digest(path)
            except OSError as exc:  # a link to nothing, a file it may not read: MkDocs says so if it needs it
                made = f"unread ({exc.strerror}): {os.readlink(path) if path.is_symlink() else ''}"
            found.append([rel, made])
    return sorted(found)
