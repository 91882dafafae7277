"""The builder's stages in order: load -> validate -> resolve -> render -> write.

Everything is read and checked before anything is written; all problems are collected
and raised once, as one :class:`ValidationFailed`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .aliases import alias_table, canonicalize
from .errors import EngineFailed, Problem, SummitryError, ValidationFailed
from .fingerprint import fingerprint
from .history import last_changed
from .jobs import run as run_jobs
from .load import discover, load_all
from .raw import RawRecord
from .render import Renderer, Settings
from .resolve import Site, resolve
from .validate import validate
from .write import Output, WriteReport

DOCS_DIR = Path("build/docs")
SITE_DIR = Path("site")
PAGES_DIR = Path("content/pages")


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

    Warnings (references to old ids) go to ``warn``; under ``strict`` they are errors.
    """
    with _collector_paused():
        raws, problems = load_all(project.root)
        site, found, warnings = assemble(project.root, raws)
    problems += found
    if strict:
        problems += warnings
    if problems or site is None:
        raise ValidationFailed(problems)
    for warning in warnings:
        if warn is not None:
            warn(warning)
    return site


def settings(project: Project, updated: dict[str, str] | None = None) -> Settings:
    """What rendering needs beyond the records: the edit link base and hand-written pages."""
    edit_base, site_url, site_name, md_in_html = None, "", "Summitry", False
    if project.config_file.exists():
        try:
            config = yaml.load(project.config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) or {}
        except yaml.YAMLError as exc:
            raise SummitryError(f"{project.config_file}: cannot read it: {exc}") from exc
        repo, edit_uri = config.get("repo_url"), config.get("edit_uri")
        if repo and edit_uri:
            edit_base = repo.rstrip("/") + "/" + edit_uri.strip("/") + "/"
        site_url = str(config["site_url"]).rstrip("/") + "/" if config.get("site_url") else ""
        site_name = str(config.get("site_name") or site_name)
        extensions = config.get("markdown_extensions") or []
        names = {next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions if e}
        md_in_html = bool(names & {"md_in_html", "markdown.extensions.md_in_html"})
    pages: list[tuple[str, bytes]] = []
    folder = project.root / PAGES_DIR
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                pages.append((path.relative_to(folder).as_posix(), path.read_bytes()))
    return Settings(edit_base, site_url, site_name, tuple(pages), md_in_html, updated or {})


def generate(
    project: Project, strict: bool = False, warn: Warn | None = None, workers: int | None = None
) -> WriteReport:
    """Check everything, then render every page and write only what changed.

    ``workers``: processes rendering pages (default: one per core; 1 renders in this one).
    """
    updated = last_changed(project.root)  # a commit changes no file, but it changes these dates
    inputs = fingerprint(project.root, "generate", strict, sorted(updated.items()))
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
    return output.finish(run_jobs(jobs, output, workers), notes)


ENGINES = ("mkdocs", "zensical")
ENGINE_CONFIG = ".summitry-engine.yml"


def _engine_command(project: Project, engine: str, site_dir: Path, strict: bool) -> tuple[list[str], Path | None]:
    """The command that renders the site into ``site_dir``, and any file made for it."""
    if engine == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(project.config_file)]
        command += ["--site-dir", str(site_dir)] + (["--strict"] if strict else [])
        return command, None
    # Zensical reads mkdocs.yml but has no --site-dir: it gets a copy of the configuration,
    # beside the original so that its relative paths (custom_dir, docs_dir) still hold.
    config = yaml.load(project.config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    config["site_dir"] = str(site_dir)
    copy = project.root / ENGINE_CONFIG
    copy.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    zensical = Path(sys.executable).parent / "zensical"
    command = [str(zensical) if zensical.exists() else "zensical", "build", "--config-file", str(copy)]
    return command + (["--strict"] if strict else []), copy


def build(
    project: Project,
    strict: bool = True,
    engine: str = "mkdocs",
    strict_records: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
) -> WriteReport:
    """Generate, then render the site with the engine into a fresh folder and swap it in.

    ``strict`` is the engine's strict mode; ``strict_records`` makes record warnings errors.
    A failed engine run leaves the previous site/ untouched.
    """
    if engine not in ENGINES:
        raise SummitryError(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}")
    report = generate(project, strict_records, warn, workers)
    tmp = Path(tempfile.mkdtemp(prefix=".summitry-site-", dir=project.root))
    made: Path | None = None
    try:
        command, made = _engine_command(project, engine, tmp, strict)
        try:
            result = subprocess.run(command, cwd=project.root, capture_output=True, text=True, check=False)
        except FileNotFoundError as exc:
            raise EngineFailed(f"{engine} is not installed: pip install {engine}") from exc
        if result.returncode != 0:
            output = (result.stderr + result.stdout).strip()
            raise EngineFailed(f"{engine} build failed; the previous site is unchanged:\n{output}")
        _swap(tmp, project.site_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if made is not None:
            made.unlink(missing_ok=True)
    return report


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(f".summitry-site-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
