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
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from .entry import Entry
from .kinds import KINDS
from .resolve import Site
from .track import ALL, KEYS, Cell, Reads, ReadsSeq

UPDATED = "updated"  # the dates of the records' last commits: settings, not the site


def tracked(site: Site) -> Site:
    """The same site, with every table noting what is read of it."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(site):
        value = getattr(site, f.name)
        if f.name == "records":
            fields[f.name] = {kind: Reads(kind, records) for kind, records in value.items()}
        elif isinstance(value, dict):
            fields[f.name] = Reads(f.name, value)
        elif isinstance(value, tuple):
            fields[f.name] = ReadsSeq(f.name, value)
    return dataclasses.replace(site, **fields)


class Digests:
    """The digest of any cell of one resolved site, each computed once."""

    def __init__(self, site: Site, files: Mapping[str, str], updated: Mapping[str, str]) -> None:
        self.site, self.files, self.updated = site, files, updated
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
        if isinstance(table, tuple):
            return self._hash(table)
        if key == KEYS:
            return self._hash(tuple(table))
        if key == ALL:
            return self._hash(table)
        if key not in table:
            return None
        return self._hash(table[key])

    def _hash(self, value: object) -> str:
        return hashlib.blake2b(repr(self._plain(value)).encode("utf-8", "surrogateescape"), digest_size=12).hexdigest()

    def _plain(self, value: Any) -> Hashable:
        """The value in plain data, each record standing for its file's digest."""
        if value is None or isinstance(value, (str, int, float)):
            return value
        if isinstance(value, Entry):
            return ("record", value.path, self.files.get(value.path))
        if isinstance(value, (tuple, list)):
            return tuple(self._plain(v) for v in value)
        if isinstance(value, dict):
            return tuple((k, self._plain(v)) for k, v in dict.items(value))
        if isinstance(value, BaseModel):
            return repr(value)
        if dataclasses.is_dataclass(value):
            return (type(value).__name__, *(self._plain(getattr(value, f.name)) for f in dataclasses.fields(value)))
        raise TypeError(f"no digest for a {type(value).__name__} in the site")


@dataclasses.dataclass
class Plan:
    """Which jobs to run; what the others read, to keep."""

    run: list[int]
    kept: dict[int, Sequence[int]]  # job -> the cells it read, as numbers in the table of cells


def plan(
    jobs: Sequence[tuple[tuple[str, ...], object]],
    before: Mapping[tuple[str, ...], Sequence[int]],
    cells: Sequence[Cell],
    digests: Sequence[str | None],
    now: Digests,
    as_written: Callable[[str], object],
) -> Plan:
    """Jobs whose cells changed, new jobs, and jobs whose files are not as they were written."""
    changed = {i for i, (cell, was) in enumerate(zip(cells, digests, strict=True)) if now(cell) != was}
    run, kept = [], {}
    for i, (paths, _) in enumerate(jobs):
        read = before.get(paths)
        if read is None or not changed.isdisjoint(read) or not all(as_written(path) for path in paths):
            run.append(i)
        else:
            kept[i] = read
    return Plan(run, kept)


def table_of(
    kept: Mapping[int, Sequence[int]], fresh: Mapping[int, frozenset[Cell]], cells: Sequence[Cell]
) -> tuple[list[Cell], dict[int, tuple[int, ...]]]:
    """One table of cells for every job's reads: the old numbers stay, new cells are added."""
    table = list(cells)
    number = {cell: i for i, cell in enumerate(table)}
    reads: dict[int, tuple[int, ...]] = {i: tuple(read) for i, read in kept.items()}
    for job, read in fresh.items():
        out = []
        for cell in read:
            n = number.get(cell)
            if n is None:
                n = number[cell] = len(table)
                table.append(cell)
            out.append(n)
        reads[job] = tuple(sorted(out))
    used = sorted({n for read in reads.values() for n in read})
    if len(used) < len(table) // 2:  # mostly cells no page reads any more: number them afresh
        renumber = {old: new for new, old in enumerate(used)}
        table = [table[n] for n in used]
        reads = {job: tuple(renumber[n] for n in read) for job, read in reads.items()}
    return table, reads
