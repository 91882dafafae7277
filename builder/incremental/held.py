"""What summitry serve holds between saves: what every page read, and who read each cell.

A run that starts from the state (builder.incremental.rerender) finds the pages a change
touches by digesting every cell some page read, since the site it had before is gone. A
process that holds the site from before a save and the site after it compares the two
instead, table by table, and looks up the pages that read a cell that changed: the work
follows the change, not the size of the site.

Two values are compared with ``==``, which for the site's values (strings, numbers, tuples,
dicts, dataclasses, pydantic models) compares every part; a record is its file's digest, as
in the state. In strict mode (the tests) every pair found equal is compared again as
:class:`builder.incremental.rerender.Plain` data, the digests' own definition of a value, so
that a type whose ``==`` leaves a part out fails a test instead of leaving a page stale.
"""

from __future__ import annotations

import dataclasses
import os
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from builder.errors import TrackingError, WriteRefused
from builder.incremental.manifest import save_manifest
from builder.incremental.output import Output, WriteReport
from builder.incremental.rerender import UPDATED, Digests, Pieces, Plain, tracked
from builder.incremental.state import Cell as CellData
from builder.incremental.state import PageReads
from builder.incremental.workers import run as run_jobs
from builder.records.kinds import KINDS
from builder.render import track
from builder.render.exports import EXPORTS
from builder.render.job import Job
from builder.render.pages import Renderer, Settings
from builder.render.track import ALL, KEYS, Cell
from builder.resolve.site import Site

Paths = tuple[str, ...]
Files = Mapping[str, str]  # record file -> digest of its bytes
_MISSING = object()


def _tables(site: Site, updated: Mapping[str, str]) -> Iterator[tuple[str, Any]]:
    for f in dataclasses.fields(site):
        value = getattr(site, f.name)
        yield from value.items() if f.name == "records" else [(f.name, value)]
    yield UPDATED, updated


class _Same:
    """Whether a value of a table is what it was."""

    def __init__(self, files: tuple[Files, Files]) -> None:
        self.files = files
        self.plain = Plain(None) if track.strict() else None  # a record as its data: == compares that

    def __call__(self, name: str, a: Any, b: Any) -> bool:
        if a is b:
            return True
        if a is _MISSING or b is _MISSING:
            return False
        if name in KINDS:
            return bool(a.path == b.path and self.files[0].get(a.path) == self.files[1].get(b.path))
        equal = bool(a == b)
        if equal and self.plain is not None and self.plain(a) != self.plain(b):
            raise TrackingError(f"two values of Site.{name} are == but differ as data: {a!r}, {b!r}")
        return equal


def changed_cells(
    before: tuple[Site, Files, Mapping[str, str]], after: tuple[Site, Files, Mapping[str, str]]
) -> set[Cell]:
    """Every cell whose value differs between two sites (each with its record files'
    digests and its records' dates): an entry, or a lookup of one that is not there; which
    entries a table has (KEYS); and each table as a whole (ALL)."""
    same = _Same((before[1], after[1]))
    out: set[Cell] = set()
    olds = dict(_tables(before[0], before[2]))
    for name, new in _tables(after[0], after[2]):
        old = olds.pop(name, _MISSING)
        if old is new:  # a table the change left as it was (builder.resolve.patch keeps it)
            continue
        if isinstance(new, tuple):
            if not same(name, old, new):
                out.add((name, ALL))
            continue
        old = {} if old is _MISSING else old
        if name == UPDATED and old == new:
            continue
        # A value patched is a new object; one left as it was is the same object.
        maybe = [k for k in old.keys() | new.keys() if old.get(k, _MISSING) is not new.get(k, _MISSING)]
        keys = [k for k in maybe if not same(name, old.get(k, _MISSING), new.get(k, _MISSING))]
        out.update((name, k) for k in keys)
        if list(old) != list(new):
            out.add((name, KEYS))
        if keys or (name, KEYS) in out:
            out.add((name, ALL))
    out.update((name, ALL) for name in olds)  # a table that is no more
    return out


class HeldPages:
    """What every page read, who read each cell, and the exports' parts, for one process."""

    def __init__(self, reads: PageReads) -> None:
        cells = list(reads.cells)
        self.reads: dict[Paths, frozenset[Cell]] = {}
        self.readers: dict[Cell, set[Paths]] = defaultdict(set)
        for paths, numbers in reads.reads:
            self._note(tuple(paths), frozenset(cells[n] for n in numbers))
        self.pieces: dict[Hashable, tuple[str, frozenset[Cell]]] = {}
        self.piece_readers: dict[Cell, set[Hashable]] = defaultdict(set)
        for key, text, numbers in reads.pieces:
            self._keep_piece(tuple(key), text, frozenset(cells[n] for n in numbers))

    def _keep_piece(self, key: Hashable, text: str, read: frozenset[Cell]) -> None:
        self.pieces[key] = (text, read)
        for cell in read:
            self.piece_readers[cell].add(key)

    def _drop_piece(self, key: Hashable) -> None:
        for cell in self.pieces.pop(key)[1]:
            readers = self.piece_readers[cell]
            readers.discard(key)
            if not readers:
                del self.piece_readers[cell]

    def touched(self, cells: set[Cell]) -> set[Paths]:
        """The pages that read any of ``cells``."""
        out: set[Paths] = set()
        for cell in cells:
            out |= self.readers.get(cell, set())
        return out

    def _forget(self, paths: Paths) -> None:
        for cell in self.reads.pop(paths, frozenset()):
            readers = self.readers[cell]
            readers.discard(paths)
            if not readers:
                del self.readers[cell]

    def _note(self, paths: Paths, read: frozenset[Cell]) -> None:
        self._forget(paths)
        self.reads[paths] = read
        for cell in read:
            self.readers[cell].add(paths)

    def state(self, site: Site, files: Files, updated: Mapping[str, str]) -> PageReads:
        """What the pages read, as the state keeps it: the cells numbered, each with its digest."""
        digests = Digests(site, files, updated)
        number: dict[Cell, int] = {}

        def numbered(read: frozenset[Cell]) -> tuple[int, ...]:
            return tuple(sorted(number.setdefault(cell, len(number)) for cell in read))

        reads = [(paths, numbered(read)) for paths, read in self.reads.items()]
        pieces = [(cast(Paths, key), text, numbered(read)) for key, (text, read) in self.pieces.items()]
        cells = list(number)
        return PageReads.model_construct(  # made here from typed values: checked when read back
            cells=cast(list[CellData], cells),
            digests=[digests(cell) for cell in cells],
            tables={name: digests((name, ALL)) for name in {cell[0] for cell in cells}},
            reads=reads,
            pieces=pieces,
        )

    def rerender(
        self,
        site: Site,
        settings: Settings,
        output: Output,
        changed: set[Cell] | None,
        published: Callable[[WriteReport], None] | None = None,
    ) -> WriteReport:
        """Render the pages that read a changed cell (``None``: every page), and new pages;
        remove pages that are no more; make the exports again from their parts (those that
        read no changed cell are kept). ``published`` hears of the pages before the exports are made."""
        with output.writing() as folder:
            return self._rerender(site, settings, output, changed, published, folder)

    def _rerender(
        self,
        site: Site,
        settings: Settings,
        output: Output,
        changed: set[Cell] | None,
        published: Callable[[WriteReport], None] | None,
        folder: Path,
    ) -> WriteReport:
        stale = set(self.pieces) if changed is None else {k for c in changed for k in self.piece_readers.get(c, ())}
        for key in stale:
            self._drop_piece(key)
        pieces = Pieces(self.pieces)
        jobs = dict(Renderer(tracked(site), settings, pieces).jobs())
        # A job no more, whose files no job makes now (the redirects are one job whose files
        # are the old ids: its files change with them)
        made = {rel for paths in jobs for rel in paths}
        gone = [(paths, [rel for rel in paths if rel not in made]) for paths in self.reads if paths not in jobs]
        touched = set(jobs) if changed is None else self.touched(changed)
        wanted = (touched | (jobs.keys() - self.reads.keys())) - set(EXPORTS)
        pages = [(paths, jobs[paths]) for paths in sorted(wanted) if paths in jobs]
        _refuse_foreign(output, [rel for paths, _ in pages for rel in paths], folder)
        output.refuse_changed(rel for _, files in gone for rel in files if rel in output.known)
        report = self._run(output, pages, gone, note=True)
        if published is not None:
            published(report)
        exports = self._run(output, [(paths, jobs[paths]) for paths in EXPORTS], [], note=False)
        if len(pieces.used) < len(self.pieces):  # parts of records that are no more
            for key in self.pieces.keys() - pieces.used:
                self._drop_piece(key)
        for key, (value, read) in pieces.items():
            self._keep_piece(key, value, read)
        save_manifest(output.out, output.known, folder)
        written = report.written + exports.written
        return WriteReport(
            written, report.removed, len(output.known) - len(written), report.rendered + exports.rendered
        )

    def _run(self, output: Output, jobs: list[Job], gone: list[tuple[Paths, list[str]]], note: bool) -> WriteReport:
        puts, made = run_jobs(jobs, output, workers=1)
        if note:  # the exports are made on every run: what they read need not be kept
            for (paths, _), read in zip(jobs, made, strict=True):
                self._note(paths, read)
        removed = []
        for paths, files in gone:
            self._forget(paths)
            for rel in files:
                if rel in output.known:
                    del output.known[rel]
                    _remove(output.out, rel)
                    output.present.discard(rel)
                    removed.append(rel)
        for put in puts:
            output.known[put.rel] = put.stamp
            output.present.add(put.rel)
        rendered = tuple(sorted(rel for paths, _ in jobs for rel in paths))
        return WriteReport(tuple(sorted(p.rel for p in puts if p.written)), tuple(sorted(removed)), 0, rendered)


def _refuse_foreign(output: Output, rels: list[str], folder: Path) -> None:
    """A file this run would write that is someone else's is refused, as a run refuses it;
    new files are listed before they are written, so a process stopped meanwhile leaves no
    file of its own unknown."""
    new = [rel for rel in rels if rel not in output.known]
    foreign = sorted(rel for rel in new if os.path.lexists(output.out / rel))
    if foreign:
        raise WriteRefused(
            f"{output.out} holds files summitry did not write ({', '.join(foreign[:5])}); it never overwrites "
            f"or removes them. Move them out of {output.out} and save again."
        )
    if new:
        output.known.update(dict.fromkeys(new))
        save_manifest(output.out, output.known, folder)


def _remove(out: Path, rel: str) -> None:
    """A page that is no more, and the folders it leaves empty."""
    path = out / rel
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != out and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
