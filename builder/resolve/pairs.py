"""A relationship's id and the pair of leaders it names: '<a>-<b>', their ids in order.

A relationship record is named by its pair, so its file name is checked against the leaders
there are (and the ids they had, for what to rename it to); a pair without a record has a
page of its own all the same (builder.resolve.site).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

from builder.errors import Problem
from builder.records.models import Leader, Relationship
from builder.records.valid_record import Entry


def pairs(leader_ids: list[str]) -> list[tuple[str, str]]:
    """Every pair of these leaders, each in id order: one relation page each."""
    return list(itertools.combinations(sorted(leader_ids), 2))


def relation_id(a: str, b: str) -> str:
    return f"{a}-{b}"


def pairs_of(rid: str, leaders: Collection[str]) -> list[tuple[str, str]]:
    """Every pair of ``leaders`` whose relation id is ``rid``: ids hold hyphens, so every
    split is tried, and two pairs may give one id (an + ho-xu, an-ho + xu)."""
    splits = ((rid[:at], rid[at + 1 :]) for at, c in enumerate(rid) if c == "-")
    return [(a, b) for a, b in splits if a < b and a in leaders and b in leaders]


def _pair_of(rid: str, leaders: Collection[str]) -> tuple[str, str] | None:
    """The two leaders a relation id names (the first split that names two)."""
    for at in (i for i, c in enumerate(rid) if c == "-"):
        a, b = rid[:at], rid[at + 1 :]
        if a in leaders and b in leaders:
            return a, b
    return None


def _renamed_pair(rid: str, leaders: dict[str, Entry[Leader]]) -> tuple[list[tuple[str, str]], str] | None:
    """For a relation id that names a leader by an id it had (one of its aliases): each old id
    with the new one, and the relation's id now."""
    now = {old: lid for lid, entry in leaders.items() for old in entry.model.aliases}
    pair = _pair_of(rid, leaders.keys() | now.keys())
    if pair is None:
        return None
    moved = [(lid, now[lid]) for lid in pair if lid not in leaders]
    return (moved, relation_id(*sorted(lid if lid in leaders else now[lid] for lid in pair))) if moved else None


def recorded_pairs(
    records: dict[str, Entry[Relationship]], leaders: dict[str, Entry[Leader]], broken: Collection[str]
) -> tuple[dict[tuple[str, str], Entry[Relationship]], list[Problem]]:
    """The pair each relationship record is about, from its id: '<a>-<b>', a before b.

    ``broken``: leaders that exist but failed; a pair naming one is not reported again."""
    found: dict[tuple[str, str], Entry[Relationship]] = {}
    problems = []
    for rid, entry in records.items():
        pair = _pair_of(rid, leaders)
        if pair is None and _pair_of(rid, leaders.keys() | broken):
            continue  # it names a leader whose record failed to validate: that is the problem to report
        renamed = _renamed_pair(rid, leaders) if pair is None else None
        if renamed is not None:
            moved, fixed = renamed
            said = "; ".join(f"'{old}', now '{new}'" for old, new in moved)
            problems.append(
                entry.problem(
                    (),
                    f"'{rid}' names a leader by an old id ({said}, as its aliases say): a relationship is "
                    f"named by its leaders' ids, so rename the file to '{fixed}.yaml' (and list '{rid}' under its "
                    "aliases: its address then leads to the new one)",
                )
            )
        elif pair is None:
            problems.append(
                entry.problem(
                    (),
                    f"'{rid}' does not name two leaders: a relationship's id is the two leaders' ids "
                    f"in alphabetical order, joined by '-' ({' + '.join(sorted(leaders)[:2])} is "
                    f"'{relation_id(*sorted(leaders)[:2])}')"
                    if len(leaders) >= 2
                    else f"'{rid}' does not name two leaders",
                )
            )
        elif pair[0] >= pair[1]:
            fixed = relation_id(*sorted(pair))
            problems.append(
                entry.problem((), f"the leaders' ids must be in alphabetical order: rename the file to '{fixed}.yaml'")
            )
        else:
            found[pair] = entry
    return found, problems
