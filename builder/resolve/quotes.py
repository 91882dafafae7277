"""Checking that a quote really occurs in its archived source."""

from __future__ import annotations

import difflib
import re

from rapidfuzz import fuzz

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
        # invisible: a soft hyphen, zero-width spaces and joiners, a byte-order mark, which a
        # page copied from the web holds where no reader sees them (nor can type them)
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text as compared: typographic quotes and dashes made plain, invisible characters
    left out, white space single."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


def lowered(text: str) -> str:
    """Lower case, character for character, so that offsets still match the text."""
    low = text.lower()
    if len(low) == len(text):  # no character lowered into two ('İ'): the same offsets
        return low
    return "".join(c if len(low := c.lower()) != 1 else low for c in text)


ALIKE_AT_LEAST = 50
"""How alike (rapidfuzz's partial ratio, 0 to 100) the best place in an archive must be to a
quote not found there for it to be offered as the closest passage: 'zzzz qqqq' scores 22
against the Biden and Putin article (its closest was "and requiring"), a paraphrase 52 to 70."""


class Archive:
    """An archived source text, folded once, with a way to find a quote's nearest passage."""

    def __init__(self, text: str) -> None:
        self.text = text  # as written, for passages to offer (summitry new)
        self.folded = fold(text)
        self._lower: str | None = None  # made when a quote is not found, rarely

    def __contains__(self, quote: str) -> bool:
        return fold(quote) in self.folded

    def closest(self, quote: str) -> str:
        """The passage of the archive, as long as the quote in words, that reads most like it
        ("" when none is at least :data:`ALIKE_AT_LEAST` alike).

        rapidfuzz finds where in the archive the quote aligns best, in one pass in C; only the
        word windows around that place are then scored with difflib, where scoring every window
        of a long archive took seconds."""
        if self._lower is None:
            self._lower = lowered(self.folded)
        target = lowered(fold(quote))
        found = fuzz.partial_ratio_alignment(target, self._lower)
        if found is None or found.score < ALIKE_AT_LEAST:
            return ""  # nothing but common letters in common: no passage to offer
        n = len(target.split(" "))
        words = self.folded.split(" ")
        first = self.folded.count(" ", 0, found.dest_start)
        last = first + self.folded.count(" ", found.dest_start, found.dest_end)
        best, best_score = "", -1.0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(target)
        for start in range(max(0, first - n), max(1, min(last + 1, len(words) - n + 1))):
            window = " ".join(words[start : start + n])
            matcher.set_seq1(window.lower())
            if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
                continue
            score = matcher.ratio()
            if score > best_score:
                best, best_score = window, score
        return best
