"""What is left of a record that failed validation: the fields that passed it.

A record with a wrong date may still name an unknown leader and quote words its source does
not hold. Its schema errors are reported by validate; the fields that passed are kept in a
*partial* model, so that resolve can report those other problems in the same run rather
than after the first ones are fixed. A partial model is checked, never rendered.
"""

from __future__ import annotations

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
    """The record's fields that passed validation, as a partial model of ``cls``; each field
    with an error (or an unknown field) is left out whole."""
    failed = {err["loc"][0] for err in errors if err["loc"]}
    kept = {key: value for key, value in data.items() if key not in failed}
    try:
        return partial_model(cls).model_validate(kept)
    except ValidationError:  # a rule across fields; none fails once the failed fields are out
        return None
