"""``summitry new``: write a record from flags, or from answers each checked as it is typed.

From flags, every problem is reported at once, naming the flags, and nothing is written.
In a terminal, the questions are builder.authoring.interview's. Either way the record is
checked by the checks of ``summitry check`` among the records already there
(builder.authoring.known) before anything is written, and no file is ever overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder.authoring.answers import (
    ASKS,
    CITING,
    Prompt,
    Request,
    Say,
    citations_of,
    closest,
    date_hint,
    flag,
    has_citations,
    id_problem,
    key_of,
    other_text_beside,
    pair_problems,
    proposed_id,
    readable,
    taken_pair,
    text_beside,
    trial_values,
    twin_message,
    value_of,
)
from builder.authoring.archive_file import read_archive
from builder.authoring.interview import Interview
from builder.authoring.known import Known
from builder.authoring.record_text import record_data, record_text
from builder.errors import Problem, SummitryError, ValidationFailed
from builder.records.kinds import KINDS


def from_flags(known: Known, request: Request) -> tuple[str, dict[str, Any], str | None]:
    kind = request.kind
    values: dict[str, Any] = {}
    for item in ASKS[kind]:
        value = value_of(item, request.given.get(item.key)) if item.key not in CITING else None
        if value is not None:
            values[item.key] = value
    citations = citations_of(request.cites)
    missing = [
        f"{flag(item.unless)} or {flag(item.key)}" if item.unless else flag(item.key)  # either will do
        for item in ASKS[kind]
        if item.required and item.key not in CITING and item.key not in values and not values.get(item.unless)
    ]
    if has_citations(kind) and not citations:
        missing.append("--source")
    if missing:
        raise SummitryError(f"missing {', '.join(missing)} (or run it in a terminal to be asked)")
    if citations:
        values["citations"] = citations
    if request.distinct:
        values["distinct_from"] = request.distinct
    if kind == "relation":
        made = proposed_id(kind, values)[0]
        pair = pair_problems(known, values["leaders"])
        if pair:  # the id is made of the two leaders: nothing of it holds until they do
            raise ValidationFailed([Problem(known.path(kind, made), 0, 0, kind, made, "--leaders", m) for m in pair])
        if request.rid and request.rid != made:
            raise SummitryError(
                f"--id {request.rid}: a relationship's id is made of its two leaders' ids, in the order of the "
                f"alphabet: {made}; leave --id out"
            )
    rid, sure = (request.rid, True) if request.rid else proposed_id(kind, values)
    if not rid:
        named = {"leader": "name", "relation": "leaders"}.get(kind, "title")
        raise SummitryError(f"cannot make an id from the {kind}'s {named}: give one with --id")
    if not sure:
        raise SummitryError(
            f"'{values['name']}' does not say which of its words the leader is known by, and the id is the "
            f"leader's address for good: give it with --id (for example --id {rid})"
        )
    rel = known.path(kind, rid)
    if known.exists(kind, rid):
        fix = taken_pair(known, rid) if kind == "relation" else "choose another --id"  # a pair has one record
        raise SummitryError(f"{rel} already exists; summitry new never overwrites ({fix})")
    problems: list[Problem] = []
    problem = id_problem(known, kind, rid)
    if problem:  # told with every other problem, as all of them are from flags
        problems.append(Problem(rel, 0, 0, kind, rid, "--id", f"{problem}; choose another --id"))
    text, unread = None, False
    if "archive" in values:
        try:
            text = read_archive(Path(values["archive"]))
        except SummitryError as exc:
            problems.append(Problem(rel, 0, 0, kind, rid, "--archive", str(exc)))
            unread = True
        if text is not None and (other := other_text_beside(known, kind, rid, text)):
            problems.append(Problem(rel, 0, 0, kind, rid, "--archive", other))
        if "no_archive" in values:
            problems.append(Problem(rel, 0, 0, kind, rid, "--no-archive", "give either the text or why there is none"))
    elif beside := text_beside(known, kind, rid):
        problems.append(Problem(rel, 0, 0, kind, rid, "--archive", beside))
    twins = known.twins(kind, values, text)
    for twin in twins:
        if twin.always or twin.id not in request.distinct:
            where = "--wikidata" if twin.always else ""
            problems.append(Problem(rel, 0, 0, kind, rid, where, twin_message(kind, twin, from_flags=True)))
    trial = trial_values(kind, values, text, [t.id for t in twins if not t.always])
    if unread:  # told why: not also as a file name the record cannot hold
        trial = {**{k: v for k, v in trial.items() if k != "archive"}, "no_archive": trial.get("no_archive", "-")}
    if any(t.always for t in twins):
        trial.pop("wikidata")
    for found in known.problems(kind, rid, trial):
        key, index = key_of(found.field)
        passage = closest(known, values["citations"][index], 1) if key == "quote" else None
        if passage is not None:  # a whole sentence to paste, not the check's run of words
            found = dataclasses.replace(found, message=f"not in the archived text of '{passage[0]}'; {passage[1]}")
        found = readable(found)
        if found.field == "--id" and problem:
            continue  # the id's problem, told once
        if found.field in ("--date", "--published") and (hint := date_hint(str(values.get(found.field[2:], "")))):
            found = dataclasses.replace(found, message=found.message + hint)  # as the terminal says it
        problems.append(found)
    if not problems:  # then the whole knowledge base with it, as check reads it
        problems = [readable(p) if p.path == rel else p for p in known.with_it(kind, rid, trial)]
    if problems:
        raise ValidationFailed(problems)
    return rid, values, text


@dataclasses.dataclass(frozen=True)
class Written:
    """What summitry new wrote, and what summitry check says with it there."""

    files: list[Path]  # the record first, then a source's archived text
    warnings: int  # of the record's own, that check --strict refuses
    elsewhere: int  # problems check reports in other records, which it fails on still


def create(
    root: Path, request: Request, ask: Prompt | None, say: Say, warn: Callable[[Problem], None] | None = None
) -> Written:
    """Write the new record (and a source's archived text), or raise with every problem it
    would have; never overwrite. ``ask`` asks a question in a terminal (None: flags only).
    ``warn`` hears the warnings and advice summitry check gives on the record written, by line."""
    known = Known(root)
    if ask is None:
        rid, values, text = from_flags(known, request)
    else:
        rid, values, text = Interview(known, request, ask, say).run()
    written = _write(known, request.kind, rid, values, text)
    warnings, advice = known.told_by_check(request.kind, rid)
    for problem in warnings + advice:  # in the order check gives them
        if warn is not None:
            warn(problem)
    return Written(written, len(warnings), known.failing_elsewhere(request.kind, rid))


def _write(known: Known, kind: str, rid: str, values: dict[str, Any], text: str | None) -> list[Path]:
    folder = known.root / KINDS[kind].folder
    path = folder / f"{rid}.yaml"
    kept = folder / f"{rid}.txt"
    if text is not None:
        values = {**values, "archive": kept.name}
        other = other_text_beside(known, kind, rid, text)  # told before any answer is asked, unless made since
        if other:
            raise SummitryError(other)
    folder.mkdir(parents=True, exist_ok=True)
    wrote_text = text is not None and not kept.exists()
    if wrote_text and text is not None:
        with open(kept, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
            handle.write(record_text(kind, record_data(kind, values)))
    except BaseException:
        if wrote_text:
            kept.unlink()
        raise
    return [path, kept] if wrote_text else [path]
