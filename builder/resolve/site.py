"""Resolve stage: check every reference between records, then derive what pages need.

The output, a :class:`Site`, is everything the renderer needs and nothing it must compute:
backlinks, leader pairs, neighbouring meetings, the timeline and the listings by year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.errors import Problem, did_you_mean
from builder.records.dates import human_span
from builder.records.kinds import KINDS, reserved
from builder.records.models import Citation, Issue, Leader, Meeting, Relationship, Source
from builder.records.raw_record import as_written
from builder.records.valid_record import Entry, Key
from builder.resolve import anchors, marks
from builder.resolve.archives import archives as read_archives
from builder.resolve.archives import unchecked
from builder.resolve.duplicates import duplicates, text_key
from builder.resolve.pairs import pairs, recorded_pairs, relation_id
from builder.resolve.prose import LINK_RE
from builder.resolve.prose_check import prose_problems, site_extensions
from builder.resolve.quotes import Archive
from builder.resolve.references import Reference, references
from builder.resolve.timeline import TimelineItem, by_year, counts, timeline_items


def _reserved_ids(entries: list[Entry[Any]]) -> Iterator[Problem]:
    for entry in entries:
        why = reserved(entry.kind, entry.id)
        if why:
            message = f"the id '{entry.id}' is reserved: {why}; rename the file"
            yield Problem(entry.path, 1, 1, entry.kind, entry.id, "", message)
        for i, old in enumerate(entry.model.aliases):
            why = reserved(entry.kind, old)
            if why:
                yield entry.problem(("aliases", i), f"the id '{old}' is reserved: {why}; it cannot be an old id")


@dataclass(frozen=True)
class Relation:
    """Two leaders who share at least one meeting, or whose relationship has a record."""

    id: str
    a: str
    b: str
    meetings: tuple[str, ...]
    issues: tuple[str, ...]
    record: Entry[Relationship] | None = None
    spans: tuple[str, str] = ("", "")  # when the first and the last of the meetings were, as pages say it


@dataclass(frozen=True)
class Cited:
    """One citation of a source, and where it is made."""

    by: Key
    part: tuple[str | int, ...]  # what in the record is cited: () for the record itself
    citation: Citation


@dataclass(frozen=True)
class Site:
    records: dict[str, dict[str, Entry[Any]]]  # kind -> id -> entry; meetings in date order, the rest by id
    relations: dict[str, Relation]
    backlinks: dict[Key, tuple[Key, ...]]
    cited: dict[str, tuple[Cited, ...]]
    timeline: tuple[TimelineItem, ...]
    neighbours: dict[str, tuple[str | None, str | None]]
    by_leader: dict[str, tuple[str, ...]]  # meeting ids
    by_issue: dict[str, tuple[str, ...]]  # meeting ids
    related: dict[str, tuple[str, ...]]  # issue ids, both directions
    pairs_of: dict[str, tuple[str, ...]]  # leader id -> relation ids
    leader_issues: dict[str, dict[str, tuple[str, ...]]]  # leader -> issue -> meetings taking it up
    meeting_years: dict[int, tuple[str, ...]]  # year -> meeting ids in date order; years in order
    timeline_years: dict[int, tuple[TimelineItem, ...]]  # the timeline's items by year, years in order
    meeting_counts: dict[int, int]  # year -> how many meetings (builder.timeline)
    timeline_counts: dict[int, int]  # year -> how many dated items
    link_kinds: dict[str, str] = field(default_factory=dict)  # id -> kind, for [[id]]
    refs: dict[Key, list[Reference]] = field(default_factory=dict)  # what each record names; no page reads it

    @property
    def leaders(self) -> dict[str, Entry[Leader]]:
        return self.records["leader"]

    @property
    def meetings(self) -> dict[str, Entry[Meeting]]:
        return self.records["meeting"]

    @property
    def issues(self) -> dict[str, Entry[Issue]]:
        return self.records["issue"]

    @property
    def sources(self) -> dict[str, Entry[Source]]:
        return self.records["source"]

    def name_of(self, rid: str) -> str:
        """The display name of the record a [[link]] names."""
        return self.display_name((self.link_kinds[rid], rid))

    def display_name(self, key: Key) -> str:
        """What readers see for a page: a record's name or title; a pair, by its leaders' names."""
        if key[0] == "relation":
            rel = self.relations[key[1]]
            return f"{self.leaders[rel.a].display_name} and {self.leaders[rel.b].display_name}"
        return self.entry(key).display_name

    def entry(self, key: Key) -> Entry[Any]:
        return self.records[key[0]][key[1]]

    def pages_of(self, kind: str) -> Mapping[str, Any]:
        """The ids of the pages of a kind: a record's, and a relation's for every pair, recorded or not."""
        return self.relations if kind == "relation" else self.records[kind]

    def record_of(self, key: Key) -> Entry[Any] | None:
        """The record behind a page, if any: a pair may have no relationship record."""
        return self.relations[key[1]].record if key[0] == "relation" else self.entry(key)


Placed = Callable[[Entry[Any]], Entry[Any]]
"""Gives a record with where each of its values is written, read again if it was kept without
(builder.pipeline.placed): a warning on a record that passed before is located as a run from
nothing locates it."""


def _a(kind: str) -> str:
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _at_link(entry: Entry[Any], ref: Reference, message: str) -> Problem:
    """A problem of a [[link]], at the link in its text (a long summary's field starts lines
    above it); at the field, for a record kept from the last run, which has no text to look in."""
    value: Any = entry.raw.data
    try:
        for part in as_written(entry.raw.data, ref.loc):
            value = value[part]
    except (KeyError, IndexError, TypeError):
        value = None
    if isinstance(value, str):
        for link in LINK_RE.finditer(value):
            if link[1].strip() == ref.target:
                return entry.problem_in(ref.loc, value, link.start(), message)
    return entry.problem(ref.loc, message)


def _check_references(
    entries: list[Entry[Any]],
    refs: dict[Key, list[Reference]],
    index: dict[str, dict[str, Entry[Any]]],
    archives: dict[str, Archive],
    broken: dict[str, set[str]],
    checked: Collection[Key] = (),
    placed: Placed | None = None,
) -> tuple[dict[Key, set[Key]], list[Problem], list[Problem]]:
    """Every reference must name one record; collect them, inverted, as backlinks. Returns
    the backlinks, the problems and the warnings (quotes of sources with no archived text).

    ``broken`` holds the ids of records that exist but failed to load or validate: a
    reference to one of them is not reported again, since the record's own error is.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    backlinks: dict[Key, set[Key]] = defaultdict(set)
    for entry in entries:
        here = (entry.kind, entry.id)
        shown = entry  # the record as a warning locates it: placed at its first warning
        for ref in refs[here]:
            if ref.kind is None:
                kinds = [k for k in index if ref.target in index[k] or ref.target in broken.get(k, ())]
                if len(kinds) == 1 and ref.target in broken.get(kinds[0], ()):
                    continue
                if len(kinds) != 1:
                    every = [i for k in index for i in index[k]]
                    what = (
                        f"link [[{ref.target}]] matches no record{did_you_mean(ref.target, every)}"
                        if not kinds
                        else f"link [[{ref.target}]] is ambiguous: it names {' and '.join(_a(kind) for kind in kinds)}"
                    )
                    problems.append(_at_link(entry, ref, what))
                    continue
                target = (kinds[0], ref.target)
            else:
                if ref.target in broken.get(ref.kind, ()):
                    continue
                if ref.target not in index[ref.kind]:
                    hint = did_you_mean(ref.target, index[ref.kind])
                    problems.append(entry.problem(ref.loc, f"unknown {ref.kind} '{ref.target}'{hint}", ref.is_key))
                    continue
                target = (ref.kind, ref.target)
            quote = ref.citation.quote if ref.citation is not None else None
            if quote and ref.target not in archives:
                why = index["source"][ref.target].model.no_archive
                if why is not None:  # else the source itself is reported: it must say why
                    if placed is not None and shown is entry:
                        shown = placed(entry)
                    warnings.append(shown.problem(ref.loc[:-1] + ("quote",), unchecked(ref.target, why)))
            elif quote and here not in checked:
                archive = archives[ref.target]
                if quote not in archive:
                    problems.append(
                        entry.problem(
                            ref.loc[:-1] + ("quote",),
                            _not_found(ref.target, archive.closest(quote)),
                        )
                    )
            if target != here:
                backlinks[target].add(here)
    return backlinks, problems, warnings


def _not_found(source: str, closest: str) -> str:
    if not closest:
        return (
            f"quote not found in source '{source}', nor anything like it "
            f'(summitry quote {source} "words" finds passages)'
        )
    return f"quote not found in source '{source}'; closest passage: \"{closest}\""


def record_problems(
    root: Path,
    entries: list[Entry[Any]],
    index: dict[str, dict[str, Entry[Any]]],
    archives: dict[str, Archive],
    broken: dict[str, set[str]],
    refs: dict[Key, list[Reference]],
    checked: Collection[Key] = (),
    placed: Placed | None = None,
) -> tuple[dict[Key, set[Key]], list[Problem], list[Problem]]:
    """What is wrong with each of ``entries`` among the records of ``index``: a reserved id,
    a reference, a quote, its prose. Returns the backlinks, the problems, and the warnings
    (quotes that cannot be checked). summitry new checks a record before it exists with it."""
    problems = list(_reserved_ids(entries))
    backlinks, found, warnings = _check_references(entries, refs, index, archives, broken, checked, placed)
    problems += found
    problems += prose_problems(root, (e for e in entries if (e.kind, e.id) not in checked))
    return backlinks, problems, warnings


def _relations(
    leaders: dict[str, Entry[Leader]],
    meetings: dict[str, Entry[Meeting]],
    issues: dict[str, Entry[Issue]],
    records: dict[str, Entry[Relationship]],
    broken_leaders: Collection[str] = (),
) -> tuple[dict[str, Relation], list[Problem]]:
    pair_meetings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mid, entry in meetings.items():
        for pair in pairs(entry.model.participants):
            pair_meetings[pair].append(mid)
    recorded, problems = recorded_pairs(records, leaders, broken_leaders)
    for pair in recorded:
        pair_meetings.setdefault(pair, [])
    relations: dict[str, Relation] = {}
    # issues on which each leader has a position: a pair's shared ones are an intersection,
    # not a scan of every issue for every pair
    stated: dict[str, set[str]] = defaultdict(set)
    for iid, issue in issues.items():
        for lid in issue.model.positions:
            stated[lid].add(iid)
    for (a, b), mids in sorted(pair_meetings.items()):
        rid = relation_id(a, b)
        if rid in relations:
            other = relations[rid]
            problems.append(
                leaders[b].problem(
                    (),
                    f"the pairs {other.a} + {other.b} and {a} + {b} would share the page relations/{rid}; "
                    "rename one of the leaders",
                )
            )
            continue
        shared = {i for m in mids for i in meetings[m].model.issues}
        shared |= stated.get(a, set()) & stated.get(b, set())
        spans = tuple(human_span(meetings[m].model.date, meetings[m].model.end_date) for m in (mids[:1] + mids[-1:]))
        first_last = (spans[0], spans[-1]) if spans else ("", "")
        relations[rid] = Relation(rid, a, b, tuple(mids), tuple(sorted(shared)), recorded.get((a, b)), first_last)
    return relations, problems


def _neighbours(meetings: dict[str, Entry[Meeting]]) -> dict[str, tuple[str | None, str | None]]:
    """Previous and next meeting of exactly the same participants."""
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for mid, entry in meetings.items():
        groups[frozenset(entry.model.participants)].append(mid)
    out: dict[str, tuple[str | None, str | None]] = {}
    for mids in groups.values():
        for i, mid in enumerate(mids):
            out[mid] = (mids[i - 1] if i else None, mids[i + 1] if i + 1 < len(mids) else None)
    return {mid: out[mid] for mid in meetings}  # in the meetings' order, whatever the groups'


References = dict[Key, list[Reference]]


def resolve(
    root: Path,
    entries: list[Entry[Any]],
    broken: dict[str, set[str]] | None = None,
    checked: Collection[Key] = (),
    known: References | None = None,
    partial: list[Entry[Any]] | None = None,
    placed: Placed | None = None,
) -> tuple[Site | None, list[Problem], list[Problem]]:
    """Check every reference, then derive the site; return it (None on any problem), the
    problems and the warnings.

    ``checked``: records that passed a run before, read from the same bytes, with the same
    archives and mkdocs.yml; what depends on nothing else (their prose, their quotes) is not
    checked again. ``known``: their references, from that run (builder.incremental).
    ``partial``: records that failed validation, with the fields that passed it, so that
    their references, quotes and likely twins are reported in the same run. ``placed``: see
    :data:`Placed`."""
    index: dict[str, dict[str, Entry[Any]]] = {kind: {} for kind in KINDS}
    for entry in entries:
        index[entry.kind][entry.id] = entry
    partial = partial or []
    archives, problems = read_archives(root, index["source"].values())
    known = known or {}
    refs = {
        key: known.get(key) or list(references(entry))
        for entry in [*entries, *partial]
        for key in [(entry.kind, entry.id)]
    }
    backlinks, found, warnings = record_problems(
        root, [*entries, *partial], index, archives, broken or {}, refs, checked, placed
    )
    problems += found
    # marks are checked on whole records only: a record that failed validation lacks the fields they tie
    problems += [p for e in entries if (e.kind, e.id) not in checked for p in marks.problems(e)]
    problems += anchors.problems(site_extensions(root)[0], (e for e in entries if (e.kind, e.id) not in checked))
    by_kind: dict[str, list[Entry[Any]]] = {kind: [*index[kind].values()] for kind in KINDS}
    for entry in partial:
        by_kind[entry.kind].append(entry)
    problems += duplicates(by_kind, {sid: text_key(archive.folded) for sid, archive in archives.items()})
    meetings = dict(sorted(index["meeting"].items(), key=lambda kv: (kv[1].model.date, kv[0])))
    relations, found = _relations(
        index["leader"], meetings, index["issue"], index["relation"], (broken or {}).get("leader", set())
    )
    problems += found
    if problems or partial:  # a record that failed validation has problems of its own
        return None, problems, warnings

    by_leader: dict[str, list[str]] = defaultdict(list)
    by_issue: dict[str, list[str]] = defaultdict(list)
    for mid, entry in meetings.items():
        for lid in entry.model.participants:
            by_leader[lid].append(mid)
        for iid in entry.model.issues:
            by_issue[iid].append(mid)
    related: dict[str, set[str]] = defaultdict(set)
    for iid, entry in index["issue"].items():
        for other in entry.model.related:
            related[iid].add(other)
            related[other].add(iid)
    pairs_of: dict[str, list[str]] = defaultdict(list)
    for rid, rel in relations.items():
        pairs_of[rel.a].append(rid)
        pairs_of[rel.b].append(rid)
    leader_issues: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for iid, entry in index["issue"].items():
        for lid in entry.model.positions:
            leader_issues[lid][iid]  # a position alone puts the issue on the leader's page
    for mid, entry in meetings.items():
        for lid in entry.model.participants:
            for iid in entry.model.issues:
                leader_issues[lid][iid].append(mid)
    cited: dict[str, list[Cited]] = defaultdict(list)
    for entry in entries:
        for ref in refs[(entry.kind, entry.id)]:
            if ref.citation is not None:
                # loc is (..., "citations", i, "source"); what precedes is the cited part
                cited[ref.target].append(Cited((entry.kind, entry.id), ref.loc[:-3], ref.citation))

    def by_id(d: dict[str, Any]) -> dict[str, Any]:
        return dict(sorted(d.items()))

    timeline = timeline_items(index["leader"], meetings, index["issue"])
    meeting_years = by_year((entry.model.date.year, mid) for mid, entry in meetings.items())
    timeline_years = by_year((item.date.year, item) for item in timeline)
    # Tables keyed by record come in the order of the records (meetings by date, the rest by
    # id), so that one patched after an edit (builder.resolve.patch) is the same to the byte.
    records = {kind: meetings if kind == "meeting" else by_id(index[kind]) for kind in KINDS}
    site = Site(
        records=records,
        relations=relations,
        backlinks={k: tuple(sorted(v)) for k, v in sorted(backlinks.items())},
        cited={k: tuple(v) for k, v in sorted(cited.items())},
        timeline=timeline,
        neighbours=_neighbours(meetings),
        by_leader={k: tuple(v) for k, v in sorted(by_leader.items())},
        by_issue={k: tuple(v) for k, v in sorted(by_issue.items())},
        related={k: tuple(sorted(v)) for k, v in sorted(related.items())},
        pairs_of={k: tuple(v) for k, v in sorted(pairs_of.items())},
        leader_issues={
            lid: {iid: tuple(mids) for iid, mids in sorted(issues.items())}
            for lid, issues in sorted(leader_issues.items())
        },
        meeting_years=meeting_years,
        timeline_years=timeline_years,
        meeting_counts=counts(meeting_years),
        timeline_counts=counts(timeline_years),
        link_kinds={i: k for k in KINDS for i in records[k]},
        refs={(k, i): refs[k, i] for k in KINDS for i in records[k]},
    )
    return site, [], warnings
