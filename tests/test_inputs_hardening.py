"""Input a build must refuse, or read safely: links out of the knowledge base, dates and ids
no file or calendar can hold, control characters, files edited behind the no-op's back, and
a disk that fills up part way."""

from __future__ import annotations

import csv
import dataclasses
import errno
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import icalendar
import pytest
from test_errors import ALPHA, RIVERTON, _apply

from builder.incremental import output as write
from builder.incremental import own_files, scratch
from builder.incremental.inputs import fingerprint
from builder.incremental.manifest import MANIFEST
from builder.pipeline import Project, check
from builder.render import exports, search_index

MEETING = "content/meetings/2020-03-03-riverton-talks.yaml"
M = "content/meetings/2020-03-03-riverton-talks.yaml:{}: meeting '2020-03-03-riverton-talks': field "
LONG_A, LONG_B = "a" * 101, "b" * 101
TOO_LONG = "an id of 101 characters; an id may have at most 100"
ONE_LINE = "is not allowed: this field is one line of text"
CONTROL = "is not allowed: text may hold tabs and line breaks, no other control characters"
LINKED_PAGE = "hand-written pages and their files must be files or folders, not symbolic links"
LINKED_FOLDER = "the knowledge base's folders must be folders, not symbolic links"
NOT_UTF8 = (
    "this name is not UTF-8 text (shown with its other bytes as \\x..): rename it; "
    "the site's addresses, its search index and the state are written in UTF-8"
)
REORDERS = "is not allowed: it changes the order in which the text around it is shown"
HOLDS = "this field may hold at most"
THEIRS = (
    "and ids that begin with '__' are the theme's (its scripts find their elements by them): add attr_list to "
    "markdown_extensions in mkdocs.yml, with which the builder names such headings itself, or change the text"
)
BETA = (Path(__file__).parent / "fixtures/small/leaders/beta.yaml").read_text()
WATER = "content/issues/water-rights.yaml"
_WATER = (Path(__file__).parent / "fixtures/small" / WATER).read_text()


def _leader(name: str) -> str:
    return f"name: {name}\ncountry: X\nsummary: s\ncitations: [{{source: hearsay}}]\n"


# (id, {file: new text; None deletes; 'SYMLINK:target' links; 'LINK-AWAY' moves the file or
# folder out of the knowledge base and leaves a link to it; 'FIFO' makes a named pipe;
# 'SIZE:n' makes a file of n bytes; 'LATIN1:text' writes the text in Latin-1},
# exact stderr lines[, problems counted when some are not listed])
CASES: list[tuple[Any, ...]] = [
    (
        "page-linked-to-a-system-file",
        {"content/pages/about.md": "SYMLINK:/etc/passwd"},
        [f"content/pages/about.md: {LINKED_PAGE}"],
    ),
    (
        "asset-linked-out",
        {"content/pages/assets/site.css": "SYMLINK:/etc/passwd"},
        [f"content/pages/assets/site.css: {LINKED_PAGE}"],
    ),
    ("pages-subfolder-linked-out", {"content/pages/etc": "SYMLINK:/etc"}, [f"content/pages/etc: {LINKED_PAGE}"]),
    ("pages-folder-linked-to-itself", {"content/pages/loop": "SYMLINK:."}, [f"content/pages/loop: {LINKED_PAGE}"]),
    ("pages-folder-linked-away", {"content/pages": "LINK-AWAY"}, [f"content/pages: {LINKED_FOLDER}"]),
    # Latin-1 names: the system gives the bytes that are not UTF-8 as surrogates, which
    # nothing written in UTF-8 (the state, the search index) can hold
    (  # a record's name too, told as a page's is: its byte, not the surrogate that stands for it
        "record-named-in-latin-1",
        {"leaders/caf\udce9.yaml": BETA},
        [
            "leaders/caf\\xe9.yaml:1:1: leader 'caf\\xe9': file name 'caf\\xe9.yaml' is not a valid id: use "
            "lowercase letters, digits and single hyphens; it is not UTF-8 text (byte 0xe9): rename it"
        ],
    ),
    ("asset-named-in-latin-1", {"content/pages/caf\udce9.css": "x"}, [f"content/pages/caf\\xe9.css: {NOT_UTF8}"]),
    ("page-named-in-latin-1", {"content/pages/caf\udce9.md": "# Caf"}, [f"content/pages/caf\\xe9.md: {NOT_UTF8}"]),
    (
        "pages-folder-named-in-latin-1",
        {"content/pages/d\udce9j\udce0/a.md": "# A"},
        [f"content/pages/d\\xe9j\\xe0: {NOT_UTF8}"],
    ),
    (
        "page-that-is-a-pipe",
        {"content/pages/about.md": "FIFO"},
        ["content/pages/about.md: not a regular file; a page must be one"],
    ),
    ("records-folder-linked-away", {"content/issues": "LINK-AWAY"}, [f"content/issues: {LINKED_FOLDER}"]),
    ("leaders-folder-linked-away", {"leaders": "LINK-AWAY"}, [f"leaders: {LINKED_FOLDER}"]),
    ("content-folder-linked-away", {"content": "LINK-AWAY"}, [f"content: {LINKED_FOLDER}"]),
    (
        "record-that-is-a-pipe",
        {"leaders/delta.yaml": "FIFO"},
        ["leaders/delta.yaml:1:1: leader 'delta': not a regular file; a record must be one"],
    ),
    (  # 1.1 read it as true; PyYAML's 1.1 constructor made of it what a plain test would, false
        "explicit-bool-tag-on-a-1-1-boolean",
        {WATER: _WATER.replace("forecast: true", 'forecast: !!bool "yes"')},
        [
            "content/issues/water-rights.yaml:14:17: issue 'water-rights': field 'positions.alpha[0].forecast': "
            "cannot read value 'yes': YAML 1.2 writes a bool only as true or false"
        ],
    ),
    (  # digits of another script: the editor's schema takes only ASCII ones
        "full-width-digits-in-a-date",
        {MEETING: RIVERTON.replace("date: 2020-03-03", "date: \uff12\uff10\uff12\uff10-\uff10\uff13")},
        [
            M.format("2:7")
            + "'date': '\uff12\uff10\uff12\uff10-\uff10\uff13' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        ],
    ),
    (  # YAML reads it as the number 999: the message named '999', which is not what is written;
        # and it said to quote it, which a helper did, to be refused again: quoted, it is out of range
        "year-with-a-leading-zero",
        {MEETING: RIVERTON.replace("date: 2020-03-03", "date: 0999").replace("end_date: 2020-03-04\n", "")},
        [M.format("2:7") + "'date': '0999' is not within the years 1000 to 2999"],
    ),
    (
        "last-day-of-year-9999",
        {MEETING: RIVERTON.replace("date: 2020-03-03", "date: 9999-12-31").replace("end_date: 2020-03-04\n", "")},
        [M.format("2:7") + "'date': '9999-12-31' is not within the years 1000 to 2999"],
    ),
    (
        "year-zero",
        {MEETING: RIVERTON.replace("date: 2020-03-03", "date: 0000-01-01")},
        [M.format("2:7") + "'date': '0000-01-01' is not within the years 1000 to 2999"],
    ),
    (
        "year-only-9999",
        {MEETING: RIVERTON.replace("date: 2020-03-03", "date: 9999").replace("end_date: 2020-03-04\n", "")},
        [M.format("2:7") + "'date': '9999' is not within the years 1000 to 2999"],
    ),
    (
        "role-from-year-999",
        {"leaders/alpha.yaml": ALPHA.replace("from: 2010", "from: '0999'")},
        ["leaders/alpha.yaml:8:11: leader 'alpha': field 'roles[1].from': '0999' is not within the years 1000 to 2999"],
    ),
    (
        "ids-too-long-for-a-relation-page",
        {
            f"leaders/{LONG_A}.yaml": _leader("A"),
            f"leaders/{LONG_B}.yaml": _leader("B"),
            MEETING: RIVERTON.replace("[alpha, beta]", f"[{LONG_A}, {LONG_B}]"),
        },
        [
            M.format("6:16") + f"'participants[0]': {TOO_LONG}",
            M.format(f"6:{16 + 101 + 2}") + f"'participants[1]': {TOO_LONG}",
            f"leaders/{LONG_A}.yaml:1:1: leader '{LONG_A}': file name '{LONG_A}.yaml' makes an id of 101 characters; "
            "an id may have at most 100",
            f"leaders/{LONG_B}.yaml:1:1: leader '{LONG_B}': file name '{LONG_B}.yaml' makes an id of 101 characters; "
            "an id may have at most 100",
        ],
    ),
    (
        "alias-too-long-for-a-page",
        {"leaders/beta.yaml": _leader("Bo Beta") + f"aliases: [{LONG_A}]\n"},
        [f"leaders/beta.yaml:5:11: leader 'beta': field 'aliases[0]': {TOO_LONG}"],
    ),
    (
        "carriage-return-in-a-title",
        {MEETING: RIVERTON.replace("title: Riverton talks", 'title: "Riverton\\rATTACH:http://x.org/"')},
        [M.format("1:8") + f"'title': control character U+000D (carriage return) at character 9 {CONTROL}"],
    ),
    (
        "control-character-in-a-summary",
        {MEETING: RIVERTON.replace('summary: Talks that ran "long into the night". [@night]', 'summary: "Talks\\x01"')},
        [M.format("8:10") + f"'summary': control character U+0001 at character 6 {CONTROL}"],
    ),
    (
        "nul-in-a-name",
        {"leaders/gamma.yaml": _leader('"Cy\\0Gamma"')},
        [
            "leaders/gamma.yaml:1:7: leader 'gamma': field 'name': "
            f"control character U+0000 (NUL) at character 3 {CONTROL}"
        ],
    ),
    (
        "escape-in-a-location",
        {MEETING: RIVERTON.replace("location: Riverton", 'location: "\\e[2JRiverton"')},
        [M.format("5:11") + f"'location': control character U+001B (escape) at character 1 {CONTROL}"],
    ),
    (
        "delete-in-a-quote",
        {MEETING: RIVERTON.replace('quote: the talks ran "long into the night"', 'quote: "the talks\\x7f"')},
        [M.format("14:12") + f"'citations[0].quote': control character U+007F (delete) at character 10 {CONTROL}"],
    ),
    (
        "c1-control-in-a-note",
        {
            "content/issues/trade.yaml": "title: Trade\nsummary: s\ncitations:\n"
            '  - source: hearsay\n    note: "x\\x85"\n'
        },
        [
            "content/issues/trade.yaml:5:11: issue 'trade': field 'citations[0].note': "
            f"control character U+0085 at character 2 {CONTROL}"
        ],
    ),
    (
        "surrogate-escape-in-an-outcome",  # PyYAML itself refuses it
        {MEETING: RIVERTON.replace("  - No agreement on [[water-rights]].", '  - "No \\ud800"')},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:10:11: meeting '2020-03-03-riverton-talks': "
            "YAML syntax error: while parsing a quoted scalar found invalid Unicode character escape code"
        ],
    ),
    (
        "noncharacter-in-a-country",
        {"leaders/gamma.yaml": _leader("G").replace("country: X", 'country: "X\\uffff"')},
        [f"leaders/gamma.yaml:2:10: leader 'gamma': field 'country': noncharacter U+FFFF at character 2 {CONTROL}"],
    ),
    (
        "control-character-in-a-key",
        {"leaders/gamma.yaml": _leader("G") + '"ti\\btle": x\n'},
        [f"leaders/gamma.yaml:5:1: leader 'gamma': in a key, control character U+0008 at character 3 {CONTROL}"],
    ),
    (
        "control-character-in-a-url",
        {"content/sources/hearsay.yaml": 'title: Hearsay\nurl: "https://x.org/\\x01"\n'},
        [
            "content/sources/hearsay.yaml:2:6: source 'hearsay': field 'url': "
            f"control character U+0001 at character 15 {CONTROL}"
        ],
    ),
    (
        "tab-in-a-title",
        {MEETING: RIVERTON.replace("title: Riverton talks", 'title: "Riverton\\ttalks"')},
        [M.format("1:8") + f"'title': a tab at character 9 {ONE_LINE}"],
    ),
    (
        "line-break-in-a-name",
        {"leaders/gamma.yaml": _leader("|\n  Cy\n  Gamma")},
        [f"leaders/gamma.yaml:1:7: leader 'gamma': field 'name': a line break at character 3 {ONE_LINE}"],
    ),
    (
        "upper-case-extension",
        {"leaders/delta.YAML": _leader("D")},
        ["leaders/delta.YAML:1:1: leader 'delta': records end in '.yaml', not '.YAML'"],
    ),
    (
        "mixed-case-extension",
        {"content/issues/tariffs.Yaml": "title: Tariffs\n"},
        ["content/issues/tariffs.Yaml:1:1: issue 'tariffs': records end in '.yaml', not '.Yaml'"],
    ),
    (
        "newline-after-a-wikidata-id",  # '$' matches before a final line break: patterns match whole
        {"leaders/beta.yaml": BETA.replace("wikidata: Q4115189", 'wikidata: "Q4115189\\n"')},
        [
            "leaders/beta.yaml:4:11: leader 'beta': field 'wikidata': 'Q4115189\\n' is not a Wikidata id: "
            "a capital Q and a number with no leading zero, like Q7747"
        ],
    ),
    (
        "newline-after-a-place-wikidata-id",
        {MEETING: RIVERTON.replace("location: Riverton", 'location: Riverton\nlocation_wikidata: "Q71\\n"')},
        [
            M.format("6:20") + "'location_wikidata': 'Q71\\n' is not a Wikidata id: "
            "a capital Q and a number with no leading zero, like Q7747"
        ],
    ),
    (
        "newline-after-a-date",
        {MEETING: RIVERTON.replace("date: 2020-03-03", 'date: "2020-03-03\\n"')},
        [M.format("2:7") + "'date': '2020-03-03\\n' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"],
    ),
    (
        "newline-after-a-participant",
        {MEETING: RIVERTON.replace("[alpha, beta]", '["alpha\\n", beta]')},
        [
            M.format("6:16")
            + "'participants[0]': 'alpha\\n' is not a valid id: use lowercase letters, digits and single hyphens"
        ],
    ),
    (
        "record-file-name-ending-in-a-newline",
        {"leaders/nl\n.yaml": _leader("N")},
        [
            "leaders/nl\\n.yaml:1:1: leader 'nl\\n': file name 'nl\\n.yaml' is not a valid id: "
            "use lowercase letters, digits and single hyphens; rename it to 'nl.yaml'"
        ],
    ),
    (
        "right-to-left-override-in-a-title",
        {MEETING: RIVERTON.replace("title: Riverton talks", 'title: "x\\u202Egnp.exe"')},
        [M.format("1:8") + f"'title': bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE) at character 2 {REORDERS}"],
    ),
    (
        "right-to-left-isolate-in-a-quote",
        {MEETING: RIVERTON.replace('quote: the talks ran "long into the night"', 'quote: "the talks\\u2067 ran"')},
        [
            M.format("14:12")
            + f"'citations[0].quote': bidirectional control U+2067 (RIGHT-TO-LEFT ISOLATE) at character 10 {REORDERS}"
        ],
    ),
    (
        "right-to-left-mark-in-a-key",
        {"leaders/gamma.yaml": _leader("G") + '"ti\\u200ftle": x\n'},
        [
            "leaders/gamma.yaml:5:1: leader 'gamma': "
            f"in a key, bidirectional control U+200F (RIGHT-TO-LEFT MARK) at character 3 {REORDERS}"
        ],
    ),
    (
        "a-thousand-unknown-keys",  # listed up to five of a kind, then counted
        {"leaders/gamma.yaml": _leader("G") + "".join(f"k{i}: x\n" for i in range(1000))},
        [f"leaders/gamma.yaml:{5 + i}:1: leader 'gamma': field 'k{i}': unknown field 'k{i}'" for i in range(5)]
        + ["leaders/gamma.yaml: 995 more problems like the 5 above (unknown field …), not listed"],
        1000,
    ),
    (
        "a-title-past-its-limit",
        {MEETING: RIVERTON.replace("title: Riverton talks", "title: " + "T" * 501)},
        [M.format("1:8") + f"'title': 501 characters long; {HOLDS} 500"],
    ),
    (
        "a-summary-of-unpaired-markers-past-its-limit",  # '*a *a *a ...': 99 KB took 86 s to check
        {
            MEETING: RIVERTON.replace(
                'summary: Talks that ran "long into the night". [@night]', f'summary: "{"*a " * 33_000}"'
            )
        },
        [M.format("8:10") + f"'summary': 98,999 characters long; {HOLDS} 5,000"],
    ),
    (
        "a-quote-past-its-limit",
        {MEETING: RIVERTON.replace('quote: the talks ran "long into the night"', "quote: " + "q" * 5_001)},
        [M.format("14:12") + f"'citations[0].quote': 5,001 characters long; {HOLDS} 5,000"],
    ),
    (
        "a-hundred-and-one-participants",
        {MEETING: RIVERTON.replace("[alpha, beta]", "[" + ", ".join(f"p{i}" for i in range(101)) + "]")},
        [M.format("6:15") + "'participants': has 101 items; it may have at most 100"],
    ),
    (
        "fifty-one-roles",
        {"leaders/gamma.yaml": _leader("G") + "roles:\n" + "  - title: Envoy\n" * 51},
        ["leaders/gamma.yaml:6:3: leader 'gamma': field 'roles': has 51 items; it may have at most 50"],
    ),
    (
        "twenty-one-positions-on-one-issue",
        {
            "content/issues/trade.yaml": "title: Trade\nsummary: s\ncitations: [{source: hearsay}]\n"
            "positions:\n  alpha:\n" + "    - {text: t, citations: [{source: hearsay}]}\n" * 21
        },
        ["content/issues/trade.yaml:6:5: issue 'trade': field 'positions.alpha': has 21 items; it may have at most 20"],
    ),
    (
        "fifty-one-citations-of-one-statement",
        {
            "leaders/gamma.yaml": _leader("G").replace(
                "[{source: hearsay}]", "[" + ", ".join(["{source: hearsay}"] * 51) + "]"
            )
        },
        ["leaders/gamma.yaml:4:12: leader 'gamma': field 'citations': has 51 items; it may have at most 50"],
    ),
    (
        "an-archived-text-past-its-limit",
        {"content/sources/almanac.txt": "SIZE:5000001"},
        [
            "content/sources/almanac.yaml:10:10: source 'almanac': field 'archive': "
            "archived text 'almanac.txt' is 5,000,001 bytes; an archived text may be at most 5,000,000"
        ],
    ),
    (
        "a-title-that-is-an-id-of-the-theme",  # <h1 id="__config"> broke every script of the page
        {MEETING: RIVERTON.replace("title: Riverton talks", "title: __config")},
        [M.format("1:8") + "'title': as a heading, '__config' would have the id '__config', " + THEIRS],
    ),
    (
        "a-name-that-makes-an-id-of-the-theme",
        {"leaders/gamma.yaml": _leader('"\uff3f\uff3fpalette 1"')},
        [
            "leaders/gamma.yaml:1:7: leader 'gamma': field 'name': "
            "as a heading, '\uff3f\uff3fpalette 1' would have the id '__palette-1', " + THEIRS
        ],
    ),
    (
        "a-page-whose-front-matter-is-not-yaml",  # generate ended in a traceback, half written
        {"content/pages/about.md": "---\ntitle: About: us\n---\n\nText.\n"},
        [
            "content/pages/about.md:2:13: field 'front matter': not YAML: mapping values are not allowed in "
            "this context; quote a value that holds ': ' or '#'"
        ],
    ),
    (
        "a-page-whose-front-matter-fails-after-blank-lines",
        {"content/pages/notes/more.md": "\n\n---\ntitle: ok\ntags: [a, b\n---\nText.\n"},
        [
            "content/pages/notes/more.md:6:1: field 'front matter': not YAML: did not find expected ',' or ']'; "
            "quote a value that holds ': ' or '#'"
        ],
    ),
    (
        "a-page-whose-front-matter-is-a-list",
        {"content/pages/about.md": "---\n- title\n- About\n---\nText.\n"},
        [
            "content/pages/about.md:2:1: field 'front matter': front matter is names and their values "
            "(title: ...), not a list or a single value"
        ],
    ),
    (
        "a-page-whose-front-matter-names-a-number",
        {"content/pages/about.md": "---\ntitle: About\n2024: a year\n---\nText.\n"},
        [
            "content/pages/about.md:2:1: field 'front matter': front matter names are text: quote a name "
            "that is a number, a date or true/false"
        ],
    ),
    (
        "a-page-that-is-not-utf-8",
        {"content/pages/about.md": "LATIN1:---\ntitle: Caf\u00e9\n---\n"},
        ["content/pages/about.md:2:11: not UTF-8 text (invalid continuation byte); save it as UTF-8"],
    ),
    (
        "a-folder-named-as-a-record",  # looked into, it held no file: a run after another saw no change
        {"content/meetings/2030-01-01-folder.yaml": "FOLDER"},
        [
            "content/meetings/2030-01-01-folder.yaml:1:1: meeting '2030-01-01-folder': "
            "not a regular file; a record must be one"
        ],
    ),
    (
        "a-folder-named-as-a-record-ending-in-yml",
        {"leaders/delta.yml": "FOLDER"},
        ["leaders/delta.yml:1:1: leader 'delta': records end in '.yaml', not '.yml'"],
    ),
    (
        "backticks-in-a-url",
        {"content/sources/hearsay.yaml": "title: Hearsay\nurl: https://x.org/a`b`c\n"},
        [
            "content/sources/hearsay.yaml:2:6: source 'hearsay': field 'url': 'https://x.org/a`b`c' has a backtick, "
            "which Markdown would drop from the link: write it as %60"
        ],
    ),
]


def _change(root: Path, changes: dict[str, str | None]) -> None:
    """_apply's changes, and the ones only this catalogue needs (see CASES)."""
    plain: dict[str, str | None] = {}
    for rel, text in changes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if text == "LINK-AWAY":
            away = root.parent / "elsewhere" / rel
            away.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, away)
            path.symlink_to(away)
        elif text == "FOLDER":
            path.mkdir()
        elif text == "FIFO":
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        elif text and text.startswith("LATIN1:"):
            path.write_bytes(text.removeprefix("LATIN1:").encode("latin-1"))
        elif text and text.startswith("SIZE:"):
            with open(path, "wb") as handle:
                handle.truncate(int(text.removeprefix("SIZE:")))
        else:
            plain[rel] = text
    _apply(root, plain)


# each case of the catalogue: its changes, the lines check gives, and how many problems in all
EVERY_CASE = pytest.mark.parametrize(
    "changes, expected, count",
    [(c[1], c[2], c[3] if len(c) > 3 else len(c[2])) for c in CASES],
    ids=[str(c[0]) for c in CASES],
)


@EVERY_CASE
def test_refused_with_its_place_and_nothing_written(
    small: Path, run, changes: dict[str, str | None], expected: list[str], count: int
) -> None:
    _change(small, changes)
    found = f"{count} problem{'s' if count != 1 else ''} found"
    for command in ("generate", "check"):  # exit 1, exactly these lines, no build/ folder
        result = run(command, "--root", small)
        summary = found + ("." if command == "check" else "; nothing was written.")  # check never writes
        assert (result.code, result.out, result.err.splitlines()) == (1, "", expected + [summary])
        assert not (small / "build").exists()


@EVERY_CASE
def test_refused_as_well_after_a_run_and_its_pages_left_as_they_were(
    small: Path, run, changes: dict[str, str | None], expected: list[str], count: int
) -> None:
    """The same lines from a run that has the last run's state to go by: a change it reads
    alone, or none it notices, must not let through what check refuses."""
    assert run("generate", "--root", small).code == 0
    docs = small / "build" / "docs"
    before = {p: p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}
    _change(small, changes)
    result = run("generate", "--root", small)
    assert (result.code, result.out, result.err.splitlines()[: len(expected)]) == (1, "", expected)
    assert {p: p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()} == before


def test_a_linked_page_is_refused_by_build_and_nothing_is_published(small: Path, run) -> None:
    (small / "content/pages/about.md").symlink_to("/etc/passwd")
    result = run("build", "--root", small)
    assert result.code == 1
    assert result.err.splitlines()[0] == f"content/pages/about.md: {LINKED_PAGE}"
    assert not (small / "build").exists()
    assert not (small / "site").exists()


def _site_with(small: Path, **changes: str) -> Any:
    """The small site, with the first meeting's fields replaced behind validation's back."""
    site = check(Project(small))
    mid, entry = next(iter(site.meetings.items()))
    model = entry.model.model_copy(update=changes)
    meetings = {**site.meetings, mid: dataclasses.replace(entry, model=model)}
    return dataclasses.replace(site, records={**site.records, "meeting": meetings})


HOSTILE = "Talks\r\nATTACH:http://x.org/\rX-INJECTED:1\x00\x01\x1b\uffff, end"


def test_calendar_escapes_what_validation_would_refuse(small: Path) -> None:
    text = exports.as_ical(_site_with(small, title=HOSTILE, location=HOSTILE), "https://x.org/")
    assert "\r" not in text.replace("\r\n", "")
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert "ATTACH" not in event and "X-INJECTED" not in event
    assert str(event["SUMMARY"]) == "Talks\nATTACH:http://x.org/\nX-INJECTED:1\uffff, end"
    assert str(event["LOCATION"]) == str(event["SUMMARY"])


def test_feed_is_well_formed_xml_whatever_the_text(small: Path) -> None:
    text = exports.as_atom(_site_with(small, title=HOSTILE, summary=HOSTILE), "https://x.org/", "S\x01")
    feed = ET.fromstring(text.encode("utf-8"))
    titles = [t.text for t in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert titles[0] == "S: meetings"
    assert any(t and t.startswith("Talks\nATTACH:http://x.org/\nX-INJECTED:1, end (") for t in titles)


def test_csv_rows_stay_rows_whatever_the_text(small: Path) -> None:
    meetings = exports.as_csv(_site_with(small, title=HOSTILE, location=HOSTILE))["meetings.csv"]
    rows = list(csv.reader(io.StringIO(meetings, newline="")))
    assert len(rows) == 1 + len(check(Project(small)).meetings)
    assert rows[1][1] == "Talks\nATTACH:http://x.org/\nX-INJECTED:1\uffff, end"
    assert "\r" not in meetings and "\x00" not in meetings


# OWASP's CSV injection cases: a cell a spreadsheet would read as a formula.
FORMULAS = ['=HYPERLINK("https://evil.example","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]


def test_csv_cells_a_spreadsheet_would_run_start_with_a_quote(small: Path, run) -> None:
    """Valid text, so check passes it; the CSV holds it as text, the JSON as written."""
    meeting = small / MEETING
    for i, formula in enumerate(FORMULAS):
        field = ("title", "location", "summary", "outcomes")[i]
        mark = {"summary": " [@night]", "outcomes": " [@sticking]"}.get(field, "")  # a statement ends with its mark
        value = f"[{json.dumps(formula + mark)}]" if field == "outcomes" else json.dumps(formula + mark)
        text = re.sub(rf"(?m)^{field}:.*(\n  .*)*$", f"{field}: {value}", meeting.read_text())
        meeting.write_text(text)
    assert run("generate", "--root", small).code == 0
    data = small / "build/docs/data"
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO((data / "meetings.csv").read_text(), newline=""))}
    row = rows["2020-03-03-riverton-talks"]
    assert [row[f] for f in ("title", "location", "summary", "outcomes")] == ["'" + f for f in FORMULAS]
    written = next(m for m in json.loads((data / "summitry.json").read_text())["meetings"] if m["title"] == FORMULAS[0])
    assert (written["location"], written["outcomes"]) == (FORMULAS[1], [FORMULAS[3]])


def test_csv_cells_starting_with_a_tab_or_carriage_return_start_with_a_quote(small: Path) -> None:
    # Validation strips both from the ends of a field; behind its back, the CSV still holds them as text.
    meetings = exports.as_csv(_site_with(small, title="\tTAB", location="\rCR"))["meetings.csv"]
    row = next(csv.DictReader(io.StringIO(meetings, newline="")))
    assert (row["title"], row["location"]) == ("'\tTAB", "'\nCR")


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Edit a file without changing its size, then put its times back, as `cp -p` would."""
    info = path.stat()
    text = path.read_text()
    assert len(old) == len(new) and old in text
    path.write_text(text.replace(old, new))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)


def test_an_edit_that_keeps_size_and_time_is_rendered(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    _same_size_edit(small / MEETING, "Riverton talks", "Riverton feast")
    result = run("generate", "--root", small)
    assert result.code == 0
    assert "Riverton feast" in (small / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text()
    assert " 0 written" not in result.out


def test_an_edit_that_keeps_size_and_time_is_still_checked(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    _same_size_edit(small / MEETING, "date: 2020-03-03", "date: 2020-02-30")
    result = run("generate", "--root", small)
    assert result.code == 1
    assert result.err.splitlines()[0] == M.format("2:7") + "'date': '2020-02-30' is not a day of February 2020"


def test_fingerprint_follows_content_and_never_a_link(small: Path, tmp_path: Path) -> None:
    before = fingerprint(small)
    assert fingerprint(small) == before
    _same_size_edit(small / "content/pages/index.md", "Small", "Smoll")
    assert fingerprint(small) != before
    outside = tmp_path / "outside.md"
    outside.write_text("one")
    (small / "content/pages/loop").symlink_to(".")
    (small / "content/pages/out.md").symlink_to(outside)
    linked = fingerprint(small)
    outside.write_text("two")
    assert fingerprint(small) == linked  # what a link points at is never read


def test_the_watcher_sees_an_edit_that_keeps_size_and_time(small: Path) -> None:
    before = fingerprint(small, read=False)
    _same_size_edit(small / MEETING, "Riverton talks", "Riverton feast")
    assert fingerprint(small, read=False) != before


_CREATE_NEW = own_files.create_new  # the real one, which the disk that fills wraps


class _DiskFills:
    """builder.incremental.output's ``open``, failing with ENOSPC once ``room`` files have been opened for writing."""

    def __init__(self, room: int) -> None:
        self.room = room

    def __call__(self, path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "w" in mode:
            self._take()
        return open(path, mode, *args, **kwargs)

    def create_new(self, path: Path) -> Any:
        """builder.incremental.own_files's ``create_new`` (the temporary files of pages and of
        the list of written files), likewise."""
        self._take()
        return _CREATE_NEW(path)

    def _take(self) -> None:
        if self.room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= 1

    def fill(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(write, "open", self, raising=False)
        monkeypatch.setattr(own_files, "create_new", self.create_new)


def _disk_full_line(where: Path, root: Path, written: int, total: int) -> str:
    return (
        f"error: {where}: disk full (No space left on device); {written} of {total} files written, 0 unchanged, "
        f"{total - written} not written. {root / 'build' / MANIFEST} lists every file of this run: "
        "the next run checks them and finishes the rest"
    )


def _files(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_disk_full_is_one_line_and_the_next_run_finishes(small: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("generate", "--root", small).code == 0
    expected = _files(small / "build/docs")
    shutil.rmtree(small / "build")
    _DiskFills(room=1 + 12).fill(monkeypatch)  # the manifest, then 12 pages
    result = run("generate", "--root", small, "--jobs", "1")
    assert result.code == 1
    (line,) = result.err.splitlines()
    where = Path(line.removeprefix("error: ").split(": disk full")[0])
    assert where.parent.is_relative_to(small / "build/docs") and not where.exists()
    assert line == _disk_full_line(where, small, 12, len(expected))
    assert len(_files(small / "build/docs")) == 12
    monkeypatch.undo()
    assert run("generate", "--root", small).code == 0
    assert _files(small / "build/docs") == expected


def test_disk_full_in_the_manifest_before_any_page(small: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    _DiskFills(room=0).fill(monkeypatch)
    result = run("generate", "--root", small)
    assert result.code == 1
    assert result.err == f"error: {small / 'build/docs'}: disk full (No space left on device); nothing was written\n"
    assert not (small / "build/docs").exists()


WORKERS_FILL_THE_DISK = """
import sys
from builder.incremental import workers as jobs
from builder.incremental import output as write
from builder.incremental import own_files, scratch
from builder.cli import main
from builder.render import exports, search_index
from test_inputs_hardening import _DiskFills, _exported
jobs.PARALLEL_FROM, jobs.CHUNK = 10, 4  # the small site's pages, in chunks, in two workers
# The search index's 320 files would leave each worker room for every page of the small site
exports.search_job = lambda *args: ((), dict)
# Room for the manifest, the exports (made in this process) and 3 more; each worker (a copy
# of this process made before the exports are written) has room for all but the manifest.
disk = write.open = _DiskFills(room=1 + _exported() + 3)
own_files.create_new = disk.create_new
code = main(["generate", "--root", sys.argv[1], "--jobs", "2"])
print(code, disk.room)
"""


def _exported() -> int:
    """The files of the exports but the search index (the test leaves it out)."""
    return sum(len(paths) for paths in exports.EXPORTS if paths != search_index.SEARCH_FILES)


def test_disk_full_in_worker_processes(small: Path, run) -> None:
    # A process of its own: workers are forked only from a process that runs no other
    # thread, and this one may (the test server of the browser tests).
    done = subprocess.run(
        [sys.executable, "-c", WORKERS_FILL_THE_DISK, str(small)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
        check=False,
    )
    assert done.stdout.split() == ["1", "3"], (done.stdout, done.stderr)  # the pages were put in the workers
    (line,) = done.stderr.splitlines()
    written = len(_files(small / "build/docs"))
    pages_in_workers = written - _exported()
    room = _exported() + 3  # each worker's, after the manifest
    # more than one worker's room was used: both wrote (which one took more chunks varies)
    assert room < pages_in_workers <= 2 * room
    assert f": disk full (No space left on device); {written} of " in line
    assert run("generate", "--root", small).code == 0


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_stopped_runs_scratch_folder_is_removed_and_nothing_else(small: Path, run) -> None:
    build = small / "build"
    host = socket.gethostname()
    folders = {
        "stopped": f"{_dead_pid()} {host}\n",  # removed, with the half-written page in it
        "running": f"{os.getpid()} {host}\n",
        "elsewhere": f"{_dead_pid()} not-{host}\n",
        "unmarked": None,
    }
    for name, marker in folders.items():
        folder = build / (scratch.WRITES + name)
        folder.mkdir(parents=True)
        (folder / "123-alpha.md").write_text("half a pa")
        if marker:
            (folder / scratch.MARKER).write_text(marker)
    (build / (scratch.WRITES + "empty")).mkdir()  # stopped before it was marked
    assert run("generate", "--root", small).code == 0
    left = sorted(p.name.removeprefix(scratch.WRITES) for p in build.glob(scratch.WRITES + "*"))
    assert left == ["elsewhere", "running", "unmarked"]
    assert (build / (scratch.WRITES + "unmarked") / "123-alpha.md").read_text() == "half a pa"


def test_a_temporary_file_in_the_output_is_someone_elses(small: Path, run) -> None:
    """The builder never leaves one there; one that is there, it does not touch."""
    assert run("generate", "--root", small).code == 0
    stray = small / "build/docs/leaders/.tmp-4242-alpha.md"
    stray.write_text("not ours")
    before = _files(small / "build/docs")
    result = run("generate", "--root", small)
    assert result.code == 1
    assert result.err == (
        f"error: {small / 'build/docs'} holds files summitry did not write (leaders/.tmp-4242-alpha.md); it never "
        f"overwrites or removes them. Move them out of {small / 'build/docs'} (hand-written pages belong in "
        "content/pages/) and run again.\n"
    )
    assert _files(small / "build/docs") == before


def test_a_hand_written_page_is_trusted_and_copied_as_written(small: Path, run) -> None:
    """As mkdocs.yml and overrides/ are (README: Prose): a script or an image from another host in
    content/pages/ is the site's own design, reviewed as code, and the builder leaves it be."""
    page = small / "content/pages/about.md"
    written = '# About\n\n<script src="https://cdn.example/x.js"></script>\n\n![x](https://cdn.example/x.png)\n'
    page.write_text(written)
    result = run("generate", "--root", small)
    assert (result.code, result.err) == (0, "")
    copied = (small / "build/docs/about.md").read_text()
    assert copied.endswith("---\n\n" + written)  # after the front matter that names its edit link


def test_a_page_in_a_folder_named_pycache_is_a_page_like_any_other(small: Path, run, tmp_path: Path) -> None:
    """The scan leaves out the builder's own __pycache__, not a folder of the knowledge base's
    that has the name: a run after another copies its pages, as a run from nothing does."""
    assert run("generate", "--root", small).code == 0
    page = small / "content/pages/__pycache__/notes.md"
    page.parent.mkdir()
    page.write_text("# Notes\n\nFirst.\n", encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    assert "First." in (small / "build/docs/__pycache__/notes.md").read_text(encoding="utf-8")
    page.write_text("# Notes\n\nSecond.\n", encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    assert "Second." in (small / "build/docs/__pycache__/notes.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", ["meetings/2020.md", "timeline.md", "leaders/alpha.md"])
def test_a_hand_written_page_where_the_builder_writes_one_fails_check_as_generate(small: Path, run, page) -> None:
    """A year's listing and the time line are planned with the pages, not named by a record:
    check passed such a page that generate then refused."""
    (small / "content/pages" / page).parent.mkdir(parents=True, exist_ok=True)
    (small / "content/pages" / page).write_text("# Mine\n", encoding="utf-8")
    said = f"error: content/pages/{page}: the builder generates this page; rename the file"
    for command in ("check", "generate"):
        result = run(command, "--root", small)
        assert (result.code, result.err.splitlines()[-1:]) == (1, [said]), command
    assert not (small / "build").exists()
