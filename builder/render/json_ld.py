"""What a record page says to machines: schema.org JSON-LD, made from the resolved records.

Each record page carries one JSON-LD object in its front matter; the theme override
(overrides/main.html) prints it into the page's head as it is, so the text is escaped here
for a <script> element. Urls are absolute when the site has a site_url and relative to the
page otherwise, which is how JSON-LD resolves a relative url: against the document's own.
"""

from __future__ import annotations

import json
import re
from typing import Any

from builder.records.dates import PartialDate
from builder.records.models import Citation, Leader, Meeting, Source
from builder.records.valid_record import Key
from builder.render.addresses import index_path, page_address, record_address, relative
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


def _same_as(wikidata: str | None, address: str | None = None) -> dict[str, list[str]]:
    """The same thing elsewhere: where a source was published, and the Wikidata item."""
    found = [a for a in (address, wikidata and wikidata_url(wikidata)) if a]
    return {"sameAs": found} if found else {}


def _date(name: str, date: PartialDate | None) -> dict[str, str]:
    """A date at the record's precision: schema.org reads ISO 8601, where 2021-06 is a month."""
    return {name: date.iso()} if date else {}


# What each kind of source is to schema.org; an explainer or a statement is no news article.
_WORK_TYPES = {"news-report": "NewsArticle", "blog-post": "BlogPosting", "analysis": "Article"}


class LinkedData:
    """The JSON-LD of every record page of one site; ``base`` is its site_url or ''."""

    def __init__(self, site: Site, base: str) -> None:
        self.site = site
        self.base = base

    def _url(self, target: Key | str, here: Key) -> str:
        address = target if isinstance(target, str) else record_address(target)
        return self.base + address if self.base else relative(address, record_address(here))

    def _person(self, lid: str, here: Key) -> dict[str, Any]:
        leader: Leader = self.site.leaders[lid].model
        url = self._url(("leader", lid), here)
        return {"@type": "Person", "name": leader.name, "url": url, **_same_as(leader.wikidata)}

    def _term(self, iid: str, here: Key) -> dict[str, Any]:
        issue = self.site.issues[iid].model
        return {
            "@type": "DefinedTerm",
            "name": issue.title,
            "url": self._url(("issue", iid), here),
            **_same_as(issue.wikidata),
            "inDefinedTermSet": {
                "@type": "DefinedTermSet",
                "name": "Issues",
                "url": self._url(page_address(index_path("issue")), here),
            },
        }

    def _work(self, sid: str, here: Key) -> dict[str, Any]:
        source: Source = self.site.sources[sid].model
        kind = _WORK_TYPES.get(source.genre or "", "CreativeWork")
        out: dict[str, Any] = {"@type": kind, "name": source.title, "url": self._url(("source", sid), here)}
        if source.author:
            out["author"] = {"@type": "Person", "name": source.author}
        if source.publisher:
            out["publisher"] = {"@type": "Organization", "name": source.publisher}
        out |= _date("datePublished", source.published)
        return out | _same_as(source.wikidata, source.url)

    def _citations(self, citations: list[Citation], here: Key) -> dict[str, Any]:
        sources = list(dict.fromkeys(c.source for c in citations))
        return {"citation": [self._work(sid, here) for sid in sources]} if sources else {}

    def _meeting(self, mid: str, description: str | None) -> dict[str, Any]:
        here = ("meeting", mid)
        m: Meeting = self.site.meetings[mid].model
        out: dict[str, Any] = {"@type": "Event", "name": m.title, "url": self._url(here, here)}
        out |= _date("startDate", m.date) | _date("endDate", m.end_date)
        if description:
            out["description"] = description
        if m.location:
            out["location"] = {"@type": "Place", "name": m.location, **_same_as(m.location_wikidata)}
        out["attendee"] = [self._person(lid, here) for lid in m.participants]
        if m.issues:
            out["about"] = [self._term(iid, here) for iid in m.issues]
        return out | self._citations(m.citations, here)

    def _leader(self, lid: str, description: str | None) -> dict[str, Any]:
        here = ("leader", lid)
        leader: Leader = self.site.leaders[lid].model
        out = self._person(lid, here)
        if description:
            out["description"] = description
        if leader.roles:
            # schema.org's Role: the occupation, with the dates the person held it
            out["hasOccupation"] = [
                {
                    "@type": "Role",
                    **_date("startDate", role.from_),
                    **_date("endDate", role.ended),
                    "hasOccupation": {"@type": "Occupation", "name": role.title},
                }
                for role in leader.roles
            ]
        return out

    def _issue(self, iid: str, description: str | None) -> dict[str, Any]:
        here = ("issue", iid)
        out = self._term(iid, here)
        return out | ({"description": description} if description else {})

    def _relation(self, rid: str, description: str | None) -> dict[str, Any]:
        here = ("relation", rid)
        rel = self.site.relations[rid]
        out: dict[str, Any] = {
            "@type": "WebPage",
            "name": f"{self.site.leaders[rel.a].model.name} and {self.site.leaders[rel.b].model.name}",
            "url": self._url(here, here),
        }
        if description:
            out["description"] = description
        return out | {"about": [self._person(rel.a, here), self._person(rel.b, here)]}

    def record(self, key: Key, description: str | None = None) -> str:
        """The script text for a record's page: what the record is, in schema.org's terms."""
        kind, rid = key
        if kind == "source":
            data = self._work(rid, key)
        else:
            make = {"meeting": self._meeting, "leader": self._leader, "issue": self._issue, "relation": self._relation}
            data = make[kind](rid, description)
        return script_text({"@context": CONTEXT, **data})
