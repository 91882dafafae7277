"""The resolved site after a few records changed, derived from the site before them.

summitry serve holds the resolved site (builder.resident). When a save changes a few
records, resolving every record again costs as much as the knowledge base is large;
:func:`patch` checks what the change can make wrong, and derives again only the entries of
each table that the changed records contribute to:

- the changed records are checked whole, as ``check`` checks them (references, quotes,
  prose, reserved ids, marks, headings, their archives), and so are the fields that passed
  of those that failed validation (their references, quotes and prose);
- the records that refer to a record removed, or to an id that now names another kind of
  record too (or a record that failed), have their references checked again; those that
  cite a changed source have their quotes checked again; every relationship record is
  placed again when leaders come or go (its id names two of them), and likely duplicates
  are looked for among all the records (a changed meeting may be any other's twin);
- each table is patched at the keys the old and the new versions of the changed records
  contribute to: their leaders, issues, pairs, years, sources and targets.

What it makes is what :func:`builder.resolve.site.resolve` makes of the same records, to
the byte, and its problems and warnings are the same lines: tests compare the two after
random edits.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from builder.errors import Problem
from builder.records.dates import PartialDate, human_span
from builder.records.kinds import KINDS
from builder.records.models import Meeting
from builder.records.valid_record import Entry, Key
from builder.resolve import anchors, marks
from builder.resolve.archives import archives as read_archives
from builder.resolve.duplicates import duplicates, text_key
from builder.resolve.pairs import pairs, recorded_pairs, relation_id
from builder.resolve.prose_check import site_extensions
from builder.resolve.quotes import Archive
from builder.resolve.references import Reference, references
from builder.resolve.site import Cited, Placed, Relation, Site, record_problems
from builder.resolve.timeline import TimelineItem, timeline_items

K = TypeVar("K")
V = TypeVar("V")
_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Change:
    """Records as they were (``gone``: removed, or replaced by a version in ``fresh``) and as
    they are (``fresh``: added, or replacing); ``broken``: kind -> ids of changed files that
    exist but failed to load or validate (references to them are not reported again);
    ``partial``: what passed validation of those that failed (builder.records.partial)."""

    gone: tuple[Entry[Any], ...]
    fresh: tuple[Entry[Any], ...]
    broken: Mapping[str, set[str]]
    partial: tuple[Entry[Any], ...] = ()


@dataclass(frozen=True)
class Patched:
    """The site after a change (None if it has problems), its problems, and the warnings
    (quotes that cannot be checked) of each record file whose references were checked again:
    those replace what the records had."""

    site: Site | None
    problems: list[Problem]
    warnings: dict[str, list[Problem]]


class Archives:
    """The archived texts that quotes are checked against, each read once while it is the
    same file (a change to an archive is a full run: builder.incremental.state), with the
    digest of each that likely duplicates are found by."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.read: dict[tuple[str, str | None], tuple[Archive, str]] = {}

    def of(
        self, sources: Iterable[Entry[Any]], fresh: Collection[str]
    ) -> tuple[dict[str, Archive], dict[str, str], list[Problem]]:
        """The archives of ``sources`` and their texts' digests (builder.resolve.duplicates);
        the problems of those in ``fresh`` (changed sources)."""
        out: dict[str, tuple[Archive, str]] = {}
        todo: list[Entry[Any]] = []
        for entry in sources:
            known = self.read.get((entry.id, entry.model.archive))
            if known is not None and entry.id not in fresh:
                out[entry.id] = known
            else:
                todo.append(entry)
        found, problems = read_archives(self.root, todo)
        names = {entry.id: entry.model.archive for entry in todo}
        for sid, archive in found.items():
            out[sid] = self.read[sid, names[sid]] = (archive, text_key(archive.folded))
        return (
            {sid: archive for sid, (archive, _) in out.items()},
            {sid: key for sid, (_, key) in out.items()},
            [p for p in problems if p.id in fresh],
        )


def _sorted_keys(table: dict[K, V]) -> dict[K, V]:
    return dict(sorted(table.items())) if list(table) != sorted(table) else table  # type: ignore[type-var]


def _set(table: dict[K, V], key: K, value: V | None) -> None:
    if value:
        table[key] = value
    else:
        table.pop(key, None)


class _Patch:
    def __init__(self, root: Path, before: Site, change: Change, archives: Archives, placed: Placed | None) -> None:
        self.root, self.before, self.change, self.archives, self.placed = root, before, change, archives, placed
        self.gone = {(e.kind, e.id): e for e in change.gone}
        self.fresh = {(e.kind, e.id): e for e in change.fresh}
        self.changed = self.gone.keys() | self.fresh.keys()
        self.removed = self.gone.keys() - self.fresh.keys()
        self.added = self.fresh.keys() - self.gone.keys()
        self.problems: list[Problem] = []
        self.warnings: dict[str, list[Problem]] = {}

    def of(self, kind: str) -> list[Entry[Any]]:
        """The changed records of one kind, as they were and as they are."""
        return [e for e in (*self.change.gone, *self.change.fresh) if e.kind == kind]

    def records(self) -> dict[str, dict[str, Entry[Any]]]:
        before, records = self.before, {}
        for kind, table in before.records.items():
            touched = {rid for k, rid in self.changed if k == kind}
            if not touched:
                records[kind] = table
                continue
            now = {rid: e for rid, e in table.items() if rid not in touched}
            now.update({e.id: e for e in self.change.fresh if e.kind == kind})
            records[kind] = self._in_date_order(now) if kind == "meeting" else dict(sorted(now.items()))
        return records

    def _in_date_order(self, meetings: dict[str, Entry[Meeting]]) -> dict[str, Entry[Meeting]]:
        """The meetings by date, then id: those kept in the order they had, the changed put in place."""
        touched = {rid for k, rid in self.changed if k == "meeting"}
        kept = [(e.model.date, rid) for rid, e in self.before.meetings.items() if rid not in touched]
        for entry in self.change.fresh:
            if entry.kind == "meeting":
                bisect.insort(kept, (entry.model.date, entry.id))
        return {rid: meetings[rid] for _, rid in kept}

    def run(self) -> Patched:
        before, change = self.before, self.change
        records = self.records()
        refs = {key: r for key, r in before.refs.items() if key not in self.changed}
        refs.update({key: list(references(e)) for key, e in self.fresh.items()})
        archives, texts, found = self.archives.of(
            records["source"].values(), {rid for kind, rid in self.changed if kind == "source"}
        )
        self.problems += found
        backlinks = self._checked(records, refs, archives)
        # marks and headings as resolve() checks them: on whole records, each on its own
        self.problems += [p for e in change.fresh for p in marks.problems(e)]
        self.problems += anchors.problems(site_extensions(self.root)[0], change.fresh)
        every = {kind: [*records[kind].values(), *(e for e in change.partial if e.kind == kind)] for kind in KINDS}
        self.problems += duplicates(every, texts)  # whole: cheap, and a changed meeting may be any other's twin
        self.recorded, found = recorded_pairs(
            records["relation"], records["leader"], change.broken.get("leader", set())
        )
        self.problems += found
        meetings = records["meeting"]
        by_leader = self._grouped(before.by_leader, lambda m: m.participants, meetings)
        by_issue = self._grouped(before.by_issue, lambda m: m.issues, meetings)
        relations, pairs_of = self._relations(records, by_leader)
        if self.problems or change.partial:  # a record that failed validation has problems of its own
            return Patched(None, self.problems, self.warnings)
        timeline, timeline_years = self._timeline()
        meeting_years = self._meeting_years(meetings)
        site = Site(
            records=records,
            relations=relations,
            backlinks=backlinks,
            cited=self._cited(records, refs),
            timeline=timeline,
            neighbours=self._neighbours(meetings, by_leader),
            by_leader=by_leader,
            by_issue=by_issue,
            related=self._related(records),
            pairs_of=pairs_of,
            leader_issues=self._leader_issues(records, by_leader),
            meeting_years=meeting_years,
            timeline_years=timeline_years,
            meeting_counts=self._counts(meeting_years),
            timeline_counts=self._counts(timeline_years),
            link_kinds={i: k for k in KINDS for i in records[k]},
            refs={(k, i): refs[k, i] for k in KINDS for i in records[k]},
        )
        return Patched(site, [], self.warnings)

    def _checked(
        self, records: dict[str, dict[str, Entry[Any]]], refs: dict[Key, list[Reference]], archives: dict[str, Archive]
    ) -> dict[Key, tuple[Key, ...]]:
        """Check the changed records, and the references of those a change can break; the
        backlinks, patched with what they refer to now."""
        before, change = self.before, self.change
        again: set[Key] = set()  # records that changed not, whose references are checked again
        named = {rid for _, rid in self.removed | self.added}  # an id gone, or naming one more kind
        named |= {rid for ids in change.broken.values() for rid in ids}  # or naming a record that failed
        for rid in named:
            for other in KINDS:
                again.update(before.backlinks.get((other, rid), ()))
        sources = {rid for kind, rid in self.changed if kind == "source"}
        requote = {key for sid in sources for key in before.backlinks.get(("source", sid), ())}
        again = (again | requote) - self.changed
        entries = [*change.fresh, *change.partial, *(records[k][i] for k, i in sorted(again))]
        checking = refs | {(e.kind, e.id): list(references(e)) for e in change.partial}
        now, found, warnings = record_problems(
            self.root, entries, records, archives, dict(change.broken), checking, again - requote, self.placed
        )
        self.problems += found
        self.warnings = {e.path: [] for e in entries}
        for warning in warnings:
            self.warnings[warning.path].append(warning)
        # Each referrer checked now leaves the backlinks of what it named before, and joins
        # those of what it names now.
        referrers = self.changed | again
        targets = set(now)
        for key in referrers:
            targets |= _targets(before, before.refs.get(key, ()), key)
        backlinks = dict(before.backlinks)
        for target in targets:
            keep = {key for key in before.backlinks.get(target, ()) if key not in referrers}
            _set(backlinks, target, tuple(sorted(keep | now.get(target, set()))))
        return _sorted_keys(backlinks)

    def _grouped(
        self, before: dict[str, tuple[str, ...]], of: Callable[[Any], list[str]], meetings: dict[str, Entry[Meeting]]
    ) -> dict[str, tuple[str, ...]]:
        """A table of meetings by leader or issue, in the meetings' order."""
        changed = {e.id for e in self.of("meeting")}
        table = dict(before)
        for key in {k for e in self.of("meeting") for k in of(e.model)}:
            mids = [m for m in before.get(key, ()) if m not in changed]
            mids += [e.id for e in self.change.fresh if e.kind == "meeting" and key in of(e.model)]
            mids.sort(key=lambda m: (meetings[m].model.date, m))
            _set(table, key, tuple(mids))
        return _sorted_keys(table)

    def _relations(
        self, records: dict[str, dict[str, Entry[Any]]], by_leader: dict[str, tuple[str, ...]]
    ) -> tuple[dict[str, Relation], dict[str, tuple[str, ...]]]:
        before, meetings, leaders = self.before, records["meeting"], records["leader"]
        stated: dict[str, set[str]] = {}
        for iid, issue in records["issue"].items():
            for lid in issue.model.positions:
                stated.setdefault(lid, set()).add(iid)
        touched = {p for e in self.of("meeting") for p in pairs(e.model.participants)}
        moved = {lid for e in self.of("issue") for lid in e.model.positions}  # positions changed
        moved |= {rid for kind, rid in self.removed | self.added if kind == "leader"}
        touched |= {
            (before.relations[r].a, before.relations[r].b) for lid in moved for r in before.pairs_of.get(lid, ())
        }
        was = {(r.a, r.b): r.record for r in before.relations.values() if r.record is not None}
        touched |= {p for p in was.keys() | self.recorded.keys() if was.get(p) is not self.recorded.get(p)}
        relations = {rid: rel for rid, rel in before.relations.items() if (rel.a, rel.b) not in touched}
        for a, b in sorted(touched):
            mids = tuple(m for m in by_leader.get(a, ()) if b in meetings[m].model.participants)
            record = self.recorded.get((a, b))
            if not mids and record is None:
                continue
            rid = relation_id(a, b)
            other = relations.get(rid)
            if other is not None:  # as resolve() finds it: the later pair in order is refused
                first, later = sorted([(other.a, other.b), (a, b)])
                self.problems.append(
                    leaders[later[1]].problem(
                        (),
                        f"the pairs {first[0]} + {first[1]} and {later[0]} + {later[1]} would share the page "
                        f"relations/{rid}; rename one of the leaders",
                    )
                )
                continue
            shared = {i for m in mids for i in meetings[m].model.issues}
            shared |= stated.get(a, set()) & stated.get(b, set())
            spans = [human_span(meetings[m].model.date, meetings[m].model.end_date) for m in (mids[:1] + mids[-1:])]
            first_last = (spans[0], spans[-1]) if spans else ("", "")
            relations[rid] = Relation(rid, a, b, mids, tuple(sorted(shared)), record, first_last)
        if list(relations) != list(before.relations) or touched - {(r.a, r.b) for r in before.relations.values()}:
            relations = dict(sorted(relations.items(), key=lambda kv: (kv[1].a, kv[1].b)))
        pairs_of = dict(before.pairs_of)
        for lid in {lid for pair in touched for lid in pair}:
            rids = [
                r
                for r in before.pairs_of.get(lid, ())
                if r in relations and (relations[r].a, relations[r].b) not in touched
            ]
            rids += [relation_id(a, b) for a, b in touched if lid in (a, b) and relation_id(a, b) in relations]
            rids = sorted(set(rids), key=lambda r: (relations[r].a, relations[r].b))
            _set(pairs_of, lid, tuple(rids))
        return relations, _sorted_keys(pairs_of)

    def _cited(
        self, records: dict[str, dict[str, Entry[Any]]], refs: dict[Key, list[Reference]]
    ) -> dict[str, tuple[Cited, ...]]:
        before = self.before
        sources = {r.target for key in self.gone for r in before.refs.get(key, ()) if r.citation is not None}
        sources |= {r.target for key in self.fresh for r in refs[key] if r.citation is not None}
        cited = dict(before.cited)
        for sid in sources:
            kept = [c for c in before.cited.get(sid, ()) if c.by not in self.changed]
            kept += [
                Cited(key, r.loc[:-3], r.citation)
                for key in self.fresh
                for r in refs[key]
                if r.citation is not None and r.target == sid
            ]
            kept.sort(key=lambda c: _file_order(records[c.by[0]][c.by[1]]))  # stable: each record's in its order
            _set(cited, sid, tuple(kept))
        return _sorted_keys(cited)

    def _timeline(self) -> tuple[tuple[TimelineItem, ...], dict[int, tuple[TimelineItem, ...]]]:
        before = self.before

        def items(entries: Iterable[Entry[Any]]) -> tuple[TimelineItem, ...]:
            by_kind: dict[str, dict[str, Entry[Any]]] = {"leader": {}, "meeting": {}, "issue": {}}
            for e in entries:
                if e.kind in by_kind:
                    by_kind[e.kind][e.id] = e
            return timeline_items(by_kind["leader"], by_kind["meeting"], by_kind["issue"])

        old, new = items(self.change.gone), items(self.change.fresh)
        if old == new:
            return before.timeline, before.timeline_years
        timeline = list(before.timeline)
        for item in old:
            del timeline[bisect.bisect_left(timeline, item)]
        for item in new:
            bisect.insort(timeline, item)
        years = dict(before.timeline_years)
        for year in {item.date.year for item in (*old, *new)}:
            lo = bisect.bisect_left(timeline, PartialDate(year), key=lambda item: item.date)
            hi = bisect.bisect_left(timeline, PartialDate(year + 1), key=lambda item: item.date)
            _set(years, year, tuple(timeline[lo:hi]))
        return tuple(timeline), _sorted_keys(years)

    def _meeting_years(self, meetings: dict[str, Entry[Meeting]]) -> dict[int, tuple[str, ...]]:
        changed = {e.id for e in self.of("meeting")}
        years = dict(self.before.meeting_years)
        for year in {e.model.date.year for e in self.of("meeting")}:
            mids = [m for m in self.before.meeting_years.get(year, ()) if m not in changed]
            mids += [e.id for e in self.change.fresh if e.kind == "meeting" and e.model.date.year == year]
            mids.sort(key=lambda m: (meetings[m].model.date, m))
            _set(years, year, tuple(mids))
        return _sorted_keys(years)

    @staticmethod
    def _counts(groups: dict[int, tuple[Any, ...]]) -> dict[int, int]:
        return {year: len(group) for year, group in groups.items()}

    def _neighbours(
        self, meetings: dict[str, Entry[Meeting]], by_leader: dict[str, tuple[str, ...]]
    ) -> dict[str, tuple[str | None, str | None]]:
        around = {mid: pair for mid, pair in self.before.neighbours.items() if mid in meetings}
        for group in {frozenset(e.model.participants) for e in self.of("meeting")}:
            one = min(group)
            mids = [m for m in by_leader.get(one, ()) if frozenset(meetings[m].model.participants) == group]
            for i, mid in enumerate(mids):
                around[mid] = (mids[i - 1] if i else None, mids[i + 1] if i + 1 < len(mids) else None)
        return {mid: around[mid] for mid in meetings}

    def _related(self, records: dict[str, dict[str, Entry[Any]]]) -> dict[str, tuple[str, ...]]:
        before, issues = self.before, records["issue"]
        changed = {e.id for e in self.of("issue")}
        touched = changed | {other for e in self.of("issue") for other in e.model.related}
        touched |= {other for iid in changed for other in before.related.get(iid, ())}
        related = dict(before.related)
        for iid in touched:
            linked = set(issues[iid].model.related) if iid in issues else set()
            for other in set(before.related.get(iid, ())) | changed:
                if other in issues and iid in issues[other].model.related:
                    linked.add(other)
            _set(related, iid, tuple(sorted(linked)))
        return _sorted_keys(related)

    def _leader_issues(
        self, records: dict[str, dict[str, Entry[Any]]], by_leader: dict[str, tuple[str, ...]]
    ) -> dict[str, dict[str, tuple[str, ...]]]:
        meetings = records["meeting"]
        touched = {lid for e in self.of("meeting") for lid in e.model.participants}
        touched |= {lid for e in self.of("issue") for lid in e.model.positions}
        table = dict(self.before.leader_issues)
        for lid in touched:
            taken: dict[str, list[str]] = {}
            for iid, issue in records["issue"].items():
                if lid in issue.model.positions:
                    taken[iid] = []
            for mid in by_leader.get(lid, ()):
                for iid in meetings[mid].model.issues:
                    taken.setdefault(iid, []).append(mid)
            _set(table, lid, {iid: tuple(mids) for iid, mids in sorted(taken.items())})
        return _sorted_keys(table)


def _file_order(entry: Entry[Any]) -> tuple[int, bool, str]:
    """Where a record comes in a run that reads every file (builder.pipeline)."""
    return (_ORDER[entry.kind], entry.path.endswith(".yaml") is False, entry.path)


def _targets(site: Site, refs: Iterable[Reference], here: Key) -> set[Key]:
    """What ``refs`` named in ``site``: the records they resolved to there."""
    out: set[Key] = set()
    for ref in refs:
        if ref.kind is not None:
            target = (ref.kind, ref.target)
        elif ref.target in site.link_kinds:
            target = (site.link_kinds[ref.target], ref.target)
        else:
            continue
        if target != here:
            out.add(target)
    return out


def patch(root: Path, before: Site, change: Change, archives: Archives, placed: Placed | None = None) -> Patched:
    """The site once ``change`` is made to ``before``'s records, or the problems it has.
    ``placed`` gives a record kept without where its values are written with them, for a
    warning on it (as :func:`builder.resolve.site.resolve` takes it)."""
    return _Patch(root, before, change, archives, placed).run()
