"""The site's search index: small files made from the records, that a reader downloads as needed.

A search needs, for each word typed, one file: the *term file* that holds every indexed word
with the same first two characters (their number picks one of :data:`TERM_FILES` files), with,
for each word, the pages that have it, by weight (title, name, text), and the titles and short
descriptions of its best pages. A search is thus one round trip after its word's first two
letters are typed, and each file is fetched once. A result whose title no term file it fetched
holds is found in a *page file* (by page number). ``assets/summitry-search.js`` reads them; the
tokenizer there and :func:`terms` here must cut text the same way (tests/test_browser.py holds
them to it).

Made in the render stage with the other exports, from the resolved records (no HTML is read),
so the same records give the same bytes, an edit changes only the files of the words it touched,
and every engine publishes the files as they are. Each page's part is made once and kept while
what it read is unchanged (``pieces``, as for the JSON export).

What is indexed: each record's page (its title or name; the names of its participants or
leaders and its place or country; the rest of its text, quotes included, but not its listings
of other records, which their own pages hold), the section pages by title, and the hand-written
pages with their text.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import frontmatter

from builder.records.kinds import KINDS
from builder.render.addresses import index_path, page_address, page_path
from builder.render.job import Job
from builder.render.record_data import record_line
from builder.render.track import Memo
from builder.render.year_pages import TIMELINE_PAGE
from builder.resolve.prose import short
from builder.resolve.site import Site

FOLDER = "searchindex"
TERM_FILES = 256
PAGE_FILES = 64
BEST = 20  # pages of a word whose titles its term file holds: a first screen of results
DESCRIBED = 140  # characters of a page's description in a result
TITLE, NAME, TEXT = 3, 2, 1  # weights: a word in a page's title counts most

SEARCH_FILES = tuple(
    [f"{FOLDER}/t{n:02x}.json" for n in range(TERM_FILES)] + [f"{FOLDER}/p{n:02x}.json" for n in range(PAGE_FILES)]
)

# Combining marks (after NFKD), dropped so that "Lula da Silva" is found by "inacio" and
# "Inácio" alike; the same list is in summitry-search.js.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")  # letters and digits, in any script (JavaScript: [\p{L}\p{N}]+)
_MARKUP = re.compile(r"<[^>]*>|\]\([^)]*\)|\{[^}]*\}")  # tags, link targets, attribute lists

_NAMED = {"participants", "leaders"}  # references whose names a page shows as its own subject
# Names and places; a role's title too (the page's own title is weighed as one above them)
_NAMES = {"location", "country", "publisher", "author", "title", "name"}
_LEFT_OUT = {"id", "url", "statements", "wikidata", "location_wikidata", "source", "source_url", "key", "cite"}
_LEFT_OUT |= {"archive", "archive_url", "address", "precision", "distinct_from", "end", "genre", "kind"}


def terms(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them: lower case, without accents."""
    text = text.lower()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    return _WORD.findall(text)


def term_file(term: str) -> int:
    """The term file of a word: FNV-1a (32 bits) of its first two characters' code points."""
    h = 0x811C9DC5
    for ch in term[:2]:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % TERM_FILES


def _described(text: str | None) -> str:
    return short(text, DESCRIBED) if text else ""


class _Words:
    """A page's words by weight, in the order met, each once at its highest weight."""

    def __init__(self) -> None:
        self.weights: dict[str, int] = {}

    def add(self, text: str, weight: int) -> None:
        for term in terms(text):
            if len(term) > 1 and self.weights.get(term, 0) < weight:
                self.weights[term] = weight


def _walk(site: Site, value: Any, key: str, words: _Words) -> None:
    if isinstance(value, str):
        words.add(value, NAME if key in _NAMES else TEXT)
    elif isinstance(value, list):
        for item in value:
            _walk(site, item, key, words)
    elif isinstance(value, dict):
        if set(value) == {"id", "url"}:  # another record: named only where it is the page's subject
            if key in _NAMED:
                words.add(site.name_of(value["id"]), NAME)
            return
        if set(value) == {"value", "precision"}:  # a date: its year
            words.add(str(value["value"])[:4], TEXT)
            return
        for k, v in value.items():
            if k not in _LEFT_OUT and f"{k}_plain" not in value:
                _walk(site, v, k, words)


def _record_piece(site: Site, kind: str, rid: str, memo: Memo) -> str:
    data = json.loads(record_line(site, kind, rid, memo))  # made for data/summitry.json just before
    words = _Words()
    title = site.display_name((kind, rid))
    words.add(title, TITLE)
    _walk(site, data, "", words)  # the record's own title or name again: it stays a title's
    described = data.get("summary_plain") or data.get("note_plain") or ""
    return _piece(page_address(page_path((kind, rid))), title, _described(described), words)


# A page's part, as one line: its address, title and description, then its words of each
# weight. Cheaper to read back than JSON (each run reads every page's); no field holds the
# separators (words are letters and digits; they are taken out of the title and description).
_FIELD, _WORDS = "\x1f", " "
_SEPARATORS = re.compile("[\x1e\x1f]")


def _piece(url: str, title: str, description: str, words: _Words) -> str:
    by_weight = [_WORDS.join(t for t, w in words.weights.items() if w == weight) for weight in (TITLE, NAME, TEXT)]
    texts = [_SEPARATORS.sub(" ", text) for text in (url, title, description)]
    return _FIELD.join([*texts, *by_weight])


def _hand_written(rel_path: str, data: bytes, site_name: str) -> str:
    post = frontmatter.loads(data.decode("utf-8"))
    body = _MARKUP.sub(" ", post.content)
    heading = re.search(r"^# (.+)$", body, re.MULTILINE)
    title = str(post.metadata.get("title") or (heading.group(1).strip() if heading else "") or site_name)
    words = _Words()
    words.add(title, TITLE)
    words.add(body, TEXT)
    return _piece(page_address(rel_path), title, "", words)


def _section(path: str, title: str) -> str:
    words = _Words()
    words.add(title, TITLE)
    return _piece(page_address(path), title, "", words)


def _deltas(ids: Iterable[int]) -> list[int]:
    out, last = [], 0
    for i in ids:
        out.append(i - last)
        last = i
    return out


def _files(pieces: Sequence[str]) -> dict[str, str]:
    pages = sorted(p.split(_FIELD) for p in pieces)  # page numbers by address
    # the pages of each term, one table per weight (title, name, text)
    postings: tuple[dict[str, list[int]], ...] = ({}, {}, {})
    for number, page in enumerate(pages):
        for table, field in zip(postings, page[3:], strict=True):
            for term in field.split(_WORDS) if field else ():
                found = table.get(term)
                if found is None:
                    table[term] = [number]
                else:
                    found.append(number)
    term_files: list[dict[str, Any]] = [{} for _ in range(TERM_FILES)]
    described: list[set[int]] = [set() for _ in range(TERM_FILES)]
    for term in sorted(set().union(*postings)):
        by_weight = [table.get(term, ()) for table in postings]
        n = term_file(term)
        term_files[n][term] = [_deltas(numbers) for numbers in by_weight]
        best = [i for numbers in by_weight for i in numbers][:BEST]
        described[n].update(best)
    out: dict[str, str] = {}

    def row(i: int) -> list[Any]:
        return [i, *pages[i][:3]]

    for n, words in enumerate(term_files):
        shown = [row(i) for i in sorted(described[n])]
        out[f"{FOLDER}/t{n:02x}.json"] = _dumped({"t": words, "p": shown})
    for n in range(PAGE_FILES):
        out[f"{FOLDER}/p{n:02x}.json"] = _dumped({"p": [row(i) for i in range(n, len(pages), PAGE_FILES)]})
    return out


def _dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def _pieces(site: Site, pages: Sequence[tuple[str, bytes]], site_name: str, memo: Memo) -> Iterator[str]:
    for kind in KINDS.values():
        yield _section(index_path(kind.name), kind.plural.capitalize())
        for rid in site.pages_of(kind.name):
            make = functools.partial(_record_piece, site, kind.name, rid, memo)
            yield memo.get_or_make(("search", kind.name, rid), make)
    yield _section(TIMELINE_PAGE, "Timeline")
    for rel_path, data in pages:
        if rel_path.endswith(".md"):
            yield _hand_written(rel_path, data, site_name)


def search_job(site: Site, pages: Sequence[tuple[str, bytes]], site_name: str, pieces: Memo | None = None) -> Job:
    """The index as one job: its files (always the same ones, :data:`SEARCH_FILES`), and the function making them."""
    memo = Memo() if pieces is None else pieces
    return SEARCH_FILES, lambda: _files(list(_pieces(site, pages, site_name, memo)))
