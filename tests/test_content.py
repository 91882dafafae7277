"""The shipped content says things in its own words, and no more than its sources.

What the project contains, it wrote: the archived articles' words appear only inside a
citation's `quote`. No five words in a row of any other text of the records, or of the
hand-written pages, are the articles' (the About page says so), names and little words
included: a run like 'the G20 summit in Hamburg' is borrowed prose too. The relationship
records (content/relations/) are checked here too, quote by quote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.resolve import advice
from builder.resolve.quotes import Archive

REPO = Path(__file__).parent.parent
SOURCES = REPO / "content" / "sources"
RUN = 5  # words in a row
_WORD = re.compile(r"[A-Za-z0-9]+")
_MARK = re.compile(r"\[@[^\]]*\]")


def _records() -> list[Path]:
    return sorted([*REPO.glob("leaders/*.yaml"), *REPO.glob("content/**/*.yaml")])


def _pages() -> list[Path]:
    return sorted(REPO.glob("content/pages/*.md"))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _names() -> dict[str, str]:
    names = {}
    for path in _records():
        data = _load(path)
        if isinstance(data, dict) and (data.get("name") or data.get("title")):
            names[path.stem] = str(data.get("name") or data.get("title"))
    return names


NAMES = _names()


def _name_of(rid: str) -> str:
    return NAMES[rid]


def _words(text: str) -> list[str]:
    """The words a reader sees: a [[link]] as the name it shows, no citation marks."""
    linked = re.sub(r"\[\[([^\]|]+)(?:\|([^\]]*))?\]\]", lambda m: m[2] or NAMES.get(m[1], m[1]), text)
    return _WORD.findall(_MARK.sub(" ", linked).replace("’", "'").replace("'s", ""))


def _runs(words: list[str]) -> Iterator[tuple[str, ...]]:
    for i in range(len(words) - RUN + 1):
        yield tuple(w.lower() for w in words[i : i + RUN])


ARCHIVED = {run for path in SOURCES.glob("*.txt") for run in _runs(_words(path.read_text(encoding="utf-8")))}


def _statements(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every text of a record but its quotes."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "quote":
                yield from _statements(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _statements(item, loc + (i,))
    elif isinstance(value, str):
        yield loc, value


def borrowed(text: str) -> list[str]:
    """The runs of ``text`` that an archived article has word for word."""
    words = _words(text)
    return [" ".join(words[i : i + RUN]) for i, run in enumerate(_runs(words)) if run in ARCHIVED]


@pytest.mark.parametrize("path", _records(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_records_say_it_in_their_own_words(path: Path) -> None:
    data = _load(path)
    found = {}
    for loc, text in _statements(data):
        if path.parent == SOURCES and loc == ("title",):
            continue  # a source's title is given as published
        if hits := borrowed(text):
            found[loc] = hits
    assert found == {}


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_hand_written_pages_say_it_in_their_own_words(path: Path) -> None:
    assert borrowed(path.read_text(encoding="utf-8")) == []


def test_borrowed_runs_of_five_words_are_found_names_and_all() -> None:
    assert borrowed("He said: the lack of trust and transparency is old.") == [
        "the lack of trust and",
        "lack of trust and transparency",
    ]
    assert borrowed("They met at the G20 summit in Hamburg.") == ["the G20 summit in Hamburg"]
    assert borrowed("They met at Hamburg's G20 summit [@first-met], in July 2017.") == []
    assert borrowed("A summit of [[trump]] and [[putin]].") == ["Donald Trump and Vladimir Putin"]


RELATIONS = sorted((REPO / "content" / "relations").glob("*.yaml"))
LEADERS = {p.stem for p in REPO.glob("leaders/*.yaml")}
ARCHIVES = {p.stem: Archive(p.read_text(encoding="utf-8")) for p in SOURCES.glob("*.txt")}


def _citations(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert items, "at least one citation"
    for c in items:
        assert set(c) <= {"key", "source", "quote", "note"}
        assert (SOURCES / f"{c['source']}.yaml").is_file(), c["source"]
    return items


@pytest.mark.parametrize("path", RELATIONS, ids=lambda p: p.stem)
def test_relation_records_hold_their_format_and_quotes(path: Path) -> None:
    data = _load(path)
    a, _, b = path.stem.partition("-")
    assert {a, b} <= LEADERS and a < b, "named by the two leader ids in alphabetical order"
    assert set(data) <= {"summary", "themes", "outlook", "citations"} and {"summary", "citations"} <= set(data)
    statements = [(("summary",), data["summary"], _citations(data["citations"]))]
    for i, theme in enumerate(data.get("themes", [])):
        assert set(theme) <= {"title", "text", "as_of", "citations"} and theme["title"] and theme["text"]
        statements.append((("themes", i), theme["title"] + "\n" + theme["text"], _citations(theme["citations"])))
    for i, item in enumerate(data.get("outlook", [])):
        assert set(item) <= {"text", "citations"}
        statements.append((("outlook", i), item["text"], _citations(item["citations"])))
    advised = []
    for loc, text, citations in statements:
        quotes = [c["quote"] for c in citations if c.get("quote")]
        for c in citations:
            if c.get("quote") and c["source"] in ARCHIVES:
                assert c["quote"] in ARCHIVES[c["source"]], (loc, c["quote"])
        words = advice.meaningful(text, _name_of)
        advised += [(loc, q) for q in quotes if not advice.shared(advice.meaningful(q, _name_of), words)]
        advised += [(loc, m) for m in advice.unsupported_superlatives(text, quotes, _name_of)]
    assert advised == []
