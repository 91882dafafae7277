"""Each source's archived text: the file its quotes are checked against, or why there is none.

A ``<id>.txt`` beside a source record is its archived text, named by ``archive:``. A source
without one says why in ``no_archive:``, and its quotes are reported as not checked (a
warning, which ``--strict`` makes a problem) and marked so on the pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from builder.errors import Problem
from builder.records import limits
from builder.records.kinds import KINDS
from builder.records.models import Source
from builder.records.valid_record import Entry
from builder.resolve.quotes import Archive


def archive_name(sid: str) -> str:
    """The file name of a source's archived text."""
    return f"{sid}.txt"


def _read(entry: Entry[Source], folder: Path, name: str) -> tuple[Archive | None, Problem | None]:
    path = folder / name
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        return None, entry.problem(("archive",), f"'{name}' must be a file in content/sources/, not a link")
    if not path.is_file():
        return None, entry.problem(("archive",), f"archived text '{name}' not found beside this record")
    if (size := path.stat().st_size) > limits.ARCHIVE_BYTES:
        limit = f"an archived text may be at most {limits.ARCHIVE_BYTES:,}"
        return None, entry.problem(("archive",), f"archived text '{name}' is {size:,} bytes; {limit}")
    try:
        return Archive(path.read_text(encoding="utf-8-sig")), None
    except UnicodeDecodeError:
        return None, entry.problem(("archive",), f"archived text '{name}' is not valid UTF-8")
    except OSError as exc:  # no permission, an I/O error
        return None, entry.problem(("archive",), f"archived text '{name}' cannot be read ({exc.strerror or exc})")


def archives(root: Path, sources: Iterable[Entry[Source]]) -> tuple[dict[str, Archive], list[Problem]]:
    """The archived text of every source that has one, and what is wrong with the others."""
    found: dict[str, Archive] = {}
    problems: list[Problem] = []
    folder = root / KINDS["source"].folder
    for entry in sources:
        model, beside = entry.model, archive_name(entry.id)
        name = model.archive
        if name is None and (folder / beside).is_file():
            # The text is there: its quotes are checked against it in this same run, and the
            # record is told to name it.
            name = beside
            problems.append(
                entry.problem((), f"'{beside}' beside this record is its archived text: name it with archive: {beside}")
            )
        if name is None:
            if model.no_archive is None:
                problems.append(
                    entry.problem(
                        (),
                        f"no archived text, so no quote citing it can be checked: keep the source's text "
                        f"beside this record as {beside} and name it with archive: {beside} (summitry new "
                        "source --archive FILE does both), or say why there is none with no_archive: <why>",
                    )
                )
            continue
        if model.no_archive is not None and model.archive is not None:
            problems.append(
                entry.problem(
                    ("no_archive",), f"says why there is no archived text, but archive names one ('{name}'): keep one"
                )
            )
        text, problem = _read(entry, folder, name)
        if text is not None:
            found[entry.id] = text
        if problem is not None:
            problems.append(problem)
    return found, problems


def unchecked(source: str, why: str) -> str:
    """What is said of a quote of a source with no archived text."""
    return f"not checked: source '{source}' has no archived text to check it against ({' '.join(why.split())})"
