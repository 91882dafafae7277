"""Advice for editors: statements that may say more than their quotes.

Three prompts for a human, never errors (``--strict`` leaves them warnings): a quote of
fewer than two meaningful words, a quote that shares no meaningful word with the statement
it is cited for, and a superlative ("the most", "always", "-est") that none of the
statement's quotes has. All are cheap word comparisons; they find a quote too short to
show anything, a citation pasted in the wrong place or a hedge lost in rewording, not every
statement a source fails to support.

In a record with citation marks (builder.resolve.marks) each sentence is compared with the
quotes of its own marks, and each role with the quotes it cites; a record in the form
before marks is compared as a whole, each text with all its part's quotes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

from pydantic import BaseModel

from builder.errors import Problem
from builder.records.dates import PartialDate
from builder.records.models import Citation
from builder.records.raw_record import Path_
from builder.records.valid_record import Entry, walk
from builder.resolve import marks
from builder.resolve.prose import LINK_RE
from builder.resolve.site import Site

# Fields that say something a record's citations must support: its prose and its titles.
STATEMENT_FIELDS = ("title", "summary", "text", "outcomes")

STOP_WORDS = frozenset(
    """
    a about above after again against all also although am among an and any are as at be
    because been before being below between both but by can could did do does doing down
    during each either even ever few for from further had has have having he her here hers
    him himself his how however i if in into is it its itself just least less let many may
    me might more most much must my neither no nor not now of off often on once one only or
    other our ours out over own per quite rather re s same she should since so some still
    such t than that the their theirs them themselves then there these they this those
    though through thus to too under until up upon us very via was we were what when where
    whether which while who whom whose why will with within without would yet you your
    """.split()
)
# One suffix is taken off, the first that leaves a stem of three letters or more:
# "negotiations" and "negotiate" both become "negotiat".
SUFFIXES = (
    "izations", "isations", "ization", "isation", "ising", "izing", "ised", "ized", "ises",
    "izes", "ise", "ize", "isms", "ism", "ances", "ance", "ences", "ence", "ments", "ment",
    "ians", "ian", "ions", "ion", "ings", "ing", "ies", "ied", "ed", "es", "ly", "ia", "s",
    "e", "y",
)  # fmt: skip
# A quote that shows the source saying something has at least this many meaningful words
# ("As of October 2023" has two: a date is the statement it supports).
QUOTED_AT_LEAST = 2
SUPERLATIVES = frozenset({"most", "least", "best", "worst", "always", "never", "first"})
# words ending in -est that compare nothing
NOT_SUPERLATIVE = frozenset(
    """
    arrest attest behest conquest contest detest digest divest earnest forest harvest honest
    infest ingest inquest interest invest manifest midwest modest molest northwest protest
    request southwest suggest tempest unrest
    """.split()
)
HEDGES = (("one", "of", "the"), ("some", "of", "the"), ("among", "the"))
_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script: "négociations" is one word, not "gociations"
_MAYBE_SUPERLATIVE = re.compile(r"est\b|most|least|always|never|first", re.IGNORECASE)
_US = re.compile(r"\bU\.?S\.?A?\b\.?")

NameOf = Callable[[str], str]


def _plain(text: str, name_of: NameOf) -> str:
    """Prose as words: a [[link]] counts as its label and the linked record's name."""

    def link(match: re.Match[str]) -> str:
        rid, label = match[1].strip(), match[2] or ""
        try:
            name = name_of(rid)
        except KeyError:
            name = rid.replace("-", " ")
        return f" {label} {name} "

    return _US.sub(" United States ", LINK_RE.sub(link, text)).lower().replace("’", "'").replace("'s", "")


@functools.lru_cache(maxsize=1 << 16)  # a knowledge base uses a few thousand words, again and again
def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def meaningful(text: str, name_of: NameOf) -> dict[str, str]:
    """The words that carry meaning, by stem, each with its first form in the text."""
    if "[[" not in text:  # no link names a record: the words are the text's alone
        return dict(_meaningful(text))
    return _words(_plain(text, name_of))


@functools.lru_cache(maxsize=1 << 14)  # a quote is compared with each sentence it is marked on
def _meaningful(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(_words(_plain(text, _no_links)).items())


def _no_links(rid: str) -> str:
    raise KeyError(rid)


def _words(plain: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in _WORD.findall(plain):
        if word not in STOP_WORDS and len(word) > 1:
            out.setdefault(stem(word), word)
    return out


def _same(a: str, b: str) -> bool:
    # a stem that begins the other, of five letters or more: "interfer" and "interferenc"
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and (len(short) >= 5 or short == long)


def shared(quote: dict[str, str], statement: dict[str, str]) -> bool:
    """Whether any stem of one is the same as a stem of the other, as :func:`_same` has it;
    by sets of prefixes rather than every pair (a check compares tens of thousands)."""
    if not quote.keys().isdisjoint(statement):
        return True
    prefixes = {s[:n] for s in statement for n in range(5, len(s) + 1)}
    return any(q in prefixes or any(q[:n] in statement for n in range(5, len(q))) for q in quote)


def superlatives(text: str, name_of: NameOf, in_quote: bool = False) -> list[tuple[str, bool]]:
    """Each superlative as written ('the most'), and whether it is hedged ('one of the most').

    A statement's 'first' counts only as 'the first'; a quote's counts as it stands ("first met").
    """
    if not _MAYBE_SUPERLATIVE.search(text):  # most statements have none: skip the word walk
        return []
    words = _WORD.findall(_plain(text, name_of))
    found = []
    for i, word in enumerate(words):
        after_the = i > 0 and words[i - 1] == "the"
        if word == "first" and not after_the and not in_quote:  # "puts alliances first", "First Minister"
            continue
        if word in SUPERLATIVES or (word.endswith("est") and len(word) >= 6 and word not in NOT_SUPERLATIVE):
            hedged = any(tuple(words[max(0, i - len(h)) : i]) == h for h in HEDGES)
            found.append(("the " + word if after_the else word, hedged))
    return found


def unsupported_superlatives(text: str, quotes: list[str], name_of: NameOf) -> list[str]:
    """Messages for the superlatives of ``text`` that no quote has in the same strength."""
    said = [s for q in quotes for s in superlatives(q, name_of, in_quote=True)]
    out = []
    for phrase, hedged in superlatives(text, name_of):
        word = phrase.removeprefix("the ")
        if any(w.removeprefix("the ") == word and (hedged or not h) for w, h in said):
            continue
        softer = sorted({f"one of {w}" if w.startswith("the ") else w for w, h in said if h and w.endswith(word)})
        hint = f" (they say {', '.join(repr(s) for s in softer)})" if softer else ""
        out.append(f"says '{phrase}', which none of its quotes says{hint}")
    return out


def _listed(words: dict[str, str]) -> str:
    shown = list(dict.fromkeys(words.values()))
    return ", ".join(shown[:10]) + (", …" if len(shown) > 10 else "")


def _owners(model: BaseModel) -> Iterator[tuple[Path_, BaseModel, list[Citation]]]:
    """Every model inside ``model`` that carries its own citations, with its location."""
    for loc, value in walk(model):
        citations = getattr(value, "citations", None) if isinstance(value, BaseModel) else None
        if isinstance(citations, list):
            yield loc, value, citations


def _texts(value: Any, loc: Path_) -> Iterator[tuple[Path_, str]]:
    """The statements a model's citations support: its prose, titles and dates, and those of
    the parts inside it that have no citations of their own (a leader's roles)."""
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            item = getattr(value, name)
            here = loc + (info.alias or name,)
            if name in STATEMENT_FIELDS and isinstance(item, str):
                yield here, item
            elif isinstance(item, PartialDate):  # a date is a statement too: "June 2021"
                yield here, item.human()
            elif name in STATEMENT_FIELDS and isinstance(item, list):
                yield from ((here + (i,), s) for i, s in enumerate(item) if isinstance(s, str))
            elif isinstance(item, list) and item and isinstance(item[0], BaseModel) and name != "citations":
                for i, part in enumerate(item):
                    if not hasattr(part, "citations"):
                        yield from _texts(part, here + (i,))


def advise_entry(entry: Entry[Any], name_of: NameOf) -> Iterator[Problem]:
    for loc, owner, citations in _owners(entry.model):
        for i, citation in enumerate(citations):
            if citation.quote and len(words := meaningful(citation.quote, name_of)) < QUOTED_AT_LEAST:
                yield entry.problem(loc + ("citations", i, "quote"), _too_short(words))
        if any(c.key for c in citations):
            yield from _by_statement(entry, loc, owner, citations, name_of)
        else:
            yield from _as_a_whole(entry, loc, owner, citations, name_of)


def _too_short(words: dict[str, str]) -> str:
    said = f"one meaningful word ('{next(iter(words.values()))}')" if words else "no meaningful word"
    return (
        f"the quote has {said}: a word the source uses does not show that it says the statement; "
        'quote the words that say it (summitry quote SOURCE "words" finds them)'
    )


def _as_a_whole(
    entry: Entry[Any], loc: Path_, owner: BaseModel, citations: list[Citation], name_of: NameOf
) -> Iterator[Problem]:
    """A part in the form before marks: its statements together against all its quotes."""
    quoted = [(loc + ("citations", i, "quote"), c.quote) for i, c in enumerate(citations) if c.quote]
    if not quoted:
        return
    texts = list(_texts(owner, loc))
    statement: dict[str, str] = {}
    for _, text in texts:
        for key, word in meaningful(text, name_of).items():
            statement.setdefault(key, word)
    for qloc, quote in quoted:
        words = meaningful(quote, name_of)
        if statement and words and not shared(words, statement):
            yield entry.problem(
                qloc,
                "the quote shares no meaningful word with the statement it supports "
                f"(quote: {_listed(words)}; statement: {_listed(statement)})",
            )
    for tloc, text in texts:
        for message in unsupported_superlatives(text, [q for _, q in quoted], name_of):
            yield entry.problem(tloc, message)


def _by_statement(
    entry: Entry[Any], loc: Path_, owner: BaseModel, citations: list[Citation], name_of: NameOf
) -> Iterator[Problem]:
    """A marked part: each sentence against the quotes of its own marks; titles and dates,
    which carry no marks, against all the part's quotes."""
    quotes: dict[str, str] = {c.key: c.quote for c in citations if c.key and c.quote}
    # a part's own dates go with each of its sentences on the page ("As of October 2023: ...")
    when = " ".join(v.human() for n in type(owner).model_fields if isinstance(v := getattr(owner, n), PartialDate))
    for statement in marks.statements(owner, loc):
        if statement.cites is not None:  # a role: its title and dates against its cited quotes
            role = statement.loc[:-1]
            # said of the leader: "Ada Alpha, First Minister of Northland from May 2019"
            said = " ".join(
                [getattr(owner, "name", ""), *(text for _, text in _texts(_at(owner, role[len(loc) :]), role))]
            )
            yield from _sentence_advice(entry, role, None, said, statement.cites, quotes, name_of)
            continue
        for sentence in marks.sentences(statement.text):
            where = (statement.text, sentence.start)
            said = f"{when} {sentence.words}" if when else sentence.words
            yield from _sentence_advice(entry, statement.loc, where, said, sentence.keys, quotes, name_of)
    every = list(quotes.values())
    for tloc, text in _texts(owner, loc):
        if len(tloc) == len(loc) + 1 and tloc[-1] not in marks.PROSE_FIELDS:  # a title, a date
            for message in unsupported_superlatives(text, every, name_of):
                yield entry.problem(tloc, message)


def _sentence_advice(
    entry: Entry[Any],
    loc: Path_,
    where: tuple[str, int] | None,
    said: str,
    keys: tuple[str, ...],
    quotes: dict[str, str],
    name_of: NameOf,
) -> Iterator[Problem]:
    """Advice on one statement against the quotes of the citations it marks; ``where`` is
    the text holding it and the offset it starts at (a sentence), None for a whole value."""

    def problem(message: str) -> Problem:
        return entry.problem_in(loc, where[0], where[1], message) if where else entry.problem(loc, message)

    words = meaningful(said, name_of)
    own = [(key, quotes[key]) for key in keys if key in quotes]
    for key, quote in own:
        quoted = meaningful(quote, name_of)
        if words and quoted and not shared(quoted, words):  # a quote of no meaningful word: advised as too short
            yield problem(
                f"the quote of [@{key}] shares no meaningful word with the statement it is marked on "
                f"(quote: {_listed(quoted)}; statement: {_listed(words)})"
            )
    for message in unsupported_superlatives(said, [quote for _, quote in own], name_of):
        yield problem(message)


def _at(model: BaseModel, path: Path_) -> Any:
    """The value at ``path`` inside ``model`` (fields by their YAML names)."""
    value: Any = model
    for part in path:
        if isinstance(part, int):
            value = value[part]
        else:
            fields = type(value).model_fields
            value = getattr(value, next(n for n, f in fields.items() if (f.alias or n) == part))
    return value


def naming(site: Site, named: dict[str, str], rid: str) -> str:
    """The name a [[link]] shows, noted in ``named``: advice given with it holds while it does."""
    named[rid] = site.name_of(rid)
    return named[rid]


Advised = dict[str, tuple[str, tuple[tuple[str, str], ...], tuple[Problem, ...]]]
"""A record file -> the digest it had, the names its [[links]] had, and the advice given then."""


def advise(
    site: Site,
    known: Advised | None = None,
    digests: dict[str, str] | None = None,
    placed: Callable[[Entry[Any]], Entry[Any]] | None = None,
    only: Collection[str] | None = None,
) -> list[Problem]:
    """Every piece of advice on the knowledge base, by file and line.

    ``known`` (from a run before, updated here) spares the advice on a record whose file
    has the digest it had (``digests``) and whose [[links]] name what they named.
    ``placed`` gives a record with where its values are written, when it lacks them.
    ``only``: the record files to advise on (default: all)."""
    out: list[Problem] = []
    for records in site.records.values():
        for entry in records.values():
            if only is not None and entry.path not in only:
                continue
            digest = (digests or {}).get(entry.path, "")
            if known is not None and digest:
                was = known.get(entry.path)
                if was and was[0] == digest and all(site.name_of(rid) == name for rid, name in was[1]):
                    out += was[2]
                    continue
            named: dict[str, str] = {}
            found = tuple(advise_entry(placed(entry) if placed else entry, functools.partial(naming, site, named)))
            out += found
            if known is not None and digest:
                known[entry.path] = (digest, tuple(sorted(named.items())), found)
    return sorted(out)
