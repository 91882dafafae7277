"""Which pages a change touches: the cells each page read (builder.track), and their digests.

After a run, every cell some page read is kept with a digest of its value. The next run
resolves the site anew (from cached records where their files did not change) and computes
the digest of each of those cells again; a page is rendered again when one of the cells it
read has a new digest, when it is new, or when its file in the output is not as written.
Every other page is the page it was: rendering is a function of what it reads.

A record's cell has the digest of its file's bytes; a derived table's cell, of its value
(with each record in it standing for its file's digest), so that a change to a meeting's
title does not touch a page that only lists which meetings a leader had.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import operator
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from builder.errors import TrackingError
from builder.incremental.output import Output, Put, WriteReport
from builder.incremental.state import Cell as CellData
from builder.incremental.state import PageReads, forget
from builder.incremental.workers import Progress
from builder.incremental.workers import run as run_jobs
from builder.records.kinds import KINDS
from builder.records.valid_record import Entry
from builder.render.exports import EXPORTS
from builder.render.pages import Renderer, Settings
from builder.render.track import ALL, KEYS, Cell, Memo, Reads, ReadsSeq, note_all
from builder.resolve.site import Site

T = TypeVar("T")
UPDATED = "updated"  # the dates of the records' last commits: settings, not the site
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_SET = frozenset(_SCALARS)


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()


def tracked(site: Site) -> Site:
    """The same site, with every table noting what is read of it.

    A field of any other type would be read without a note, and a page showing it would go
    stale without a sound: it is refused."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(site):
        value = getattr(site, f.name)
        if f.name == "records":
            fields[f.name] = {kind: Reads(kind, records) for kind, records in value.items()}
        elif isinstance(value, dict):
            fields[f.name] = Reads(f.name, value)
        elif isinstance(value, tuple):
            fields[f.name] = ReadsSeq(f.name, value)
        else:
            raise TrackingError(
                f"Site.{f.name} is a {type(value).__name__}: pages can follow only dicts and tuples "
                "of the site (builder.render.track); make it one"
            )
    return dataclasses.replace(site, **fields)


class Plain:
    """A value as plain data, every part of it: what its digest is made from.

    Not its repr, which may leave fields out (``field(repr=False)``) or print an object by
    its address. A record stands for its file's digest (one read from the state has no raw
    data to show), or, without ``files``, for its model's data; any type not known here is
    refused rather than digested in part."""

    def __init__(self, files: Mapping[str, str] | None) -> None:
        self.files = files
        self._fields: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
        self._json = json.JSONEncoder(
            default=self._tagged, ensure_ascii=True, check_circular=False, separators=(",", ":")
        ).encode

    def text(self, value: Any) -> str:
        """The same value as one text to digest, written by json's C encoder: the containers
        and scalars that are most of a table are written in C, and only a record, a dataclass
        or a model goes through :meth:`_tagged` (a third of the time of ``repr(self(value))``
        on the tables of 10,000 meetings). A dict keyed by anything but text is written as its
        pairs with each key's repr; a dict of the site keyed by ints inside another value would
        be written with the ints as text, which its type, fixed by the code, never mixes with text."""
        if type(value) is dict and not all(type(key) is str for key in value):
            return "\n".join(f"{key!r}\t{self._json(item)}" for key, item in value.items())
        try:
            return self._json(value)
        except TypeError:  # a key that is not text where json does not take it: the slow way
            return repr(self(value))

    def _tagged(self, value: Any) -> dict[str, Any]:
        """A value json cannot write, as an object whose key no record can hold (validation
        refuses control characters): a record, or a dataclass's or model's fields in order."""
        kind = type(value)
        if kind is Entry:
            made = self(value.model) if self.files is None else self.files.get(value.path)
            return {"\x00": "entry", "=": [value.path, made]}
        fields = self._fields.get(kind) or self._reader(kind)
        return {"\x00": kind.__qualname__, "=": fields(value)}

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if kind in _SCALAR_SET:
            return value
        if kind is tuple or kind is list:
            if _SCALAR_SET.issuperset(map(type, value)):
                return tuple(value)
            return tuple(map(self, value))
        if kind is dict:
            return ("{", tuple((self(k), self(v)) for k, v in value.items()))
        if kind is Entry:
            return ("entry", value.path, self(value.model) if self.files is None else self.files.get(value.path))
        fields = self._fields.get(kind) or self._reader(kind)
        return (kind.__qualname__, tuple(map(self, fields(value))))

    def _reader(self, kind: type) -> Callable[[Any], tuple[Any, ...]]:
        """What of a value of ``kind`` is digested: every field of a dataclass, whether it
        shows in its repr or takes part in its ==; a pydantic model's fields, extra and private."""
        if dataclasses.is_dataclass(kind):
            names = [f.name for f in dataclasses.fields(kind)]
            read = (lambda value: (getattr(value, names[0]),)) if len(names) == 1 else operator.attrgetter(*names)
        elif issubclass(kind, BaseModel):

            def read(value: Any) -> tuple[Any, ...]:
                return (value.__dict__, value.__pydantic_extra__ or {}, value.__pydantic_private__ or {})

        else:
            raise TrackingError(f"a {kind.__name__} in the site cannot be digested by value; add it to Plain")
        self._fields[kind] = read
        return read


class Digests:
    """The digest of any cell of one resolved site, each computed once."""

    def __init__(self, site: Site, files: Mapping[str, str], updated: Mapping[str, str]) -> None:
        self.site, self.files, self.updated = site, files, updated
        self.plain = Plain(files)
        self._done: dict[Cell, str | None] = {}

    def __call__(self, cell: Cell) -> str | None:
        try:
            return self._done[cell]
        except KeyError:
            made = self._done[cell] = self._make(cell)
            return made

    def _table(self, name: str) -> Any:
        if name in KINDS:
            return self.site.records[name]
        if name == UPDATED:
            return self.updated
        return getattr(self.site, name, None)

    def _make(self, cell: Cell) -> str | None:
        name, key = cell
        table = self._table(name)
        if table is None:
            return None
        if name in KINDS:  # a record is its file
            if key == KEYS:
                return _hash(repr(tuple(table)))
            if key == ALL:
                return _hash(" ".join(f"{rid}={self.files.get(e.path)}" for rid, e in table.items()))
            entry = table.get(key)
            return None if entry is None else self.files.get(entry.path)
        if isinstance(table, tuple) or key == ALL:
            return _hash(self.plain.text(table))
        if key == KEYS:
            return _hash(repr(tuple(table)))
        if key not in table:
            return None
        return _hash(self.plain.text(table[key]))


@dataclasses.dataclass
class Plan:
    """Which jobs to run; what the others read, to keep, and their files as they were written."""

    run: list[int]
    kept: dict[int, Sequence[int]]  # job -> the cells it read, as numbers in the table of cells
    puts: list[Put]  # the kept jobs' files


def changed_cells(
    cells: Sequence[Cell], digests: Sequence[str | None], now: Digests, same: Collection[str]
) -> set[int]:
    """The numbers of the cells whose digest is not what it was; ``same``: tables that are
    whole as they were, whose cells need no look."""
    return {
        i for i, (cell, was) in enumerate(zip(cells, digests, strict=True)) if cell[0] not in same and now(cell) != was
    }


def unchanged_tables(names: Iterable[str], before: Mapping[str, str | None], now: Digests) -> set[str]:
    """The tables whose digest as a whole is what it was: none of their cells changed."""
    return {name for name in names if before.get(name) is not None and before[name] == now((name, ALL))}


def plan(
    jobs: Sequence[tuple[tuple[str, ...], object]],
    before: Mapping[tuple[str, ...], Sequence[int]],
    changed: set[int],
    as_written: Callable[[str], Put | None],
) -> Plan:
    """Jobs whose cells changed, new jobs, and jobs whose files are not as they were written."""
    run, kept, puts = [], {}, []
    for i, (paths, _) in enumerate(jobs):
        read = before.get(paths)
        found = None if read is None or not changed.isdisjoint(read) else [as_written(path) for path in paths]
        if found is not None and all(found):
            kept[i] = cast(Sequence[int], read)
            puts += cast(list[Put], found)
        else:
            run.append(i)
    return Plan(run, kept, puts)


def table_of(
    groups: Sequence[tuple[Mapping[Hashable, Sequence[int]], Mapping[Hashable, frozenset[Cell]]]], cells: Sequence[Cell]
) -> tuple[list[Cell], list[dict[Hashable, tuple[int, ...]]]]:
    """One table of cells for the reads of every group (its kept reads, as numbers, and its
    fresh ones, as cells): the old numbers stay, new cells are added. A table that gained
    cells is numbered afresh when most of its cells are read by no page any more; one that
    gained none is no larger than it was, and kept as it is: after one edit, the look through
    every read of every page and every part of the exports is not made."""
    table = list(cells)
    number = {cell: i for i, cell in enumerate(table)}
    numbered: list[dict[Hashable, tuple[int, ...]]] = []
    for kept, fresh in groups:
        reads: dict[Hashable, tuple[int, ...]] = {job: tuple(read) for job, read in kept.items()}
        for job, read in fresh.items():
            out = []
            for cell in read:
                n = number.get(cell)
                if n is None:
                    n = number[cell] = len(table)
                    table.append(cell)
                out.append(n)
            reads[job] = tuple(sorted(out))
        numbered.append(reads)
    if len(table) == len(cells):
        return table, numbered
    used = sorted(set().union(*(read for reads in numbered for read in reads.values())))
    if len(used) < len(table) // 2:  # mostly cells no page reads any more: number them afresh
        renumber = {old: new for new, old in enumerate(used)}
        table = [table[n] for n in used]
        numbered = [{job: tuple(renumber[n] for n in read) for job, read in reads.items()} for reads in numbered]
    return table, numbered


class Pieces(Memo):
    """The records' parts of the exports: those kept from the run before, and those made now.

    A kept part is one that read no cell that changed; it is given as it is, since the
    exports, which are all that use the parts, are made on every run. A part made now from a
    kept one (a page's part of the search index, from its line of the JSON export) read what
    the kept one read: those cells are noted for it, or a change to one of them would leave it
    as it is. ``kept``: each part's key -> its text and what making it read, as cells or, with
    ``cells``, as their numbers there."""

    def __init__(self, kept: Mapping[Hashable, tuple[str, Any]], cells: Sequence[Cell] | None = None) -> None:
        super().__init__()
        self.kept = kept
        self.cells = cells
        self.used: set[Hashable] = set()
        self._making = 0  # how many parts are being made, one inside another

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        piece = self.kept.get(key)
        if piece is None:
            self._making += 1
            try:
                return super().get_or_make(key, make)
            finally:
                self._making -= 1
        self.used.add(key)
        if self._making:
            cells = self.cells
            note_all(piece[1] if cells is None else (cells[n] for n in piece[1]))
        value: T = piece[0]  # type: ignore[assignment]  # a kept part is what make() made
        return value


def render(
    site: Site,
    settings: Settings,
    files: Mapping[str, str],
    updated: Mapping[str, str],
    output: Output,
    before: PageReads,
    workers: int | None,
    progress: Progress | None,
    ready: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[WriteReport, PageReads]:
    """Render the pages that read a cell that changed (all of them without a run before),
    write what changed, and say what every page read now.

    The exports are made in this process, from the parts of them kept in ``before``; the
    pages, by as many workers as asked. ``ready`` is told once the output is whole, before
    what every page read is worked out (summitry build's engine starts on it meanwhile).
    ``meanwhile`` is done once: in this process while workers render, or after ``ready``."""
    cells: list[Cell] = list(before.cells)
    reads = {paths: read for paths, read in before.reads}
    digests = Digests(site, files, updated)
    was = before.digests if len(before.digests) == len(cells) else [None] * len(cells)
    same = unchanged_tables({cell[0] for cell in cells}, before.tables, digests)
    changed = changed_cells(cells, was, digests, same)
    pieces = Pieces({key: (text, read) for key, text, read in before.pieces if changed.isdisjoint(read)}, cells)
    jobs = Renderer(tracked(site), settings, pieces).jobs()
    chosen = plan(jobs, reads, changed, output.as_written)
    output.begin({path for paths, _ in jobs for path in paths})
    forget(output.out)  # until this run is done, the state describes no output
    local = [i for i, (paths, _) in enumerate(jobs) if paths in EXPORTS]  # all of them, in this process
    others = [i for i in chosen.run if jobs[i][0] not in EXPORTS]
    done: list[bool] = []

    def work() -> None:
        if meanwhile is not None:
            meanwhile()
        done.append(True)

    def digested(reads: list[frozenset[Cell]]) -> None:
        """The digests the state keeps of what the pages read, made as their chunks come in:
        from nothing, this process has done its exports and advice while the workers still
        render, and this was most of the serial time after them (0.85 s at 10,000 meetings)."""
        for read in reads:
            for cell in read:
                if cell[0] not in same:
                    digests(cell)
                    digests((cell[0], ALL))

    puts, made = run_jobs(
        [jobs[i] for i in local + others], output, workers, progress, here=len(local), meanwhile=work, read=digested
    )
    made = made[len(local) :]
    puts += chosen.puts
    run = sorted({*local, *chosen.run})
    report = output.finish(puts)
    if ready is not None:
        ready()
    if not done:
        work()
    exported = set(local)
    kept: dict[Hashable, Sequence[int]] = {i: read for i, read in chosen.kept.items() if i not in exported}
    fresh_pieces: dict[Hashable, frozenset[Cell]] = {key: read for key, (_, read) in pieces.items()}
    fresh: dict[Hashable, frozenset[Cell]] = dict(zip(others, made, strict=True))
    # The parts of the exports kept from the run before (all but a few, after one edit) are
    # numbered in the table as they were, unless it gains cells: then it may be numbered afresh.
    table, (numbered, piece_reads) = table_of([(kept, fresh), ({}, fresh_pieces)], cells)
    if len(table) == len(cells):  # each kept part stays the object it was read as (state_parts.split)
        parts = [piece for piece in before.pieces if piece[0] in pieces.used] + [
            (cast(tuple[str, ...], key), pieces[key][0], read) for key, read in piece_reads.items()
        ]
    else:
        if pieces.used:  # numbered again with the kept parts' reads; without any (from nothing), as it is
            kept_pieces: dict[Hashable, Sequence[int]] = {key: pieces.kept[key][1] for key in pieces.used}
            table, (numbered, piece_reads) = table_of([(kept, fresh), (kept_pieces, fresh_pieces)], cells)
        made_now = {key: value for key, (value, _) in pieces.items()}
        parts = [
            (cast(tuple[str, ...], key), made_now[key] if key in made_now else pieces.kept[key][0], read)
            for key, read in piece_reads.items()
        ]
    if table[: len(cells)] == cells:  # numbered as before: a cell's digest is where it was
        old = [was[i] if cell[0] in same else digests(cell) for i, cell in enumerate(cells)]
        cell_digests = old + [digests(cell) for cell in table[len(cells) :]]
    else:
        known = dict(zip(cells, was, strict=True))
        cell_digests = [known[c] if c[0] in same and c in known else digests(c) for c in table]
    after = PageReads.model_construct(  # made here from typed values: checked when read back
        cells=cast(list[CellData], table),  # what a table is keyed by: ids, years, (kind, id)
        digests=cell_digests,
        tables={name: digests((name, ALL)) for name in {cell[0] for cell in table}},
        reads=[(jobs[cast(int, i)][0], read) for i, read in numbered.items()],
        pieces=parts,
    )
    return dataclasses.replace(report, rendered=tuple(sorted(path for i in run for path in jobs[i][0]))), after
