"""Old ids (``aliases:``) that still work: references to them resolve, with a warning.

Runs between validate and resolve: it checks the table of old ids, then rewrites every
reference to an old id into the current one, so that resolve and render only ever see
current ids. Each rewrite is reported as a warning at the place of the old id.
"""

from __future__ import annotations

from typing import Any

from builder.errors import Problem
from builder.records.kinds import KINDS
from builder.records.raw_record import Path_
from builder.records.valid_record import Entry
from builder.resolve.prose import LINK_RE
from builder.resolve.references import references

Table = dict[tuple[str, str], str]  # (kind, old id) -> current id


def alias_table(entries: list[Entry[Any]]) -> tuple[Table, list[Problem]]:
    current = {(e.kind, e.id) for e in entries}
    table: Table = {}
    problems = []
    for entry in entries:
        for i, old in enumerate(entry.model.aliases):
            loc = ("aliases", i)
            if (entry.kind, old) in current:
                problems.append(entry.problem(loc, f"'{old}' is the id of another {entry.kind}, not a free old id"))
            elif (entry.kind, old) in table:
                owner = table[entry.kind, old]
                problems.append(entry.problem(loc, f"'{old}' is already an old id of {entry.kind} '{owner}'"))
            else:
                table[entry.kind, old] = entry.id
    return table, problems


def _set(data: Any, loc: Path_, old: str, new: str, link: bool) -> None:
    """Replace ``old`` by ``new`` at ``loc`` in plain data: a value, a key, or a [[link]] in prose."""
    *parents, last = loc
    for part in parents:
        data = data[part]
    if link:
        data[last] = LINK_RE.sub(
            lambda m: f"[[{new}{'|' + m[2] if m[2] is not None else ''}]]" if m[1].strip() == old else m[0], data[last]
        )
    elif isinstance(data, dict) and last == old and old in data:  # a mapping key (positions)
        items = [(new if k == old else k, v) for k, v in data.items()]
        data.clear()
        data.update(items)
    else:
        data[last] = new


def canonicalize(entries: list[Entry[Any]], table: Table) -> tuple[list[Entry[Any]], list[Problem]]:
    """Entries with every old id replaced by the current one, and a warning for each."""
    if not table:
        return entries, []
    current = {(e.kind, e.id) for e in entries}
    kinds_of_current = {e.id for e in entries}
    out, warnings = [], []
    for entry in entries:
        changes = []
        told: dict[tuple[Any, ...], int] = {}  # each warning, and how many times its field names the old id
        for ref in references(entry):
            kinds = [ref.kind] if ref.kind else [k for k in KINDS if (k, ref.target) in table]
            if ref.kind is None and ref.target in kinds_of_current:
                continue  # a current id wins over an old one
            hits = [k for k in kinds if (k, ref.target) in table and (k, ref.target) not in current]
            if len(hits) != 1:
                continue
            new = table[hits[0], ref.target]
            changes.append((ref, new))
            what = f"'{ref.target}' is an old id of {hits[0]} '{new}': write '{new}'"
            key = (ref.loc, what, ref.is_key)
            told[key] = told.get(key, 0) + 1
        # A text linking to one old id twice was told twice, the same at the field's start
        # (where a link is, a record kept from the last run has no text to tell): once, and how often
        for (loc, what, is_key), times in told.items():
            warnings.append(entry.problem(loc, what + (f" (in {times} links here)" if times > 1 else ""), is_key))
        if not changes:
            out.append(entry)
            continue
        data = entry.model.model_dump(by_alias=True, exclude_unset=True)  # a partial model leaves some out
        for ref, new in changes:
            _set(data, ref.loc, ref.target, new, link=ref.kind is None)
        out.append(Entry(entry.raw, type(entry.model).model_validate(data)))
    return out, warnings
