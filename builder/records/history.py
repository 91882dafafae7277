"""When each record last changed, from git: one ``git log`` for every file, not one per file,
and after a first run only the log of the commits made since.

The log of a commit never changes (its id is a digest of the whole history behind it), so
the dates a run worked out are kept with the commit they were worked out at
(builder.incremental.state), and a later run at the same commit reads no log at all; at a
later commit that has it as an ancestor, only the log of the commits between. The day of a
file is the latest day of every commit that changed it, on any branch merged in: so the
days of the commits since, joined to those kept, are exactly the days of the whole log.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from builder.records.folders import FOLDERS

_MARK = "\x1e"  # starts each commit's line in the log; no file name holds it

Dated = tuple[str, dict[str, str]]
"""What the dates are of (:func:`history_key`: "" outside git), and ``{'leaders/putin.yaml':
'2026-11-30', ...}``: the commit date (YYYY-MM-DD) of the latest commit that touched each
record file, by path from the knowledge base's folder."""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    # Replacement objects are not followed (a `git replace` changes the log, not the commit's
    # id); names come out as they are, not quoted, and one that is not UTF-8 does not stop a run.
    command = ["git", "--no-replace-objects", "-c", "core.quotePath=false", *args]
    try:
        return subprocess.run(
            command, cwd=root, capture_output=True, encoding="utf-8", errors="surrogateescape", check=False
        )
    except OSError:  # no git on this machine
        return None


def history_key(root: Path) -> str:
    """The commit checked out at ``root``, then a digest of what else the log of the record
    folders depends on: where ``root`` is in the repository (the paths are relative to it),
    a shallow clone's bounds (made deeper, a clone has more history at the same commit) and
    grafts. "" outside a git work tree, without git, or before the first commit. A few
    milliseconds."""
    done = _git(
        root, "rev-parse", "--show-prefix", "--git-path", "shallow", "--git-path", "info/grafts",
        "--verify", "-q", "HEAD^{commit}",
    )  # fmt: skip
    if done is None or done.returncode != 0:
        return ""
    lines = done.stdout.split("\n")
    if len(lines) != 5 or lines[4] != "":  # the prefix (may be empty), two paths, the commit, and the end
        return ""
    prefix, shallow, grafts, commit = lines[:4]
    behind = hashlib.sha256(prefix.encode("utf-8", "surrogateescape"))
    for path in (shallow, grafts):
        try:
            behind.update(b"\0" + (root / path).read_bytes())
        except OSError:  # not a shallow clone; no grafts
            behind.update(b"\0-")
    return f"{commit} {behind.hexdigest()[:16]}"


def dated(root: Path, kept: Dated | None = None) -> Dated:
    """The dates of every record file at ``root``'s commit, from ``kept`` (what a run worked
    out before) and the log of the commits since, or from the whole log."""
    key = history_key(root)
    if not key:
        return "", {}
    if kept is not None and kept[0] == key:
        return kept
    commit, _, behind = key.partition(" ")
    if kept is not None and kept[0]:
        old, _, old_behind = kept[0].partition(" ")
        ancestor = _git(root, "merge-base", "--is-ancestor", old, commit)
        if old_behind == behind and ancestor is not None and ancestor.returncode == 0:
            newer = _log(root, f"{old}..{commit}")
            if newer is not None:
                dates = dict(kept[1])
                for path, day in newer.items():
                    if day > dates.get(path, ""):
                        dates[path] = day
                return key, dates
    whole = _log(root, commit)
    # a log git could not give (a partial clone whose remote is away) is no history: nothing kept
    return (key, whole) if whole is not None else ("", {})


def _log(root: Path, commits: str) -> dict[str, str] | None:
    """Each file's latest commit day among ``commits`` (every commit that changed it, on
    every branch: no side branch left out); None if git refuses."""
    folders = sorted(FOLDERS.values())
    done = _git(
        root, "log", "--full-history", f"--format={_MARK}%cs", "--name-only", "--no-renames", "--relative",
        commits, "--", *folders,
    )  # fmt: skip
    if done is None or done.returncode != 0:
        return None
    dates: dict[str, str] = {}
    day = ""
    for line in done.stdout.split("\n"):  # not splitlines(), which also splits at the mark
        if line.startswith(_MARK):
            day = line[1:]
        elif line and day > dates.get(line, "") and line.isprintable():  # a name not UTF-8: no record's
            dates[line] = day
    return dates
