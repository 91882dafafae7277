"""The builder's stages in order: load -> validate -> resolve -> render -> write (the engine's
stage, summitry build, is builder.publish).

Everything is read and checked before anything is written; all problems are collected
and raised once, as one :class:`ValidationFailed`.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.engines import SiteConfig, site_config
from builder.errors import ChangedDuringRun, NotAKnowledgeBase, Problem, ValidationFailed
from builder.incremental import state, state_parts
from builder.incremental.inputs import Inputs, as_read, changed_meanwhile, record_kind, scan
from builder.incremental.lock import running
from builder.incremental.manifest import set_aside_unlisted
from builder.incremental.output import Output, WriteReport, own_output
from builder.incremental.rerender import UPDATED, render
from builder.incremental.workers import Progress
from builder.records.folders import RECORD_TOPS
from builder.records.hand_written import read_pages
from builder.records.history import dated
from builder.records.kinds import KINDS
from builder.records.load import load_all, load_file, record_names, stray_records
from builder.records.raw_record import RawRecord
from builder.records.valid_record import Entry
from builder.records.validate import validate
from builder.render.pages import Renderer, Settings
from builder.render.track import Reads
from builder.resolve import marks
from builder.resolve.advice import advise
from builder.resolve.aliases import alias_table, canonicalize
from builder.resolve.references import Reference
from builder.resolve.site import Site, resolve

DOCS_DIR = Path("build/docs")
SITE_DIR = Path("site")


@dataclass(frozen=True)
class Project:
    """A knowledge base on disk: the folder that holds leaders/, content/ and mkdocs.yml."""

    root: Path

    @property
    def docs(self) -> Path:
        return self.root / DOCS_DIR

    @property
    def site_dir(self) -> Path:
        return self.root / SITE_DIR

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def has_records(self) -> bool:
        return any((self.root / top).is_dir() for top in RECORD_TOPS)

    def require_folder(self) -> None:
        if not self.root.is_dir():
            what = "no such folder" if not self.root.exists() else "not a folder"
            raise NotAKnowledgeBase(f"{self.root}: {what}; name the knowledge base's folder with --root")

    def require(self, command: str, renders: bool = False) -> None:
        """Refuse a folder that is not a knowledge base before reading or writing anything.

        A wrong --root would otherwise check zero records and pass, and publish nothing.
        The minimum is a folder of records (content/ or leaders/); rendering also needs mkdocs.yml.
        """
        self.require_folder()
        if not self.has_records():
            raise NotAKnowledgeBase(
                f"{self.root} is not a knowledge base: it has no {' or '.join(t + '/' for t in RECORD_TOPS)} folder; "
                "run summitry in the knowledge base's folder, or name it with --root"
            )
        if renders and not self.config_file.is_file():
            raise NotAKnowledgeBase(
                f"{self.root} has no mkdocs.yml: summitry {command} needs one to render the site "
                "(summitry generate writes the pages without it)"
            )


Warn = Callable[[Problem], None]
Note = Callable[[str], None]


def assemble(
    root: Path, raws: list[RawRecord], entries: list[Entry[Any]] | None = None, **known: Any
) -> tuple[Site | None, list[Problem], list[Problem]]:
    """Validate, apply old ids, resolve: (the site if all is well, problems, warnings).

    ``entries``: records validated before, which join the ``raws`` validated now; ``known``
    goes to :func:`resolve` (what need not be checked again)."""
    fresh, problems, partial = validate(raws)
    entries = _in_file_order(root, [*(entries or []), *fresh])
    # A record that exists but failed must not also be reported as "unknown" wherever it is named.
    valid = {(e.kind, e.id) for e in entries}
    stems = {kind: [n.rpartition(".")[0] for n in names] for kind, names in record_names(root).items()}
    broken = {kind: {stem for stem in found if (kind, stem) not in valid} for kind, found in stems.items()}
    for raw in raws:  # records not on disk yet (summitry new) are known too
        broken.setdefault(raw.kind, set())
    table, found = alias_table(entries)
    problems += found
    entries, warnings = canonicalize(entries, table)
    partial, _ = canonicalize(partial, table)
    place = functools.partial(placed, root)  # a warning on a record kept from the last run is located
    site, found, unchecked = resolve(root, entries, broken, partial=partial, placed=place, **known)
    return site, problems + found, warnings + unchecked + _old_forms(root, entries) + stray_records(root)


def _old_forms(root: Path, entries: list[Entry[Any]]) -> list[Problem]:
    """One warning per record still in the form before citation marks, where its citations
    are written (a record kept from the last run is read again to say where)."""
    return [marks.old_form(placed(root, entry)) for entry in entries if marks.is_old(entry.model)]


def _in_file_order(root: Path, entries: list[Entry[Any]]) -> list[Entry[Any]]:
    """Records in the order of their files, kind by kind, however they were read."""
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(entries, key=lambda e: (order[e.kind], e.path.endswith(".yaml") is False, e.path))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of objects that live on and hold no cycles; the cyclic
    collector would walk them again and again (a fifth of the time of check, measured; a
    third of the time of reading the state, 0.88 s against 0.56 s at 10,000 meetings)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def check(project: Project, strict: bool = False, warn: Warn | None = None) -> Site:
    """Load, validate and resolve every record; raise every problem at once.

    Warnings (references to old ids) go to ``warn``; under ``strict`` they are errors. Advice
    on statements (builder.advice) goes to ``warn`` too, and stays a warning under ``strict``.
    """
    with collector_paused():
        raws, problems = load_all(project.root)
        site, found, warnings = assemble(project.root, raws)
    problems += found
    if strict:
        problems += warnings
    if problems or site is None:
        raise ValidationFailed(problems)
    # The pages as generate plans them: a hand-written page where the builder writes one
    # (a year's listing, the time line) is refused here as there.
    Renderer(site, settings(project)).jobs()
    # advice is for a human to weigh, so even --strict leaves it a warning
    for warning in warnings + advise(site):
        if warn is not None:
            warn(warning)
    return site


def _site_config(project: Project) -> SiteConfig | None:
    return site_config(project.config_file, "Summitry") if project.config_file.exists() else None


def settings(project: Project, updated: Mapping[str, str] | None = None) -> Settings:
    """What rendering needs beyond the records: the edit link base and hand-written pages."""
    edit_base, site_url, site_name, md_in_html = None, "", "Summitry", False
    config = _site_config(project)
    if config is not None:
        edit_base, site_url, site_name = config.edit_base, config.site_url, config.site_name
        md_in_html = bool({"md_in_html", "markdown.extensions.md_in_html"}.intersection(config.extensions))
    pages = read_pages(project.root)
    return Settings(edit_base, site_url, site_name, tuple(pages), md_in_html, {} if updated is None else updated)


def generate(
    project: Project,
    strict: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    note: Note | None = None,
    ready: Callable[[], None] | None = None,
) -> WriteReport:
    """Check everything, then render the pages a change touches and write only what changed.

    ``workers``: processes rendering pages (default: one per core; 1 renders in this one).
    ``progress`` hears how many of the pages are done as rendering goes on.
    What the last run left (builder.incremental.state) spares parsing unchanged records and
    rendering pages that read nothing that changed (builder.incremental.rerender); without
    it, or in any doubt, everything is read and rendered, and ``note`` hears in one line why
    (nothing when there was no state at all). ``ready`` is told once build/docs is whole,
    before the state is worked out and kept.
    """
    with running(project.root, note):
        with collector_paused():
            start = begin(project, strict)
        head, output, inputs = start.head, start.output, start.inputs
        if head and head.inputs.records == inputs.records and head.updated == start.updated and output.intact():
            # Nothing read has changed and nothing written was touched: the output is what a
            # run would make. Its warnings are told again, as a run would.
            for problem in head.warnings:
                if warn is not None:
                    warn(problem)
            if ready is not None:
                ready()
            return WriteReport((), (), len(output.known))  # and no state is saved: it writes nothing
        return run(project, strict, start, warn, workers, progress, note, ready).report


@dataclass
class Start:
    """What a run finds before it reads any record: the last run's head (None when it cannot
    be used, and ``why``), the output folder, and the inputs' digests and dates."""

    head: state.Head | None
    why: str
    output: Output
    inputs: Inputs
    updated: dict[str, str]
    commit: str = ""  # what ``updated`` is the dates at (builder.records.history)


def options(project: Project, strict: bool) -> tuple[object, ...]:
    """The run's options, as the state keeps them. The settings too: an !ENV value in
    mkdocs.yml changes with the environment, not the file."""
    return ("generate", strict, _site_config(project))


def begin(project: Project, strict: bool) -> Start:
    own_output(project.docs)  # before a folder of it is moved
    unlisted = set_aside_unlisted(project.docs)
    output = Output(project.docs)
    head, why = state.load_head(project.docs)
    # A commit changes no file, but it changes these dates; the log is read only from the commit
    # of the dates kept, as the state says, which are the same wherever the output is
    commit, updated = dated(project.root, (head.commit, head.updated) if head is not None and head.commit else None)
    if unlisted:
        head, why = None, unlisted
    if head is not None:
        output.trust()  # the state, signed here, names the digest of the manifest
    inputs = scan(project.root, options(project, strict), head.inputs.seen if head else None)
    if head is not None:
        part = inputs.changed_part(head.inputs)
        if part is not None:
            head, why = None, f"{part} changed since the last run"
        elif not output.manifest_exists():
            head, why = None, f"{output.out} has no list of what the last run wrote"
    return Start(head, why, output, inputs, updated, commit)


@dataclass
class Run:
    """What a generate run made, and what it kept for the next: summitry serve holds it
    between saves (builder.resident)."""

    site: Site
    settings: Settings
    inputs: Inputs
    updated: dict[str, str]
    body: state.Body
    warnings: list[Problem]
    report: WriteReport
    commit: str = ""  # what ``updated`` is the dates at (builder.records.history)


def run(
    project: Project,
    strict: bool,
    start: Start,
    warn: Warn | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    note: Note | None = None,
    ready: Callable[[], None] | None = None,
) -> Run:
    """The run that :func:`generate` makes when something changed: check, render, keep the state."""
    head, why, inputs, updated = start.head, start.why, start.inputs, start.updated
    body: state.Body | None = None
    # The state and the site are millions of objects that live on and hold no cycles, and
    # what a run makes after them lives until it ends: the collector would only walk them
    # again and again (0.35 s of a one-edit run at 10,000 meetings, measured). Frozen too,
    # so that a worker forked to render walks none of it either (builder.incremental.workers).
    with collector_paused():
        if head is not None:
            body, why = state.load_body(project.docs, head)
        site, warnings, body, why, advice = analyse(project, strict, inputs, body, why)
        gc.freeze()
        try:
            if why and why != "missing" and note is not None:
                note(f"full run: {why}")
            for warning in warnings:
                if warn is not None:
                    warn(warning)
            advised: list[Problem] = []  # given while other processes render, then told
            rendering = settings(project, Reads(UPDATED, updated))
            report, body.pages = render(
                site,
                rendering,
                inputs.records,
                updated,
                start.output,
                body.pages,
                workers,
                progress,
                ready,
                meanwhile=lambda: advised.extend(advice()),
            )
            for warning in advised:
                if warn is not None:
                    warn(warning)
            warnings += advised
            for rel in changed_meanwhile(project.root, inputs):
                if note is not None:
                    note(f"{rel} changed while this run read it: the next run reads it again")
            head = state.Head(
                inputs=inputs,
                updated=updated,
                commit=start.commit,
                warnings=warnings,
                output=state.output_digest(project.docs),
            )
            failed = state.save(project.docs, head, body)
        finally:
            gc.unfreeze()
    if failed and failed != start.why and note is not None:  # a state no run can keep is said once
        note(failed)
    return Run(site, rendering, inputs, updated, body, warnings, report, start.commit)


Kept = dict[str, tuple[Entry[Any], list[Reference]]]
"""Records that passed before, by file, with what they name: what a run need not parse again."""


def analysed(
    project: Project, strict: bool, inputs: Inputs, body: state.Body | None, why: str, held: Kept | None = None
) -> tuple[Site, list[Problem], state.Body, str]:
    """Check every record, parsing only those whose files changed since ``body``; raise
    every problem at once. Returns the site, the warnings (the advice last), the body to
    keep, and why the run is a full one ("" when it is not). ``held``: the records of
    ``body`` as a process holds them (summitry serve), which need not be read from the state."""
    site, warnings, kept, why, advice = analyse(project, strict, inputs, body, why, held)
    return site, warnings + advice(), kept, why


Advice = Callable[[], list[Problem]]
"""The advice on a checked site, given when asked (a warning only: it changes no page), and
kept in the body it came with."""


def analyse(
    project: Project, strict: bool, inputs: Inputs, body: state.Body | None, why: str, held: Kept | None = None
) -> tuple[Site, list[Problem], state.Body, str, Advice]:
    """:func:`analysed`, with the advice left to give: a run from nothing gives it while
    the pages are rendered by other processes, where it took a tenth of the run before them."""
    root = project.root
    before = body.records if body else {}
    kept: Kept = {}
    for rel, cached in before.items():
        if inputs.records.get(rel) == cached.digest:
            if held is not None and rel in held:
                kept[rel] = held[rel]
                continue
            try:
                kept[rel] = state.cached_entry(rel, cached)
            except ValueError as exc:
                return analyse(project, strict, inputs, None, str(exc))
    if body is None:
        raws, problems = load_all(root)
        vanished = inputs.records.keys() - {r.path for r in raws} if not problems else set()
    else:
        raws, problems, vanished = read_records(root, inputs.records.keys() - kept.keys())  # the scan found them
    as_read(inputs, raws, vanished)  # a file saved or moved since the scan: as the run found it
    if body is not None and (body.aliased or any(r.data.get("aliases") for r in raws)):
        # Old ids rewrite other records' references as they are read: no record is as cached.
        return analyse(project, strict, inputs, None, "")
    entries = [entry for entry, _ in kept.values()]
    # What passed before needs no second check of what depends on it alone, unless a
    # source changed: its archive is what quotes are checked against.
    changed = (before.keys() - kept.keys()) | {r.path for r in raws}
    same = not any(record_kind(rel) == "source" for rel in changed)
    checked = {(e.kind, e.id) for e in entries} if same else set()
    refs = {(e.kind, e.id): r for e, r in kept.values()} if same else {}
    site, found, warnings = assemble(root, raws, entries, checked=checked, known=refs)
    aliased = bool(site and any(e.model.aliases for kind in site.records.values() for e in kind.values()))
    problems += found
    if strict:
        problems += warnings
    if body is not None and any(p.path in kept and not kept[p.path][0].raw.positions for p in problems):
        # A record read from the state was kept without where its values are written: a
        # run from the files tells exactly where the problem is.
        return analyse(project, strict, inputs, None, "")
    if problems or site is None:
        raise ValidationFailed(problems)
    advised = state.advice_from_data(body.advice) if body else {}
    records: dict[str, state_parts.CachedRecord] = {}
    for table in site.records.values():
        for entry in table.values():
            was = before.get(entry.path)
            keep = was is not None and entry.path in kept and same
            records[entry.path] = (
                was
                if keep and was
                else state.cache_record(entry, site.refs[entry.kind, entry.id], inputs.records[entry.path])
            )
    pages = body.pages if body is not None else state.PageReads()
    kept_body = state.Body(records=records, aliased=aliased, pages=pages)

    def advice() -> list[Problem]:
        found = advise(site, advised, inputs.records, functools.partial(placed, root))
        kept_body.advice = state.advice_to_data({rel: advised[rel] for rel in records if rel in advised})
        return found

    return site, warnings, kept_body, why if body is None else "", advice


def read_records(root: Path, rels: Iterable[str]) -> tuple[list[RawRecord], list[Problem], set[str]]:
    """The record files at ``rels``, in order of their names: the records, the problems, and
    the files that were gone when read (moved or deleted since the scan found them)."""
    raws: list[RawRecord] = []
    problems: list[Problem] = []
    vanished: set[str] = set()
    for rel in sorted(rels):
        record, found = load_file(root, root / rel, str(record_kind(rel)))
        problems += found
        raws += [record] if record else []
        if record is None and not found:
            vanished.add(rel)
    return raws, problems, vanished


def placed(root: Path, entry: Entry[Any]) -> Entry[Any]:
    """The record with where each of its values is written, read again if it came from the state."""
    if entry.raw.positions:
        return entry
    raw, _ = load_file(root, root / entry.path, entry.kind)
    if raw is None:  # it passed when this run read it: it changed or went since
        raise ChangedDuringRun(f"{entry.path} changed while summitry was reading it; run the command again")
    return Entry(raw, entry.model)
