"""MkDocs 1.x and ProperDocs, its maintained fork: the one place that uses their internals.

ProperDocs is MkDocs 1.6 under another package name, with the same command line, config
objects and live-reload server; its ``replacement`` module makes ``mkdocs.*`` imports
(Material's, for instance) resolve to it. One adapter serves both, given the package name.
The preview of ``summitry serve`` (:class:`Preview`) calls MkDocs's page functions and
steers its live-reload server; MkDocs 1.x is frozen at 1.6 (pyproject.toml pins <1.7), so
these internals stay as they are.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import os
import posixpath
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from unittest import mock
from urllib.parse import quote, urlsplit

from builder.engines import BuildResult, Echo, Publish, run
from builder.engines.changes import (
    SearchIndex,
    Stamp,
    copy_atomic,
    remove,
    stamp,
    stamps,
    stamps_of,
    trace,
    write_atomic,
)
from builder.errors import EngineFailed


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

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[Publish], None], dirty: bool = False) -> None:
        """Serve with MkDocs's live-reload server, rebuilding as :class:`Preview` does."""
        self._installed()
        log, load = self._log(), self._module("config").load_config
        site_dir = Path(tempfile.mkdtemp(prefix="summitry-serve-"))

        def get_config() -> Any:
            # Not strict, as mkdocs.yml is for CI: a dirty build warns that it is one, and a
            # preview shows a page with a broken link rather than no page.
            return load(config_file=str(config_file), site_dir=str(site_dir), dev_addr=dev_addr, strict=False)

        config = get_config()
        if not dirty and not supported(config):
            log.info("Plugins other than search: each save runs MkDocs's dirty build instead.")
            dirty = True
        config.plugins.on_startup(command="serve", dirty=dirty)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        preview = Preview(self._module, get_config, f"http://{host}:{port}{mount_path}", log, dirty)
        server = self._module("livereload").LiveReloadServer(
            builder=preview.build, host=host, port=port, root=str(site_dir), mount_path=mount_path
        )
        preview.server = server

        def error_page(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        try:
            preview.build(config)
            for path in preview.listen():
                server.watch(path)
            started(preview.publish)
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)


PUBLISH_EVERY = 0.3  # seconds: while a preview build goes on, browsers reload at most this often
PUBLISH_WAIT = 60  # seconds: how long publish() waits for the build of what it was told


class _Full(Exception):
    """Why a change needs a full build: the preview cannot redo it page by page."""


def supported(config: Any) -> bool:
    """Whether the preview can follow every plugin: none but Material's search, whose index
    it writes as the plugin would (another could read all pages at the end of a build)."""
    return set(config.plugins) <= {"material/search"}


def _named(item: Any) -> Iterator[str]:
    """The paths that the ``nav`` of mkdocs.yml names."""
    if isinstance(item, str):
        yield posixpath.normpath(item)
    for value in item.values() if isinstance(item, dict) else item if isinstance(item, list) else ():
        yield from _named(value)


class Preview:
    """The builder of ``summitry serve``: a full build, then only the pages that changed.

    A full build (the first, or after mkdocs.yml or the overrides change) is MkDocs's own,
    which this joins as its last plugin to keep what build() makes and then drops: Files,
    the navigation, the theme's environment, each page's search entries. Then only changed
    pages go through MkDocs's page functions (and the plugin events they fire), smallest
    first, each replaced whole: requests need not wait, and browsers reload as pages come.
    A file added or removed outside the navigation joins or leaves Files, and the pages whose
    Markdown names it are rendered again, the sitemap and 404 page too. Anything else a full
    build would do differently (the navigation changes, a file hides one of the theme's) is
    a full build. ``dirty``: `mkdocs serve --dirty` instead, each build making every page's
    objects again, and the search index repaired after it (the benchmark's baseline).
    """

    def __init__(self, module: Callable[[str], ModuleType], get_config: Any, url: str, log: Any, dirty: bool) -> None:
        self.mkdocs, self.structure = module("commands.build"), module("structure.files")
        self.page_class = module("structure.pages").Page
        self.utils: Any = module("utils")
        self.timestamp: Callable[[], int] = module("livereload")._timestamp
        self.get_config, self.url, self.log, self.dirty = get_config, url, log, dirty
        self.server: Any = None  # the live-reload server, whose builder this is
        self.ready = False  # False: the next build is a full one
        # MkDocs's objects, kept from the last full build, and Material's search plugin
        self.config = self.files = self.nav = self.env = self.search = cast(Any, None)
        self.entries: dict[str, str] = {}  # a page's src_uri -> its entries in the search index, as JSON
        self.exact = False  # whether joining those makes the plugin's index, byte for byte
        self.stale = False  # whether the search index misses the latest pages
        self.mark = 0  # how many of the plugin's entries have been given to a page
        self.doc_files: list[Any] = []
        self.seen: dict[str, Stamp] = {}  # the docs folder's files, as last rendered
        self.others: dict[str, Stamp] = {}  # mkdocs.yml, the overrides, `watch:`: a change is a full build
        self.told: set[str] = set()  # docs files written or removed since the last build (publish)
        self.lock = threading.Lock()
        self.built = threading.Condition(self.lock)  # a build has ended: publish() waits for its own
        self.asked = self.done = 0  # publish() calls made, and taken by builds that have ended
        self.index: SearchIndex | None = None  # with ``dirty``

    # As the last plugin of a full build.

    def on_files(self, files: Any, *, config: Any) -> Any:
        self.files = files
        return files

    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        self.env = env
        return env

    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.search is not None:  # the plugin has just indexed the page
            entries = self.search.search_index.entries
            new, self.mark = entries[self.mark :], len(entries)
            self.entries[page.file.src_uri] = ",".join(json.dumps(e, separators=(",", ":"), default=str) for e in new)
        return context

    # As the server's builder.

    def listen(self) -> list[str]:
        """What the server is to watch: what a full build reads besides the docs. The docs
        folder is not watched: summitry serve tells what it writes there (:meth:`publish`)."""
        return self._read()

    def publish(self, uris: Iterable[str]) -> None:
        """The docs files (as paths inside the docs folder) just written or removed: the next
        build renders them, and looks at no other. Returns once that build has ended (or after
        PUBLISH_WAIT), so that what the caller does next does not slow the pages down."""
        with self.lock:
            self.told.update(uris)
            self.asked += 1
            mine = self.asked
        self._wake()
        deadline = time.monotonic() + PUBLISH_WAIT
        with self.lock:
            while self.done < mine and not self.server._shutdown and time.monotonic() < deadline:
                self.built.wait(0.5)  # and a look at whether the server is shutting down

    def _read(self) -> list[str]:
        """What a full build reads besides the docs: mkdocs.yml, the overrides, `watch:`."""
        return [str(p) for p in (self.config.config_file_path, self.config.theme.custom_dir, *self.config.watch) if p]

    def _wake(self) -> None:
        with self.server._rebuild_cond:  # as the server's own watch does
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()

    def build(self, config: Any = None) -> None:
        """The server's builder: what changed if it can, else a full build."""
        with self.lock:
            hints, self.told, taken = self.told, set(), self.asked
        try:
            self._build(config, hints)
        finally:
            with self.lock:
                self.done = max(self.done, taken)
                self.built.notify_all()

    def _build(self, config: Any, hints: set[str]) -> None:
        self.log.info("Building documentation...")
        if self.dirty:
            self.config = config = config or self.get_config()
            config.site_url = self.url
            self.mkdocs.build(config, serve_url=self.url, dirty=True)
            self.index = self.index or SearchIndex(Path(config.docs_dir), Path(config.site_dir))
            return self.index.repair()
        if self.ready and stamps_of(self._read()) == self.others:
            try:
                return self._update(hints)
            except _Full as why:
                self.log.info(f"{why}: a full build")
            except BaseException:
                self.ready = False  # whatever it left half done, the next build starts afresh
                raise
        start, self.ready = time.perf_counter(), False
        if self.config is not None:
            self._epoch(new=True, show=False)  # it clears the site: requests wait for it, as MkDocs has them do
        self.config = config = config or self.get_config()
        config.site_url, self.search, ready = self.url, config.plugins.get("material/search"), supported(config)
        if not ready:
            self.log.info("Plugins other than search: each change is a full build.")
        config.plugins["summitry/preview"], self.entries, self.mark = self, {}, 0  # the plugin's index starts empty
        seen, others = stamps(config.docs_dir), stamps_of(self._read())  # before it reads: a change meanwhile is seen
        self.mkdocs.build(config, serve_url=self.url)
        self.seen, self.others, self.ready = seen, others, ready
        self.doc_files = list(self.files.documentation_pages(inclusion=self.structure.InclusionLevel.is_in_serve))
        if self.search is not None:
            self.exact = True
            with open(self._index_file(), encoding="utf-8") as built:
                self.exact = built.read() == self._index()
        trace({"full": True, "site": config.site_dir, "seconds": round(time.perf_counter() - start, 3)})

    def _update(self, hints: set[str]) -> None:
        """The docs files summitry serve said it wrote or removed."""
        start, docs = time.perf_counter(), self.config.docs_dir
        report: dict[str, Any] = {"full": False, "at": time.time(), "rendered": [], "copied": [], "removed": []}
        if self.search is not None:
            self.search.search_index.entries, self.mark = [], 0  # the plugin indexes the pages rendered now
        now: dict[str, Stamp | None] = {uri: stamp(os.path.join(docs, uri)) for uri in hints}
        changes = self._changes(now)
        self._epoch(new=False, show=False)
        self._apply(now, changes, report)
        if report["rendered"] or report["copied"] or report["removed"]:
            self._epoch(new=True, show=True)
            done = f"{len(report['rendered'])} pages rendered, {len(report['copied'])} files copied"
            self.log.info(f"{done}, {len(report['removed'])} removed in {time.perf_counter() - start:.2f} seconds")
        if self.stale and not self.server._want_rebuild:  # else the next build, right after this one
            write_atomic(self._index().encode("utf-8"), self._index_file())
            self.stale, report["index"] = False, True
        trace({**report, "seconds": round(time.perf_counter() - start, 3)})

    def _changes(self, now: dict[str, Stamp | None]) -> tuple[list[Any], list[Any], list[Any]]:
        """The docs files changed, added and removed, as far as ``now`` tells."""
        config, changed, added, removed = self.config, [], [], []
        for uri, new in sorted(now.items()):
            if new == self.seen.get(uri):
                continue
            file = self.files.get_file_from_path(uri)
            own = file is not None and file.src_dir == config.docs_dir
            if new is None:
                removed += [file] if own else []
            elif file is None:
                added.append(self.structure.File(uri, config.docs_dir, config.site_dir, config.use_directory_urls))
                self.structure.set_exclusions(added[-1:], config)
            elif not own:
                raise _Full(f"'{uri}' now hides the theme's file")
            else:
                changed.append(file)
        if any(f.is_documentation_page() for f in [*added, *removed]) and config.nav is None:
            raise _Full("a page was added or removed, and the navigation lists every page")
        named, dests = set(_named(config.nav)), {f.dest_uri for f in self.files} if added else set()
        for file in [*added, *removed]:
            if file.src_uri in named:
                raise _Full(f"the navigation names '{file.src_uri}'")
            if file in added and file.dest_uri in dests:
                raise _Full(f"'{file.src_uri}' is written where another file is")
            if file in removed and any(os.path.isfile(os.path.join(d, file.src_uri)) for d in config.theme.dirs):
                raise _Full(f"removing '{file.src_uri}' shows the theme's file")
        return changed, added, removed

    def _apply(self, now: dict[str, Stamp | None], changes: tuple[list[Any], ...], report: dict[str, Any]) -> None:
        changed, added, removed = changes
        config = self.config
        for file in removed:
            self.files.remove(file)
            self.entries.pop(file.src_uri, None)
            remove(file.abs_dest_path, config.site_dir)  # with the folders it leaves empty
            report["removed"].append(file.src_uri)
        for file in added:
            self.files.append(file)
            if file.is_documentation_page():
                self.page_class(None, file, config)
        if added or removed:
            self._reorder()
        names = {posixpath.basename(f.src_uri) for f in [*added, *removed]}
        names |= {quote(name) for name in names}
        linking = [f for f in self.doc_files if any(n in (f.page.markdown or "") for n in names)] if names else []
        serving = [f for f in [*changed, *added, *linking] if f.inclusion.is_in_serve()]
        pages = {f.src_uri: f for f in serving if f.is_documentation_page()}
        static = [f for f in serving if not f.is_documentation_page()]
        size = {**self.seen, **{uri: got for uri, got in now.items() if got is not None}}
        templates = bool(added or removed) or any(f.dest_uri in config.theme.static_templates for f in static)
        published = time.perf_counter()
        # MkDocs's own writes, made whole: requests read the site while this build writes it
        with mock.patch.multiple(self.utils, write_file=write_atomic, copy_file=copy_atomic):
            for file in sorted(pages.values(), key=lambda f: (size.get(f.src_uri, (0,))[0], f.src_uri)):
                templates = self._render(file.page) or templates
                report["rendered"].append(file.src_uri)
                if time.perf_counter() - published >= PUBLISH_EVERY:
                    self._epoch(new=True, show=True)
                    published = time.perf_counter()
            for file in static:
                file.copy_file(dirty=False)
                report["copied"].append(file.src_uri)
            if templates or (config.extra_templates and (pages or static)):
                for name in config.theme.static_templates:
                    self.mkdocs._build_theme_template(name, self.env, self.files, config, self.nav)
                for name in config.extra_templates:
                    self.mkdocs._build_extra_template(name, self.files, config, self.nav)
            self.stale = self.search is not None and (self.stale or bool(pages or removed))
        for file in pages.values():
            file.page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        for uri, got in now.items():
            self.seen.pop(uri, None) if got is None else self.seen.__setitem__(uri, got)

    def _render(self, page: Any) -> bool:
        """Render a page as build() does; whether the sitemap (which reads its meta) follows."""
        title, meta = page.title, dict(page.meta)
        self.mkdocs._populate_page(page, self.config, self.files)
        excluded = page.file.inclusion.is_excluded()
        self.mkdocs._build_page(page, self.config, self.doc_files, self.nav, self.env, excluded=excluded)
        if page.title != title and any(p is page for p in self.nav.pages):
            raise _Full(f"the title of '{page.file.src_uri}', which the navigation shows, changed")
        return bool(page.meta != meta)

    def _index_file(self) -> str:
        return os.path.join(self.config.site_dir, "search", "search_index.json")

    def _index(self) -> str:
        """The search index a full build writes: each page's entries in the order of the pages,
        joined as the plugin's json.dumps would (checked after each full build) or, if not,
        given back to the plugin to write (which takes about a second at 20,000 pages)."""
        index = self.search.search_index
        docs = ",".join(filter(None, (self.entries.get(f.src_uri) for f in self.doc_files)))
        config = {key: index.config[key] for key in ("lang", "separator", "pipeline", "fields")}
        if self.exact:
            return f'{{"config":{json.dumps(config, separators=(",", ":"), default=str)},"docs":[{docs}]}}'
        index.entries = json.loads(f"[{docs}]")
        try:
            return str(index.generate_search_index(None))
        finally:
            index.entries, self.mark = [], 0

    def _reorder(self) -> None:
        """Files in the order get_files() walks the docs folder, then the theme's."""
        docs = self.config.docs_dir
        ordered = sorted((f for f in self.files if f.src_dir == docs), key=self.structure.file_sort_key)
        for file in [*ordered, *(f for f in self.files if f.src_dir != docs)]:
            self.files.remove(file)
            self.files.append(file)
        self.doc_files = list(self.files.documentation_pages(inclusion=self.structure.InclusionLevel.is_in_serve))

    def _epoch(self, new: bool, show: bool) -> None:
        """The live-reload server holds requests back while the wanted epoch is ahead of the
        visible one, and browsers reload when the visible one moves on. ``new`` starts an
        epoch (else the visible one is wanted: requests go through); ``show`` makes it visible."""
        server = self.server
        with server._epoch_cond:
            server._wanted_epoch = max(self.timestamp(), server._visible_epoch + 1) if new else server._visible_epoch
            if show:
                server._visible_epoch = server._wanted_epoch
                server._epoch_cond.notify_all()


for _event in ("on_files", "on_nav", "on_env", "on_page_context"):
    getattr(Preview, _event).mkdocs_priority = -100  # MkDocs runs them after every other plugin's
