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

The inputs are summed up by builder.incremental.inputs.
"""

from __future__ import annotations

import errno
import json
import operator
import os
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from builder.errors import Problem, StateUnusable
from builder.incremental import scratch
from builder.incremental.inputs import Data, Inputs, digest_of, record_kind
from builder.incremental.keyed import key_folder, keyed_digest, same_digest, user_key
from builder.incremental.manifest import MANIFEST
from builder.incremental.own_files import create_new, read_own
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
# A state file larger than this is not read at all: read whole before its digest is checked,
# so a file planted in build/ costs at most this much memory. The largest at 22,534 pages is
# 11 MB: this is room for twenty times that.
STATE_AT_MOST = 256 * 1024 * 1024


class Head(Data):
    """What a run that changes nothing needs: the inputs it was made from, and its warnings."""

    inputs: Inputs
    updated: dict[str, str]  # record file -> date of its last commit
    warnings: list[Problem]
    token: str = ""  # the body's, so that a head and a body of different runs are never mixed
    output: str = ""  # the digest of the output's manifest as the run left it: this state describes that output


CellKey = str | int | tuple[str | int, ...] | None  # an id, a year, a (kind, id); None: a lookup of nothing
Cell = tuple[str, CellKey]


class CachedRecord(Data):
    """A record that passed, as data: its model's fields as written (by their YAML names), and
    what it names (builder.resolve.references), keyed by the digest of its file's bytes."""

    digest: str
    kind: str
    id: str
    fields: dict[str, Any]
    refs: list[dict[str, Any]]


class Advice(Data):
    """The advice given on one record file, and what it depended on."""

    digest: str
    names: list[tuple[str, str]]
    problems: list[Problem]


class PageReads(Data):
    """What every page read at the end of a run (builder.incremental.rerender), numbered once."""

    cells: list[Cell] = []
    digests: list[str | None] = []  # each cell's digest, in the order of cells
    tables: dict[str, str | None] = {}  # each table's digest as a whole
    reads: list[tuple[tuple[str, ...], tuple[int, ...]]] = []  # a job's files -> the cells it read
    pieces: list[tuple[tuple[str, ...], str, tuple[int, ...]]] = []  # an export part: key, text, cells


class Body(Data):
    """What a run that changed something reads: the records, the advice and the pages' reads.

    In its file, ``records``, ``advice`` and ``pages.pieces`` are empty: they are in the
    parts that ``parts`` names (part -> the keyed digest of its file's content)."""

    records: dict[str, CachedRecord] = {}  # record file -> the record
    advice: dict[str, Advice] = {}
    aliased: bool = False  # old ids were in use: they rewrite other records as they are read
    pages: PageReads = PageReads()
    token: str = ""
    parts: dict[str, str] = {}


class RecordsPart(Data):
    """The records of one slice of the record files, with their advice."""

    records: dict[str, CachedRecord] = {}
    advice: dict[str, Advice] = {}


class PiecesPart(Data):
    """The records' parts of the exports of one slice of their keys."""

    pieces: list[tuple[tuple[str, ...], str, tuple[int, ...]]] = []


_HEAD = TypeAdapter(Head)
_BODY = TypeAdapter(Body)
_RECORDS = TypeAdapter(RecordsPart)
_PIECES = TypeAdapter(PiecesPart)


def _slice(name: str, count: int) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % count


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
        return digest_of(read_own(out.parent / MANIFEST, STATE_AT_MOST))
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


_PIECE_SLICES: dict[tuple[str, ...], int] = {}
"""An export part's key -> the part of the body it is kept in: worked out once per key in a
process, or taken from the part it was read from (a repr and a CRC for each of 88,000 parts
took 0.08 s of a run at 10,000 meetings)."""

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
            slices = dict.fromkeys((key for key, _, _ in part.pieces), int(name.rpartition("-")[2]))
            _PIECE_SLICES.update(slices)  # where each is kept: the save puts it back there
    body.records, body.advice, body.pages.pieces, body.parts = records, advice, pieces, {}
    return body, ""


def _part_names() -> list[str]:
    return [f"records-{i:03d}" for i in range(RECORD_PARTS)] + [f"pieces-{i:03d}" for i in range(PIECE_PARTS)]


def _piece_slice(key: tuple[str, ...]) -> int:
    key = tuple(key)
    found = _PIECE_SLICES.get(key)
    if found is None:
        found = _PIECE_SLICES[key] = _slice(repr(key), PIECE_PARTS)
    return found


def _split(body: Body, was: Mapping[str, tuple[str, object]] | None = None) -> dict[str, RecordsPart | PiecesPart]:
    """The body's parts, as their files hold them (:func:`_joined` puts them back). ``was``:
    the parts as read or written before (part -> its digest and value); a part of the exports
    made of the very objects it held, in their order, is that value again, sorted already."""
    records = [RecordsPart.model_construct(records={}, advice={}) for _ in range(RECORD_PARTS)]
    for rel, record in body.records.items():
        records[_slice(rel, RECORD_PARTS)].records[rel] = record
    for rel, advised in body.advice.items():
        records[_slice(rel, RECORD_PARTS)].advice[rel] = advised
    pieces: list[list[tuple[tuple[str, ...], str, tuple[int, ...]]]] = [[] for _ in range(PIECE_PARTS)]
    for piece in body.pages.pieces:
        pieces[_piece_slice(piece[0])].append(piece)
    parts: dict[str, RecordsPart | PiecesPart] = {f"records-{i:03d}": part for i, part in enumerate(records)}
    for i, part in enumerate(pieces):  # in the order of their keys: the same pieces, the same bytes
        name = f"pieces-{i:03d}"
        before = (was or {}).get(name, ("", None))[1]
        if isinstance(before, list) and len(before) == len(part) and all(map(operator.is_, part, before)):
            part = before
        else:
            part.sort(key=operator.itemgetter(0))
        parts[name] = PiecesPart.model_construct(pieces=part)
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
    for name, part in _split(body, checked).items():
        value = _value(part)
        was = checked.get(name)
        path = folder / f"{name}.json"
        if was is not None and (was[1] is value or was[1] == value) and _header_mac(path) == was[0]:
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
