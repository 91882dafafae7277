"""``summitry new`` in a terminal: each answer checked as it is typed, and asked again when
it is wrong, so that nothing typed before it is lost. The id is shown, and can be changed,
as soon as the answers it is made from are in; a record already there under it, or one the
new record is likely a duplicate of, is told at once."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from builder.authoring.answers import (
    ASKS,
    CITING,
    NOUN,
    Prompt,
    Request,
    Say,
    citations_of,
    date_hint,
    free_id,
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
from builder.authoring.known import Known
from builder.authoring.quote import find
from builder.authoring.record_text import citation
from builder.errors import Problem, SummitryError, ValidationFailed
from builder.records.kinds import KINDS, Ask

# The answer after which a kind's likely twins can be found: a meeting's leaders come after
# its date, kind and place; a leader's name, a source's address and text are enough alone.
_TWINS_AFTER = {"meeting": ("participants",), "leader": ("name",), "source": ("url", "archive")}


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
            while item.key == "archive" and "archive" not in self.values and self.rid:
                beside = text_beside(self.known, self.kind, self.rid)
                if beside is None:
                    break
                self.say(f"  {beside}")
                self.answer(dataclasses.replace(item, required=True))
            if self.rid is None and all(k in self.values for k in KINDS[self.kind].id_from):
                self.choose_id()
            self.confirm_twins(item.key)
        if has_citations(self.kind):
            self.cite()
        self.settle()
        if self.rid is None:
            raise RuntimeError("every kind's id is made from answers that are required")
        return self.rid, self.values, self.text

    def _trial_id(self) -> str:
        return self.rid or free_id(self.known, self.kind, f"summitry-new-{self.kind}")

    def problems(self, values: dict[str, Any], whole: bool = False) -> list[Problem]:
        """What check would say of the record: of it alone, answer by answer; ``whole``:
        then of the knowledge base with it, once it passes alone."""
        trial = trial_values(self.kind, values, self.text, self.distinct)
        found = self.known.problems(self.kind, self._trial_id(), trial)
        return found or (self.known.with_it(self.kind, self._trial_id(), trial) if whole else [])

    def messages(self, key: str, value: Any, index: int = 0) -> list[str]:
        """What is wrong with ``value`` as the answer ``key`` (of citation ``index``)."""
        if key == "archive":
            try:
                text = read_archive(Path(value))
            except SummitryError as exc:
                return [str(exc)]
            other = other_text_beside(self.known, self.kind, self.rid, text) if self.rid else None
            if other:  # told now, not once every answer is given
                return [f"{other}: give that file as the text, or move it away"]
            self.text = text
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
        said = [p.message for p in self.problems(values) if key_of(p.field) == (key, index)]
        if key == "wikidata":
            said += [twin_message(self.kind, t, False) for t in self.known.twins(self.kind, values) if t.always]
        if said and key in ("date", "published"):
            said[0] += date_hint(str(value))
        return said

    def _leaders(self, ids: list[str]) -> list[str]:
        """A relationship's two leaders, of which its id is made: told at once if it is taken."""
        said = pair_problems(self.known, ids)
        rid = proposed_id("relation", {"leaders": ids})[0]
        if not said and (clash := id_problem(self.known, "relation", rid)):
            said.append(f"{clash} ({taken_pair(self.known, rid)})" if self.known.exists("relation", rid) else clash)
        self.rid = None if said else rid
        return said

    def answer(self, item: Ask, preset: str | None = None, question: str = "", index: int = 0) -> Any:
        """Ask until the answer passes; keep it in the values (a citation's, the caller keeps)."""
        value = value_of(item, preset)
        while True:
            if value is None:
                optional = "" if item.required else " [optional]"
                value = value_of(item, self.ask(f"{question or item.question}{optional}: "))
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
        proposal, sure = (self.request.rid, True) if self.request.rid else proposed_id(self.kind, self.values)
        pages = KINDS[self.kind].pages
        problem = id_problem(self.known, self.kind, proposal) if proposal else "no id can be made of it"
        if problem:  # said once: then each answer is told what is wrong with it
            self.say(f"  {problem}: choose another id")
            proposal = free_id(self.known, self.kind, proposal) if proposal else ""
        while True:
            if not sure:
                self.say(f"  '{self.values['name']}' may be written family name first: the id is the name")
                self.say("  readers know the leader by (xi for Xi Jinping, lula for Luiz Inácio Lula da Silva)")
            shown = proposal or "<id>"
            self.say(f"  The record will be {self.known.path(self.kind, shown)}, its page /{pages}/{shown}/ for good.")
            answer = self.ask(f"Id [{proposal}]: " if proposal else "Id: ").strip() or proposal
            problem = id_problem(self.known, self.kind, answer) if answer else "this one needs an answer"
            if problem is None:
                self.rid = answer
                return
            self.say(f"  {problem}")
            sure = True

    def confirm_twins(self, key: str) -> None:
        """After the answers a twin is found by: the records the new one may be, one by one."""
        if key not in _TWINS_AFTER.get(self.kind, ()):
            return
        for twin in self.known.twins(self.kind, self.values, self.text):
            if twin.always or twin.id in self.distinct:
                continue
            noun = NOUN[self.kind]
            self.say(f"  {twin_message(self.kind, twin, from_flags=False)}.")
            if not self.yes(f"Is it another {noun}? [y/N]: ", default=False):
                raise SummitryError(f"nothing was written: {twin.path} records that {noun}")
            self.distinct.append(twin.id)
        if self.distinct:
            self.values["distinct_from"] = list(self.distinct)

    def yes(self, question: str, default: bool) -> bool:
        """A yes or no, asked again until it is one (a mistyped answer meant for the next
        question ended the session, every answer lost); Enter is ``default``."""
        while True:
            answer = self.ask(question).strip().lower()
            if answer in ("y", "yes") or (not answer and default):
                return True
            if answer in ("n", "no") or (not answer and not default):
                return False
            self.say("  answer y or n")

    def cite(self) -> None:
        """The citations: those given as flags, or asked for, one after another."""
        source_ask = next(item for item in ASKS[self.kind] if item.key == "source")
        given = citations_of(self.request.cites)
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
        value = value_of(item, preset)
        while True:
            if value is None:
                value = value_of(item, self.ask(f"{item.question} [optional]: "))
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
                if self.yes("Take that passage as the quote? [Y/n]: ", default=True):
                    return passages[0].text
            value = None

    def settle(self) -> None:
        """The whole record checked once more; anything still wrong is asked again."""
        here = self.known.path(self.kind, self._trial_id())
        for _ in range(len(ASKS[self.kind]) + 1):
            problems = self.problems(self.values, whole=True)
            if not problems:
                return
            if any(p.path != here for p in problems):  # in the records there: told as check tells them
                raise ValidationFailed([readable(p) if p.path == here else p for p in problems])
            asked: set[tuple[str, int]] = set()
            for problem in problems:
                key, index = key_of(problem.field)
                item = next((i for i in ASKS[self.kind] if i.key == key), None)
                if item is None:  # of the record as a whole: no question to ask again
                    raise ValidationFailed([readable(p) for p in problems])
                self.say(f"  {item.question}: {problem.message}")
                if (key, index) in asked:
                    continue
                asked.add((key, index))
                if key in CITING:
                    self.values["citations"] = self.values["citations"][:index]
                    self.cite()
                else:
                    self.values.pop(key, None)
                    self.answer(item)
        raise ValidationFailed([readable(p) if p.path == here else p for p in self.problems(self.values, whole=True)])
