"""``summitry new``: write a record from flags, or from answers each checked as it is typed.

From flags, every problem is reported at once, naming the flags, and nothing is written.
In a terminal, each answer is checked as it comes, by the checks of ``summitry check``
(builder.authoring.known): a wrong answer is told why and asked again, and nothing typed
before it is lost. The record's id is shown, and can be changed, as soon as the answers
it is made from are in; a record already there under that id, or one the new record
is likely a duplicate of, is told at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.authoring.archive_file import read_archive
from builder.authoring.known import Known, Twin
from builder.authoring.quote import find
from builder.authoring.record_text import citation, record_data, record_text
from builder.authoring.sentences import find_dates
from builder.errors import Problem, SummitryError, ValidationFailed, did_you_mean
from builder.records.ids import ID_RE, name_id
from builder.records.kinds import KINDS, Ask, reserved
from builder.records.models import MAX_ID_LENGTH

ASKS: dict[str, tuple[Ask, ...]] = {name: kind.asks for name, kind in KINDS.items() if kind.asks}
"""What ``summitry new`` asks for, by kind: the kinds that can be made from a few answers."""

CITING = ("source", "quote")  # the answers a citation is made of, given once per citation
_NOUN = {"meeting": "event", "leader": "person", "source": "document"}
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


def _value(item: Ask, text: str | None) -> Any:
    """An answer as the record holds it: trimmed, lists split on commas; None when empty."""
    if text is None or not text.strip():
        return None
    if item.is_list:
        return [v.strip() for v in text.split(",") if v.strip()] or None
    return text.strip()


def _citations(cites: list[tuple[str, str]]) -> list[dict[str, str]]:
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


def _has_citations(kind: str) -> bool:
    return any(item.key == "source" for item in ASKS[kind])


def _key_of(problem_field: str) -> tuple[str, int]:
    """The answer a problem is about: ``citations[1].quote`` is the second citation's quote."""
    top = problem_field.split("[")[0].split(".")[0]
    if top != "citations":
        return top, 0
    index = problem_field[len("citations[") :].split("]")[0]
    inner = problem_field.rpartition(".")[2]
    return (inner if inner in CITING else "source"), int(index) if index.isdigit() else 0


def _date_hint(text: str) -> str:
    """' (did you mean 2025-08-15?)' for '15 August 2025'."""
    found = [m for m in find_dates(text) if m.date is not None and m.explicit]
    return f" (did you mean {found[0].date.iso()}?)" if len(found) == 1 and found[0].date else ""


def _twin_message(kind: str, twin: Twin, from_flags: bool) -> str:
    if twin.always:
        return f"the Wikidata item of {twin.path} ({twin.what}): one person is one record"
    noun = _NOUN[kind]
    told = {
        "meeting": f"likely the same event as {twin.path} ({twin.what}): cite your source there instead",
        "leader": f"the same name as {twin.path} ({twin.what}): if it is the same person, the record is there",
        "source": f"likely the same document as {twin.path} ({twin.what}): cite it as '{twin.id}'",
    }[kind]
    return told + (f"; if it is another {noun}, give --distinct-from {twin.id}" if from_flags else "")


def _id_problem(known: Known, kind: str, rid: str) -> str | None:
    if not ID_RE.match(rid):
        return f"'{rid}' is not an id: lowercase letters, digits and single hyphens"
    if len(rid) > MAX_ID_LENGTH:
        return f"an id of {len(rid)} characters; an id may have at most {MAX_ID_LENGTH}"
    why = reserved(kind, rid)
    if why:
        return f"the id '{rid}' is reserved: {why}"
    if known.exists(kind, rid):
        return f"{known.told(kind, rid)} already exists; summitry new never overwrites"
    return None


def _free(known: Known, kind: str, rid: str) -> str:
    n = 2
    while known.exists(kind, f"{rid}-{n}"):
        n += 1
    return f"{rid}-{n}"


def _trial(kind: str, values: dict[str, Any], text: str | None, twins: list[str]) -> dict[str, Any]:
    """The values as checked before anything is written: a source's text is not beside it
    yet, and the likely twins already dealt with are not reported again."""
    trial = dict(values)
    if kind == "source" and text is not None:
        trial.pop("archive", None)
        trial["no_archive"] = _TRIAL_REASON
    if twins:
        trial["distinct_from"] = sorted({*trial.get("distinct_from", ()), *twins})
    return trial


def _readable(problem: Problem) -> Problem:
    """Problems in a record not yet written point at the flag, not at a line nobody has seen."""
    key, _ = _key_of(problem.field)
    named = {"": "--id" if problem.kind != "relation" else "--leaders", "citations": "--source"}
    return Problem(problem.path, 0, 0, problem.kind, problem.id, named.get(key, flag(key)), problem.message)


def _closest(known: Known, cited: dict[str, str], limit: int) -> tuple[str, str] | None:
    """The source and, told, the passage of its archived text closest to the citation's quote."""
    archive = known.archives.get(cited["source"])
    passages = find(archive.text, cited.get("quote", ""), limit) if archive else []
    if not passages:
        return None
    return cited["source"], f'the closest passage, line {passages[0].line}: "{passages[0].text}"'


def _proposed(kind: str, values: dict[str, Any]) -> tuple[str, bool]:
    if kind == "leader":
        return name_id(str(values["name"]))
    make = KINDS[kind].default_id
    if make is None:
        raise RuntimeError(f"the {kind} kind names no default id")
    return make(values), True


def _from_flags(known: Known, request: Request) -> tuple[str, dict[str, Any], str | None]:
    kind = request.kind
    values: dict[str, Any] = {}
    for item in ASKS[kind]:
        value = _value(item, request.given.get(item.key)) if item.key not in CITING else None
        if value is not None:
            values[item.key] = value
    citations = _citations(request.cites)
    missing = [
        flag(item.key)
        for item in ASKS[kind]
        if item.required and item.key not in CITING and item.key not in values and not values.get(item.unless)
    ]
    if _has_citations(kind) and not citations:
        missing.append("--source")
    if missing:
        raise SummitryError(f"missing {', '.join(missing)} (or run it in a terminal to be asked)")
    if citations:
        values["citations"] = citations
    if request.distinct:
        values["distinct_from"] = request.distinct
    rid, sure = (request.rid, True) if request.rid else _proposed(kind, values)
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
        raise SummitryError(f"{rel} already exists; summitry new never overwrites (choose another --id)")
    problem = _id_problem(known, kind, rid)
    if problem:
        raise SummitryError(f"{rel}: {problem}; choose another --id")
    problems = []
    text = None
    if "archive" in values:
        try:
            text = read_archive(Path(values["archive"]))
        except SummitryError as exc:
            problems.append(Problem(rel, 0, 0, kind, rid, "--archive", str(exc)))
        if "no_archive" in values:
            problems.append(Problem(rel, 0, 0, kind, rid, "--no-archive", "give either the text or why there is none"))
    twins = known.twins(kind, values, text)
    for twin in twins:
        if twin.always or twin.id not in request.distinct:
            where = "--wikidata" if twin.always else ""
            problems.append(Problem(rel, 0, 0, kind, rid, where, _twin_message(kind, twin, from_flags=True)))
    trial = _trial(kind, values, text, [t.id for t in twins if not t.always])
    if any(t.always for t in twins):
        trial.pop("wikidata")
    for found in known.problems(kind, rid, trial):
        key, index = _key_of(found.field)
        passage = _closest(known, values["citations"][index], 1) if key == "quote" else None
        if passage is not None:  # a whole sentence to paste, not the check's run of words
            found = dataclasses.replace(found, message=f"not in the archived text of '{passage[0]}'; {passage[1]}")
        problems.append(_readable(found))
    if problems:
        raise ValidationFailed(problems)
    return rid, values, text


class Interview:
    """The questions in a terminal, each answer checked as it is typed."""

    def __init__(self, known: Known, request: Request, ask: Prompt, say: Say) -> None:
        self.known, self.request, self.ask, self.say = known, request, ask, say
        self.kind = request.kind
        self.values: dict[str, Any] = {}
        self.rid: str | None = None
        self.text: str | None = None  # a source's archived text, from the file given
        self.distinct: list[str] = list(request.distinct)

    def run(self) -> tuple[str, dict[str, Any], str | None]:
        for item in ASKS[self.kind]:
            if item.key in CITING or (item.unless and self.values.get(item.unless)):
                continue
            self.answer(item, self.request.given.get(item.key))
            if self.rid is None and all(k in self.values for k in KINDS[self.kind].id_from):
                self.choose_id()
            self.confirm_twins(item.key)
        if _has_citations(self.kind):
            self.cite()
        self.settle()
        if self.rid is None:
            raise RuntimeError("every kind's id is made from answers that are required")
        return self.rid, self.values, self.text

    def _trial_id(self) -> str:
        return self.rid or _free(self.known, self.kind, f"summitry-new-{self.kind}")

    def problems(self, values: dict[str, Any]) -> list[Problem]:
        trial = _trial(self.kind, values, self.text, self.distinct)
        return self.known.problems(self.kind, self._trial_id(), trial)

    def messages(self, key: str, value: Any, index: int = 0) -> list[str]:
        """What is wrong with ``value`` as the answer ``key`` (of citation ``index``)."""
        if key == "archive":
            try:
                self.text = read_archive(Path(value))
            except SummitryError as exc:
                return [str(exc)]
            return []
        if key == "leaders":
            return self._leaders(value)
        values = dict(self.values)
        if key in CITING:
            cites = list(values.get("citations", []))
            cites[index:] = [citation(value) if key == "source" else {**cites[index], "quote": value}]
            values["citations"] = cites
        else:
            values[key] = value
        said = [p.message for p in self.problems(values) if _key_of(p.field) == (key, index)]
        if key == "wikidata":
            said += [_twin_message(self.kind, t, False) for t in self.known.twins(self.kind, values) if t.always]
        if said and key in ("date", "published"):
            said[0] += _date_hint(str(value))
        return said

    def _leaders(self, ids: list[str]) -> list[str]:
        """A relationship's two leaders, of which its id is made."""
        known = self.known.records["leader"]
        said = [f"unknown leader '{lid}'{did_you_mean(lid, known)}" for lid in ids if lid not in known]
        if not said and len(set(ids)) != 2:
            said.append(f"a relationship is of two leaders; {len(set(ids))} named")
        rid = "-".join(sorted(set(ids)))
        if not said and self.known.exists("relation", rid):
            said.append(f"{self.known.path('relation', rid)} already exists; summitry new never overwrites")
        self.rid = None if said else rid
        return said

    def answer(self, item: Ask, preset: str | None = None, question: str = "", index: int = 0) -> Any:
        """Ask until the answer passes; keep it in the values (a citation's, the caller keeps)."""
        value = _value(item, preset)
        while True:
            if value is None:
                optional = "" if item.required else " [optional]"
                value = _value(item, self.ask(f"{question or item.question}{optional}: "))
            if value is None:
                if not item.required:
                    return None
                self.say("  this one needs an answer")
                continue
            said = self.messages(item.key, value, index)
            if not said:
                if item.key not in CITING:
                    self.values[item.key] = value
                return value
            for line in said:
                self.say("  " + line)
            value = None

    def choose_id(self) -> None:
        if self.kind == "relation":
            return  # made of the two leaders' ids, and checked with them
        proposal, sure = (self.request.rid, True) if self.request.rid else _proposed(self.kind, self.values)
        pages = KINDS[self.kind].pages
        while True:
            problem = _id_problem(self.known, self.kind, proposal) if proposal else "no id can be made of it"
            if problem:
                self.say(f"  {problem}: choose another id")
                proposal = _free(self.known, self.kind, proposal) if proposal else ""
            if not sure:
                self.say(f"  '{self.values['name']}' may be written family name first: the id is the name")
                self.say("  readers know the leader by (xi for Xi Jinping, lula for Luiz Inácio Lula da Silva)")
            shown = proposal or "<id>"
            self.say(f"  The record will be {self.known.path(self.kind, shown)}, its page /{pages}/{shown}/ for good.")
            answer = self.ask(f"Id [{proposal}]: " if proposal else "Id: ").strip() or proposal
            problem = _id_problem(self.known, self.kind, answer) if answer else "this one needs an answer"
            if problem is None:
                self.rid = answer
                return
            self.say(f"  {problem}")
            sure = True

    def confirm_twins(self, key: str) -> None:
        """After the answers a twin is found by: the records the new one may be, one by one."""
        if key not in {"meeting": ("participants",), "leader": ("name",), "source": ("url", "archive")}.get(
            self.kind, ()
        ):
            return
        for twin in self.known.twins(self.kind, self.values, self.text):
            if twin.always or twin.id in self.distinct:
                continue
            noun = _NOUN[self.kind]
            self.say(f"  {_twin_message(self.kind, twin, from_flags=False)}.")
            if self.ask(f"Is it another {noun}? [y/N]: ").strip().lower() not in ("y", "yes"):
                raise SummitryError(f"nothing was written: {twin.path} records that {noun}")
            self.distinct.append(twin.id)
        if self.distinct:
            self.values["distinct_from"] = list(self.distinct)

    def cite(self) -> None:
        """The citations: those given as flags, or asked for, one after another."""
        source_ask = next(item for item in ASKS[self.kind] if item.key == "source")
        given = _citations(self.request.cites)
        while True:
            index = len(self.values.get("citations", []))
            preset = given[index] if index < len(given) else None
            if preset is None and given:
                return
            more = "Another source id, for one more citation (Enter: no more)" if index else ""
            item = source_ask if not index else Ask("source", more, required=False)
            source = self.answer(item, preset["source"] if preset else None, more, index)
            if source is None:
                return
            self.values["citations"] = [*self.values.get("citations", []), citation(source)]
            quote = self.quote(source, index, preset.get("quote") if preset else None)
            if quote:
                self.values["citations"][index] = citation(source, quote)

    def quote(self, source: str, index: int, preset: str | None) -> str | None:
        """A quote found in the source's archived text; else the closest passage is offered."""
        item = next(item for item in ASKS[self.kind] if item.key == "quote")
        value = _value(item, preset)
        while True:
            if value is None:
                value = _value(item, self.ask(f"{item.question} [optional]: "))
            if value is None:
                return None
            said = self.messages("quote", value, index)
            if not said:
                if source not in self.known.archives:
                    self.say(f"  '{source}' keeps no archived text: the quote cannot be checked; pages will say so")
                return str(value)
            archive = self.known.archives.get(source)
            passages = find(archive.text, value, 1) if archive else []
            if not passages:
                for line in said:
                    self.say("  " + line)
            else:
                self.say(f"  not in the archived text of '{source}'; the closest passage, line {passages[0].line}:")
                self.say(f"  {passages[0].text}")
                if self.ask("Take that passage as the quote? [Y/n]: ").strip().lower() in ("", "y", "yes"):
                    return passages[0].text
            value = None

    def settle(self) -> None:
        """The whole record checked once more; anything still wrong is asked again."""
        for _ in range(len(ASKS[self.kind]) + 1):
            problems = self.problems(self.values)
            if not problems:
                return
            asked: set[tuple[str, int]] = set()
            for problem in problems:
                key, index = _key_of(problem.field)
                item = next((i for i in ASKS[self.kind] if i.key == key), None)
                if item is None or (key, index) in asked:
                    raise ValidationFailed([_readable(p) for p in problems])
                asked.add((key, index))
                self.say(f"  {item.question}: {problem.message}")
                if key in CITING:
                    self.values["citations"] = self.values["citations"][:index]
                    self.cite()
                else:
                    self.values.pop(key, None)
                    self.answer(item)
        raise ValidationFailed([_readable(p) for p in self.problems(self.values)])


def create(root: Path, request: Request, ask: Prompt | None, say: Say) -> Path:
    """Write the new record (and a source's archived text), or raise with every problem it
    would have; never overwrite. ``ask`` asks a question in a terminal (None: flags only)."""
    known = Known(root)
    if ask is None:
        rid, values, text = _from_flags(known, request)
    else:
        rid, values, text = Interview(known, request, ask, say).run()
    return _write(known, request.kind, rid, values, text)


def _write(known: Known, kind: str, rid: str, values: dict[str, Any], text: str | None) -> Path:
    folder = known.root / KINDS[kind].folder
    path = folder / f"{rid}.yaml"
    kept = folder / f"{rid}.txt"
    if text is not None:
        values = {**values, "archive": kept.name}
        if kept.exists() and kept.read_bytes() != text.encode("utf-8"):
            raise SummitryError(
                f"{kept.relative_to(known.root).as_posix()} already exists with another text; "
                "summitry new never overwrites"
            )
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
    return path
