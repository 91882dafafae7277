"""The kinds of record, each in one place: what it is, where it lives, what it refers to,
what it must satisfy and what ``summitry new`` asks for it.

Every stage iterates over :data:`KINDS` rather than naming kinds itself, so a new kind of
record is one more :class:`Kind` here, a model in models.py, its folder in folders.py and
two page templates (the README's Layout section says what follows by itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from builder.errors import Problem
from builder.records.folders import FOLDERS
from builder.records.ids import name_id, phrase_slug, slug
from builder.records.models import Issue, Leader, Meeting, Record, Relationship, Source
from builder.records.valid_record import Entry


@dataclass(frozen=True)
class Ref:
    """A field of a record that names records of another kind, by id."""

    field: str
    target: str  # the kind named
    keys: bool = False  # the ids are the keys of a mapping (an issue's positions), not its values


@dataclass(frozen=True)
class Ask:
    """One value ``summitry new`` needs: its flag, its question, and how to read the answer."""

    key: str  # the record field (or a pseudo-field such as 'quote')
    question: str
    required: bool = True
    is_list: bool = False
    unless: str = ""  # asked, and then required, only when this other answer is empty


Check = Callable[[Entry[Any]], Iterator[Problem]]


@dataclass(frozen=True)
class Kind:
    name: str  # "meeting"
    plural: str  # "meetings": the Site's attribute and the CSV export's name
    model: type[Record]
    folder: str  # where its records live, from the knowledge base's root
    pages: str  # where its pages live on the site (and in build/docs)
    refs: tuple[Ref, ...] = ()
    unique: tuple[str, ...] = ()  # list fields in which an id may appear once
    checks: tuple[Check, ...] = ()  # rules within one record that a type cannot express
    asks: tuple[Ask, ...] = ()
    default_id: Callable[[dict[str, Any]], str] | None = None  # for summitry new, from its answers
    id_from: tuple[str, ...] = ()  # the answers default_id needs

    @property
    def template(self) -> str:
        return f"{self.name}.md.j2"

    @property
    def index_template(self) -> str:
        return f"{self.pages}.md.j2"


def _meeting_dates(entry: Entry[Any]) -> Iterator[Problem]:
    m: Meeting = entry.model
    if m.end_date and m.date and m.end_date.covers_before(m.date):  # no date: it failed validation
        yield entry.problem(("end_date",), f"ends ({m.end_date}) before it starts ({m.date})")


def _place_named(entry: Entry[Any]) -> Iterator[Problem]:
    m: Meeting = entry.model
    if m.location_wikidata and not m.location:
        yield entry.problem(("location_wikidata",), "names the place's Wikidata item, but the meeting has no location")


def _role_dates(entry: Entry[Any]) -> Iterator[Problem]:
    leader: Leader = entry.model
    for i, role in enumerate(leader.roles):
        if role.from_ and role.ended and role.ended.covers_before(role.from_):
            yield entry.problem(("roles", i, "to"), f"ends ({role.to}) before it starts ({role.from_})")
        if role.as_of and role.ended:
            yield entry.problem(
                ("roles", i, "as_of"), "as_of is for a role whose end is unknown; this one ends " + str(role.to)
            )
        elif role.as_of and role.from_ and role.as_of.covers_before(role.from_):
            yield entry.problem(("roles", i, "as_of"), f"held as of {role.as_of}, before it starts ({role.from_})")


def _not_distinct_from_itself(entry: Entry[Any]) -> Iterator[Problem]:
    for i, ref in enumerate(entry.model.distinct_from):
        if ref == entry.id:
            yield entry.problem(("distinct_from", i), f"a {entry.kind} cannot be distinct from itself")


def _not_related_to_itself(entry: Entry[Any]) -> Iterator[Problem]:
    issue: Issue = entry.model
    for i, ref in enumerate(issue.related):
        if ref == entry.id:
            yield entry.problem(("related", i), "an issue cannot be related to itself")


ID_WORDS = 8  # an id made from words keeps at most this many


def _dated_id(date: str, title: str) -> str:
    """A meeting's id: its date, then as much of its title as fits, cut between phrases."""
    day = slug(date)
    return "-".join(filter(None, [day, phrase_slug(title, ID_WORDS - len(day.split("-")))]))


_CITE = (
    Ask("source", "Source id"),
    Ask("quote", "Quote from the source that supports it", required=False),
)


LEADER = Kind(
    name="leader",
    plural="leaders",
    model=Leader,
    folder=FOLDERS["leader"],
    pages="leaders",
    refs=(Ref("distinct_from", "leader"),),
    unique=("distinct_from",),
    checks=(_role_dates, _not_distinct_from_itself),
    asks=(
        Ask("name", "Full name"),
        Ask("country", "Country"),
        Ask("wikidata", "Wikidata item (e.g. Q7747)", required=False),
        Ask("summary", "Summary, in your own words"),
        *_CITE,
    ),
    default_id=lambda values: name_id(str(values["name"]))[0],
    id_from=("name",),
)

MEETING = Kind(
    name="meeting",
    plural="meetings",
    model=Meeting,
    folder=FOLDERS["meeting"],
    pages="meetings",
    refs=(Ref("participants", "leader"), Ref("issues", "issue"), Ref("distinct_from", "meeting")),
    unique=("participants", "issues", "distinct_from"),
    checks=(_meeting_dates, _place_named, _not_distinct_from_itself),
    asks=(
        Ask("title", "Title (e.g. Geneva summit)"),
        Ask("date", "Date: YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source"),
        Ask("kind", "Kind: summit, bilateral, sidelines, virtual or call"),
        Ask("location", "Place (leave empty for a call)", required=False),
        Ask("participants", "Leader ids, comma-separated (e.g. biden,putin)", is_list=True),
        Ask("issues", "Issue ids, comma-separated", required=False, is_list=True),
        Ask("summary", "Summary, in your own words"),
        *_CITE,
    ),
    default_id=lambda values: _dated_id(str(values["date"]), str(values["title"])),
    id_from=("title", "date"),
)

ISSUE = Kind(
    name="issue",
    plural="issues",
    model=Issue,
    folder=FOLDERS["issue"],
    pages="issues",
    refs=(Ref("related", "issue"), Ref("positions", "leader", keys=True)),
    unique=("related",),
    checks=(_not_related_to_itself,),
    asks=(Ask("title", "Title (e.g. Ukraine)"), Ask("summary", "Summary, in your own words"), *_CITE),
    default_id=lambda values: phrase_slug(str(values["title"]), ID_WORDS),
    id_from=("title",),
)

SOURCE = Kind(
    name="source",
    plural="sources",
    model=Source,
    folder=FOLDERS["source"],
    pages="sources",
    refs=(Ref("distinct_from", "source"),),
    unique=("distinct_from",),
    checks=(_not_distinct_from_itself,),
    asks=(
        Ask("title", "Title, as published"),
        Ask("author", "Author", required=False),
        Ask("publisher", "Publisher", required=False),
        Ask("url", "Address (http or https)", required=False),
        Ask("published", "Date published: YYYY, YYYY-MM or YYYY-MM-DD", required=False),
        Ask("genre", "Kind of document: news-report, blog-post, analysis, explainer or official-statement"),
        Ask("note", "Note for readers: who stands behind it, how it is dated, how much weight it can bear"),
        Ask(
            "archive", "File holding the source's text, kept beside the record to check quotes against", required=False
        ),
        Ask(
            "no_archive", "Why no text of the source can be kept (pages say its quotes are unchecked)", unless="archive"
        ),
    ),
    default_id=lambda values: phrase_slug(str(values["title"]), 6),
    id_from=("title",),
)


# A relation page exists for every pair of leaders who share a meeting or have a
# relationship record; the record (content/relations/<a>-<b>.yaml) is optional.
RELATION = Kind(
    name="relation",
    plural="relations",
    model=Relationship,
    folder=FOLDERS["relation"],
    pages="relations",
    asks=(
        Ask("leaders", "The two leaders' ids, comma-separated (e.g. biden,putin)", is_list=True),
        Ask("summary", "Summary of the relationship, in your own words"),
        *_CITE,
    ),
    default_id=lambda values: "-".join(sorted(values["leaders"])),
    id_from=("leaders",),
)

KINDS: dict[str, Kind] = {k.name: k for k in (LEADER, MEETING, ISSUE, SOURCE, RELATION)}
"""Every kind, in the order pages and exports list them."""

_YEAR = re.compile(r"[0-9]{4}")


def reserved(kind: str, rid: str) -> str | None:
    """Why ``rid`` may not be the id (or an old id) of a record of ``kind``; None if it may.

    A record's page is <section>/<id>.md, its address <section>/<id>/: these ids would take
    the place of a page the builder makes in the section itself. Bare years are kept in every
    section, for listings by year (meetings/2021/, builder/render/year_pages.py); ids are permanent
    addresses, so they are reserved in sections that have no such pages yet too, not taken
    back once records hold them.
    """
    section = KINDS[kind].pages
    if rid == "index":
        return f"the section's own page is {section}/index.md"
    if _YEAR.fullmatch(rid):
        return f"a year is kept for the section's page of that year ({section}/{rid}/)"
    return None
