"""The YAML text of a record made by ``summitry new`` or ``summitry draft``: fields in the
order the reference gives them, short lists on one line, the schema named on the first."""

from __future__ import annotations

from typing import Any

import yaml

from builder.records import yaml12
from builder.records.kinds import KINDS
from builder.render.json_schema import modeline


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
    return data


def record_text(kind: str, data: dict[str, Any]) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False)
    return modeline(kind) + "\n" + body
