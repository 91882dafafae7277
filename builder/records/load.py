"""Load stage: YAML files to plain mappings, with the line and column of every value.

PyYAML's constructors forget where a value came from, so we let the (C, when present)
composer build the node graph and walk it ourselves, recording the position of every
node under its path (``("citations", 0, "quote")``). Walking ourselves also lets us
refuse what a knowledge base never needs and an attacker might send: duplicate keys,
anchors and aliases (the "billion laughs"), absurd nesting.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from builder.errors import Problem
from builder.records import limits, yaml12
from builder.records.folders import PAGES_DIR, ignored
from builder.records.hand_written import pages_problems
from builder.records.ids import ID_RE, slug
from builder.records.kinds import KINDS
from builder.records.models import MAX_ID_LENGTH
from builder.records.raw_record import Path_, RawRecord, content_digest, dotted
from builder.records.safe_files import folder_problems, is_regular, linked_folder, shown_name
from builder.records.yaml_paths import located

_Loader: type = yaml12.Loader  # YAML 1.2, as editors read it: NO and yes are text, not booleans

MAX_DEPTH = 12
# PyYAML's C composer recurses once per level and crashes the interpreter (a segmentation
# fault, no exception) somewhere past ten thousand levels. Every level needs one of these
# characters, so a text with fewer of them than this is safe to compose.
SAFE_TO_COMPOSE = 1000
_NESTING_CHARS = "[{-:?"

# No value or key may hold these: control characters but tab and line feed (a carriage
# return would start a new line in the calendar export, NUL ends the feed's XML), halves of
# surrogate pairs (they cannot be written as UTF-8) and the two noncharacters XML forbids.
# YAML lets a double-quoted scalar write any of them as an escape ("\r", "\x01", "\ud800").
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CHAR_NAMES = {"\x00": "NUL", "\r": "carriage return", "\x1b": "escape", "\x7f": "delete"}
# The format characters (Unicode category Cf) that reorder what is shown around them: the
# bidirectional marks, embeddings, overrides and isolates. 'x\u202egnp.exe' shows as
# 'xexe.png' on every page, feed and spreadsheet. The other format characters (joiners,
# which scripts and emoji need, a soft hyphen) change no order and are kept.
_REORDERING = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Walker:
    def __init__(self, rel: str, kind: str, rid: str) -> None:
        self.rel, self.kind, self.rid = rel, kind, rid
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.literals: dict[Path_, str] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.aliased = False
        self._seen: set[int] = set()

    def problem(self, node: yaml.Node, loc: Path_, message: str) -> None:
        self.problems.append(
            Problem(
                self.rel,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                self.kind,
                self.rid,
                dotted(loc),
                message,
            )
        )

    def walk(self, node: yaml.Node, loc: Path_, depth: int = 0) -> Any:
        self.positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self._seen:
            # The composer shares one node between an anchor and its aliases; stop here
            # (an alias bomb is never expanded) and locate the aliases from the events.
            self.aliased = True
            return None
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            self.problem(node, loc, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                self.problem(node, loc, f"YAML tag '{node.tag}' is not allowed")
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self.problem(node, loc, f"YAML tag '{node.tag}' is not allowed")
            return [self.walk(item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        if not isinstance(node, yaml.ScalarNode):  # PyYAML composes no other kind of node
            raise TypeError(f"unexpected YAML node {node!r}")
        return self._scalar(node, loc)

    def refuse_controls(self, node: yaml.ScalarNode, loc: Path_, what: str = "") -> bool:
        """Report the first forbidden character in the scalar; True if there was one."""
        found = _FORBIDDEN.search(node.value)
        if found is None:
            return self._refuse_reordering(node, loc, what)
        char = found[0]
        kind = (
            "surrogate" if "\ud800" <= char <= "\udfff" else "noncharacter" if char > "\uffef" else "control character"
        )
        name = f" ({_CHAR_NAMES[char]})" if char in _CHAR_NAMES else ""
        self.problem(
            node,
            loc,
            f"{what}{kind} U+{ord(char):04X}{name} at character {found.start() + 1} is not allowed: "
            "text may hold tabs and line breaks, no other control characters",
        )
        return True

    def _refuse_reordering(self, node: yaml.ScalarNode, loc: Path_, what: str) -> bool:
        found = _REORDERING.search(node.value)
        if found is None:
            return False
        char = found[0]
        self.problem(
            node,
            loc,
            f"{what}bidirectional control U+{ord(char):04X} ({unicodedata.name(char)}) at character "
            f"{found.start() + 1} is not allowed: it changes the order in which the text around it is shown",
        )
        return True

    def _mapping(self, node: yaml.MappingNode, loc: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # named where it is written: the key '<<'
                self.problem(key_node, loc + ("<<",), "YAML merge keys ('<<') are not allowed in records")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, loc, "a key must be plain text")
                continue
            if self.refuse_controls(key_node, loc, "in a key, "):
                continue  # the key itself is not shown: it is what holds the character
            key = str(key_node.value)
            self.keys.setdefault(loc + (key,), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
            if key in out:
                self.problem(key_node, loc + (key,), f"key '{key}' appears twice in this mapping")
                continue
            out[key] = self.walk(value_node, loc + (key,), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, loc: Path_) -> Any:
        tag = node.tag
        if tag in (_STR, _TIMESTAMP):
            # Dates stay text: the schema reads their precision from it.
            self.refuse_controls(node, loc)
            return node.value
        if tag == _NULL:
            return None
        if tag in (_BOOL, _INT, _FLOAT):
            self.literals[loc] = node.value
            try:
                return yaml12.scalar(tag, node.value)
            except ValueError as exc:  # e.g. an int of more digits than Python converts
                self.problem(node, loc, f"cannot read value {node.value!r}: {exc}")
                return None
        self.problem(node, loc, f"YAML tag '{tag}' is not allowed")
        return None


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where the text nests deeper than MAX_DEPTH, found from the event stream (no recursion)."""
    if sum(text.count(c) for c in _NESTING_CHARS) < SAFE_TO_COMPOSE:
        return None
    depth = 0
    # The pure-Python parser: libyaml (PyYAML 6.0.4 on) stops at its own nesting limit while
    # scanning ahead, before the event that would tell us where our limit was passed.
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the record's own mapping is the first level
                mark = event.start_mark
                return (mark.line + 1, mark.column + 1) if mark else (1, 1)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def parse_yaml(text: str, rel: str, kind: str, rid: str) -> tuple[Any, RawRecord | None, list[Problem]]:
    """Parse one record's text; return its data, the record (if a mapping) and problems."""
    try:
        deep = _too_deep(text)
        if deep:
            message = f"nested more than {MAX_DEPTH} levels deep"
            return None, None, [Problem(rel, deep[0], deep[1], kind, rid, "", message)]
        docs = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        return None, None, [_syntax_problem(exc, text, rel, kind, rid)]
    except yaml.YAMLError as exc:
        return None, None, [Problem(rel, 1, 1, kind, rid, "", f"YAML error: {exc}")]
    if len(docs) > 1:
        starts = [e.start_mark for e in yaml.parse(text, Loader=_Loader) if isinstance(e, yaml.DocumentStartEvent)]
        second = starts[1] if len(starts) > 1 else None
        line, column = (second.line + 1, second.column + 1) if second else (1, 1)
        message = "a second YAML document starts here; a record is one mapping: remove it, or the '---' before it"
        return None, None, [Problem(rel, line, column, kind, rid, "", message)]
    if not docs or docs[0] is None:
        return None, None, [Problem(rel, 1, 1, kind, rid, "", "the file is empty; a record is one mapping")]
    walker = _Walker(rel, kind, rid)
    data = walker.walk(docs[0], ())
    if walker.aliased:
        return None, None, _alias_problems(text, rel, kind, rid)
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else "text" if isinstance(data, str) else "a single value"
        walker.problem(docs[0], (), f"a record must be a mapping of fields, not {what}")
        return data, None, walker.problems
    if walker.problems:
        # What the YAML itself got wrong comes first; typing what was read would only echo it.
        return data, None, walker.problems
    return data, RawRecord(kind, rid, rel, data, walker.positions, walker.literals, walker.keys, text), walker.problems


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, rel: str, kind: str, rid: str) -> Problem:
    """A YAML syntax error where the editor can fix it: an unclosed quote or bracket where it
    opens (the parser finds it missing lines later, or at the end of the file), with what
    to do; any other where the parser stopped."""
    opened = _UNCLOSED.get(exc.context or "")
    mark = exc.context_mark if opened and exc.context_mark else exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = " ".join(filter(None, [exc.context, exc.problem]))
    if opened and exc.problem_mark:
        stop = (
            "the file ends first"
            if "end of stream" in (exc.problem or "")
            else f"at line {exc.problem_mark.line + 1}, {exc.problem}"
        )
        what = f"{opened[0]} opened here is not closed ({stop}): {opened[1]}"
    elif exc.problem == "could not find expected ':'" and exc.context_mark:  # found on the line after
        line, col = exc.context_mark.line + 1, exc.context_mark.column + 1
        what = "this line has no ':' after its key: write key: value"
    elif (exc.problem or "").startswith("mapping values are not allowed"):
        what += " (a ': ' in a value without quotes: quote the value; or the line above lacks the ':' after its key)"
    lines = text.splitlines()
    if "\t" in (lines[line - 1] if 0 < line <= len(lines) else ""):
        what += " (YAML does not allow tabs for indentation: use spaces)"
    return Problem(rel, line, col, kind, rid, "", f"YAML syntax error: {what}")


_UNCLOSED = {  # the parser's context -> what is not closed, and what to do
    "while scanning a quoted scalar": ("the quoted text", "end it with the same quote mark"),
    "while parsing a flow sequence": ("the list in [ ]", "close it with ], or quote the value if it is text"),
    "while parsing a flow mapping": ("the mapping in { }", "close it with }, or quote the value if it is text"),
}


def _alias_problems(text: str, rel: str, kind: str, rid: str) -> list[Problem]:
    """One problem per alias, at the alias itself and in the field it stands in (the composed
    nodes only know the anchor): the field is followed through the parser's events."""
    problems = []
    for event, loc in located(yaml.parse(text, Loader=_Loader)):
        if isinstance(event, yaml.AliasEvent):
            line, column = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (1, 1)
            problems.append(
                Problem(
                    rel,
                    line,
                    column,
                    kind,
                    rid,
                    dotted(loc),
                    f"YAML alias '*{event.anchor}' is not allowed in records: write the value out",
                )
            )
            if len(problems) >= 5:  # an alias bomb has thousands; five make the point
                break
    return problems


def load_file(root: Path, path: Path, kind: str) -> tuple[RawRecord | None, list[Problem]]:
    """The record in the file at ``path`` and its problems; no record and no problem when
    the file is gone (moved or deleted since it was found)."""
    # a name the system could not read as UTF-8 holds its bytes as surrogates: shown as \x..
    name = shown_name(path.name)
    rel = f"{KINDS[kind].folder}/{name}"
    rid = Path(name).stem
    problems: list[Problem] = []
    if not ID_RE.fullmatch(rid):
        fixed = slug(rid, max_words=20)
        foreign = next((c for c in path.stem if not c.isascii()), None)
        if foreign and "\udc80" <= foreign <= "\udcff":  # a byte the system could not read as UTF-8
            hint = f"; it is not UTF-8 text (byte 0x{ord(foreign) - 0xDC00:02x}): rename it"
        elif foreign:
            hint = (
                f"; it contains '{foreign}' ({unicodedata.name(foreign, f'U+{ord(foreign):04X}')}), not one of a to z"
            )
        elif fixed and (path.parent / f"{fixed}.yaml").exists():
            hint = f"; as '{fixed}.yaml' it would collide with the record already there"
        else:
            hint = f"; rename it to '{fixed}.yaml'" if fixed else ""
        message = f"file name '{name}' is not a valid id: use lowercase letters, digits and single hyphens{hint}"
        problems.append(Problem(rel, 1, 1, kind, rid, "", message))
    elif len(rid) > MAX_ID_LENGTH:
        message = f"file name '{path.name}' makes an id of {len(rid)} characters; an id may have at most"
        problems.append(Problem(rel, 1, 1, kind, rid, "", f"{message} {MAX_ID_LENGTH}"))
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # gone since it was found: no record, nothing wrong
        return None, []
    if stat.S_ISLNK(info.st_mode):
        return None, problems + [Problem(rel, 1, 1, kind, rid, "", "records must be files, not symbolic links")]
    if not is_regular(info):
        return None, problems + [Problem(rel, 1, 1, kind, rid, "", "not a regular file; a record must be one")]
    size = info.st_size
    if size > limits.RECORD_BYTES:
        message = f"file is {size:,} bytes; a record may be at most {limits.RECORD_BYTES:,}"
        return None, problems + [Problem(rel, 1, 1, kind, rid, "", message)]
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None, []
    except OSError as exc:  # unreadable (no permission, an I/O error): a problem with the file, not a crash
        return None, problems + [Problem(rel, 1, 1, kind, rid, "", f"cannot be read ({exc.strerror or exc})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, problems + [
            Problem(rel, line, 1, kind, rid, "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        ]
    _, record, more = parse_yaml(text, rel, kind, rid)
    if record is not None:
        record = dataclasses.replace(record, digest=content_digest(raw))
    return (record if not problems else None), problems + more


def record_names(root: Path) -> dict[str, list[str]]:
    """The file name of every record of every kind, sorted ('.yaml' first), so that output
    never depends on disk order."""
    found: dict[str, list[str]] = {}
    for kind in KINDS:
        try:
            names = sorted(
                e.name for e in os.scandir(root / KINDS[kind].folder) if _yaml(e.name) and not ignored(e.name)
            )
        except (FileNotFoundError, NotADirectoryError):
            names = []
        found[kind] = [n for n in names if n.endswith(".yaml")] + [n for n in names if not n.endswith(".yaml")]
    return found


def stray_records(root: Path) -> list[Problem]:
    """A warning for each record file where none is read: in content/ itself, in a folder of
    content/ that holds no kind of record (content/meeting/), or in a folder inside a
    records' folder (content/meetings/2021/). Such a record never became a page, and check
    passed without a word (a helper found it). Hand-written pages (content/pages/) and the
    knowledge base's own top (mkdocs.yml) are not records' places, and are not looked in."""
    folders = {KINDS[kind].folder for kind in KINDS}
    looked = [(root / "content", True)] + [(root / folder, False) for folder in sorted(folders)]
    stray: list[str] = []
    for top, is_content in looked:
        try:
            # in a records' folder only its folders matter: its 10,000 records are not sorted
            entries = sorted(
                (e for e in os.scandir(top) if is_content or e.is_dir(follow_symlinks=False)), key=lambda e: e.name
            )
        except (FileNotFoundError, NotADirectoryError, PermissionError):
            continue
        for entry in entries:
            rel = f"{top.relative_to(root).as_posix()}/{entry.name}"
            if ignored(entry.name) or entry.is_symlink():
                continue
            if entry.is_dir():
                if rel in folders or rel == PAGES_DIR:
                    continue
                for base, dirs, files in os.walk(entry.path):
                    dirs[:] = sorted(d for d in dirs if not ignored(d))
                    here = Path(base).relative_to(root).as_posix()
                    stray += [f"{here}/{f}" for f in sorted(files) if _yaml(f) and not ignored(f)]
            elif is_content and _yaml(entry.name):
                stray.append(rel)
    where = ", ".join(f"{KINDS[kind].folder}/" for kind in KINDS)
    return [
        Problem(rel, 0, 0, "", "", "", f"a record here is never read: records go straight into {where}")
        for rel in stray
    ]


def _yaml(name: str) -> bool:
    return name.lower().endswith((".yaml", ".yml"))


def discover(root: Path) -> dict[str, list[Path]]:
    """Every record file of every kind, in the order of :func:`record_names`."""
    return {kind: [root / KINDS[kind].folder / n for n in names] for kind, names in record_names(root).items()}


def load_all(root: Path) -> tuple[list[RawRecord], list[Problem]]:
    """Every record; and the problems of what cannot be read: links among them and among
    the hand-written pages, which are read later, but must fail a check too."""
    records: list[RawRecord] = []
    problems = folder_problems(root) + pages_problems(root)
    for kind, paths in discover(root).items():
        if linked_folder(root, KINDS[kind].folder):
            continue  # reported once, for the folder; its records count as broken, not unknown
        for path in paths:
            if path.suffix != ".yaml":
                rel = f"{KINDS[kind].folder}/{path.name}"
                problems.append(Problem(rel, 1, 1, kind, path.stem, "", f"records end in '.yaml', not '{path.suffix}'"))
                continue
            record, found = load_file(root, path, kind)
            problems += found
            if record is not None:
                records.append(record)
    return records, problems
