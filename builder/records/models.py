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
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)

from builder.records import limits
from builder.records.dates import FIRST_YEAR, LAST_YEAR, PartialDate

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ARCHIVE_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*\.txt$"
DATE_PATTERN = r"^[12]\d{3}(-\d{2}(-\d{2})?)?$"
MAX_ID_LENGTH = 100
KEY_PATTERN = ID_PATTERN
MAX_KEY_LENGTH = 40
"""Two ids and a hyphen name a relation page (relations/<a>-<b>.md); with the builder's
temporary prefix it stays well inside the 255 bytes a file name may have."""

TYPES = {
    "id": f"Lowercase letters, digits and single hyphens, at most {MAX_ID_LENGTH} characters: every page's "
    "file name, a relation's <a>-<b>.md included, must fit the 255 bytes a file system allows.",
    "key": f"A citation's name: lowercase letters, digits and single hyphens, at most {MAX_KEY_LENGTH} "
    "characters, unique among the record's citations.",
    "date": f"YYYY, YYYY-MM or YYYY-MM-DD, quoted or not, in the years {FIRST_YEAR} to {LAST_YEAR}.",
    "text": "No control characters, and none of the bidirectional controls (U+202A to U+202E, U+2066 to "
    "U+2069, the marks U+200E, U+200F and U+061C), which change the order in which the text around them "
    f"is shown. Markdown fields and quotes may run over several lines (line breaks and tabs) and hold "
    f"at most {limits.PROSE_CHARACTERS:,} characters; every other text is one line of at most "
    f"{limits.LINE_CHARACTERS:,}.",
    "record": f"A record's file is at most {limits.RECORD_BYTES:,} bytes, and a source's archived text at "
    f"most {limits.ARCHIVE_BYTES:,}. Lists whose items a page shows on one line are short: a leader's roles "
    f"(at most {limits.ROLES}), a meeting's participants ({limits.PARTICIPANTS}), a leader's positions on "
    f"one issue ({limits.POSITIONS}) and a statement's citations ({limits.CITATIONS}).",
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


def _at_most(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"{len(value):,} characters long; this field may hold at most {limit:,}")
        return value

    return AfterValidator(check)


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    AfterValidator(_one_line),
    _at_most(limits.LINE_CHARACTERS),
    Field(json_schema_extra={"maxLength": limits.LINE_CHARACTERS}),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    _at_most(limits.PROSE_CHARACTERS),
    Field(json_schema_extra={"maxLength": limits.PROSE_CHARACTERS}),
]
"""Prose (Markdown) and quotes: line breaks and tabs are kept."""
_DATE_FORMS: list[dict[str, Any]] = [
    {"type": "string", "pattern": DATE_PATTERN},
    {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
]
Date = Annotated[
    PartialDate,
    PlainValidator(PartialDate.parse),
    PlainSerializer(PartialDate.iso, return_type=str),
    WithJsonSchema({"anyOf": _DATE_FORMS, "description": TYPES["date"]}),
]


def _end(value: Any) -> PartialDate | Literal["unknown"]:
    if value == "unknown":
        return "unknown"
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise ValueError(f"{exc}; or write 'unknown' when the sources do not say") from None


End = Annotated[
    PartialDate | Literal["unknown"],
    PlainValidator(_end),
    PlainSerializer(lambda v: v.iso() if isinstance(v, PartialDate) else v, return_type=str),
    WithJsonSchema({"anyOf": [*_DATE_FORMS, {"const": "unknown"}], "description": TYPES["date"] + " Or unknown."}),
]
"""A date, or 'unknown': the end of an office the sources leave open."""


def _http_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a URL as text")
    if not re.fullmatch(r"https?://[^\s/]+\S*", value, re.IGNORECASE):
        raise ValueError(f"'{value}' is not an http(s) URL")
    if "`" in value:
        raise ValueError(f"'{value}' has a backtick, which Markdown would drop from the link: write it as %60")
    if re.search(r"[<>\"'\\\s]", value):
        raise ValueError(f"'{value}' has a character a URL may not hold unencoded (< > \" ' \\ or a space)")
    return value


WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"


def _wikidata_id(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a Wikidata id as text, like Q7747")
    if not re.fullmatch(WIKIDATA_PATTERN, value):  # with '$', match would take "Q7747\n"
        raise ValueError(f"'{value}' is not a Wikidata id: a capital Q and a number with no leading zero, like Q7747")
    return value


# The item's id, not its address: the page makes the link (https://www.wikidata.org/wiki/<id>).
WikidataId = Annotated[
    str,
    PlainValidator(_wikidata_id),
    WithJsonSchema({"type": "string", "pattern": WIKIDATA_PATTERN, "description": "A Wikidata item id, e.g. Q7747"}),
]

# A citation's name, which prose marks write as [@key]: the same form as an id, and short.
Key = Annotated[
    str,
    StringConstraints(pattern=KEY_PATTERN, max_length=MAX_KEY_LENGTH),
    WithJsonSchema({"type": "string", "pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH}),
]

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

    def display_name(self) -> str:
        """What readers see for a record of this kind: its title, unless the kind says otherwise.
        (A relationship has neither: its leaders name it, see Site.display_name.)"""
        return str(getattr(self, "title"))  # noqa: B009 - not every kind has one


class Citation(Record):
    """Where a statement comes from: a source and its own words. Prose marks each sentence
    this citation supports with [@key]."""

    key: Key | None = None
    """The citation's name, unique in its record, e.g. geneva: the sentences it supports end
    with [@geneva]. Lowercase letters, digits and single hyphens."""
    source: Id
    """Id of the source record (a file in content/sources/)."""
    quote: LongText | None = None
    """A verbatim excerpt of the source that supports the statement. Where the source has an
    archived text, the quote must occur in it (white space, typographic quotes and dashes are
    folded before comparing)."""
    note: LongText | None = None
    """Markdown. What the citation supports, or how the source puts it."""


Citations = Annotated[list[Citation], Field(min_length=1, max_length=limits.CITATIONS)]


class Role(Record):
    """An office a leader holds or held."""

    title: Text
    """The office, e.g. 'President of the United States'."""
    from_: Date | None = Field(None, alias="from")
    """When the leader took the office."""
    to: End | None = None
    """When the leader left the office, or `unknown` when the sources do not say; omitted is
    read as `unknown`. Nothing is ever shown as held 'to date': the sources cannot know today."""
    as_of: Date | None = None
    """For a role whose end is unknown: the latest date at which the sources show it held."""
    cite: list[Key] = []
    """Keys of the leader's citations that support the role, e.g. [geneva]: the page marks the
    role with them."""

    @property
    def ended(self) -> PartialDate | None:
        """The date the office ended, when the sources give one."""
        return self.to if isinstance(self.to, PartialDate) else None


class Leader(Record):
    """A head of state or government: leaders/<id>.yaml."""

    name: Text
    """Full name as commonly written, e.g. 'Vladimir Putin'."""
    country: Text
    """The country the leader leads or led."""
    roles: Annotated[list[Role], Field(max_length=limits.ROLES)] = []
    """Offices held."""
    summary: LongText
    """Markdown. Who the leader is, in the project's own words; `[[id]]` links to a record. Each
    sentence ends with the marks of its citations: `[@key]`."""
    wikidata: WikidataId | None = None
    """The leader's Wikidata item, e.g. Q7747: linked from the page, and given to machines as
    sameAs. It comes from Wikidata, not from the sources, and the page says so."""
    citations: Citations
    """Sources for the summary and the roles, each with a key that they mark; at least one."""
    distinct_from: list[Id] = []
    """Ids of other leaders with the same name who are other people: summitry check takes two
    leaders of one name for one person recorded twice, unless one of them names the other here."""
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
    location_wikidata: WikidataId | None = None
    """The place's Wikidata item, e.g. Q71 for Geneva; only with a location. It comes from
    Wikidata, not from the sources, and the page says so."""
    participants: Annotated[list[Id], Field(min_length=2, max_length=limits.PARTICIPANTS)]
    """Ids of the leaders who met: two or more."""
    issues: list[Id] = []
    """Ids of the issues taken up."""
    summary: LongText
    """Markdown. What the meeting was, in the project's own words; each sentence ends with the
    marks of its citations: [@key]."""
    outcomes: list[LongText] = []
    """Markdown, one item each. What came of it; each ends with the marks of its citations."""
    citations: Citations
    """Sources for the summary and the outcomes, each with a key that they mark; at least one."""
    distinct_from: list[Id] = []
    """Ids of other meetings that summitry check would take for this one (the same leaders at
    a compatible date, and no other place) but that are other events: unless one of the two
    names the other here, check reports them as one event recorded twice."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


class Development(Record):
    """A dated event in an issue's history that is not a meeting."""

    date: Date
    """When it happened, as precise as the sources say."""
    title: Text | None = None
    """A few words that name it on time lines, e.g. 'Crimea annexed'; without it, pictures
    show the first words of the text."""
    text: LongText
    """Markdown. What happened; each sentence ends with the marks of its citations: [@key]."""
    citations: Citations
    """Sources for the text, each with a key that it marks; at least one."""


class Position(Record):
    """A leader's stated position on an issue."""

    text: LongText
    """Markdown. The position, in the project's own words; each sentence ends with the marks
    of its citations: [@key]."""
    as_of: Date | None = None
    """When the leader stated or held it, as precise as the sources say."""
    forecast: bool = False
    """True when the sources expect it rather than report it; pages show it as their expectation."""
    citations: Citations
    """Sources for the text, each with a key that it marks; at least one."""


def _one_or_many(value: Any) -> Any:
    # a single position may be written as a mapping, standing for a list of one
    return [value] if isinstance(value, dict) else value


Positions = Annotated[
    list[Position],
    BeforeValidator(_one_or_many, json_schema_input_type=Position | list[Position]),
    Field(max_length=limits.POSITIONS),
]


class Issue(Record):
    """A question between leaders: content/issues/<id>.yaml."""

    title: Text
    """Short title, e.g. 'Ukraine'."""
    summary: LongText
    """Markdown. What the issue is about; each sentence ends with the marks of its citations: [@key]."""
    wikidata: WikidataId | None = None
    """The issue's Wikidata item, where one matches it well; from Wikidata, not from the
    sources, and the page says so."""
    related: list[Id] = []
    """Ids of related issues (links are shown both ways)."""
    developments: list[Development] = []
    """Dated events in the issue's history that are not meetings."""
    positions: dict[Id, Positions] = {}
    """Each leader's position, keyed by leader id: one, or a list of several dated ones (shown
    in date order)."""
    citations: Citations
    """Sources for the summary, each with a key that it marks; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


SourceGenre = Literal["news-report", "blog-post", "analysis", "explainer", "official-statement"]


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
    genre: SourceGenre | None = None
    """What kind of document it is: news-report, blog-post, analysis, explainer (a general
    overview for readers new to the subject) or official-statement."""
    note: LongText | None = None
    """Markdown. What readers should know about the source: who stands behind it, how it is
    dated, how much weight it can bear."""
    accessed: Date | None = None
    """When the address was last read and found to hold the document."""
    archive_url: HttpUrl | None = None
    """A copy kept by a web archive (the Wayback Machine, archive.today), for when the
    address stops working; http(s) only."""
    archive: Annotated[str, StringConstraints(pattern=ARCHIVE_PATTERN)] | None = None
    """File name of the archived text, beside this record (content/sources/<id>.txt): the
    source's words as published, against which every quote citing it is checked. A <id>.txt
    beside the record is its archived text and must be named here."""
    no_archive: LongText | None = None
    """Why no archived text is kept (a paywall, the publisher's terms, a document seen only
    in print): required when there is none. Quotes citing such a source cannot be checked;
    pages mark them as not checked against an archived copy, and summitry check --strict
    fails on them."""
    wikidata: WikidataId | None = None
    """The document's Wikidata item, where it has one."""
    distinct_from: list[Id] = []
    """Ids of other sources at the same address or with the same archived text that are other
    documents: unless one of the two names the other here, check reports them as one document
    recorded twice."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""


class Theme(Record):
    """One trait of a relationship, as the sources describe it."""

    title: Text
    """A short label, e.g. 'Lack of trust'."""
    text: LongText
    """Markdown. What the sources say of it, in the project's own words; each sentence ends
    with the marks of its citations: [@key]."""
    as_of: Date | None = None
    """When the sources say it held, where they say so."""
    citations: Citations
    """Sources for the text, each with a key that it marks; at least one."""


class Expectation(Record):
    """What the sources expect of a relationship: shown as their forecast, never as fact."""

    text: LongText
    """Markdown. The expectation, in the project's own words, as tentative as the sources;
    each sentence ends with the marks of its citations: [@key]."""
    citations: Citations
    """Sources for the text, each with a key that it marks; at least one."""


class Relationship(Record):
    """What the sources say of two leaders' relationship as a whole:
    content/relations/<a>-<b>.yaml, the two leader ids in alphabetical order."""

    summary: LongText
    """Markdown. The relationship in brief, in the project's own words; each sentence ends
    with the marks of its citations: [@key]."""
    themes: list[Theme] = []
    """Its character, trait by trait, each cited."""
    outlook: list[Expectation] = []
    """The sources' expectations for it, where they give any."""
    citations: Citations
    """Sources for the summary, each with a key that it marks; at least one."""
    aliases: list[Id] = []
    """Old ids of this record: their addresses redirect here, and references to them still
    resolve, with a warning (an error under --strict)."""
