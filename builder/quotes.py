"""Checking that a quote really occurs in its archived source."""

from __future__ import annotations

import difflib
import re

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
    }
)
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text as compared: typographic quotes and dashes made plain, white space single."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


class Archive:
    """An archived source text, folded once, with a way to find a quote's nearest passage."""

    def __init__(self, text: str) -> None:
        self.folded = fold(text)
        self._words = self.folded.split(" ")

    def __contains__(self, quote: str) -> bool:
        return fold(quote) in self.folded

    def closest(self, quote: str) -> str:
        """The passage of the archive, as long as the quote, that reads most like it."""
        want = fold(quote).split(" ")
        n = len(want)
        target = " ".join(want).lower()
        best, best_score = "", -1.0
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(target)
        for start in range(max(1, len(self._words) - n + 1)):
            window = " ".join(self._words[start : start + n])
            matcher.set_seq1(window.lower())
            if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
                continue
            score = matcher.ratio()
            if score > best_score:
                best, best_score = window, score
        return best
