"""Built pages' JSON-LD, read by an independent JSON-LD processor (PyLD), offline.

The schema.org context is served from a minimal local copy (fixtures/schema-org-context.jsonld:
the vocabulary, and url and sameAs as links, as schema.org's own context has them); any other
document the processor asks for fails the test, so nothing is fetched at run time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from htmlscan import scan
from pyld import jsonld

SCHEMA = "https://schema.org/"
CONTEXT = json.loads((Path(__file__).parent / "fixtures" / "schema-org-context.jsonld").read_text())

# What each type must say, as expanded IRIs; the meeting's location only where it has one.
REQUIRED = {
    "Event": ("name", "url", "startDate", "attendee", "citation"),
    "Person": ("name",),  # an author is a name only; the tests check that attendees link their pages
    "CreativeWork": ("name", "url"),
    "Article": ("name", "url"),
    "BlogPosting": ("name", "url"),
    "NewsArticle": ("name", "url"),
    "DefinedTerm": ("name", "url", "inDefinedTermSet"),
    "WebPage": ("name", "url", "about"),
    "Place": ("name",),
    "Role": ("hasOccupation",),
    "Occupation": ("name",),
    "DefinedTermSet": ("name", "url"),
}


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the JSON-LD processor asked for {url}; the tests fetch nothing")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": CONTEXT}


def page_jsonld(html: Path) -> list[str]:
    """The text of each JSON-LD script of a built page."""
    return scan(html).jsonld


def expand(text: str, base: str) -> dict[str, Any]:
    """One script's JSON-LD expanded against the page's address; relative urls resolve against it."""
    expanded = jsonld.expand(json.loads(text), {"documentLoader": _loader, "base": base})
    assert len(expanded) == 1, expanded
    node: dict[str, Any] = expanded[0]
    return node


def values(node: dict[str, Any], prop: str) -> list[Any]:
    """A property's values: literals as themselves, links as their IRIs, nodes as nodes."""
    out = []
    for v in node.get(SCHEMA + prop, []):
        out.append(v["@value"] if "@value" in v else v["@id"] if set(v) == {"@id"} else v)
    return out


def check_required(node: dict[str, Any], where: str) -> list[str]:
    """Every node in the tree has its type's required properties; returns the types seen."""
    seen = []
    for t in node.get("@type", []):
        name = t.removeprefix(SCHEMA)
        seen.append(name)
        for prop in REQUIRED.get(name, ()):
            assert values(node, prop), f"{where}: a {name} without {prop}: {node}"
    for key, vs in node.items():
        if key.startswith(SCHEMA):
            for v in vs:
                if isinstance(v, dict) and "@type" in v:
                    seen += check_required(v, where)
    return seen
