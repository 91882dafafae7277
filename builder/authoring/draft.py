"""``summitry draft``: read a source's archived text and propose the meetings it reports.

Each sentence that names a leader or speaks of a meeting is read by the rules of cues.py
and sentences.py and ends in one of three outcomes: a proposed meeting record (written
under drafts/, never into leaders/ or content/), a meeting the knowledge base already
holds, or set aside, always with the reason.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.authoring import cues as read
from builder.authoring.quote import archived_text
from builder.authoring.record_text import record_data, record_text
from builder.authoring.sentences import DateMention, Sentence, clauses, find_dates, split
from builder.errors import SummitryError
from builder.pipeline import Project, assemble, check
from builder.records.dates import PartialDate, human_span
from builder.records.kinds import KINDS, MEETING
from builder.records.load import load_all, parse_yaml
from builder.resolve.duplicates import REMOTE, Event, meeting_twins
from builder.resolve.site import Site

PROPOSED, RECORDED, SET_ASIDE = "proposed", "recorded", "set aside"


@dataclass
class Finding:
    sentence: Sentence
    outcome: str
    why: str
    record: str = ""  # the candidate's id, or the recorded meeting's
    fields: dict[str, Any] = field(default_factory=dict)  # a candidate's record, in field order
    unknown: list[str] = field(default_factory=list)  # people it names who are not in leaders/


def _recorded(site: Site) -> list[tuple[str, Event]]:
    return [(mid, Event.of(entry.model)) for mid, entry in site.meetings.items()]


def _who(ids: list[str]) -> str:
    links = [f"[[{i}]]" for i in ids]
    return links[0] if len(links) == 1 else ", ".join(links[:-1]) + " and " + links[-1]


def title_of(kind: str, place: str | None, event: str | None) -> str:
    if kind == "summit":
        return f"{place} summit" if place else "Summit"
    if kind == "sidelines":
        return " ".join(filter(None, [event or "Sidelines", "meeting", f"in {place}" if place else ""]))
    if kind == "call":
        return "Phone call"
    if kind == "virtual":
        return "Virtual meeting"
    return f"Meeting in {place}" if place else "Meeting"


def summary_of(kind: str, ids: list[str], place: str | None, event: str | None, when: str) -> str:
    """A neutral one-line summary in the project's words, for the editor to rewrite."""
    where = f" in {place}" if place else ""
    if kind == "call":
        return f"Telephone call between {_who(ids)}, {when}."
    if kind == "virtual":
        return f"Video meeting of {_who(ids)}, {when}."
    if kind == "sidelines":
        larger = f"the {event}" if event else "a larger gathering"
        return f"Meeting of {_who(ids)} on the sidelines of {larger}{where}, {when}."
    return f"{'Summit' if kind == 'summit' else 'Meeting'} of {_who(ids)}{where}, {when}."


@dataclass
class _Context:
    names: read.Names
    leader_words: set[str]
    sentences: list[Sentence]  # a sentence, or one of its clauses where each reports an event
    wholes: list[Sentence]  # the sentence each of those is or is part of
    named: list[list[read.Named]]
    dates: list[list[DateMention]]
    anchors: list[int | None]  # the sentence a relative date counts from
    unclear: list[str]  # why a relative date counts from none: the vague word between
    unknown: list[list[str]]  # people named who are not in leaders/


LOOK_BACK = 3  # sentences a relative date counts back over to an explicit one, in its paragraph
# Words that move time by an unknown amount: "a year later" after one of them counts from
# no date the text gives.
_VAGUE = re.compile(
    r"\b(?:later|afterwards?|subsequently|eventually|soon|since then|meanwhile|earlier|previously"
    r"|before that|after that|in time|over the years|some time)\b",
    re.IGNORECASE,
)


def _anchor(sentences: list[Sentence], own: list[list[DateMention]], index: int) -> tuple[int | None, str]:
    """The nearest sentence before ``index`` with an explicit date, up to LOOK_BACK back in its
    paragraph, when nothing between moves time vaguely; else None and why, if something did."""
    for back in range(index - 1, max(-1, index - 1 - LOOK_BACK), -1):
        sentence = sentences[back]
        if sentence.paragraph != sentences[index].paragraph:
            break
        if any(m.explicit and m.date for m in own[back]):
            return back, ""
        vague = _VAGUE.search(sentence.text)
        relative = next((m for m in own[back] if not m.explicit), None)
        if vague or relative:
            word = vague.group(0) if vague else sentence.text[relative.start : relative.end] if relative else ""
            return None, f"'{word}' (line {sentence.line}) leaves unclear what it counts from"
    for back in range(index - 1 - LOOK_BACK, -1, -1):
        if sentences[back].paragraph != sentences[index].paragraph:
            break
        if any(m.explicit and m.date for m in own[back]):
            return None, f"the date before it (line {sentences[back].line}) is more than {LOOK_BACK} sentences back"
    return None, ""


def _dates(sentences: list[Sentence]) -> tuple[list[list[DateMention]], list[int | None], list[str]]:
    """Each sentence's dates, a relative one counted from the explicit date it follows."""
    own = [find_dates(s.text) for s in sentences]
    dates, anchors, unclear = [], [], []
    for i, sentence in enumerate(sentences):
        anchor, why = _anchor(sentences, own, i) if any(not m.explicit for m in own[i]) else (None, "")
        dates.append(find_dates(sentence.text, own[anchor]) if anchor is not None else own[i])
        anchors.append(anchor)
        unclear.append(why)
    return dates, anchors, unclear


def _named_ids(found: list[read.Named]) -> list[str]:
    out: list[str] = []
    for n in found:
        if len(n.ids) == 1 and n.ids[0] not in out:
            out.append(n.ids[0])
    return out


def _look_back(ctx: _Context, index: int, have: list[str], want: int) -> list[str] | None:
    """Leaders named before sentence ``index`` in its paragraph, nearest first, until ``want``
    others than ``have`` are found; None if the nearest sentence that gets there names too many."""
    others: list[str] = []
    for i in range(index - 1, -1, -1):
        if ctx.sentences[i].paragraph != ctx.sentences[index].paragraph:
            break
        for lid in _named_ids(ctx.named[i]):
            if lid not in have and lid not in others:
                others.append(lid)
        if len(others) >= want:
            return others if len(others) == want else None
    return None


def _strangers(ctx: _Context, index: int, ids: list[str]) -> list[str]:
    """The people not in leaders/ who would make this sentence's meeting: named in it, or,
    for 'they', in the sentences before it in its paragraph."""
    found = list(ctx.unknown[index])
    if not found and read.GROUP.search(ctx.sentences[index].text):
        for back in range(index - 1, -1, -1):
            if ctx.sentences[back].paragraph != ctx.sentences[index].paragraph:
                break
            found = ctx.unknown[back] + found
            if len(found) + len(ids) >= 2 or _named_ids(ctx.named[back]):
                break
    return found if found and len(found) + len(ids) >= 2 else []


def _participants(ctx: _Context, index: int) -> tuple[list[str], str]:
    """The sentence's leaders, with 'they' or 'him' resolved where that is unambiguous;
    or fewer than two, and the reason."""
    text, found = ctx.sentences[index].text, ctx.named[index]
    ambiguous = [n for n in found if len(n.ids) > 1]
    ids = _named_ids(found)
    if len(ids) >= 2:
        return ids, ""
    strangers = _strangers(ctx, index, ids)
    if strangers:
        return ids, f"names {'someone' if len(strangers) == 1 else 'people'} not in leaders/: {', '.join(strangers)}"
    reference = read.GROUP.search(text) or (read.OTHER.search(text) if ids else None)
    if reference is not None:
        more = _look_back(ctx, index, ids, 2 - len(ids))
        if more is not None:
            return ids + more, f"'{reference.group(0)}' read as {', '.join(more)}"
        return ids, f"cannot tell which leaders '{reference.group(0)}' means"
    if ambiguous:
        return ids, f"'{ambiguous[0].text}' may name {' or '.join(ambiguous[0].ids)}"
    if ids:
        return ids, f"names one leader ({ids[0]})"
    return ids, "names no leader"


def _pick_date(mentions: list[DateMention], at: int) -> DateMention | None:
    """The meeting's date: after the meeting word if one is there, else before it; the most
    precise there ("met in July 2017, two years after the 2015 crisis"), the nearest of equals."""

    def rank(m: DateMention) -> int:
        return 0 if m.date is None else {"year": 1, "month": 2, "day": 3}[m.date.precision]

    after = [m for m in mentions if m.start >= at]
    if after:
        return max(after, key=lambda m: (rank(m), -m.start))
    return max(mentions, key=lambda m: (rank(m), m.start)) if mentions else None


def _pick_place(found: list[tuple[int, str]], at: int) -> str | None:
    after = [p for s, p in found if s >= at]
    before = [p for s, p in found if s < at]
    return after[0] if after else (before[-1] if before else None)


def _read_sentence(ctx: _Context, index: int, source: str) -> Finding | None:
    sentence = ctx.wholes[index]
    text = ctx.sentences[index].text
    words = read.cues(text, ctx.named[index])
    if not words and not ctx.named[index]:
        return None
    held = [c for c in words if c.status == "held"]
    if not held:
        ids = _named_ids(ctx.named[index])
        if not words:
            why = "no wording of a meeting" if len(ids) >= 2 else f"names one leader ({ids[0]})" if ids else ""
            return Finding(sentence, SET_ASIDE, why or _participants(ctx, index)[1])
        c = next((c for s in ("cancelled", "denied", "planned", "proxy") for c in words if c.status == s), words[0])
        why = {
            "cancelled": f"a meeting that was cancelled ('{c.marker}')",
            "denied": f"a meeting that did not happen ('{c.marker} ... {c.text}')",
            "planned": f"a planned or hypothetical meeting ('{c.marker} ... {c.text}')",
            "proxy": f"a meeting of others than the leaders ('{c.marker} ... {c.text}')",
            "general": f"meetings in general, not one event ('{c.marker or c.text}')",
        }[c.status]
        return Finding(sentence, SET_ASIDE, why)
    ids, note = _participants(ctx, index)
    if len(ids) < 2:
        return Finding(sentence, SET_ASIDE, note, unknown=_strangers(ctx, index, ids))
    cue = held[0]
    mention = _pick_date(ctx.dates[index], cue.start)
    if mention is None:
        return Finding(sentence, SET_ASIDE, "no date in the sentence")
    if mention.date is None:
        phrase = text[mention.start : mention.end]
        if ctx.unclear[index]:
            return Finding(sentence, SET_ASIDE, f"'{phrase}' counts from no clear date: {ctx.unclear[index]}")
        return Finding(sentence, SET_ASIDE, f"'{phrase}' with no explicit date before it to count from")
    kind, event = read.kind_of(text)
    place = None if kind in REMOTE else _pick_place(read.places(text, ctx.leader_words), cue.start)
    if kind == "bilateral" and place is None and cue.text.lower().startswith(("spoke", "talked")):
        kind = "call"  # "spoke with Putin", nowhere: on the telephone, as a rule
    start = sentence.start
    anchor = ctx.anchors[index]
    if not mention.explicit and not any(m.explicit for m in ctx.dates[index]) and anchor is not None:
        start = ctx.wholes[anchor].start  # the quote holds the date it counts from
    title = title_of(kind, place, event)
    when = human_span(mention.date, mention.end_date)
    fields: dict[str, Any] = {"title": title, "date": mention.date.iso()}
    if mention.end_date:
        fields["end_date"] = mention.end_date.iso()
    fields |= {"kind": kind, "location": place, "participants": ids}
    fields["summary"] = summary_of(kind, ids, place, event, when)
    fields["citations"] = [{"source": source, "quote": (start, sentence.end)}]
    if fields["location"] is None:
        del fields["location"]
    why = f"'{cue.text}': {', '.join(ids)}; {when}; {kind}" + (f"; {place}" if place else "")
    return Finding(sentence, PROPOSED, why + (f" ({note})" if note else ""), fields=fields)


def _event(fields: dict[str, Any]) -> Event:
    end = PartialDate.parse(fields["end_date"]) if "end_date" in fields else None
    return Event(
        frozenset(fields["participants"]),
        PartialDate.parse(fields["date"]),
        end,
        fields["kind"],
        fields.get("location"),
    )


def _reports_event(names: read.Names, text: str) -> bool:
    return bool(find_dates(text)) and any(c.status == "held" for c in read.cues(text, names.find(text)))


def propose(site: Site, source: str, text: str) -> list[Finding]:
    """Every finding of the text, in its order; candidates get ids and verbatim quotes."""
    names = read.Names({lid: e.model.name for lid, e in site.leaders.items()})
    sentences, wholes = [], []
    for whole in split(text):
        for part in clauses(whole, lambda t: _reports_event(names, t)):
            sentences.append(part)
            wholes.append(whole)
    named = [names.find(s.text) for s in sentences]
    dates, anchors, unclear = _dates(sentences)
    unknown = [read.people(s.text, names) for s in sentences]
    ctx = _Context(names, names.words(), sentences, wholes, named, dates, anchors, unclear, unknown)
    recorded = _recorded(site)
    taken = set(site.meetings)
    drafted: list[tuple[str, Event]] = []
    findings = []
    for i in range(len(sentences)):
        finding = _read_sentence(ctx, i, source)
        if finding is None:
            continue
        findings.append(finding)
        if finding.outcome != PROPOSED:
            continue
        event = _event(finding.fields)
        match = next(iter(meeting_twins(event, recorded)), None)
        if match is not None:
            finding.outcome, finding.record, finding.fields = RECORDED, match, {}
            finding.why = f"already recorded as {match}: cite this source there"
            continue
        twin = next(iter(meeting_twins(event, drafted)), None)
        if twin is not None:
            finding.outcome, finding.record, finding.fields = SET_ASIDE, twin, {}
            finding.why = f"the same event as {twin}, proposed above: cite it there too"
            continue
        a, b = finding.fields["citations"][0].pop("quote")
        finding.fields["citations"][0]["quote"] = text[a:b]
        base = MEETING.default_id(finding.fields)  # type: ignore[misc]
        rid, n = base, 2
        while rid in taken:
            rid, n = f"{base}-{n}", n + 1
        taken.add(rid)
        finding.record = rid
        drafted.append((rid, event))
    return findings


DRAFT_NOTE = "# DRAFT: rewrite in your own words"


def record_file(finding: Finding, source: str) -> str:
    """The candidate as a record file that passes check once moved into content/meetings/."""
    values = {k: v for k, v in finding.fields.items() if k != "citations"}
    values |= {"source": source, "quote": finding.fields["citations"][0]["quote"]}
    text = record_text("meeting", record_data("meeting", values))
    head, _, body = text.partition("\n")
    note = (
        f"# Drafted by summitry draft from {source}, line {finding.sentence.line}. Check each field against\n"
        "# the source, add issues and outcomes, then move this file into content/meetings/.\n"
    )
    return head + "\n" + note + body.replace("\nsummary:", f"\n{DRAFT_NOTE}\nsummary:", 1)


def _checked(root: Path, findings: list[Finding], source: str) -> dict[str, str]:
    """Each candidate's file text, checked against the knowledge base as if it were in
    content/meetings/; one that would not pass is set aside with the problem."""
    texts, records = {}, []
    for f in findings:
        if f.outcome == PROPOSED:
            texts[f.record] = record_file(f, source)
            _, raw, problems = parse_yaml(texts[f.record], f"{MEETING.folder}/{f.record}.yaml", "meeting", f.record)
            if raw is not None:
                records.append(raw)
    raws, _ = load_all(root)
    _, problems, _ = assemble(root, [*raws, *records])
    for f in findings:
        mine = [p for p in problems if f.outcome == PROPOSED and p.path == f"{MEETING.folder}/{f.record}.yaml"]
        if mine:
            f.outcome, f.why, f.fields = SET_ASIDE, f"would not pass check: {mine[0].field}: {mine[0].message}", {}
            del texts[f.record]
    return texts


def draft(root: Path, source: str, out: Path | None) -> tuple[list[Finding], list[str]]:
    """Propose, check and write the candidates; return the findings and what was written."""
    site = check(Project(root))
    text = archived_text(root, source)
    folder = (out if out is not None else root / "drafts" / source).resolve()
    for kept in (KINDS["leader"].folder, "content"):
        if folder.is_relative_to((root / kept).resolve()):
            raise SummitryError(f"--out {folder} is inside {kept}/: drafts are never written there")
    if folder.exists() and not folder.is_dir():
        raise SummitryError(f"--out {folder} is a file, not a folder")
    findings = propose(site, source, text)
    texts = _checked(root, findings, source)
    notes = []
    for rid, body in texts.items():
        path = folder / f"{rid}.yaml"
        shown = path.relative_to(root.resolve()).as_posix() if path.is_relative_to(root.resolve()) else str(path)
        if os.path.lexists(path):  # a link too, even to nothing: never written through
            notes.append(f"kept {shown}: it exists (delete it to draft it again)")
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(body)
        except OSError as exc:  # what was written is told first
            said = "; ".join(notes) + "; " if notes else ""
            raise SummitryError(f"{said}cannot write {shown}: {exc.strerror or exc}") from exc
        notes.append(f"wrote {shown}")
    return findings, notes


def newcomers(findings: list[Finding]) -> list[str]:
    """The people the text reports meetings of who are not in leaders/, each with the
    command that adds them (a record needs more than a name: new asks for the rest)."""
    lines: dict[str, list[int]] = {}
    for f in findings:
        for name in f.unknown:
            lines.setdefault(name, []).append(f.sentence.line)
    if not lines:
        return []
    commands = {name: f"summitry new leader --name {shlex.quote(name)}" for name in lines}
    width = max(len(c) for c in commands.values())
    said = ["Not in leaders/: add each, then draft again:"]
    for name, where in lines.items():
        said.append(f"  {commands[name].ljust(width)}  # line {', '.join(str(n) for n in sorted(set(where)))}")
    return said


def table(findings: list[Finding]) -> list[str]:
    """One line per finding, columns aligned: where, outcome, record, why, the sentence."""
    rows = [("line", "outcome", "record", "why", "sentence")]
    rows += [(str(f.sentence.line), f.outcome, f.record or "-", f.why, f.sentence.text) for f in findings]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return ["  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4] for r in rows]
