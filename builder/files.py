"""What the builder may read: files and folders inside the knowledge base, never a link.

A symbolic link is one line in a pull request's diff, and a build would publish whatever it
points at on the machine that runs it (/etc/passwd, a deploy key). So every folder the
builder reads from is checked not to be a link, and so is every file in it, before anything
is read; a FIFO or a device, which would block a read or never end, is refused the same way.

mkdocs.yml and overrides/ are not content but the site's code, read by the engine, not by
the builder: mkdocs.yml can name hooks that MkDocs runs as Python, so a change to either is
reviewed as code is, and a link in them is no more dangerous than what they can say.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Problem, ValidationFailed
from .kinds import KINDS
from .layout import ignored

PAGES_DIR = "content/pages"
CONTENT_FOLDERS = tuple(sorted({"content", PAGES_DIR, *(kind.folder for kind in KINDS.values())}))
_PAGES_ONLY = "hand-written pages and their files must be files or folders, not symbolic links"


def linked_folder(root: Path, rel: str) -> str | None:
    """The first folder on the way from ``root`` to ``rel`` that is a symbolic link, if any."""
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        if (root / prefix).is_symlink():
            return prefix
    return None


def folder_problems(root: Path) -> list[Problem]:
    """One problem for each folder of the knowledge base that is a symbolic link."""
    linked = {found for rel in CONTENT_FOLDERS if (found := linked_folder(root, rel))}
    message = "the knowledge base's folders must be folders, not symbolic links"
    return [Problem(rel, message=message) for rel in sorted(linked)]


def is_regular(info: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode)


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
