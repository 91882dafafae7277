"""Files the builder keeps in build/, read and made without trusting what is there.

build/ can come from elsewhere: a pull request (``git add -f``), an archive opened with
``--root``, the publishing job's cache. A file there is read only if it is a regular file of
a bounded size, never through a link, and a file is made only where nothing is, so that a
link planted under a name the builder will use sends nothing elsewhere. A file is replaced
whole (:func:`write_whole`): a reader sees the old one or the new, never half of either.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from builder.records.safe_files import read_regular

HEAD_ONLY = 512  # bytes enough for the first line of a state file


def read_own(path: Path, limit: int, head: bool = False) -> bytes:
    """The bytes of a file the builder keeps in build/ (its first :data:`HEAD_ONLY` with
    ``head``), read only if it is a regular file of at most ``limit`` bytes and not a link:
    a link to /dev/zero or a named pipe, carried into build/ by a pull request, would
    otherwise be read for ever. OSError if it is not such a file."""
    return read_regular(path, limit, follow=False, first=HEAD_ONLY if head else None)


def create_new(path: Path) -> BinaryIO:
    """A file made at ``path`` for writing, never one that is there: a link planted in build/
    under the name of a temporary file would otherwise send the write wherever it points."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    return os.fdopen(fd, "wb")


def write_whole(path: Path, data: bytes, folder: Path) -> None:
    """Replace the file at ``path`` with ``data``: written in the scratch ``folder`` (on the
    same file system), then renamed onto it, so a reader sees the old file or the new."""
    # the process's id: pages are put from several processes (builder.incremental.workers)
    tmp = folder / f"{os.getpid()}-{path.name}"
    try:
        with create_new(tmp) as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
