"""The YAML text of a record made by ``summitry new`` or ``summitry draft``: fields in the
order the reference gives them, short lists on one line, the schema named on the first."""

from __future__ import annotations

from typing import Any

import yaml

from builder.records import yaml12
from builder.records.kinds import KINDS
from builder.render.json_schema import modeline
from builder.resolve import marks


class _Flow(list[Any]):
    """A list written on one line: participants: [biden, putin]."""


def _flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


class _Dumper(yaml12.Dumper):
    pass


_Dumper.add_representer(_Flow, _flow)


def citation(source: str, quote: str | None = None) -> dict[str, str]:
    return {"source": source, **({"quote": quote} if quote else {})}


def record_data(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The record's fields in the order the reference documents them; answers that are not
    fields (the leaders a relationship's id is made of) are not. Citations are
    ``values['citations']``, or one made of ``values['source']`` and ``values['quote']``."""
    model = KINDS[kind].model
    data = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        value = values.get(key)
        if key == "citations" and value is None and values.get("source"):
            value = [citation(values["source"], values.get("quote"))]
        if value is None or value == []:
            continue
        is_ids = isinstance(value, list) and all(isinstance(v, str) for v in value)
        data[key] = _Flow(value) if is_ids else value
    if data.get("citations"):
        _mark(data)
    return data


def _mark(data: dict[str, Any]) -> None:
    """Give each citation a key and mark each sentence of the summary with them, so that
    what ``summitry new`` and ``summitry draft`` write is in the form with citation marks.
    With several citations every sentence carries every mark: the editor keeps, after each
    sentence, only the marks whose quotes support it (check's advice points at the others)."""
    keys: list[str] = []
    cited = []
    for given in data["citations"]:
        key = given.get("key") or marks.key_for(given.get("quote"), given["source"], keys)
        keys.append(key)
        cited.append({"key": key, **{k: v for k, v in given.items() if k != "key"}})
    data["citations"] = cited
    if isinstance(data.get("summary"), str):
        data["summary"] = marks.marked(data["summary"], "; @".join(keys))


def record_text(kind: str, data: dict[str, Any]) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False)
    return modeline(kind) + "\n" + body
