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
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine
        return None


def history_key(root: Path) -> str:
    """The commit checked out at ``root`` and the shallow clone's bounds, if it is one (made
    deeper, a clone has more history at the same commit): "" outside a git work tree,
    without git, or before the first commit. A few milliseconds."""
    done = _git(root, "rev-parse", "--git-path", "shallow", "--verify", "-q", "HEAD^{commit}")
    if done is None or done.returncode != 0:
        return ""
    lines = done.stdout.splitlines()
    if len(lines) != 2:
        return ""
    shallow, commit = lines
    try:
        bounds = (root / shallow).read_bytes()
    except OSError:  # not a shallow clone
        bounds = b""
    return f"{commit} {hashlib.sha256(bounds).hexdigest()[:16] if bounds else ''}".rstrip()


def dated(root: Path, kept: Dated | None = None) -> Dated:
    """The dates of every record file at ``root``'s commit, from ``kept`` (what a run worked
    out before) and the log of the commits since, or from the whole log."""
    key = history_key(root)
    if not key:
        return "", {}
    if kept is not None and kept[0] == key:
        return kept
    commit, _, bounds = key.partition(" ")
    if kept is not None and kept[0]:
        old, _, old_bounds = kept[0].partition(" ")
        ancestor = _git(root, "merge-base", "--is-ancestor", old, commit)
        if old_bounds == bounds and ancestor is not None and ancestor.returncode == 0:
            newer = _log(root, f"{old}..{commit}")
            if newer is not None:
                dates = dict(kept[1])
                for path, day in newer.items():
                    if day > dates.get(path, ""):
                        dates[path] = day
                return key, dates
    return key, _log(root, commit) or {}


def last_changed(root: Path) -> dict[str, str]:
    """The dates of every record file, from the whole log (empty outside git)."""
    return dated(root)[1]


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
        elif line and day > dates.get(line, ""):
            dates[line] = day
    return dates
