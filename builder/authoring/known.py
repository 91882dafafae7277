"""What ``summitry new`` checks a record against: the knowledge base, read and validated once.

Each answer is checked by making the record the answers so far describe and running on it
the checks ``summitry check`` runs on each record (validation, then references, quotes and
prose among the records already there: builder.resolve.site.record_problems), so that an
answer is told exactly what check would tell the record, without checking the whole
knowledge base again for each answer. Once every answer passes, the whole knowledge base
is checked once with the record in it (:meth:`Known.with_it`): what says "it passes summitry
check" must. The record's likely twins are found by the rules check uses
(builder.resolve.duplicates).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from builder.authoring.record_text import record_data, record_text
from builder.errors import Problem
from builder.pipeline import assemble
from builder.records.dates import PartialDate
from builder.records.kinds import KINDS
from builder.records.load import load_all, load_file, parse_yaml, record_names
from builder.records.raw_record import RawRecord
from builder.records.valid_record import Entry
from builder.records.validate import validate
from builder.resolve.advice import advise_entry, naming
from builder.resolve.aliases import alias_table, canonicalize
from builder.resolve.archives import archives
from builder.resolve.duplicates import Event, name_key, same_event, text_key, url_key
from builder.resolve.pairs import pairs_of
from builder.resolve.quotes import Archive, fold
from builder.resolve.references import references
from builder.resolve.site import Site, record_problems


@dataclass(frozen=True)
class Twin:
    """A record already there that the new one may be."""

    id: str
    path: str
    what: str  # how it is told to the editor: its title or name, date and place
    always: bool = False  # the same Wikidata item: one thing, whatever distinct_from says


class Known:
    """Every record of the knowledge base that passes validation, and every record file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        raws, _ = load_all(root)
        self.raws = raws
        self._found_now: set[tuple[object, ...]] | None = None
        self._site_with: Site | None = None  # the whole, with the new record: what its [[links]] name
        self._still: int | None = None  # what check reports of the whole with the new record
        self.entries, _, _ = validate(raws)
        self.records: dict[str, dict[str, Entry[Any]]] = {kind: {} for kind in KINDS}
        for entry in self.entries:
            self.records[entry.kind][entry.id] = entry
        self.files = {kind: {n.rpartition(".")[0] for n in names} for kind, names in record_names(root).items()}
        self.archives: dict[str, Archive] = archives(root, self.records["source"].values())[0]
        # records there that fail: a reference to one is that record's problem, not the new one's
        self._broken = {kind: ids - self.records[kind].keys() for kind, ids in self.files.items()}
        self._aliases = alias_table(self.entries)[0]

    def exists(self, kind: str, rid: str) -> bool:
        return rid in self.files[kind]

    def path(self, kind: str, rid: str) -> str:
        return f"{KINDS[kind].folder}/{rid}.yaml"

    def told(self, kind: str, rid: str) -> str:
        """A record as the editor is told of it: its file, and its title or name (a
        relationship has neither: its leaders' names, as its page is titled)."""
        entry = self.records[kind].get(rid)
        if entry is None:
            return self.path(kind, rid)
        if kind == "relation":
            leaders = self.records["leader"]
            named = [f"{leaders[a].display_name} and {leaders[b].display_name}" for a, b in pairs_of(rid, leaders)]
            return self.path(kind, rid) + (f" ({' or '.join(named)})" if named else "")
        return f"{self.path(kind, rid)} ({entry.display_name})"

    def problems(self, kind: str, rid: str, values: dict[str, Any]) -> list[Problem]:
        """What summitry check would report in the file of the record ``values`` make."""
        rel = self.path(kind, rid)
        _, raw, problems = parse_yaml(record_text(kind, record_data(kind, values)), rel, kind, rid)
        if raw is None:
            return problems
        return problems + self._alone(raw)[1]

    def _alone(self, raw: RawRecord) -> tuple[list[Entry[Any]], list[Problem], list[Problem]]:
        """One record checked as check checks each record among the others: what of it passes
        validation, with old ids read as the ids now, its problems, and its warnings (an old
        id it names, a quote of a source with no archived text)."""
        valid, problems, partial = validate([raw])
        entries, warnings = canonicalize([*valid, *partial], self._aliases)  # an old id works, as anywhere
        refs = {(e.kind, e.id): list(references(e)) for e in entries}
        _, found, unchecked = record_problems(self.root, entries, self.records, self.archives, self._broken, refs)
        return entries, problems + found, warnings + unchecked

    def with_it(self, kind: str, rid: str, values: dict[str, Any]) -> list[Problem]:
        """What summitry check would report of the whole knowledge base with the record
        ``values`` make in it, that it does not report now: what only the whole shows (a
        mark that names no citation, two pairs that would share a page, a [[link]] that the
        new id makes ambiguous), wherever it is. The records' prose and quotes are checked
        once more (:meth:`problems` checked the new one's): at 10,000 meetings, a second.

        Not for a source: it cites nothing and nothing cites it yet, its id and its twins are
        checked already, and its archived text, not beside it until written, would be missed."""
        if kind == "source":
            return []
        _, raw, problems = parse_yaml(record_text(kind, record_data(kind, values)), self.path(kind, rid), kind, rid)
        if raw is None:
            return problems
        site, found, _ = assemble(self.root, [*self.raws, raw])
        self._site_with, self._still = site, len(found)
        if not found:
            return []
        if self._found_now is None:
            self._found_now = {astuple(p) for p in assemble(self.root, self.raws)[1]}
        return [p for p in found if astuple(p) not in self._found_now]

    def failing_elsewhere(self, kind: str, rid: str) -> int:
        """How many problems summitry check reports with the record just written, all of them
        in other records (it was written because none is its own): what check still fails
        on, which the editor is told rather than that all passes."""
        if self._still is None:  # a source: the knowledge base checked now, with its archived text beside it
            raw, _ = load_file(self.root, self.root / self.path(kind, rid), kind)
            self._still = len(assemble(self.root, [*self.raws, *([raw] if raw else [])])[1])
        return self._still

    def told_by_check(self, kind: str, rid: str) -> tuple[list[Problem], list[Problem]]:
        """What summitry check says of the record just written that is no refusal, so
        :meth:`with_it` lets it be, by line of its file as written: the warnings (an old id it
        names, a quote of a source with no archived text), which check --strict refuses, and
        the advice (a quote too short to show what it supports, a statement sharing no word
        with its quote), which stays a warning."""
        raw, _ = load_file(self.root, self.root / self.path(kind, rid), kind)
        if raw is None:
            return [], []
        entries, _, warnings = self._alone(raw)
        advice: list[Problem] = []
        site = self._site_with
        if site is not None:  # none for a source: it has no statements of its own to advise on
            name_of = functools.partial(naming, site, {})
            advice = [problem for entry in entries for problem in advise_entry(entry, name_of)]
        return sorted(warnings), sorted(advice)

    def alias_owner(self, rid: str) -> tuple[str, str] | None:
        """The record whose aliases list ``rid`` as an old id, of any kind: (kind, id)."""
        return next(((kind, now) for (kind, old), now in sorted(self._aliases.items()) if old == rid), None)

    def twins(self, kind: str, values: dict[str, Any], text: str | None = None) -> list[Twin]:
        """The records of ``kind`` the one ``values`` make may be; ``text``: a source's archived text."""
        if kind == "meeting":
            return self._meeting_twins(values)
        if kind == "leader":
            return self._leader_twins(values)
        if kind == "source":
            return self._source_twins(values, text)
        return []

    def _meeting_twins(self, values: dict[str, Any]) -> list[Twin]:
        try:
            date = PartialDate.parse(values.get("date"))
        except ValueError:
            return []
        participants = self._leaders_now(values.get("participants") or ())
        event = Event(participants, date, None, str(values.get("kind")), values.get("location"))
        found = []
        for mid, entry in self.records["meeting"].items():
            other = dataclasses.replace(Event.of(entry.model), participants=self._leaders_now(entry.model.participants))
            if same_event(event, other):
                found.append(Twin(mid, entry.path, f"{entry.model.title}, {other.described()}"))
        return found

    def _leaders_now(self, ids: Iterable[str]) -> frozenset[str]:
        """Leader ids as check reads them: an old id (a leader's aliases list it) is the leader's id now."""
        return frozenset(self._aliases.get(("leader", lid), lid) for lid in ids)

    def _leader_twins(self, values: dict[str, Any]) -> list[Twin]:
        name, wikidata = values.get("name"), values.get("wikidata")
        found = []
        for lid, entry in self.records["leader"].items():
            if wikidata and entry.model.wikidata == wikidata:
                found.append(Twin(lid, entry.path, f"{entry.model.name}, Wikidata {wikidata}", always=True))
            elif name and name_key(entry.model.name) == name_key(name):
                found.append(Twin(lid, entry.path, f"{entry.model.name}, {entry.model.country}"))
        return found

    def _source_twins(self, values: dict[str, Any], text: str | None) -> list[Twin]:
        url = values.get("url")
        digest = text_key(fold(text)) if text is not None else None
        found = []
        for sid, entry in self.records["source"].items():
            same_url = bool(url and entry.model.url and url_key(entry.model.url) == url_key(url))
            same_text = digest is not None and sid in self.archives and text_key(self.archives[sid].folded) == digest
            if same_url or same_text:
                what = "the same address" if same_url else "the same archived text"
                found.append(Twin(sid, entry.path, f"{entry.model.title}; {what}"))
        return found
