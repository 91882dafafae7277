"""Records as data: a JSON object and CSV rows per record, made from the models' own fields.

Every field of a kind's model is written, in the model's order, unless builder/render/fields.py
lists it as left out: a field added to a model reaches the JSON and the CSV with no change
here. What is no field of the record (its page's address, the meetings of a leader) is
added per kind, in ``JSON_DERIVED`` and ``CSV_DERIVED``.

In the JSON a date is ``{"value", "precision"}``, an id naming another record is
``{"id", "url"}``, a Markdown field is followed by the same text as plain text
(``summary_plain``), and nested parts are objects. In the CSV each field is a column; a date
is followed by its precision (``date_precision``); ids are joined with ';', other lists of
text with a line break; a mapping keyed by ids gives its ids; a list of nested parts gives a
table of its own where ``CHILD_TABLES`` names one (a leader's roles: roles.csv), and is
otherwise only in the JSON.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel

from builder.records.dates import PartialDate
from builder.records.kinds import KINDS
from builder.records.models import Citation, Expectation, Role
from builder.render.addresses import record_address
from builder.render.fields import WHERE, data_name, left_out
from builder.render.statements import in_date_order
from builder.render.track import Memo
from builder.resolve import marks
from builder.resolve.prose import plain_text
from builder.resolve.references import PROSE_KEYS
from builder.resolve.site import Site

PLAIN = "_plain"  # the suffix of the plain text that follows a Markdown field in the JSON


def address(kind: str, rid: str) -> str:
    return record_address((kind, rid))


def _ref(kind: str, rid: str) -> dict[str, str]:
    return {"id": rid, "url": address(kind, rid)}


def _date(date: PartialDate | None) -> dict[str, str] | None:
    return None if date is None else {"value": date.iso(), "precision": date.precision}


@dataclass(frozen=True)
class Derived:
    """A value that is no field of the record, and the key it follows in the JSON."""

    key: str
    value: Callable[[Site, str], Any]
    after: str = "url"


JSON_DERIVED: dict[str, tuple[Derived, ...]] = {
    "leader": (
        Derived("meetings", lambda s, i: [_ref("meeting", m) for m in s.by_leader.get(i, ())], after="wikidata"),
        Derived("relations", lambda s, i: [_ref("relation", r) for r in s.pairs_of.get(i, ())], after="meetings"),
    ),
    "issue": (Derived("meetings", lambda s, i: [_ref("meeting", m) for m in s.by_issue.get(i, ())], after="related"),),
    "relation": (
        Derived("leaders", lambda s, i: [_ref("leader", s.relations[i].a), _ref("leader", s.relations[i].b)]),
        Derived("meetings", lambda s, i: [_ref("meeting", m) for m in s.relations[i].meetings], after="leaders"),
        Derived("issues", lambda s, i: [_ref("issue", m) for m in s.relations[i].issues], after="meetings"),
    ),
}
"""Each kind's values beyond its fields, in the JSON."""


def _meeting_date(site: Site, rid: str, at: int) -> str | None:
    mids = site.relations[rid].meetings
    return site.meetings[mids[at]].model.date.iso() if mids else None


def _meeting_precision(site: Site, rid: str, at: int) -> str | None:
    mids = site.relations[rid].meetings
    return site.meetings[mids[at]].model.date.precision if mids else None


def _themes(site: Site, rid: str) -> int:
    record = site.relations[rid].record
    return len(record.model.themes) if record else 0


CSV_DERIVED: dict[str, tuple[tuple[str, Callable[[Site, str], Any]], ...]] = {
    "leader": (("meetings", lambda s, i: len(s.by_leader.get(i, ()))),),
    "issue": (
        ("meetings", lambda s, i: len(s.by_issue.get(i, ()))),
        ("developments", lambda s, i: len(s.issues[i].model.developments)),
    ),
    "source": (("citations", lambda s, i: len(s.cited.get(i, ()))),),
    "relation": (
        ("leader_a", lambda s, i: s.relations[i].a),
        ("leader_b", lambda s, i: s.relations[i].b),
        ("meetings", lambda s, i: len(s.relations[i].meetings)),
        ("first", lambda s, i: _meeting_date(s, i, 0)),
        ("first_precision", lambda s, i: _meeting_precision(s, i, 0)),  # as every date of the tables
        ("latest", lambda s, i: _meeting_date(s, i, -1)),
        ("latest_precision", lambda s, i: _meeting_precision(s, i, -1)),
        ("themes", _themes),
    ),
}
"""Each kind's columns beyond its fields, after them and before the page's address."""

CHILD_TABLES: dict[str, str] = {"Leader.roles": "roles"}
"""Lists of nested parts that are a CSV table of their own: a row per part, led by the record's id."""

VALUES: dict[str, Callable[[Site, str, Any], Any]] = {
    # shown both ways on the pages, so in the data too
    "Issue.related": lambda site, rid, ids: list(site.related.get(rid, ())),
}
"""Fields whose value in the data is read from the resolved site rather than as written."""

PART_VALUES: dict[str, Callable[[Any], Any]] = {
    # an end the sources leave open is no date: "end" says which it is, never read as today
    "Role.to": lambda role: role.ended,
}

PART_DERIVED: dict[type[BaseModel], tuple[tuple[str, Callable[[Any], Any], str], ...]] = {
    Role: (("end", lambda role: "dated" if role.ended else "unknown", "to"),),
    Citation: (("source_url", lambda c: address("source", c.source), "source"),),
    # the sources' expectations: marked as forecasts, so no reader of the data takes them for facts
    Expectation: (("forecast", lambda e: True, "text"),),
}
"""Values of nested parts beyond their fields: (key, value, the key it follows)."""


def _insert(pairs: list[tuple[str, Any]], key: str, value: Any, after: str) -> None:
    """Put ``key`` after ``after`` and the plain text that follows it; at the end without it."""
    names = [k for k, _ in pairs]
    at = len(pairs)
    for follows in (after + PLAIN, after):
        if follows in names:
            at = names.index(follows) + 1
            break
    pairs.insert(at, (key, value))


@dataclass(frozen=True)
class _Field:
    """What the data make of one field of a model; worked out once per model (:func:`_plan`)."""

    name: str  # the attribute
    written: str  # the name records write it under
    key: str  # its key in the JSON, its column in the CSV
    shape: str  # see _shape
    prose: bool  # Markdown: the JSON adds its plain text, the CSV gives only that
    json: bool  # written to the JSON
    csv: bool  # written to the CSV
    site_value: Callable[[Site, str, Any], Any] | None  # VALUES
    part_value: Callable[[Any], Any] | None  # PART_VALUES
    then: tuple[tuple[str, Callable[[Any], Any]], ...]  # PART_DERIVED that follow it


@functools.cache
def _plan(model: type[BaseModel]) -> tuple[_Field, ...]:
    out = []
    for name, info in model.model_fields.items():
        written = info.alias or name
        field = f"{model.__name__}.{written}"
        out.append(
            _Field(
                name,
                written,
                data_name(model, name),
                _shape(info.annotation),
                written in PROSE_KEYS,
                not left_out(model, name, "json"),
                not left_out(model, name, "csv"),
                VALUES.get(field),
                PART_VALUES.get(field),
                tuple((key, value) for key, value, after in PART_DERIVED.get(model, ()) if after == written),
            )
        )
    return tuple(out)


class _Data:
    """One site's records as JSON objects and CSV cells."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def plain(self, value: str) -> str:
        return plain_text(marks.strip(value), self.site.name_of)

    def json_value(self, value: Any) -> Any:
        if isinstance(value, PartialDate):
            return _date(value)
        if isinstance(value, BaseModel):
            return self.part(value)
        if isinstance(value, list):
            return [self.json_value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.json_value(item) for key, item in value.items()}
        if value is None or isinstance(value, str | bool | int):
            return value
        raise TypeError(f"no JSON form for a {type(value).__name__}; {WHERE['json']}")

    def _pairs(self, model: type[BaseModel], values: list[Any]) -> list[tuple[str, Any]]:
        """A model's fields (their ``values``, in order) as JSON keys and values, with plain text."""
        out: list[tuple[str, Any]] = []
        for field, value in zip(_plan(model), values, strict=True):
            if not field.json:
                continue
            # prose without its citation marks: the statements list says which sentence cites what
            shown = _unmarked(value) if field.prose else value
            out.append((field.key, self.json_value(shown)))
            if field.prose:
                plain = [self.plain(v) for v in value] if isinstance(value, list) else value and self.plain(value)
                out.append((field.key + PLAIN, plain))
        return out

    def part(self, part: BaseModel) -> dict[str, Any]:
        model = type(part)
        values = [f.part_value(part) if f.part_value else getattr(part, f.name) for f in _plan(model)]
        pairs = self._pairs(model, values)
        for key, value, after in PART_DERIVED.get(model, ()):
            _insert(pairs, key, value(part), after)
        _statements(pairs, part, self.plain)
        return dict(pairs)

    def _values(self, kind: str, rid: str) -> tuple[type[BaseModel], BaseModel | None, list[Any]]:
        """A record's model, the record (None: a page without one) and its fields' values as the data give them."""
        model = KINDS[kind].model
        entry = self.site.record_of((kind, rid))
        record = entry.model if entry is not None else None
        values = []
        for field in _plan(model):
            value = getattr(record, field.name) if record is not None else _empty(field.shape)
            values.append(field.site_value(self.site, rid, value) if field.site_value else value)
        return model, record, values

    def record(self, kind: str, rid: str) -> dict[str, Any]:
        """A record as one JSON object: its id, its page's address, its fields, what is derived."""
        model, _, values = self._values(kind, rid)
        refs = {ref.field: ref for ref in KINDS[kind].refs}
        for i, field in enumerate(_plan(model)):
            ref = refs.get(field.written)
            if ref is not None and ref.keys:  # an issue's positions: a statement per row, with its leader
                values[i] = [
                    {"leader": _ref(ref.target, key), **self.part(p)}
                    for key, ps in values[i].items()
                    for p in in_date_order(ps)
                ]
            elif ref is not None:
                values[i] = [_ref(ref.target, target) for target in values[i]]
        pairs = [("id", rid), ("url", address(kind, rid)), *self._pairs(model, values)]
        for derived in JSON_DERIVED.get(kind, ()):
            _insert(pairs, derived.key, derived.value(self.site, rid), derived.after)
        entry = self.site.record_of((kind, rid))
        if entry is not None:
            _statements(pairs, entry.model, self.plain)
        return dict(pairs)

    def cells(self, model: type[BaseModel], part: BaseModel | None, values: list[Any]) -> list[Any]:
        """A part's (or a record's) fields as CSV cells, in the order of :func:`columns`."""
        out: list[Any] = []
        for field, value in zip(_plan(model), values, strict=True):
            if not field.csv:
                continue
            if field.shape == "date":
                out += [value.iso(), value.precision] if isinstance(value, PartialDate) else [value, None]
            elif field.shape == "bool":
                out.append(None if value is None else "true" if value else "false")
            elif field.shape == "list":
                out.append(
                    ("\n" if field.prose else ";").join(self.plain(v) if field.prose else v for v in value or ())
                )
            elif field.shape == "mapping":
                out.append(";".join(value or ()))
            elif field.shape == "text":
                out.append(self.plain(value) if field.prose and value else value)
            if part is not None:
                out += [derived(part) for _, derived in field.then]
        return out

    def row(self, kind: str, rid: str) -> list[Any]:
        model, record, values = self._values(kind, rid)
        cells = self.cells(model, record, values)
        return [rid, *cells, *(value(self.site, rid) for _, value in CSV_DERIVED.get(kind, ())), address(kind, rid)]

    def child_rows(self, kind: str, rid: str, field: str) -> list[list[Any]]:
        entry = self.site.record_of((kind, rid))
        rows = []
        parts: list[BaseModel] = getattr(entry.model, field) if entry is not None else []
        for part in parts:
            model = type(part)
            values = [f.part_value(part) if f.part_value else getattr(part, f.name) for f in _plan(model)]
            rows.append([rid, *self.cells(model, part, values)])
        return rows


def _unmarked(value: Any) -> Any:
    if isinstance(value, str):
        return marks.strip(value)
    if isinstance(value, list):
        return [marks.strip(v) if isinstance(v, str) else v for v in value]
    return value


def _statements(pairs: list[tuple[str, Any]], part: BaseModel, plain: Callable[[str], str]) -> None:
    """Before a part's citations: each sentence of its own prose (an outcome is one), without
    its marks, then as plain text (as its page shows it: a [[link]] by its label or name),
    with the keys of the citations it marks."""
    if "citations" not in type(part).model_fields:
        return
    found = [
        {"field": where, "text": words, "text_plain": plain(words), "citations": list(keys)}
        for where, words, keys in marks.sentence_keys(part)
    ]
    names = [k for k, _ in pairs]
    at = names.index("citations") if "citations" in names else len(pairs)
    pairs.insert(at, ("statements", found))


def _empty(shape: str) -> Any:
    """A field's value on a page without a record: nothing, or an empty list or mapping."""
    return [] if shape in ("list", "parts") else {} if shape == "mapping" else None


def _shape(annotation: Any) -> str:
    """What a field holds, for its CSV columns: date, bool, text, list, mapping, parts or part."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _shape(args[0])
    if origin in (Union, types.UnionType):
        shapes = {_shape(arg) for arg in args if arg is not type(None)}
        if "date" in shapes:  # a date, or 'unknown' (a role's end)
            return "date"
        if len(shapes) == 1:
            return shapes.pop()
    elif origin is Literal:
        return "text"
    elif origin is list:
        return "parts" if _shape(args[0]) == "part" else "list"
    elif origin is dict:
        return "mapping"
    elif annotation is PartialDate:
        return "date"
    elif annotation is bool:
        return "bool"
    elif annotation is str:
        return "text"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "part"
    raise TypeError(f"no CSV form for {annotation!r}; {WHERE['csv']}")


def columns(model: type[BaseModel]) -> list[str]:
    """The CSV header for a model's fields, with the columns its parts derive."""
    out = []
    for field in _plan(model):
        if not field.csv:
            continue
        if field.shape == "date":
            out += [field.key, field.key + "_precision"]
        elif field.shape not in ("parts", "part"):
            out.append(field.key)
        out += [key for key, _ in field.then]
    return out


def record_json(site: Site, kind: str, rid: str) -> dict[str, Any]:
    return _Data(site).record(kind, rid)


def record_line(site: Site, kind: str, rid: str, pieces: Memo) -> str:
    """A record as one line of JSON: its line in data/summitry.json, which the search index
    reads too. Made once per run (and kept in ``pieces`` while what it read is unchanged)."""
    make = functools.partial(_line, site, kind, rid)
    line: str = pieces.get_or_make(("json", kind, rid), make)
    return line


def _line(site: Site, kind: str, rid: str) -> str:
    return json.dumps(record_json(site, kind, rid), ensure_ascii=False)


def csv_header(kind: str) -> list[str]:
    return ["id", *columns(KINDS[kind].model), *(name for name, _ in CSV_DERIVED.get(kind, ())), "url"]


def csv_row(site: Site, kind: str, rid: str) -> list[Any]:
    return _Data(site).row(kind, rid)


def child_tables(kind: str) -> Iterator[tuple[str, str, list[str]]]:
    """(table, field, header) of each table of nested parts a kind's records give."""
    model = KINDS[kind].model
    for field in _plan(model):
        table = CHILD_TABLES.get(f"{model.__name__}.{field.written}")
        if table is not None:
            (part,) = typing.get_args(model.model_fields[field.name].annotation)
            yield table, field.name, [kind, *columns(part)]


def child_rows(site: Site, kind: str, rid: str, field: str) -> list[list[Any]]:
    return _Data(site).child_rows(kind, rid, field)
