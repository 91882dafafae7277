"""What the builder may read: files and folders inside the knowledge base, never a link.

A symbolic link is one line in a pull request's diff, and a build would publish whatever it
points at on the machine that runs it (/etc/passwd, a deploy key). So every folder the
builder reads from is checked not to be a link, and so is every file in it, before anything
is read; a FIFO or a device, which would block a read or never end, is refused the same way.

mkdocs.yml and overrides/ are not content but the site's code, read by the engine, not by
the builder: mkdocs.yml can name hooks that MkDocs runs as Python, so a change to either is
reviewed as code is, and a link in them is no more dangerous than what they can say.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from builder.errors import Problem
from builder.records.folders import FOLDERS, PAGES_DIR

CONTENT_FOLDERS = tuple(sorted({"content", PAGES_DIR, *FOLDERS.values()}))


def linked_folder(root: Path, rel: str) -> str | None:
    """The first folder on the way from ``root`` to ``rel`` that is a symbolic link, if any."""
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if (root / prefix).is_symlink():
            return prefix
    return None


def folder_problems(root: Path) -> list[Problem]:
    """One problem for each folder of the knowledge base that is a symbolic link."""
    linked = {found for rel in CONTENT_FOLDERS if (found := linked_folder(root, rel))}
    message = "the knowledge base's folders must be folders, not symbolic links"
    return [Problem(rel, message=message) for rel in sorted(linked)]


def is_regular(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode)


def shown_name(name: str) -> str:
    """A file's name as it can be printed: each byte the system could not read as UTF-8 (which
    it gives as a surrogate) as \\x..; any other name as it is."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def read_regular(path: Path | str, limit: int, follow: bool = True, first: int | None = None) -> bytes:
    """The bytes of the file at ``path`` (its first ``first`` bytes, if given), read only if it
    is a regular file of at most ``limit`` bytes: a named pipe would block the read, and a
    device (a link to /dev/zero) never end it. ``follow``: through a link (mkdocs.yml is the
    site's code, and may be one); else a link is refused too. OSError if it is not such a file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1 if first is None else first)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
    return data
