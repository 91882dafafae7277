"""The inputs of a run, summed up: each record file's digest, and one for each other part
(the builder's code and libraries, Python, the options, mkdocs.yml, the archived texts and
hand-written pages).

Inputs are summed up by content. A file's digest is read again whenever its status (size,
modification and change time, inode) differs from what the last run saw, and also when that
status was less than a second old when the last run saw it: a write in the same tick of the
clock would otherwise leave the status as it was. The change time is set by the system on
every write and no copy puts it back (``cp -p`` and rsync restore the modification time), so
an unchanged status is an unchanged file. The state (builder.incremental.state) keeps what
a scan saw, so that the next scan reads only the files whose status changed.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PrivateAttr

from builder.records.folders import FOLDERS, RECORD_TOPS, ignored
from builder.records.raw_record import RawRecord, content_digest
from builder.records.safe_files import read_regular
from builder.records.site_config import inherited

BUILDER = Path(__file__).resolve().parent.parent  # the whole builder package: its code is an input
# The libraries whose behaviour shapes what a run checks and writes: an upgrade of one is a
# change of the builder, so records cached before it are checked again.
LIBRARIES = (
    "pydantic",
    "pydantic-core",
    "pyyaml",
    "jinja2",
    "markdown",
    "python-frontmatter",
    "pymdown-extensions",
    "mkdocs",
    "mkdocs-material",
    "rapidfuzz",
    "python-slugify",
    "text-unidecode",
    "markupsafe",
)
# Larger files are summed up by their status: no input of a knowledge base is near this
# size, and a hostile one must not make every run read it.
READ_AT_MOST = 64 * 1024 * 1024
_UNREAD_IN = tuple(folder for kind, folder in FOLDERS.items() if kind != "source")
INHERITED = "inherited:"  # a file mkdocs.yml inherits (INHERIT:), by its path, as the scan saw it
OTHER_FILES = "the archived texts and hand-written pages"  # summed up as one part
FOLDERS_PART = "the knowledge base's folders"  # leaders/ or content/ as links
RACY_NS = 1_000_000_000  # a status this new when read may not show a write made in the same tick

Status = tuple[int, int, int, int]  # size, modification time, change time (ns), inode
Seen = dict[str, tuple[Status, str, int]]  # path -> its status, digest, and when it was read (ns)
_RECORD_FOLDERS = {folder: name for name, folder in FOLDERS.items()}


digest_of = content_digest  # the digest the state keeps of an input's bytes


class Data(BaseModel):
    """Kept data: a field that is not in the model is an error, not dropped."""

    model_config = ConfigDict(extra="forbid", strict=False)


class Inputs(Data):
    """The inputs of a run, summed up: each record file's digest, and one for each other part."""

    records: dict[str, str]  # record file (e.g. content/meetings/x.yaml) -> digest of its bytes
    others: dict[str, str]  # part ("builder", "mkdocs.yml", "options", ...) -> digest
    seen: Seen = {}
    # The names of the other inputs, as the scan found them (not kept: a run's own look)
    _other_names: frozenset[str] | None = PrivateAttr(default=None)

    def changed_part(self, before: Inputs) -> str | None:
        """The first part other than the records that differs from ``before``, if any."""
        for part in sorted(self.others.keys() | before.others.keys()):
            if self.others.get(part) != before.others.get(part):
                return part
        return None


def record_kind(rel: str) -> str | None:
    """The kind of record a file is, from where it is and its name; None for any other file."""
    folder, _, name = rel.rpartition("/")
    kind = _RECORD_FOLDERS.get(folder)
    return kind if kind and name.endswith(".yaml") and not ignored(name) else None


def still_holds(digest: object, seen: tuple[int, ...], read_at: object, status: tuple[int, ...]) -> bool:
    """Whether the ``digest`` of a file read at ``read_at`` (ns), whose status was then
    ``seen``, is still its digest now that its status is ``status`` (size, modification and
    change time, inode): the status is the same, and was more than a second old when it
    was read (a write in the same tick of the clock leaves the status as it was)."""
    return isinstance(digest, str) and isinstance(read_at, int) and seen == status and read_at - status[2] > RACY_NS


class _Scanner:
    def __init__(self, seen: Seen, read: bool = True, look: bool = True) -> None:
        self.before = seen
        self.seen: Seen = {}
        self.now = time.time_ns()
        self.read = read
        self.look = look  # without it, the names alone: no file's status is looked at

    def digest(self, rel: str, path: str, entry: os.DirEntry[str] | None = None) -> str:
        if not self.look:
            return ""
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
        if was is not None and still_holds(was[1], tuple(was[0]), was[2], status):
            self.seen[rel] = was
            return was[1]
        try:
            with open(path, "rb") as handle:
                digest = digest_of(handle.read())
        except OSError:
            return "missing"
        self.seen[rel] = (status, digest, self.now)
        return digest

    def folder(self, folder: str, prefix: str, out: dict[str, str], skip: frozenset[str] = frozenset()) -> None:
        """Every file under ``folder`` (but the folders named in ``skip``), by ``prefix`` and its path there."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        for entry in entries:
            if entry.name in skip or ignored(entry.name):
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False) and not _named_as_record(rel):
                self.folder(entry.path, rel + "/", out, skip)
            else:  # a folder named as a record is one to the run, as to check: a record that is no file
                out[rel] = self.digest(rel, entry.path, entry)


def _named_as_record(rel: str) -> bool:
    """Whether ``rel`` is where check looks for a record (builder.records.load.record_names)."""
    folder, _, name = rel.rpartition("/")
    return folder in _RECORD_FOLDERS and name.lower().endswith((".yaml", ".yml"))


def _libraries() -> str:
    """The version of each library above, and of every other the installed summitry requires."""
    try:
        lines = importlib.metadata.requires("summitry") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree never installed
        lines = []
    # what it runs on, not the extras for its tests and tools
    required = [re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0] for line in lines if "extra ==" not in line]
    names = sorted({name.lower() for name in (*LIBRARIES, *required) if name})
    versions = []
    for name in names:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return "; ".join(versions)


def scan(root: Path, options: tuple[object, ...], seen: Seen | None = None, read: bool = True) -> Inputs:
    """Every input's digest, reading only files whose status changed since ``seen``.

    Without ``read``, a digest of names and status only, for polling: cheap, and changed by
    every write. It only tells the watcher to run generate, which decides on content."""
    scanner = _Scanner(seen or {}, read)
    files = _files(scanner, root)
    code: dict[str, str] = {}
    scanner.folder(str(BUILDER), "builder:", code, frozenset({"__pycache__"}))  # not in the knowledge base
    records = {rel: digest for rel, digest in files.items() if record_kind(rel)}

    def summed(names: Iterable[str]) -> str:
        return digest_of("\n".join(f"{rel}\0{files[rel]}" for rel in names).encode("utf-8", "surrogateescape"))

    others = {
        "Python": digest_of(sys.version.encode()),
        "the builder's code": digest_of("\n".join(f"{rel}\0{digest}" for rel, digest in sorted(code.items())).encode()),
        "the builder's libraries": digest_of(_libraries().encode()),
        "the run's options": digest_of("\n".join(repr(o) for o in options).encode("utf-8", "surrogateescape")),
        "mkdocs.yml": _config_digest(scanner, root / "mkdocs.yml"),
        OTHER_FILES: summed(rel for rel in files if rel not in records and rel not in RECORD_TOPS and not _unread(rel)),
        FOLDERS_PART: summed(rel for rel in files if rel in RECORD_TOPS),  # one linked elsewhere
    }
    inputs = Inputs(records=records, others=others, seen=scanner.seen)
    inputs._other_names = _other_names(root, files)
    return inputs


def _config_digest(scanner: _Scanner, config: Path) -> str:
    """mkdocs.yml's digest, with those of the files it inherits (``INHERIT:``), which may lie
    outside the knowledge base: a setting changed there changes the pages as one changed in it."""
    own = scanner.digest("mkdocs.yml", str(config))
    try:  # a named pipe there would block the read; check says what it is
        inherits = b"INHERIT" in read_regular(config, READ_AT_MOST)
    except OSError:
        return own
    if not inherits:
        return own
    parents = [scanner.digest(f"{INHERITED}{parent}", str(parent)) for parent in inherited(config)]
    return digest_of("\0".join([own, *parents]).encode("utf-8", "surrogateescape"))


def _files(scanner: _Scanner, root: Path) -> dict[str, str]:
    """Every file of the knowledge base's folders, by its path there."""
    files: dict[str, str] = {}
    for top in RECORD_TOPS:
        if (root / top).is_symlink():  # refused by check (a linked folder): a change, not its files
            files[top] = scanner.digest(top, str(root / top))
        else:
            scanner.folder(str(root / top), f"{top}/", files)
    return files


def _unread(rel: str) -> bool:
    """Whether no run reads the file ``rel``: one in a folder of records (not the sources',
    where any file can be an archived text) whose name, or whose folder's name there, is not
    a record's ('.yaml' or '.yml', as check lists them), such as notes or a merge's leftover.
    A change to it is no reason for a full run."""
    folder = next((f for f in _UNREAD_IN if rel.startswith(f + "/")), None)
    return folder is not None and not rel[len(folder) + 1 :].split("/")[0].lower().endswith((".yaml", ".yml"))


def _other_names(root: Path, files: Iterable[str]) -> frozenset[str]:
    """The inputs other than records (and the builder), by name."""
    others = {rel for rel in files if not record_kind(rel) and not _unread(rel)}
    return frozenset(others | ({"mkdocs.yml"} if os.path.lexists(root / "mkdocs.yml") else set()))


def rescan(root: Path, before: Inputs, paths: Iterable[str]) -> Inputs | None:
    """``before`` with the record files at ``paths`` (inside ``root``) looked at again: what
    :func:`scan` gives when only those can have changed (the system's file events named
    them). None when one of them is some other input, which only a whole scan sums up."""
    scanner = _Scanner(before.seen)
    records = dict(before.records)
    for rel in paths:
        if ignored(rel.rpartition("/")[2]):
            continue
        if record_kind(rel) is None:
            return None
        path = root / rel
        if os.path.lexists(path):
            records[rel] = scanner.digest(rel, str(path))
        else:
            records.pop(rel, None)
    inputs = Inputs(records=records, others=dict(before.others), seen={**before.seen, **scanner.seen})
    inputs._other_names = before._other_names  # only records can have changed
    return inputs


def fingerprint(root: Path, read: bool = True) -> str:
    """One digest of every input, changed by any change to any content (without ``read``:
    to any file's status, which is what the preview's watcher polls)."""
    inputs = scan(root, (), None, read)
    return digest_of(repr(sorted(inputs.records.items())).encode() + repr(sorted(inputs.others.items())).encode())


def as_read(inputs: Inputs, raws: Iterable[RawRecord], vanished: Iterable[str] = ()) -> None:
    """Name each record file in ``inputs`` by the digest of the bytes it was parsed from, and
    leave out those that were gone when the run came to read them (``vanished``).

    The scan sums a file up before the run reads it: a save in between would otherwise be
    kept under the digest of the text the scan saw, and were the file then put back as it
    was (an undo), no later run would see a change, and its pages would show the undone text
    for good; a file moved away and back, its pages missing for good."""
    for raw in raws:
        if raw.digest and inputs.records.get(raw.path) != raw.digest:
            inputs.records[raw.path] = raw.digest
            inputs.seen.pop(raw.path, None)
    for rel in vanished:
        inputs.records.pop(rel, None)
        inputs.seen.pop(rel, None)


MEANWHILE = "changed while a run read it"


def changed_meanwhile(root: Path, inputs: Inputs) -> list[str]:
    """The inputs other than records (the builder's code, mkdocs.yml, the archived texts and
    hand-written pages) whose status is no longer what the scan saw: written while the run
    read them, so what it made may be of either text. Each part they belong to is marked in
    ``inputs`` as changed, and the next run reads it again, whatever the file then holds."""
    moved = []
    if inputs._other_names is not None:  # one made or removed: the run may have read it, or not
        names = _other_names(root, _files(_Scanner({}, look=False), root))
        for rel in sorted(names ^ inputs._other_names):
            moved.append(rel)
            inputs.others[_part_of(rel)] = MEANWHILE
    for rel, (status, _, _) in inputs.seen.items():
        if record_kind(rel) is not None:
            continue  # known by the digest of what was parsed (:func:`as_read`)
        try:
            info = os.stat(_path_of(root, rel), follow_symlinks=False)
            now = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        except OSError:
            now = None
        if now != tuple(status):
            moved.append(rel)
            inputs.others[_part_of(rel)] = MEANWHILE
    return list(dict.fromkeys(moved))  # a file removed is both a name gone and a status moved


def _path_of(root: Path, rel: str) -> Path:
    """Where the input the scan saw as ``rel`` is: a builder file, a file mkdocs.yml inherits, or one of ``root``."""
    if rel.startswith("builder:"):
        return BUILDER / rel.removeprefix("builder:")
    return Path(rel.removeprefix(INHERITED)) if rel.startswith(INHERITED) else root / rel


def _part_of(rel: str) -> str:
    """The part of the inputs' others that sums up the file ``rel`` (not a record)."""
    if rel.startswith("builder:"):
        return "the builder's code"
    if rel == "mkdocs.yml" or rel.startswith(INHERITED):
        return "mkdocs.yml"
    return FOLDERS_PART if rel in RECORD_TOPS else OTHER_FILES
