"""The data published with the site, each read back by a parser we did not write."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import subprocess
from pathlib import Path

import feedparser
import icalendar
from conftest import commit_all

from builder.pipeline import Project, check


def _data(built: Path, name: str) -> str:
    return (built / "site" / "data" / name).read_text(encoding="utf-8")


def test_json_holds_every_record_resolved(built: Path) -> None:
    data = json.loads(_data(built, "summitry.json"))
    site = check(Project(built))
    assert [m["id"] for m in data["meetings"]] == list(site.meetings)
    geneva = next(m for m in data["meetings"] if m["id"] == "2021-06-geneva-summit")
    assert geneva["date"] == {"value": "2021-06", "precision": "month"}
    assert geneva["participants"] == [
        {"id": "biden", "url": "leaders/biden/"},
        {"id": "putin", "url": "leaders/putin/"},
    ]
    assert geneva["citations"][0]["source_url"] == "sources/biden-putin-look-at-relationship/"
    assert {r["id"] for r in data["relations"]} == {"biden-putin", "putin-trump"}
    # Markdown as written, and beside it the plain text a page shows
    assert "[[biden]] met [[putin]]" in geneva["summary"] and "[@" not in geneva["summary"]
    assert "Joe Biden met Vladimir Putin" in geneva["summary_plain"] and "[[" not in geneva["summary_plain"]
    # each sentence, with the keys of the citations it marks
    first = geneva["statements"][0]
    assert first["field"] == "summary" and first["text"].startswith("A much anticipated summit")
    assert first["citations"] == ["geneva"] and "geneva" in {c["key"] for c in geneva["citations"]}
    helsinki = next(m for m in data["meetings"] if m["id"] == "2018-helsinki-summit")
    assert helsinki["outcomes_plain"][0] == "Trump faced a backlash for taking Putin's side."
    texts = [
        v for kind in data.values() if isinstance(kind, list) for r in kind for k, v in _walk(r) if k.endswith("_plain")
    ]
    assert len(texts) > 40 and not [t for t in texts if re.search(r"\[\[|\]\(|\*\*", str(t))]
    for kind in ("leaders", "meetings", "issues", "sources", "relations"):
        for record in data[kind]:
            assert (built / "site" / record["url"] / "index.html").is_file(), record["url"]


def _walk(value: object) -> list[tuple[str, object]]:
    """Every key and value inside a JSON value."""
    if isinstance(value, dict):
        return [(k, v) for k, v in value.items()] + [kv for v in value.values() for kv in _walk(v)]
    if isinstance(value, list):
        return [kv for v in value for kv in _walk(v)]
    return []


def test_one_csv_per_kind(built: Path) -> None:
    site = check(Project(built))
    meetings = list(csv.DictReader(io.StringIO(_data(built, "meetings.csv"))))
    assert [row["id"] for row in meetings] == list(site.meetings)
    helsinki = next(row for row in meetings if row["id"] == "2018-helsinki-summit")
    assert (helsinki["date"], helsinki["date_precision"], helsinki["participants"]) == ("2018", "year", "trump;putin")
    for name, count in [("leaders", 3), ("issues", 9), ("sources", 2), ("relations", 2)]:
        assert len(list(csv.DictReader(io.StringIO(_data(built, f"{name}.csv"))))) == count


def test_calendar_holds_only_meetings_known_to_the_day(built: Path, small: Path, run) -> None:
    """A meeting known to the month or the year is no event of a month or a year: it is left
    out, and the calendar's description says how many were and where to see them."""
    calendar = icalendar.Calendar.from_ical(_data(built, "meetings.ics"))
    assert calendar.walk("VEVENT") == []  # every shipped meeting is known to the month or the year
    assert str(calendar["X-WR-CALNAME"]) == "Summitry: meetings"
    assert str(calendar["X-WR-CALDESC"]) == (
        "Meetings known to the day. 4 meetings known only to the month or the year are not in this "
        "calendar: see the timeline at https://summitry.github.io/summitry/timeline/"
    )
    raw = (built / "site/data/meetings.ics").read_bytes()  # as written: CRLF line ends, folded lines
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    # RFC 5545 wants a component in every calendar: one that shows nothing, with no event
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE"]
    home = (built / "site/index.html").read_text()
    assert "meetings known to the day</a> (iCalendar; none yet, so it is empty)" in home
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert run("generate", "--root", small).code == 0
    calendar = icalendar.Calendar.from_ical((small / "build/docs/data/meetings.ics").read_bytes())
    (riverton,) = calendar.walk("VEVENT")  # 2020-03-03 to 04; the others are 2021 and 2022-05
    assert str(riverton["UID"]) == "2020-03-03-riverton-talks@summitry"
    assert (riverton.decoded("DTSTART"), riverton.decoded("DTEND")) == (
        datetime.date(2020, 3, 3),
        datetime.date(2020, 3, 5),
    )
    assert str(riverton["URL"]) == "meetings/2020-03-03-riverton-talks/"  # no site_url: relative
    # A site_url that is not ASCII (an internationalized host, a path in another script) is
    # written as a URI, which is what a calendar's URL holds (RFC 5545 3.3.13)
    config = small / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "site_url: https://bücher.example/встречи/\n", "utf-8")
    assert run("generate", "--root", small).code == 0
    raw = (small / "build/docs/data/meetings.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(raw)
    (riverton,) = calendar.walk("VEVENT")
    assert str(riverton["URL"]) == (
        "https://xn--bcher-kva.example/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B8/meetings/2020-03-03-riverton-talks/"
    )
    # the site itself keeps the address as written (HTML and feeds take IRIs)
    assert "https://bücher.example/встречи/timeline/" in str(calendar["X-WR-CALDESC"])
    assert "2 meetings known only to the month or the year" in str(calendar["X-WR-CALDESC"])
    assert [c.name for c in calendar.subcomponents] == ["VEVENT"]
    assert "(iCalendar; 1 meeting)" in (small / "build/docs/index.md").read_text()


def test_feed_lists_meetings_newest_first(built: Path) -> None:
    feed = feedparser.parse(_data(built, "meetings.atom"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Virtual meeting on Ukraine (December 2021)"
    assert titles[-1] == "First meeting, Hamburg G20 summit (July 2017)"
    assert "[[" not in feed.entries[0].summary


def test_feed_entries_are_updated_when_their_record_last_changed(small: Path, run) -> None:
    """Not the meeting's date: a correction to a record reaches feed readers."""
    subprocess.run(["git", "init", "-q"], cwd=small, check=True)
    commit_all(small, "2026-11-30")
    riverton = small / "content/meetings/2020-03-03-riverton-talks.yaml"
    riverton.write_text(riverton.read_text().replace("Riverton talks", "Riverton talks, corrected"))
    commit_all(small, "2026-12-01")
    assert run("generate", "--root", small).code == 0
    feed = feedparser.parse((small / "build/docs/data/meetings.atom").read_text())
    assert not feed.bozo, feed.bozo_exception
    updated = {e.title: e.updated for e in feed.entries}
    assert updated == {
        "Three-way summit (May 2022)": "2026-11-30T00:00:00Z",
        "Brief call (2021)": "2026-11-30T00:00:00Z",
        "Riverton talks, corrected (3 March 2020)": "2026-12-01T00:00:00Z",
    }
    assert feed.feed.updated == "2026-12-01T00:00:00Z"


def test_home_page_links_every_export(built: Path) -> None:
    home = (built / "build/docs/index.md").read_text()
    for name in (
        "summitry.json",
        "leaders.csv",
        "roles.csv",
        "meetings.csv",
        "issues.csv",
        "sources.csv",
        "relations.csv",
        "meetings.ics",
        "meetings.atom",
    ):
        assert f"(data/{name})" in home


def test_no_role_is_said_to_run_to_date(built: Path) -> None:
    """Pages, JSON and CSV agree on what the sources say of a role's end, and none claims today."""
    data = json.loads(_data(built, "summitry.json"))
    biden = next(leader for leader in data["leaders"] if leader["id"] == "biden")
    assert biden["roles"][0] == {
        "title": "United States Senator",
        "from": None,
        "to": None,
        "end": "unknown",
        "held_as_of": None,
        "cite": ["senate"],  # the keys of the leader's citations that support it
    }
    assert biden["roles"][2]["held_as_of"] == {"value": "2021-06", "precision": "month"}
    # one row per role, in plain columns: an open end is no date, and says so
    roles = [row for row in csv.DictReader(io.StringIO(_data(built, "roles.csv"))) if row["leader"] == "biden"]
    assert roles[2] == {
        "leader": "biden",
        "title": "President of the United States",
        "from": "",
        "from_precision": "",
        "to": "",
        "to_precision": "",
        "end": "unknown",
        "held_as_of": "2021-06",
        "held_as_of_precision": "month",
        "cite": "geneva;presidents",
    }
    page = (built / "build/docs/leaders/biden.md").read_text()
    assert "President of the United States (held as of June 2021)" in page
    said = [_data(built, "roles.csv"), json.dumps([r["roles"] for r in data["leaders"]])]
    for path in (built / "build/docs/leaders").glob("*.md"):
        said += re.findall(r"^Roles\n:   (.*)$", path.read_text(), re.MULTILINE)  # a page's roles
    said += [line for line in (built / "build/docs/leaders/index.md").read_text().splitlines() if "|" in line]
    assert len(said) > 5
    for text in said:
        assert not re.search(r"to date|\bpresent\b|\bcurrent", text, re.IGNORECASE), text


def test_statements_carry_their_time_and_doubt(built: Path) -> None:
    data = json.loads(_data(built, "summitry.json"))
    arms = next(i for i in data["issues"] if i["id"] == "arms-control")
    assert [(p["leader"]["id"], p["forecast"], p["as_of"]) for p in arms["positions"]] == [
        ("biden", False, None),
        ("biden", True, None),
    ]
    page = (built / "build/docs/issues/arms-control.md").read_text()
    assert "*The sources expect:* His administration is likely to keep its focus" in page
    interference = (built / "build/docs/issues/election-interference.md").read_text()
    assert "*As of 2018:* At the time of the 2018 Helsinki summit" in interference
    sources = {s["id"]: s for s in data["sources"]}
    assert sources["biden-putin-look-at-relationship"]["genre"] == "blog-post"
    assert sources["trump-putin-complex-relationship"]["published"] is None
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(_data(built, "sources.csv")))}
    assert rows["trump-putin-complex-relationship"]["genre"] == "explainer"
    assert "undated" in rows["biden-putin-look-at-relationship"]["note"]
