"""Write stage: put rendered pages on disk, touching only what changed and what we wrote.

A manifest beside the output folder lists every file the builder wrote, with the size,
modification time and digest it had when written. A file in the output that the manifest
does not list is someone else's: the builder refuses to overwrite or remove it and stops
before writing anything.

A page whose digest, size and modification time are as recorded is left alone without
being read (as make and git do); any other existing page is read and compared. A changed
page is written to a temporary file and renamed into place, so a reader never sees half
of it; the temporary file is in a scratch folder of the run's own in build/ (see
:mod:`builder.incremental.scratch`), never in the output. A new page is written in place:
the manifest lists it before it is written, so a run cut short leaves nothing the next run
will not check and finish, and nothing it would take for someone else's file.

Pages may be put from several processes (see :mod:`builder.jobs`); each put returns what
the manifest needs, and the parent process saves it once at the end.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.errors import WriteFailed, WriteRefused
from builder.incremental import scratch

MANIFEST = ".summitry-manifest.json"
MANIFEST_VERSION = 2

Stamp = tuple[int, int, str]  # size, modification time (ns), digest


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    rendered: tuple[str, ...] = ()  # the files made again this run (the rest read nothing that changed)


@dataclass(frozen=True)
class Put:
    """One output file after a run: where it is, its stamp, and whether this run wrote it."""

    rel: str
    stamp: Stamp
    written: bool


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _manifest_path(out: Path) -> Path:
    return out.parent / MANIFEST


MANIFEST_AT_MOST = 1024 * 1024 * 1024
HEAD_ONLY = 512  # bytes enough for the first line of a state file


def read_own(path: Path, limit: int, head: bool = False) -> bytes:
    """The bytes of a file the builder keeps in build/ (its first :data:`HEAD_ONLY` with
    ``head``), read only if it is a regular file of at most ``limit`` bytes and not a link:
    a link to /dev/zero or a named pipe, carried into build/ by a pull request, would
    otherwise be read for ever. OSError if it is not such a file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(HEAD_ONLY if head else limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
    return data


def read_manifest(out: Path) -> tuple[dict[str, Stamp | None], dict[str, Any]]:
    """What the builder wrote last time (path -> stamp, None if not known), and what else it noted."""
    path = _manifest_path(out)
    if not path.exists():
        return {}, {}
    try:
        data = json.loads(read_own(path, MANIFEST_AT_MOST).decode("utf-8"))
        files = data.pop("files", [])
        if isinstance(files, list):  # the first manifest format: paths only
            return dict.fromkeys(map(str, files)), {}
        return {str(rel): (tuple(stamp) if stamp else None) for rel, stamp in files.items()}, data
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, TypeError, OSError) as exc:
        raise WriteRefused(
            f"{path}: unreadable manifest ({exc}); delete {out} and the manifest to start afresh"
        ) from exc


def write_failed(out: Path, rel: str | None, exc: OSError, puts: list[Put] | None, total: int) -> WriteFailed:
    """The one line that says what the system refused, and what was and was not written
    (``puts`` None: the refusal came before anything was)."""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    where = out / rel if rel else out
    what = f"{where}: {'disk full' if full else 'cannot write'} ({exc.strerror or exc})"
    if puts is None:
        return WriteFailed(f"{what}; nothing was written")
    written = sum(p.written for p in puts)
    unchanged, left = len(puts) - written, total - len(puts)
    return WriteFailed(
        f"{what}; {written} of {total} files written, {unchanged} unchanged, {left} not written. "
        f"{_manifest_path(out)} lists every file of this run: the next run checks them and finishes the rest"
    )


def write_whole(path: Path, data: bytes, folder: Path) -> None:
    """Replace the file at ``path`` with ``data``: written in the scratch ``folder`` (on the
    same file system), then renamed onto it, so a reader sees the old file or the new."""
    # the process's id: pages are put from several processes (builder.incremental.workers)
    tmp = folder / f"{os.getpid()}-{path.name}"
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_manifest(out: Path, files: dict[str, Stamp | None], folder: Path, extra: dict[str, Any] | None = None) -> None:
    body = {"version": MANIFEST_VERSION, "files": dict(sorted(files.items())), **(extra or {})}
    write_whole(_manifest_path(out), (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8"), folder)


def _discard(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # never from a worker that inherited the folder's name
        scratch.remove(folder)


def existing_files(out: Path) -> set[str]:
    """Every file (or link) under ``out``, as a path relative to it."""
    found: set[str] = set()
    stack = [(out, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), prefix + entry.name + "/"))
            else:
                found.add(prefix + entry.name)
    return found


class Output:
    """The output folder during one run: what is there, what is ours, and how to put a page."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._root = str(out)
        self.known, self.notes = read_manifest(out)
        self.present = existing_files(out)
        self._folders: set[Path] = set()
        self._scratch: Path | None = None
        scratch.sweep(out.parent)  # what runs that were stopped left

    def manifest_exists(self) -> bool:
        """Whether the list of what the builder wrote is there (without it, nothing is known)."""
        return _manifest_path(self.out).is_file()

    def intact(self) -> bool:
        """Whether the folder holds exactly what the last run wrote, as it wrote it."""
        if self.present != self.known.keys():
            return False
        for rel, stamp in self.known.items():
            try:
                info = os.stat(self.out / rel)
            except OSError:
                return False
            if stamp is None or (info.st_size, info.st_mtime_ns) != stamp[:2]:
                return False
        return True

    def as_written(self, rel: str) -> Put | None:
        """The file as the last run wrote it (its size and modification time as recorded), or None."""
        stamp = self.known.get(rel)
        if stamp is None or rel not in self.present:
            return None
        try:
            info = os.stat(os.path.join(self._root, rel))
        except OSError:
            return None
        return Put(rel, stamp, False) if (info.st_size, info.st_mtime_ns) == stamp[:2] else None

    def refuse_foreign(self) -> None:
        foreign = sorted(self.present - self.known.keys())
        if foreign:
            listed = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise WriteRefused(
                f"{self.out} holds files summitry did not write ({listed}); it never overwrites or removes them. "
                f"Move them out of {self.out} (hand-written pages belong in content/pages/) and run again."
            )

    def begin(self, planned: set[str]) -> None:
        """Record every file this run may write before writing any, so a run cut short is known."""
        self.refuse_foreign()
        try:
            # made before any worker is forked: every process of the run writes into it
            self._scratch = scratch.make(self.out.parent, scratch.WRITES)
            weakref.finalize(self, _discard, self._scratch, os.getpid())  # a run that fails part way
            if planned <= self.known.keys():
                return  # the manifest lists them all already
            # and no notes: this run may fail
            save_manifest(self.out, {**dict.fromkeys(planned), **self.known}, self._scratch)
        except OSError as exc:
            raise write_failed(self.out, None, exc, None, len(planned)) from exc

    @contextlib.contextmanager
    def writing(self) -> Iterator[Path]:
        """A scratch folder for the files of one update of an output that a process holds
        between runs (summitry serve, which puts pages without :meth:`begin`), removed after it."""
        with scratch.scratch(self.out.parent) as folder:
            self._scratch = folder
            try:
                yield folder
            finally:
                self._scratch = None

    def _folder(self) -> Path:
        if self._scratch is None:
            raise RuntimeError("Output.begin() makes the scratch folder before any file is put")
        return self._scratch

    def put(self, rel: str, data: bytes) -> Put:
        """Make the file at ``rel`` hold ``data``; write only if it does not already."""
        path = self.out / rel
        new = digest(data)
        if rel in self.present:
            stamp = self.known.get(rel)
            st = path.stat()
            if stamp == (st.st_size, st.st_mtime_ns, new) or (st.st_size == len(data) and path.read_bytes() == data):
                return Put(rel, (st.st_size, st.st_mtime_ns, new), False)
            write_whole(path, data, self._folder())
        else:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            with open(path, "wb") as handle:
                handle.write(data)
        st = path.stat()
        return Put(rel, (st.st_size, st.st_mtime_ns, new), True)

    def finish(self, puts: list[Put], extra: dict[str, Any] | None = None) -> WriteReport:
        """Remove our files that no page produced any more, and save the manifest."""
        produced = {p.rel for p in puts}
        stale = sorted((self.known.keys() & self.present) - produced)
        try:
            for rel in stale:
                (self.out / rel).unlink()
                parent = (self.out / rel).parent
                while parent != self.out and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
            save_manifest(self.out, {p.rel: p.stamp for p in puts}, self._folder(), extra)
        except OSError as exc:
            raise write_failed(self.out, None, exc, puts, len(puts)) from exc
        scratch.remove(self._folder())
        written = tuple(sorted(p.rel for p in puts if p.written))
        return WriteReport(written, tuple(stale), len(puts) - len(written))
