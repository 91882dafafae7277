"""The builder's stages in order: load -> validate -> resolve -> render -> write.

Everything is read and checked before anything is written; all problems are collected
and raised once, as one :class:`ValidationFailed`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import engines
from .advice import advise
from .aliases import alias_table, canonicalize
from .engines import SiteConfig, site_config
from .errors import EngineFailed, NotAKnowledgeBase, Problem, ValidationFailed
from .files import read_pages
from .fingerprint import fingerprint
from .history import last_changed
from .jobs import Progress
from .jobs import run as run_jobs
from .load import RECORD_TOPS, discover, load_all
from .raw import RawRecord
from .render import Renderer, Settings
from .resolve import Site, resolve
from .sitedir import BuildReport, built_from, note_built, scratch, swap, sweep
from .validate import validate
from .write import Output, WriteReport

DOCS_DIR = Path("build/docs")
SITE_DIR = Path("site")


@dataclass(frozen=True)
class Project:
    """A knowledge base on disk: the folder that holds leaders/, content/ and mkdocs.yml."""

    root: Path

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def has_records(self) -> bool:
        return any((self.root / top).is_dir() for top in RECORD_TOPS)

    def require_folder(self) -> None:
        if not self.root.is_dir():
            what = "no such folder" if not self.root.exists() else "not a folder"
            raise NotAKnowledgeBase(f"{self.root}: {what}; name the knowledge base's folder with --root")

    def require(self, command: str, renders: bool = False) -> None:
        """Refuse a folder that is not a knowledge base before reading or writing anything.

        A wrong --root would otherwise check zero records and pass, and publish nothing.
        The minimum is a folder of records (content/ or leaders/); rendering also needs mkdocs.yml.
        """
        self.require_folder()
        if not self.has_records():
            raise NotAKnowledgeBase(
                f"{self.root} is not a knowledge base: it has no {' or '.join(t + '/' for t in RECORD_TOPS)} folder; "
                "run summitry in the knowledge base's folder, or name it with --root"
            )
        if renders and not self.config_file.is_file():
            raise NotAKnowledgeBase(
                f"{self.root} has no mkdocs.yml: summitry {command} needs one to render the site "
                "(summitry generate writes the pages without it)"
            )


Warn = Callable[[Problem], None]


def assemble(root: Path, raws: list[RawRecord]) -> tuple[Site | None, list[Problem], list[Problem]]:
    """Validate, apply old ids, resolve: (the site if all is well, problems, warnings)."""
    entries, problems = validate(raws)
    # A record that exists but failed must not also be reported as "unknown" wherever it is named.
    valid = {(e.kind, e.id) for e in entries}
    broken = {kind: {p.stem for p in paths if (kind, p.stem) not in valid} for kind, paths in discover(root).items()}
    for raw in raws:  # records not on disk yet (summitry new) are known too
        broken.setdefault(raw.kind, set())
    table, found = alias_table(entries)
    problems += found
    entries, warnings = canonicalize(entries, table)
    site, found = resolve(root, entries, broken)
    return site, problems + found, warnings


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes millions of objects that live on and hold no cycles; the cyclic
    collector would walk them again and again (a fifth of the time of check, measured)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check(project: Project, strict: bool = False, warn: Warn | None = None) -> Site:
    """Load, validate and resolve every record; raise every problem at once.

    Warnings (references to old ids) go to ``warn``; under ``strict`` they are errors. Advice
    on statements (builder.advice) goes to ``warn`` too, and stays a warning under ``strict``.
    """
    with _collector_paused():
        raws, problems = load_all(project.root)
        site, found, warnings = assemble(project.root, raws)
    problems += found
    if strict:
        problems += warnings
    if problems or site is None:
        raise ValidationFailed(problems)
    # advice is for a human to weigh, so even --strict leaves it a warning
    for warning in warnings + advise(site):
        if warn is not None:
            warn(warning)
    return site


def _site_config(project: Project) -> SiteConfig | None:
    return site_config(project.config_file, "Summitry") if project.config_file.exists() else None


def settings(project: Project, updated: dict[str, str] | None = None) -> Settings:
    """What rendering needs beyond the records: the edit link base and hand-written pages."""
    edit_base, site_url, site_name, md_in_html = None, "", "Summitry", False
    config = _site_config(project)
    if config is not None:
        edit_base, site_url, site_name = config.edit_base, config.site_url, config.site_name
        md_in_html = bool({"md_in_html", "markdown.extensions.md_in_html"}.intersection(config.extensions))
    pages = read_pages(project.root)
    return Settings(edit_base, site_url, site_name, tuple(pages), md_in_html, updated or {})


def generate(
    project: Project,
    strict: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> WriteReport:
    """Check everything, then render every page and write only what changed.

    ``workers``: processes rendering pages (default: one per core; 1 renders in this one).
    ``progress`` hears how many of the pages are done as rendering goes on.
    """
    # The settings too: an !ENV value in mkdocs.yml changes with the environment, not the file.
    updated = last_changed(project.root)  # a commit changes no file, but it changes these dates
    inputs = fingerprint(project.root, "generate", strict, _site_config(project), sorted(updated.items()))
    output = Output(project.docs)
    if output.notes.get("inputs") == inputs and output.intact():
        # Nothing read has changed and nothing written was touched: the output is what a
        # run would make. Its warnings are told again, as a run would.
        for fields in output.notes.get("warnings", []):
            if warn is not None:
                warn(Problem(*fields))
        return WriteReport((), (), len(output.known))
    warnings: list[Problem] = []
    site = check(project, strict, warnings.append)
    for warning in warnings:
        if warn is not None:
            warn(warning)
    jobs = Renderer(site, settings(project, updated)).jobs()
    output.begin({path for paths, _ in jobs for path in paths})
    notes = {"inputs": inputs, "warnings": [dataclasses.astuple(w) for w in warnings]}
    return output.finish(run_jobs(jobs, output, workers, progress), notes)


ENGINES = engines.names()


def build(
    project: Project,
    strict: bool = True,
    engine: str = "mkdocs",
    strict_records: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    echo: engines.Echo | None = None,
) -> BuildReport:
    """Generate, then render the site with the engine into a fresh folder and swap it in.

    ``strict`` is the engine's strict mode, passed to it either way (mkdocs.yml's own
    ``strict:`` does not win over it); ``strict_records`` makes record warnings errors.
    ``echo`` hears the engine's output line by line as it builds. A failed engine run
    leaves the previous site/ untouched.
    """
    adapter = engines.engine(engine)
    generate(project, strict_records, warn, workers, progress)
    swept = sweep(project.root)
    before = built_from(project.docs, project.site_dir)
    with scratch(project.root) as tmp:
        result = adapter.build(project.root, project.config_file, tmp, strict, echo)
        if not result.ok:
            told = " (its output is above)" if echo is not None else ":\n" + result.output
            raise EngineFailed(f"{engine} build failed; the previous site is unchanged{told}")
        swap(tmp, project.site_dir)
    return note_built(project.docs, before, swept)
