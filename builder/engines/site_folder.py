"""The site folder: rendered in a scratch folder of our own, swapped in whole, and noted.

A build renders into ``.summitry-site-XXXXXXXX/site`` beside site/ and swaps it in; the
previous site moves into the same scratch folder and goes with it. A build that is killed
leaves that one folder behind (100 MB at 1,500 meetings). It holds a marker naming the
process and machine that made it, so a later build can tell its own leftovers (marked, the
process gone) from a running build's (the process alive) and from a folder that only has
the name (no marker, and files in it), and removes the first kind only
(builder.incremental.scratch).

Beside the output's manifest, a note lists the pages (with their digests) the site was last
rendered from. After a build killed while rendering, the next one finds no page to write,
yet the site it makes differs from the last one: the note is what it is compared with.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.incremental import scratch as scratch_folders
from builder.incremental.output import read_manifest, write_whole

PREFIX = ".summitry-site-"
MARKER = scratch_folders.MARKER
NOTE = ".summitry-site.json"


@dataclass(frozen=True)
class BuildReport:
    pages: int
    changed: int | None
    """Pages added, changed or removed since the site was last built; None if that is not known."""
    swept: tuple[str, ...]
    """Scratch folders of stopped builds that this one removed."""


def sweep(root: Path) -> tuple[str, ...]:
    """Remove the scratch folders that stopped builds left in ``root``; return their names."""
    return scratch_folders.sweep(root, PREFIX)


@contextlib.contextmanager
def scratch(root: Path) -> Iterator[Path]:
    """A marked scratch folder in ``root``, removed afterwards; yields the folder to render into."""
    with scratch_folders.scratch(root, PREFIX) as folder:
        (folder / "site").mkdir()
        yield folder / "site"


def swap(new: Path, target: Path) -> None:
    """Put the rendered site in place; the previous one moves into the scratch folder, to go with it."""
    if target.exists():
        target.rename(new.parent / "old")
    new.rename(target)


def _pages(docs: Path) -> dict[str, str]:
    files, _ = read_manifest(docs)
    return {rel: stamp[2] for rel, stamp in files.items() if stamp}


def _note(docs: Path) -> Path:
    return docs.parent / NOTE


def built_from(docs: Path, site: Path) -> dict[str, str] | None:
    """The pages the site in ``site`` was rendered from, or None if that is not known."""
    if not site.is_dir():
        return None
    try:
        pages = json.loads(_note(docs).read_text(encoding="utf-8"))["pages"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pages if isinstance(pages, dict) else None


def note_built(docs: Path, before: dict[str, str] | None, swept: tuple[str, ...]) -> BuildReport:
    """Note the pages the site was just rendered from; report how they differ from ``before``."""
    now = _pages(docs)
    path = _note(docs)
    with scratch_folders.scratch(path.parent) as folder:
        write_whole(path, (json.dumps({"pages": now}, sort_keys=True, separators=(",", ":")) + "\n").encode(), folder)
    changed = None
    if before is not None:
        changed = sum(before.get(rel) != digest for rel, digest in now.items()) + len(before.keys() - now.keys())
    return BuildReport(len(now), changed, swept)
