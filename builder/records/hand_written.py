"""The hand-written pages (content/pages/): home, about, how to contribute, copied as they are."""

from __future__ import annotations

import os
from pathlib import Path

from builder.errors import Problem, ValidationFailed
from builder.records.folders import PAGES_DIR, ignored
from builder.records.safe_files import folder_problems, is_regular, linked_folder

_PAGES_ONLY = "hand-written pages and their files must be files or folders, not symbolic links"


def page_files(root: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """Every file under content/pages (its path there, and on disk), sorted; and what is not a file."""
    if linked_folder(root, PAGES_DIR):
        return [], []  # reported by folder_problems
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    stack = [(root / PAGES_DIR, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            if ignored(entry.name):  # an Emacs lock is often a dangling link: not a page either way
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), rel + "/"))
            elif entry.is_symlink():
                problems.append(Problem(f"{PAGES_DIR}/{rel}", message=_PAGES_ONLY))
            elif not is_regular(entry.stat(follow_symlinks=False)):
                problems.append(Problem(f"{PAGES_DIR}/{rel}", message="not a regular file; a page must be one"))
            else:
                files.append((rel, Path(entry.path)))
    return sorted(files), problems


def read_pages(root: Path) -> list[tuple[str, bytes]]:
    """The hand-written pages and their files, as they are; raises if any is not a plain file."""
    files, problems = page_files(root)
    problems += folder_problems(root)
    if problems:
        raise ValidationFailed(problems)
    return [(rel, path.read_bytes()) for rel, path in files]
