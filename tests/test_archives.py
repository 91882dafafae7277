"""Every quote is checked against its source's archived text, or visibly not; and a record's
problems are all reported in one run. The scenario of a new editor's third source."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTES = "Trump and Putin met in Anchorage on 15 August 2025. The talks lasted three hours.\n"
SUMMIT = """\
title: Anchorage summit
date: 2025-08-15
kind: summit
location: Anchorage
participants: [trump, putin]
summary: Summit of [[trump]] and [[putin]] in Anchorage. [@notes]
citations:
  - source: alaska-notes
    quote: "{quote}"
    key: notes
"""
MADE_UP = "This sentence is not in the text at all"


@pytest.fixture
def third(shipped: Path) -> Path:
    """The shipped knowledge base with a third source, written as the README's step 2 says."""
    (shipped / "content/sources/alaska-notes.yaml").write_text("title: Alaska notes\ngenre: news-report\n")
    (shipped / "content/sources/alaska-notes.txt").write_text(NOTES, encoding="utf-8")
    return shipped


def _meeting(root: Path, quote: str) -> None:
    (root / "content/meetings/2025-08-15-anchorage-summit.yaml").write_text(SUMMIT.format(quote=quote))


def test_a_text_beside_a_source_is_its_archive_and_a_made_up_quote_fails(third: Path, run) -> None:
    _meeting(third, MADE_UP)
    result = run("check", "--root", third)
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/meetings/2025-08-15-anchorage-summit.yaml:9:12: meeting '2025-08-15-anchorage-summit': "
        "field 'citations[0].quote': quote not found in source 'alaska-notes', nor anything like it "
        '(summitry quote alaska-notes "words" finds passages)',
        "content/sources/alaska-notes.yaml:1:1: source 'alaska-notes': 'alaska-notes.txt' beside this record is "
        "its archived text: name it with archive: alaska-notes.txt",
        "2 problems found.",
    ]
    with open(third / "content/sources/alaska-notes.yaml", "a") as handle:
        handle.write("archive: alaska-notes.txt\n")
    _meeting(third, "Trump and Putin met in Anchorage on 15 August 2025.")
    assert run("check", "--strict", "--root", third).code == 0


def test_a_source_without_text_must_say_why(third: Path, run) -> None:
    (third / "content/sources/alaska-notes.txt").unlink()
    result = run("check", "--root", third)
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/sources/alaska-notes.yaml:1:1: source 'alaska-notes': no archived text, so no quote citing it can "
        "be checked: keep the source's text beside this record as alaska-notes.txt and name it with archive: "
        "alaska-notes.txt (summitry new source --archive FILE does both), or say why there is none with "
        "no_archive: <why>",
        "1 problem found.",
    ]


def test_a_source_with_text_and_a_reason_for_none_is_told_to_keep_one(third: Path, run) -> None:
    (third / "content/sources/alaska-notes.yaml").write_text(
        "title: Alaska notes\narchive: alaska-notes.txt\nno_archive: Paywalled.\n"
    )
    result = run("check", "--root", third)
    assert result.err.splitlines()[0] == (
        "content/sources/alaska-notes.yaml:3:13: source 'alaska-notes': field 'no_archive': says why there is no "
        "archived text, but archive names one ('alaska-notes.txt'): keep one"
    )


WHY = "A paywalled report; the quotes were copied from the print edition."


def test_quotes_of_a_source_without_text_are_unchecked_warnings_strict_fails_and_pages_say_so(third: Path, run) -> None:
    (third / "content/sources/alaska-notes.txt").unlink()
    with open(third / "content/sources/alaska-notes.yaml", "a") as handle:
        handle.write(f"no_archive: {WHY}\n")
    _meeting(third, MADE_UP)
    unchecked = (
        "content/meetings/2025-08-15-anchorage-summit.yaml:9:12: meeting '2025-08-15-anchorage-summit': field "
        f"'citations[0].quote': not checked: source 'alaska-notes' has no archived text to check it against ({WHY})"
    )
    result = run("check", "--root", third)
    assert result.code == 0
    assert f"warning: {unchecked}" in result.err.splitlines()
    strict = run("check", "--strict", "--root", third)
    assert (strict.code, strict.err.splitlines()) == (1, [unchecked, "1 problem found."])
    assert run("generate", "--root", third).code == 0
    docs = third / "build/docs"
    page = (docs / "meetings/2025-08-15-anchorage-summit.md").read_text(encoding="utf-8")
    assert (
        f"[^1]: [Alaska notes](../sources/alaska-notes.md): “{MADE_UP}”, not checked against an archived copy\n"
    ) in page
    source = (docs / "sources/alaska-notes.md").read_text(encoding="utf-8")
    assert (
        f"Archived text\n:   None is kept: {WHY} The quotes below are not checked against an archived copy.\n" in source
    )
    # the shipped sources have their texts: none of their quotes is marked
    geneva = (docs / "meetings/2021-06-geneva-summit.md").read_text(encoding="utf-8")
    assert "not checked" not in geneva


FIVE_MISTAKES = """\
title: Five mistakes
date: 2025-08-32
location: Anchorage
participants: [trump, puttin]
summary: Talks of [[trump]] and [[putin]].
outcomes: They agreed nothing.
citations:
  - source: alaska-notes
    quote: "This sentence is not in the text at all"
"""


def test_five_mistakes_in_one_record_are_five_located_problems_in_one_run(third: Path, run) -> None:
    with open(third / "content/sources/alaska-notes.yaml", "a") as handle:
        handle.write("archive: alaska-notes.txt\n")
    (third / "content/meetings/2025-08-16-five.yaml").write_text(FIVE_MISTAKES)
    result = run("check", "--root", third)
    rel, said = "content/meetings/2025-08-16-five.yaml", "meeting '2025-08-16-five'"
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{rel}:1:1: {said}: field 'kind': required field is missing",
        f"{rel}:2:7: {said}: field 'date': '2025-08-32' is not a day of August 2025",
        f"{rel}:4:23: {said}: field 'participants[1]': unknown leader 'puttin' (did you mean 'putin'?)",
        f"{rel}:6:11: {said}: field 'outcomes': expected a list, got text",
        f"{rel}:9:12: {said}: field 'citations[0].quote': quote not found in source 'alaska-notes', nor anything "
        'like it (summitry quote alaska-notes "words" finds passages)',
        "5 problems found.",
    ]


def test_a_record_that_fails_validation_is_still_checked_for_duplicates(shipped: Path, run) -> None:
    geneva = (shipped / "content/meetings/2021-06-geneva-summit.yaml").read_text(encoding="utf-8")
    (shipped / "content/meetings/2021-06-16-geneva.yaml").write_text(geneva + "colour: blue\n", encoding="utf-8")
    result = run("check", "--root", shipped)
    assert [line.split(": ", 2)[2][:40].strip() for line in result.err.splitlines()[:-1]] == [
        "field 'colour': unknown field 'colour'",
        "likely the same event as content/meeting",
    ]
