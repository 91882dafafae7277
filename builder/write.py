"""Write stage: put rendered pages on disk, touching only what changed and what we wrote.

A manifest beside the output folder lists every file the builder wrote. A file in the
output that the manifest does not list is someone else's: the builder refuses to
overwrite or remove it and stops before writing anything. Each page is written to a
temporary file and renamed into place, so an interrupted run leaves no half page.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import WriteRefused

MANIFEST = ".summitry-manifest.json"


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int


def _manifest_path(out: Path) -> Path:
    return out.parent / MANIFEST


def _read_manifest(out: Path) -> set[str]:
    path = _manifest_path(out)
    if not path.exists():
        return set()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WriteRefused(
            f"{path}: unreadable manifest ({exc}); delete {out} and the manifest to start afresh"
        ) from exc
    return set(data.get("files", []))


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _save_manifest(out: Path, files: set[str]) -> None:
    body = json.dumps({"files": sorted(files)}, indent=1) + "\n"
    _atomic_write(_manifest_path(out), body.encode("utf-8"))


def existing_files(out: Path) -> set[str]:
    if not out.exists():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}


def write(out: Path, pages: dict[str, bytes]) -> WriteReport:
    """Make ``out`` hold exactly ``pages``, plus any file that was never ours (refused)."""
    ours = _read_manifest(out)
    present = existing_files(out)
    foreign = sorted(present - ours)
    if foreign:
        listed = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise WriteRefused(
            f"{out} holds files summitry did not write ({listed}); it never overwrites or removes them. "
            f"Move them out of {out} (hand-written pages belong in content/pages/) and run again."
        )
    stale = sorted((ours & present) - pages.keys())
    # Record the union first, so that a run cut short still knows every file it may have left.
    _save_manifest(out, ours | pages.keys())
    written: list[str] = []
    unchanged = 0
    for rel, data in pages.items():
        path = out / rel
        if rel in present and path.read_bytes() == data:
            unchanged += 1
            continue
        _atomic_write(path, data)
        written.append(rel)
    for rel in stale:
        (out / rel).unlink()
        parent = (out / rel).parent
        while parent != out and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    _save_manifest(out, set(pages))
    return WriteReport(tuple(written), tuple(stale), unchanged)
