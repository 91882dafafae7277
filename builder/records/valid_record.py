"""A record that passed validation: its typed model, and where each of its values was written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from builder.errors import Problem
from builder.records.models import Record
from builder.records.raw_record import Path_, RawRecord, as_written, dotted

M = TypeVar("M", bound=Record, covariant=True)

Key = tuple[str, str]
"""A record's kind and id: ``("leader", "putin")``."""


@dataclass(frozen=True)
class Entry(Generic[M]):
    """One record of one kind; ``Entry[Meeting]`` lets the type checker see a meeting's fields."""

    raw: RawRecord
    model: M

    @property
    def kind(self) -> str:
        return self.raw.kind

    @property
    def id(self) -> str:
        return self.raw.id

    @property
    def path(self) -> str:
        return self.raw.path

    @property
    def display_name(self) -> str:
        """What readers see for this record: its name or title (the kind says which field)."""
        return self.model.display_name()

    def problem(self, loc: Path_, message: str, at_key: bool = False) -> Problem:
        loc = as_written(self.raw.data, loc)
        line, column = self.raw.where_key(loc) if at_key else self.raw.where(loc)
        return Problem(self.path, line, column, self.kind, self.id, dotted(loc), message)

    def problem_in(self, loc: Path_, value: str, offset: int, message: str) -> Problem:
        """A problem at character ``offset`` of the text ``value`` at ``loc`` (a sentence, a mark)."""
        loc = as_written(self.raw.data, loc)
        line, column = self.raw.where_in(loc, value, offset)
        return Problem(self.path, line, column, self.kind, self.id, dotted(loc), message)


def walk(value: Any, loc: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every value inside a model, with its location as written in YAML (aliases, not names)."""
    yield loc, value
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from walk(getattr(value, name), loc + (info.alias or name,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, loc + (i,))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, loc + (key,))
