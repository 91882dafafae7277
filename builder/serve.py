"""``summitry serve``: the engine's live-reload server, fed by the site this process holds.

The resolved site stays in memory (builder.resident). A save re-reads the files that
changed, checks them and what refers to them, renders the pages that read what changed,
and tells the engine which docs files it wrote or removed; the engine renders those in this
same process (builder.engines.mkdocs), so nothing runs in a child and nothing is read again
that did not change. A record with an error is reported as ``summitry check`` reports it,
and nothing is written: the last good site stays up.

A save is heard from the system's file events where there are any (polling, slower and
dearer on a large knowledge base, stays as the fallback). Each update compares the files
with the site held, not with the last look at them, so no save is lost: one made while the
first build runs is shown when it ends, and one made while the records have an error is
shown once they check out again.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from builder import engines
from builder.engines import Publish
from builder.engines.changes import Watcher, trace
from builder.errors import AddressTaken, Problem, Stopped, SummitryError
from builder.incremental.lock import running
from builder.incremental.output import WriteReport
from builder.pipeline import Project
from builder.records.folders import RECORD_TOPS
from builder.resident import Resident

POLL_SECONDS = 0.3
# A poll may take at most this share of one core: on a large knowledge base (a scan of
# 11,000 files takes tens of milliseconds) the interval grows instead.
POLL_SHARE = 0.1
EVENTS_SPARE = 10  # where file events wake the watcher, polling (for what they miss) is this much rarer
SETTLE_SECONDS = 0.03  # after an event, until the writes stop coming
STOP_SECONDS = 60  # at the end, how long an update under way may take to finish


@dataclass(frozen=True)
class Tell:
    """How serve speaks, as the command line gives it (only builder.cli turns errors into
    output): a warning, a line of news, and a save refused with why."""

    warn: Callable[[Problem], None]
    note: Callable[[str], None]
    refused: Callable[[SummitryError], None]
    failed: Callable[[SummitryError], None] = lambda exc: None  # the first run: no site is shown yet


def serve(project: Project, dev_addr: str, tell: Tell, engine: str = "mkdocs", dirty: bool = False) -> None:
    """Generate, then serve with the engine's live reload while a watcher updates the site.

    The first run waits for the records to check out: its problems are told as a save's are,
    and it is tried again once any input is saved (no save is lost, even one that spoils a
    record during the first run). ``dirty``: the engine rebuilds with its own dirty builds
    (the benchmark's baseline)."""
    adapter = engines.engine(engine)
    _refuse_taken(dev_addr)  # before the first run: it takes a while, and would be for nothing
    # build/ is this process's while it serves: a generate or build run meanwhile waits
    with running(project.root, tell.note), _stopped_as_by_ctrl_c():
        _serve(project, dev_addr, tell, adapter, dirty)


AGAIN_SECONDS = 1.0  # a stop not taken by then is raised again


class _Stopping:
    """The stop a signal asks for, raised in the main thread until it is taken.

    Python runs a signal's handler between two steps of the main thread, wherever it is; when
    that is a weakref's callback or a ``__del__``, what the handler raises is printed as
    "Exception ignored" and dropped, and serve went on serving after a ``kill``. So the first
    signal also starts a thread that raises it again each :data:`AGAIN_SECONDS`, while the
    main thread still serves, until :meth:`taken` says it has it."""

    def __init__(self) -> None:
        self.asked: int | None = None
        self.done = threading.Event()
        self.serving: Callable[[], bool] = lambda: False  # the engine's, once it serves

    def __call__(self, signum: int, frame: object) -> None:
        if self.asked is None:
            self.asked = signum
            threading.Thread(target=self._again, args=(signum,), daemon=True, name="summitry-stop").start()
        raise Stopped(signum)

    def _again(self, signum: int) -> None:
        while not self.done.wait(AGAIN_SECONDS):
            if self.serving():  # still serving: the stop was dropped (never while cleaning up after it)
                os.kill(os.getpid(), signum)  # the handler again, in the main thread, waking what it waits on

    def taken(self) -> None:
        self.done.set()


_stopping = _Stopping()  # replaced for each serve by _stopped_as_by_ctrl_c


@contextlib.contextmanager
def _stopped_as_by_ctrl_c() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager) and SIGHUP (the terminal closed) end serve as
    Ctrl-C does: the folder it served from is removed and what the preview wrote is kept for
    the next run. By default they end Python with no cleanup at all."""
    global _stopping
    if threading.current_thread() is not threading.main_thread():  # only the main thread may
        yield
        return
    _stopping = _Stopping()
    before = {signum: signal.signal(signum, _stopping) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        _stopping.taken()
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _serve(project: Project, dev_addr: str, tell: Tell, adapter: engines.Engine, dirty: bool) -> None:
    resident = Resident(project, tell.warn, tell.note)
    first = _first_run(resident, tell)
    trace({"generated": first.written, "removed": first.removed})
    stop = threading.Event()
    watching: list[threading.Thread] = []

    def started(publish: Publish) -> None:
        watcher = threading.Thread(target=_watch, args=(resident, publish, stop, tell), daemon=True)
        watcher.name = "summitry-watch"
        watcher.start()
        watching.append(watcher)

    _stopping.serving = adapter.serving
    try:
        adapter.serve(project.config_file, dev_addr, started, dirty)
    except OSError as exc:  # another program took it since we looked
        if exc.errno != errno.EADDRINUSE:
            raise
        raise AddressTaken(_taken(dev_addr)) from None
    finally:
        _stopping.taken()  # the stop, if one was asked, has reached here: the cleanup is not cut short
        stop.set()
        for watcher in watching:
            watcher.join(STOP_SECONDS)
        if not any(w.is_alive() for w in watching):
            resident.close()  # the state of what the preview wrote, for the next generate run


def _first_run(resident: Resident, tell: Tell) -> WriteReport:
    """The first run, tried again after each save until the files check out: there is no
    site to show before it, and serve keeps waiting rather than end (and lose the fix)."""
    while True:
        try:
            return resident.start()
        except SummitryError as exc:
            tell.failed(exc)
            tell.note("summitry serve starts serving once this is fixed: save the fix (Ctrl-C stops it)")
        touched = resident.touched()
        while resident.touched() == touched:
            time.sleep(POLL_SECONDS)


def _watch(resident: Resident, publish: Publish, stop: threading.Event, tell: Tell) -> None:
    root = resident.project.root
    woken = threading.Event()
    tops = tuple((str(root / top), True) for top in RECORD_TOPS if (root / top).is_dir())
    events = Watcher(str(root), woken.set, recursive=False, also=tops)  # the root itself for mkdocs.yml
    native = events.start()
    share = POLL_SHARE / EVENTS_SPARE if native else POLL_SHARE
    interval = 0.0  # the first look is at once: a save made during the first build is taken now
    failed = False  # the last update was refused: the terminal ends with its problems
    try:
        while not stop.is_set():
            heard = woken.wait(interval) and native
            if heard:
                while woken.wait(SETTLE_SECONDS):  # an editor's save may be several writes
                    woken.clear()
            woken.clear()
            named = events.take()
            if stop.is_set():
                break
            # Events name what changed; a poll (for what they miss) looks at every file.
            start = time.perf_counter()
            changed, failed = _update(resident, publish, tell, named if heard else None, failed)
            if not changed and not heard:
                interval = max(POLL_SECONDS, (time.perf_counter() - start) / share)
    finally:
        events.stop()


def _update(
    resident: Resident, publish: Publish, tell: Tell, paths: set[str] | None, recovering: bool = False
) -> tuple[bool, bool]:
    """One update of the held site, which never raises: serving goes on. Whether it changed
    anything, and whether it was refused. ``recovering``: the update before was refused, so a
    success says the site is whole again."""

    def published(report: WriteReport) -> None:
        publish([*report.written, *report.removed])

    try:
        report = resident.update(published, paths)
    except SummitryError as exc:
        tell.refused(exc)
        return True, True
    except Exception:  # a fault of ours: said, with where, and serving goes on from the last good site
        traceback.print_exc()
        tell.note("This update failed (a fault in summitry, above); the site shows the last good version.")
        return True, True
    if report is None:
        return False, recovering
    publish([*report.written, *report.removed])  # the exports, made after the pages
    if report.written or report.removed:
        tell.note(f"regenerated: {len(report.written)} written, {len(report.removed)} removed")
    if recovering:
        changed = len(report.written) + len(report.removed)
        tell.note(f"The site is up to date again: {changed} file{'s' if changed != 1 else ''} changed.")
    return True, False


def _taken(dev_addr: str) -> str:
    host, _, port = dev_addr.rpartition(":")
    other = f"{host}:{int(port) + 1}" if port.isdigit() else "127.0.0.1:8001"
    return f"{dev_addr} is in use by another program: serve on another address with --dev-addr {other}"


def _refuse_taken(dev_addr: str) -> None:
    """Raise if another program listens on the address (as the preview server binds it)."""
    host, _, port = dev_addr.rpartition(":")
    if not port.isdigit():
        return  # the engine says what is wrong with the address
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: a closed one's is free
        try:
            probe.bind((host.strip("[]"), int(port)))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise AddressTaken(_taken(dev_addr)) from None
