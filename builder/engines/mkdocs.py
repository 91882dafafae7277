"""MkDocs 1.x and ProperDocs, its maintained fork: the one place that uses their internals.

ProperDocs is MkDocs 1.6 under another package name, with the same command line, config
objects and live-reload server; its ``replacement`` module makes ``mkdocs.*`` imports
(Material's, for instance) resolve to it. One adapter serves both, given the package name.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from ..addresses import page_address
from ..errors import EngineFailed
from ..write import existing_files
from . import BuildResult, Echo, run


class MkDocs:
    def __init__(self, name: str) -> None:
        self.name = name  # also the package's name: mkdocs or properdocs

    def _installed(self) -> None:
        if importlib.util.find_spec(self.name) is None:
            raise EngineFailed(f"{self.name} is not installed: pip install {self.name}")

    def build(
        self, root: Path, config_file: Path, site_dir: Path, strict: bool, echo: Echo | None = None
    ) -> BuildResult:
        self._installed()
        command = [sys.executable, "-m", self.name, "build", "--config-file", str(config_file)]
        command += ["--site-dir", str(site_dir), "--strict" if strict else "--no-strict"]
        return run(self.name, command, root, lambda line: line.startswith("WARNING"), echo)

    def _module(self, name: str) -> ModuleType:
        if self.name != "mkdocs":
            # Before anything imports mkdocs.*: plugins and themes then get ProperDocs's modules.
            importlib.import_module(f"{self.name}.replacement")
        return importlib.import_module(f"{self.name}.{name}")

    def _log(self) -> logging.Logger:
        """Its command line sets up its logging; called as a library, it would print nothing."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        log = logging.getLogger(self.name)
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        return log

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[], None]) -> None:
        """What `mkdocs serve --dirty` does, with the engine as a library (no plugin or hook),
        plus the repair of the search index that a dirty build leaves partial. A full
        rebuild per save takes about 7 ms a page: minutes on a large knowledge base.
        """
        self._installed()
        build = self._module("commands.build").build
        load_config = self._module("config").load_config
        server_class = self._module("livereload").LiveReloadServer
        log = self._log()
        site_dir = Path(tempfile.mkdtemp(prefix="summitry-serve-"))

        def get_config() -> Any:
            # Not strict: a dirty build always warns that it is one, which strict mode (as this
            # repository's mkdocs.yml asks, for CI) would turn into an abort.
            return load_config(config_file=str(config_file), site_dir=str(site_dir), dev_addr=dev_addr, strict=False)

        config = get_config()
        config.plugins.on_startup(command="serve", dirty=True)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = f"http://{host}:{port}{mount_path}"
        index = SearchIndex(Path(config.docs_dir), site_dir)

        def builder(config: Any = None) -> None:
            log.info("Building documentation...")
            config = config or get_config()
            config.site_url = serve_url
            build(config, serve_url=serve_url, dirty=True)
            index.repair()

        server = server_class(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path)

        def error_page(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        try:
            config.site_url = serve_url
            builder(config)
            server.watch(config.docs_dir)
            server.watch(str(config_file))
            started()
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)


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
