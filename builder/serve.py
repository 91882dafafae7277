"""``summitry serve``: MkDocs' live-reload server on build/docs, fed by a record watcher.

MkDocs watches build/docs and reloads the browser; we watch the records and regenerate.
Generate writes only pages whose bytes changed and MkDocs never writes into build/docs,
so a save causes one rebuild and no loop. A record with an error is reported in the
terminal and nothing is written, so the last good site stays up.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .inputs import stat_fingerprint
from .pipeline import Project, generate
from .write import existing_files

POLL_SECONDS = 0.3
# A poll may take at most this share of one core: on a large knowledge base (a scan of
# 11,000 files takes tens of milliseconds) the interval grows instead.
POLL_SHARE = 0.1


def regenerate(project: Project) -> bool:
    """One generate run for the watcher, in a child process: never raises, so serving goes on.

    A child can render with a worker per core (a process running threads, as this one
    does, renders alone), and gives its memory back when it ends. Its messages are passed on.
    """
    done = subprocess.run(
        [sys.executable, "-m", "builder.cli", "generate", "--root", str(project.root)],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(done.stderr)
    if done.returncode != 0:
        print("The site shows the last good version.", file=sys.stderr)
        return False
    counts = re.search(r"(\d+) written, \d+ unchanged, (\d+) removed", done.stdout)
    if counts and (int(counts[1]) or int(counts[2])):
        print(f"regenerated: {counts[1]} written, {counts[2]} removed", file=sys.stderr)
    return True


def _watch(project: Project, stop: threading.Event) -> None:
    seen = stat_fingerprint(project.root)
    interval = POLL_SECONDS
    while not stop.wait(interval):
        start = time.perf_counter()
        now = stat_fingerprint(project.root)
        interval = max(POLL_SECONDS, (time.perf_counter() - start) / POLL_SHARE)
        if now != seen:
            seen = now
            regenerate(project)  # a save during the run differs from `seen`: the next poll runs again


def _log_like_mkdocs() -> None:
    """MkDocs' own CLI sets up its logging; called as a library, it would print nothing."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    log = logging.getLogger("mkdocs")
    log.addHandler(handler)
    log.setLevel(logging.INFO)


class SearchIndex:
    """Keeps the search index whole across MkDocs' --dirty rebuilds.

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
        out = set()
        for rel in existing_files(self.docs_dir):
            if rel.endswith(".md"):
                stem = rel[: -len("index.md")] if rel == "index.md" or rel.endswith("/index.md") else rel[:-3] + "/"
                out.add(stem)
        return out

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


def serve(project: Project, dev_addr: str) -> None:
    """MkDocs' live-reload server on a build that redoes only the pages that changed.

    This is what `mkdocs serve --dirty` does, with MkDocs used as a library (no plugin or
    hook), plus the repair of the search index that a dirty build leaves partial. A full
    rebuild per save takes about 7 ms a page: minutes on a large knowledge base.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    _log_like_mkdocs()
    generate(project)  # the first run must succeed: there is no last good site to show yet
    site_dir = Path(tempfile.mkdtemp(prefix="summitry-serve-"))

    def get_config() -> Any:
        # Not strict: a dirty build always warns that it is one, which strict mode (as this
        # repository's mkdocs.yml asks, for CI) would turn into an abort.
        return load_config(
            config_file=str(project.config_file), site_dir=str(site_dir), dev_addr=dev_addr, strict=False
        )

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=True)
    host, port = config.dev_addr
    mount_path = urlsplit(config.site_url or "/").path
    serve_url = f"http://{host}:{port}{mount_path}"
    index = SearchIndex(Path(config.docs_dir), site_dir)

    def builder(config: Any = None) -> None:
        logging.getLogger("mkdocs").info("Building documentation...")
        config = config or get_config()
        config.site_url = serve_url
        build(config, serve_url=serve_url, dirty=True)
        index.repair()

    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path)

    def error_page(code: int) -> bytes | None:
        page = site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, stop), daemon=True, name="summitry-watch")
    try:
        config.site_url = serve_url
        builder(config)
        server.watch(config.docs_dir)
        server.watch(str(project.config_file))
        watcher.start()
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            logging.getLogger("mkdocs").info("Shutting down...")
        finally:
            server.shutdown()
    finally:
        stop.set()
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
