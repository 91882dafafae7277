"""The data published with the site, each read back by a parser we did not write."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from pathlib import Path

import feedparser
import icalendar

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
    for kind in ("leaders", "meetings", "issues", "sources", "relations"):
        for record in data[kind]:
            assert (built / "site" / record["url"] / "index.html").is_file(), record["url"]


def test_one_csv_per_kind(built: Path) -> None:
    site = check(Project(built))
    meetings = list(csv.DictReader(io.StringIO(_data(built, "meetings.csv"))))
    assert [row["id"] for row in meetings] == list(site.meetings)
    helsinki = next(row for row in meetings if row["id"] == "2018-helsinki-summit")
    assert (helsinki["date"], helsinki["date_precision"], helsinki["participants"]) == ("2018", "year", "trump;putin")
    for name, count in [("leaders", 3), ("issues", 9), ("sources", 2), ("relations", 2)]:
        assert len(list(csv.DictReader(io.StringIO(_data(built, f"{name}.csv"))))) == count


def test_calendar_is_honest_about_coarse_dates(built: Path) -> None:
    calendar = icalendar.Calendar.from_ical(_data(built, "meetings.ics"))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 4
    helsinki = events["2018-helsinki-summit@summitry"]
    assert helsinki.decoded("DTSTART") == datetime.date(2018, 1, 1)
    assert helsinki.decoded("DTEND") == datetime.date(2019, 1, 1)  # the whole year: that is all we know
    assert "Date known only to the year: 2018." in str(helsinki["DESCRIPTION"])
    geneva = events["2021-06-geneva-summit@summitry"]
    assert (geneva.decoded("DTSTART"), geneva.decoded("DTEND")) == (
        datetime.date(2021, 6, 1),
        datetime.date(2021, 7, 1),
    )
    assert str(geneva["URL"]) == "https://summitry.github.io/summitry/meetings/2021-06-geneva-summit/"
    raw = (built / "site/data/meetings.ics").read_bytes()  # as written: CRLF line ends, folded lines
    assert raw.endswith(b"END:VCALENDAR\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_feed_lists_meetings_newest_first(built: Path) -> None:
    feed = feedparser.parse(_data(built, "meetings.atom"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert titles[0] == "Virtual meeting on Ukraine (December 2021)"
    assert titles[-1] == "First meeting, Hamburg G20 summit (July 2017)"
    assert "[[" not in feed.entries[0].summary


def test_home_page_links_every_export(built: Path) -> None:
    home = (built / "build/docs/index.md").read_text()
    for name in (
        "summitry.json",
        "leaders.csv",
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
        "citations": ["senate"],
    }
    assert biden["roles"][2]["held_as_of"] == {"value": "2021-06", "precision": "month"}
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(_data(built, "leaders.csv")))}
    assert rows["biden"]["roles"].split(";")[2] == "President of the United States (to unknown, held as of 2021-06)"
    page = (built / "build/docs/leaders/biden.md").read_text()
    assert "President of the United States (held as of June 2021)" in page
    said = [_data(built, "leaders.csv"), json.dumps([r["roles"] for r in data["leaders"]])]
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
