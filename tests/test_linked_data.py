"""Record pages say what they are to machines: schema.org JSON-LD, read by PyLD, and Wikidata ids."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import yaml
from htmlscan import scan
from jsonld_check import check_required, expand, page_jsonld, values

from builder.pipeline import Project, check
from builder.records.kinds import KINDS
from builder.render.json_ld import script_text

TYPES = {
    "leader": "Person",
    "meeting": "Event",
    "issue": "DefinedTerm",
    "relation": "WebPage",
}
# a source is the kind of work its genre says, where schema.org has one
WORKS = {"blog-post": "BlogPosting", "news-report": "NewsArticle", "analysis": "Article"}
CITED = set(WORKS.values()) | {"CreativeWork"}
WIKI = "https://www.wikidata.org/wiki/"


def _base(root: Path) -> str:
    return str(yaml.safe_load((root / "mkdocs.yml").read_text())["site_url"])


def _node(root: Path, address: str) -> dict[str, object]:
    [text] = page_jsonld(root / "site" / address / "index.html")
    return expand(text, _base(root) + address)


def test_every_record_page_and_no_other_carries_one_script(built: Path) -> None:
    site_dir, base = built / "site", _base(built)
    site = check(Project(built))
    record_pages = {}
    for k in KINDS.values():
        for rid in site.relations if k.name == "relation" else site.records[k.name]:
            record_pages[f"{k.pages}/{rid}/index.html"] = (k.name, rid)
    assert len(record_pages) == 20
    for html in sorted(site_dir.rglob("*.html")):
        where = html.relative_to(site_dir).as_posix()
        scripts = page_jsonld(html)
        if where not in record_pages:
            assert scripts == [], where
            continue
        assert len(scripts) == 1, where
        node = expand(scripts[0], base + where.removesuffix("index.html"))
        kind, rid = record_pages[where]
        want = WORKS.get(site.sources[rid].model.genre or "", "CreativeWork") if kind == "source" else TYPES[kind]
        assert node["@type"] == ["https://schema.org/" + want], where
        assert values(node, "url") == [base + where.removesuffix("index.html")], where
        seen = check_required(node, where)
        if kind == "meeting":
            with_issues = {"DefinedTerm"} if site.meetings[rid].model.issues else set()
            assert {"Person"} | with_issues <= set(seen) and CITED & set(seen), where
            assert all(values(person, "url") for person in values(node, "attendee")), where
        # every page a node links to is a page of the site
        for link in _links(node):
            if link.startswith(base):
                assert (site_dir / link.removeprefix(base) / "index.html").is_file(), (where, link)


def _links(node: object) -> list[str]:
    if isinstance(node, list):
        return [link for item in node for link in _links(item)]
    if not isinstance(node, dict):
        return []
    if set(node) == {"@id"}:
        return [node["@id"]]
    return [link for key, v in node.items() if key.startswith("https://schema.org/") for link in _links(v)]


def test_a_meeting_is_an_event_at_its_records_precision(built: Path) -> None:
    base = _base(built)
    event = _node(built, "meetings/2021-06-geneva-summit/")
    assert values(event, "name") == ["Geneva summit"]
    assert values(event, "startDate") == ["2021-06"]  # a month, not an invented day
    assert values(event, "endDate") == []
    [place] = values(event, "location")
    assert values(place, "name") == ["Geneva"] and values(place, "sameAs") == [WIKI + "Q71"]
    people = {values(p, "name")[0]: (values(p, "url"), values(p, "sameAs")) for p in values(event, "attendee")}
    assert people == {
        "Joe Biden": ([base + "leaders/biden/"], [WIKI + "Q6279"]),
        "Vladimir Putin": ([base + "leaders/putin/"], [WIKI + "Q7747"]),
    }
    about = {values(t, "name")[0] for t in values(event, "about")}
    assert about == {"Cybersecurity", "Human rights and democracy", "Ukraine"}
    [work] = values(event, "citation")
    assert values(work, "name") == ["Biden And Putin: A Look At Their Relationship"]
    assert values(work, "url") == [base + "sources/biden-putin-look-at-relationship/"]
    assert [values(a, "name") for a in values(work, "author")] == [["Jhon Lennon"]]
    call = _node(built, "meetings/2021-12-virtual-meeting/")
    assert values(call, "location") == []  # a virtual meeting has no place


def test_leaders_roles_and_wikidata(built: Path) -> None:
    putin = _node(built, "leaders/putin/")
    assert values(putin, "sameAs") == [WIKI + "Q7747"]
    [role] = values(putin, "hasOccupation")
    assert [values(o, "name") for o in values(role, "hasOccupation")] == [["Head of state of Russia"]]
    hrefs = scan(built / "site/leaders/putin/index.html").attrs("a", "href")
    assert WIKI + "Q7747" in hrefs
    assert WIKI + "Q71" in scan(built / "site/meetings/2021-06-geneva-summit/index.html").attrs("a", "href")
    data = json.loads((built / "site/data/summitry.json").read_text())
    assert {r["id"]: r["wikidata"] for r in data["leaders"]} == {"biden": "Q6279", "putin": "Q7747", "trump": "Q22686"}
    hamburg = next(m for m in data["meetings"] if m["id"] == "2017-07-hamburg-g20")
    assert hamburg["location_wikidata"] == "Q1055"


def test_without_site_url_links_are_relative_to_the_page(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    page = frontmatter.loads((small / "build/docs/meetings/2022-05-three-way-summit.md").read_text())
    data = json.loads(page.metadata["summitry_jsonld"])
    assert data["url"] == "./"
    assert data["attendee"][0]["url"] == "../../leaders/alpha/"
    # a JSON-LD processor resolves them against the page's own address
    event = expand(json.dumps(data), "https://kb.example/meetings/2022-05-three-way-summit/")
    assert values(values(event, "attendee")[0], "url") == ["https://kb.example/leaders/alpha/"]
    assert values(values(event, "location")[0], "sameAs") == [WIKI + "Q13406268"]
    term = values(event, "about")[0]
    assert values(values(term, "inDefinedTermSet")[0], "url") == ["https://kb.example/issues/"]


def test_script_text_cannot_end_or_change_its_element() -> None:
    hostile = "</script><!--<script>\u2028\u2029\x85&amp; Zürich"
    out = script_text({"name": hostile})
    assert not any(c in out for c in "<>&\u2028\u2029\x85")
    assert "Zürich" in out  # other text stays readable
    assert json.loads(out) == {"name": hostile}
