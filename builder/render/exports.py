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
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from builder.records.dates import PartialDate
from builder.records.kinds import KINDS
from builder.render.job import Job
from builder.render.record_data import address, child_rows, child_tables, csv_header, csv_row, record_line
from builder.render.search_index import SEARCH_FILES, search_job
from builder.render.track import Memo
from builder.resolve.prose import plain
from builder.resolve.site import Site

DATA_DIR = "data"
# Validation refuses control characters in records; these keep each format whole even so.
_NOT_IN_CSV = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # a line feed is quoted; a carriage return would not be
_NOT_IN_ICAL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # RFC 5545: no control character but tab in a line
_NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0's Char


ABOUT = (
    "Summitry knowledge base; every url is relative to the site's root address. Each statement "
    "(a sentence of a summary or text, an outcome) lists the keys of the citations that support it; "
    "wikidata ids come from Wikidata, not from the cited sources."
)


def _json_file(site: Site, pieces: Memo) -> str:
    """Every record, resolved (builder/render/record_data.py), a section per kind, with one
    record per line: diffable, and written by json's C encoder (an ``indent`` would switch
    it to the pure Python one, ten times slower here). Each line is made once per record and
    kept in ``pieces`` while what it read is unchanged."""

    parts = [f"{json.dumps('about')}: {json.dumps(ABOUT, ensure_ascii=False)}"]
    between = ",\n  "
    for kind in KINDS.values():
        rows = [record_line(site, kind.name, rid, pieces) for rid in site.pages_of(kind.name)]
        name = json.dumps(kind.plural)
        parts.append(f"{name}: [\n  {between.join(rows)}\n ]" if rows else f"{name}: []")
    return "{\n " + ",\n ".join(parts) + "\n}\n"


# A cell a spreadsheet would read as a formula (OWASP's list: = + - @, tab, carriage return)
# starts with a single quote instead, which spreadsheets take as "text follows" and hide.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        quoted = "'" + value if value.startswith(_FORMULA_START) else value
        return _NOT_IN_CSV.sub("", quoted.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([_csv_value(v) for v in values])
    return out.getvalue()


def csv_files() -> tuple[str, ...]:
    """The CSV tables: one per kind, then one per list of nested parts that has one (roles)."""
    kinds = [f"{DATA_DIR}/{kind.plural}.csv" for kind in KINDS.values()]
    return (*kinds, *(f"{DATA_DIR}/{table}.csv" for kind in KINDS for table, _, _ in child_tables(kind)))


def as_csv(site: Site, pieces: Memo | None = None) -> dict[str, str]:
    """One table per kind, a row per record: its fields and derived columns, the page's address
    last (builder/render/record_data.py); and a table per list of nested parts named there.
    Each record's rows are kept in ``pieces`` while what they read is unchanged."""
    pieces = Memo() if pieces is None else pieces
    tables: dict[str, str] = {}
    children: dict[str, str] = {}
    for kind in KINDS.values():
        ids = site.pages_of(kind.name)

        def row(kind: str, rid: str) -> str:
            return _csv_line(csv_row(site, kind, rid))

        rows = [pieces.get_or_make(("csv", kind.name, rid), functools.partial(row, kind.name, rid)) for rid in ids]
        tables[f"{kind.plural}.csv"] = _csv_line(csv_header(kind.name)) + "".join(rows)
        for table, field, header in child_tables(kind.name):

            def parts(kind: str, rid: str, field: str) -> str:
                return "".join(_csv_line(cells) for cells in child_rows(site, kind, rid, field))

            made = (
                pieces.get_or_make((table, kind.name, rid), functools.partial(parts, kind.name, rid, field))
                for rid in ids
            )
            children[f"{table}.csv"] = _csv_line(header) + "".join(made)
    return tables | children


def _ical_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


_URI_KEPT = "!#$%&'()*+,/:;=?@[]~"  # RFC 3986's reserved characters, and '%' of an escape made already


def _uri(url: str) -> str:
    """``url`` as a URI, as a calendar's URL wants it (RFC 5545 3.3.13): ASCII only, the
    host in IDNA and any other character not ASCII percent-encoded as UTF-8."""
    if url.isascii():
        return url
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # a host Unicode normalization would change: every character kept as written
        return urllib.parse.quote(url, safe=_URI_KEPT)
    user, at, rest = parts.netloc.rpartition("@")
    host, colon, port = rest.rpartition(":") if not rest.endswith("]") and ":" in rest else (rest, "", "")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:  # not a name IDNA takes: escaped like the rest
        host = urllib.parse.quote(host, safe=_URI_KEPT)
    netloc = urllib.parse.quote(user + at, safe=_URI_KEPT) + host + colon + port
    rest_of = [urllib.parse.quote(part, safe=_URI_KEPT) for part in (parts.path, parts.query, parts.fragment)]
    return urllib.parse.urlunsplit((parts.scheme, netloc, *rest_of))


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


def as_ical(site: Site, base: str, title: str = "Summitry", pieces: Memo | None = None) -> str:
    """The meetings known to the day, as all-day events over the days they took.

    A meeting known only to the month or the year is left out: a calendar program can only
    show it as an event lasting the whole month or year, or on a day it did not happen on.
    The calendar's description (X-WR-CALDESC) says how many were left out, and where to see them.
    """
    pieces = Memo() if pieces is None else pieces

    def event(mid: str) -> str:
        m = site.meetings[mid].model
        if not _day_known(m.date, m.end_date):
            return ""
        first, after = m.date.first_day(), (m.end_date or m.date).day_after()
        who = ", ".join(site.leaders[lid].display_name for lid in m.participants)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{mid}@summitry",
            # the meeting's first day stands for the stamp, so the file depends on the records alone
            f"DTSTAMP:{first:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
            f"DTEND;VALUE=DATE:{after:%Y%m%d}",
            f"SUMMARY:{_ical_text(m.title)}",
            f"DESCRIPTION:{_ical_text(who + '.')}",
            f"URL:{_uri(base + address('meeting', mid))}",
        ]
        if m.location:
            lines.append(f"LOCATION:{_ical_text(m.location)}")
        lines.append("END:VEVENT")
        return _ical_lines(lines)

    events = [pieces.get_or_make(("ics", base, mid), functools.partial(event, mid)) for mid in site.meetings]
    left_out = sum(1 for e in events if not e)
    about = "Meetings known to the day."
    if left_out:
        about += (
            f" {left_out} meeting{'s' if left_out != 1 else ''} known only to the month or the year "
            f"{'are' if left_out != 1 else 'is'} not in this calendar: see the timeline at {base}timeline/"
        )
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Summitry//Summitry knowledge base//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ical_text(title + ': meetings')}",
        f"X-WR-CALDESC:{_ical_text(about)}",
    ]
    # A calendar holds at least one component (RFC 5545, 3.6): with no meeting known to the
    # day, a time zone, which shows nothing, keeps the file one that strict readers take.
    none = [] if len(events) > left_out else _EMPTY
    return _ical_lines(head) + "".join(events) + _ical_lines([*none, "END:VCALENDAR"])


_EMPTY = [
    "BEGIN:VTIMEZONE",
    "TZID:UTC",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0000",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def in_calendar(site: Site) -> int:
    """How many meetings the calendar holds: those known to the day."""
    return sum(1 for entry in site.meetings.values() if _day_known(entry.model.date, entry.model.end_date))


def _day_known(start: PartialDate, end: PartialDate | None) -> bool:
    return start.precision == "day" and (end is None or end.precision == "day")


def _ical_lines(lines: list[str]) -> str:
    return "".join(_fold(_NOT_IN_ICAL.sub("", line)) + "\r\n" for line in lines)


def _xml(text: str) -> str:
    return escape(_NOT_IN_XML.sub("", text))


def _xml_attr(text: str) -> str:
    return quoteattr(_NOT_IN_XML.sub("", text))


def as_atom(
    site: Site, base: str, title: str, updated: Mapping[str, str] | None = None, pieces: Memo | None = None
) -> str:
    """The meetings, newest first. An entry's 'updated' is the day of the last commit that
    changed the meeting's record (``updated``: record file -> YYYY-MM-DD, from git), so a
    correction reaches feed readers; outside git, where no change is known, the first day
    the meeting's date may mean. The feed's own is the latest of its entries'."""
    pieces = Memo() if pieces is None else pieces
    updated = {} if updated is None else updated
    meetings = list(reversed(site.meetings))

    def stamp(mid: str) -> str:
        entry = site.meetings[mid]
        return f"{updated.get(entry.path) or entry.model.date.first_day().isoformat()}T00:00:00Z"

    def entry(mid: str) -> str:
        m = site.meetings[mid].model
        who = ", ".join(site.leaders[lid].display_name for lid in m.participants)
        lines = [
            "  <entry>",
            f"    <title>{_xml(m.title)} ({_xml(m.date.human())})</title>",
            f"    <id>{_xml(base)}{address('meeting', mid)}</id>",
            f"    <link href={_xml_attr(base + address('meeting', mid))}/>",
            f"    <updated>{stamp(mid)}</updated>",
            f"    <summary>{_xml(who)}: {_xml(plain(m.summary, site.name_of, 1000))}</summary>",
            "  </entry>",
        ]
        return "\n".join(lines) + "\n"

    entries = [pieces.get_or_make(("atom", base, mid), functools.partial(entry, mid)) for mid in meetings]
    latest = max((stamp(mid) for mid in meetings), default="1970-01-01T00:00:00Z")
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{_xml(title)}: meetings</title>",
        f"  <id>{_xml(base)}{DATA_DIR}/meetings.atom</id>",
        f'  <link rel="self" href={_xml_attr(base + DATA_DIR + "/meetings.atom")}/>',
        f"  <link href={_xml_attr(base)}/>",
        f"  <updated>{latest}</updated>",
        "  <author><name>Summitry</name></author>",
    ]
    return "\n".join(out) + "\n" + "".join(entries) + "</feed>\n"


EXPORTS = (
    (f"{DATA_DIR}/summitry.json",),
    csv_files(),
    (f"{DATA_DIR}/meetings.ics",),
    (f"{DATA_DIR}/meetings.atom",),
    SEARCH_FILES,
)
"""The files of each export job, in the order of :func:`export_jobs`: the first jobs of a run."""


def export_jobs(
    site: Site,
    base: str,
    title: str,
    updated: Mapping[str, str] | None = None,
    pieces: Memo | None = None,
    pages: Sequence[tuple[str, bytes]] = (),
) -> list[Job]:
    """Every export as a job (its files, a function making them), so they can run in parallel:
    data/summitry.json, data/*.csv, data/meetings.ics, data/meetings.atom, and the search
    index (builder/render/search_index.py; ``pages``: the hand-written pages, which it indexes too).

    ``base`` is the site's address (site_url), ending in '/'; without one, addresses in the
    calendar and the feed stay relative to the site. ``updated`` gives each record file's
    last change (for the feed). ``pieces`` keeps each record's part of each file (from a run
    before, where what it read is unchanged; builder.incremental).
    """
    pieces = Memo() if pieces is None else pieces
    tables = csv_files()

    def csvs() -> dict[str, str]:
        files = {f"{DATA_DIR}/{name}": text for name, text in as_csv(site, pieces).items()}
        if tuple(files) != tables:  # the job would not make what it says
            raise RuntimeError(f"the CSV job made {tuple(files)}, not {tables}")
        return files

    return [
        ((f"{DATA_DIR}/summitry.json",), lambda: {f"{DATA_DIR}/summitry.json": _json_file(site, pieces)}),
        (tables, csvs),
        ((f"{DATA_DIR}/meetings.ics",), lambda: {f"{DATA_DIR}/meetings.ics": as_ical(site, base, title, pieces)}),
        (
            (f"{DATA_DIR}/meetings.atom",),
            lambda: {f"{DATA_DIR}/meetings.atom": as_atom(site, base, title, updated, pieces)},
        ),
        search_job(site, pages, title, pieces),
    ]
