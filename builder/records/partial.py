"""What is left of a record that failed validation: the fields that passed it.

A record with a wrong date may still name an unknown leader and quote words its source does
not hold. Its schema errors are reported by validate; the fields that passed are kept in a
*partial* model, so that resolve can report those other problems in the same run rather
than after the first ones are fixed. A partial model is checked, never rendered.
"""

from __future__ import annotations

import copy
import functools
import typing
from typing import Annotated, Any

from pydantic import Field, ValidationError, create_model

from builder.records.models import Record


@functools.cache
def partial_model(cls: type[Record]) -> type[Record]:
    """``cls`` with every required field optional: a list left out is empty, any other value None."""
    fields: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if not info.is_required():
            continue
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        empty: Any = [] if typing.get_origin(info.annotation) is list else None
        fields[name] = (annotation, Field(empty, alias=info.alias))
    model: type[Record] = create_model(f"Partial{cls.__name__}", __base__=cls, **fields)
    return model


def salvage(cls: type[Record], data: dict[str, Any], errors: list[Any]) -> Record | None:
    """The record's fields that passed validation, as a partial model of ``cls``.

    A value that failed inside a field (an unknown key in one citation, a wrong date in one
    position) is left out alone if what holds it passes without it, so that its siblings are
    still checked (the other citations' quotes, the other positions' marks); otherwise, and
    for a field that failed as a whole, the field is left out whole."""
    inner = [tuple(err["loc"]) for err in errors if len(err["loc"]) > 1]
    if inner:
        pruned = _without(data, inner)
        try:
            return partial_model(cls).model_validate(pruned)
        except ValidationError as exc:  # what still fails is left out whole, as below
            data, errors = pruned, exc.errors()
    failed = {err["loc"][0] for err in errors if err["loc"]}
    kept = {key: value for key, value in data.items() if key not in failed}
    try:
        return partial_model(cls).model_validate(kept)
    except ValidationError:  # a rule across fields; none fails once the failed fields are out
        return None


def _without(data: dict[str, Any], locations: list[tuple[Any, ...]]) -> dict[str, Any]:
    """A copy of ``data`` without the mapping entries at ``locations``; an item of a list
    stays, so that the others keep their places (and the lines problems are told at)."""
    out = copy.deepcopy(data)
    for loc in locations:
        parent: Any = out
        try:
            for part in loc[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):  # a place only the validator knows (a union's branch)
            continue
        if isinstance(parent, dict):
            parent.pop(loc[-1], None)
    return out
