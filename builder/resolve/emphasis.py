"""Which '*' and '_' in record text pair up as emphasis, found in time linear in the text.

The rule (the prose policy is in builder.resolve.prose): a pair is a marker, ``**`` or ``__``
for strong emphasis, ``*`` or ``_`` for emphasis, then some text, then the same marker again.

- The opening marker has no '*' or '_' just before it, and its text starts with neither a
  space nor a '*' or '_'; an opening ``_`` or ``__`` does not follow a letter or digit.
- The closing marker follows neither a space nor a '*' or '_', and is followed by neither a
  '*' or '_' nor a letter or digit.
- The text between is on one line.

Pairs are taken from left to right, each opening marker with the nearest closing one after
it. (A regular expression with a lazy ``(.+?)`` said the same, but scanned from every opening
marker without a partner to the end of its line: a 99 KB summary of ``*a *a *a …`` took 86
seconds to check.) Closing markers depend only on the characters around them, so they are
listed once, and each opening marker takes the first one past it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MARKERS = "*_"
_MARKER = re.compile("[*_]")


def _plain_at(text: str, i: int) -> bool:
    """Whether there is a character at ``i`` and it is neither a space nor a marker."""
    return 0 <= i < len(text) and not text[i].isspace() and text[i] not in MARKERS


def _opens(line: str, i: int, width: int) -> bool:
    char = line[i]
    if line[i : i + width] != char * width or (i > 0 and line[i - 1] in MARKERS):
        return False
    if char == "_" and i > 0 and line[i - 1].isalnum():
        return False
    return _plain_at(line, i + width)


def _closes(line: str, i: int, width: int) -> bool:
    char = line[i]
    if line[i : i + width] != char * width or not _plain_at(line, i - 1):
        return False
    after = line[i + width] if i + width < len(line) else ""
    return not (after and (after in MARKERS or after.isalnum()))


def _line_pairs(line: str, width: int) -> Iterator[tuple[int, int]]:
    marks = [found.start() for found in _MARKER.finditer(line)]
    closing: dict[str, list[int]] = {char: [] for char in MARKERS}
    for i in marks:
        if _closes(line, i, width):
            closing[line[i]].append(i)
    taken = dict.fromkeys(MARKERS, 0)  # how many of each kind's closing markers lie behind
    done = 0  # where the last pair ended: markers before it are inside or behind a pair
    for i in marks:
        if i < done or not _opens(line, i, width):
            continue
        char, first = line[i], i + width + 1  # at least one character of text
        found = closing[char]
        while taken[char] < len(found) and found[taken[char]] < first:
            taken[char] += 1
        if taken[char] < len(found):
            done = found[taken[char]] + width
            yield i, done


def pairs(text: str, width: int) -> Iterator[tuple[int, int]]:
    """Where each pair of markers ``width`` long (2: strong, 1: emphasis) starts and ends in
    ``text``, from left to right."""
    if "*" not in text and "_" not in text:
        return
    start = 0
    # A pair never spans a line break, and a line break is to the markers around it what the
    # start or end of the text is: the lines are paired one by one.
    for line in text.split("\n"):
        for begin, end in _line_pairs(line, width):
            yield start + begin, start + end
        start += len(line) + 1
