"""What a run reads, summed up: to skip a run whose inputs have not changed.

The fingerprint is a digest of the bytes of every file under the record folders and
content/ (records, archived texts, hand-written pages), of mkdocs.yml, of the builder's
own files, and of the options of the run. It reads every file but parses none: on 10,000
meetings it takes a fraction of the time YAML needs to parse them (bench/RESULTS.md).
Names, sizes and modification times alone would not do: `cp -p`, rsync and some editors
put back the old modification time, and a record edited to the same size would then be
neither rendered nor checked.

Symbolic links are summed up by where they point, never followed: the run they cause
refuses them (builder.files). Hidden files and editors' own (locks, swap files, backups)
are left out, so an editor at work does not start a run.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from .files import ignored
from .load import RECORD_TOPS

BUILDER = Path(__file__).resolve().parent
# Larger files are summed up by their status (with the change time, which no copy puts
# back): no input of a knowledge base is near this size, and a hostile one must not make
# every run read it.
READ_AT_MOST = 64 * 1024 * 1024


def _stat_line(name: str, info: os.stat_result) -> bytes:
    return f"{name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\n".encode(
        "utf-8", "surrogateescape"
    )


def _sum(digest: hashlib.blake2b, folder: Path, prefix: str, read: bool) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        name = prefix + entry.name
        if entry.name == "__pycache__" or ignored(entry.name):
            continue
        try:
            if entry.is_symlink():
                digest.update(f"{name}\0link\0{os.readlink(entry.path)}\n".encode("utf-8", "surrogateescape"))
            elif entry.is_dir(follow_symlinks=False):
                _sum(digest, Path(entry.path), name + "/", read)
            else:
                info = entry.stat(follow_symlinks=False)
                if not read or not entry.is_file(follow_symlinks=False) or info.st_size > READ_AT_MOST:
                    digest.update(_stat_line(name, info))
                    continue
                with open(entry.path, "rb") as handle:
                    data = handle.read()
                digest.update(f"{name}\0{len(data)}\n".encode("utf-8", "surrogateescape"))
                digest.update(data)
        except OSError:  # gone while we looked: the run that follows will see what is there
            digest.update(f"{name}\0missing\n".encode("utf-8", "surrogateescape"))


def _digest(root: Path, options: tuple[object, ...], read: bool) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update("\n".join([f"python {sys.version}", *(repr(o) for o in options), ""]).encode())
    for top in RECORD_TOPS:
        _sum(digest, root / top, f"{top}/", read)
    _sum(digest, BUILDER, "builder:", read)
    config = root / "mkdocs.yml"
    try:
        data = config.read_bytes() if read else _stat_line("", config.stat())
        digest.update(b"mkdocs.yml\0" + data)
    except OSError:
        pass
    return digest.hexdigest()


def fingerprint(root: Path, *options: object) -> str:
    """A digest that changes whenever the content of any input of a run has changed."""
    return _digest(root, options, read=True)


def stat_fingerprint(root: Path) -> str:
    """A digest of the inputs' names and status, for polling: cheap, and changed by every
    write (a write changes the change time, even where a copy puts the modification time
    back). It only tells the watcher to run generate, which decides on content."""
    return _digest(root, (), read=False)
