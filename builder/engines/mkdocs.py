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
import logging
import os
import posixpath
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit

from ..errors import EngineFailed
from . import BuildResult, Echo, run
from .changes import SearchIndex, Stamp, Watcher, copy_atomic, remove, stamp, stamps, stamps_of, trace, write_atomic


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

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[], None], dirty: bool = False) -> None:
        """Serve with MkDocs's live-reload server. Each save re-renders only the pages whose
        Markdown changed (:class:`Preview`); ``dirty`` instead runs what `mkdocs serve --dirty`
        does, plus the repair of the search index that a dirty build leaves partial (slower:
        it makes every page's objects again; kept as the benchmark's baseline).
        """
        self._installed()
        load_config = self._module("config").load_config
        server_class = self._module("livereload").LiveReloadServer
        log = self._log()
        site_dir = Path(tempfile.mkdtemp(prefix="summitry-serve-"))

        def get_config() -> Any:
            # Not strict: a dirty build always warns that it is one, which strict mode (as this
            # repository's mkdocs.yml asks, for CI) would turn into an abort; and a preview
            # shows a page with a broken link rather than no site at all.
            return load_config(config_file=str(config_file), site_dir=str(site_dir), dev_addr=dev_addr, strict=False)

        config = get_config()
        if not dirty and not supported(config):
            log.info("Plugins other than search: each save runs MkDocs's dirty build instead.")
            dirty = True
        config.plugins.on_startup(command="serve", dirty=dirty)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = f"http://{host}:{port}{mount_path}"
        preview: Preview | None = None

        def builder(config: Any = None) -> None:
            if preview is not None:
                preview.build(config)
                return
            log.info("Building documentation...")
            config = config or get_config()
            config.site_url = serve_url
            self._module("commands.build").build(config, serve_url=serve_url, dirty=True)
            index.repair()

        server = server_class(builder=builder, host=host, port=port, root=str(site_dir), mount_path=mount_path)
        index = SearchIndex(Path(config.docs_dir), site_dir)
        if not dirty:
            preview = Preview(self._module, server, get_config, serve_url, log)

        def error_page(code: int) -> bytes | None:
            page = site_dir / f"{code}.html"
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        try:
            config.site_url = serve_url
            builder(config)
            if preview is None or not preview.observe(config.docs_dir):
                server.watch(config.docs_dir)
            server.watch(str(config_file))
            if preview is not None:
                for path in preview.watched(config):
                    server.watch(path)
            started()
            try:
                server.serve()
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            if preview is not None:
                preview.close()
            config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)


PUBLISH_EVERY = 0.3  # seconds: while a preview build goes on, browsers reload at most this often


class _Full(Exception):
    """Why a change needs a full build: the preview cannot redo it page by page."""


def supported(config: Any) -> bool:
    """Whether the preview can follow every plugin: none but Material's search, whose index
    it writes as the plugin would (another could read all pages at the end of a build)."""
    return set(config.plugins) <= {"material/search"}


def _last(method: Callable[..., Any]) -> Callable[..., Any]:
    method.mkdocs_priority = -100  # type: ignore[attr-defined]  # MkDocs runs it after the others
    return method


def _named(item: Any) -> Iterator[str]:
    """The paths that the ``nav`` of mkdocs.yml names."""
    if isinstance(item, str):
        yield posixpath.normpath(item)
    for value in item.values() if isinstance(item, dict) else item if isinstance(item, list) else ():
        yield from _named(value)


class Preview:
    """The builder of ``summitry serve``: a full build, then only the pages that changed.

    The first build, and any after mkdocs.yml or the theme's overrides change, is MkDocs's
    own, which this joins as its last plugin to keep what build() makes and then drops (the
    Files, the navigation, the theme's environment) and each page's search entries. After
    that a change in the docs folder sends only the changed pages through MkDocs's page
    functions, with every plugin event they fire, smallest first. Pages are replaced whole,
    so requests need not wait for the build, and browsers are told to reload as pages come.
    A file added or removed outside the navigation is added to or removed from Files, and
    the pages whose Markdown names it are rendered again (their links to it change), and the
    sitemap and 404 page. What a full build would do differently beyond that (the navigation
    changes, a docs file hides one of the theme's) is a full build.
    """

    def __init__(self, module: Callable[[str], ModuleType], server: Any, get_config: Any, url: str, log: Any) -> None:
        self.mkdocs, self.structure = module("commands.build"), module("structure.files")
        self.page_class = module("structure.pages").Page
        self.utils: Any = module("utils")
        self.timestamp: Callable[[], int] = module("livereload")._timestamp
        self.server, self.get_config, self.url, self.log = server, get_config, url, log
        self.ready = False  # False: the next build is a full one
        self.config: Any = None
        self.files: Any = None  # then the navigation, the theme's environment, Material's search plugin
        self.nav: Any = None
        self.env: Any = None
        self.search: Any = None
        self.entries: dict[str, list[Any]] = {}  # a page's src_uri -> its entries in the search index
        self.mark = 0  # how many of the plugin's entries have been given to a page
        self.doc_files: list[Any] = []
        self.seen: dict[str, Stamp] = {}  # the docs folder's files, as last rendered
        self.others: dict[str, Stamp] = {}  # mkdocs.yml, the overrides, `watch:`: a change is a full build
        self.watcher: Watcher | None = None

    # As the last plugin of a full build.

    def on_pre_build(self, *, config: Any) -> None:
        self.entries, self.mark = {}, 0

    @_last
    def on_files(self, files: Any, *, config: Any) -> Any:
        self.files = files
        return files

    @_last
    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    @_last
    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        self.env = env
        return env

    @_last
    def on_page_context(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        if self.search is not None:  # the plugin has just indexed the page
            entries = self.search.search_index.entries
            self.entries[page.file.src_uri], self.mark = entries[self.mark :], len(entries)
        return context

    # As the server's builder.

    def watched(self, config: Any) -> list[str]:
        """What a full build reads besides mkdocs.yml and the docs: the server watches it."""
        return [str(path) for path in [*([config.theme.custom_dir] if config.theme.custom_dir else []), *config.watch]]

    def observe(self, docs_dir: str) -> bool:
        """Hear the docs folder's file events; False if only polling it will do."""
        self.watcher = Watcher(docs_dir, self._wake)
        if not self.watcher.start():
            self.watcher = None
        return self.watcher is not None

    def close(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()

    def _wake(self) -> None:
        with self.server._rebuild_cond:  # as the server's own watch does
            self.server._want_rebuild = True
            self.server._rebuild_cond.notify_all()

    def _others(self) -> dict[str, Stamp]:
        return stamps_of([self.config.config_file_path, *self.watched(self.config)])

    def build(self, config: Any = None) -> None:
        self.log.info("Building documentation...")
        hints = self.watcher.take() if self.watcher is not None else set()
        if self.ready and self._others() == self.others:
            try:
                return self._update(hints)
            except _Full as why:
                self.log.info(f"{why}: a full build")
            except BaseException:
                self.ready = False  # whatever it left half done, the next build starts afresh
                raise
        start, self.ready = time.perf_counter(), False
        if self.config is not None:
            self._hold()  # it clears the site: requests wait for it, as MkDocs has them do
        self.config = config = config or self.get_config()
        config.site_url, self.search = self.url, config.plugins.get("material/search")
        config.plugins["summitry/preview"] = self
        seen, others = stamps(config.docs_dir), self._others()  # before it reads them: a change meanwhile is seen next
        self.mkdocs.build(config, serve_url=self.url)
        self.seen, self.others, self.ready = seen, others, True
        self._listed()
        trace({"full": True, "site": config.site_dir, "seconds": round(time.perf_counter() - start, 3)})

    def _listed(self) -> None:
        self.doc_files = list(self.files.documentation_pages(inclusion=self.structure.InclusionLevel.is_in_serve))

    def _update(self, hints: set[str]) -> None:
        """The files that events named first, then whatever else a look at every file finds."""
        start, docs = time.perf_counter(), self.config.docs_dir
        report: dict[str, Any] = {"full": False, "at": time.time(), "rendered": [], "copied": [], "removed": []}
        for step in range(2):
            if step == 0:
                now = {uri: stamp(os.path.join(docs, uri)) for uri in sorted(hints)}
            else:
                found: dict[str, Stamp | None] = {**stamps(docs)}
                now = {**found, **dict.fromkeys(self.seen.keys() - found.keys())}
            changes = self._changes(now)
            if step == 0:
                self._release()
            self._apply(now, changes, report)
        if report["rendered"] or report["copied"] or report["removed"]:
            self._publish()
            done = f"{len(report['rendered'])} pages rendered, {len(report['copied'])} files copied"
            self.log.info(f"{done}, {len(report['removed'])} removed in {time.perf_counter() - start:.2f} seconds")
        trace({**report, "seconds": round(time.perf_counter() - start, 3)})

    def _changes(self, now: dict[str, Stamp | None]) -> tuple[list[Any], list[Any], list[Any]]:
        """The docs files changed, added and removed, as far as ``now`` tells."""
        config, changed, added, removed = self.config, [], [], []
        for uri, new in sorted(now.items()):
            file = None if new == self.seen.get(uri) else self.files.get_file_from_path(uri)
            if new == self.seen.get(uri) or (new is None and (file is None or file.src_dir != config.docs_dir)):
                continue
            if new is None:
                removed.append(file)
            elif file is None:
                file = self.structure.File(uri, config.docs_dir, config.site_dir, config.use_directory_urls)
                self.structure.set_exclusions([file], config)
                added.append(file)
            elif file.src_dir != config.docs_dir:
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
        with self._atomic():
            for file in sorted(pages.values(), key=lambda f: (size.get(f.src_uri, (0,))[0], f.src_uri)):
                templates = self._render(file.page) or templates
                report["rendered"].append(file.src_uri)
                if time.perf_counter() - published >= PUBLISH_EVERY:
                    self._publish()
                    published = time.perf_counter()
            for file in static:
                file.copy_file(dirty=False)
                report["copied"].append(file.src_uri)
            if templates or (config.extra_templates and (pages or static)):
                for name in config.theme.static_templates:
                    self.mkdocs._build_theme_template(name, self.env, self.files, config, self.nav)
                for name in config.extra_templates:
                    self.mkdocs._build_extra_template(name, self.files, config, self.nav)
            if (pages or removed) and self.search is not None:
                self._write_index()
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

    def _write_index(self) -> None:
        """The index a full build writes: each page's entries, in the order of the pages."""
        index = self.search.search_index
        index.entries = [entry for file in self.doc_files for entry in self.entries.get(file.src_uri, ())]
        try:
            data = index.generate_search_index(None)
        finally:
            index.entries, self.mark = [], 0  # the next pages' entries start afresh
        write_atomic(data.encode("utf-8"), os.path.join(self.config.site_dir, "search", "search_index.json"))

    def _reorder(self) -> None:
        """Files in the order get_files() walks the docs folder, then the theme's."""
        docs = self.config.docs_dir
        ordered = sorted((f for f in self.files if f.src_dir == docs), key=self.structure.file_sort_key)
        for file in [*ordered, *(f for f in self.files if f.src_dir != docs)]:
            self.files.remove(file)
            self.files.append(file)
        self._listed()

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """MkDocs's own writes, made whole: requests read the site while this build writes it."""
        write, copy = self.utils.write_file, self.utils.copy_file
        self.utils.write_file, self.utils.copy_file = write_atomic, copy_atomic
        try:
            yield
        finally:
            self.utils.write_file, self.utils.copy_file = write, copy

    # The live-reload server holds every request back while a build runs (visible epoch
    # behind the wanted one), then has the browsers reload when the visible epoch moves on.

    def _release(self) -> None:
        with self.server._epoch_cond:
            self.server._wanted_epoch = self.server._visible_epoch

    def _publish(self) -> None:
        with self.server._epoch_cond:
            epoch = max(self.timestamp(), self.server._visible_epoch + 1)
            self.server._wanted_epoch = self.server._visible_epoch = epoch
            self.server._epoch_cond.notify_all()

    def _hold(self) -> None:
        with self.server._epoch_cond:
            self.server._wanted_epoch = max(self.timestamp(), self.server._visible_epoch + 1)
