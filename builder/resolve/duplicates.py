"""One event, one record: records of a kind that are likely one thing recorded twice.

The rules are shared by ``summitry check`` (a likely duplicate is a problem), ``summitry
new`` (which does not write one) and ``summitry draft`` (which lists the meeting a sentence
reports as already recorded). Two records that really are two things say so: either names
the other under ``distinct_from``.

- Meetings: in person both, or both calls, or both video meetings; at compatible dates (the
  one's span may be the other's: ``2021-06`` and ``2021-06-16``); never at two different
  places; and either the same leaders, or at least two of them at the same place.
- Leaders: the same name, or the same Wikidata item (which no ``distinct_from`` can answer:
  one item is one person).
- Sources: the same address, or the same archived text (compared as quotes are).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from builder.errors import Problem
from builder.records.dates import PartialDate, human_span
from builder.records.models import Leader, Meeting, Source
from builder.records.valid_record import Entry
from builder.resolve.quotes import fold

REMOTE = frozenset({"call", "virtual"})


@dataclass(frozen=True)
class Event:
    """What of a meeting tells whether another record may be the same one."""

    participants: frozenset[str]
    date: PartialDate
    end_date: PartialDate | None
    kind: str
    location: str | None

    @classmethod
    def of(cls, meeting: Meeting) -> Event:
        return cls(frozenset(meeting.participants), meeting.date, meeting.end_date, meeting.kind, meeting.location)

    def years(self) -> range:
        return range(self.date.year, (self.end_date or self.date).year + 1)

    def described(self) -> str:
        return ", ".join(filter(None, [human_span(self.date, self.end_date), self.location]))


def _place_words(place: str) -> list[str]:
    return re.findall(r"\w+", place.casefold())


def same_place(a: str, b: str) -> bool:
    """'Geneva' and 'Geneva, Switzerland' are one place; 'City 1' and 'City 10' are not."""
    here, there = _place_words(a), _place_words(b)
    shorter, longer = sorted((here, there), key=len)
    return bool(shorter) and longer[: len(shorter)] == shorter


def _overlap(a: Event, b: Event) -> bool:
    return (
        a.date.first_day() <= (b.end_date or b.date).last_day()
        and b.date.first_day() <= (a.end_date or a.date).last_day()
    )


def same_event(a: Event, b: Event) -> bool:
    """Whether two meetings may be one: see the module's rules."""
    if (a.kind in REMOTE or b.kind in REMOTE) and a.kind != b.kind:
        return False  # a call is not the video meeting of the same month, nor the visit
    placed = bool(a.location and b.location)
    if placed and not same_place(str(a.location), str(b.location)):
        return False  # Buenos Aires in December 2018 is not the Helsinki summit of 2018
    if not _overlap(a, b):
        return False
    return a.participants == b.participants or (placed and len(a.participants & b.participants) >= 2)


def _distinct(a: Entry[Any], b: Entry[Any]) -> bool:
    return b.id in getattr(a.model, "distinct_from", ()) or a.id in getattr(b.model, "distinct_from", ())


def _said(entry: Entry[Any]) -> str:
    return entry.path


def _pairs(groups: Iterable[list[Entry[Any]]]) -> Iterator[tuple[Entry[Any], Entry[Any]]]:
    """Each pair of records that share a group, once, the later file second."""
    seen: set[tuple[str, str]] = set()
    for group in groups:
        for a, b in itertools.combinations(sorted(group, key=_said), 2):
            if a.path != b.path and (a.path, b.path) not in seen:
                seen.add((a.path, b.path))
                yield a, b


def _grouped(entries: Iterable[Entry[Any]], keys: Callable[[Entry[Any]], Iterable[Hashable]]) -> list[list[Entry[Any]]]:
    groups: dict[Hashable, list[Entry[Any]]] = defaultdict(list)
    for entry in entries:
        for key in keys(entry):
            groups[key].append(entry)
    return [group for group in groups.values() if len(group) > 1]


def _event(entry: Entry[Any]) -> Event | None:
    """The meeting's event, or None for a record whose date, kind or leaders failed to validate."""
    m = entry.model
    if m.date is None or m.kind is None or len(m.participants) < 2:
        return None
    return Event.of(m)


def _meeting_keys(entry: Entry[Any]) -> Iterator[tuple[str, str, int]]:
    # Every rule needs two shared leaders and overlapping dates, so records that share no
    # pair of leaders in any year are never compared: no pass over every pair of meetings.
    event = _event(entry)
    if event is None:
        return
    for a, b in itertools.combinations(sorted(event.participants), 2):
        for year in event.years():
            yield a, b, year


def meeting_twins(event: Event, meetings: Iterable[tuple[str, Event]]) -> list[str]:
    """The ids of the meetings that may be ``event``, in the order given."""
    return [mid for mid, other in meetings if same_event(event, other)]


def _meetings(entries: list[Entry[Meeting]]) -> Iterator[Problem]:
    for a, b in _pairs(_grouped(entries, _meeting_keys)):
        first, second = _event(a), _event(b)
        if first is None or second is None or _distinct(a, b) or not same_event(first, second):
            continue
        yield b.problem(
            (),
            f"likely the same event as {a.path} ({a.model.title}, {first.described()}): keep one record "
            f"and cite both sources there; if they are two events, say so with distinct_from: [{a.id}]",
        )


def name_key(name: str) -> str:
    """A name as compared: folded as quotes are (builder.resolve.quotes: typographic quotes
    plain, invisible characters left out), the same letters however they are encoded (an
    accent as one code point or two), in any case, each run of spaces as one."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", fold(name)).casefold())
    return " ".join("".join(c for c in folded if unicodedata.category(c) != "Cf").split())


def url_key(url: str) -> str:
    """An address as compared: the scheme and host in any case, with or without a final slash."""
    scheme, sep, rest = url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}".rstrip("/")


def text_key(folded: str) -> str:
    return hashlib.blake2b(folded.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _leaders(entries: list[Entry[Leader]]) -> Iterator[Problem]:
    def keys(entry: Entry[Any]) -> Iterator[Hashable]:
        if entry.model.name:
            yield "name", name_key(entry.model.name)
        if entry.model.wikidata:
            yield "wikidata", entry.model.wikidata

    for a, b in _pairs(_grouped(entries, keys)):
        if a.model.wikidata and a.model.wikidata == b.model.wikidata:
            yield b.problem(
                ("wikidata",),
                f"the same Wikidata item as {a.path} ({a.model.name}): one person is one record; keep one, "
                "with the other's id under its aliases",
            )
        elif a.model.name and b.model.name and name_key(a.model.name) == name_key(b.model.name) and not _distinct(a, b):
            yield b.problem(
                ("name",),
                f"the same name as {a.path}: one person is one record; if they are two people, "
                f"say so with distinct_from: [{a.id}]",
            )


def _sources(entries: list[Entry[Source]], texts: dict[str, str]) -> Iterator[Problem]:
    def keys(entry: Entry[Any]) -> Iterator[Hashable]:
        if entry.model.url:
            yield "url", url_key(entry.model.url)
        if entry.id in texts:
            yield "text", texts[entry.id]

    for a, b in _pairs(_grouped(entries, keys)):
        if _distinct(a, b):
            continue
        if a.model.url and b.model.url and url_key(a.model.url) == url_key(b.model.url):
            what, field = "address", "url"
        elif a.id in texts and texts[a.id] == texts.get(b.id):
            what, field = "archived text", "archive"
        else:
            continue
        yield b.problem(
            (field,),
            f"the same {what} as {a.path}: one document is one record; if they are two, "
            f"say so with distinct_from: [{a.id}]",
        )


def duplicates(records: dict[str, list[Entry[Any]]], texts: dict[str, str]) -> list[Problem]:
    """Likely duplicates among the records of each kind, each reported once, on the record
    whose file comes later, naming the other. ``texts``: each source's archived text, as
    :func:`text_key` of its folded form."""
    return [
        *_meetings(records.get("meeting", [])),
        *_leaders(records.get("leader", [])),
        *_sources(records.get("source", []), texts),
    ]
