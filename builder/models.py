"""The record format: one pydantic model per kind of record.

Each field's docstring is its documentation: the README's record reference and the
JSON Schema are generated from these models, so they cannot drift from the code.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from .dates import PartialDate

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ARCHIVE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*\.txt$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Date = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(PartialDate.iso, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "YYYY, YYYY-MM or YYYY-MM-DD, quoted or not",
        }
    ),
]


def _http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a URL as text")
    if not re.match(r"^https?://[^\s/]+\S*$", value, re.IGNORECASE):
        raise ValueError(f"'{value}' is not an http(s) URL")
    if re.search(r"[<>\"'\\\s]", value):
        raise ValueError(f"'{value}' has a character a URL may not hold unencoded (< > \" ' \\ or a space)")
    return value


HttpUrl = Annotated[
    str,
    PlainValidator(_http_url),
    # ECMAScript regex (JSON Schema): no escapes inside the classes but the backslash's own
    WithJsonSchema({"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/<>\"'\\\\]+[^\\s<>\"'\\\\]*$"}),
]


class Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )

    def display_name(self) -> str:
        """What readers see for a record of this kind: its title, unless the kind says otherwise.
        (A relationship has neither: its leaders name it, see Site.display_name.)"""
        return str(getattr(self, "title"))  # noqa: B009 - not every kind has one


class Citation(Record):
    """Where a statement comes from."""

    source: Id
    """Id of the source record (a file in content/sources/)."""
    quote: Text | None = None
    """A verbatim excerpt of the source that supports the statement. Where the source has an
    archived text, the quote must occur in it (white space, typographic quotes and dashes are
    folded before comparing)."""
    note: Text | None = None
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
    """The country the leader leads or led."""
    roles: list[Role] = []
    """Offices held, any number."""
    summary: Text
    """Markdown. Who the leader is, in the project's own words; [[id]] links to a record."""
    citations: Citations
    """Sources for the summary and the roles; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""

    def display_name(self) -> str:
        return self.name


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
    summary: Text
    """Markdown. What the meeting was, in the project's own words."""
    outcomes: list[Text] = []
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
    text: Text
    """Markdown. What happened."""
    citations: Citations
    """Sources; at least one."""


class Position(Record):
    """A leader's stated position on an issue."""

    text: Text
    """Markdown. The position, in the project's own words."""
    citations: Citations
    """Sources; at least one."""


class Issue(Record):
    """A question between leaders: content/issues/<id>.yaml."""

    title: Text
    """Short title, e.g. 'Ukraine'."""
    summary: Text
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
    accessed: Date | None = None
    """When the address was last read and found to hold the document."""
    archive_url: HttpUrl | None = None
    """A copy kept by a web archive (the Wayback Machine, archive.today), for when the
    address stops working; http(s) only."""
    archive: Annotated[str, StringConstraints(pattern=ARCHIVE_PATTERN)] | None = None
    """File name of the archived text, beside this record (content/sources/<id>.txt). Quotes
    citing this source are checked against it."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


class Theme(Record):
    """One trait of a relationship, as the sources describe it."""

    title: Text
    """A short label, e.g. 'Lack of trust'."""
    text: Text
    """Markdown. What the sources say of it, in the project's own words."""
    as_of: Date | None = None
    """When the sources say it held, where they say so."""
    citations: Citations
    """Sources; at least one."""


class Expectation(Record):
    """What the sources expect of a relationship: shown as their forecast, never as fact."""

    text: Text
    """Markdown. The expectation, in the project's own words, as tentative as the sources."""
    citations: Citations
    """Sources; at least one."""


class Relationship(Record):
    """What the sources say of two leaders' relationship as a whole:
    content/relations/<a>-<b>.yaml, the two leader ids in alphabetical order."""

    summary: Text
    """Markdown. The relationship in brief, in the project's own words."""
    themes: list[Theme] = []
    """Its character, trait by trait, each cited."""
    outlook: list[Expectation] = []
    """The sources' expectations for it, where they give any."""
    citations: Citations
    """Sources for the summary; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""
