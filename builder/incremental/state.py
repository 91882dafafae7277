"""What a run leaves for the next one, as checked data: the digest of every input, the
validated records, and what each page read.

The state is an optimisation, never a source of truth. It is kept in JSON files beside the
output folder: a head (the digests of the inputs, the warnings) that a run which changes
nothing reads alone, and a body (the pages' reads) that it reads only when something
changed. The body's largest parts, the records with their advice and the records' parts of
the exports, are kept in files of their own (builder.incremental.state_parts).

Nothing in ``build/`` is trusted for being there. ``build/`` can reach a reviewer's machine
or the publishing job in a pull request (``git add -f``) or in an archive opened with
``--root``, so a state file is read only as data (builder.incremental.state_files), in three
checks, each of which sends the run the full way with one line saying why:

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
import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from builder.errors import Problem, StateUnusable
from builder.incremental import state_files, state_parts
from builder.incremental.inputs import Data, Inputs, digest_of, record_kind
from builder.incremental.keyed import key_blocked, key_folder, user_key
from builder.incremental.manifest import MANIFEST
from builder.incremental.own_files import read_own
from builder.incremental.state_parts import Advice, CachedRecord, Piece
from builder.records.kinds import KINDS
from builder.records.models import Citation
from builder.records.raw_record import RawRecord
from builder.records.valid_record import Entry
from builder.resolve.advice import Advised
from builder.resolve.references import Reference

HEAD = ".summitry-state.json"
BODY = ".summitry-state-body.json"


class Head(Data):
    """What a run that changes nothing needs: the inputs it was made from, and its warnings."""

    inputs: Inputs
    updated: dict[str, str]  # record file -> date of its last commit
    commit: str = ""  # what ``updated`` is the dates at (builder.records.history.history_key)
    warnings: list[Problem]
    token: str = ""  # the body's, so that a head and a body of different runs are never mixed
    output: str = ""  # the digest of the output's manifest as the run left it: this state describes that output


CellKey = str | int | tuple[str | int, ...] | None  # an id, a year, a (kind, id); None: a lookup of nothing
Cell = tuple[str, CellKey]


class PageReads(Data):
    """What every page read at the end of a run (builder.incremental.rerender), numbered once."""

    cells: list[Cell] = []
    digests: list[str | None] = []  # each cell's digest, in the order of cells
    tables: dict[str, str | None] = {}  # each table's digest as a whole
    reads: list[tuple[tuple[str, ...], tuple[int, ...]]] = []  # a job's files -> the cells it read
    pieces: list[Piece] = []  # an export part: key, text, cells


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


_HEAD = TypeAdapter(Head)
_BODY = TypeAdapter(Body)


def load_head(out: Path) -> tuple[Head | None, str]:
    """The last run's head, or None and why (``"missing"`` when there is no state at all: a
    first run says nothing)."""
    path = out.parent / HEAD
    if (why := blocked(out.parent)) is not None:
        return None, why  # why the last run could not keep it, and why no run will until it is moved
    if key_blocked() and (os.path.lexists(path) or os.path.lexists(out.parent / BODY)):
        # a state kept before the key became impossible to keep: not a foreign state, and the
        # run's one line (save says the same, and is not told again)
        return None, _no_key()
    payload, why = state_files.read(path)
    if payload is None and why == "missing" and os.path.lexists(out.parent / BODY):
        # the rest of a state without its head: a run (or serve) stopped before it kept its
        # state, which it forgets while it writes, or the head was removed
        return None, f"{HEAD} is missing (a run was stopped before it kept the state, or it was removed)"
    if payload is None:
        return None, why
    head, why = state_files.parse(_HEAD, path, payload)
    if head is not None and head.output != output_digest(out):
        # A state carried from another knowledge base of the same user, or an output folder
        # another run made since: what the state says was read is not what made these files.
        return None, f"{MANIFEST} is not the list of files this state was saved with"
    return head, why


def blocked(folder: Path) -> str | None:
    """Why no run can keep the state in ``folder`` until something is moved away, or None:
    a folder where one of its files goes (a file is replaced whole, a folder never removed),
    or a link or a file where its parts go."""
    kept = "no run keeps the state until it is moved away"
    for name in (HEAD, BODY):
        if os.path.isdir(folder / name) and not os.path.islink(folder / name):
            return f"{name} is a folder, not a file summitry wrote; {kept}"
    parts = folder / state_parts.PARTS
    if not state_files.own_folder(parts):
        return f"{state_parts.PARTS} is not a folder summitry made (a link, or a file); {kept}"
    try:  # a folder where a part's file goes
        inside = sorted(
            e.name for e in os.scandir(parts) if e.name.endswith(".json") and e.is_dir(follow_symlinks=False)
        )
    except OSError:  # no parts yet
        inside = []
    return f"{state_parts.PARTS}/{inside[0]} is a folder, not a file summitry wrote; {kept}" if inside else None


def output_digest(out: Path) -> str:
    """The digest of the list of what the builder wrote into ``out`` (builder.incremental.output)."""
    try:
        return digest_of(read_own(out.parent / MANIFEST, state_files.STATE_AT_MOST))
    except OSError:
        return "missing"


def load_body(out: Path, head: Head) -> tuple[Body | None, str]:
    path = out.parent / BODY
    payload, why = state_files.read(path)
    if payload is None:
        return None, "its body is missing" if why == "missing" else why
    body, why = state_files.parse(_BODY, path, payload)
    if body is None:
        return None, why
    if not head.token or body.token != head.token:
        return None, f"{HEAD} and {BODY} are of different runs"
    whole, why = state_parts.joined(out.parent / state_parts.PARTS, body.parts, BODY)
    if whole is None:
        return None, why
    body.records, body.advice, body.pages.pieces = whole
    body.parts = {}
    return body, ""


def save(out: Path, head: Head, body: Body) -> str | None:
    """The body first, then the head that names it: a run cut short between leaves no pair.

    Returns None when saved, or the one line why the state could not be kept (the output is
    whole either way; the next run is then a full one)."""
    head.token = body.token = secrets.token_hex(8)
    key = user_key(create=True)
    folder = out.parent
    if key is None:
        forget(out)
        return _no_key()
    if (why := blocked(folder)) is not None:
        forget(out)
        return why
    try:
        folder.mkdir(parents=True, exist_ok=True)
        state_files.sweep_temporaries(folder)
        parts = state_parts.save(folder / state_parts.PARTS, key, (body.records, body.advice, body.pages.pieces))
        pages = body.pages.model_copy(update={"pieces": []})
        kept = body.model_copy(update={"records": {}, "advice": {}, "pages": pages, "parts": parts})
        state_files.write(folder / BODY, key, _BODY.dump_json(kept))
        state_files.write(folder / HEAD, key, _HEAD.dump_json(head))
    except OSError as exc:
        forget(out)
        what = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or str(exc))
        where = exc.filename2 or exc.filename or folder  # a rename names what it could not replace second
        return f"the state is not kept ({where}: {what}); the pages are written, and the next run is a full one"
    return None


def _no_key() -> str:
    where = key_folder()
    place = f"in {where}" if where else "(no home folder, nor an absolute XDG_CACHE_HOME, to keep it in)"
    return f"the state is not kept: no key could be made {place}; every run will be a full one"


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
