"""A record as read from its YAML file, before validation: plain data, and where each value was."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path_ = tuple[str | int, ...]
"""Where a value sits in a record: ``("citations", 0, "quote")``."""


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

    def where_key(self, loc: Path_) -> tuple[int, int]:
        """Line and column of the key that names ``loc`` (for unknown or repeated fields)."""
        return self.keys.get(loc) or self.where(loc)

    def where(self, loc: Path_) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``loc``, or of its nearest parent."""
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))


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
