"""The knowledge base as data, published with the site: JSON, CSV, iCalendar and Atom.

Made in the render stage from the resolved site, with no I/O and nothing that changes from
one run to the next (no timestamps of the build): the same records give the same bytes.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from builder.records.dates import PartialDate
from builder.records.kinds import KINDS, Kind
from builder.records.models import Citation, Position, Relationship, Role
from builder.render.addresses import record_address
from builder.render.job import Job
from builder.render.statements import in_date_order, role_text
from builder.render.track import Memo
from builder.resolve import marks
from builder.resolve.prose import plain
from builder.resolve.site import Site

DATA_DIR = "data"
# Validation refuses control characters in records; these keep each format whole even so.
_NOT_IN_CSV = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # a line feed is quoted; a carriage return would not be
_NOT_IN_ICAL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # RFC 5545: no control character but tab in a line
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0's Char


def _address(kind: str, rid: str) -> str:
    return record_address((kind, rid))


def _date(date: PartialDate | None) -> dict[str, str] | None:
    return None if date is None else {"value": date.iso(), "precision": date.precision}


def _citations(citations: list[Citation]) -> list[dict[str, Any]]:
    return [
        {"key": c.key, "source": c.source, "source_url": _address("source", c.source), "quote": c.quote, "note": c.note}
        for c in citations
    ]


def _statements(part: Any) -> list[dict[str, Any]]:
    """Each sentence of a part's prose, without its marks, with the keys of its citations."""
    return [
        {"field": where, "text": words, "citations": list(keys)} for where, words, keys in marks.sentence_keys(part)
    ]


def _role(role: Role) -> dict[str, Any]:
    """An end the sources leave open is ``"end": "unknown"`` with ``"to": null``, never read as today."""
    return {
        "title": role.title,
        "from": _date(role.from_),
        "to": _date(role.ended),
        "end": "dated" if role.ended else "unknown",
        "held_as_of": _date(role.as_of),
        "citations": role.cite,
    }


def _statement(statement: Position) -> dict[str, Any]:
    return {
        "text": marks.strip(statement.text),
        "as_of": _date(statement.as_of),
        "forecast": statement.forecast,
        "statements": _statements(statement),
        "citations": _citations(statement.citations),
    }


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"id": rid, "url": _address(kind, rid)}


def _relationship(m: Relationship) -> dict[str, Any]:
    return {
        "summary": marks.strip(m.summary),
        "statements": _statements(m),
        "themes": [
            {
                "title": t.title,
                "text": marks.strip(t.text),
                "as_of": _date(t.as_of),
                "statements": _statements(t),
                "citations": _citations(t.citations),
            }
            for t in m.themes
        ],
        # the sources' expectations: marked as forecasts, so no reader of the data takes them for facts
        "outlook": [
            {
                "text": marks.strip(o.text),
                "forecast": True,
                "statements": _statements(o),
                "citations": _citations(o.citations),
            }
            for o in m.outlook
        ],
        "citations": _citations(m.citations),
    }


def _leader(site: Site, lid: str) -> dict[str, Any]:
    m = site.leaders[lid].model
    return {
        "id": lid,
        "url": _address("leader", lid),
        "name": m.name,
        "country": m.country,
        "roles": [_role(r) for r in m.roles],
        "summary": marks.strip(m.summary),
        "statements": _statements(m),
        "wikidata": m.wikidata,
        "meetings": [_ref("meeting", mid) for mid in site.by_leader.get(lid, ())],
        "relations": [_ref("relation", rid) for rid in site.pairs_of.get(lid, ())],
        "citations": _citations(m.citations),
    }


def _meeting(site: Site, mid: str) -> dict[str, Any]:
    m = site.meetings[mid].model
    return {
        "id": mid,
        "url": _address("meeting", mid),
        "title": m.title,
        "date": _date(m.date),
        "end_date": _date(m.end_date),
        "kind": m.kind,
        "location": m.location,
        "location_wikidata": m.location_wikidata,
        "participants": [_ref("leader", lid) for lid in m.participants],
        "issues": [_ref("issue", iid) for iid in m.issues],
        "summary": marks.strip(m.summary),
        "outcomes": [marks.strip(outcome) for outcome in m.outcomes],
        "statements": _statements(m),
        "citations": _citations(m.citations),
    }


def _issue(site: Site, iid: str) -> dict[str, Any]:
    m = site.issues[iid].model
    return {
        "id": iid,
        "url": _address("issue", iid),
        "title": m.title,
        "summary": marks.strip(m.summary),
        "statements": _statements(m),
        "wikidata": m.wikidata,
        "related": [_ref("issue", other) for other in site.related.get(iid, ())],
        "meetings": [_ref("meeting", mid) for mid in site.by_issue.get(iid, ())],
        "developments": [
            {
                "date": _date(d.date),
                "text": marks.strip(d.text),
                "statements": _statements(d),
                "citations": _citations(d.citations),
            }
            for d in m.developments
        ],
        "positions": [
            {"leader": _ref("leader", lid), **_statement(p)}
            for lid, statements in m.positions.items()
            for p in in_date_order(statements)
        ],
        "citations": _citations(m.citations),
    }


def _source(site: Site, sid: str) -> dict[str, Any]:
    m = site.sources[sid].model
    return {
        "id": sid,
        "url": _address("source", sid),
        "title": m.title,
        "author": m.author,
        "publisher": m.publisher,
        "address": m.url,
        "published": _date(m.published),
        "genre": m.genre,
        "note": m.note,
        "accessed": _date(m.accessed),
        "archive_url": m.archive_url,
        "archive": m.archive,
        "wikidata": m.wikidata,
    }


def _relation(site: Site, rid: str) -> dict[str, Any]:
    r = site.relations[rid]
    return {
        "id": rid,
        "url": _address("relation", rid),
        "leaders": [_ref("leader", r.a), _ref("leader", r.b)],
        "meetings": [_ref("meeting", mid) for mid in r.meetings],
        "issues": [_ref("issue", i) for i in r.issues],
        **(_relationship(r.record.model) if r.record else {"summary": None, "themes": [], "outlook": []}),
    }


@dataclass(frozen=True)
class Column:
    """One column of a kind's CSV export: its header, and its value for a page id."""

    header: str
    value: Callable[[Site, str], object]


def _join(ids: Any) -> str:
    return ";".join(ids)


def _iso(date: Any) -> str | None:
    return date.iso() if date else None


def _meeting_date(site: Site, rid: str, at: int) -> str | None:
    mids = site.relations[rid].meetings
    return site.meetings[mids[at]].model.date.iso() if mids else None


COLUMNS: dict[str, tuple[Column, ...]] = {
    "leader": (
        Column("id", lambda s, i: i),
        Column("name", lambda s, i: s.leaders[i].model.name),
        Column("country", lambda s, i: s.leaders[i].model.country),
        Column("roles", lambda s, i: _join(role_text(r) for r in s.leaders[i].model.roles)),
        Column("wikidata", lambda s, i: s.leaders[i].model.wikidata),
        Column("meetings", lambda s, i: len(s.by_leader.get(i, ()))),
    ),
    "meeting": (
        Column("id", lambda s, i: i),
        Column("title", lambda s, i: s.meetings[i].model.title),
        Column("date", lambda s, i: s.meetings[i].model.date.iso()),
        Column("date_precision", lambda s, i: s.meetings[i].model.date.precision),
        Column("end_date", lambda s, i: _iso(s.meetings[i].model.end_date)),
        Column("kind", lambda s, i: s.meetings[i].model.kind),
        Column("location", lambda s, i: s.meetings[i].model.location),
        Column("location_wikidata", lambda s, i: s.meetings[i].model.location_wikidata),
        Column("participants", lambda s, i: _join(s.meetings[i].model.participants)),
        Column("issues", lambda s, i: _join(s.meetings[i].model.issues)),
    ),
    "issue": (
        Column("id", lambda s, i: i),
        Column("title", lambda s, i: s.issues[i].model.title),
        Column("related", lambda s, i: _join(s.related.get(i, ()))),
        Column("meetings", lambda s, i: len(s.by_issue.get(i, ()))),
        Column("developments", lambda s, i: len(s.issues[i].model.developments)),
        Column("positions", lambda s, i: _join(s.issues[i].model.positions)),
        Column("wikidata", lambda s, i: s.issues[i].model.wikidata),
    ),
    "source": (
        Column("id", lambda s, i: i),
        Column("title", lambda s, i: s.sources[i].model.title),
        Column("genre", lambda s, i: s.sources[i].model.genre),
        Column("author", lambda s, i: s.sources[i].model.author),
        Column("publisher", lambda s, i: s.sources[i].model.publisher),
        Column("address", lambda s, i: s.sources[i].model.url),
        Column("published", lambda s, i: _iso(s.sources[i].model.published)),
        Column("note", lambda s, i: s.sources[i].model.note),
        Column("wikidata", lambda s, i: s.sources[i].model.wikidata),
        Column("citations", lambda s, i: len(s.cited.get(i, ()))),
    ),
    "relation": (
        Column("id", lambda s, i: i),
        Column("leader_a", lambda s, i: s.relations[i].a),
        Column("leader_b", lambda s, i: s.relations[i].b),
        Column("meetings", lambda s, i: len(s.relations[i].meetings)),
        Column("first", lambda s, i: _meeting_date(s, i, 0)),
        Column("latest", lambda s, i: _meeting_date(s, i, -1)),
        Column("themes", lambda s, i: len(r.model.themes) if (r := s.relations[i].record) else 0),
    ),
}
"""Each kind's CSV columns, in order; the page's address follows them."""

ABOUT = (
    "Summitry knowledge base; every url is relative to the site's root address. Each statement "
    "(a sentence of a summary or text, an outcome) lists the keys of the citations that support it; "
    "wikidata ids come from Wikidata, not from the cited sources."
)
# each section of the JSON: the ids it lists, and one record's data
_SECTIONS: dict[str, tuple[Callable[[Site], Iterable[str]], Callable[[Site, str], dict[str, Any]]]] = {
    "leaders": (lambda site: site.leaders, _leader),
    "meetings": (lambda site: site.meetings, _meeting),
    "issues": (lambda site: site.issues, _issue),
    "sources": (lambda site: site.sources, _source),
    "relations": (lambda site: site.relations, _relation),
}


def as_data(site: Site) -> dict[str, Any]:
    """Every record, resolved: references as ids with their addresses, dates with their precision."""
    return {"about": ABOUT, **{name: [one(site, rid) for rid in ids(site)] for name, (ids, one) in _SECTIONS.items()}}


def _json_file(site: Site, pieces: Memo) -> str:
    """The data with one record per line: diffable, and written by json's C encoder (an
    ``indent`` would switch it to the pure Python one, ten times slower here). Each line is
    made once per record and kept in ``pieces`` while what it read is unchanged."""

    def line(name: str, rid: str) -> str:
        return json.dumps(_SECTIONS[name][1](site, rid), ensure_ascii=False)

    parts = [f"{json.dumps('about')}: {json.dumps(ABOUT, ensure_ascii=False)}"]
    between = ",\n  "
    for name, (ids, _) in _SECTIONS.items():
        rows = [pieces.get_or_make(("json", name, rid), functools.partial(line, name, rid)) for rid in ids(site)]
        parts.append(f"{json.dumps(name)}: [\n  {between.join(rows)}\n ]" if rows else f"{json.dumps(name)}: []")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return _NOT_IN_CSV.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([_csv_value(v) for v in values])
    return out.getvalue()


def as_csv(site: Site, pieces: Memo | None = None) -> dict[str, str]:
    """One table per kind, with the columns its kind declares and the page's address last;
    lists of ids are joined with ';'. Each row is kept in ``pieces`` while what it read is unchanged."""
    pieces = Memo() if pieces is None else pieces
    tables = {}
    for kind in KINDS.values():
        ids = site.relations if kind.name == "relation" else site.records[kind.name]

        def row(kind: Kind, rid: str) -> str:
            return _csv_line([c.value(site, rid) for c in COLUMNS[kind.name]] + [_address(kind.name, rid)])

        header = _csv_line([c.header for c in COLUMNS[kind.name]] + ["url"])
        rows = [pieces.get_or_make(("csv", kind.name, rid), functools.partial(row, kind, rid)) for rid in ids]
        tables[f"{kind.plural}.csv"] = header + "".join(rows)
    return tables


def _ical_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with a space."""
    if len(line) <= 18 or len(line.encode("utf-8")) <= 75:  # 18 characters are at most 72 octets
        return line
    out: list[str] = []
    current = ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not out else 74):
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return "\r\n ".join(out)


def as_ical(site: Site, base: str, pieces: Memo | None = None) -> str:
    """Meetings as all-day events. A date known only to the month or the year is an event
    over that whole month or year, and its description says how precise the date is."""
    pieces = Memo() if pieces is None else pieces

    def event(mid: str) -> str:
        m = site.meetings[mid].model
        first, after = m.date.first_day(), (m.end_date or m.date).day_after()
        precision = (
            "" if m.date.precision == "day" else f"Date known only to the {m.date.precision}: {m.date.human()}. "
        )
        who = ", ".join(site.leaders[lid].display_name for lid in m.participants)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{mid}@summitry",
            # the meeting's first day stands for the stamp, so the file depends on the records alone
            f"DTSTAMP:{first:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{after:%Y%m%d}",
            f"SUMMARY:{_ical_text(m.title)}",
            f"DESCRIPTION:{_ical_text(precision + who + '.')}",
            f"URL:{base}{_address('meeting', mid)}",
        ]
        if m.location:
            lines.append(f"LOCATION:{_ical_text(m.location)}")
        lines.append("END:VEVENT")
        return _ical_lines(lines)

    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Summitry//Summitry knowledge base//EN", "CALSCALE:GREGORIAN"]
    events = [pieces.get_or_make(("ics", base, mid), functools.partial(event, mid)) for mid in site.meetings]
    return _ical_lines(head) + "".join(events) + _ical_lines(["END:VCALENDAR"])


def _ical_lines(lines: list[str]) -> str:
    return "".join(_fold(_NOT_IN_ICAL.sub("", line)) + "\r\n" for line in lines)


def _xml(text: str) -> str:
    return escape(_NOT_IN_XML.sub("", text))


def _xml_attr(text: str) -> str:
    return quoteattr(_NOT_IN_XML.sub("", text))


def as_atom(site: Site, base: str, title: str, pieces: Memo | None = None) -> str:
    """The meetings, newest first. A meeting's 'updated' is its first possible day."""
    pieces = Memo() if pieces is None else pieces
    meetings = list(reversed(site.meetings))

    def stamp(date: PartialDate) -> str:
        return f"{date.first_day().isoformat()}T00:00:00Z"

    def entry(mid: str) -> str:
        m = site.meetings[mid].model
        who = ", ".join(site.leaders[lid].display_name for lid in m.participants)
        lines = [
            "  <entry>",
            f"    <title>{_xml(m.title)} ({_xml(m.date.human())})</title>",
            f"    <id>{_xml(base)}{_address('meeting', mid)}</id>",
            f"    <link href={_xml_attr(base + _address('meeting', mid))}/>",
            f"    <updated>{stamp(m.date)}</updated>",
            f"    <summary>{_xml(who)}: {_xml(plain(m.summary, site.name_of, 1000))}</summary>",
            "  </entry>",
        ]
        return "\n".join(lines) + "\n"

    updated = stamp(site.meetings[meetings[0]].model.date) if meetings else "1970-01-01T00:00:00Z"
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{_xml(title)}: meetings</title>",
        f"  <id>{_xml(base)}{DATA_DIR}/meetings.atom</id>",
        f'  <link rel="self" href={_xml_attr(base + DATA_DIR + "/meetings.atom")}/>',
        f"  <link href={_xml_attr(base)}/>",
        f"  <updated>{updated}</updated>",
        "  <author><name>Summitry</name></author>",
    ]
    entries = [pieces.get_or_make(("atom", base, mid), functools.partial(entry, mid)) for mid in meetings]
    return "\n".join(out) + "\n" + "".join(entries) + "</feed>\n"


CSV_FILES = tuple(f"{DATA_DIR}/{kind.plural}.csv" for kind in KINDS.values())
EXPORTS = ((f"{DATA_DIR}/summitry.json",), CSV_FILES, (f"{DATA_DIR}/meetings.ics",), (f"{DATA_DIR}/meetings.atom",))
"""The files of each export job, in the order of :func:`export_jobs`: the first jobs of a run."""


def export_jobs(site: Site, base: str, title: str, pieces: Memo | None = None) -> list[Job]:
    """Every export as a job (its files, a function making them), so they can run in parallel:
    data/summitry.json, data/*.csv, data/meetings.ics, data/meetings.atom.

    ``base`` is the site's address (site_url), ending in '/'; without one, addresses in the
    calendar and the feed stay relative to the site. ``pieces`` keeps each record's part
    of each file (from a run before, where what it read is unchanged; builder.incremental).
    """
    pieces = Memo() if pieces is None else pieces

    def csvs() -> dict[str, str]:
        files = {f"{DATA_DIR}/{name}": text for name, text in as_csv(site, pieces).items()}
        if tuple(files) != CSV_FILES:  # a kind without a CSV file: the job would not make what it says
            raise RuntimeError(f"the CSV job made {tuple(files)}, not {CSV_FILES}")
        return files

    return [
        ((f"{DATA_DIR}/summitry.json",), lambda: {f"{DATA_DIR}/summitry.json": _json_file(site, pieces)}),
        (CSV_FILES, csvs),
        ((f"{DATA_DIR}/meetings.ics",), lambda: {f"{DATA_DIR}/meetings.ics": as_ical(site, base, pieces)}),
        ((f"{DATA_DIR}/meetings.atom",), lambda: {f"{DATA_DIR}/meetings.atom": as_atom(site, base, title, pieces)}),
    ]
