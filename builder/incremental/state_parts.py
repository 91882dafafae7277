"""The body's largest parts (builder.incremental.state), kept in files of their own.

The records with their advice and the records' parts of the exports are most of a run's
state. Each file of ``.summitry-state-parts/`` holds those of one slice of the records' file
names (:data:`RECORD_PARTS`) or of the export parts' keys (:data:`PIECE_PARTS`), so a run
rewrites only the files whose content changed, which after one edit is a few of them (at
10,000 meetings it wrote 80 MB on every run before, now a few). The body names each part by
its keyed digest, so parts of different runs are never mixed.
"""

from __future__ import annotations

import errno
import operator
import os
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from builder.errors import Problem
from builder.incremental import state_files
from builder.incremental.inputs import Data
from builder.incremental.keyed import keyed_digest, same_digest, user_key

PARTS = ".summitry-state-parts"  # the folder of the body's parts
RECORD_PARTS = 64  # records and their advice, by their files' names
PIECE_PARTS = 128  # the records' parts of the exports, by their keys

Piece = tuple[tuple[str, ...], str, tuple[int, ...]]
"""An export part: its key, its text, and the cells it read (numbered in the body's table)."""


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


class RecordsPart(Data):
    """The records of one slice of the record files, with their advice."""

    records: dict[str, CachedRecord] = {}
    advice: dict[str, Advice] = {}


class PiecesPart(Data):
    """The records' parts of the exports of one slice of their keys."""

    pieces: list[Piece] = []


_RECORDS = TypeAdapter(RecordsPart)
_PIECES = TypeAdapter(PiecesPart)

Joined = tuple[dict[str, CachedRecord], dict[str, Advice], list[Piece]]
"""What the parts hold together: the records and their advice by file, and the export parts."""

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


def slice_of(name: str, count: int) -> int:
    """Which of ``count`` parts keeps what is named ``name``."""
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % count


def part_names() -> list[str]:
    return [f"records-{i:03d}" for i in range(RECORD_PARTS)] + [f"pieces-{i:03d}" for i in range(PIECE_PARTS)]


def joined(folder: Path, parts: Mapping[str, str], named: str) -> tuple[Joined | None, str]:
    """What the parts in ``folder`` hold, each checked against its keyed digest in ``parts``
    (part -> digest, as the file ``named`` gives them); or None and the one line why not."""
    if sorted(parts) != sorted(part_names()):
        return None, f"{named} names other parts than this summitry keeps"
    if not state_files.own_folder(folder):
        return None, f"{PARTS} is not a folder summitry made (a link, or a file)"
    key = user_key(create=False)
    if key is None:  # the head was signed with it a moment ago
        return None, "the state's key is gone"
    checked = _CHECKED[os.path.abspath(folder), key] = {}
    records: dict[str, CachedRecord] = {}
    advice: dict[str, Advice] = {}
    pieces: list[Piece] = []
    for name, mac in parts.items():
        path = folder / f"{name}.json"
        payload, why, signed = state_files.read_signed(path)
        if payload is None:
            return None, f"{PARTS}/{name}.json is missing" if why == "missing" else f"{PARTS}/{why}"
        if not same_digest(signed, mac):
            return None, f"{named} and {PARTS}/{name}.json are of different runs"
        if name.startswith("records"):
            part, why = state_files.parse(_RECORDS, path, payload)
            if part is None:
                return None, f"{PARTS}/{why}"
            records.update(part.records)
            advice.update(part.advice)
            checked[name] = (mac, (part.records, part.advice))
        else:
            part, why = state_files.parse(_PIECES, path, payload)
            if part is None:
                return None, f"{PARTS}/{why}"
            pieces += part.pieces
            checked[name] = (mac, part.pieces)
            slices = dict.fromkeys((key for key, _, _ in part.pieces), int(name.rpartition("-")[2]))
            _PIECE_SLICES.update(slices)  # where each is kept: the save puts it back there
    return (records, advice, pieces), ""


def _piece_slice(key: tuple[str, ...]) -> int:
    key = tuple(key)
    found = _PIECE_SLICES.get(key)
    if found is None:
        found = _PIECE_SLICES[key] = slice_of(repr(key), PIECE_PARTS)
    return found


def split(whole: Joined, was: Mapping[str, tuple[str, object]] | None = None) -> dict[str, RecordsPart | PiecesPart]:
    """The parts, as their files hold them (:func:`joined` puts them together again). ``was``:
    the parts as read or written before (part -> its digest and value); a part of the exports
    made of the very objects it held, in their order, is that value again, sorted already."""
    kept, advised, made = whole
    records = [RecordsPart.model_construct(records={}, advice={}) for _ in range(RECORD_PARTS)]
    for rel, record in kept.items():
        records[slice_of(rel, RECORD_PARTS)].records[rel] = record
    for rel, advice in advised.items():
        records[slice_of(rel, RECORD_PARTS)].advice[rel] = advice
    pieces: list[list[Piece]] = [[] for _ in range(PIECE_PARTS)]
    for piece in made:
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


def dumped(part: RecordsPart | PiecesPart) -> bytes:
    """A part as its file holds it, below the header."""
    return _RECORDS.dump_json(part) if isinstance(part, RecordsPart) else _PIECES.dump_json(part)


def save(folder: Path, key: bytes, whole: Joined) -> dict[str, str]:
    """Write each part whose file does not hold it already (as this process found it whole,
    or wrote it); their keyed digests."""
    if not state_files.own_folder(folder):
        raise OSError(errno.ENOTDIR, "not a folder summitry made (a link, or a file)", str(folder))
    folder.mkdir(exist_ok=True)
    state_files.sweep_temporaries(folder)
    checked = _CHECKED.setdefault((os.path.abspath(folder), key), {})
    macs = {}
    for name, part in split(whole, checked).items():
        value = _value(part)
        was = checked.get(name)
        path = folder / f"{name}.json"
        if was is not None and (was[1] is value or was[1] == value) and state_files.header_mac(path) == was[0]:
            macs[name] = was[0]
            continue
        payload = dumped(part)
        mac = macs[name] = keyed_digest(key, payload)
        if was is None or was[0] != mac or state_files.header_mac(path) != mac:
            checked.pop(name, None)
            state_files.write(path, key, payload, mac)
        checked[name] = (mac, value)
    return macs
