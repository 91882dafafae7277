"""The site folder: rendered in a scratch folder of our own, swapped in whole, and noted.

A build renders into ``.summitry-site-XXXXXXXX/site`` beside site/ and swaps it in; the
previous site moves into the same scratch folder and goes with it. A build that is killed
leaves that one folder behind (100 MB at 1,500 meetings). It holds a marker naming the
process and machine that made it, so a later build can tell its own leftovers (marked, the
process gone) from a running build's (the process alive) and from a folder that only has
the name (no marker, and files in it), and removes the first kind only
(builder.incremental.scratch).

Two housekeeping steps run in child processes of their own while ``generate`` runs, on
another core: the copy of the last site made of links that the engine builds upon
(:func:`cloning`), and the removal of the site before the last. Removing 22,500 folders of
links takes seconds, so after a build upon the last site the folder it replaced is moved
into ``build/`` (``.summitry-old-site-XXXXXXXX``, marked as the scratch folders are) and the
next build removes it while it works (:func:`removing`).

Beside the output's manifest, a note lists the pages (with their digests) the site was last
rendered from. After a build killed while rendering, the next one finds no page to write,
yet the site it makes differs from the last one: the note is what it is compared with.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.errors import WriteRefused
from builder.incremental import scratch as scratch_folders
from builder.incremental.manifest import MANIFEST_AT_MOST, read_manifest
from builder.incremental.own_files import read_own, write_whole

PREFIX = ".summitry-site-"
OLD = ".summitry-old-site-"
GONE = ".summitry-gone-site-"  # a set-aside site being removed: no build takes it
TAKEN = "taken"  # in a build's scratch folder: the set-aside site it took, before it is its copy
MARKER = scratch_folders.MARKER
NOTE = ".summitry-site.json"


@dataclass(frozen=True)
class BuildReport:
    pages: int
    changed: int | None
    """Pages added, changed or removed since the site was last built; None if that is not known."""
    swept: tuple[str, ...]
    """Scratch folders of stopped builds that this one removed."""


def sweep(root: Path) -> tuple[str, ...]:
    """Remove the scratch folders that stopped builds left in ``root``; return their names."""
    return scratch_folders.sweep(root, PREFIX)


@contextlib.contextmanager
def scratch(root: Path) -> Iterator[Path]:
    """A marked scratch folder in ``root``, removed afterwards; yields the folder to render into."""
    with scratch_folders.scratch(root, PREFIX) as folder:
        (folder / "site").mkdir()
        yield folder / "site"


def swap(new: Path, target: Path) -> None:
    """Put the rendered site in place; the previous one moves into the scratch folder, to go
    with it (a link in its place too, even one to nothing: what it points to is left alone)."""
    if os.path.lexists(target):
        target.rename(new.parent / "old")
    new.rename(target)


def own_site(target: Path) -> None:
    """Refuse to build where a file is that is no site: the build would remove it."""
    if os.path.lexists(target) and not target.is_symlink() and not target.is_dir():
        raise WriteRefused(f"{target} is a file where summitry puts the site folder; move it away and build again")


class Helper:
    """A housekeeping step in a child process: ``python -m builder.engines.site_folder``."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "builder.engines.site_folder", *args],  # -P: the installed builder
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def done(self) -> bool:
        """Wait for it to end; whether it did all it was to do."""
        return self.process.wait() == 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


@contextlib.contextmanager
def cloning(last: Path | None, into: Path, build: Path | None = None) -> Iterator[Helper | None]:
    """The last site copied as links into ``into`` (an empty folder) by a child process,
    while the block runs; stopped if the block ends before :meth:`Helper.done` was asked.
    A site an earlier build set aside in ``build`` is taken and made the copy, changing only
    what differs (:func:`site_state.sync`), rather than made anew and the old one removed."""
    args = ["clone", str(last), str(into), str(os.getpid())] + ([str(build)] if build is not None else [])
    helper = None if last is None else Helper(*args)
    try:
        yield helper
    finally:
        if helper is not None:
            helper.stop()


@contextlib.contextmanager
def removing(build: Path) -> Iterator[Callable[[], None]]:
    """The sites that earlier builds set aside in ``build`` (:func:`remove_set_aside`),
    removed by a child process that the function it yields starts, while the block goes on;
    the block's end waits for it. (Started with the copy of the last site, the two would
    take both cores from generate.)"""
    started: list[Helper] = []
    # those there now: the site this build sets aside, perhaps before the child looks, is the next build's
    there = sorted(path.name for path in build.glob(OLD + "*")) if build.is_dir() else []

    def start() -> None:
        if not started and there:
            started.append(Helper("remove", str(build), *there))

    try:
        yield start
    finally:
        for helper in started:
            helper.done()  # what it could not remove, the next build tries again


def _marked(folder: Path) -> bool:
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def _claimed(build: Path, claim: Callable[[Path], Path], only: Collection[str] | None = None) -> Iterator[Path]:
    """The sites set aside in ``build``, each claimed by renaming its folder with ``claim``
    (its new name) before anything else is done with it: a rename is atomic, so of a build
    taking it and another removing it only one has it, and neither works in a folder the
    other is in. A folder that has the name but not the marker is left alone; so is one not
    named in ``only``, if given."""
    try:
        entries = sorted(os.scandir(build), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        folder = Path(entry.path)
        if only is not None and entry.name not in only:
            continue
        if entry.name.startswith(OLD) and entry.is_dir(follow_symlinks=False) and _marked(folder):
            mine = claim(folder)
            try:
                folder.rename(mine)
            except OSError:  # another build had it first, or it is on another file system
                continue
            yield mine


def _gone(folder: Path) -> Path:
    return folder.with_name(GONE + folder.name.removeprefix(OLD))


def remove_set_aside(build: Path, only: Collection[str] | None = None) -> None:
    """Remove the sites that builds set aside in ``build`` (``only``: those of these names):
    each is of no use once it is there, whichever process put it there; and those a removal
    that was stopped had claimed."""
    for folder in _claimed(build, _gone, only):
        scratch_folders.remove(folder)
    with contextlib.suppress(OSError):
        for entry in os.scandir(build):
            if entry.name.startswith(GONE) and entry.is_dir(follow_symlinks=False) and _marked(Path(entry.path)):
                scratch_folders.remove(Path(entry.path))


def take_set_aside(build: Path, into: Path) -> bool:
    """Move a site that a build set aside in ``build`` to ``into`` (an empty folder), and
    remove what held it; whether one was taken (another build may take or remove it first)."""
    for mine in _claimed(build, lambda folder: into.with_name(TAKEN)):
        old = mine / "old"
        try:
            if old.is_dir() and not old.is_symlink():
                old.rename(into)
                return True
        except OSError:
            pass
        finally:
            scratch_folders.remove(mine)  # its marker; or all of it, if it could not be used
    return False


def set_aside(scratch_site: Path, build: Path) -> None:
    """Move the site that :func:`swap` replaced out of the scratch folder into ``build``, for
    the next build to remove; left where it is (and removed with the scratch folder) if it cannot."""
    old = scratch_site.parent / "old"
    if not old.is_dir():
        return
    try:
        folder = scratch_folders.make(build, OLD)
        try:
            old.rename(folder / "old")
        except OSError:
            scratch_folders.remove(folder)
    except OSError:
        pass


def _pages(docs: Path) -> dict[str, str]:
    files, _, _ = read_manifest(docs)
    return {rel: stamp[2] for rel, stamp in files.items() if stamp}


def _note(docs: Path) -> Path:
    return docs.parent / NOTE


def built_from(docs: Path, site: Path) -> dict[str, str] | None:
    """The pages the site in ``site`` was rendered from, or None if that is not known."""
    if not site.is_dir():
        return None
    try:
        pages = json.loads(read_own(_note(docs), MANIFEST_AT_MOST).decode("utf-8"))["pages"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return None
    return pages if isinstance(pages, dict) else None


def note_built(docs: Path, before: dict[str, str] | None, swept: tuple[str, ...]) -> BuildReport:
    """Note the pages the site was just rendered from; report how they differ from ``before``."""
    now = _pages(docs)
    path = _note(docs)
    # It serves only the next build's count of changed pages: one that cannot be written
    # (a folder in its place, which is not ours to remove) leaves that count unknown.
    try:
        with scratch_folders.scratch(path.parent) as folder:
            note = json.dumps({"pages": now}, sort_keys=True, separators=(",", ":")) + "\n"
            write_whole(path, note.encode(), folder)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink()  # an older note would count against another site
    changed = None
    if before is not None:
        changed = sum(before.get(rel) != digest for rel, digest in now.items()) + len(before.keys() - now.keys())
    return BuildReport(len(now), changed, swept)


def _main(argv: list[str]) -> int:
    """``clone LAST INTO`` or ``remove BUILD``: the helpers' work (:class:`Helper`)."""
    from builder.engines import site_state

    with contextlib.suppress(OSError, AttributeError):  # housekeeping: it yields to the build's own work
        os.nice(10)
    if argv[:1] == ["clone"] and len(argv) in (4, 5):
        # A build killed (SIGKILL, SIGTERM) runs no cleanup: its copy stops with it, or the
        # next build's sweep would remove a folder this process still writes into. The build
        # names itself: it may be gone before this process asks who its parent is.
        parent = int(argv[3])
        last, into = Path(argv[1]), Path(argv[2])
        if len(argv) == 5 and take_set_aside(Path(argv[4]), into):
            return 0 if site_state.sync(last, into, lambda: os.getppid() != parent) else 1
        return 0 if site_state.clone(last, into, lambda: os.getppid() != parent) else 1
    if argv[:1] == ["remove"] and len(argv) >= 2:
        remove_set_aside(Path(argv[1]), argv[2:] or None)
        return 0
    print(
        "usage: python -m builder.engines.site_folder (clone LAST INTO PARENT-PID [BUILD] | remove BUILD [NAME...])",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
