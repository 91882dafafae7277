"""When each record last changed, from git: one ``git log`` for every file, not one per file."""

from __future__ import annotations

import subprocess
from pathlib import Path

from builder.records.folders import FOLDERS

_MARK = "\x1e"  # starts each commit's line in the log; no file name holds it


def last_changed(root: Path) -> dict[str, str]:
    """``{'leaders/putin.yaml': '2026-11-30', ...}``: the commit date (YYYY-MM-DD) of the latest
    commit that touched each record file, by path from ``root``. Empty outside a git work tree
    or without git: pages then carry no date rather than a made-up one."""
    folders = sorted(FOLDERS.values())
    command = ["git", "log", f"--format={_MARK}%cs", "--name-only", "--no-renames", "--relative", "--", *folders]
    try:
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    except OSError:  # no git on this machine
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    date = ""
    for line in result.stdout.split("\n"):  # not splitlines(), which also splits at the mark
        if line.startswith(_MARK):
            date = line[1:]
        elif line:
            dates.setdefault(line, date)  # the log runs newest first
    return dates


def head_commit(root: Path) -> str:
    """The commit checked out at ``root`` (a few milliseconds, where :func:`last_changed` reads
    the whole log): "" outside a git work tree, without git, or before the first commit."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=root, capture_output=True, text=True
        )
    except OSError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
