"""The hand-written pages (content/pages/): home, about, how to contribute, copied as they are."""

from __future__ import annotations

import os
from pathlib import Path

import frontmatter
import yaml

from builder.errors import Problem, ValidationFailed
from builder.records.folders import PAGES_DIR, ignored
from builder.records.safe_files import folder_problems, is_regular, linked_folder, shown_name

_PAGES_ONLY = "hand-written pages and their files must be files or folders, not symbolic links"
_NOT_UTF8 = (
    "this name is not UTF-8 text (shown with its other bytes as \\x..): rename it; "
    "the site's addresses, its search index and the state are written in UTF-8"
)


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
            if shown_name(entry.name) != entry.name:  # bytes the system could not read as UTF-8
                problems.append(Problem(f"{PAGES_DIR}/{shown_name(rel)}", message=_NOT_UTF8))
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
    """The hand-written pages and their files, as they are; raises if any is not a plain
    file, or a page cannot be read as one (:func:`page_problems`)."""
    files, problems = page_files(root)
    problems += folder_problems(root)
    pages = []
    for rel, path in files if not problems else []:
        try:
            pages.append((rel, path.read_bytes()))
        except OSError as exc:  # no permission, an I/O error
            why = f"cannot be read ({exc.strerror or exc})"
            problems.append(Problem(f"{PAGES_DIR}/{shown_name(rel)}", message=why))
    for rel, data in pages:
        problems += page_problems(rel, data)
    if problems:
        raise ValidationFailed(problems)
    return pages


def pages_problems(root: Path) -> list[Problem]:
    """What :func:`read_pages` would refuse, as problems (summitry check)."""
    try:
        read_pages(root)
    except ValidationFailed as failed:
        return list(failed.problems)
    return []


def page_problems(rel: str, data: bytes) -> list[Problem]:
    """What stops a Markdown page from being read as the builder reads it (python-frontmatter,
    for its title, its edit link and the search index): text that is not UTF-8, or front
    matter that is not YAML names and their values. MkDocs drops such front matter without
    a word and shows it as text; whoever wrote it meant it, so the check says where it fails."""
    if not rel.endswith(".md"):
        return []  # an image or a stylesheet: copied as it is
    path = f"{PAGES_DIR}/{rel}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)  # in bytes: the text has no characters there
        return [Problem(path, line, column, message=f"not UTF-8 text ({exc.reason}); save it as UTF-8")]
    read = text.strip()  # as python-frontmatter reads it
    handler = frontmatter.detect_format(read, frontmatter.handlers)
    if handler is None:
        return []
    try:
        matter, _ = handler.split(read)
    except ValueError:
        return []  # no closing line: no front matter, for python-frontmatter and MkDocs alike
    skipped = text[: len(text) - len(text.lstrip())].count("\n")  # lines before the first ---

    def problem(line: int, column: int, message: str) -> list[Problem]:
        return [Problem(path, skipped + line, column, field="front matter", message=message)]

    try:
        values = handler.load(matter)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return problem(line, column, f"not YAML: {exc.problem or exc.context}; quote a value that holds ': ' or '#'")
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        return problem(1, 1, f"not YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    if values is not None and not isinstance(values, dict):
        return problem(2, 1, "front matter is names and their values (title: ...), not a list or a single value")
    if values and not all(isinstance(name, str) for name in values):
        return problem(2, 1, "front matter names are text: quote a name that is a number, a date or true/false")
    return []
