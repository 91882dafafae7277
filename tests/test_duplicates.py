"""One event, one record: `summitry check` reports likely duplicates, naming both files,
unless a record says with distinct_from that they are two."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.records.dates import PartialDate
from builder.resolve.duplicates import Event, name_key, same_event, same_place

GENEVA = "content/meetings/2021-06-geneva-summit.yaml"
BIDEN = "biden-putin-look-at-relationship"


def _check(run, root: Path) -> tuple[int, list[str]]:
    result = run("check", "--strict", "--root", root)
    return result.code, result.err.splitlines()


def test_a_byte_identical_copy_of_a_meeting_fails_check_naming_both_files(shipped: Path, run) -> None:
    shutil.copy(shipped / GENEVA, shipped / "content/meetings/2021-06-16-geneva.yaml")
    assert _check(run, shipped) == (
        1,
        [
            # reported once, on the file that sorts later, naming the other
            f"{GENEVA}:2:1: meeting '2021-06-geneva-summit': likely the same event as "
            "content/meetings/2021-06-16-geneva.yaml (Geneva summit, June 2021, Geneva): keep one record and cite "
            "both sources there; if they are two events, say so with distinct_from: [2021-06-16-geneva]",
            "1 problem found.",
        ],
    )


ANCHORAGE = """\
title: {title}
date: 2025-08-15
kind: summit
location: {place}
participants: [trump, putin]
summary: Summit of [[trump]] and [[putin]]. [@article]
citations:
  - source: trump-putin-complex-relationship
    key: article
"""


def test_a_second_record_of_one_meeting_fails_check_until_it_says_it_is_another(shipped: Path, run) -> None:
    meetings = shipped / "content/meetings"
    (meetings / "2025-08-15-alaska-summit.yaml").write_text(ANCHORAGE.format(title="Alaska summit", place="Anchorage"))
    (meetings / "2025-08-15-anchorage-summit.yaml").write_text(
        ANCHORAGE.format(title="Anchorage summit", place="Anchorage, Alaska")
    )
    assert _check(run, shipped) == (
        1,
        [
            "content/meetings/2025-08-15-anchorage-summit.yaml:1:1: meeting '2025-08-15-anchorage-summit': likely "
            "the same event as content/meetings/2025-08-15-alaska-summit.yaml (Alaska summit, 15 August 2025, "
            "Anchorage): keep one record and cite both sources there; if they are two events, say so with "
            "distinct_from: [2025-08-15-alaska-summit]",
            "1 problem found.",
        ],
    )
    # either of the two may say so
    with open(meetings / "2025-08-15-alaska-summit.yaml", "a") as handle:
        handle.write("distinct_from: [2025-08-15-anchorage-summit]\n")
    assert _check(run, shipped) == (0, [])


@pytest.mark.parametrize(
    "extra, message",
    [
        ("distinct_from: [2025-08-15-alaska-summit]\n", "a meeting cannot be distinct from itself"),
        (
            "distinct_from: [2021-06-geneva-sumit]\n",
            "unknown meeting '2021-06-geneva-sumit' (did you mean '2021-06-geneva-summit'?)",
        ),
    ],
)
def test_distinct_from_names_another_meeting(shipped: Path, run, extra: str, message: str) -> None:
    path = shipped / "content/meetings/2025-08-15-alaska-summit.yaml"
    path.write_text(ANCHORAGE.format(title="Alaska summit", place="Anchorage") + extra)
    code, err = _check(run, shipped)
    assert code == 1
    where = "content/meetings/2025-08-15-alaska-summit.yaml:10:17: meeting '2025-08-15-alaska-summit'"
    assert err[0] == f"{where}: field 'distinct_from[0]': {message}"


def _event(date: str, kind: str = "summit", place: str | None = "Geneva", who: str = "biden putin") -> Event:
    return Event(frozenset(who.split()), PartialDate.parse(date), None, kind, place)


@pytest.mark.parametrize(
    "a, b, same",
    [
        (_event("2021-06"), _event("2021-06-16", "bilateral", None), True),  # one as precise as its source
        (_event("2021-06"), _event("2021-06-16", place="Geneva, Switzerland"), True),
        (_event("2021-06"), _event("2021-07"), False),  # two summits a month apart
        (_event("2021-06"), _event("2021-06", place="Lausanne"), False),  # never two places
        (_event("2021-06", "call", None), _event("2021-06-16"), False),  # a call is not the visit
        (_event("2021-06", "call", None), _event("2021-06", "virtual", None), False),  # nor a video meeting
        (_event("2021", "call", None), _event("2021-12-30", "call", None), True),
        (_event("2021-06"), _event("2021-06", who="biden putin xi"), True),  # two of them, one place
        (_event("2021-06", place=None), _event("2021-06", who="biden putin xi"), False),  # no place to tell
        (_event("2021-06"), _event("2021-06", who="biden xi"), False),
    ],
)
def test_the_rule_for_one_event(a: Event, b: Event, same: bool) -> None:
    assert same_event(a, b) is same and same_event(b, a) is same


@pytest.mark.parametrize(
    "a, b, same",
    [("Geneva", "geneva, Switzerland", True), ("City 1", "City 10", False), ("New York", "New York City", True)],
)
def test_one_place_written_two_ways(a: str, b: str, same: bool) -> None:
    assert same_place(a, b) is same


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("José Martí", "Jose\u0301 Marti\u0301", True),  # an accent as one code point, or as a letter and a mark
        ("Donald Trump", "Donald \u200bTrump", True),  # a zero-width space a reader cannot see
        ("Donald Trump", "Donald\u200bTrump", False),  # which shows as "DonaldTrump"
        ("Beto O’Rourke", "Beto O'Rourke", True),  # a typographic apostrophe, as quotes are compared
        ("Donald Trump", "donald\u00a0 TRUMP", True),
        ("Donald Trump", "\u200dDonald Trump\ufeff", True),  # a joiner and a byte-order mark, invisible
        ("Donald Trump", "Donald Trumps", False),
        ("Lula da Silva", "Lula de Silva", False),
    ],
)
def test_one_name_written_two_ways(a: str, b: str, same: bool) -> None:
    """Names that look the same are the same name to the duplicate check (a helper passed
    check with two leaders whose names differed only in how the accent was encoded)."""
    assert (name_key(a) == name_key(b)) is same


def test_two_leaders_of_one_name_or_one_wikidata_item(shipped: Path, run) -> None:
    putin = (shipped / "leaders/putin.yaml").read_text(encoding="utf-8")
    (shipped / "leaders/vladimir-putin.yaml").write_text(putin.replace("wikidata: Q7747\n", ""), encoding="utf-8")
    (shipped / "leaders/president-putin.yaml").write_text(
        putin.replace("name: Vladimir Putin", "name: President Putin") + "distinct_from: [putin]\n", encoding="utf-8"
    )
    assert _check(run, shipped) == (
        1,
        [
            # the same item is one person, whatever distinct_from says
            "leaders/putin.yaml:9:11: leader 'putin': field 'wikidata': the same Wikidata item as "
            "leaders/president-putin.yaml (President Putin): one person is one record; keep one, with the other's "
            "id under its aliases",
            "leaders/vladimir-putin.yaml:2:7: leader 'vladimir-putin': field 'name': the same name as "
            "leaders/putin.yaml: one person is one record; if they are two people, say so with distinct_from: [putin]",
            "2 problems found.",
        ],
    )


def test_two_sources_at_one_address_or_with_one_text(shipped: Path, run) -> None:
    sources = shipped / "content/sources"
    text = (sources / f"{BIDEN}.txt").read_text(encoding="utf-8")
    # the same words, typed with straight quotes and other line breaks: one text as quotes are compared
    (sources / "copy.txt").write_text(text.replace("\u2019", "'").replace("\n", "\n\n"), encoding="utf-8")
    (sources / "copy.yaml").write_text("title: A copy\narchive: copy.txt\n", encoding="utf-8")
    (sources / "one.yaml").write_text("title: One\nurl: https://Example.org/page/\nno_archive: Gone.\n")
    (sources / "two.yaml").write_text("title: Two\nurl: https://example.org/page\nno_archive: Gone.\n")
    assert _check(run, shipped) == (
        1,
        [
            "content/sources/copy.yaml:2:10: source 'copy': field 'archive': the same archived text as "
            f"content/sources/{BIDEN}.yaml: one document is one record; if they are two, say so with "
            f"distinct_from: [{BIDEN}]",
            "content/sources/two.yaml:2:6: source 'two': field 'url': the same address as content/sources/one.yaml: "
            "one document is one record; if they are two, say so with distinct_from: [one]",
            "2 problems found.",
        ],
    )
    (sources / "two.yaml").write_text(
        "title: Two\nurl: https://example.org/page\nno_archive: Gone.\ndistinct_from: [one]\n"
    )
    code, err = _check(run, shipped)
    assert code == 1 and len(err) == 2 and err[0].startswith("content/sources/copy.yaml:")
