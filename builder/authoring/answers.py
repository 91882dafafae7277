"""What ``summitry new`` asks and how an answer is read and judged, for flags and the
terminal alike: the questions by kind, the citations, the id, a record's likely twins."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from builder.authoring.archive_file import read_archive
from builder.authoring.known import Known, Twin
from builder.authoring.quote import find
from builder.authoring.record_text import citation
from builder.authoring.sentences import find_dates
from builder.errors import Problem, SummitryError, did_you_mean
from builder.records.ids import ID_RE, name_id, slug
from builder.records.kinds import KINDS, Ask, reserved
from builder.records.models import MAX_ID_LENGTH
from builder.resolve.pairs import pairs_of

ASKS: dict[str, tuple[Ask, ...]] = {name: kind.asks for name, kind in KINDS.items() if kind.asks}
"""What ``summitry new`` asks for, by kind: the kinds that can be made from a few answers."""

CITING = ("source", "quote")  # the answers a citation is made of, given once per citation
NOUN = {"meeting": "event", "leader": "person", "source": "document"}
_TRIAL_REASON = "(kept beside the record when it is written)"

Prompt = Callable[[str], str]
Say = Callable[[str], None]


def flag(key: str) -> str:
    return "--" + key.replace("_", "-")


def takes_distinct(kind: str) -> bool:
    """Whether the kind's records can say they are not their likely twins (distinct_from)."""
    return "distinct_from" in KINDS[kind].model.model_fields


@dataclass
class Request:
    """What the command line gave: the kind, its flags, and the citations in their order."""

    kind: str
    given: dict[str, str | None] = field(default_factory=dict)
    cites: list[tuple[str, str]] = field(default_factory=list)  # ("source", id) or ("quote", words)
    rid: str | None = None
    distinct: list[str] = field(default_factory=list)


def value_of(item: Ask, text: str | None) -> Any:
    """An answer as the record holds it: trimmed, lists split on commas; None when empty."""
    if text is None or not text.strip():
        return None
    if item.is_list:
        return [v.strip() for v in text.split(",") if v.strip()] or None
    return text.strip()


def citations_of(cites: list[tuple[str, str]]) -> list[dict[str, str]]:
    """--source and --quote in their order: each quote cites the source named before it."""
    out: list[dict[str, str]] = []
    source = None
    for what, value in cites:
        if what == "source":
            source = value.strip()
            out.append(citation(source))
        elif source is None:
            raise SummitryError("--quote comes before any --source: name the source it is from first")
        elif "quote" in out[-1]:
            out.append(citation(source, value))  # another quote of the same source
        else:
            out[-1] = citation(source, value)
    return out


def has_citations(kind: str) -> bool:
    return any(item.key == "source" for item in ASKS[kind])


def key_of(problem_field: str) -> tuple[str, int]:
    """The answer a problem is about: ``citations[1].quote`` is the second citation's quote."""
    top = problem_field.split("[")[0].split(".")[0]
    if top != "citations":
        return top, 0
    index = problem_field[len("citations[") :].split("]")[0]
    inner = problem_field.rpartition(".")[2]
    return (inner if inner in CITING else "source"), int(index) if index.isdigit() else 0


def date_hint(text: str) -> str:
    """' (did you mean 2025-08-15?)' for '15 August 2025'."""
    found = [m for m in find_dates(text) if m.date is not None and m.explicit]
    return f" (did you mean {found[0].date.iso()}?)" if len(found) == 1 and found[0].date else ""


def twin_message(kind: str, twin: Twin, from_flags: bool) -> str:
    if twin.always:
        return f"the Wikidata item of {twin.path} ({twin.what}): one person is one record"
    noun = NOUN[kind]
    told = {
        "meeting": f"likely the same event as {twin.path} ({twin.what}): cite your source there instead",
        "leader": f"the same name as {twin.path} ({twin.what}): if it is the same person, the record is there",
        "source": f"likely the same document as {twin.path} ({twin.what}): cite it as '{twin.id}'",
    }[kind]
    return told + (f"; if it is another {noun}, give --distinct-from {twin.id}" if from_flags else "")


def id_problem(known: Known, kind: str, rid: str) -> str | None:
    if not ID_RE.match(rid):
        return f"'{rid}' is not an id: lowercase letters, digits and single hyphens"
    if len(rid) > MAX_ID_LENGTH:
        return f"an id of {len(rid)} characters; an id may have at most {MAX_ID_LENGTH}"
    why = reserved(kind, rid)
    if why:
        return f"the id '{rid}' is reserved: {why}"
    if known.exists(kind, rid):
        return f"{known.told(kind, rid)} already exists; summitry new never overwrites"
    other = next((k for k in KINDS if k != kind and known.exists(k, rid)), None)
    if other is not None:
        return f"'{rid}' is the id of {known.told(other, rid)} already, and a [[{rid}]] link would name both"
    pairs = pairs_of(rid, known.records["leader"]) if kind != "relation" else []
    if pairs:  # the page of the pair, recorded or not: theirs for good, once they meet
        a, b = pairs[0]
        return (
            f"'{rid}' is the id of the relationship of {a} and {b} (its page relations/{rid}), and a "
            f"[[{rid}]] link would name both"
        )
    owner = known.alias_owner(rid)
    if owner is not None:
        told = known.told(*owner)
        return f"'{rid}' is an old id of {told} (its aliases list it), which links and addresses still lead to"
    return None


def free_id(known: Known, kind: str, rid: str) -> str:
    """An id to propose instead of ``rid``, which is taken or is no id: ``rid`` made an id
    (lowercase, hyphens, not too long) if that is free, else the first of it -2, -3, ... that
    is; "" when no id can be made of it."""
    base = rid if ID_RE.match(rid) else slug(rid)
    if not base:
        return ""
    if base != rid and len(base) <= MAX_ID_LENGTH and id_problem(known, kind, base) is None:
        return base
    for n in range(2, 1000):
        suffix = f"-{n}"
        candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        if id_problem(known, kind, candidate) is None:
            return candidate
    return ""


def trial_values(kind: str, values: dict[str, Any], text: str | None, twins: list[str]) -> dict[str, Any]:
    """The values as checked before anything is written: a source's text is not beside it
    yet, and the likely twins already dealt with are not reported again."""
    trial = dict(values)
    if kind == "source" and text is not None:
        trial.pop("archive", None)
        trial["no_archive"] = _TRIAL_REASON
    if twins:
        trial["distinct_from"] = sorted({*trial.get("distinct_from", ()), *twins})
    return trial


def readable(problem: Problem) -> Problem:
    """Problems in a record not yet written point at the flag, not at a line nobody has seen."""
    key, _ = key_of(problem.field)
    named = {"": "--id" if problem.kind != "relation" else "--leaders", "citations": "--source"}
    return Problem(problem.path, 0, 0, problem.kind, problem.id, named.get(key, flag(key)), problem.message)


def closest(known: Known, cited: dict[str, str], limit: int) -> tuple[str, str] | None:
    """The source and, told, the passage of its archived text closest to the citation's quote."""
    archive = known.archives.get(cited["source"])
    passages = find(archive.text, cited.get("quote", ""), limit) if archive else []
    if not passages:
        return None
    return cited["source"], f'the closest passage, line {passages[0].line}: "{passages[0].text}"'


def proposed_id(kind: str, values: dict[str, Any]) -> tuple[str, bool]:
    if kind == "leader":
        return name_id(str(values["name"]))
    make = KINDS[kind].default_id
    if make is None:
        raise RuntimeError(f"the {kind} kind names no default id")
    return make(values), True


def pair_problems(known: Known, ids: list[str]) -> list[str]:
    """What is wrong with the two leaders a relationship is of (its id is made of theirs)."""
    leaders = known.records["leader"]
    said = [f"unknown leader '{lid}'{did_you_mean(lid, leaders)}" for lid in ids if lid not in leaders]
    if not said and len(set(ids)) != 2:
        said.append(f"a relationship is of two leaders; {len(set(ids))} named")
    return said


def taken_pair(known: Known, rid: str) -> str:
    """What to do when a relationship's record is there already: edit it, unless another
    pair's id is the same, which check refuses until one of the leaders is renamed."""
    pairs = pairs_of(rid, known.records["leader"])
    if len(pairs) < 2:
        return "edit that record"
    (a, b), (c, d) = pairs[:2]
    return f"the pairs {a} + {b} and {c} + {d} would share it: rename one of the leaders"


def other_text_beside(known: Known, kind: str, rid: str, text: str) -> str | None:
    """Said of a new source given a text while a <id>.txt with another text is beside where
    it will be (never overwritten). The same text saved with other line ends, or without a
    last line end, is the same text: check reads it so, and it is kept as it is."""
    beside = known.root / KINDS["source"].folder / f"{rid}.txt"
    if kind != "source" or not beside.exists():
        return None
    try:
        same = read_archive(beside) == text
    except SummitryError:
        same = False
    shown = beside.relative_to(known.root).as_posix()
    return None if same else f"{shown} is there already with another text; summitry new never overwrites it"


def text_beside(known: Known, kind: str, rid: str) -> str | None:
    """Said of a new source given no text while a <id>.txt is beside where it will be: that
    file is its archived text (check would say so), to be given as the text."""
    beside = known.root / KINDS["source"].folder / f"{rid}.txt"
    if kind != "source" or not beside.is_file():
        return None
    shown = beside.relative_to(known.root).as_posix()
    return f"{shown} is there already, and is this source's archived text: give it as the source's text"
