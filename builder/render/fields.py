"""Where each field of a record goes: the JSON, the CSV, the JSON-LD and the record's page.

The JSON and the CSV follow the models by themselves (builder/render/record_data.py): a field
added to a model reaches both with no other change. The JSON-LD maps fields one by one
(``MAPPING`` in builder/render/json_ld.py), and a page shows what its template shows. What a
field deliberately does not reach is listed here, once, with the reason; tests/test_fields.py
changes every field of a knowledge base where all are set, one at a time, and fails on a
field that reaches a destination it is listed as left out of, or misses one it is not,
naming the place the field must go.

Fields are named ``Model.field``, as in builder/records/models.py; a field of a nested
model (``Citation.quote``) is named once for every record that holds it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Destination = Literal["json", "csv", "json-ld", "page"]
DESTINATIONS: tuple[Destination, ...] = ("json", "csv", "json-ld", "page")

WHERE: dict[Destination, str] = {
    "json": "data/summitry.json: builder/render/record_data.py writes every model field by itself; "
    "a value of a new type needs a case in _Data.json_value there",
    "csv": "data/*.csv: builder/render/record_data.py makes a column of every model field by itself; "
    "a value of a new type needs a case in _shape and _Data.cells there, or a table in CHILD_TABLES",
    "json-ld": "the page's JSON-LD: map the field in MAPPING in builder/render/json_ld.py",
    "page": "the record's page: show the field in its template, builder/render/templates/<kind>.md.j2",
}
"""Where a field that reaches no destination must go, to say so in a failing test."""

_OLD_IDS = "old ids only keep old addresses and references working: the record's id is what it is now"
_NESTED = "a row of this table has one cell per field; the JSON gives every part of the record"
_NOT_SCHEMA = "schema.org has no property that says it"
_CITATION = "schema.org's citation names the work cited; the quote and note are on the page and in the JSON"
_DISTINCT = (
    "it tells summitry check that two alike records are two events, people or documents; readers see both records"
)
_NOT_LD = "the JSON-LD says what the record is; this is part of what the sources say of it, on the page and in the JSON"

OMITTED: dict[str, dict[Destination, str]] = {
    "*.aliases": {"json": _OLD_IDS, "csv": _OLD_IDS, "json-ld": _OLD_IDS, "page": _OLD_IDS},
    "Citation.key": {
        "csv": _NESTED,
        "json-ld": _CITATION,
        "page": "a key ties a record's marks to its citations; the page shows each as a numbered footnote",
    },
    "*.distinct_from": {
        "json-ld": _NOT_SCHEMA,
        "page": _DISTINCT,
    },
    "Role.cite": {"json-ld": "schema.org gives a Role no citation; the page shows the role's marks"},
    "Source.no_archive": {"json-ld": _NOT_LD},
    "Citation.source": {"csv": _NESTED},
    "Citation.quote": {"csv": _NESTED, "json-ld": _CITATION},
    "Citation.note": {"csv": _NESTED, "json-ld": _CITATION},
    "Leader.country": {"json-ld": "schema.org's nationality is not the country a leader leads"},
    "Leader.citations": {"json-ld": "a Person has no citation in schema.org; the page's footnotes give them"},
    "Role.as_of": {"json-ld": _NOT_SCHEMA + " (a Role's endDate is when it ended, not when it was last seen)"},
    "Meeting.kind": {"json-ld": _NOT_SCHEMA + " for these kinds of meeting"},
    "Meeting.outcomes": {"json-ld": _NOT_LD},
    "Issue.related": {"json-ld": _NOT_SCHEMA + " between two DefinedTerms"},
    "Issue.developments": {"csv": _NESTED, "json-ld": _NOT_LD},
    "Issue.positions": {"json-ld": _NOT_LD},
    "Position.text": {"csv": _NESTED},
    "Position.as_of": {"csv": _NESTED},
    "Position.forecast": {"csv": _NESTED},
    "Issue.citations": {"json-ld": "a DefinedTerm has no citation in schema.org; the page's footnotes give them"},
    "Source.note": {"json-ld": _NOT_LD},
    "Source.accessed": {"json-ld": _NOT_SCHEMA},
    "Source.archive": {"json-ld": "the archived text is a file in the repository, not published with the site"},
    "Relationship.themes": {"csv": _NESTED, "json-ld": _NOT_LD},
    "Relationship.outlook": {"csv": _NESTED, "json-ld": _NOT_LD},
}
"""``Model.field`` -> the destinations it is left out of, each with the reason; ``*.field``
holds for that field of every model. A field left out of a destination leaves out what is
nested in it too (a theme's title with its theme)."""

RENAMED: dict[str, str] = {"Source.url": "address", "Role.as_of": "held_as_of"}
"""Fields the JSON and the CSV name otherwise than the record does, and the name they use."""


def field_name(model: type[BaseModel], name: str) -> str:
    """``Model.field`` for a model's field, by the name a record writes it under."""
    info = model.model_fields[name]
    return f"{model.__name__}.{info.alias or name}"


def omitted(field: str) -> dict[Destination, str]:
    """What ``Model.field`` is left out of, and why."""
    return OMITTED.get(field) or OMITTED.get("*." + field.split(".", 1)[1], {})


def left_out(model: type[BaseModel], name: str, destination: Destination) -> bool:
    return destination in omitted(field_name(model, name))


def data_name(model: type[BaseModel], name: str) -> str:
    """The key or column a field has in the JSON and the CSV."""
    written = field_name(model, name)
    return RENAMED.get(written, written.split(".", 1)[1])
