"""A record as read from its YAML file, before validation: plain data, and where each value was."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

_RUN = re.compile(r"\S+")

Path_ = tuple[str | int, ...]
"""Where a value sits in a record: ``("citations", 0, "quote")``."""


def content_digest(data: bytes) -> str:
    """The digest of a file's bytes as the state keeps it (BLAKE2b, 128 bits)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class RawRecord:
    """One YAML file as plain data, before validation."""

    kind: str
    id: str
    path: str  # relative to the knowledge base root, with forward slashes
    data: dict[str, Any]
    positions: dict[Path_, tuple[int, int]] = field(repr=False)
    literals: dict[Path_, str] = field(default_factory=dict, repr=False)
    """The text of unquoted scalars YAML read as booleans or numbers, for error messages."""
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict, repr=False)
    """Line and column of each mapping key, for errors about the key itself."""
    text: str = field(default="", repr=False, compare=False)
    """The file as read, to find a sentence inside a long text value (:meth:`where_in`)."""
    digest: str = field(default="", repr=False, compare=False)
    """The digest of the bytes it was parsed from (:func:`content_digest`), which the state
    keeps for its file: a file saved again after a run looked at it is known by what was read."""

    def where_key(self, loc: Path_) -> tuple[int, int]:
        """Line and column of the key that names ``loc`` (for unknown or repeated fields)."""
        return self.keys.get(loc) or self.where(loc)

    def where(self, loc: Path_) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``loc``, or of its nearest parent."""
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))

    def where_in(self, loc: Path_, value: str, offset: int) -> tuple[int, int]:
        """Line and column of character ``offset`` of the text ``value`` written at ``loc``.

        YAML folds a long text's lines and indentation into spaces but keeps its words, so
        the character is found by counting words from where the value starts. Where the file
        does not have the value's words (escapes in a quoted text), the value's start it is."""
        line, column = self.where(loc)
        if offset < 0 or loc not in self.positions or not self.text:
            return line, column
        lines = self.text.split("\n")
        pos = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
        if self.text[pos : pos + 1] in (">", "|"):  # a block scalar: its text starts on the next line
            pos = self.text.find("\n", pos) + 1
        words = list(_RUN.finditer(value))
        index = next((i for i, w in enumerate(words) if w.end() > offset), len(words) - 1)
        found = None
        for i, run in enumerate(_RUN.finditer(self.text, pos)):
            if i == index:
                found = run
                break
        if found is None or index < 0:
            return line, column
        word = words[index]
        lead = found[0].find(word[0][:1]) if not found[0].startswith(word[0][:1]) else 0
        if lead < 0:
            return line, column
        at = found.start() + lead + max(0, offset - word.start())
        before = self.text.rfind("\n", 0, at)
        return self.text.count("\n", 0, at) + 1, at - before


def dotted(loc: Path_) -> str:
    """``citations[0].quote`` for ``("citations", 0, "quote")``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def as_written(data: Any, loc: Path_) -> Path_:
    """``loc`` as the YAML has it: a single mapping written for a list of one (a position)
    has no index, so ``positions.trump[0].text`` is ``positions.trump.text`` there."""
    out: list[str | int] = []
    current = data
    for part in loc:
        if isinstance(part, int) and isinstance(current, dict):
            if part == 0:
                continue
        out.append(part)
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            current = None
    return tuple(out)
