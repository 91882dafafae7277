"""The record reference, written from the models themselves so that it cannot drift."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from builder.records.dates import PartialDate
from builder.records.kinds import KINDS
from builder.records.models import (
    ID_PATTERN,
    MAX_KEY_LENGTH,
    TYPES,
    Citation,
    Development,
    Expectation,
    Position,
    Role,
    Theme,
)


def _is_id(metadata: Any) -> bool:
    return any(getattr(m, "pattern", None) == ID_PATTERN for m in metadata)


def _is_key(metadata: Any) -> bool:
    return any(getattr(m, "max_length", None) == MAX_KEY_LENGTH for m in metadata)


def _type_name(annotation: Any, metadata: Any = ()) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if annotation is PartialDate:
        return "date"
    if origin is typing.Annotated:
        return _type_name(args[0], annotation.__metadata__)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"mapping of leader id to {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__.lower()
    if annotation is str:
        return "key" if _is_key(metadata) else "id" if _is_id(metadata) else "text"
    if annotation is bool:
        return "`true` \\| `false`"
    return str(annotation)


def _table(model: type[BaseModel]) -> str:
    rows = ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        about = " ".join((info.description or "").split()).replace("|", "\\|").replace("<", "&lt;")
        kind = _type_name(info.annotation, info.metadata)
        required = "yes" if info.is_required() else "no"
        rows.append(f"| `{info.alias or name}` | {kind} | {required} | {about} |")
    return "\n".join(rows)


def reference_markdown(level: int = 3) -> str:
    """Markdown tables, one per record kind and one per nested part, headed at ``level``."""
    hashes = "#" * level
    parts = []
    for kind in KINDS:
        parts.append(f"{hashes} {kind.capitalize()}: `{KINDS[kind].folder}/<id>.yaml`\n\n{_table(KINDS[kind].model)}")
    for model in (Citation, Role, Development, Position, Theme, Expectation):
        doc = " ".join((model.__doc__ or "").split())
        parts.append(f"{hashes} {model.__name__.lower()}\n\n{doc}\n\n{_table(model)}")
    rows = "\n".join(f"| {name} | {about.replace('<', '&lt;')} |" for name, about in TYPES.items())
    parts.append(f"{hashes} Values\n\n| Type | What it may hold |\n|---|---|\n{rows}")
    return "\n\n".join(parts) + "\n"
