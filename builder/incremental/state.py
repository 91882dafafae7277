"""What a run leaves for the next one: the digest of every input, the validated records, and
what each page read.

The state is an optimisation, never a source of truth. It is kept in two files beside the
output folder: a small head (the digests of the inputs, the warnings) that a run which
changes nothing reads alone, and a body (the records and the pages' reads) that it reads
only when something changed. A missing, unreadable or foreign state, one of another format
or of another builder, or a body that is not the head's, is no state: the run is then a full
one, never a wrong one.

Inputs are summed up by content. A file's digest is read again whenever its status (size,
modification and change time, inode) differs from what the last run saw, and also when that
status was less than a second old when the last run saw it: a write in the same tick of the
clock would otherwise leave the status as it was. The change time is set by the system on
every write and no copy puts it back (``cp -p`` and rsync restore the modification time), so
an unchanged status is an unchanged file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.records.folders import FOLDERS, RECORD_TOPS, ignored

STATE_VERSION = 1
HEAD = ".summitry-state"
BODY = ".summitry-state-body"
BUILDER = Path(__file__).resolve().parent.parent  # the whole builder package: its code is an input
# Larger files are summed up by their status: no input of a knowledge base is near this
# size, and a hostile one must not make every run read it.
READ_AT_MOST = 64 * 1024 * 1024
RACY_NS = 1_000_000_000

Status = tuple[int, int, int, int]  # size, modification time, change time (ns), inode
Seen = dict[str, tuple[Status, str, int]]  # path -> its status, digest, and when it was read (ns)
_RECORD_FOLDERS = {folder: name for name, folder in FOLDERS.items()}


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class Inputs:
    """The inputs of a run, summed up: each record file's digest, and one for all the rest."""

    records: dict[str, str]  # record file (e.g. content/meetings/x.yaml) -> digest of its bytes
    others: str  # the builder's code, mkdocs.yml, the run's options, archives, pages, every other file
    seen: Seen = field(default_factory=dict)


def record_kind(rel: str) -> str | None:
    """The kind of record a file is, from where it is and its name; None for any other file."""
    folder, _, name = rel.rpartition("/")
    kind = _RECORD_FOLDERS.get(folder)
    return kind if kind and name.endswith(".yaml") and not ignored(name) else None


class _Scanner:
    def __init__(self, seen: Seen, read: bool = True) -> None:
        self.before = seen
        self.seen: Seen = {}
        self.now = time.time_ns()
        self.read = read

    def digest(self, rel: str, path: str, entry: os.DirEntry[str] | None = None) -> str:
        try:
            if os.path.islink(path):
                return "link:" + os.readlink(path)
            info = entry.stat(follow_symlinks=False) if entry else os.stat(path, follow_symlinks=False)
        except OSError:  # gone while we looked: the run that follows will see what is there
            return "missing"
        status = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        regular = entry.is_file(follow_symlinks=False) if entry else os.path.isfile(path)
        if not self.read or not regular or info.st_size > READ_AT_MOST:
            return f"status:{status}"
        was = self.before.get(rel)
        if was is not None and was[0] == status and was[2] - status[2] > RACY_NS:
            self.seen[rel] = was
            return was[1]
        try:
            with open(path, "rb") as handle:
                digest = _hash(handle.read())
        except OSError:
            return "missing"
        self.seen[rel] = (status, digest, self.now)
        return digest

    def folder(self, folder: str, prefix: str, out: dict[str, str]) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.name == "__pycache__" or ignored(entry.name):
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                self.folder(entry.path, rel + "/", out)
            else:
                out[rel] = self.digest(rel, entry.path, entry)


def scan(root: Path, options: tuple[object, ...], seen: Seen | None = None, read: bool = True) -> Inputs:
    """Every input's digest, reading only files whose status changed since ``seen``.

    Without ``read``, a digest of names and status only, for polling: cheap, and changed by
    every write. It only tells the watcher to run generate, which decides on content."""
    scanner = _Scanner(seen or {}, read)
    files: dict[str, str] = {}
    for top in RECORD_TOPS:
        scanner.folder(str(root / top), f"{top}/", files)
    code: dict[str, str] = {}
    scanner.folder(str(BUILDER), "builder:", code)
    records = {rel: digest for rel, digest in files.items() if record_kind(rel)}
    rest = [f"python {sys.version}", f"state {STATE_VERSION}", *(repr(o) for o in options)]
    rest += [f"{rel}\0{digest}" for rel, digest in sorted(code.items())]
    rest += [f"{rel}\0{digest}" for rel, digest in files.items() if rel not in records]
    rest.append("mkdocs.yml\0" + scanner.digest("mkdocs.yml", str(root / "mkdocs.yml")))
    others = _hash("\n".join(rest).encode("utf-8", "surrogateescape"))
    return Inputs(records, others, scanner.seen)


def fingerprint(root: Path, read: bool = True) -> str:
    """One digest of every input, changed by any change to any content (without ``read``:
    to any file's status, which is what the preview's watcher polls)."""
    inputs = scan(root, (), None, read)
    return _hash(repr(sorted(inputs.records.items())).encode() + inputs.others.encode())


@dataclass
class Head:
    """What a run that changes nothing needs: the inputs it was made from, and its warnings."""

    inputs: Inputs
    updated: dict[str, str]  # record file -> date of its last commit
    warnings: list[tuple[Any, ...]]
    token: str = ""  # the body's, so that a head and a body of different runs are never mixed


def _read(path: Path) -> Any:
    try:
        with open(path, "rb") as handle:
            version, data = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any unreadable state is no state
        return None
    return data if version == STATE_VERSION else None


def _write(path: Path, data: Any) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        with open(tmp, "wb") as handle:
            pickle.dump((STATE_VERSION, data), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_head(out: Path) -> Head | None:
    head = _read(out.parent / HEAD)
    return head if isinstance(head, Head) else None


def load_body(out: Path, head: Head) -> dict[str, Any] | None:
    body = _read(out.parent / BODY)
    if not isinstance(body, dict) or body.get("token") != head.token or not head.token:
        return None
    return body


def save(out: Path, head: Head, body: dict[str, Any]) -> None:
    """The body first, then the head that names it: a run cut short between leaves no pair."""
    head.token = body["token"] = secrets.token_hex(8)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write(out.parent / BODY, body)
    _write(out.parent / HEAD, head)


def forget(out: Path) -> None:
    """No state: the next run is a full one (a run that failed may have written half of it)."""
    (out.parent / HEAD).unlink(missing_ok=True)
