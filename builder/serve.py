"""``summitry serve``: the engine's live-reload server on build/docs, fed by a record watcher.

The engine watches build/docs and reloads the browser; we watch the records and regenerate.
Generate writes only pages whose bytes changed and the engine never writes into build/docs,
so a save causes one rebuild and no loop. A record with an error is reported in the
terminal and nothing is written, so the last good site stays up.

A save is heard from the system's file events where there are any (polling, slower and
dearer on a large knowledge base, stays as the fallback), and generate runs in a child
that started, and imported the builder, before the save: Python's start and the builder's
imports are most of a second, which a preview should not wait for.
"""

from __future__ import annotations

import errno
import json
import socket
import subprocess
import sys
import threading
import time
from typing import Any

from builder import engines
from builder.engines.changes import Watcher
from builder.errors import AddressTaken, Problem
from builder.incremental.state import BUILDER, fingerprint
from builder.pipeline import Project, generate
from builder.records.folders import RECORD_TOPS

POLL_SECONDS = 0.3
# A poll may take at most this share of one core: on a large knowledge base (a scan of
# 11,000 files takes tens of milliseconds) the interval grows instead.
POLL_SHARE = 0.1
EVENTS_SPARE = 10  # where file events wake the watcher, polling (for what they miss) is this much rarer
SETTLE_SECONDS = 0.03  # after an event, until the writes stop coming


def _problem(fields: dict[str, Any]) -> Problem:
    return Problem(**{name: fields[name] for name in Problem.__dataclass_fields__ if name in fields})


class Child:
    """A ``generate --format json`` run in a child process, started ahead: it imports the
    builder, then waits for :meth:`run`. One that holds code older than the builder's
    files now is not used, so that an edit of the builder is run with the new code."""

    def __init__(self, project: Project) -> None:
        self.code = _code()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder.serve", "--root", str(project.root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def fresh(self) -> bool:
        return self.code == _code()

    def run(self) -> tuple[int, str, str]:
        out, err = self.process.communicate("go\n")
        return self.process.returncode, out, err

    def close(self) -> None:
        """End it unused: it holds nothing but imported modules."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()


def _code() -> list[tuple[str, int]]:
    return sorted((str(p), p.stat().st_mtime_ns) for p in BUILDER.rglob("*") if "__pycache__" not in p.parts)


def regenerate(project: Project, child: Child | None = None, recovering: bool = False) -> bool:
    """One generate run for the watcher, in a child process: never raises, so serving goes on.

    A child can render with a worker per core (a process running threads, as this one
    does, renders alone), and gives its memory back when it ends. It reports as JSON
    (``generate --format json``), which is told here in the terminal. ``child``: one
    started ahead, if it is still fresh. ``recovering``: the run before failed, and the
    terminal still ends with its problems, so a success says the site is whole again.
    """
    if child is None or not child.fresh():
        if child is not None:
            child.close()
        child = Child(project)
    code, out, err = child.run()
    sys.stderr.write(err)
    try:
        result = json.loads(out)
    except json.JSONDecodeError:
        result = {"ok": False, "error": f"generate ended with status {code} and no report"}
    for fields in result.get("warnings", []):
        print(f"warning: {_problem(fields)}", file=sys.stderr)
    if not result.get("ok"):
        problems = [_problem(fields) for fields in result.get("problems", [])]
        for problem in problems:
            print(problem, file=sys.stderr)
        if result.get("error"):
            print(f"error: {result['error']}", file=sys.stderr)
        elif problems:
            print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", file=sys.stderr)
        print("The site shows the last good version.", file=sys.stderr)
        return False
    written, removed = len(result.get("written", [])), len(result.get("removed", []))
    if written or removed:
        print(f"regenerated: {written} written, {removed} removed", file=sys.stderr)
    if recovering:
        changed = written + removed
        print(f"The site is up to date again: {changed} page{'s' if changed != 1 else ''} changed.", file=sys.stderr)
    return True


def _watch(project: Project, stop: threading.Event) -> None:
    woken = threading.Event()
    root = str(project.root)
    tops = tuple((str(project.root / top), True) for top in RECORD_TOPS if (project.root / top).is_dir())
    events = Watcher(root, woken.set, recursive=False, also=tops)  # the root itself for mkdocs.yml
    share = POLL_SHARE / EVENTS_SPARE if events.start() else POLL_SHARE
    seen = fingerprint(project.root, read=False)
    interval = POLL_SECONDS
    child = Child(project)
    failed = False
    try:
        while not stop.is_set():
            if woken.wait(interval):
                while woken.wait(SETTLE_SECONDS):  # an editor's save may be several writes
                    woken.clear()
            woken.clear()
            events.take()
            start = time.perf_counter()
            now = fingerprint(project.root, read=False)
            interval = max(POLL_SECONDS, (time.perf_counter() - start) / share)
            if now != seen and not stop.is_set():
                seen = now
                # a save during the run differs from `seen`: the next look runs again
                failed = not regenerate(project, child, failed)
                child = Child(project)
    finally:
        events.stop()
        child.close()


def _child(argv: list[str]) -> int:
    """The child of :class:`Child`: the builder imported, generate waits for a line on stdin."""
    from builder.cli import main

    if not sys.stdin.readline():
        return 0
    return main(["generate", "--format", "json", *argv])


def serve(project: Project, dev_addr: str, engine: str = "mkdocs", dirty: bool = False) -> None:
    """Generate, then serve with the engine's live reload while a watcher regenerates.

    ``dirty``: the engine rebuilds with its own dirty builds (the benchmark's baseline)."""
    adapter = engines.engine(engine)
    _refuse_taken(dev_addr)  # before the first run: it takes a while, and would be for nothing
    generate(project)  # the first run must succeed: there is no last good site to show yet
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, stop), daemon=True, name="summitry-watch")
    try:
        adapter.serve(project.config_file, dev_addr, watcher.start, dirty)
    except OSError as exc:  # another program took it since we looked
        if exc.errno != errno.EADDRINUSE:
            raise
        raise AddressTaken(_taken(dev_addr)) from None
    finally:
        stop.set()


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


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
