"""The site summitry serve holds between saves: resolved, with what every page read.

A generate run reads what the last run left in build/ and, in the end, lets it all go. The
preview keeps it instead: the validated records, the resolved site, the advice, what each
page read and who read each cell (builder.incremental.held). A save then costs what it
changes: only the record files whose digests changed are read and checked, with the
records that refer to what changed (builder.resolve.patch); the site is patched rather than
resolved again; the two sites are compared table by table, and only the pages that read a
changed cell are rendered and written.

Problems are those ``summitry check`` gives, and the held site stays as it was until the
files check out again, so every update compares the files with the last good site: a save
made while a run goes on, or while the files have an error, is taken by the next update.
A change that no cell notes (mkdocs.yml, an archived text, a hand-written page) is a full
run in this process; so is one to a record's old ids (``aliases:``), which rewrite what other
records name as they are read.

The state in build/ describes the output only as a run left it: the first update removes
it, and :meth:`Resident.close` saves it again, so that a ``summitry generate`` after the
preview is an incremental run.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import time
from collections.abc import Callable, Iterable
from typing import Any

from builder.engines.changes import trace
from builder.errors import Problem, ValidationFailed
from builder.incremental import state, state_parts
from builder.incremental.held import HeldPages, changed_cells
from builder.incremental.inputs import Inputs, as_read, fingerprint, record_kind, rescan, scan
from builder.incremental.output import Output, WriteReport
from builder.incremental.rerender import UPDATED
from builder.pipeline import (
    Note,
    Project,
    Run,
    Start,
    Warn,
    analysed,
    begin,
    collector_paused,
    options,
    placed,
    read_records,
    run,
)
from builder.records.history import dated
from builder.records.kinds import KINDS
from builder.records.valid_record import Entry
from builder.records.validate import validate
from builder.render.track import Reads
from builder.resolve import marks
from builder.resolve.advice import Advised, advise
from builder.resolve.patch import Archives, Change, patch
from builder.resolve.site import Site

_KINDS = list(KINDS)
OWN = ("Python", "the builder's code", "the builder's libraries")  # inputs that are this process
_Files = tuple[dict[str, str], dict[str, str], str]
"""The inputs' digests (records, others) and, after a refusal that no record explains (a
file in build/docs summitry did not write, a hand-written page where it writes one, a fault
of summitry's), the status of every input: a save, even of the same bytes, is then a reason
to try again, and nothing else is."""
Published = Callable[[WriteReport], None]
"""Hears of the pages an update wrote and removed, before it makes the exports."""


class Resident:
    """One knowledge base's site, held in memory by the process that serves it."""

    def __init__(self, project: Project, warn: Warn | None = None, note: Note | None = None) -> None:
        self.project, self.warn, self.note = project, warn, note
        self.told: set[Problem] = set()  # warnings told while they hold: each is told once
        self.noted: dict[str, str | None] = {}  # changes to what the process runs on, told once
        # The inputs of the update under way, and of the last one the records refused: the
        # same files are not checked and refused again (a poll would say it every few seconds).
        self.tried: _Files | None = None
        self.refused: _Files | None = None

    def start(self, workers: int | None = None) -> WriteReport:
        """A generate run, from the state if it can be used, whose products are kept."""
        begun = begin(self.project, False)
        self._keep(run(self.project, False, begun, self._warn, workers, note=self.note))
        return self.last.report

    def _keep(self, done: Run) -> None:
        self.last = done
        self.output = Output(self.project.docs)  # what the run wrote, as its manifest says
        self.output.trust()  # written by the run just made, in this process
        self.pages = HeldPages(done.body.pages)
        self._advised(done.body.advice, done.warnings)
        self.archives = Archives(self.project.root)
        self.dirty = False  # whether the state in build/ no longer describes the output
        gc.freeze()  # what is held lives on and holds no cycles: the collector need not walk it

    def _warn(self, warning: Problem) -> None:
        if warning not in self.told and self.warn is not None:
            self.warn(warning)
        self.told.add(warning)

    def touched(self) -> str:
        """The status of every input: changed by any write."""
        return fingerprint(self.project.root, read=False)

    def _note(self, line: str) -> None:
        if self.note is not None:
            self.note(line)

    def update(self, published: Published | None = None, paths: Iterable[str] | None = None) -> WriteReport | None:
        """Bring build/docs up to date with the files: None when no input changed.

        ``paths``: the only files that may have changed (from the system's file events), as
        paths inside the knowledge base; without them every input is looked at.

        Raises what a generate run raises (every problem at once, as ``check`` gives them);
        the held site is then kept as it was, and the next update starts from it again. Files
        as the last update refused them are None, said once; once the files are back as the
        held site has them, a report with nothing written (the site is whole again)."""
        with collector_paused():
            try:
                done = self._update(published, paths)
            except ValidationFailed:
                self.refused = self.tried
                raise
            except Exception:  # SummitryError, or a fault of ours
                # said once too; tried again once any input is saved (the message asks for that)
                self.refused = (*(self.tried[:2] if self.tried else ({}, {})), self.touched())
                raise
            finally:
                # What this update left behind in cycles (a renderer and its caches) goes now;
                # what it made to keep joins what the collector never walks.
                gc.collect()
                gc.freeze()
        self.refused = None if done is not None else self.refused
        return done

    def _update(self, published: Published | None, paths: Iterable[str] | None) -> WriteReport | None:
        last, project, times = self.last, self.project, _Times()
        self.tried = None
        if self.refused is not None and self.refused[2] and not paths and self.touched() == self.refused[2]:
            return None  # refused for what no record explains, and nothing saved since
        # Paths name what changed since the last update; after a refusal, the held site is
        # older than that: every file is looked at.
        inputs = None if paths is None or self.refused else rescan(project.root, last.inputs, paths)
        if inputs is None:
            inputs = scan(project.root, options(project, False), last.inputs.seen)
        times("scan")
        for own in OWN:  # what this process runs on: it keeps running what it imported
            now, was = inputs.others.get(own), last.inputs.others.get(own)
            if now != was and was is not None:
                if self.noted.get(own) != now:
                    self._note(f"{own} changed: restart summitry serve to use it")
                    self.noted[own] = now
                inputs.others[own] = was
        self.tried = (inputs.records, inputs.others, "")
        if self.tried == self.refused:
            return None  # as refused: its problems were said
        part = inputs.changed_part(last.inputs)
        # A commit changes no file, but it changes the day each record it names last changed;
        # with the same commit checked out, git's log and so every day is what it was
        commit, updated = dated(project.root, (last.commit, last.updated))
        if inputs.records == last.inputs.records and part is None and updated == last.updated:
            self.last = dataclasses.replace(last, commit=commit)
            # back to the site held after a refusal: an update that writes nothing
            return None if self.refused is None else WriteReport((), (), len(self.output.known))
        if not self.dirty:
            state.forget(project.docs)
            self.dirty = True
        if part is not None:  # settings, templates, archives: what no cell notes
            self._note(f"full run: {part} changed")
            begun = Start(None, "", Output(project.docs), inputs, updated, commit)
            self._keep(run(project, False, begun, self._warn, note=self.note))
            return self.last.report
        site, whole = self._checked(inputs)
        times("check")
        # Read whole, records are not their files (old ids rewrite what others name): every page, as a run does
        before, after = (last.site, last.inputs.records, last.updated), (site, inputs.records, updated)
        changed = None if whole else changed_cells(before, after)
        times("compare")
        rendering = dataclasses.replace(last.settings, updated=Reads(UPDATED, updated))

        def pages_done(report: WriteReport) -> None:
            times("pages")
            if published is not None:
                published(report)

        report = self.pages.rerender(site, rendering, self.output, changed, pages_done)
        times("exports")
        self.last = dataclasses.replace(  # self.last: the body may be new (records read whole)
            self.last, site=site, settings=rendering, inputs=inputs, updated=updated, report=report, commit=commit
        )
        trace({"resident": times.seconds, "written": report.written, "removed": report.removed})
        return report

    def _checked(self, inputs: Inputs) -> tuple[Site, bool]:
        """The site with the changed record files read again, checked as ``check`` would;
        whether it was made from every file."""
        last, root = self.last, self.project.root
        before = last.inputs.records
        changed = {rel for rel in inputs.records.keys() | before.keys() if inputs.records.get(rel) != before.get(rel)}
        held = {e.path: e for table in last.site.records.values() for e in table.values()}
        raws, problems, vanished = read_records(root, changed & inputs.records.keys())
        as_read(inputs, raws, vanished)  # a file saved or moved since the scan: as the run found it
        gone = [held[rel] for rel in sorted(changed) if rel in held]
        if last.body.aliased or any(r.data.get("aliases") for r in raws) or any(e.model.aliases for e in gone):
            return self._from_files(inputs), True  # old ids rewrite what other records name as they are read
        fresh, found, partial = validate(raws)
        problems += found
        valid = {e.path for e in fresh}
        broken: dict[str, set[str]] = {}
        for rel in changed & inputs.records.keys() - valid:
            broken.setdefault(str(record_kind(rel)), set()).add(rel.rpartition("/")[2].removesuffix(".yaml"))
        place = functools.partial(placed, root)
        done = patch(root, last.site, Change(tuple(gone), tuple(fresh), broken, tuple(partial)), self.archives, place)
        # A record kept from the state has no places for its values: read again, it is placed
        bare = sorted({p.path for p in done.problems if p.path in held and not held[p.path].raw.positions} - changed)
        if bare:
            gone += [held[rel] for rel in bare]
            fresh += [placed(root, held[rel]) for rel in bare]
            change = Change(tuple(gone), tuple(fresh), broken, tuple(partial))
            done = patch(root, last.site, change, self.archives, place)
        problems += done.problems
        if problems or done.site is None:
            raise ValidationFailed(problems)
        self._say(done.warnings, fresh, {e.path for e in gone} - valid)
        self._advise(done.site, inputs, changed)
        return done.site, False

    def _from_files(self, inputs: Inputs) -> Site:
        site, warnings, body, _ = analysed(self.project, False, inputs, None, "")
        body.pages = self.last.body.pages
        self.last = dataclasses.replace(self.last, body=body)
        self._advised(body.advice, warnings)
        self.told &= set(warnings)  # a warning gone and back is told again
        for warning in warnings:
            self._warn(warning)
        return site

    def _advised(self, advice: dict[str, state_parts.Advice], warnings: list[Problem]) -> None:
        """Hold a run's advice, and its other warnings (references to old ids, quotes that
        cannot be checked, records in the form before marks), in the run's order."""
        self.advice: Advised = state.advice_from_data(advice)
        given = {p for _, _, found in self.advice.values() for p in found}
        self.said = [w for w in warnings if w not in given]

    def _say(self, quoted: dict[str, list[Problem]], fresh: list[Entry[Any]], removed: set[str]) -> None:
        """The warnings other than advice once a change is patched in: ``quoted``, those on
        the quotes of every record checked again, by file; the changed records' in the form
        before marks. The new ones are told.

        Patched, the site has no old ids (else every update reads every file), so a run's
        warnings are its quotes not checked, record by record in the files' order, then its
        records in the old form, in the same order."""
        quotes: dict[str, list[Problem]] = {}
        old: dict[str, Problem] = {}
        for warning in self.said:
            if warning.message == marks.OLD_FORM:
                old[warning.path] = warning
            else:
                quotes.setdefault(warning.path, []).append(warning)
        for rel in removed:
            quotes.pop(rel, None)
            old.pop(rel, None)
        quotes.update(quoted)
        for entry in fresh:
            old.pop(entry.path, None)
            if marks.is_old(entry.model):
                old[entry.path] = marks.old_form(entry)
        said = sorted((w for found in quotes.values() for w in found), key=_file_order)
        said += sorted(old.values(), key=_file_order)
        self.told -= set(self.said) - set(said)  # a warning gone and back is told again
        self.said = said
        for warning in said:
            self._warn(warning)

    def _advise(self, site: Site, inputs: Inputs, changed: set[str]) -> None:
        """Advice again on the changed records, and on those whose [[links]] show a name that
        changed; the new warnings told."""
        before = self.last.site
        ids = {rel.rpartition("/")[2].removesuffix(".yaml") for rel in changed}
        renamed = {rid for rid in ids if _name(before, rid) != _name(site, rid)}
        for rel in changed - inputs.records.keys():
            self.advice.pop(rel, None)
        again = {rel for rel, (_, names, _) in self.advice.items() if any(rid in renamed for rid, _ in names)}
        again |= changed & inputs.records.keys()
        was = {p for rel in again if rel in self.advice for p in self.advice[rel][2]}
        found = advise(site, self.advice, inputs.records, functools.partial(placed, self.project.root), again)
        self.told -= was - set(found)
        for warning in found:
            self._warn(warning)

    def warnings(self) -> list[Problem]:
        """Every warning the site has now, as a run gives them."""
        return self.said + sorted(p for _, _, found in self.advice.values() for p in found)

    def close(self) -> None:
        """Keep the state of what the preview wrote, for the next generate run."""
        if not self.dirty:
            return
        last = self.last
        records = {}
        for table in last.site.records.values():
            for entry in table.values():
                digest = last.inputs.records[entry.path]
                was = last.body.records.get(entry.path)
                key = (entry.kind, entry.id)
                records[entry.path] = (
                    was
                    if was is not None and was.digest == digest
                    else state.cache_record(entry, last.site.refs[key], digest)
                )
        aliased = any(e.model.aliases for table in last.site.records.values() for e in table.values())
        body = state.Body(
            records=records,
            advice=state.advice_to_data({rel: a for rel, a in self.advice.items() if rel in records}),
            aliased=aliased,
            pages=self.pages.state(last.site, last.inputs.records, last.updated),
        )
        output = state.output_digest(self.project.docs)
        head = state.Head(
            inputs=last.inputs, updated=last.updated, commit=last.commit, warnings=self.warnings(), output=output
        )
        failed = state.save(self.project.docs, head, body)
        if failed:
            self._note(failed)


def _file_order(warning: Problem) -> tuple[int, bool, str]:
    """Where a record's warnings come in a run, which reads the records in their files' order."""
    return (_KINDS.index(warning.kind), not warning.path.endswith(".yaml"), warning.path)


def _name(site: Site, rid: str) -> str | None:
    return site.name_of(rid) if rid in site.link_kinds else None


class _Times:
    """When each phase of an update ended, in seconds from its start (for the trace)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def __call__(self, phase: str) -> None:
        self.seconds[phase] = round(time.perf_counter() - self.start, 3)
