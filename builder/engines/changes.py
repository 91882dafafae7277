"""Which files of a folder changed, and files replaced so that no reader sees half of one.

For the preview of ``summitry serve`` (builder.engines.mkdocs). A file's stamp is its size,
modification time and inode: generate replaces a page by renaming a new file onto it, so
each write gives a new stamp, and an edit in place changes the time. :class:`Watcher` hears
the operating system's file events (inotify on Linux, through watchdog, which MkDocs's
server already depends on) and keeps the paths they name, so that a save is rendered
without first looking at every file of a large site.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.incremental.output import existing_files
from builder.render.addresses import page_address

Stamp = tuple[int, int, int]
TRACE = "SUMMITRY_SERVE_TRACE"  # a file to which each preview build adds a line of JSON (tests, bench)


def stamp(path: str) -> Stamp | None:
    """The stamp of the file at ``path`` (links followed), None if there is no file."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return None if stat.S_ISDIR(info.st_mode) else (info.st_size, info.st_mtime_ns, info.st_ino)


def stamps(folder: str) -> dict[str, Stamp]:
    """Every file under ``folder`` by its '/'-separated path inside it, walked as MkDocs walks
    the docs folder (links to folders followed)."""
    found: dict[str, Stamp] = {}
    for here, _folders, names in os.walk(folder, followlinks=True):
        inside = os.path.relpath(here, folder)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        for name in names:
            if (got := stamp(os.path.join(here, name))) is not None:
                found[prefix + name] = got
    return found


def stamps_of(paths: list[str]) -> dict[str, Stamp]:
    """The stamps of the files at ``paths``, and of every file under those that are folders."""
    found: dict[str, Stamp] = {}
    for path in paths:
        if os.path.isdir(path):
            found.update({f"{path}/{inside}": got for inside, got in stamps(path).items()})
        elif (got := stamp(path)) is not None:
            found[path] = got
    return found


def _replace(path: str, fill: Callable[[str], None]) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.summitry-{os.getpid()}")
    try:
        fill(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def write_atomic(content: bytes, path: str) -> None:
    """Write ``content`` to ``path`` (folders made): a reader sees the old file or the new."""

    def fill(tmp: str) -> None:
        with open(tmp, "wb") as handle:
            handle.write(content)

    _replace(path, fill)


def copy_atomic(source: str, path: str) -> None:
    """Copy ``source`` to ``path`` (into it, if it is a folder), as :func:`write_atomic` writes."""
    if os.path.isdir(path):
        path = os.path.join(path, os.path.basename(source))

    def fill(tmp: str) -> None:
        shutil.copyfile(source, tmp)

    _replace(path, fill)


def remove(path: str, top: str) -> None:
    """Remove the file at ``path`` and the folders under ``top`` that this leaves empty."""
    top = os.path.abspath(top)
    if os.path.isfile(path):
        os.unlink(path)
    folder = os.path.dirname(path)
    while folder.startswith(top + os.sep) and os.path.isdir(folder) and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)


def trace(record: dict[str, Any]) -> None:
    """Add ``record`` to the file that $SUMMITRY_SERVE_TRACE names, if it names one."""
    if path := os.environ.get(TRACE):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, sort_keys=True) + "\n")


class Watcher:
    """The paths under a folder that file events named since they were last taken.

    ``woken`` is called after each event. ``also`` are more folders whose events wake it (their
    paths are not kept), each with whether its subfolders count. Without a native observer
    (watchdog missing, or the system's limit of watches reached) :meth:`start` says so, and
    the caller polls.
    """

    def __init__(
        self, folder: str, woken: Callable[[], None], recursive: bool = True, also: tuple[tuple[str, bool], ...] = ()
    ) -> None:
        self.folder, self.woken, self.recursive, self.also = os.path.abspath(folder), woken, recursive, also
        self.lock = threading.Lock()
        self.paths: set[str] = set()
        self.observer: Any = None

    def start(self) -> bool:
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
            from watchdog.observers.polling import PollingObserver

            handler = FileSystemEventHandler()
            handler.on_any_event = self._event  # type: ignore[method-assign]
            observer = Observer()
            if isinstance(observer, PollingObserver):  # no native events here: polling is the caller's
                return False
            for folder, recursive in ((self.folder, self.recursive), *self.also):
                observer.schedule(handler, folder, recursive=recursive)
            observer.start()
        except (ImportError, OSError):
            return False
        self.observer = observer
        return True

    def _event(self, event: Any) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "moved", "deleted"):
            return
        with self.lock:
            for path in (event.src_path, getattr(event, "dest_path", "")):
                inside = os.path.relpath(os.fsdecode(path), self.folder) if path else ".."
                if not inside.startswith(".."):
                    self.paths.add(inside.replace(os.sep, "/"))
        self.woken()

    def take(self) -> set[str]:
        with self.lock:
            taken, self.paths = self.paths, set()
        return taken

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join()


class SearchIndex:
    """Keeps the search index whole across MkDocs' --dirty rebuilds (``serve --dirty``).

    A dirty rebuild renders only the pages whose Markdown changed, and the search plugin
    then writes an index of those pages alone. After each build, this puts back the
    entries of every page that was not rebuilt, and drops those of pages whose Markdown
    is gone (removing their stale HTML too, which a dirty build leaves behind).
    """

    def __init__(self, docs_dir: Path, site_dir: Path) -> None:
        self.docs_dir, self.site_dir = docs_dir, site_dir
        self.path = site_dir / "search" / "search_index.json"
        self.pages: dict[str, list[dict[str, Any]]] = {}  # page address -> its entries, in order

    def _addresses(self) -> set[str]:
        """The address of every Markdown page now in the docs folder (use_directory_urls)."""
        return {page_address(rel) for rel in existing_files(self.docs_dir) if rel.endswith(".md")}

    def repair(self) -> None:
        if not self.path.exists():
            return
        index = json.loads(self.path.read_text(encoding="utf-8"))
        built: dict[str, list[dict[str, Any]]] = {}
        for doc in index["docs"]:
            built.setdefault(doc["location"].split("#")[0], []).append(doc)
        pages = {**self.pages, **built}
        current = self._addresses()
        for gone in sorted(pages.keys() - current):
            del pages[gone]
            stale = self.site_dir / gone / "index.html"
            if gone and stale.is_file():
                stale.unlink()
        self.pages = pages
        if built.keys() != pages.keys():  # the build indexed only some pages: write them all back
            index["docs"] = [doc for page in sorted(pages) for doc in pages[page]]
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path)
