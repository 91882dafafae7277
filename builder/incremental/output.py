"""Write stage: put rendered pages on disk, touching only what changed and what we wrote.

A manifest beside the output folder lists every file the builder wrote, with the size,
modification time and digest it had when written. A file in the output that the manifest
does not list is someone else's: the builder refuses to overwrite or remove it and stops
before writing anything.

The manifest carries this user's keyed digest (:mod:`builder.incremental.keyed`): one that
does not (carried in by a pull request or an archive, written by hand, or by an older
summitry) is not trusted, unless the state that names its digest is. An untrusted manifest
gives no page a pass: every existing page is read and compared, and a file it lists that no
page makes any more is not removed but refused, as a file it does not list is. A file it
lists where a page goes is still replaced by that page, as after a lost key (a cleared
cache), when every list this user's summitry wrote is untrusted and a run must go on. Where
no key can be kept at all, the manifest says "unsigned", and is trusted where no key can be
kept either (every run there is a full one).

A page whose digest, size, modification and change time are as recorded is left alone
without being read (as make and git do); any other existing page is read and compared. The
change time is set by the system on every write and no tool sets it back (``touch -d``
restores the modification time only), so a page edited in place is always seen. Only a
regular file is ever left alone: a link or a pipe where a page goes is replaced, and a link
where a folder of pages goes is removed before a page is put through it. A changed
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
import os
import stat
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.errors import WriteFailed, WriteRefused
from builder.incremental import scratch
from builder.incremental.manifest import KEYLESS, Stamp, existing, manifest_path, read_manifest, save_manifest
from builder.incremental.own_files import read_own, write_whole


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
        f"{manifest_path(out)} lists every file of this run: the next run checks them and finishes the rest"
    )


def _discard(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # never from a worker that inherited the folder's name
        scratch.remove(folder)


def existing_files(out: Path) -> set[str]:
    """Every file (or link) under ``out``, as a path relative to it."""
    return existing(out)[0]


def own_output(out: Path) -> None:
    """Refuse an output folder, or the build folder around it, that is a link or no folder:
    git carries links, and a pull request could point build/ anywhere the run may write."""
    for folder in (out.parent, out):
        if folder.is_symlink():
            raise WriteRefused(
                f"{folder} is a link; summitry writes only into a folder of its own, never through a "
                "link. Remove the link (not what it points to); the folder is made again"
            )
        if folder.exists() and not folder.is_dir():
            raise WriteRefused(f"{folder} is a file where summitry keeps a folder; move it away and run again")


def _ours(path: str, info: os.stat_result, stamp: Stamp | None) -> Stamp | None:
    """The stamp of the file at ``path`` (status ``info``, not following links) if it is a
    regular file that holds what the stamp records as written, else None. Its size and
    modification time must be as recorded. Its change time is the fast path: when that
    differs, as after a cache is restored or the folder copied, or after an edit whose time
    was set back, the bytes are read and their digest compared; the stamp returned then
    carries the new change time."""
    if (
        stamp is None
        or len(stamp) != 4
        or not stat.S_ISREG(info.st_mode)
        or (info.st_size, info.st_mtime_ns) != (stamp[0], stamp[1])
    ):
        return None
    if info.st_ctime_ns == stamp[3]:
        return stamp
    try:
        data = read_own(Path(path), max(info.st_size, 0))
    except OSError:  # gone, or swapped for something else meanwhile
        return None
    return (info.st_size, info.st_mtime_ns, stamp[2], info.st_ctime_ns) if digest(data) == stamp[2] else None


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data``; one that cannot be read (no permission)
    does not, and is replaced whole."""
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _folders_of(planned: set[str]) -> set[str]:
    """Every folder the files ``planned`` go in, and the folders around those."""
    folders = {rel.rpartition("/")[0] for rel in planned} - {""}
    return {"/".join(parts[:i]) for parts in (f.split("/") for f in folders) for i in range(1, len(parts) + 1)}


def _stamp(info: os.stat_result, made: str) -> Stamp:
    return (info.st_size, info.st_mtime_ns, made, info.st_ctime_ns)


class Output:
    """The output folder during one run: what is there, what is ours, and how to put a page."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self._root = str(out)
        own_output(out)
        self.known, self.notes, trust = read_manifest(out)
        self.trusted = bool(trust)
        self.keyless = trust == KEYLESS  # no key vouches for it: what it would remove must be as it says
        try:
            self.present, self.present_folders = existing(out)
        except OSError as exc:
            raise WriteRefused(f"{exc.filename or out}: cannot be read ({exc.strerror or exc})") from exc
        self._folders: set[Path] = set()
        self._scratch: Path | None = None
        scratch.sweep(out.parent)  # what runs that were stopped left

    def manifest_exists(self) -> bool:
        """Whether the list of what the builder wrote is there (without it, nothing is known)."""
        return manifest_path(self.out).is_file()

    def trust(self) -> None:
        """Take the manifest as this user's: a state signed here names its digest."""
        self.trusted, self.keyless = True, False

    def intact(self) -> bool:
        """Whether the folder holds exactly what the last run wrote, as it wrote it."""
        if not self.trusted or self.present != self.known.keys():
            return False
        for rel, stamp in self.known.items():
            try:
                info = os.lstat(self.out / rel)
            except OSError:
                return False
            if _ours(os.path.join(self._root, rel), info, stamp) != stamp:
                return False  # not ours, or ours with a new change time: a run records that
        return True

    def as_written(self, rel: str) -> Put | None:
        """The file as the last run wrote it (its size and modification time as recorded), or None."""
        stamp = self.known.get(rel)
        if stamp is None or rel not in self.present or not self.trusted:
            return None
        try:
            info = os.lstat(os.path.join(self._root, rel))
        except OSError:
            return None
        ours = _ours(os.path.join(self._root, rel), info, stamp)
        return None if ours is None else Put(rel, ours, False)

    def refuse_foreign(self) -> None:
        foreign = sorted(self.present - self.known.keys())
        if foreign:
            lost = (
                ""
                if self.manifest_exists()
                else f" The list of the files summitry wrote ({manifest_path(self.out)}) is missing: if they are its "
                f"own pages, remove {self.out} and run again; it writes them all again."
            )
            raise WriteRefused(
                f"{self.out} holds files summitry did not write ({_listed(foreign)}); it never overwrites or "
                f"removes them. Move them out of {self.out} (hand-written pages belong in content/pages/) "
                f"and run again.{lost}"
            )

    def refuse_unvouched(self, planned: set[str]) -> None:
        """Refuse to remove what an untrusted manifest claims: a file no page makes any more,
        or one where a folder of pages goes. It may name anyone's file. One that says
        "unsigned" where no key can be kept is taken for a file that holds, byte for byte,
        what it says was written there (a list carried in could name anyone's file too)."""
        if self.trusted and not self.keyless:
            return
        doomed = sorted(self._doomed(planned))
        if self.keyless:
            doomed = [rel for rel in doomed if not self._holds_as_written(rel)]
            if doomed:
                raise WriteRefused(
                    f"{self.out} holds files ({_listed(doomed)}) that this run would remove, which do not hold what "
                    f"the unsigned list of written files ({manifest_path(self.out)}) says summitry wrote there (no "
                    "key can be kept here to sign it); it removes only what it knows it wrote. Move them out of "
                    f"{self.out}, and run again."
                )
        if doomed:
            raise WriteRefused(
                f"{self.out} holds files ({_listed(doomed)}) that this run would remove, listed only by a list of "
                f"written files that summitry did not sign on this machine ({manifest_path(self.out)}); it removes "
                f"only what it knows it wrote. Move them out of {self.out}, or remove {self.out} and that list, "
                "and run again."
            )

    def refuse_changed(self, doomed: Iterable[str]) -> None:
        """Refuse to remove a file of ours (``doomed``: what a run would remove) that no longer
        holds what was written there: someone changed or replaced it since, and a list of
        written files signed here can still be another output's (carried from another
        knowledge base of this user, or put back from an earlier run), naming their file."""
        changed = sorted(rel for rel in doomed if not self._as_listed(rel))
        if changed:
            raise WriteRefused(
                f"{self.out} holds files ({_listed(changed)}) that this run would remove, which do not hold what "
                f"summitry wrote there (changed or replaced since, or listed by another output's list, "
                f"{manifest_path(self.out)}); it removes only what it wrote. Move them out of {self.out}, "
                "and run again."
            )

    def _as_listed(self, rel: str) -> bool:
        """Whether the file at ``rel`` is as the list says it was written: a regular file with
        its recorded stamp, or with its recorded size and digest (a copy has new times).
        One listed without a stamp was listed just before this user's run made it."""
        if self.known.get(rel) is None:
            return True
        path = os.path.join(self._root, rel)
        try:
            info = os.lstat(path)
        except OSError:
            return True  # gone already: nothing to remove
        return _ours(path, info, self.known[rel]) is not None or self._holds_as_written(rel)

    def _doomed(self, planned: set[str]) -> set[str]:
        """What a run writing ``planned`` removes: what the list names that no page makes any
        more, and what stands where a folder of pages goes."""
        return ((self.known.keys() & self.present) - planned) | (_folders_of(planned) & self.present)

    def _holds_as_written(self, rel: str) -> bool:
        """Whether the file at ``rel`` is a regular file with the digest its stamp records
        (read whole: its times are no proof here)."""
        stamp = self.known.get(rel)
        path = self.out / rel
        try:
            info = os.lstat(path)
            if stamp is None or len(stamp) != 4 or not stat.S_ISREG(info.st_mode) or info.st_size != stamp[0]:
                return False
            return digest(read_own(path, info.st_size + 1)) == stamp[2]
        except (OSError, ValueError, TypeError):
            return False

    def begin(self, planned: set[str]) -> None:
        """Record every file this run may write before writing any, so a run cut short is known."""
        self.refuse_foreign()
        self.refuse_unvouched(planned)
        self.refuse_changed(self._doomed(planned))
        self._clear_the_way(planned)
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

    def _clear_the_way(self, planned: set[str]) -> None:
        """Remove what of ours stands where a folder of pages goes (a file, or a link, which
        would send the pages wherever it points); refuse a folder where a page goes."""
        blocked = sorted(rel for rel in planned if rel in self.present_folders)
        if blocked:
            raise WriteRefused(
                f"{self.out / blocked[0]} is a folder where summitry writes a page; it never removes a "
                "folder it did not make: move it away and run again"
            )
        for rel in sorted(_folders_of(planned) & self.present):  # ours: refuse_foreign let it be
            try:
                os.unlink(self.out / rel)
            except OSError as exc:
                raise write_failed(self.out, rel, exc, None, len(planned)) from exc
            self.present.discard(rel)

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
            st = path.lstat()
            if stat.S_ISREG(st.st_mode) and (
                (self.trusted and stamp is not None and stamp[2] == new and _ours(str(path), st, stamp) is not None)
                or (st.st_size == len(data) and _holds(path, data))
            ):
                return Put(rel, _stamp(st, new), False)
            write_whole(path, data, self._folder())
        else:
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            with open(path, "wb") as handle:
                handle.write(data)
        st = path.lstat()
        return Put(rel, _stamp(st, new), True)

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
