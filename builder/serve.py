"""``summitry serve``: MkDocs' live-reload server on build/docs, fed by a record watcher.

MkDocs watches build/docs and reloads the browser; we watch the records and regenerate.
Generate writes only pages whose bytes changed and MkDocs never writes into build/docs,
so a save causes one rebuild and no loop. A record with an error is reported in the
terminal and nothing is written, so the last good site stays up.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from .errors import SummitryError, ValidationFailed
from .load import KIND_DIRS
from .pipeline import PAGES_DIR, Project, generate

POLL_SECONDS = 0.3


def _snapshot(project: Project) -> dict[Path, tuple[int, int]]:
    """Modification time and size of every file the pages are made from."""
    folders = [project.root / d for d in KIND_DIRS.values()] + [project.root / PAGES_DIR]
    state: dict[Path, tuple[int, int]] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    st = path.stat()
                except FileNotFoundError:  # removed between listing and stat
                    continue
                state[path] = (st.st_mtime_ns, st.st_size)
    return state


def regenerate(project: Project) -> bool:
    """One generate run for the watcher: report, never raise, so serving goes on."""
    try:
        report = generate(project, warn=lambda w: print(f"warning: {w}", file=sys.stderr))
    except ValidationFailed as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); the site shows the last good version.", file=sys.stderr)
        return False
    except SummitryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    if report.written or report.removed:
        print(f"regenerated: {len(report.written)} written, {len(report.removed)} removed", file=sys.stderr)
    return True


def _watch(project: Project, stop: threading.Event) -> None:
    seen = _snapshot(project)
    while not stop.wait(POLL_SECONDS):
        now = _snapshot(project)
        if now != seen:
            seen = now
            regenerate(project)


def _log_like_mkdocs() -> None:
    """MkDocs' own CLI sets up its logging; called as a library, it would print nothing."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def serve(project: Project, dev_addr: str) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    _log_like_mkdocs()
    generate(project)  # the first run must succeed: there is no last good site to show yet
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, stop), daemon=True, name="summitry-watch")
    watcher.start()
    try:
        # livereload is passed explicitly: with click 8.2.2-8.3.x, `mkdocs serve`'s own
        # default for it was lost (mkdocs/mkdocs#4032).
        mkdocs_serve(config_file=str(project.config_file), livereload=True, dev_addr=dev_addr)
    finally:
        stop.set()
