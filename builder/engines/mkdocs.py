"""MkDocs 1.x and ProperDocs, its maintained fork: the one place that uses their internals.

ProperDocs is MkDocs 1.6 under another package name, with the same command line, config
objects and live-reload server; its ``replacement`` module makes ``mkdocs.*`` imports
(Material's, for instance) resolve to it. One adapter serves both, given the package name.

Both ``summitry build`` (:class:`SiteBuild`, run in a child process: ``python -m
builder.engines``) and the preview of ``summitry serve`` (:class:`Preview`) call MkDocs's page
functions through :func:`render_page`: the build prepares MkDocs's configuration, files and
navigation once and renders the pages in forked workers, or, after an edit, only the pages
whose Markdown changed; the preview renders changed pages in the serving process and steers
MkDocs's live-reload server. MkDocs 1.x is frozen at 1.6 (pyproject.toml pins <1.7), so these
internals stay as they are.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import importlib
import importlib.util
import json
import logging
import multiprocessing
import os
import posixpath
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, cast
from unittest import mock
from urllib.parse import quote, urlsplit

import jinja2

from builder.engines import BuildResult, Echo, Publish, Started, site_files, site_state
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
from builder.engines.site_state import STATE_FILE, NoState
from builder.engines.templates_read import reading_pages
from builder.engines.tied import die_with
from builder.errors import EngineFailed
from builder.incremental import scratch
from builder.incremental.workers import default_workers

SERVED_FROM = "summitry-serve-"  # the prefix of the folder (in the system's temporary one) serve serves
UPON_LAST = "upon the last site:"  # how the build says it started from the last site
EARLY = "Read before the docs were ready: the configuration, the last build's state, the docs files"


class MkDocs:
    builds_upon_last = True

    def __init__(self, name: str) -> None:
        self.name = name  # also the package's name: mkdocs or properdocs

    def _installed(self) -> None:
        if importlib.util.find_spec(self.name) is None:
            raise EngineFailed(f"{self.name} is not installed: pip install {self.name}")

    def build(
        self,
        root: Path,
        config_file: Path,
        site_dir: Path,
        strict: bool,
        echo: Echo | None = None,
        jobs: int | None = None,
        last: Path | None = None,
        cloned: bool = False,
    ) -> BuildResult:
        """Build in a child process (:func:`main`): its own MkDocs objects, workers forked from it."""
        with self.start(root, config_file, site_dir, strict, jobs, last) as started:
            return started.build(cloned, echo)

    def start(
        self,
        root: Path,
        config_file: Path,
        site_dir: Path,
        strict: bool,
        jobs: int | None = None,
        last: Path | None = None,
    ) -> _Waiting:
        """The child process of :meth:`build`, started now: it reads the configuration and the
        last build's state, then waits to be told the docs are ready."""
        self._installed()
        # -P: the installed builder, never a folder of the same name in the knowledge base (its cwd)
        command = [
            sys.executable,
            "-P",
            "-m",
            "builder.engines",
            "--engine",
            self.name,
            "--config-file",
            str(config_file),
        ]
        command += ["--site-dir", str(site_dir), "--strict" if strict else "--no-strict", "--wait"]
        command += ["--parent", str(os.getpid())]
        command += ["--state", str(root / STATE_FILE)] + (["--jobs", str(jobs)] if jobs else [])
        command += ["--last-site", str(last)] if last is not None else []
        return _Waiting(Started(self.name, command, root, lambda line: line.startswith("WARNING"), wait=True))

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
        # Marked as this process's: the next serve removes what one killed with -9 left here.
        scratch.sweep(Path(tempfile.gettempdir()), SERVED_FROM)
        # The marker beside the site, not in it: the site served is the built one, file for file.
        folder = scratch.make(Path(tempfile.gettempdir()), SERVED_FROM)
        site_dir = folder / "site"

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
                raise  # Ctrl-C ends serve as it ends any command: exit status 130 (cli.entry)
            finally:
                server.shutdown()
        finally:
            config.plugins.on_shutdown()
            scratch.remove(folder)

    def serving(self) -> bool:
        """Whether the main thread is in the live-reload server's loop, which runs the builds
        in the thread that called its serve() (the requests are answered in another)."""
        loop = self._module("livereload").LiveReloadServer._build_loop.__code__
        frame = sys._current_frames().get(threading.main_thread().ident or 0)
        while frame is not None:
            if frame.f_code is loop:
                return True
            frame = frame.f_back
        return False


Logged = tuple[int, str, str]  # a log record of a page's render: level, logger, message


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[Logged] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.name, record.getMessage()))


@contextlib.contextmanager
def _captured(logger: logging.Logger) -> Iterator[list[Logged]]:
    """What ``logger`` (and those under it) logs meanwhile, kept instead of shown, to be told
    by :func:`_tell` where and when the build's order wants it."""
    handlers, capture = list(logger.handlers), _Capture()
    for handler in handlers:
        logger.removeHandler(handler)
    logger.addHandler(capture)
    try:
        yield capture.records
    finally:
        logger.removeHandler(capture)
        for handler in handlers:
            logger.addHandler(handler)


def _docs_files(docs: str) -> list[str]:
    """Every file in the docs folder, as MkDocs's get_files walks it: which files, not what they hold."""
    found = []
    for folder, dirs, names in os.walk(docs, followlinks=True):
        dirs.sort()
        found += [os.path.join(folder, name) for name in sorted(names)]
    return found


def _tell(logged: list[Logged]) -> None:
    for level, name, message in logged:
        logging.getLogger(name).log(level, message)


@dataclass
class Rendered:
    """What rendering one page leaves for the rest of a build, and what the next build keeps
    of a page it does not render again: its search entries, its front matter (the sitemap
    reads it), its anchors and its links to other pages' anchors (checked once all pages are
    known), and what it logged."""

    uri: str
    entries: str  # its entries in the search index, as JSON objects joined by commas
    meta: dict[str, Any]
    anchors: list[str]
    links: dict[str, dict[str, str]] | None  # linked page's src_uri -> {anchor: link as written}
    logged: list[Logged]

    kept: bool = dataclasses.field(default=False, repr=False, compare=False)  # read back from the state

    def as_data(self) -> dict[str, Any]:
        """What the state keeps: written out at once, so not copied first (dataclasses.asdict
        copied every page's front matter and entries: a second of each build at 22,534 pages)."""
        logged = [list(line) for line in self.logged]
        return {
            "entries": self.entries,
            "meta": self.meta,
            "anchors": self.anchors,
            "links": self.links,
            "logged": logged,
        }

    @classmethod
    def from_data(cls, uri: str, data: Any) -> Rendered:
        """A page as the state kept it; :class:`NoState` if it is not what :meth:`as_data` wrote."""
        try:
            if "kept" in data:  # not the state's to say
                raise TypeError("kept")
            rendered = cls(uri, **data)
            plain = isinstance(rendered.entries, str) and isinstance(rendered.meta, dict)
            plain = plain and all(isinstance(a, str) for a in rendered.anchors)
            plain = plain and all(isinstance(level, int) and isinstance(n + m, str) for level, n, m in rendered.logged)
            links = rendered.links
            plain = plain and (links is None or all(isinstance(a, dict) for a in links.values()))
            plain = plain and all(isinstance(k + v, str) for a in (links or {}).values() for k, v in a.items())
        except (TypeError, ValueError, AttributeError):
            plain = False
        if not plain:
            raise NoState(f"the state's record of '{uri}' is not as written")
        rendered.logged = [(level, name, message) for level, name, message in rendered.logged]
        rendered.kept = True
        return rendered

    def plain(self) -> bool:
        """Whether JSON keeps it exactly (front matter may hold dates, which it would not);
        what was read back from JSON is."""
        if self.kept:
            return True
        try:
            return bool(json.loads(json.dumps(self.meta)) == self.meta)
        except (TypeError, ValueError):
            return False


def _joined(entries: list[Any]) -> str:
    """Search entries as Material's plugin writes them into its index, joined by commas."""
    return ",".join(json.dumps(e, separators=(",", ":"), default=str) for e in entries)


def read_page(mk: Any, page: Any, config: Any, files: Any) -> None:
    """Read and convert one page's Markdown as MkDocs's build() does, telling what it logs."""
    try:
        with _captured(logging.getLogger(mk.__name__.partition(".")[0])) as logged:
            mk._populate_page(page, config, files)
    finally:
        _tell(logged)


def render_page(
    mk: Any, page: Any, config: Any, files: Any, doc_files: Any, nav: Any, env: Any, search: Any, read: bool
) -> Rendered:
    """Render one page as MkDocs's build() does (``mk``: its commands.build module): read
    and convert its Markdown (unless not ``read``: that was done), then put it through the
    theme, which writes it. What it logs is kept in what it returns, for the caller to tell."""
    mark = len(search.search_index.entries) if search is not None else 0
    try:
        with _captured(logging.getLogger(mk.__name__.partition(".")[0])) as logged:
            if read:
                mk._populate_page(page, config, files)
            mk._build_page(page, config, doc_files, nav, env, excluded=page.file.inclusion.is_excluded())
    except Exception:
        # What MkDocs said of the error, then the error; told once the capture has ended (told
        # inside it, each line was captured again onto the list being told, for ever).
        _tell(logged)
        raise
    new = search.search_index.entries[mark:] if search is not None else []
    links = page.links_to_anchors
    return Rendered(
        page.file.src_uri,
        _joined(new),
        dict(page.meta),
        sorted(page.present_anchor_ids or ()),
        None if links is None else {f.src_uri: dict(anchors) for f, anchors in links.items()},
        logged,
    )


def _plain(value: Any) -> Any:
    """A configuration value as JSON can hold it: functions by name, other objects by their data."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if hasattr(value, "config"):  # a plugin
        return {type(value).__qualname__: _plain(value.config)}
    return type(value).__qualname__


def _shape(items: Any) -> list[Any]:
    """The navigation as every page shows it: titles, addresses, and the nav pages' front matter."""
    shape: list[Any] = []
    for item in items:
        entry = [type(item).__name__, item.title, getattr(item, "url", None)]
        if item.is_page:
            entry.append(json.dumps(item.meta, sort_keys=True, default=str))
        shape.append(entry + ([_shape(item.children)] if item.children else []))
    return shape


class _Waiting:
    """MkDocs's build, started before its docs were ready (:meth:`MkDocs.start`): told, when
    they are, whether the site folder holds a copy of the last site made of links."""

    def __init__(self, started: Started) -> None:
        self.started = started

    def go(self, cloned: bool) -> None:
        self.started.go("go cloned" if cloned else "go")

    def build(self, cloned: bool, echo: Echo | None = None) -> BuildResult:
        result = self.started.build(echo, "go cloned" if cloned else "go")
        return dataclasses.replace(result, upon_last=UPON_LAST in result.output)

    def __enter__(self) -> _Waiting:
        return self

    def __exit__(self, *exc: object) -> None:
        self.started.close()


class _Full(Exception):
    """Why a change needs a full build: it cannot be redone page by page."""


Plan = tuple[list[Any], list[Any], list[str], dict[str, "Rendered"]]
"""The pages to render, the static files to copy, the site files to remove, the pages kept."""

PARALLEL_FROM = 200  # pages: fewer are rendered in the build's own process


class SiteBuild:
    """``summitry build``'s MkDocs build: a clean one on every core, or only what changed.

    Everything every page's render reads is prepared once, in this process: the configuration
    and its plugin events, Files, the theme's environment, the navigation, and the pages the
    navigation shows (their titles and front matter are on every page). The pages are then
    rendered by worker processes forked from this one, which inherit all of that; each sends
    back what :class:`Rendered` holds, and this process writes the theme's templates (the
    sitemap reads the pages' front matter), the search index (the pages' entries joined in
    their order), checks the anchors and tells what the pages logged, in the pages' order.
    The site is byte for byte the one ``mkdocs build`` makes (tests/test_site_build.py).

    With the state of the last build and the last site, the site starts as a copy of that one
    made of links, and only pages whose Markdown changed are rendered, with those whose
    Markdown names a file that came or went (their links change); static files are copied
    if they changed, and the templates and the search index are made again from what the
    state keeps of every other page. A change that may reach every page (the configuration,
    the theme, a package, the navigation or the titles it shows) is a full build.
    """

    def __init__(self, module: Callable[[str], ModuleType], config: Any, jobs: int | None, state: Path) -> None:
        self.mk, self.files_module = module("commands.build"), module("structure.files")
        self.utils: Any = module("utils")
        self.exceptions: Any = module("exceptions")
        self.log = logging.getLogger(self.mk.__name__.partition(".")[0])
        self.config, self.jobs, self.state_path = config, jobs, state
        self.files = self.nav = self.env = self.search = cast(Any, None)
        self.doc_files: list[Any] = []
        self.counter = self.utils.CountHandler()
        self.counter.setLevel(logging.WARNING)
        self.start = 0.0
        self.kept: dict[str, Any] | NoState | None = None  # the last build's state as read, or why not
        self.structure: tuple[list[str], list[Logged]] | None = (
            None  # made early: from which docs files, and what was said
        )
        self.early_done = False
        self.pages_read: list[tuple[str, str]] | None = None  # the templates that read other pages (reading_pages)

    def early(self, last: Path | None) -> None:
        """What needs no docs: the configuration's events, and the last build's state read
        (``last``: the last site, or None); and MkDocs's files and navigation from the docs
        files there are. A build started before generate ends does this while generate
        writes the docs (:meth:`MkDocs.start`). The collector is paused, as in :meth:`run`."""
        gc.disable()
        try:
            self._guarded(self._early, last, True)
        finally:
            _frozen_collecting()

    def run(self, last: Path | None, cloned: bool = False) -> None:
        """Build the site into config.site_dir; upon ``last``, the last site, if the state
        allows. ``cloned``: config.site_dir holds a copy of ``last`` made of links already.

        What the build holds until its process ends (the last build's state, MkDocs's files
        and navigation, every page's search entries) holds no cycles: the collector is paused
        while it works, and what was made before is frozen (its full passes took 0.6 s of a
        build after one edit at 10,000 meetings, measured). Rendering turns it on again."""
        gc.freeze()
        gc.disable()
        try:
            self._guarded(self._run, last, cloned)
        finally:
            _frozen_collecting()

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        if self.config.strict:
            self.log.addHandler(self.counter)
        try:
            step(*args)
        except Exception as exc:
            self.config.plugins.on_build_error(error=exc)
            if isinstance(exc, self.exceptions.BuildError):
                self.log.error(str(exc))
                raise self.exceptions.Abort("Aborted with a BuildError!") from exc
            raise
        finally:
            self.log.removeHandler(self.counter)

    def _early(self, last: Path | None, waits: bool = False) -> None:
        self.config = self.config.plugins.on_config(self.config)
        self.config.plugins.on_pre_build(config=self.config)
        if last is not None:
            try:
                self.kept = site_state.read(self.state_path, "mkdocs")
                changed = site_files.first_change(self.kept, last) if last.is_dir() else None
                if changed is not None:  # read while generate runs: the bytes of every file of the site
                    raise NoState(changed)
            except NoState as why:
                self.kept = why
        if waits and os.path.isdir(self.config.docs_dir):
            # Made from the docs files there are now, while generate may still write them: the
            # files are listed before and after, and after the docs are ready (_prepare); any
            # difference, and it is made again.
            before = _docs_files(self.config.docs_dir)
            with _captured(self.log) as logged:
                self._structure()
            if _docs_files(self.config.docs_dir) == before:
                self.structure = (before, logged)
            self.pages_read = reading_pages(self.env, self.config)  # 0.2 s of Material's templates, meanwhile
            self.log.info(EARLY)
        self.early_done = True

    def _run(self, last: Path | None, cloned: bool) -> None:
        self.start = time.monotonic()  # what was done before the docs were ready is not counted
        if not self.early_done:
            self._early(last)
        config, counter = self.config, self.counter
        site = Path(config.site_dir)
        self._prepare()
        key = site_state.key(self.mk.__name__.partition(".")[0], self._configured())
        plan = loaded = None
        try:
            # The copy made while generate ran is what the build starts from: it is what must
            # be as the state says (another build may have swapped in a site since).
            upon = site if cloned else last
            if isinstance(self.kept, NoState):
                raise self.kept
            loaded = None if upon is None or self.kept is None else site_state.fits(self.kept, key, upon)
        except NoState as why:
            self.log.info(f"A full build: {why}")
        sources, seen = self._sources(site_state.Seen(loaded.get("seen") if loaded else None))
        if loaded is not None:
            try:
                plan = self._plan(loaded, sources)
            except (NoState, _Full) as why:
                self.log.info(f"A full build: {why}")
        if plan is None:
            if cloned:  # the copy of the last site, hidden files too, which MkDocs's cleaning keeps
                site_state.empty(site)
            self.log.info("Cleaning site directory")
            self.utils.clean_directory(config.site_dir)
            self.log.info(f"Building documentation to directory: {config.site_dir}")
            self.files.copy_static_files(dirty=False)
            kept: dict[str, Rendered] = {}
            rendered = self._render(self.doc_files)
        else:
            render, copy, remove, kept = plan
            if not cloned:
                site_state.clone(cast(Path, last), site)
            for rel in remove:
                site_state.unlink(site, rel, prune=True)
            for file in [*copy, *render]:
                site_state.unlink(site, file.dest_uri, prune=False)  # its link: the last site keeps its file
            for file in copy:
                file.copy_file(dirty=False)
            self.log.info(
                f"Building documentation to directory: {config.site_dir}, {UPON_LAST} {len(render)} of "
                f"{len(self.doc_files)} pages to render, {len(copy)} files to copy, {len(remove)} to remove"
            )
            rendered = self._render(render)
        pages = {**kept, **rendered}
        for file in self.doc_files:
            self._apply(file.page, pages[file.src_uri])
            _tell(pages[file.src_uri].logged)
        extra = [self.files.get_file_from_path(name) for name in config.extra_templates]
        made = [*config.theme.static_templates, *(f"{t}.gz" for t in config.theme.static_templates)]
        for name in made + [f.dest_uri for f in extra if f is not None]:
            site_state.unlink(site, name, prune=False)
        for name in config.theme.static_templates:
            self.mk._build_theme_template(name, self.env, self.files, config, self.nav)
        for name in config.extra_templates:
            self.mk._build_extra_template(name, self.files, config, self.nav)
        if self.search is not None:
            docs = ",".join(filter(None, (pages[f.src_uri].entries for f in self.doc_files)))
            self.search.search_index.entries = json.loads(f"[{docs}]")
            site_state.unlink(site, "search/search_index.json", prune=False)
        for file in self.doc_files:
            file.page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        if counts := counter.get_counts():  # before the state is kept: this site is not swapped in
            told = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise self.exceptions.Abort(f"Aborted with {told} in strict mode!")
        self._keep(key, sources, seen, pages, site, loaded if plan is not None else None)
        self.log.info(f"Documentation built in {time.monotonic() - self.start:.2f} seconds")

    def _prepare(self) -> None:
        """What every page's render reads, as MkDocs's build() makes it, and the nav's pages:
        made before the docs were ready if the docs files are still the same files."""
        if self.structure is None or _docs_files(self.config.docs_dir) != self.structure[0]:
            self._structure()
        else:
            _tell(self.structure[1])  # what MkDocs said making it, said now, in the build's order
        for page in self.nav.pages:
            if "title" in vars(page):
                # The navigation names its title: what the other pages show of it (its title,
                # address and front matter) is known once its source is read. It is rendered
                # only if it is rendered again (render_page reads it then).
                page.read_source(self.config)
            else:
                self.mk._populate_page(page, self.config, self.files)

    def _structure(self) -> None:
        """MkDocs's files, navigation (titles aside) and theme's environment: they depend on
        the configuration and on which docs files there are, not on what the files hold."""
        config, structure = self.config, self.files_module
        files = structure.get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        structure.set_exclusions(files, config)  # as build() does, for files a plugin added
        self.nav = config.plugins.on_nav(self.mk.get_navigation(files, config), config=config, files=files)
        self.files, self.search = files, config.plugins.get("material/search")
        self.doc_files = list(files.documentation_pages(inclusion=structure.InclusionLevel.is_included))
        for file in self.doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                self.mk.Page(None, file, config)
        self.env = config.plugins.on_env(env, config=config, files=files)

    def _configured(self) -> str:
        """The configuration as resolved, and the contents of the theme's custom folder; not
        the scratch folder it builds into, nor strictness (the kept pages' warnings are told)."""
        config = {k: v for k, v in self.config.items() if k not in ("site_dir", "strict")}
        custom = self.config.theme.custom_dir
        digests = site_files.theme_files(Path(custom)) if custom and os.path.isdir(custom) else []
        return json.dumps([_plain(config), list(self.config.theme.dirs), digests], sort_keys=True)

    def _sources(self, seen: site_state.Seen) -> tuple[dict[str, list[str]], site_state.Seen]:
        """What each file of the site is made from: site file -> [source file, its digest]
        (a theme's file, by its theme, whose version is in the state's key); a docs file is
        read only when its status is not what the last build saw (:class:`site_state.Seen`)."""
        docs, made = self.config.docs_dir, {}
        for file in self.files:
            if not file.inclusion.is_included():
                continue
            if file.src_dir == docs:
                made[file.dest_uri] = [file.src_uri, seen.digest(file.src_uri, file.abs_src_path)]
            else:
                made[file.dest_uri] = [file.src_uri, "theme"]
        return made, seen

    def _plan(
        self, state: dict[str, Any], sources: dict[str, list[str]]
    ) -> tuple[list[Any], list[Any], list[str], dict[str, Rendered]]:
        """The pages to render, the files to copy, the site files to remove, and what the state
        keeps of the other pages; :class:`_Full` if the change may reach every page."""
        if json.dumps(_shape(self.nav)) != state.get("nav"):
            raise _Full("the navigation, or a title or front matter it shows, changed")
        if self.pages_read is None:
            self.pages_read = reading_pages(self.env, self.config)
        if self.pages_read:
            template, what = self.pages_read[0]
            raise _Full(f"the theme's {template} reads {what}, which each page shows")
        before: dict[str, Any] = state["files"]
        changed = {dest for dest, made in sources.items() if before.get(dest) != made}
        came_or_went = {before[d][0] for d in before.keys() - sources.keys()} | {
            sources[d][0] for d in changed - before.keys()
        }
        names = {posixpath.basename(uri) for uri in came_or_went}
        names |= {quote(name) for name in names}
        render, kept = [], {}
        for file in self.doc_files:
            if file.dest_uri in changed or (names and self._names(file, names)):
                render.append(file)
            else:
                kept[file.src_uri] = Rendered.from_data(file.src_uri, state["pages"].get(file.src_uri))
        copy = [f for f in self.files if f.dest_uri in changed and not f.is_documentation_page()]
        copy = [f for f in copy if f.inclusion.is_included()]
        return render, copy, sorted(before.keys() - sources.keys()), kept

    @staticmethod
    def _names(file: Any, names: set[str]) -> bool:
        """Whether the page's Markdown names one of ``names`` (a link to a file that came or went)."""
        with open(file.abs_src_path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        return any(name in text for name in names)

    def _render(self, files: list[Any]) -> dict[str, Rendered]:
        """Render the pages of ``files``, by workers if there are many; what each left."""
        global _building, _engine_process
        args = (self.config, self.files, self.doc_files, self.nav, self.env, self.search)
        if self.pages_read is None:
            self.pages_read = reading_pages(self.env, self.config)
        if self.pages_read:
            # A template shows other pages' headings or HTML: as MkDocs's build() does, every
            # page is read and converted before any goes through the theme (then forked, the
            # workers have them all); the pages rendered one by one showed the pages after
            # them empty.
            with _collecting():
                for file in self.doc_files:
                    if file.page.content is None:
                        read_page(self.mk, file.page, self.config, self.files)
        # Asked for (jobs given), workers render whatever the number of pages.
        jobs = self.jobs or (default_workers() if len(files) >= PARALLEL_FROM else 1)
        if jobs <= 1 or not files:
            with _collecting():  # rendering makes cycles (Markdown's, Jinja's), thousands of pages of them
                done = [render_page(self.mk, f.page, *args, read=f.page.content is None) for f in files]
            return {r.uri: r for r in done}
        size = max(1, min(50, len(files) // (jobs * 8)))
        chunks = [files[i : i + size] for i in range(0, len(files), size)]
        _building = (self, chunks)
        _engine_process = os.getpid()
        rendered: dict[str, Rendered] = {}
        told = 0
        try:
            with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start) as pool:
                for outcome in pool.imap(_render_chunk, range(len(chunks))):
                    for result in outcome:
                        if isinstance(result, Rendered):
                            rendered[result.uri] = result
                        else:  # an error: what the page logged, then the error
                            _tell(result[1])
                            raise self.exceptions.Abort(f"Aborted: {result[0]}")
                    if len(rendered) * 10 // len(files) > told:
                        told = len(rendered) * 10 // len(files)
                        self.log.info(f"Rendered {len(rendered):,} of {len(files):,} pages")
        finally:
            _building = None
        return rendered

    def _apply(self, page: Any, rendered: Rendered) -> None:
        """Give this process's page what its render made, as if it had rendered it here."""
        page.meta = rendered.meta
        page.present_anchor_ids = set(rendered.anchors)
        if rendered.links is not None:
            # src_uris, not get_file_from_path: the uris were a file's src_uri when kept, and
            # a PurePath made of each of them showed in the profile of a one-edit build
            by_uri = self.files.src_uris
            page.links_to_anchors = {by_uri[uri]: anchors for uri, anchors in rendered.links.items() if uri in by_uri}

    def _keep(
        self,
        key: str,
        sources: dict[str, list[str]],
        seen: site_state.Seen,
        pages: dict[str, Rendered],
        site: Path,
        loaded: dict[str, Any] | None,
    ) -> None:
        """Save what the next build needs, or, if JSON cannot hold it exactly, say so;
        ``loaded``: the state the build started from, whose kept pages need no writing."""
        odd = next((uri for uri, r in pages.items() if not r.plain()), None)
        if odd is not None:
            site_state.forget(self.state_path)
            self.log.info(f"The next build is a full one: the front matter of '{odd}' is not plain data")
            return
        now = site_files.site_stamps(site)
        state: dict[str, Any] = {
            "engine": "mkdocs",
            "key": key,
            "nav": json.dumps(_shape(self.nav)),
            "files": sources,
            "pages": {uri: r.as_data() for uri, r in pages.items()},
            "site": now,
            "seen": seen.now,
        }
        try:
            state["contents"] = site_files.contents(site, now, loaded)
            site_state.save(self.state_path, state, loaded, [uri for uri, r in pages.items() if r.kept])
        except OSError as exc:  # the site is whole; only what the next build would start from is lost
            site_state.forget(self.state_path)
            self.log.info(f"The next build is a full one: its state cannot be kept ({exc.strerror or exc})")


_building: tuple[SiteBuild, list[list[Any]]] | None = None  # for the forked workers


def _frozen_collecting() -> None:
    """The collector on again, past what was made while it was off: its first pass would walk all of it."""
    gc.freeze()
    gc.enable()


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """The collector on for the block, as it was after it."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was:
            gc.disable()


_engine_process = os.getpid()  # the process that forks the workers: set again before it does


def _worker_start() -> None:
    gc.freeze()  # what it inherited is never freed: the collector need not walk (and so copy) it
    gc.enable()  # the build that forked it paused its collector; rendering makes cycles
    die_with(_engine_process)


def described(exc: BaseException) -> str:
    """An error of the build in one line; a template's (a theme override's) with the file and
    line it is at, which Jinja otherwise gives only in a traceback of the templates."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.filename or exc.name}:{exc.lineno}: {exc.message}"
    if isinstance(exc, jinja2.TemplateError):
        frame = exc.__traceback__
        place = ""
        while frame is not None:  # the innermost frame of a template (Jinja names it by the template's file)
            name = frame.tb_frame.f_code.co_filename
            if not name.endswith(".py") and not name.startswith("<"):
                place = f"{name}:{frame.tb_lineno}: "
            frame = frame.tb_next
        return f"{place}{type(exc).__name__}: {exc}"
    return str(exc)


def _render_chunk(index: int) -> list[Rendered | tuple[str, list[Logged]]]:
    """In a worker: render one chunk of the pages; an error ends it, with what was logged."""
    if _building is None:
        raise RuntimeError("no build: _render_chunk runs only in SiteBuild's workers")
    build, chunks = _building
    args = (build.config, build.files, build.doc_files, build.nav, build.env, build.search)
    done: list[Rendered | tuple[str, list[Logged]]] = []
    for file in chunks[index]:
        logger = logging.getLogger(build.log.name)
        with _captured(logger) as logged:
            try:
                done.append(render_page(build.mk, file.page, *args, read=file.page.content is None))
            except Exception as exc:  # sent to the parent, which stops the build with it
                done.append((f"{file.src_uri}: {described(exc)}", list(logged)))
                break
    return done


def main(argv: list[str] | None = None) -> int:
    """``python -m builder.engines``: the child process of :meth:`MkDocs.build`."""
    parser = argparse.ArgumentParser(prog="python -m builder.engines")
    parser.add_argument("--engine", default="mkdocs", choices=("mkdocs", "properdocs"))
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--site-dir", required=True)
    parser.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--jobs", type=int, help="processes rendering pages (default: one per core from 200 pages)")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--parent", type=int, help="the process id of the build that starts it: it ends with it")
    parser.add_argument("--last-site", type=Path)
    parser.add_argument("--cloned", action="store_true", help="--site-dir holds a copy of --last-site made of links")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="do what needs no docs, then wait for a line on stdin: 'go', 'go cloned' (as --cloned), or none (stop)",
    )
    args = parser.parse_args(argv)
    if args.wait:
        die_with(args.parent)
    engine = MkDocs(args.engine)
    log = engine._log()
    log.propagate = False
    exceptions: Any = engine._module("exceptions")
    load = engine._module("config").load_config
    try:
        config = load(config_file=args.config_file, site_dir=args.site_dir, strict=args.strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build = SiteBuild(engine._module, config, args.jobs, args.state) if supported(config) else None
            cloned = args.cloned
            if args.wait:
                if build is not None:
                    build.early(args.last_site)
                order = sys.stdin.readline().split()
                if order[:1] != ["go"]:
                    return 0  # the run that started this one ended before its docs were ready
                cloned = order[1:] == ["cloned"]
            if build is not None:
                build.run(args.last_site, cloned)
            else:
                log.info("Plugins other than search: MkDocs's own build, in one process")
                site_state.forget(args.state)
                if cloned:  # its cleaning keeps hidden files: the copy goes whole
                    site_state.empty(Path(args.site_dir))
                engine._module("commands.build").build(config)
        finally:
            config.plugins.on_shutdown()
    except exceptions.MkDocsException as exc:
        exc.show()
        return int(exc.exit_code)
    except EngineFailed as exc:
        log.error(str(exc))
        return 1
    except jinja2.TemplateError as exc:  # a theme override's: where it is, not a traceback of templates
        log.error(described(exc))
        return 1
    except OSError as exc:  # a full disk, a folder it may not write: one line, not a traceback
        log.error(f"{exc.filename}: {exc.strerror or exc}" if exc.filename else str(exc.strerror or exc))
        return 1
    return 0


PUBLISH_EVERY = 0.3  # seconds: while a preview build goes on, browsers reload at most this often
PUBLISH_WAIT = 60  # seconds: how long publish() waits for the build of what it was told


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
        self.config_error: type[Exception] = module("exceptions").ConfigurationError
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
            self.entries[page.file.src_uri] = _joined(new)
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
        """The server's builder: what changed if it can, else a full build. The preview is not
        strict (it shows a page with a broken link rather than no page); what a strict build
        would refuse is said after MkDocs's warnings."""
        with self.lock:
            hints, self.told, taken = self.told, set(), self.asked
        counter = self.utils.CountHandler()
        counter.setLevel(logging.WARNING)
        self.log.addHandler(counter)  # the engine's own logger, above those of its parts
        try:
            self._build(config, hints)
        except self.config_error as exc:  # mkdocs.yml gone or wrong: said in a line, the last site stays
            self.ready = False
            self.log.error(f"{exc} The site shows the last good version until it is fixed.")
        finally:
            self.log.removeHandler(counter)
            if (counts := counter.get_counts()) and not self.dirty:  # a dirty build warns that it is one
                told = ", ".join(f"{n} {level.lower()}{'s' if n > 1 else ''}" for level, n in counts)
                self.log.info(f"{told} above: summitry build, which is strict, refuses the site until they are fixed")
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
        config = config or self.get_config()  # before the site is cleared: one that cannot be read keeps it
        if self.config is not None:
            self._epoch(new=True, show=False)  # it clears the site: requests wait for it, as MkDocs has them do
        self.config = config
        config.site_url, self.search, ready = self.url, config.plugins.get("material/search"), supported(config)
        if not ready:
            self.log.info("Plugins other than search: each change is a full build.")
        config.plugins["summitry/preview"], self.entries, self.mark = self, {}, 0  # the plugin's index starts empty
        seen, others = stamps(config.docs_dir), stamps_of(self._read())  # before it reads: a change meanwhile is seen
        self.mkdocs.build(config, serve_url=self.url)
        if ready and (read := reading_pages(self.env, config)):
            ready = False
            self.log.info(f"The theme's {read[0][0]} reads {read[0][1]}: each change is a full build.")
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
        omitted = [f.src_path for f in added if f.is_documentation_page() and f.inclusion.is_in_nav()]
        if omitted:  # as a full build says it, in MkDocs's words and at the level mkdocs.yml sets
            logging.getLogger(f"{self.log.name}.structure.nav").log(
                config.validation.nav.omitted_files,
                'The following pages exist in the docs directory, but are not included in the "nav" '
                "configuration:\n  - " + "\n  - ".join(omitted),
            )
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
        args = (self.config, self.files, self.doc_files, self.nav, self.env, self.search)
        rendered = render_page(self.mkdocs, page, *args, read=True)
        _tell(rendered.logged)
        if self.search is not None:
            self.entries[page.file.src_uri] = rendered.entries
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
