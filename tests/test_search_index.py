"""The search index (builder/render/search_index.py): what it holds of each page, and where.

How a search reads it, in a browser, is in tests/test_browser.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder.render.search_index import FOLDER, NAME, PAGE_FILES, SEARCH_FILES, TERM_FILES, TEXT, TITLE, term_file

WEIGHTS = (TITLE, NAME, TEXT)


def _index(root: Path) -> tuple[dict[str, dict[str, list[list[int]]]], dict[int, list[Any]]]:
    """Every word with its page numbers by weight (numbers, not steps), and every page's row."""
    docs = root / "build" / "docs"
    words: dict[str, dict[str, list[list[int]]]] = {}
    for n in range(TERM_FILES):
        data = json.loads((docs / FOLDER / f"t{n:02x}.json").read_text(encoding="utf-8"))
        for term, lists in data["t"].items():
            assert term_file(term) == n, term  # a word is in the file the script will fetch
            numbers = []
            for steps in lists:
                at, ids = 0, []
                for step in steps:
                    at += step
                    ids.append(at)
                numbers.append(ids)
            words.setdefault(str(n), {})[term] = numbers
    pages: dict[int, list[Any]] = {}
    for n in range(PAGE_FILES):
        for row in json.loads((docs / FOLDER / f"p{n:02x}.json").read_text(encoding="utf-8"))["p"]:
            assert row[0] % PAGE_FILES == n and row[0] not in pages
            pages[row[0]] = row
    return {term: lists for by_file in words.values() for term, lists in by_file.items()}, pages


def _weight(words: dict[str, Any], pages: dict[int, list[Any]], term: str, url: str) -> int | None:
    number = next(i for i, row in pages.items() if row[1] == url)
    for weight, ids in zip(WEIGHTS, words.get(term, [[], [], []]), strict=True):
        if number in ids:
            return weight
    return None


def test_a_page_is_found_by_its_title_its_people_its_place_and_its_text(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    words, pages = _index(small)
    riverton = "meetings/2020-03-03-riverton-talks/"
    assert _weight(words, pages, "riverton", riverton) == TITLE
    assert _weight(words, pages, "alpha", riverton) == NAME  # a participant
    assert _weight(words, pages, "night", riverton) == TEXT  # the summary
    assert _weight(words, pages, "sticking", riverton) == TEXT  # a quote
    assert _weight(words, pages, "2020", riverton) == TEXT  # its year
    # a leader's page is not found by the titles of the meetings it lists
    assert _weight(words, pages, "talks", "leaders/alpha/") is None
    row = next(row for row in pages.values() if row[1] == riverton)
    assert row[2:] == ["Riverton talks", 'Talks that ran "long into the night".']


def test_every_page_is_in_the_index_once_and_words_keep_their_files(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    docs = small / "build" / "docs"
    words, pages = _index(small)
    urls = [row[1] for row in pages.values()]
    assert len(urls) == len(set(urls)) and sorted(urls) == urls  # numbered in the order of their addresses
    records = {p.relative_to(docs).with_suffix("").as_posix() + "/" for p in docs.glob("*/*.md")}
    records = {u.removesuffix("index/") for u in records if not u.startswith(("meetings/2", "timeline/", "schema/"))}
    assert records <= set(urls)
    assert {"", "timeline/"} <= set(urls)  # the home page (hand-written) and the timeline
    assert sorted(p.relative_to(docs).as_posix() for p in (docs / FOLDER).iterdir()) == sorted(SEARCH_FILES)


def test_record_text_is_kept_as_data(small: Path, run) -> None:
    meeting = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    meeting.write_text(
        meeting.read_text().replace("title: Riverton talks", 'title: "Riverton <img src=x onerror=alert(1)>"')
    )
    assert run("generate", "--root", small).code == 0
    words, pages = _index(small)
    assert [row[2] for row in pages.values() if row[1] == "meetings/2020-03-03-riverton-talks/"] == [
        "Riverton <img src=x onerror=alert(1)>"
    ]
    assert "onerror" in words  # words of it are words, and the script writes the title as text
