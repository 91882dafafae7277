"""``summitry new``: write a valid record from flags or answers, checked before it is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from builder.errors import Problem, SummitryError, ValidationFailed
from builder.pipeline import assemble
from builder.records import yaml12
from builder.records.kinds import KINDS, Ask, reserved
from builder.records.load import discover, load_all, parse_yaml
from builder.render.json_schema import modeline
from builder.resolve import marks

ASKS: dict[str, tuple[Ask, ...]] = {name: kind.asks for name, kind in KINDS.items() if kind.asks}
"""What ``summitry new`` asks for, by kind: the kinds that can be made from a few answers."""


def default_id(kind: str, values: dict[str, Any]) -> str:
    make = KINDS[kind].default_id
    if make is None:
        raise RuntimeError(f"the {kind} kind names no default id")
    return make(values)


def gather(kind: str, given: dict[str, Any], ask: Callable[[str], str] | None) -> dict[str, Any]:
    """Values from flags, then from answers where a terminal can ask; lists split on commas."""
    values: dict[str, Any] = {}
    missing = []
    for item in ASKS[kind]:
        value = given.get(item.key)
        if value is None and ask is not None:
            value = ask(item.question + ("" if item.required else " [optional]") + ": ").strip() or None
        if value is None:
            if item.required:
                missing.append("--" + item.key.replace("_", "-"))
            continue
        values[item.key] = [v.strip() for v in value.split(",") if v.strip()] if item.is_list else value
    if missing:
        raise SummitryError(f"missing {', '.join(missing)} (or run it in a terminal to be asked)")
    return values


class _Flow(list[Any]):
    """A list written on one line: participants: [biden, putin]."""


def _flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


class _Dumper(yaml12.Dumper):
    pass


_Dumper.add_representer(_Flow, _flow)


def record_data(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The record's fields in the order the reference documents them; answers that are not
    fields (a citation's source and quote, the leaders a relationship's id is made of) are not."""
    fields = {info.alias or name for name, info in KINDS[kind].model.model_fields.items()}
    data = {k: v for k, v in values.items() if k in fields}
    for item in KINDS[kind].asks:
        if item.is_list and item.key in data:
            data[item.key] = _Flow(data[item.key])
    if "citations" in KINDS[kind].model.model_fields:
        citation = {"source": values["source"]}
        if values.get("quote"):
            citation["quote"] = values["quote"]
        data["citations"] = [citation]
        _mark(data)
    return data


def _mark(data: dict[str, Any]) -> None:
    """Name the one citation and mark each sentence of the summary with it, so that what
    ``summitry new`` and ``summitry draft`` write is in the form with citation marks."""
    citation = data["citations"][0]
    key = marks.key_for(citation.get("quote"), citation["source"])
    data["citations"] = [{"key": key, **citation}]
    data["summary"] = marks.marked(data["summary"], key)


def record_text(kind: str, data: dict[str, Any]) -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88, default_flow_style=False)
    return modeline(kind) + "\n" + body


def create(root: Path, kind: str, given: dict[str, Any], ask: Callable[[str], str] | None, rid: str | None) -> Path:
    """Write the new record, or raise with every problem it would have; never overwrite."""
    values = gather(kind, given, ask)
    rid = rid or default_id(kind, values)
    if not rid:
        raise SummitryError(f"cannot make an id from the {kind}'s {_named_by(kind)}: give one with --id")
    path = root / KINDS[kind].folder / f"{rid}.yaml"
    rel = path.relative_to(root).as_posix()
    why = reserved(kind, rid)
    if why:
        raise SummitryError(f"{rel}: the id '{rid}' is reserved: {why}; choose another --id")
    if any(p.stem == rid for p in discover(root)[kind]):
        raise SummitryError(f"{rel} already exists; summitry new never overwrites (choose another --id)")
    text = record_text(kind, record_data(kind, values))
    _, record, problems = parse_yaml(text, rel, kind, rid)
    if record is not None:
        raws, _ = load_all(root)
        _, problems, _ = assemble(root, [*raws, record])
    mine = [_readable(p) for p in problems if p.path == rel]
    if mine:
        raise ValidationFailed(mine)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        handle.write(text)
    return path


def _named_by(kind: str) -> str:
    return {"leader": "name", "relation": "leaders"}.get(kind, "title")


def _readable(problem: Problem) -> Problem:
    """Problems in a record not yet written point at the flag, not at a line nobody has seen."""
    flag = {"citations": "--source/--quote", "": "--id" if problem.kind != "relation" else "--leaders"}
    field = problem.field.split("[")[0].split(".")[0]
    return Problem(problem.path, 0, 0, problem.kind, problem.id, flag.get(field, "--" + field), problem.message)
