"""Validate stage: each raw record to its typed model, every problem located at its value."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from builder.errors import Problem, did_you_mean
from builder.records.kinds import KINDS
from builder.records.models import ARCHIVE_PATTERN, Record
from builder.records.partial import salvage
from builder.records.raw_record import Path_, RawRecord, as_written, dotted
from builder.records.valid_record import Entry


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


def _yaml_reads(literal: str, value: Any) -> str:
    """The YAML trap: unquoted no, on, 1984 are not text."""
    what = str(value).lower() if isinstance(value, bool) else "a number"
    return f'YAML reads unquoted {literal} as {what}: write "{literal}"'


def _as_text(cls: type[BaseModel], loc: Path_, literal: str) -> str | None:
    """What the field at ``loc`` says of ``literal`` given as text (quoted): None if it passes."""
    owner = _model_at(cls, loc[:-1])
    info = next((f for n, f in owner.model_fields.items() if (f.alias or n) == loc[-1]), None) if owner else None
    if info is None:
        return None
    try:
        TypeAdapter(info.rebuild_annotation()).validate_python(literal)
    except ValidationError as exc:
        first = exc.errors()[0]
        error = first.get("ctx", {}).get("error")
        return str(error) if error is not None else None
    return None


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
    literal = raw.literals.get(loc)
    if kind == "string_type":
        if literal is not None:
            return loc, f"expected text, but {_yaml_reads(literal, value)}"
        return loc, f"expected text, got {_describe(value)}"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        want = "a list" if kind == "list_type" else "a mapping"
        return loc, f"expected {want}, got {_describe(value)}"
    if kind == "too_short":
        return loc, f"needs at least {ctx['min_length']} item(s), got {ctx['actual_length']}"
    if kind == "too_long":  # builder.records.limits
        return loc, f"has {ctx['actual_length']:,} items; it may have at most {ctx['max_length']:,}"
    if kind == "string_too_short":
        return loc, "must not be empty"
    if kind == "string_too_long":  # only ids have a maximum
        return loc, f"an id of {len(value)} characters; an id may have at most {ctx['max_length']}"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == ARCHIVE_PATTERN:
            return loc, f"'{value}' must be the name of a .txt file beside this record, like {raw.id}.txt"
        return loc, f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens"
    if kind in ("enum", "literal_error"):
        if literal is None:
            return loc, f"'{value}' is not one of {ctx['expected']}"
        # Name the value as written ('no', not 'False'); where quoting it is the fix, say so.
        if f"'{literal}'" in ctx["expected"]:
            return loc, f"expected one of {ctx['expected']}, but {_yaml_reads(literal, value)}"
        return loc, f"'{literal}' is not one of {ctx['expected']}"
    if kind == "value_error":
        message = str(ctx["error"])
        if literal is not None and literal != str(value) and f"'{value}'" in message:
            # the value as written (0999, which YAML reads as the number 999), and why it was not;
            # quoting is the fix only if the text passes (a helper quoted 0999 and was refused again)
            as_text = _as_text(cls, loc, literal)
            hint = f" ({_yaml_reads(literal, value)})" if as_text is None else ""
            message = as_text or message.replace(f"'{value}'", f"'{literal}'", 1) + hint
        return loc, message
    msg = err["msg"]
    return loc, msg[:1].lower() + msg[1:]


def _checks(entry: Entry[Any]) -> Iterator[Problem]:
    """Rules within one record that a type cannot express: its kind's, and no id listed twice."""
    kind = KINDS[entry.kind]
    for field in kind.unique:
        seen: set[str] = set()
        for i, ref in enumerate(getattr(entry.model, field)):
            if ref in seen:
                yield entry.problem((field, i), f"'{ref}' is listed twice")
            seen.add(ref)
    for check in kind.checks:
        yield from check(entry)


def validate(raws: list[RawRecord]) -> tuple[list[Entry[Any]], list[Problem], list[Entry[Any]]]:
    """The records that pass, every problem, and what passed of those that do not (partial
    models, builder.records.partial), for the checks of later stages."""
    entries: list[Entry[Any]] = []
    problems: list[Problem] = []
    partial: list[Entry[Any]] = []
    for raw in raws:
        cls = KINDS[raw.kind].model
        try:
            model = cls.model_validate(raw.data)
        except ValidationError as exc:
            errors = exc.errors()
            for err in errors:
                loc, message = _message(cls, raw, err)
                loc = as_written(raw.data, loc)
                on_key = err["type"] == "extra_forbidden" or "[key]" in err["loc"]
                line, column = raw.where_key(loc) if on_key else raw.where(loc)
                problems.append(Problem(raw.path, line, column, raw.kind, raw.id, dotted(loc), message))
            kept = salvage(cls, raw.data, errors)
            if kept is not None:
                partial.append(Entry(raw, kept))
                problems += _checks(partial[-1])
            continue
        entry = Entry(raw, model)
        found = list(_checks(entry))
        problems += found
        if found:
            partial.append(entry)
        else:
            entries.append(entry)
    return entries, problems, partial
