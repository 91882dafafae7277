"""The shipped knowledge base, built into a real site by MkDocs in strict mode."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from htmlscan import scan, visible_text

from builder.pipeline import Project, check
from builder.resolve.quotes import fold

REPO = Path(__file__).parent.parent

# The archived articles are third-party documents kept verbatim: any edit is a mistake.
ARCHIVES = {
    "biden-putin-look-at-relationship.txt": "a3cda424275da044ccff87fe26fc5e9d832b09e3fb431485fbe50bbdd9fa812a",
    "trump-putin-complex-relationship.txt": "fad6f304c4c650b1f9b1917c7201fece45fd5114a816b16c2c8ed135dc2b4b94",
}


def test_archives_are_verbatim() -> None:
    for name, digest in ARCHIVES.items():
        assert hashlib.sha256((REPO / "content/sources" / name).read_bytes()).hexdigest() == digest


def test_shipped_content_checks() -> None:
    site = check(Project(REPO))
    assert {"putin", "trump", "biden"} <= set(site.leaders)
    assert {
        "ukraine",
        "nato-eastern-europe",
        "election-interference",
        "cybersecurity",
        "arms-control",
        "human-rights",
        "syria",
        "sanctions",
    } <= set(site.issues)


def test_required_meetings_with_the_precision_the_sources_give() -> None:
    site = check(Project(REPO))
    found = {
        (e.model.date.iso(), tuple(sorted(e.model.participants)), e.model.location) for e in site.meetings.values()
    }
    assert ("2017-07", ("putin", "trump"), "Hamburg") in found
    assert ("2018", ("putin", "trump"), "Helsinki") in found
    assert ("2021-06", ("biden", "putin"), "Geneva") in found
    assert ("2021-12", ("biden", "putin"), None) in found
    assert site.issues["ukraine"].model.developments[0].date.iso() == "2014"


def test_every_quote_occurs_in_its_archive() -> None:
    """Checked independently of the builder's own quote check: a plain walk over the YAML."""
    archives = {p.stem: fold(p.read_text(encoding="utf-8")) for p in (REPO / "content/sources").glob("*.txt")}
    quotes = 0

    def walk(value: object) -> None:
        nonlocal quotes
        if isinstance(value, dict):
            if "source" in value and "quote" in value:
                assert fold(value["quote"]) in archives[value["source"]], value["quote"]
                quotes += 1
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(REPO.glob("leaders/*.yaml")) + sorted(REPO.glob("content/*/*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert quotes > 40


def test_every_record_has_a_page(built: Path) -> None:
    site = check(Project(built))
    for folder, ids in [
        ("leaders", site.leaders),
        ("meetings", site.meetings),
        ("issues", site.issues),
        ("sources", site.sources),
        ("relations", site.relations),
    ]:
        assert ids, f"no {folder} in the shipped records"
        for rid in ids:
            assert (built / "site" / folder / rid / "index.html").is_file(), f"{folder}/{rid}"
    assert sorted(site.relations) == ["biden-putin", "putin-trump"]


def test_edit_button_opens_the_yaml_record(built: Path) -> None:
    page = scan(built / "site/meetings/2021-06-geneva-summit/index.html")
    edits = [a["href"] for t, a in page.elements if t == "a" and a.get("rel") == "edit"]
    assert edits == ["https://github.com/summitry/summitry/edit/main/content/meetings/2021-06-geneva-summit.yaml"]
    leader = scan(built / "site/leaders/putin/index.html")
    assert [a["href"] for t, a in leader.elements if a.get("rel") == "edit"] == [
        "https://github.com/summitry/summitry/edit/main/leaders/putin.yaml"
    ]
    timeline = scan(built / "site/timeline/index.html")
    assert not [a for t, a in timeline.elements if a.get("rel") == "edit"]


def test_nothing_is_loaded_from_another_host(built: Path) -> None:
    pages = sorted((built / "site").rglob("*.html"))
    assert len(pages) >= 29, "the built site has fewer pages than the shipped records make"
    for html in pages:
        page = scan(html)
        loaded = page.attrs("script", "src") + page.attrs("img", "src") + page.attrs("iframe", "src")
        loaded += [a["href"] for t, a in page.elements if t == "link" and a.get("rel") != "canonical"]
        assert not [u for u in loaded if re.match(r"(https?:)?//", u)], html


def test_search_index_finds_geneva(built: Path) -> None:
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert any(
        doc["location"] == "meetings/2021-06-geneva-summit/" for doc in index["docs"] if "Geneva" in doc["title"]
    )


def test_dates_print_with_their_precision(built: Path) -> None:
    geneva = visible_text(built / "site/meetings/2021-06-geneva-summit/index.html")
    assert "Date June 2021" in geneva
    assert not re.search(r"\b1 June 2021\b", geneva)
    helsinki = visible_text(built / "site/meetings/2018-helsinki-summit/index.html")
    assert "Date 2018" in helsinki and "January" not in helsinki


def test_links_go_both_ways(built: Path) -> None:
    def hrefs(rel: str) -> set[str]:
        return set(scan(built / "site" / rel / "index.html").attrs("a", "href"))

    assert "../../leaders/biden/" in hrefs("meetings/2021-06-geneva-summit")
    assert "../../meetings/2021-06-geneva-summit/" in hrefs("leaders/biden")
    assert "../../issues/ukraine/" in hrefs("meetings/2021-06-geneva-summit")
    assert "../../meetings/2021-06-geneva-summit/" in hrefs("issues/ukraine")
    assert "../2021-12-virtual-meeting/" in hrefs("meetings/2021-06-geneva-summit")
    assert "../2021-06-geneva-summit/" in hrefs("meetings/2021-12-virtual-meeting")
    assert "../../relations/biden-putin/" in hrefs("leaders/putin")


def test_a_thin_issue_page_says_so_in_one_line(built: Path) -> None:
    page = (built / "build/docs/issues/syria.md").read_text()
    body = page.split("\n# Syria\n", 1)[1].split("\n## Sources\n", 1)[0]
    paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
    assert paragraphs[1:] == [
        '<p class="summitry-note">Nothing more is recorded on this issue yet: no dated development or meeting, '
        "and no leader's position.</p>"
    ]
    assert "## Timeline" not in page and "## Positions" not in page
    ukraine = (built / "build/docs/issues/ukraine.md").read_text()  # all of it: no such line
    assert "## Timeline" in ukraine and "## Positions" in ukraine and "recorded on this issue yet" not in ukraine


def test_linked_from_lists_only_what_the_page_does_not_link_already(built: Path) -> None:
    docs = built / "build/docs"
    listed = 0
    for path in sorted(docs.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        if "\n## Linked from\n" not in text:
            continue
        above, section = text.split("\n## Linked from\n", 1)
        items = re.findall(r"^- \[[^\]]*\]\(([^)]+)\)", section.strip().split("\n\n", 1)[0], re.MULTILINE)
        assert items, path
        listed += len(items)
        for target in items:
            assert f"]({target})" not in above, (path, target)
    assert listed >= 3
    # the records that link to Putin's page and are linked above it stay out of its list
    putin = (docs / "leaders/putin.md").read_text()
    above, _, section = putin.partition("\n## Linked from\n")
    assert "(../meetings/2021-06-geneva-summit.md)" in above and "2021-06-geneva-summit" not in section


def test_the_site_name_is_said_once_in_each_title(built: Path) -> None:
    titles = {}
    for html in sorted((built / "site").rglob("index.html")):
        found = re.search(r"<title>(.*?)</title>", html.read_text(encoding="utf-8"), re.S)
        assert found, html
        titles[html.parent.relative_to(built / "site").as_posix()] = found[1]
    assert titles["."] == "Summitry"
    assert titles["leaders/putin"] == "Vladimir Putin - Summitry"
    assert not [t for t in titles.values() if t.count("Summitry") != 1]


def test_every_statement_leads_to_a_quoted_source(built: Path) -> None:
    page = scan(built / "site/issues/ukraine/index.html")
    marks = [a["href"] for t, a in page.elements if t == "a" and a.get("class") == "footnote-ref"]
    notes = {a["id"] for t, a in page.elements if t == "li" and a.get("id", "").startswith("fn:")}
    assert marks and {m.lstrip("#") for m in marks} == notes


def test_failed_engine_run_keeps_the_previous_site(built: Path, run) -> None:
    index = built / "site" / "index.html"
    before = index.read_bytes()
    config = built / "mkdocs.yml"
    original = config.read_text()
    config.write_text(original.replace("  - Contribute: contributing.md", "  - Missing: missing.md"))
    try:
        result = run("build", "--root", built)
    finally:
        config.write_text(original)
    assert result.code == 1
    assert "mkdocs build failed; the previous site is unchanged" in result.err
    assert index.read_bytes() == before
    assert not list(built.glob(".summitry-site-*"))


def test_record_text_is_shown_never_rendered(small: Path, run) -> None:
    hostile = (
        "<script>alert(1)</script> <img src=x onerror=alert(2)> <iframe src=//evil.example></iframe> "
        "[click][j] ![data](data:text/html,x) {{ 7*7 }} {% raw %} | a | b |\n\n[j]: javascript:alert(3)"
    )  # an inline link to javascript: is an error (tests/test_prose_policy.py); these show as text
    gamma = small / "leaders" / "gamma.yaml"
    gamma.write_text(
        yaml.safe_dump(
            {
                "name": "<b>Cy</b> *Gamma*",
                "country": "<i>E</i>",
                "summary": hostile,
                "citations": [{"source": "hearsay", "note": "<script>alert(4)</script>"}],
            }
        )
    )
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    html = small / "site" / "leaders" / "gamma" / "index.html"
    page = scan(html)
    article = visible_text(html)
    assert "<script>alert(1)</script>" in article
    assert "<img src=x onerror=alert(2)>" in article
    assert "{{ 7*7 }}" in article
    assert "<b>Cy</b> *Gamma*" in article
    assert not [a for t, a in page.elements if "onerror" in a]
    assert not [t for t, a in page.elements if t in ("iframe", "b", "i")]
    assert not [h for h in page.attrs("a", "href") if h.lower().startswith(("javascript:", "data:"))]
    assert all("alert" not in s for s in page.attrs("script", "src"))


def test_nav_lists_section_pages_only(built: Path) -> None:
    page = scan(built / "site/leaders/putin/index.html")
    nav = {a["href"] for t, a in page.elements if t == "a" and "md-nav__link" in a.get("class", "")}
    assert "../../relations/" in nav and "../../timeline/" in nav
    assert not [h for h in nav if re.search(r"/(leaders|meetings|issues|relations|sources)/[a-z0-9-]+/$", h)]


def test_every_internal_link_and_anchor_resolves(built: Path) -> None:
    """The README's command, as written, in the knowledge base's folder: the base path under
    which 404.html links comes from mkdocs.yml."""
    result = subprocess.run(
        [sys.executable, "-m", "builder.linkcheck", "site"], cwd=built, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    checked = int(result.stdout.split()[0])
    assert checked > 500 and result.stdout.endswith(" internal links checked, 0 broken\n")


def test_link_check_reads_the_base_path_as_the_engines_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from builder.linkcheck import base_path, main

    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: !ENV [SUMMITRY_TEST_UNSET_URL, 'https://example.org/kb/']\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    assert base_path(config) == "/kb/"
    assert base_path(tmp_path / "none.yml") == "/"
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "404.html").write_text('<a href="/kb/">home</a><a href="/kb/gone/">gone</a>')
    (tmp_path / "site" / "index.html").write_text("home")
    assert main([str(tmp_path / "site"), "--config", str(config)]) == 1
    assert capsys.readouterr() == ("2 internal links checked, 1 broken\n", "404.html: /kb/gone/\n")
    assert main([str(tmp_path / "site"), "--config", str(config), "--base-path", "/other/"]) == 1
    assert capsys.readouterr().err == "404.html: /kb/\n404.html: /kb/gone/\n"


def test_link_check_finds_a_broken_link_and_anchor(tmp_path: Path) -> None:
    from builder.linkcheck import broken_links

    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="b/">gone</a><a href="a/#nowhere">x</a>')
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">A</h1><a href="../#top">no anchor there</a>')
    assert broken_links(tmp_path) == (
        4,
        ["a/index.html: ../#top (no such anchor)", "index.html: b/", "index.html: a/#nowhere (no such anchor)"],
    )


def test_pictures_stay_out_of_the_search_index(built: Path) -> None:
    # The pictures repeat the page's text in labels; search should find the text, once.
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert docs["#who-met-whom"] == ""  # the home page's section holds only the graph
    assert "Putin" in docs["#latest-meetings"]
    timeline = {loc: text for loc, text in docs.items() if loc.startswith("timeline/")}
    assert "timeline/2018/" in timeline  # the years' pages are found; their listings and the picture are not
    assert "2018" in timeline["timeline/"]  # the section page's table of years is
    assert not [text for text in timeline.values() if "Time line of" in text or "Helsinki" in text]


def test_listings_render_as_tables_and_stay_out_of_search(built: Path) -> None:
    page = scan(built / "site/leaders/index.html")
    assert "| Leader |" not in visible_text(built / "site/leaders/index.html")  # md_in_html rendered it
    assert "putin/" in page.attrs("a", "href")
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    listing = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("leaders/#"))
    listing += " ".join(doc["text"] for doc in index["docs"] if doc["location"] == "leaders/")
    assert "Putin" not in listing  # Putin is found on his own page
    assert any(doc["location"] == "leaders/putin/" for doc in index["docs"])
