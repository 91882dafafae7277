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
        ("latest", lambda s, i: _meeting_date(s, i, -1)),
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


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, str]]:
    """(attribute, the name a record writes it under) of each field."""
    for name, info in model.model_fields.items():
        yield name, info.alias or name


class _Data:
    """One site's records as JSON objects and CSV cells."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def plain(self, value: str) -> str:
        return plain_text(value, self.site.name_of)

    def json_value(self, value: Any, prose: bool) -> Any:
        if isinstance(value, PartialDate):
            return _date(value)
        if isinstance(value, BaseModel):
            return self.part(value)
        if isinstance(value, list):
            return [self.json_value(item, prose) for item in value]
        if isinstance(value, dict):
            return {key: self.json_value(item, prose) for key, item in value.items()}
        if value is None or isinstance(value, str | bool | int):
            return value
        raise TypeError(f"no JSON form for a {type(value).__name__}; {WHERE['json']}")

    def _pairs(self, model: type[BaseModel], record: BaseModel | None, values: dict[str, Any]) -> list[tuple[str, Any]]:
        """The fields of ``record`` (None: a page without one) as JSON key and value, with plain text."""
        out: list[tuple[str, Any]] = []
        for name, written in _fields(model):
            if left_out(model, name, "json"):
                continue
            key = data_name(model, name)
            value = values[name] if name in values else getattr(record, name) if record is not None else None
            prose = written in PROSE_KEYS
            out.append((key, self.json_value(value, prose)))
            if prose:
                plain = [self.plain(v) for v in value] if isinstance(value, list) else value and self.plain(value)
                out.append((key + PLAIN, plain))
        return out

    def part(self, part: BaseModel) -> dict[str, Any]:
        model = type(part)
        values = {
            name: PART_VALUES[f"{model.__name__}.{written}"](part)
            for name, written in _fields(model)
            if f"{model.__name__}.{written}" in PART_VALUES
        }
        pairs = self._pairs(model, part, values)
        for key, value, after in PART_DERIVED.get(model, ()):
            _insert(pairs, key, value(part), after)
        return dict(pairs)

    def record(self, kind: str, rid: str) -> dict[str, Any]:
        """A record as one JSON object: its id, its page's address, its fields, what is derived."""
        model = KINDS[kind].model
        entry = self.site.record_of((kind, rid))
        record = entry.model if entry is not None else None
        refs = {ref.field: ref for ref in KINDS[kind].refs}
        values: dict[str, Any] = {}
        for name, written in _fields(model):
            value = getattr(record, name) if record is not None else _empty(model, name)
            if f"{model.__name__}.{written}" in VALUES:
                value = VALUES[f"{model.__name__}.{written}"](self.site, rid, value)
            ref = refs.get(written)
            if ref is not None and ref.keys:  # an issue's positions: a statement per row, with its leader
                value = [
                    {"leader": _ref(ref.target, key), **self.part(p)}
                    for key, ps in value.items()
                    for p in in_date_order(ps)
                ]
            elif ref is not None:
                value = [_ref(ref.target, target) for target in value]
            values[name] = value
        pairs = [("id", rid), ("url", address(kind, rid)), *self._pairs(model, record, values)]
        for derived in JSON_DERIVED.get(kind, ()):
            _insert(pairs, derived.key, derived.value(self.site, rid), derived.after)
        return dict(pairs)

    def cells(self, model: type[BaseModel], part: BaseModel | None, values: dict[str, Any]) -> list[Any]:
        """A part's (or a record's) fields as CSV cells, in the order of :func:`columns`."""
        out: list[Any] = []
        for name, written in _fields(model):
            if left_out(model, name, "csv"):
                continue
            value = values[name] if name in values else getattr(part, name) if part is not None else None
            shape = _shape(model.model_fields[name].annotation)
            prose = written in PROSE_KEYS
            if shape == "date":
                out += [value.iso(), value.precision] if isinstance(value, PartialDate) else [value, None]
            elif shape == "bool":
                out.append(None if value is None else "true" if value else "false")
            elif shape == "list":
                out.append(("\n" if prose else ";").join(self.plain(v) if prose else v for v in value or ()))
            elif shape == "mapping":
                out.append(";".join(value or ()))
            elif shape == "text":
                out.append(self.plain(value) if prose and value else value)
            for _, derived, after in PART_DERIVED.get(model, ()):
                if after == written and part is not None:
                    out.append(derived(part))
        return out

    def row(self, kind: str, rid: str) -> list[Any]:
        model = KINDS[kind].model
        entry = self.site.record_of((kind, rid))
        values = {
            name: VALUES[f"{model.__name__}.{written}"](self.site, rid, getattr(entry.model, name))
            for name, written in _fields(model)
            if entry is not None and f"{model.__name__}.{written}" in VALUES
        }
        cells = self.cells(model, entry.model if entry else None, values)
        return [rid, *cells, *(value(self.site, rid) for _, value in CSV_DERIVED.get(kind, ())), address(kind, rid)]

    def child_rows(self, kind: str, rid: str, field: str) -> list[list[Any]]:
        entry = self.site.record_of((kind, rid))
        parts = getattr(entry.model, field) if entry is not None else []
        rows = []
        for part in parts:
            model = type(part)
            values = {
                name: PART_VALUES[f"{model.__name__}.{written}"](part)
                for name, written in _fields(model)
                if f"{model.__name__}.{written}" in PART_VALUES
            }
            rows.append([rid, *self.cells(model, part, values)])
        return rows


def _empty(model: type[BaseModel], name: str) -> Any:
    """A field's value on a page without a record: nothing, or an empty list or mapping."""
    shape = _shape(model.model_fields[name].annotation)
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
    for name, written in _fields(model):
        if left_out(model, name, "csv"):
            continue
        key, shape = data_name(model, name), _shape(model.model_fields[name].annotation)
        if shape == "date":
            out += [key, key + "_precision"]
        elif shape not in ("parts", "part"):
            out.append(key)
        out += [derived for derived, _, after in PART_DERIVED.get(model, ()) if after == written]
    return out


def record_json(site: Site, kind: str, rid: str) -> dict[str, Any]:
    return _Data(site).record(kind, rid)


def csv_header(kind: str) -> list[str]:
    return ["id", *columns(KINDS[kind].model), *(name for name, _ in CSV_DERIVED.get(kind, ())), "url"]


def csv_row(site: Site, kind: str, rid: str) -> list[Any]:
    return _Data(site).row(kind, rid)


def child_tables(kind: str) -> Iterator[tuple[str, str, list[str]]]:
    """(table, field, header) of each table of nested parts a kind's records give."""
    model = KINDS[kind].model
    for name, written in _fields(model):
        table = CHILD_TABLES.get(f"{model.__name__}.{written}")
        if table is not None:
            (part,) = typing.get_args(model.model_fields[name].annotation)
            yield table, name, [kind, *columns(part)]


def child_rows(site: Site, kind: str, rid: str, field: str) -> list[list[Any]]:
    return _Data(site).child_rows(kind, rid, field)
