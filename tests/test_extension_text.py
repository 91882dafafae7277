"""Record text under the site's own Markdown extensions: what pymdownx reads as markup in plain
text (emoji shortcodes, bare addresses, mentions, '~~', '^^', '==') shows as written in every
field, and what escaping does not foresee, `summitry check` refuses with the field's place."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from htmlscan import scan, visible_text

# Material's emoji recipe as the README gives it (with pymdownx's own generator, whose images
# come from a CDN), magiclink, and the formatting extensions of Material's docs.
EXTENSIONS = """\
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
  - pymdownx.magiclink
  - pymdownx.tilde
  - pymdownx.caret
  - pymdownx.mark
"""
HOSTILE = "Geneva summit :skull: www.evil.example https://evil.example/x a@evil.example @evil ~~d~~ ^^i^^ ==m=="
LOADS = {("img", "src"), ("script", "src"), ("link", "href"), ("iframe", "src"), ("source", "src")}


def _with_extensions(root: Path, more: str = EXTENSIONS) -> None:
    config = (root / "mkdocs.yml").read_text().replace("markdown_extensions: [toc, tables, def_list, footnotes]", "")
    (root / "mkdocs.yml").write_text(
        config + "markdown_extensions:\n  - toc\n  - tables\n  - def_list\n  - footnotes\n" + more
    )


def _everywhere(root: Path, value: str) -> None:
    """The value in a title, a place, a name, a country, a role, a quote, a summary and a note."""
    meeting = root / "content/meetings/2020-03-03-riverton-talks.yaml"
    data = yaml.safe_load(meeting.read_text())
    data.update(title=value, location=value, summary=f"{value} [@{data['citations'][0]['key']}]")
    data["citations"][0]["note"] = value
    meeting.write_text(yaml.safe_dump(data, allow_unicode=True))
    gamma = root / "leaders/gamma.yaml"
    data = yaml.safe_load(gamma.read_text())
    data.update(name=value, country=value, roles=[{"title": value, "cite": [data["citations"][0]["key"]]}])
    gamma.write_text(yaml.safe_dump(data, allow_unicode=True))
    source = root / "content/sources/hearsay.yaml"
    data = yaml.safe_load(source.read_text())
    data.update(title=value)
    source.write_text(yaml.safe_dump(data, allow_unicode=True))


def test_text_the_extensions_read_shows_as_written_and_loads_nothing(small: Path, run) -> None:
    _with_extensions(small)
    _everywhere(small, HOSTILE)
    assert run("check", "--strict", "--root", small).code == 0
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    pages = sorted((small / "site").rglob("*.html"))
    for html in pages:
        where = html.relative_to(small / "site")
        page = scan(html)
        for tag, attrs in page.elements:
            assert tag not in ("del", "ins", "mark"), (where, tag)
            for name, value in attrs.items():
                # as text it may be anywhere (a description, a picture's labels); never an address
                assert "evil.example" not in value or name not in ("href", "src", "action"), (where, tag, name)
                if (tag, name) in LOADS:
                    assert not urlsplit(value).netloc, (where, tag, name, value)  # nothing from another host
    meeting = visible_text(small / "site/meetings/2020-03-03-riverton-talks/index.html")
    assert meeting.count(HOSTILE) >= 3  # the title, the place, the summary, each character as written
    assert HOSTILE in visible_text(small / "site/leaders/gamma/index.html")


# An extension the builder knows nothing of: it makes the word 'Riverton' a link.
UNKNOWN = """\
import xml.etree.ElementTree as etree
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor


class _Town(InlineProcessor):
    def handleMatch(self, m, data):
        link = etree.Element("a", href="https://evil.example/")
        link.text = m[0]
        return link, m.start(0), m.end(0)


class Towns(Extension):
    def extendMarkdown(self, md):
        md.inlinePatterns.register(_Town(r"Riverton"), "towns", 100)


def makeExtension(**kwargs):
    return Towns(**kwargs)
"""


def test_what_escaping_does_not_foresee_is_refused_with_its_place(
    small: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "towns.py").write_text(UNKNOWN)
    monkeypatch.syspath_prepend(str(tmp_path))
    _with_extensions(small, "  - towns\n")
    result = run("check", "--root", small)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == (
        "content/meetings/2020-03-03-riverton-talks.yaml:1:8: meeting '2020-03-03-riverton-talks': field 'title': "
        "text turns into <a>, which the prose policy does not allow; please report it"
    )
    assert "field 'location': text turns into <a>" in result.err  # the place, 'Riverton', too
    assert lines[-1].endswith("problems found.")
