"""What a record page says to machines: schema.org JSON-LD, made from the resolved records.

Each record page carries one JSON-LD object in its front matter; the theme override
(overrides/main.html) prints it into the page's head as it is, so the text is escaped here
for a <script> element. Urls are absolute when the site has a site_url and relative to the
page otherwise, which is how JSON-LD resolves a relative url: against the document's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from builder.records.dates import PartialDate
from builder.records.models import Citation, Leader, Role
from builder.records.valid_record import Key
from builder.render.addresses import index_path, page_address, record_address, relative
from builder.resolve.prose import plain
from builder.resolve.site import Site

CONTEXT = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"

# In a <script> element '</script>' ends it and '<!--' changes how the end is found; U+2028
# and U+2029 end a line for YAML (the front matter) and old JavaScript parsers, and C1
# controls, NEL among them, are line breaks to YAML too. JSON may write any of them as \\uXXXX.
_UNSAFE = re.compile("[<>&\x7f-\x9f\u2028\u2029\ufeff]")


def wikidata_url(qid: str) -> str:
    return WIKIDATA + qid


def script_text(data: dict[str, Any]) -> str:
    """JSON that reads the same to a JSON parser and cannot end or change its <script> element."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(data, ensure_ascii=False))


def _date(name: str, date: PartialDate | None) -> dict[str, str]:
    """A date at the record's precision: schema.org reads ISO 8601, where 2021-06 is a month."""
    return {name: date.iso()} if date else {}


# What each kind of source is to schema.org; an explainer or a statement is no news article.
_WORK_TYPES = {"news-report": "NewsArticle", "blog-post": "BlogPosting", "analysis": "Article"}

TYPES = {
    "leader": "Person",
    "meeting": "Event",
    "issue": "DefinedTerm",
    "source": "CreativeWork",
    "relation": "WebPage",
}
"""What a record page is to schema.org; a kind not named here is a Thing."""

DESCRIPTION_LENGTH = 160


def description(site: Site, summary: str) -> str:
    """A record's summary as the one line that describes its page (front matter, JSON-LD)."""
    return plain(summary, site.name_of, DESCRIPTION_LENGTH)


Put = Callable[["LinkedData", Any, Key], dict[str, Any]]
"""How one field's value is said: the properties it gives, merged into the record's node."""


def _prop(name: str) -> Put:
    return lambda ld, value, here: {name: value}


def _date_prop(name: str) -> Put:
    return lambda ld, value, here: _date(name, value)


def _same(ld: LinkedData, value: Any, here: Key) -> dict[str, Any]:
    return {"sameAs": [wikidata_url(value)]}


def _merge(node: dict[str, Any], more: dict[str, Any]) -> None:
    """Add properties; a node given twice (a place's name, then its sameAs) is one node."""
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(node.get(key), dict):
            _merge(node[key], value)
        elif isinstance(value, list) and isinstance(node.get(key), list):
            node[key] = node[key] + [v for v in value if v not in node[key]]
        else:
            node[key] = value


class LinkedData:
    """The JSON-LD of every record page of one site; ``base`` is its site_url or ''."""

    def __init__(self, site: Site, base: str) -> None:
        self.site = site
        self.base = base

    def _url(self, target: Key | str, here: Key) -> str:
        address = target if isinstance(target, str) else record_address(target)
        return self.base + address if self.base else relative(address, record_address(here))

    def person(self, lid: str, here: Key) -> dict[str, Any]:
        """A leader named on another page: who, and where their page is."""
        leader: Leader = self.site.leaders[lid].model
        out = {"@type": "Person", "name": leader.name, "url": self._url(("leader", lid), here)}
        return out | (_same(self, leader.wikidata, here) if leader.wikidata else {})

    def term(self, iid: str, here: Key) -> dict[str, Any]:
        """An issue named on another page, in the set of all issues."""
        issue = self.site.issues[iid].model
        out = {"@type": "DefinedTerm", "name": issue.title, "url": self._url(("issue", iid), here)}
        return out | (_same(self, issue.wikidata, here) if issue.wikidata else {}) | self.term_set(here)

    def term_set(self, here: Key) -> dict[str, Any]:
        url = self._url(page_address(index_path("issue")), here)
        return {"inDefinedTermSet": {"@type": "DefinedTermSet", "name": "Issues", "url": url}}

    def role(self, role: Role) -> dict[str, Any]:
        """schema.org's Role: the occupation, with the dates the person held it."""
        return {
            "@type": "Role",
            **_date("startDate", role.from_),
            **_date("endDate", role.ended),
            "hasOccupation": {"@type": "Occupation", "name": role.title},
        }

    def citations(self, citations: list[Citation], here: Key) -> dict[str, Any]:
        sources = list(dict.fromkeys(c.source for c in citations))
        return {"citation": [self.node(("source", sid), here) for sid in sources]} if sources else {}

    def node(self, key: Key, here: Key) -> dict[str, Any]:
        """What a record is, from its fields through :data:`MAPPING`, with its page's url."""
        kind, rid = key
        model = self.site.relations[rid].record if kind == "relation" else self.site.entry(key)
        out: dict[str, Any] = {"@type": TYPES.get(kind, "Thing"), "name": self.site.display_name(key)}
        out["url"] = self._url(key, here)
        if kind == "issue":
            out |= self.term_set(here)
        elif kind == "relation":  # a page about two people
            rel = self.site.relations[rid]
            out["about"] = [self.person(rel.a, here), self.person(rel.b, here)]
        puts = MAPPING.get(kind, {})
        record = model.model if model is not None else None
        for name, info in type(record).model_fields.items() if record is not None else ():
            value = getattr(record, name)
            put = puts.get(info.alias or name)
            if put is not None and value not in (None, [], {}):
                _merge(out, put(self, value, key))
        return out

    def record(self, key: Key) -> str:
        """The script text for a record's page: what the record is, in schema.org's terms."""
        return script_text({"@context": CONTEXT, **self.node(key, key)})


MAPPING: dict[str, dict[str, Put]] = {
    "leader": {
        "name": _prop("name"),
        "roles": lambda ld, roles, here: {"hasOccupation": [ld.role(r) for r in roles]} if roles else {},
        "summary": lambda ld, summary, here: {"description": description(ld.site, summary)},
        "wikidata": _same,
    },
    "meeting": {
        "title": _prop("name"),
        "date": _date_prop("startDate"),
        "end_date": _date_prop("endDate"),
        "location": lambda ld, place, here: {"location": {"@type": "Place", "name": place}},
        "location_wikidata": lambda ld, qid, here: {"location": _same(ld, qid, here)},
        "participants": lambda ld, ids, here: {"attendee": [ld.person(lid, here) for lid in ids]},
        "issues": lambda ld, ids, here: {"about": [ld.term(iid, here) for iid in ids]} if ids else {},
        "summary": lambda ld, summary, here: {"description": description(ld.site, summary)},
        "citations": lambda ld, citations, here: ld.citations(citations, here),
    },
    "issue": {
        "title": _prop("name"),
        "summary": lambda ld, summary, here: {"description": description(ld.site, summary)},
        "wikidata": _same,
    },
    "source": {
        "title": _prop("name"),
        "author": lambda ld, name, here: {"author": {"@type": "Person", "name": name}},
        "publisher": lambda ld, name, here: {"publisher": {"@type": "Organization", "name": name}},
        "url": lambda ld, url, here: {"sameAs": [url]},
        "published": _date_prop("datePublished"),
        "genre": lambda ld, genre, here: {"@type": _WORK_TYPES.get(genre, "CreativeWork")},
        "archive_url": _prop("archivedAt"),
        "wikidata": _same,
    },
    "relation": {
        "summary": lambda ld, summary, here: {"description": description(ld.site, summary)},
        "citations": lambda ld, citations, here: ld.citations(citations, here),
    },
}
"""Each kind's fields, by the name a record writes them under, and what each says in
schema.org's terms. A field not named here is listed in builder/render/fields.py as left
out of the JSON-LD, with the reason (tests/test_fields.py holds the two together)."""
