"""``summitry serve``: the engine's live-reload server on build/docs, fed by a record watcher.

The engine watches build/docs and reloads the browser; we watch the records and regenerate.
Generate writes only pages whose bytes changed and the engine never writes into build/docs,
so a save causes one rebuild and no loop. A record with an error is reported in the
terminal and nothing is written, so the last good site stays up.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import Any

from . import engines
from .errors import Problem
from .pipeline import Project, generate
from .state import fingerprint

POLL_SECONDS = 0.3
# A poll may take at most this share of one core: on a large knowledge base (a scan of
# 11,000 files takes tens of milliseconds) the interval grows instead.
POLL_SHARE = 0.1


def _problem(fields: dict[str, Any]) -> Problem:
    return Problem(**{name: fields[name] for name in Problem.__dataclass_fields__ if name in fields})


def regenerate(project: Project) -> bool:
    """One generate run for the watcher, in a child process: never raises, so serving goes on.

    A child can render with a worker per core (a process running threads, as this one
    does, renders alone), and gives its memory back when it ends. It reports as JSON
    (``generate --format json``), which is told here in the terminal.
    """
    done = subprocess.run(
        [sys.executable, "-m", "builder.cli", "generate", "--format", "json", "--root", str(project.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(done.stderr)
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        result = {"ok": False, "error": f"generate ended with status {done.returncode} and no report"}
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
    return True


def _watch(project: Project, stop: threading.Event) -> None:
    seen = fingerprint(project.root, read=False)
    interval = POLL_SECONDS
    while not stop.wait(interval):
        start = time.perf_counter()
        now = fingerprint(project.root, read=False)
        interval = max(POLL_SECONDS, (time.perf_counter() - start) / POLL_SHARE)
        if now != seen:
            seen = now
            regenerate(project)  # a save during the run differs from `seen`: the next poll runs again


def serve(project: Project, dev_addr: str, engine: str = "mkdocs") -> None:
    """Generate, then serve with the engine's live reload while a watcher regenerates."""
    adapter = engines.engine(engine)
    generate(project)  # the first run must succeed: there is no last good site to show yet
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, stop), daemon=True, name="summitry-watch")
    try:
        adapter.serve(project.config_file, dev_addr, watcher.start)
    finally:
        stop.set()
