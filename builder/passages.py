"""``summitry quote``: the passages of an archived text that best match some words, in the
archive's own characters, so that pasted as a citation's quote they pass the quote check."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .draft import archived_text
from .pipeline import Project, check
from .quotes import _FOLD, fold, lowered
from .sentences import split


@dataclass(frozen=True)
class Passage:
    score: int  # 0-100, how well the words match it
    line: int
    text: str  # the archive's characters, white space made single


def word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``text[start:end]`` made whole words: a word cut at either end is kept when at least
    half of it lies inside the span, and dropped otherwise."""

    def word_at(i: int) -> tuple[int, int]:
        left = text.rfind(" ", 0, i) + 1
        right = text.find(" ", i)
        return left, len(text) if right < 0 else right

    first = start
    if start < end and start > 0 and text[start - 1] != " " and text[start] != " ":
        left, right = word_at(start)
        start = left if right - start >= start - left else right
    if start < end < len(text) and text[end - 1] != " " and text[end] != " ":
        left, right = word_at(end - 1)
        end = right if end - left >= right - end else left
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return (start, end) if start < end else word_at(min(first, len(text) - 1))


# Folding keeps a character's length but for a few ('\u2026' into '...'): those are first
# folded to a private-use stand-in each, so that the text can be folded in one pass.
_LONG = {k: v for k, v in _FOLD.items() if isinstance(v, str) and len(v) != 1}
_STAND_IN = {k: chr(0xE000 + i) for i, k in enumerate(sorted(_LONG))}
_SHORT = {**_FOLD, **_STAND_IN}
_BACK = {ord(_STAND_IN[k]): _LONG[k] for k in _LONG}


class Folded:
    """A text as quotes.fold makes it, and the way back from each of its characters to the
    text's own: kept per word, as a word keeps its length unless it holds a '\u2026'."""

    def __init__(self, text: str) -> None:
        runs = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", text.translate(_SHORT))]
        self._origins = [start for start, _ in runs]
        words = [word.translate(_BACK) for _, word in runs]
        self._starts = list(itertools.accumulate((len(w) + 1 for w in words), initial=0))[:-1]
        self._odd: dict[int, list[int]] = {}  # words whose length folding changed: offsets per character
        for i, (start, word) in enumerate(runs):
            if len(words[i]) != len(word):
                self._odd[i] = [start + k for k, c in enumerate(word) for _ in range(len(c.translate(_BACK)))]
        self.text = " ".join(words)

    def origin(self, at: int) -> int:
        """The offset in the text of the folded character at ``at`` (a character of a word)."""
        word = bisect.bisect_right(self._starts, at) - 1
        inside = at - self._starts[word]
        odd = self._odd.get(word)
        return odd[inside] if odd is not None else self._origins[word] + inside

    def at(self, offset: int) -> int:
        """The folded offset of the first word that starts at or after ``offset`` in the text."""
        word = bisect.bisect_left(self._origins, offset)
        return self._starts[word] if word < len(self._starts) else len(self.text)


def find(text: str, words: str, limit: int = 3) -> list[Passage]:
    """The best passage of the whole text, then the best within other sentences, best first."""
    query = lowered(fold(words))
    folded = Folded(text)
    if not query or not folded.text:
        return []
    low = lowered(folded.text)
    regions = [(0, len(folded.text))]
    for sentence in split(text):
        end = folded.at(sentence.end)
        regions.append((folded.at(sentence.start), end - 1 if end < len(low) else end))
    # the whole text first, then the sentences most like the words, scored in one C loop
    ranked = process.extract(query, [low[a:b] for a, b in regions[1:]], scorer=fuzz.partial_ratio, limit=limit * 4)
    spans: list[tuple[float, int, int]] = []
    for first, end in [regions[0], *(regions[i + 1] for _, _, i in ranked)]:
        if len(spans) >= limit:
            break
        found = fuzz.partial_ratio_alignment(query, low[first:end])
        if found is None:
            continue
        a, b = word_span(folded.text, first + found.dest_start, first + found.dest_end)
        if a < b and not any(a < e and s < b for _, s, e in spans):
            spans.append((found.score, a, b))
    spans.sort(key=lambda s: (-s[0], s[1]))
    # a weak second match is noise beside a strong first one
    spans = [s for s in spans if s[0] >= max(60.0, spans[0][0] - 15)] if spans else []
    passages = []
    for score, a, b in spans:
        start, stop = folded.origin(a), folded.origin(b - 1) + 1
        passages.append(Passage(round(score), text.count("\n", 0, start) + 1, " ".join(text[start:stop].split())))
    return passages


def quote_lines(project: Project, source: str, words: str, limit: int) -> list[str]:
    site = check(project)
    text = archived_text(site, project.root, source)
    lines = []
    for p in find(text, words, limit):
        lines += [f"line {p.line}, {p.score}% alike:", f"  {p.text}"]
    return lines or [f"nothing in the archived text of '{source}' is like those words"]
