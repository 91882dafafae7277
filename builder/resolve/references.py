"""What one record refers to: typed references by field, and ``[[id]]`` links in its prose."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from builder.records.kinds import KINDS
from builder.records.models import Citation
from builder.records.raw_record import Path_
from builder.records.valid_record import Entry
from builder.resolve.prose import LINK_RE

PROSE_KEYS = frozenset({"summary", "text", "outcomes", "note"})


@dataclass(frozen=True)
class Reference:
    loc: Path_
    target: str
    kind: str | None  # None for a [[link]], whose kind is found by its id
    citation: Citation | None = None
    is_key: bool = False  # the id is a mapping key (positions), not a value


def is_prose(loc: Path_) -> bool:
    named = [part for part in loc if isinstance(part, str)]
    return (
        bool(named)
        and named[-1] in PROSE_KEYS
        and not (
            # a leader id under positions could be called 'text'; only the field counts
            len(loc) >= 2 and loc[-2] == "positions"
        )
    )


def references(entry: Entry[Any]) -> Iterator[Reference]:
    model = entry.model
    for ref in KINDS[entry.kind].refs:
        value = getattr(model, ref.field)
        if ref.keys:
            for key in value:
                yield Reference((ref.field, key), key, ref.target, is_key=True)
        else:
            for i, target in enumerate(value):
                yield Reference((ref.field, i), target, ref.target)
    # Depth first, in field order, like validate.walk, but without a generator per value:
    # this runs for every record on every build.
    stack: list[tuple[Path_, Any]] = [((), model)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, Citation):
            yield Reference(loc + ("source",), value.source, "source", value)
            stack.extend(_children(loc, value))
        elif isinstance(value, str):
            if "[[" in value and is_prose(loc):
                for match in LINK_RE.finditer(value):
                    if match[1].strip():  # [[|label]] names nothing: the prose check says so
                        yield Reference(loc, match[1].strip(), None)
        elif isinstance(value, (BaseModel, list, dict)):
            stack.extend(_children(loc, value))


@cache
def _fields(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    return tuple((name, info.alias or name) for name, info in cls.model_fields.items())


def _children(loc: Path_, value: Any) -> list[tuple[Path_, Any]]:
    """The values directly inside ``value``, last first (they are pushed on a stack)."""
    if isinstance(value, BaseModel):
        items = [(loc + (alias,), getattr(value, name)) for name, alias in _fields(type(value))]
    elif isinstance(value, list):
        items = [(loc + (i,), item) for i, item in enumerate(value)]
    else:
        items = [(loc + (key,), item) for key, item in value.items()]
    items.reverse()
    return items
