"""The record format: one pydantic model per kind of record.

Each field's docstring is its documentation: the README's record reference and the
JSON Schema are generated from these models, so they cannot drift from the code.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from .dates import FIRST_YEAR, LAST_YEAR, PartialDate

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ARCHIVE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*\.txt$"
DATE_PATTERN = r"^[12]\d{3}(-\d{2}(-\d{2})?)?$"
MAX_ID_LENGTH = 100
"""Two ids and a hyphen name a relation page (relations/<a>-<b>.md); with the builder's
temporary prefix it stays well inside the 255 bytes a file name may have."""

TYPES = {
    "id": f"Lowercase letters, digits and single hyphens, at most {MAX_ID_LENGTH} characters: every page's "
    "file name, a relation's <a>-<b>.md included, must fit the 255 bytes a file system allows.",
    "date": f"YYYY, YYYY-MM or YYYY-MM-DD, quoted or not, in the years {FIRST_YEAR} to {LAST_YEAR}.",
    "text": "No control characters. Markdown fields and quotes may run over several lines (line breaks "
    "and tabs); every other text is one line.",
}
"""What the reference says of each type of value."""

Id = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": MAX_ID_LENGTH}),
]


def _one_line(value: str) -> str:
    # The loader has refused every other control character already (load.refuse_controls).
    for i, char in enumerate(value):
        if char in "\t\n":
            what = "a tab" if char == "\t" else "a line break"
            raise ValueError(f"{what} at character {i + 1} is not allowed: this field is one line of text")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_one_line)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Prose (Markdown) and quotes: line breaks and tabs are kept."""
Date = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(PartialDate.iso, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
            ],
            "description": TYPES["date"],
        }
    ),
]


def _http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a URL as text")
    if not re.match(r"^https?://[^\s/]+\S*$", value, re.IGNORECASE):
        raise ValueError(f"'{value}' is not an http(s) URL")
    if "`" in value:
        raise ValueError(f"'{value}' has a backtick, which Markdown would drop from the link: write it as %60")
    if re.search(r"[<>\"'\\\s]", value):
        raise ValueError(f"'{value}' has a character a URL may not hold unencoded (< > \" ' \\ or a space)")
    return value


HttpUrl = Annotated[
    str,
    PlainValidator(_http_url),
    # ECMAScript regex (JSON Schema): no escapes inside the classes but the backslash's own
    WithJsonSchema({"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/<>\"'`\\\\]+[^\\s<>\"'`\\\\]*$"}),
]


class Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )


class Citation(Record):
    """Where a statement comes from."""

    source: Id
    """Id of the source record (a file in content/sources/)."""
    quote: LongText | None = None
    """A verbatim excerpt of the source that supports the statement. Where the source has an
    archived text, the quote must occur in it (white space, typographic quotes and dashes are
    folded before comparing)."""
    note: LongText | None = None
    """Markdown. What the citation supports, or how the source puts it."""


Citations = Annotated[list[Citation], Field(min_length=1)]


class Role(Record):
    """An office a leader holds or held."""

    title: Text
    """The office, e.g. 'President of the United States'."""
    from_: Date | None = Field(None, alias="from")
    """When the leader took the office."""
    to: Date | None = None
    """When the leader left the office; omitted means 'to date'."""


class Leader(Record):
    """A head of state or government: leaders/<id>.yaml."""

    name: Text
    """Full name as commonly written, e.g. 'Vladimir Putin'."""
    country: Text
    """The country the leader leads or led. Quote it if YAML could read it otherwise ('NO')."""
    roles: list[Role] = []
    """Offices held, any number."""
    summary: LongText
    """Markdown. Who the leader is, in the project's own words; [[id]] links to a record."""
    citations: Citations
    """Sources for the summary and the roles; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


MeetingKind = Literal["summit", "bilateral", "sidelines", "virtual", "call"]


class Meeting(Record):
    """A meeting, call or summit: content/meetings/<id>.yaml, named <date>-<slug>.yaml."""

    title: Text
    """Short title, e.g. 'Geneva summit'."""
    date: Date
    """When it took place (its first day), as precise as the sources say."""
    end_date: Date | None = None
    """Last day, for a meeting over several days."""
    kind: MeetingKind
    """summit, bilateral, sidelines (of a larger event), virtual or call."""
    location: Text | None = None
    """City and country; a call or virtual meeting has none."""
    participants: Annotated[list[Id], Field(min_length=2)]
    """Ids of the leaders who met: two or more."""
    issues: list[Id] = []
    """Ids of the issues taken up."""
    summary: LongText
    """Markdown. What the meeting was, in the project's own words."""
    outcomes: list[LongText] = []
    """Markdown, one item each. What came of it."""
    citations: Citations
    """Sources for the meeting; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


class Development(Record):
    """A dated event in an issue's history that is not a meeting."""

    date: Date
    """When it happened, as precise as the sources say."""
    text: LongText
    """Markdown. What happened."""
    citations: Citations
    """Sources; at least one."""


class Position(Record):
    """A leader's stated position on an issue."""

    text: LongText
    """Markdown. The position, in the project's own words."""
    citations: Citations
    """Sources; at least one."""


class Issue(Record):
    """A question between leaders: content/issues/<id>.yaml."""

    title: Text
    """Short title, e.g. 'Ukraine'."""
    summary: LongText
    """Markdown. What the issue is about."""
    related: list[Id] = []
    """Ids of related issues (links are shown both ways)."""
    developments: list[Development] = []
    """Dated events in the issue's history that are not meetings."""
    positions: dict[Id, Position] = {}
    """Each leader's position, keyed by leader id."""
    citations: Citations
    """Sources for the summary; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


class Source(Record):
    """A document the knowledge base cites: content/sources/<id>.yaml."""

    title: Text
    """The document's title, as published."""
    author: Text | None = None
    """Author, as credited."""
    publisher: Text | None = None
    """Publication or site."""
    url: HttpUrl | None = None
    """Where it was published; http(s) only."""
    published: Date | None = None
    """When it was published."""
    archive: Annotated[str, StringConstraints(pattern=ARCHIVE_PATTERN)] | None = None
    """File name of the archived text, beside this record (content/sources/<id>.txt). Quotes
    citing this source are checked against it."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


MODELS: dict[str, type[Record]] = {
    "leader": Leader,
    "meeting": Meeting,
    "issue": Issue,
    "source": Source,
}
