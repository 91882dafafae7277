"""An archived text as sentences, and the dates each sentence gives, at the precision it gives.

Dates are found by hand-written rules rather than a date-parsing library: a library such
as dateparser fills in what the text leaves out (a day for "June 2021", the current year
for "16 June"), while a record must be exactly as precise as its source. The rules know
"16 June 2021", "June 16, 2021", "June 2021", "2021", "16 June" and relative phrases such
as "a year later", and nothing else.
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from builder.records.dates import MONTHS, PartialDate


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span in the text (the archive's own characters) and where it is."""

    text: str
    start: int
    end: int
    line: int  # 1-based line of the text it starts on
    paragraph: int  # sentences of one line of text share a paragraph


# A period after these ends a word, not a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "capt",
    "st",
    "jr",
    "sr",
    "mt",
    "no",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")


def _ends_sentence(text: str, at: int) -> bool:
    """Whether the period at ``at`` closes a sentence: not after Mr, U.S or a lone initial."""
    if text[at] != ".":
        return True
    start = at  # back over the word before it: a search anchored at the end would be quadratic
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    before = text[start:at]
    return not (before.lower() in _ABBREVIATIONS or len(before) == 1 or "." in before)


def split(text: str) -> list[Sentence]:
    """The sentences of a text; a line break always ends one (headings, paragraphs)."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = 0
        cuts = [m.end() for m in _BOUNDARY.finditer(line) if _ends_sentence(line, m.start())]
        for end in [*cuts, len(line)]:
            piece = line[start:end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                begin = offset + start + lead
                sentences.append(Sentence(stripped, begin, begin + len(stripped), number, number))
            start = end
        offset += len(line) + 1
    return sentences


@dataclass(frozen=True)
class DateMention:
    """A date in a sentence: where it is, what it says, and how it was read."""

    start: int  # offsets within the sentence
    end: int
    date: PartialDate | None  # None: a relative date that could not be resolved
    end_date: PartialDate | None = None  # the last day of a span such as "16-17 June 2021"
    relative: bool = False
    explicit: bool = True  # a year is written out, so the date stands on its own


_MONTH_NAMES = {name.lower(): i + 1 for i, name in enumerate(MONTHS)}
_MONTH_NAMES.update({name[:3].lower(): i + 1 for i, name in enumerate(MONTHS)})
_MONTH_NAMES["sept"] = 9
_MONTH = "(?P<m>" + "|".join(n.capitalize() for n in sorted(_MONTH_NAMES, key=len, reverse=True)) + r")\b\.?"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_TO_DAY = r"(?:\s*[-\u2013\u2014]\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?"
_YEAR = r"(?P<y>1[89]\d\d|20\d\d)"

_ABSOLUTE = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b{_DAY}{_TO_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}{_TO_DAY},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"),
    re.compile(rf"\b{_DAY}{_TO_DAY}\s+(?:of\s+)?{_MONTH}(?!,?\s*\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}{_TO_DAY}\b(?!,?\s*\d)"),
    # a month alone only after a word that makes it one: "in July", not "May" the verb
    re.compile(rf"\b(?:[Ii]n|[Ee]arly|[Ll]ate)\s+(?:mid-)?{_MONTH}(?!,?\s*\d)"),
    # a year alone, but not one end of a range ("2017-2021") nor a decade ("1990s")
    re.compile(rf"(?<![\d\-\u2013/])\b{_YEAR}\b(?![\-\u2013/]\d)"),
]

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10}
_COUNT = r"(?P<n>an?|one|two|three|four|five|six|ten|\d+)"
_UNIT = r"(?P<unit>year|month|week|day)"
_RELATIVE = [
    re.compile(rf"\b{_COUNT}\s+{_UNIT}s?\s+later\b", re.IGNORECASE),
    re.compile(rf"\bthe\s+(?:following|next)\s+{_UNIT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:later|earlier)\s+(?:in\s+)?that\s+(?:same\s+)?{_UNIT}\b", re.IGNORECASE),
    re.compile(rf"\b(?:that|the)\s+same\s+{_UNIT}\b", re.IGNORECASE),
]


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTH_NAMES[text.lower().rstrip(".")]


def _absolute(match: re.Match[str]) -> tuple[PartialDate, PartialDate | None] | None:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else 0
    month = _month(groups["m"]) if groups.get("m") else 0
    try:
        first = PartialDate.parse(_iso(year or 2000, month, int(groups.get("d") or 0)))
        last = PartialDate.parse(_iso(year or 2000, month, int(groups["d2"]))) if groups.get("d2") else None
    except ValueError:
        return None  # "31 June": not a date, so not read as one
    if last is not None and not first.covers_before(last):
        last = None
    if not year:
        first = PartialDate(0, first.month, first.day)
        last = PartialDate(0, last.month, last.day) if last else None
    return first, last


def _iso(year: int, month: int, day: int) -> str:
    return f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def _shift(anchor: PartialDate, unit: str, n: int) -> PartialDate | None:
    """``anchor`` moved by ``n`` units, at no finer precision than the unit and the anchor allow."""
    if unit == "year":
        return PartialDate(anchor.year + n)
    if unit == "month":
        if not anchor.month:
            return None
        months = anchor.year * 12 + anchor.month - 1 + n
        return PartialDate(months // 12, months % 12 + 1)
    if not anchor.day:
        return None
    day = anchor.first_day() + datetime.timedelta(days=n * (7 if unit == "week" else 1))
    return PartialDate(day.year, day.month, day.day)


def _taken(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_dates(text: str, previous: list[DateMention] | None = None) -> list[DateMention]:
    """The dates of a sentence in order. A date without a year ("16 June") and a relative
    one ("a year later") are resolved against the latest explicit date before them in the
    sentence, or else the last one of the previous sentence (``previous``); failing that, or
    where a date without a year would fall before that date in its year, their date is None."""
    found: list[tuple[int, int, PartialDate | None, PartialDate | None, bool, str, int]] = []
    spans: list[tuple[int, int]] = []
    for pattern in _ABSOLUTE:
        for match in pattern.finditer(text):
            if _taken(spans, match.start(), match.end()):
                continue
            read = _absolute(match)
            if read is not None:
                spans.append((match.start(), match.end()))
                found.append((match.start(), match.end(), read[0], read[1], False, "", 0))
    for pattern in _RELATIVE:
        for match in pattern.finditer(text):
            if _taken(spans, match.start(), match.end()):
                continue
            spans.append((match.start(), match.end()))
            groups = match.groupdict()
            n, words = groups.get("n"), match.group(0).lower()
            if n:
                count = int(n) if n.isdigit() else _NUMBERS[n.lower()]
            else:
                count = 0 if "same" in words or "that" in words else 1
            found.append((match.start(), match.end(), None, None, True, groups["unit"].lower(), count))
    found.sort(key=lambda f: f[0])
    mentions: list[DateMention] = []
    for start, end, date, last, relative, unit, count in found:
        anchors = [m.date for m in mentions if m.explicit and m.date] or [
            m.date for m in previous or () if m.explicit and m.date
        ][-1:]
        anchor = anchors[-1] if anchors else None
        if relative:
            resolved = _shift(anchor, unit, count) if anchor else None
            mentions.append(DateMention(start, end, resolved, None, relative=True, explicit=False))
        elif date is not None and date.year == 0:
            year = anchor.year if anchor else 0
            if anchor and PartialDate(year, date.month, date.day).covers_before(anchor):
                # "30 December 2021 ... on June 16": the text does not say which June (the next,
                # more likely); the anchor's year would be a guess, at the day's precision
                year = 0
            mentions.append(
                DateMention(
                    start,
                    end,
                    PartialDate(year, date.month, date.day) if year else None,
                    PartialDate(year, last.month, last.day) if year and last else None,
                    relative=True,
                    explicit=False,
                )
            )
        else:
            mentions.append(DateMention(start, end, date, last))
    return mentions


_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas|before|after|then)\s+|;\s+")


def clauses(sentence: Sentence, is_event: Callable[[str], bool]) -> list[Sentence]:
    """The sentence cut where a clause reporting one event ends and another begins
    ("they met in Geneva on 16 June, and on 30 December they spoke by phone"); the
    sentence whole when fewer than two of its clauses report an event."""
    text = sentence.text
    cuts = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text)]
    events = [a for a, b in itertools.pairwise(cuts) if is_event(text[a:b])]
    if len(events) < 2:
        return [sentence]
    starts = [0, *events[1:]]  # the sentence's opening words belong to its first event
    out = []
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[a:b].rstrip(" ,;") if b < len(text) else text[a:]
        out.append(
            Sentence(piece, sentence.start + a, sentence.start + a + len(piece), sentence.line, sentence.paragraph)
        )
    return out
