"""Validate stage: each raw record to its typed model, every problem located at its value."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, did_you_mean
from .load import Path_, RawRecord, dotted
from .schema import ARCHIVE_PATTERN, MODELS, Issue, Leader, Meeting, Record


@dataclass(frozen=True)
class Entry:
    """A record that passed validation: its typed model and where its values are."""

    raw: RawRecord
    model: Any  # the kind's Record subclass

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
        """What readers see for this record: a leader's name, anything else's title."""
        return str(self.model.name if self.kind == "leader" else self.model.title)

    def problem(self, loc: Path_, message: str, at_key: bool = False) -> Problem:
        line, column = self.raw.where_key(loc) if at_key else self.raw.where(loc)
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


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            yield from _models_in(arg)


def _model_at(cls: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The model class that holds the mapping at ``loc``, for suggesting field names."""
    current: type[BaseModel] | None = cls
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if info is None:
            # a dict key (e.g. a leader id under positions) keeps the current value model
            continue
        current = next(_models_in(info.annotation), None)
    return current


def _field_names(cls: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in cls.model_fields.items()]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a yes/no value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "text"


def _message(cls: type[Record], raw: RawRecord, err: Any) -> tuple[Path_, str]:
    # pydantic marks an error in a mapping's key with a trailing '[key]'
    loc: Path_ = tuple(part for part in err["loc"] if part != "[key]")
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    if kind == "extra_forbidden":
        owner = _model_at(cls, loc[:-1])
        hint = did_you_mean(str(loc[-1]), _field_names(owner)) if owner else ""
        return loc, f"unknown field '{loc[-1]}'{hint}"
    if kind == "missing":
        return loc, "required field is missing"
    if kind == "string_type":
        literal = raw.literals.get(loc)
        if isinstance(value, bool) and literal is not None:
            return loc, f'expected text, but YAML reads unquoted {literal} as {str(value).lower()}: write "{literal}"'
        if literal is not None:
            return loc, f'expected text, but YAML reads unquoted {literal} as a number: write "{literal}"'
        return loc, f"expected text, got {_describe(value)}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        want = "a list" if kind == "list_type" else "a mapping"
        return loc, f"expected {want}, got {_describe(value)}"
    if kind == "too_short":
        return loc, f"needs at least {ctx['min_length']} item(s), got {ctx['actual_length']}"
    if kind == "string_too_short":
        return loc, "must not be empty"
    if kind == "string_too_long":  # only ids have a maximum
        return loc, f"an id of {len(value)} characters; an id may have at most {ctx['max_length']}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ARCHIVE_PATTERN:
            return loc, f"'{value}' must be the name of a .txt file beside this record, like {raw.id}.txt"
        return loc, f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens"
    if kind in ("enum", "literal_error"):
        return loc, f"'{value}' is not one of {ctx['expected']}"
    if kind == "value_error":
        return loc, str(ctx["error"])
    msg = err["msg"]
    return loc, msg[:1].lower() + msg[1:]


def _checks(entry: Entry) -> Iterator[Problem]:
    """Rules within one record that a type cannot express."""
    model = entry.model
    if isinstance(model, Meeting):
        if model.end_date and model.end_date.covers_before(model.date):
            yield entry.problem(("end_date",), f"ends ({model.end_date}) before it starts ({model.date})")
        for field in ("participants", "issues"):
            seen: set[str] = set()
            for i, ref in enumerate(getattr(model, field)):
                if ref in seen:
                    yield entry.problem((field, i), f"'{ref}' is listed twice")
                seen.add(ref)
    if isinstance(model, Leader):
        for i, role in enumerate(model.roles):
            if role.from_ and role.to and role.to.covers_before(role.from_):
                yield entry.problem(("roles", i, "to"), f"ends ({role.to}) before it starts ({role.from_})")
    if isinstance(model, Issue):
        for i, ref in enumerate(model.related):
            if ref == entry.id:
                yield entry.problem(("related", i), "an issue cannot be related to itself")
            elif ref in model.related[:i]:
                yield entry.problem(("related", i), f"'{ref}' is listed twice")


def validate(raws: list[RawRecord]) -> tuple[list[Entry], list[Problem]]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for raw in raws:
        cls = MODELS[raw.kind]
        try:
            model = cls.model_validate(raw.data)
        except ValidationError as exc:
            for err in exc.errors():
                loc, message = _message(cls, raw, err)
                on_key = err["type"] == "extra_forbidden" or "[key]" in err["loc"]
                line, column = raw.where_key(loc) if on_key else raw.where(loc)
                problems.append(Problem(raw.path, line, column, raw.kind, raw.id, dotted(loc), message))
            continue
        entry = Entry(raw, model)
        found = list(_checks(entry))
        problems += found
        if not found:
            entries.append(entry)
    return entries, problems
