"""The site engines that render build/docs into a site, each behind one adapter.

An engine reads the project's mkdocs.yml as the user wrote it, builds into a folder it is
given and reports a :class:`BuildResult`; the builder never learns more of it than that.
What an engine's internals need (MkDocs's config objects, its live-reload server) stays
in that engine's module, imported only when the engine is used.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from builder.errors import EngineFailed, SummitryError
from builder.records.site_config import SiteConfig, site_config

__all__ = [
    "BuildResult",
    "Echo",
    "Engine",
    "Later",
    "Pending",
    "Publish",
    "Started",
    "SiteConfig",
    "engine",
    "names",
    "run",
    "site_config",
]


@dataclass(frozen=True)
class BuildResult:
    """How an engine's build went: its messages, and those it marked as warnings."""

    ok: bool
    warnings: tuple[str, ...]
    output: str
    upon_last: bool = False
    """Whether the site was made upon a copy of the last one made of links (it shares most of its files)."""


class Engine(Protocol):
    name: str
    builds_upon_last: bool
    """Whether :meth:`build` can start from a copy of the last site made of links (``cloned``)."""

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
        """Render the site into ``site_dir`` (a fresh folder inside ``root``), reading ``config_file``.

        ``strict`` is passed to the engine either way, so mkdocs.yml's own ``strict:`` does
        not override the command line; ``echo`` hears each line the engine prints, as it prints it.
        ``jobs``: processes that render pages (default: one per core), where the engine can;
        ``last``: the last site, which an engine that keeps a state may build upon (rendering
        only what changed) rather than building from nothing; it is never changed. ``cloned``:
        ``site_dir`` already holds a copy of ``last`` made of links (an engine that
        :attr:`builds_upon_last`), which the engine uses or empties."""
        ...

    def start(
        self,
        root: Path,
        config_file: Path,
        site_dir: Path,
        strict: bool,
        jobs: int | None = None,
        last: Path | None = None,
    ) -> Pending:
        """:meth:`build`, started before build/docs is ready: the engine may do meanwhile
        what needs no docs (start, read its configuration and its state). The returned
        object's ``go(cloned)`` lets it go on once the docs are whole, ``build(cloned, echo)``
        (which goes on if not told yet) reports how the build went, and leaving its ``with``
        stops it and whatever it started, if it still runs."""
        ...

    def serve(self, config_file: Path, dev_addr: str, started: Callable[[Publish], None], dirty: bool = False) -> None:
        """Serve the site with live reload until interrupted; ``started`` runs once it is up,
        given the function to call with the docs files summitry writes or removes after that.

        ``dirty``: rebuild with the engine's own dirty builds, not only the changed pages."""
        ...

    def serving(self) -> bool:
        """Whether the main thread is in the loop of :meth:`serve`'s server, not in its start
        or its cleanup (builder.serve raises a stop again there, if one was dropped)."""
        ...


class Pending(Protocol):
    """A build started before its docs were ready (:meth:`Engine.start`)."""

    def go(self, cloned: bool) -> None:
        """The docs are whole: go on (``cloned``: the site folder holds a copy of the last site made of links)."""
        ...

    def build(self, cloned: bool, echo: Echo | None = None) -> BuildResult:
        """Go on, if not told to yet, and report how the build went (``echo`` hears its output as it comes)."""
        ...

    def __enter__(self) -> Pending: ...

    def __exit__(self, *exc: object) -> None: ...


Echo = Callable[[str], None]
"""Hears a line of an engine's output as it comes: its phases, warnings and errors."""

Publish = Callable[[Iterable[str]], None]
"""Tells a serving engine which docs files were written or removed (paths inside the docs folder)."""


class Started:
    """An engine's command line, running. ``wait``: it was started before build/docs is
    ready, does what needs no docs, then waits for :meth:`build`'s order; left without one
    (:meth:`close`), it stops, having written nothing."""

    def __init__(self, name: str, command: list[str], root: Path, warning: Callable[[str], bool], wait: bool) -> None:
        self.name, self.warning, self.wait = name, warning, wait
        try:
            self.process = subprocess.Popen(
                command,
                cwd=root,
                # Material's fourteen-line notice of its end of life, at every build, would bury the
                # engine's phases and warnings; README's "Engines and versions" says what it says.
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                stdin=subprocess.PIPE if wait else None,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                # A group of its own, with the workers it forks: stopped, they stop together
                # (close), not one writing on into a folder the build is removing. Ctrl-C
                # reaches the build, which stops them the same way.
                process_group=0 if os.name == "posix" else None,
            )
        except FileNotFoundError as exc:
            raise EngineFailed(f"{name} is not installed: pip install {name}") from exc

    def go(self, order: str = "go") -> None:
        """Let it build: ``order`` is the line it waits for (once; it goes on without a reader)."""
        stdin, self.wait = self.process.stdin, False
        if stdin is not None and not stdin.closed:
            with contextlib.suppress(BrokenPipeError):  # it ended already: its output says why
                stdin.write(order + "\n")
                stdin.close()

    def build(self, echo: Echo | None = None, order: str = "go") -> BuildResult:
        """Let it build, if not yet told to (:meth:`go`), and report how it went. Its
        output is read as it comes, so a long build shows its phases while it runs."""
        process = self.process
        if self.wait:
            self.go(order)
        lines: list[str] = []
        for line in process.stdout or ():  # stdout=PIPE: always a stream
            lines.append(line.rstrip("\n"))
            if echo is not None:
                echo(lines[-1])
        process.wait()
        output = "\n".join(lines).strip()
        warnings = tuple(line for line in lines if self.warning(line))
        return BuildResult(process.returncode == 0, warnings, output)

    def close(self) -> None:
        """Stop it if it still runs (the run that started it failed), and every process it started."""
        if self.process.poll() is None:
            self._stop()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def _stop(self) -> None:
        if os.name != "posix":  # pragma: no cover - the engine's workers are forked on POSIX only
            self.process.kill()
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a killed process writes nothing more
        self.process.wait()

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Later:
    """The build of an engine that has nothing to do before its docs are ready: it runs when told."""

    def __init__(self, build: Callable[[bool, Echo | None], BuildResult]) -> None:
        self._build = build

    def go(self, cloned: bool) -> None:
        pass  # it runs whole in build()

    def build(self, cloned: bool, echo: Echo | None = None) -> BuildResult:
        return self._build(cloned, echo)

    def __enter__(self) -> Later:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def run(
    name: str, command: list[str], root: Path, warning: Callable[[str], bool], echo: Echo | None = None
) -> BuildResult:
    """Run an engine's command line in ``root``; ``warning`` picks its warning lines."""
    with Started(name, command, root, warning, wait=False) as started:
        return started.build(echo)


def names() -> tuple[str, ...]:
    return ("mkdocs", "zensical", "properdocs")


def engine(name: str) -> Engine:
    """The adapter of the engine called ``name``."""
    if name in ("mkdocs", "properdocs"):
        from builder.engines.mkdocs import MkDocs

        return MkDocs(name)
    if name == "zensical":
        from builder.engines.zensical import Zensical

        return Zensical()
    raise SummitryError(f"unknown engine '{name}': use one of {', '.join(names())}")
