"""What a run leaves for the next one, as checked data: the digest of every input, the
validated records, and what each page read.

The state is an optimisation, never a source of truth. It is kept in JSON files beside the
output folder: a head (the digests of the inputs, the warnings) that a run which changes
nothing reads alone, and a body (the pages' reads) that it reads only when something
changed. The body's largest parts, the records with their advice and the records' parts of
the exports, are kept in files of their own (``.summitry-state-parts/``), each holding the
records of one slice of the files' names: a run rewrites only the parts whose content
changed, which after one edit is a few of them (at 10,000 meetings it wrote 80 MB on every
run, now a few), and the body names each part by its keyed digest, so parts of different
runs are never mixed.

Nothing in ``build/`` is trusted for being there. ``build/`` can reach a reviewer's machine
or the publishing job in a pull request (``git add -f``) or in an archive opened with
``--root``, so a state file is read only as data, in three checks, each of which sends the
run the full way with one line saying why:

1. its first line names this format and version;
2. the rest carries a keyed digest (HMAC-SHA256) made with a secret that lives outside the
   knowledge base, in the user's cache folder (``$XDG_CACHE_HOME/summitry/state-key``): a
   state summitry did not write on this machine, for this user, is foreign, whatever it says;
3. the data parses as the typed models below (pydantic), records included, which are
   validated again by their own models as they are taken from it.

Inputs are summed up by content. A file's digest is read again whenever its status (size,
modification and change time, inode) differs from what the last run saw, and also when that
status was less than a second old when the last run saw it: a write in the same tick of the
clock would otherwise leave the status as it was. The change time is set by the system on
every write and no copy puts it back (``cp -p`` and rsync restore the modification time), so
an unchanged status is an unchanged file.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.metadata
import json
import operator
import os
import re
import secrets
import sys
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from builder.errors import Problem, StateUnusable
from builder.incremental import scratch
from builder.incremental.keyed import key_folder, keyed_digest, same_digest, user_key
from builder.incremental.manifest import MANIFEST
from builder.incremental.own_files import create_new, read_own
from builder.records.folders import FOLDERS, RECORD_TOPS, ignored
from builder.records.kinds import KINDS
from builder.records.models import Citation
from builder.records.raw_record import RawRecord
from builder.records.valid_record import Entry
from builder.resolve.advice import Advised
from builder.resolve.references import Reference

STATE_VERSION = 4
MAGIC = "summitry-state"
HEAD = ".summitry-state.json"
BODY = ".summitry-state-body.json"
PARTS = ".summitry-state-parts"  # the folder of the body's parts
RECORD_PARTS = 64  # records and their advice, by their files' names
PIECE_PARTS = 128  # the records' parts of the exports, by their keys
TEMP_PREFIX = ".summitry-state-tmp-"  # a save cut short leaves this; the next save removes it
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
# A state file larger than this is not read at all: read whole before its digest is checked,
# so a file planted in build/ costs at most this much memory. The largest at 22,534 pages is
# 11 MB: this is room for twenty times that.
STATE_AT_MOST = 256 * 1024 * 1024
RACY_NS = 1_000_000_000

Status = tuple[int, int, int, int]  # size, modification time, change time (ns), inode
Seen = dict[str, tuple[Status, str, int]]  # path -> its status, digest, and when it was read (ns)
_RECORD_FOLDERS = {folder: name for name, folder in FOLDERS.items()}


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Inputs(_Data):
    """The inputs of a run, summed up: each record file's digest, and one for each other part."""

    records: dict[str, str]  # record file (e.g. content/meetings/x.yaml) -> digest of its bytes
    others: dict[str, str]  # part ("builder", "mkdocs.yml", "options", ...) -> digest
    seen: Seen = {}

    def changed_part(self, before: Inputs) -> str | None:
        """The first part other than the records that differs from ``before``, if any."""
        for part in sorted(self.others.keys() | before.others.keys()):
            if self.others.get(part) != before.others.get(part):
                return part
        return None


class Head(_Data):
    """What a run that changes nothing needs: the inputs it was made from, and its warnings."""

    inputs: Inputs
    updated: dict[str, str]  # record file -> date of its last commit
    warnings: list[Problem]
    token: str = ""  # the body's, so that a head and a body of different runs are never mixed
    output: str = ""  # the digest of the output's manifest as the run left it: this state describes that output


CellKey = str | int | tuple[str | int, ...] | None  # an id, a year, a (kind, id); None: a lookup of nothing
Cell = tuple[str, CellKey]


class CachedRecord(_Data):
    """A record that passed, as data: its model's fields as written (by their YAML names), and
    what it names (builder.resolve.references), keyed by the digest of its file's bytes."""

    digest: str
    kind: str
    id: str
    fields: dict[str, Any]
    refs: list[dict[str, Any]]


class Advice(_Data):
    """The advice given on one record file, and what it depended on."""

    digest: str
    names: list[tuple[str, str]]
    problems: list[Problem]


class PageReads(_Data):
    """What every page read at the end of a run (builder.incremental.rerender), numbered once."""

    cells: list[Cell] = []
    digests: list[str | None] = []  # each cell's digest, in the order of cells
    tables: dict[str, str | None] = {}  # each table's digest as a whole
    reads: list[tuple[tuple[str, ...], tuple[int, ...]]] = []  # a job's files -> the cells it read
    pieces: list[tuple[tuple[str, ...], str, tuple[int, ...]]] = []  # an export part: key, text, cells


class Body(_Data):
    """What a run that changed something reads: the records, the advice and the pages' reads.

    In its file, ``records``, ``advice`` and ``pages.pieces`` are empty: they are in the
    parts that ``parts`` names (part -> the keyed digest of its file's content)."""

    records: dict[str, CachedRecord] = {}  # record file -> the record
    advice: dict[str, Advice] = {}
    aliased: bool = False  # old ids were in use: they rewrite other records as they are read
    pages: PageReads = PageReads()
    token: str = ""
    parts: dict[str, str] = {}


class RecordsPart(_Data):
    """The records of one slice of the record files, with their advice."""

    records: dict[str, CachedRecord] = {}
    advice: dict[str, Advice] = {}


class PiecesPart(_Data):
    """The records' parts of the exports of one slice of their keys."""

    pieces: list[tuple[tuple[str, ...], str, tuple[int, ...]]] = []


_HEAD = TypeAdapter(Head)
_BODY = TypeAdapter(Body)
_RECORDS = TypeAdapter(RecordsPart)
_PIECES = TypeAdapter(PiecesPart)


def _slice(name: str, count: int) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % count


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
        if was is not None and still_holds(was[1], tuple(was[0]), was[2], status):
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
    files: dict[str, str] = {}
    for top in RECORD_TOPS:
        scanner.folder(str(root / top), f"{top}/", files)
    code: dict[str, str] = {}
    scanner.folder(str(BUILDER), "builder:", code)
    records = {rel: digest for rel, digest in files.items() if record_kind(rel)}
    others = {
        "Python": _hash(sys.version.encode()),
        "the builder's code": _hash("\n".join(f"{rel}\0{digest}" for rel, digest in sorted(code.items())).encode()),
        "the builder's libraries": _hash(_libraries().encode()),
        "the run's options": _hash("\n".join(repr(o) for o in options).encode("utf-8", "surrogateescape")),
        "mkdocs.yml": scanner.digest("mkdocs.yml", str(root / "mkdocs.yml")),
        "the archived texts and hand-written pages": _hash(
            "\n".join(f"{rel}\0{digest}" for rel, digest in files.items() if rel not in records).encode(
                "utf-8", "surrogateescape"
            )
        ),
    }
    return Inputs(records=records, others=others, seen=scanner.seen)


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
    return Inputs(records=records, others=dict(before.others), seen={**before.seen, **scanner.seen})


def fingerprint(root: Path, read: bool = True) -> str:
    """One digest of every input, changed by any change to any content (without ``read``:
    to any file's status, which is what the preview's watcher polls)."""
    inputs = scan(root, (), None, read)
    return _hash(repr(sorted(inputs.records.items())).encode() + repr(sorted(inputs.others.items())).encode())


def _read(path: Path) -> tuple[bytes | None, str]:
    """The payload of a state file whose header and digest check out, or None and why not."""
    payload, why, _ = _read_signed(path)
    return payload, why


def _read_signed(path: Path) -> tuple[bytes | None, str, str]:
    """:func:`_read`, with the keyed digest the file's header gives (checked)."""
    try:
        header, _, payload = read_own(path, STATE_AT_MOST).partition(b"\n")
    except FileNotFoundError:
        return None, "missing", ""
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            return None, f"{path.name} is larger than a state can be", ""
        if exc.errno in (errno.ELOOP, errno.EINVAL):
            return None, f"{path.name} is not a file summitry wrote (a link, or not a regular file)", ""
        return None, f"{path.name} cannot be read ({exc.strerror or exc})", ""
    try:
        meta = json.loads(header)
        magic, version, mac = meta["format"], meta["version"], meta["mac"]
    except (ValueError, RecursionError, KeyError, TypeError):
        return None, f"{path.name} is not a summitry state", ""
    if magic != MAGIC:
        return None, f"{path.name} is not a summitry state", ""
    if version != STATE_VERSION:
        return None, f"{path.name} is of another format (version {version!r}, this summitry writes {STATE_VERSION})", ""
    key = user_key(create=False)
    if key is None or not same_digest(keyed_digest(key, payload), mac):
        return None, f"{path.name} was not written by summitry on this machine for this user", ""
    return payload, "", mac


def _parse(adapter: TypeAdapter[Any], path: Path, payload: bytes) -> tuple[Any, str]:
    try:
        return adapter.validate_json(payload), ""
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "its top"
        return None, f"{path.name} is damaged (at {where}: {first['msg']})"


def load_head(out: Path) -> tuple[Head | None, str]:
    """The last run's head, or None and why (``"missing"`` when there is none at all)."""
    path = out.parent / HEAD
    payload, why = _read(path)
    if payload is None:
        return None, why
    head, why = _parse(_HEAD, path, payload)
    if head is not None and head.output != output_digest(out):
        # A state carried from another knowledge base of the same user, or an output folder
        # another run made since: what the state says was read is not what made these files.
        return None, f"{MANIFEST} is not the list of files this state was saved with"
    return head, why


def output_digest(out: Path) -> str:
    """The digest of the list of what the builder wrote into ``out`` (builder.incremental.output)."""
    try:
        return _hash(read_own(out.parent / MANIFEST, STATE_AT_MOST))
    except OSError:
        return "missing"


def load_body(out: Path, head: Head) -> tuple[Body | None, str]:
    path = out.parent / BODY
    payload, why = _read(path)
    if payload is None:
        return None, "its body is missing" if why == "missing" else why
    body, why = _parse(_BODY, path, payload)
    if body is None:
        return None, why
    if not head.token or body.token != head.token:
        return None, f"{HEAD} and {BODY} are of different runs"
    return _joined(out.parent / PARTS, body)


_CHECKED: dict[tuple[str, bytes], dict[str, tuple[str, object]]] = {}
"""Parts folder and key -> the parts this process found whole there, or wrote: each one's keyed
digest and its value. Only those are left as they are by a save (a part whose first line is
right but whose content is spoiled would otherwise never be written again), and a part
whose value is the one kept here is not turned into JSON again: after one edit, a few of
the 192 are (turning them all into JSON and digesting them took 0.3 s at 10,000 meetings)."""


def own_folder(folder: Path) -> bool:
    """Whether ``folder`` is missing or a real folder: not a link (git can carry one into
    build/, and the builder would write through it) nor a file."""
    return not folder.is_symlink() and (folder.is_dir() or not folder.exists())


def _joined(folder: Path, body: Body) -> tuple[Body | None, str]:
    """The body with the records, advice and pieces of the parts it names."""
    if sorted(body.parts) != sorted(_part_names()):
        return None, f"{BODY} names other parts than this summitry keeps"
    if not own_folder(folder):
        return None, f"{PARTS} is not a folder summitry made (a link, or a file)"
    key = user_key(create=False)
    if key is None:  # the head was signed with it a moment ago
        return None, "the state's key is gone"
    checked = _CHECKED[os.path.abspath(folder), key] = {}
    records: dict[str, CachedRecord] = {}
    advice: dict[str, Advice] = {}
    pieces: list[tuple[tuple[str, ...], str, tuple[int, ...]]] = []
    for name, mac in body.parts.items():
        path = folder / f"{name}.json"
        payload, why, signed = _read_signed(path)
        if payload is None:
            return None, f"{PARTS}/{name}.json is missing" if why == "missing" else f"{PARTS}/{why}"
        if not same_digest(signed, mac):
            return None, f"{BODY} and {PARTS}/{name}.json are of different runs"
        if name.startswith("records"):
            part, why = _parse(_RECORDS, path, payload)
            if part is None:
                return None, f"{PARTS}/{why}"
            records.update(part.records)
            advice.update(part.advice)
            checked[name] = (mac, (part.records, part.advice))
        else:
            part, why = _parse(_PIECES, path, payload)
            if part is None:
                return None, f"{PARTS}/{why}"
            pieces += part.pieces
            checked[name] = (mac, part.pieces)
    body.records, body.advice, body.pages.pieces, body.parts = records, advice, pieces, {}
    return body, ""


def _part_names() -> list[str]:
    return [f"records-{i:03d}" for i in range(RECORD_PARTS)] + [f"pieces-{i:03d}" for i in range(PIECE_PARTS)]


def _split(body: Body) -> dict[str, RecordsPart | PiecesPart]:
    """The body's parts, as their files hold them (:func:`_joined` puts them back)."""
    records = [RecordsPart.model_construct(records={}, advice={}) for _ in range(RECORD_PARTS)]
    for rel, record in body.records.items():
        records[_slice(rel, RECORD_PARTS)].records[rel] = record
    for rel, advised in body.advice.items():
        records[_slice(rel, RECORD_PARTS)].advice[rel] = advised
    pieces: list[list[tuple[tuple[str, ...], str, tuple[int, ...]]]] = [[] for _ in range(PIECE_PARTS)]
    for piece in body.pages.pieces:
        pieces[_slice(repr(tuple(piece[0])), PIECE_PARTS)].append(piece)
    parts: dict[str, RecordsPart | PiecesPart] = {f"records-{i:03d}": part for i, part in enumerate(records)}
    for i, part in enumerate(pieces):  # in the order of their keys: the same pieces, the same bytes
        part.sort(key=operator.itemgetter(0))
        parts[f"pieces-{i:03d}"] = PiecesPart.model_construct(pieces=part)
    return parts


def _value(part: RecordsPart | PiecesPart) -> object:
    """What a part holds, to compare with what was kept: a record kept as it was read is
    the same object, which == takes without looking inside. Equal values make the same
    JSON: a record's value holds the digest of its file, so 1 and true in a field (equal in
    Python) are never a record's only difference."""
    return (part.records, part.advice) if isinstance(part, RecordsPart) else part.pieces


def _dumped(part: RecordsPart | PiecesPart) -> bytes:
    return _RECORDS.dump_json(part) if isinstance(part, RecordsPart) else _PIECES.dump_json(part)


def _header_mac(path: Path) -> str | None:
    """The keyed digest a state file's first line gives, unchecked; None if there is none."""
    try:
        mac = json.loads(read_own(path, STATE_AT_MOST, head=True).partition(b"\n")[0])["mac"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return None
    return mac if isinstance(mac, str) else None


def _save_parts(folder: Path, key: bytes, body: Body) -> dict[str, str]:
    """Write each part of the body whose file does not hold it already (as this process
    found it whole, or wrote it); their keyed digests."""
    if not own_folder(folder):
        raise OSError(errno.ENOTDIR, "not a folder summitry made (a link, or a file)", str(folder))
    folder.mkdir(exist_ok=True)
    _sweep_temporaries(folder)
    checked = _CHECKED.setdefault((os.path.abspath(folder), key), {})
    macs = {}
    for name, part in _split(body).items():
        value = _value(part)
        was = checked.get(name)
        path = folder / f"{name}.json"
        if was is not None and was[1] == value and _header_mac(path) == was[0]:
            macs[name] = was[0]
            continue
        payload = _dumped(part)
        mac = macs[name] = keyed_digest(key, payload)
        if was is None or was[0] != mac or _header_mac(path) != mac:
            checked.pop(name, None)
            _write(path, key, payload, mac)
        checked[name] = (mac, value)
    return macs


@dataclass
class Saved:
    """What saving found: None when the state was saved, else the one line why it was not."""

    why: str | None = None
    removed: list[str] = field(default_factory=list)


def _write(path: Path, key: bytes, payload: bytes, mac: str | None = None) -> None:
    mac = keyed_digest(key, payload) if mac is None else mac
    header = json.dumps({"format": MAGIC, "version": STATE_VERSION, "mac": mac}).encode()
    # a name no one can foresee, made anew (build/ can hold a link planted under a name foreseen)
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}-{path.name}")
    try:
        with create_new(tmp) as handle:
            handle.write(header + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _sweep_temporaries(folder: Path) -> None:
    """Temporary state files of runs that were killed before they renamed them."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMP_PREFIX):
            pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
            # only ASCII digits: "²".isdigit(), and int() refuses it
            if pid.isascii() and pid.isdigit() and int(pid) != os.getpid() and scratch.process_gone(int(pid)):
                (folder / name).unlink(missing_ok=True)


def save(out: Path, head: Head, body: Body) -> str | None:
    """The body first, then the head that names it: a run cut short between leaves no pair.

    Returns None when saved, or the one line why the state could not be kept (the output is
    whole either way; the next run is then a full one)."""
    head.token = body.token = secrets.token_hex(8)
    key = user_key(create=True)
    folder = out.parent
    if key is None:
        forget(out)
        return f"the state is not kept: no key could be made in {key_folder()}; every run will be a full one"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _sweep_temporaries(folder)
        parts = _save_parts(folder / PARTS, key, body)
        pages = body.pages.model_copy(update={"pieces": []})
        kept = body.model_copy(update={"records": {}, "advice": {}, "pages": pages, "parts": parts})
        _write(folder / BODY, key, _BODY.dump_json(kept))
        _write(folder / HEAD, key, _HEAD.dump_json(head))
    except OSError as exc:
        forget(out)
        what = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
        where = exc.filename2 or exc.filename or folder  # a rename names what it could not replace second
        return f"the state is not kept ({where}: {what}); the pages are written, and the next run is a full one"
    return None


def forget(out: Path) -> None:
    """No state: the next run is a full one (a run that failed may have written half of it)."""
    path = out.parent / HEAD
    if os.path.isdir(path) and not os.path.islink(path):
        return  # not a state, then: no run reads it as one (unlink says EISDIR here, EPERM on macOS)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise StateUnusable(f"{path}: cannot remove the last run's state ({exc.strerror or exc})") from exc


def cache_record(entry: Entry[Any], refs: list[Reference], digest: str) -> CachedRecord:
    """A valid record as data for the state: its fields as its file gave them."""
    fields = entry.model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    named = [
        {
            "loc": list(ref.loc),
            "target": ref.target,
            "kind": ref.kind,
            "citation": ref.citation.model_dump(mode="json", by_alias=True, exclude_unset=True)
            if ref.citation
            else None,
            "is_key": ref.is_key,
        }
        for ref in refs
    ]
    return CachedRecord(digest=digest, kind=entry.kind, id=entry.id, fields=fields, refs=named)


def cached_entry(rel: str, cached: CachedRecord) -> tuple[Entry[Any], list[Reference]]:
    """The record again, validated by its own model; raises ValueError if it does not pass.

    The record is bare: where each of its values is written is read from its file only when
    a message needs it (builder.pipeline)."""
    kind = KINDS.get(cached.kind)
    if kind is None or record_kind(rel) != cached.kind:
        raise ValueError(f"{rel} is not a record of kind {cached.kind!r}")
    try:
        model = kind.model.model_validate(cached.fields)
        refs = [
            Reference(
                loc=tuple(ref["loc"]),
                target=str(ref["target"]),
                kind=ref["kind"],
                citation=Citation.model_validate(ref["citation"]) if ref["citation"] is not None else None,
                is_key=bool(ref["is_key"]),
            )
            for ref in cached.refs
        ]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "its top"
        raise ValueError(f"the record {rel} kept in the state does not pass (at {where}: {first['msg']})") from None
    except (KeyError, TypeError) as exc:
        raise ValueError(f"the record {rel} kept in the state does not pass ({type(exc).__name__}: {exc})") from None
    return Entry(RawRecord(cached.kind, cached.id, rel, {}, {}), model), refs


def advice_to_data(advised: Advised) -> dict[str, Advice]:
    return {
        rel: Advice(digest=digest, names=list(names), problems=list(found))
        for rel, (digest, names, found) in advised.items()
    }


def advice_from_data(data: dict[str, Advice]) -> Advised:
    return {rel: (a.digest, tuple(a.names), tuple(a.problems)) for rel, a in data.items()}
