"""Resolve stage: check every reference between records, then derive what pages need.

The output, a :class:`Site`, is everything the renderer needs and nothing it must compute:
backlinks, leader pairs, neighbouring meetings, the timeline.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dates import PartialDate
from .errors import Problem, did_you_mean
from .load import KIND_DIRS
from .prosecheck import prose_problems
from .quotes import Archive
from .refs import Reference, references
from .schema import Citation
from .validate import Entry

Key = tuple[str, str]  # (kind, id)
# where each kind's pages live on the site (and in build/docs)
PAGE_DIRS = {
    "leader": "leaders",
    "meeting": "meetings",
    "issue": "issues",
    "source": "sources",
    "relation": "relations",
}


@dataclass(frozen=True)
class Relation:
    """Two leaders who share at least one meeting."""

    id: str
    a: str
    b: str
    meetings: tuple[str, ...]
    issues: tuple[str, ...]


@dataclass(frozen=True)
class Cited:
    """One citation of a source, and where it is made."""

    by: Key
    part: tuple[str | int, ...]  # what in the record is cited: () for the record itself
    citation: Citation


@dataclass(frozen=True, order=True)
class TimelineItem:
    date: PartialDate
    order: int  # meetings before developments before roles on the same date
    key: Key
    text: str  # Markdown (prose) for developments, plain title otherwise
    prose: bool = False


@dataclass(frozen=True)
class Site:
    leaders: dict[str, Entry]
    meetings: dict[str, Entry]  # in date order
    issues: dict[str, Entry]
    sources: dict[str, Entry]
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
    link_kinds: dict[str, str] = field(default_factory=dict)  # id -> kind, for [[id]]

    def name_of(self, rid: str) -> str:
        """The display name of the record a [[link]] names."""
        return self.entry((self.link_kinds[rid], rid)).display_name

    def entry(self, key: Key) -> Entry:
        records: dict[str, Entry] = getattr(self, key[0] + "s")
        return records[key[1]]


def _archives(root: Path, sources: dict[str, Entry]) -> tuple[dict[str, Archive], list[Problem]]:
    archives: dict[str, Archive] = {}
    problems: list[Problem] = []
    folder = (root / KIND_DIRS["source"]).resolve()
    for sid, entry in sources.items():
        name = entry.model.archive
        if name is None:
            continue
        path = root / KIND_DIRS["source"] / name
        if path.is_symlink() or not path.resolve().is_relative_to(folder):
            problems.append(entry.problem(("archive",), f"'{name}' must be a file in content/sources/, not a link"))
        elif not path.is_file():
            problems.append(entry.problem(("archive",), f"archived text '{name}' not found beside this record"))
        else:
            try:
                archives[sid] = Archive(path.read_text(encoding="utf-8-sig"))
            except UnicodeDecodeError:
                problems.append(entry.problem(("archive",), f"archived text '{name}' is not valid UTF-8"))
    return archives, problems


def _check_references(
    entries: list[Entry],
    refs: dict[Key, list[Reference]],
    index: dict[str, dict[str, Entry]],
    archives: dict[str, Archive],
    broken: dict[str, set[str]],
) -> tuple[dict[Key, set[Key]], list[Problem]]:
    """Every reference must name one record; collect them, inverted, as backlinks.

    ``broken`` holds the ids of records that exist but failed to load or validate: a
    reference to one of them is not reported again, since the record's own error is.
    """
    problems: list[Problem] = []
    backlinks: dict[Key, set[Key]] = defaultdict(set)
    for entry in entries:
        here = (entry.kind, entry.id)
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
                        else f"link [[{ref.target}]] is ambiguous: it names a {' and a '.join(kinds)}"
                    )
                    problems.append(entry.problem(ref.loc, what))
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
            if ref.citation is not None and ref.citation.quote and ref.target in archives:
                archive = archives[ref.target]
                if ref.citation.quote not in archive:
                    problems.append(
                        entry.problem(
                            ref.loc[:-1] + ("quote",),
                            f"quote not found in source '{ref.target}'; closest passage: "
                            f'"{archive.closest(ref.citation.quote)}"',
                        )
                    )
            if target != here:
                backlinks[target].add(here)
    return backlinks, problems


def pairs(leader_ids: list[str]) -> list[tuple[str, str]]:
    """Every pair of these leaders, each in id order: one relation page each."""
    return list(itertools.combinations(sorted(leader_ids), 2))


def relation_id(a: str, b: str) -> str:
    return f"{a}-{b}"


def _relations(
    leaders: dict[str, Entry], meetings: dict[str, Entry], issues: dict[str, Entry]
) -> tuple[dict[str, Relation], list[Problem]]:
    pair_meetings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for mid, entry in meetings.items():
        for pair in pairs(entry.model.participants):
            pair_meetings[pair].append(mid)
    relations: dict[str, Relation] = {}
    problems: list[Problem] = []
    # issues on which each leader has a position: a pair's shared ones are an intersection,
    # not a scan of every issue for every pair
    stated: dict[str, set[str]] = defaultdict(set)
    for iid, entry in issues.items():
        for lid in entry.model.positions:
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
        relations[rid] = Relation(rid, a, b, tuple(mids), tuple(sorted(shared)))
    return relations, problems


def _neighbours(meetings: dict[str, Entry]) -> dict[str, tuple[str | None, str | None]]:
    """Previous and next meeting of exactly the same participants."""
    groups: dict[frozenset[str], list[str]] = defaultdict(list)
    for mid, entry in meetings.items():
        groups[frozenset(entry.model.participants)].append(mid)
    out: dict[str, tuple[str | None, str | None]] = {}
    for mids in groups.values():
        for i, mid in enumerate(mids):
            out[mid] = (mids[i - 1] if i else None, mids[i + 1] if i + 1 < len(mids) else None)
    return out


def _timeline(
    leaders: dict[str, Entry], meetings: dict[str, Entry], issues: dict[str, Entry]
) -> tuple[TimelineItem, ...]:
    items: list[TimelineItem] = []
    for mid, entry in meetings.items():
        items.append(TimelineItem(entry.model.date, 0, ("meeting", mid), entry.model.title))
    for iid, entry in issues.items():
        for dev in entry.model.developments:
            items.append(TimelineItem(dev.date, 1, ("issue", iid), dev.text, prose=True))
    for lid, entry in leaders.items():
        for role in entry.model.roles:
            if role.from_:
                items.append(TimelineItem(role.from_, 2, ("leader", lid), f"{entry.model.name} becomes {role.title}"))
            if role.to:
                items.append(
                    TimelineItem(role.to, 2, ("leader", lid), f"{entry.model.name} leaves office as {role.title}")
                )
    return tuple(sorted(items))


def resolve(
    root: Path, entries: list[Entry], broken: dict[str, set[str]] | None = None
) -> tuple[Site | None, list[Problem]]:
    index: dict[str, dict[str, Entry]] = {"leader": {}, "meeting": {}, "issue": {}, "source": {}}
    for entry in entries:
        index[entry.kind][entry.id] = entry
    archives, problems = _archives(root, index["source"])
    refs = {(entry.kind, entry.id): list(references(entry)) for entry in entries}
    backlinks, found = _check_references(entries, refs, index, archives, broken or {})
    problems += found
    problems += prose_problems(root, entries)
    meetings = dict(sorted(index["meeting"].items(), key=lambda kv: (kv[1].model.date, kv[0])))
    relations, found = _relations(index["leader"], meetings, index["issue"])
    problems += found
    if problems:
        return None, problems

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

    site = Site(
        leaders=by_id(index["leader"]),
        meetings=meetings,
        issues=by_id(index["issue"]),
        sources=by_id(index["source"]),
        relations=relations,
        backlinks={k: tuple(sorted(v)) for k, v in sorted(backlinks.items())},
        cited={k: tuple(v) for k, v in sorted(cited.items())},
        timeline=_timeline(index["leader"], meetings, index["issue"]),
        neighbours=_neighbours(meetings),
        by_leader={k: tuple(v) for k, v in sorted(by_leader.items())},
        by_issue={k: tuple(v) for k, v in sorted(by_issue.items())},
        related={k: tuple(sorted(v)) for k, v in sorted(related.items())},
        pairs_of={k: tuple(v) for k, v in sorted(pairs_of.items())},
        leader_issues={
            lid: {iid: tuple(mids) for iid, mids in sorted(issues.items())}
            for lid, issues in sorted(leader_issues.items())
        },
        link_kinds={i: k for k in index for i in index[k]},
    )
    return site, []
