"""Text from records is data: every text field of every kind, full of markup, shows as text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from htmlscan import scan, visible_text
from jsonld_check import check_required, expand

SMALL = Path(__file__).parent / "fixtures" / "small"
REPO = Path(__file__).parent.parent

# One line of everything that could become markup, a script, a link or a template.
LINE = (
    "<script>alert('PWN-script')</script> <img src=x onerror=alert('PWN-img')> "
    "<iframe src=\"https://evil.example/PWN-iframe\"></iframe> [click](javascript:alert('PWN-js')) "
    "[data](data:text/html,PWN-data) <a href='https://evil.example/PWN-a'>a</a> "
    '<div onclick="PWN-onclick">x</div> {{ PWN-jinja }} {% PWN-tag %} | PWN-cell | x | &lt;b&gt; '
    # in a JSON-LD script: what would end it or change how its end is found, and JavaScript's line ends
    "<!-- PWN-comment <script> \u2028PWN-ls\u2029 --> &amp;"
)
# In prose, a link to a javascript: or data: address is an error (tests/test_prose_policy.py),
# so prose gets the rest of the line, and block markup on lines of its own.
PROSE = LINE.replace("[click](javascript:alert('PWN-js')) [data](data:text/html,PWN-data) ", "")
BLOCK = (
    PROSE + "\n\n# PWN-heading\n\n| a | PWN-table |\n|---|---|\n| b | c |\n\nPWN-setext\n---\n\n"
    "---\ntitle: PWN-frontmatter\n---\n\n<div>\nPWN-rawblock\n</div>\n\n[ref]: javascript:alert('PWN-ref')\n"
)


def _cite() -> list[dict[str, str]]:
    return [{"source": "evil", "quote": LINE, "note": BLOCK}]


def _knowledge_base(root: Path) -> None:
    config = yaml.safe_load((SMALL / "mkdocs.yml").read_text())
    config["theme"]["custom_dir"] = "overrides"  # the shipped theme override, which prints the JSON-LD
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    shutil.copytree(REPO / "overrides", root / "overrides")
    records = {
        "content/sources/evil.yaml": {
            "title": LINE,
            "author": LINE,
            "publisher": LINE,
            "url": "https://example.org/a(b)?q=URL-ok&x=1",
            "archive_url": "https://web.archive.org/web/2020/https://example.org/a(b)",
            "published": "2020",
            "genre": "blog-post",
            "note": BLOCK,
            "no_archive": BLOCK,
        },
        "content/relations/ann-bob.yaml": {
            "summary": BLOCK,
            "themes": [{"title": LINE, "text": BLOCK, "as_of": "2020", "citations": _cite()}],
            "outlook": [{"text": BLOCK, "citations": _cite()}, {"text": PROSE, "citations": _cite()}],
            "citations": _cite(),
        },
        "leaders/ann.yaml": {
            "name": LINE,
            "country": LINE,
            "summary": BLOCK,
            "citations": _cite(),
            "roles": [{"title": LINE, "from": 2001}],
        },
        "leaders/bob.yaml": {"name": "Bob " + LINE, "country": "X", "summary": BLOCK, "citations": _cite()},
        "content/meetings/2020-talks.yaml": {
            "title": LINE,
            "date": "2020",
            "kind": "summit",
            "location": LINE,
            "participants": ["ann", "bob"],
            "issues": ["water"],
            "summary": BLOCK,
            "outcomes": [BLOCK, PROSE],
            "citations": _cite(),
        },
        "content/issues/water.yaml": {
            "title": LINE,
            "summary": BLOCK,
            "developments": [{"date": "2019", "text": BLOCK, "citations": _cite()}],
            "positions": {
                "ann": {"text": BLOCK, "citations": _cite()},
                "bob": [
                    {"text": PROSE, "as_of": "2019", "citations": _cite()},
                    {"text": BLOCK, "forecast": True, "citations": _cite()},
                ],
            },
            "citations": _cite(),
        },
    }
    for rel, data in records.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (root / "content/pages").mkdir(parents=True, exist_ok=True)
    (root / "content/pages/index.md").write_text("# Home\n")


def test_no_element_attribute_or_url_comes_from_record_text(tmp_path: Path, run) -> None:
    _knowledge_base(tmp_path)
    result = run("build", "--root", tmp_path)
    assert result.code == 0, result.err
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) > 10
    shown = 0
    for html in pages:
        page = scan(html)
        where = html.relative_to(tmp_path / "site")
        for tag, attrs in page.elements:
            for name, value in attrs.items():
                if name in ("content",) and tag == "meta":
                    continue  # the page description: the summary as plain text in an attribute
                assert "PWN" not in value or name in ("title", "aria-label", "alt"), (where, tag, name, value)
                assert not name.startswith("on"), (where, tag, name)
            if tag in ("script", "iframe", "img", "object", "embed", "form", "table", "h2", "h3", "h4"):
                assert "PWN-onclick" not in str(attrs)
        text = visible_text(html)
        for tag in ("h2", "h3", "h4", "h5", "h6"):
            assert f"<{tag}>PWN" not in html.read_text()
        assert "PWN-heading</h" not in html.read_text()
        assert "PWN-table</t" not in html.read_text()
        assert "PWN-setext</h" not in html.read_text()
        if "<script>alert('PWN-script')</script>" in text:
            shown += 1
            assert "<img src=x onerror=alert('PWN-img')>" in text
            assert "{{ PWN-jinja }}" in text and "{% PWN-tag %}" in text
    assert shown >= 6  # leaders, meeting, issue, source, relation, timeline pages show it as text
    relation = visible_text(tmp_path / "site/relations/ann-bob/index.html")
    assert relation.count("<script>alert('PWN-script')</script>") >= 4  # summary, theme, outlook
    source = visible_text(tmp_path / "site/sources/evil/index.html")
    assert "# PWN-heading" in visible_text(tmp_path / "site/leaders/ann/index.html")
    assert "https://example.org/a(b)?q=URL-ok&x=1" in source
    hrefs = scan(tmp_path / "site/sources/evil/index.html").attrs("a", "href")
    assert "https://example.org/a%28b%29?q=URL-ok&x=1" in hrefs


def test_record_text_reaches_json_ld_as_written_and_cannot_end_the_script(tmp_path: Path, run) -> None:
    _knowledge_base(tmp_path)
    assert run("build", "--root", tmp_path).code == 0
    site = tmp_path / "site"
    scripts = {}
    for html in sorted(site.rglob("*.html")):
        where = html.relative_to(site).as_posix().removesuffix("index.html")
        for script in scan(html).jsonld:
            assert not any(c in script for c in "<>&\u2028\u2029"), where
            check_required(expand(script, "https://kb.example/" + where), where)
            scripts[where] = json.loads(script)
    assert set(scripts) == {
        "leaders/ann/",
        "leaders/bob/",
        "meetings/2020-talks/",
        "issues/water/",
        "sources/evil/",
        "relations/ann-bob/",
    }
    event = scripts["meetings/2020-talks/"]
    assert event["name"] == LINE and event["location"]["name"] == LINE
    assert [p["name"] for p in event["attendee"]] == [LINE, "Bob " + LINE]
    assert event["citation"][0]["author"]["name"] == LINE
    assert scripts["leaders/ann/"]["hasOccupation"][0]["hasOccupation"]["name"] == LINE
    assert scripts["sources/evil/"]["sameAs"] == ["https://example.org/a(b)?q=URL-ok&x=1"]
