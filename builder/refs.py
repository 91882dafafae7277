"""What one record refers to: typed references by field, and ``[[id]]`` links in its prose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .load import Path_
from .markdown import LINK_RE
from .schema import Citation, Issue, Meeting
from .validate import Entry, walk

PROSE_KEYS = frozenset({"summary", "text", "outcomes", "note"})


@dataclass(frozen=True)
class Reference:
    loc: Path_
    target: str
    kind: str | None  # None for a [[link]], whose kind is found by its id
    citation: Citation | None = None
    is_key: bool = False  # the id is a mapping key (positions), not a value


def _is_prose(loc: Path_) -> bool:
    named = [part for part in loc if isinstance(part, str)]
    return (
        bool(named)
        and named[-1] in PROSE_KEYS
        and not (
            # a leader id under positions could be called 'text'; only the field counts
            len(loc) >= 2 and loc[-2] == "positions"
        )
    )


def references(entry: Entry) -> Iterator[Reference]:
    model = entry.model
    if isinstance(model, Meeting):
        for i, leader in enumerate(model.participants):
            yield Reference(("participants", i), leader, "leader")
        for i, issue in enumerate(model.issues):
            yield Reference(("issues", i), issue, "issue")
    if isinstance(model, Issue):
        for i, issue in enumerate(model.related):
            yield Reference(("related", i), issue, "issue")
        for leader in model.positions:
            yield Reference(("positions", leader), leader, "leader", is_key=True)
    for loc, value in walk(model):
        if isinstance(value, Citation):
            yield Reference(loc + ("source",), value.source, "source", value)
        elif isinstance(value, str) and _is_prose(loc):
            for match in LINK_RE.finditer(value):
                yield Reference(loc, match[1].strip(), None)
