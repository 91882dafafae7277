"""What a run reads, summed up cheaply: to skip a run whose inputs have not changed.

The fingerprint covers the name, size and modification time of every file under the
record folders and content/ (records, archived texts, hand-written pages), mkdocs.yml,
the builder's own files, and the options of the run. It is what make and git use to see
that nothing changed, without reading a file: on 10,000 records it takes a few hundredths
of a second, where reading and checking them takes seconds. Hidden files and editors' own
(locks, swap files, backups) are left out, so an editor at work does not start a run.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .load import RECORD_TOPS, ignored

BUILDER = Path(__file__).resolve().parent


def _walk(folder: Path, prefix: str, out: list[str]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name == "__pycache__" or ignored(entry.name):
            continue
        if entry.is_dir():
            _walk(Path(entry.path), f"{prefix}{entry.name}/", out)
        else:
            try:
                info = entry.stat()  # follows links: a changed target changes the fingerprint
            except OSError:
                out.append(f"{prefix}{entry.name}\0missing")
                continue
            out.append(f"{prefix}{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}")


def fingerprint(root: Path, *options: object) -> str:
    """A digest that changes whenever any input of a run may have changed."""
    lines = [f"python {sys.version}", *(repr(o) for o in options)]
    for top in RECORD_TOPS:
        _walk(root / top, f"{top}/", lines)
    _walk(BUILDER, "builder:", lines)
    config = root / "mkdocs.yml"
    if config.exists():
        info = config.stat()
        lines.append(f"mkdocs.yml\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
