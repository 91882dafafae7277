"""The builder's stages in order: load -> validate -> resolve -> render -> write.

Everything is read and checked before anything is written; all problems are collected
and raised once, as one :class:`ValidationFailed`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import EngineFailed, SummitryError, ValidationFailed
from .load import discover, load_all
from .render import Settings, render
from .resolve import Site, resolve
from .validate import validate
from .write import WriteReport, write

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


def check(project: Project) -> Site:
    """Load, validate and resolve every record; raise every problem at once."""
    raws, problems = load_all(project.root)
    entries, found = validate(raws)
    problems += found
    # A record that exists but failed must not also be reported as "unknown" wherever it is named.
    valid = {(e.kind, e.id) for e in entries}
    broken: dict[str, set[str]] = {}
    for kind, paths in discover(project.root).items():
        broken[kind] = {p.stem for p in paths if (kind, p.stem) not in valid}
    site, found = resolve(project.root, entries, broken)
    problems += found
    if problems or site is None:
        raise ValidationFailed(problems)
    return site


def settings(project: Project) -> Settings:
    """What rendering needs beyond the records: the edit link base and hand-written pages."""
    edit_base = None
    if project.config_file.exists():
        try:
            config = yaml.load(project.config_file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader) or {}
        except yaml.YAMLError as exc:
            raise SummitryError(f"{project.config_file}: cannot read it: {exc}") from exc
        repo, edit_uri = config.get("repo_url"), config.get("edit_uri")
        if repo and edit_uri:
            edit_base = repo.rstrip("/") + "/" + edit_uri.strip("/") + "/"
    pages: list[tuple[str, bytes]] = []
    folder = project.root / PAGES_DIR
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                pages.append((path.relative_to(folder).as_posix(), path.read_bytes()))
    return Settings(edit_base=edit_base, pages=tuple(pages))


def generate(project: Project) -> WriteReport:
    """Check everything, render every page in memory, then write only what changed."""
    site = check(project)
    pages = render(site, settings(project))
    return write(
        project.docs, {path: text.encode("utf-8") if isinstance(text, str) else text for path, text in pages.items()}
    )


def build(project: Project, strict: bool = True) -> WriteReport:
    """Generate, then render the site with MkDocs into a fresh folder and swap it in.

    A failed engine run leaves the previous site/ untouched.
    """
    report = generate(project)
    tmp = Path(tempfile.mkdtemp(prefix=".summitry-site-", dir=project.root))
    try:
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--config-file",
            str(project.config_file),
            "--site-dir",
            str(tmp),
        ]
        if strict:
            command.append("--strict")
        result = subprocess.run(command, cwd=project.root, capture_output=True, text=True)
        if result.returncode != 0:
            raise EngineFailed("mkdocs build failed; the previous site is unchanged:\n" + result.stderr.strip())
        _swap(tmp, project.site_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return report


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(f".summitry-site-old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
