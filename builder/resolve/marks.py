"""Citation marks: which citation supports which sentence.

Each citation of a record has a ``key``; prose marks the sentence a citation supports with
``[@key]`` (several: ``[@a][@b]`` or ``[@a; @b]``), after the sentence's full stop or just
before it, as Pandoc writes them. A role names its citations in ``cite: [key]``. Marks
belong to the part of a record that holds the citations: a meeting's summary and outcomes
mark the meeting's citations, a position's text marks the position's own.

A mark is the only way to put a citation on a page (``builder.render.page_links``), and it
names a citation of its own part of the record by key: a key is lowercase letters, digits
and hyphens, so a mark holds nothing a page could read as markup.

A record whose citations have no keys and whose statements have no marks is in the form
before marks: it gets one warning that says how to convert it. Any key or mark makes a
record marked, and then every rule of :func:`problems` holds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from builder.errors import Problem, did_you_mean
from builder.records.ids import slug
from builder.records.models import KEY_PATTERN, Citation
from builder.records.raw_record import Path_, as_written, dotted
from builder.records.valid_record import Entry

_KEY = KEY_PATTERN.strip("^$")
MARK = re.compile(rf"\[@({_KEY}(?:[^\S\n]*;[^\S\n]*@{_KEY})*)\]")
"""A mark: ``[@key]`` or ``[@a; @b]``; group 1 holds the keys."""
_LOOKS_LIKE_MARK = re.compile(r"\[[^\S\n]*[-\u2013\u2014]?[^\S\n]*@[^\[\]]*\]")  # [@ key], [ @key], [-@key] too
_LINK = re.compile(r"\[\[[^\[\]]*\]\]")  # a [[link]]: its label may hold full stops ('U.S.')
PROSE_FIELDS = ("summary", "text", "outcomes")
"""The fields whose sentences a part's citations support, each sentence with its marks."""

_CLOSE = "\"'”’)*_"  # closing quotes, brackets and emphasis: 'Done.*' ends a sentence as 'Done.' does
_STOP = re.compile(rf"[.!?]+[{_CLOSE}]*")
_MARKS_BEFORE_STOP = re.compile(rf"(?P<marks>(?:\s*{MARK.pattern})+)(?P<stop>[.!?]+[{_CLOSE}]*)")
_SPACE_BEFORE_MARK = re.compile(rf"\s+(?={MARK.pattern})")
_MARKS_SIDE_BY_SIDE = re.compile(rf"{MARK.pattern}(?:{MARK.pattern})+")
_HIDDEN = "\x01"  # a mark, as the splitter sees it
_FOLLOWING_MARKS = re.compile(rf"(?:\s*{_HIDDEN}+)*")
_SENTENCE_START = re.compile(
    r"(?!\[[^\S\n]*[-\u2013\u2014]?[^\S\n]*@)[A-Z0-9\"'“‘(*_\[]"
)  # a link, not a mark's look-alike
_ENDS_MARKED = re.compile(rf"{_HIDDEN}\s*[.!?]*[{_CLOSE}]*\s*$")
# A full stop after these does not end a sentence, even before a capital ('U.S. Senate',
# 'J. Biden', 'Dr. Who'), unless a mark follows it.
_ABBREVIATION = re.compile(r"(?:^|[\s(])(?:(?:[A-Za-z]\.)*[A-Za-z]|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|No|Gen|Gov|Sen|Rep)$")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")


def keys_of(mark: str) -> list[str]:
    """The keys in a mark's group 1, in order."""
    return [part.strip().lstrip("@") for part in mark.split(";")]


def strip(text: str) -> str:
    """Prose without its marks: what descriptions, feeds and the JSON's text show."""
    return MARK.sub("", _SPACE_BEFORE_MARK.sub("", text))


def placed(text: str) -> str:
    """Marks where pages show them, right after the sentence's full stop with no space
    before them, and marks side by side as one: ``words [@a].`` and ``words. [@a]`` both
    become ``words.[@a]``, and ``[@a] [@b]`` becomes ``[@a; @b]``."""
    text = _SPACE_BEFORE_MARK.sub("", _MARKS_BEFORE_STOP.sub(r"\g<stop>\g<marks>", text))
    return _MARKS_SIDE_BY_SIDE.sub(_one_mark, text)


def _one_mark(marks: re.Match[str]) -> str:
    return "[@" + "; @".join(key for mark in MARK.finditer(marks[0]) for key in keys_of(mark[1])) + "]"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a prose value: where it is, its marks, and whether it ends with one."""

    start: int
    text: str
    marks: tuple[tuple[int, tuple[str, ...]], ...]  # each mark: where it starts in the value, its keys
    marked: bool  # it ends with at least one mark

    @property
    def keys(self) -> tuple[str, ...]:
        """Every key the sentence marks, in order, once each."""
        return tuple(dict.fromkeys(key for _, keys in self.marks for key in keys))

    @property
    def words(self) -> str:
        """The sentence as a reader sees it: without its marks, on one line."""
        return " ".join(strip(self.text).split())


def _hidden(text: str) -> str:
    """The text with marks and [[links]] made opaque (the same length), so that the full
    stops inside them are not taken for the ends of sentences."""
    out = MARK.sub(lambda m: _HIDDEN * len(m[0]), text)
    return _LINK.sub(_hidden_link, out)


def _hidden_link(link: re.Match[str]) -> str:
    """A [[link]] made opaque, but for a full stop that ends its label ('[[x|at Geneva.]]'),
    which ends the sentence as one after it would, unless it ends an abbreviation ('U.S.')."""
    label = link[0][2:-2].rpartition("|")[2].rstrip()
    if label and label[-1] in ".!?" and not _ABBREVIATION.search(label[:-1]):  # "" is in every string
        return "L" * (len(link[0]) - 1) + label[-1]
    return "L" * len(link[0])


def _ends(hidden: str) -> Iterator[int]:
    """Where sentences end: after a full stop (and the marks that follow it) that is followed
    by a space and what can start a sentence; and at each blank line."""
    for stop in _STOP.finditer(hidden):
        end = stop.end() + len(_FOLLOWING_MARKS.match(hidden, stop.end())[0])  # type: ignore[index]
        rest = hidden[end:]
        following = rest.lstrip()
        if not following or rest[:1] not in " \t\n" or not _SENTENCE_START.match(following):
            continue
        marked = _HIDDEN in hidden[stop.end() : end]
        if stop[0] == "." and not marked and _ABBREVIATION.search(hidden, 0, stop.start()):
            continue
        yield end
    for blank in _PARAGRAPH.finditer(hidden):
        yield blank.start()


@functools.lru_cache(maxsize=1 << 14)  # check, the advice and the exports each split the same texts
def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of a prose value, in order."""
    hidden = _hidden(text)
    out, start = [], 0
    for end in [*sorted(set(_ends(hidden))), len(text)]:
        part = text[start:end]
        begin = start + len(part) - len(part.lstrip())
        body = text[begin:end].rstrip()
        if body:
            marks = tuple((begin + m.start(), tuple(keys_of(m[1]))) for m in MARK.finditer(body))
            marked = bool(_ENDS_MARKED.search(hidden[begin : begin + len(body)]))
            out.append(Sentence(begin, body, marks, marked))
        start = end
    return tuple(out)


@dataclass(frozen=True)
class Statement:
    """What a part's citations support: a prose value, or a role (its title and ``cite``)."""

    loc: Path_
    text: str
    cites: tuple[str, ...] | None = None  # a role's cite list; None for prose


@dataclass(frozen=True)
class Part:
    """A part of a record that holds citations (the record, a position, a theme) and the
    statements they support."""

    loc: Path_
    citations: list[Citation]
    statements: tuple[Statement, ...]

    @property
    def keys(self) -> dict[str, Citation]:
        return {c.key: c for c in self.citations if c.key}


def _inner_models(value: Any, loc: Path_) -> Iterator[tuple[Path_, BaseModel]]:
    """The models in a field's value: a list of them, or a mapping of lists (positions)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, BaseModel):
            yield loc + (key,), item
        elif isinstance(item, list):
            yield from ((loc + (key, i), x) for i, x in enumerate(item) if isinstance(x, BaseModel))


def statements(model: BaseModel, loc: Path_ = ()) -> Iterator[Statement]:
    """A part's prose values and roles; a part inside it with citations of its own is not its."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = loc + (info.alias or name,)
        if name in PROSE_FIELDS and isinstance(value, str):
            yield Statement(here, value)
        elif name in PROSE_FIELDS and isinstance(value, list):
            yield from (Statement(here + (i,), item) for i, item in enumerate(value))
        elif name != "citations":
            for at, inner in _inner_models(value, here):
                if "citations" not in type(inner).model_fields and "cite" in type(inner).model_fields:
                    yield Statement(at + ("cite",), str(getattr(inner, "title", "")), tuple(inner.cite))  # type: ignore[attr-defined]


def parts(model: BaseModel, loc: Path_ = ()) -> Iterator[Part]:
    """Every part of a record that holds citations, the record first, in field order."""
    fields = type(model).model_fields
    if "citations" in fields:
        yield Part(loc, model.citations, tuple(statements(model, loc)))  # type: ignore[attr-defined]
    for name, info in fields.items():
        if name != "citations":
            for at, inner in _inner_models(getattr(model, name), loc + (info.alias or name,)):
                if "citations" in type(inner).model_fields:
                    yield from parts(inner, at)


def marked(text: str, key: str) -> str:
    """The text with ``[@key]`` after each sentence that does not end with a mark yet."""
    out = text
    for sentence in reversed(sentences(text)):
        if not sentence.marked:
            end = sentence.start + len(sentence.text)
            out = f"{out[:end]} [@{key}]{out[end:]}"
    return out


def sentence_keys(model: BaseModel) -> list[tuple[str, str, tuple[str, ...]]]:
    """Each sentence of a part's own prose, in order: its field (``summary``,
    ``outcomes[0]``), its words without marks, and the keys of the citations it marks."""
    return [
        (dotted(statement.loc), sentence.words, sentence.keys)
        for statement in statements(model)
        if statement.cites is None
        for sentence in sentences(statement.text)
    ]


def is_marked(model: BaseModel, found: list[Part] | None = None) -> bool:
    """Whether a record uses keys and marks; if not, it is in the form before them.
    ``found``: its parts, where the caller has them already."""
    for part in parts(model) if found is None else found:
        if part.keys or any(s.cites or (s.cites is None and "[@" in s.text) for s in part.statements):
            return True
    return False


_COMMON = frozenset(
    """
    about after also been before being from have into over said such that their them then
    there these they this those very were what when where which while with would
    """.split()
)


def key_for(quote: str | None, source: str, taken: Collection[str] = ()) -> str:
    """A short key for a citation, from three telling words of its quote (else of its source),
    unlike any key in ``taken``."""
    words = [w for w in re.findall(r"[A-Za-z0-9]+", quote or "") if len(w) > 3 and w.lower() not in _COMMON]
    base = slug(" ".join(words[:3])) or slug(source, max_words=3) or "source"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _shown(text: str, limit: int = 60) -> str:
    flat = " ".join(strip(text).split())
    return f"'{flat}'" if len(flat) <= limit else f"'{flat[: limit - 1].rsplit(' ', 1)[0]} …'"


def _here(keys: dict[str, Citation]) -> str:
    return f"(keys here: {', '.join(keys) if keys else 'none'})"


def _unknown(what: str, key: str, part: Part, owners: dict[str, Path_]) -> str:
    keys = part.keys
    if key in owners:
        where = dotted(owners[key]) or "the record itself"
        return f"{what} names a citation of {where}; a statement marks the citations of its own part {_here(keys)}"
    return f"{what} names no citation{did_you_mean(key, keys)} {_here(keys)}"


def _used(part: Part) -> set[str]:
    """The keys the part's statements mark."""
    used: set[str] = set()
    for statement in part.statements:
        if statement.cites is not None:
            used.update(statement.cites)
        else:
            used.update(key for mark in MARK.finditer(statement.text) for key in keys_of(mark[1]))
    return used


def _statement_problems(entry: Entry[Any], part: Part, owners: dict[str, Path_]) -> Iterator[Problem]:
    keys = part.keys
    for statement in part.statements:
        if statement.cites is not None:  # a role
            if not statement.cites:
                yield entry.problem(
                    statement.loc[:-1], "a role needs a mark: cite: [key] names the citations that support it"
                )
            for i, key in enumerate(statement.cites):
                if key not in keys:
                    yield entry.problem(statement.loc + (i,), _unknown(f"'{key}'", key, part, owners))
            continue
        for bad in _LOOKS_LIKE_MARK.finditer(statement.text):
            if not MARK.fullmatch(bad[0]):
                message = (
                    f"'{bad[0]}' is not a mark: write [@key] or [@a; @b], where a key is lowercase "
                    "letters, digits and single hyphens"
                )
                yield entry.problem_in(statement.loc, statement.text, bad.start(), message)
        for sentence in sentences(statement.text):
            for offset, mark_keys in sentence.marks:
                for key in mark_keys:
                    if key not in keys:
                        yield entry.problem_in(
                            statement.loc, statement.text, offset, _unknown(f"mark [@{key}]", key, part, owners)
                        )
            if not sentence.marked:
                message = (
                    f"sentence {_shown(sentence.text)} does not end with a mark: end it with [@key], "
                    f"for the citation that supports it {_here(keys)}"
                )
                yield entry.problem_in(statement.loc, statement.text, sentence.start, message)


def _citation_problems(entry: Entry[Any], part: Part, used: set[str]) -> Iterator[Problem]:
    for i, citation in enumerate(part.citations):
        if citation.key is None:
            key = key_for(citation.quote, citation.source, part.keys.keys())
            message = (
                f"the citation has no key, so no statement can mark it: give it one (key: {key}) "
                "and mark the statements it supports with it"
            )
            yield entry.problem(part.loc + ("citations", i), message)
        elif citation.key not in used:
            message = (
                f"citation '{citation.key}' supports no statement: mark the sentences it supports "
                f"with [@{citation.key}], or remove it"
            )
            yield entry.problem(part.loc + ("citations", i, "key"), message)


def problems(entry: Entry[Any]) -> list[Problem]:
    """What breaks the rules of marks in a marked record (none for one in the old form):
    every sentence of a statement ends with a mark, a role cites, every mark names a
    citation of its own part, every citation has a key, unique in the record, and is marked.
    A problem in a sentence is placed at the sentence, one with a mark at the mark."""
    every = list(parts(entry.model))
    if not is_marked(entry.model, every):
        return []
    found: list[Problem] = []
    owners: dict[str, Path_] = {}  # key -> the part whose citation it names
    first: dict[str, Path_] = {}  # key -> the citation it names
    for part in every:
        for i, citation in enumerate(part.citations):
            if citation.key is None:
                continue
            here = as_written(entry.raw.data, part.loc + ("citations", i))
            if citation.key in first:
                taken = dotted(first[citation.key])
                message = f"key '{citation.key}' already names {taken}: a key names one citation of a record"
                found.append(entry.problem(part.loc + ("citations", i, "key"), message))
            else:
                owners[citation.key], first[citation.key] = here[:-2], here
    for part in every:
        others = {key: loc for key, loc in owners.items() if key not in part.keys}
        found += _statement_problems(entry, part, others)
        found += _citation_problems(entry, part, _used(part))
    return found


OLD_FORM = (
    "this record is in the form before citation marks (its citations have no keys): give each "
    "citation a key (key: geneva) and end each sentence, outcome, development, position and theme "
    "with the marks of the citations that support it ([@geneva]); a role names them in "
    "cite: [geneva]. See 'Citation marks' in README.md"
)


def is_old(model: BaseModel) -> bool:
    """Whether a record is in the form before marks: it has citations, and no keys or marks."""
    if "citations" not in type(model).model_fields:
        return False
    # A key on the record's own citations marks it: the common case, told without reading its prose.
    return not any(c.key for c in model.citations) and not is_marked(model)  # type: ignore[attr-defined]


def old_form(entry: Entry[Any]) -> Problem:
    """The one warning for a record in the form before marks, at its citations."""
    return entry.problem(("citations",), OLD_FORM, at_key=True)
