"""Every page renders as written: no Markdown left as text where a page meant structure.

Every page of the built site, generated and hand-written, is read as a reader gets it (the
HTML MkDocs made) and fails on a code fence shown as text (or read as inline code), a
numbered or bulleted list whose items ran into one paragraph, a heading or definition left
as text, and Markdown syntax shown as text: unless a record's own text holds it, which the
prose policy shows as written on purpose (builder/resolve/prose.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.records.kinds import KINDS
from builder.render import search_index
from builder.render.pages import _one_blank_line
from builder.resolve.prose import plain, plain_text
from builder.resolve.references import PROSE_KEYS

# Text that is Markdown syntax, not prose, wherever it shows outside code.
SYNTAX = {
    "a code fence": re.compile(r"```|~~~"),
    "a list item run into the paragraph before it": re.compile(r"\n[ \t]*(?:\d+[.)]|[-*+])[ \t]+\S"),
    "a heading left as text": re.compile(r"\n[ \t]*#{1,6}[ \t]+\S"),
    "a definition left as text": re.compile(r"\n:[ \t]{3}\S"),
    "strong emphasis left as text": re.compile(r"\*\*|(?<!\w)__(?=\w)"),
    "a record link left as text": re.compile(r"\[\[|\]\]"),
    "a link left as text": re.compile(r"\]\(|\]\["),
    "a footnote mark left as text": re.compile(r"\[\^"),
    "a backtick": re.compile(r"`"),
    "a table row left as text": re.compile(r"\|\s*-{3,}"),
    "the footnotes' marker": re.compile(r"///Footnotes Go Here///"),
}
SKIPPED = {"code", "pre", "script", "style", "svg", "title"}


class _Text(HTMLParser):
    """The article's text outside code, and each inline code span's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.depth = 0  # inside the article
        self.text: list[str] = []
        self.inline_code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if tag not in ("br", "img", "hr", "input", "meta", "link"):
            self.stack.append(tag)
            if tag == "code" and "pre" not in self.stack[:-1]:
                self.inline_code.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            return
        if self.stack and self.stack[-1] == "code" and "pre" not in self.stack:
            self.inline_code[-1] += data
        elif not SKIPPED.intersection(self.stack):
            self.text.append(data)


def problems(html: str, allowed: str = "") -> Iterator[str]:
    """What in a page's article shows Markdown that was not read as Markdown. Syntax found in
    ``allowed`` (the records' own text) is shown on purpose and passes."""
    page = _Text()
    page.feed(html)
    text = "".join(page.text)
    for what, pattern in SYNTAX.items():
        for found in pattern.finditer(text):
            if found[0].strip() not in allowed:
                around = text[max(0, found.start() - 30) : found.end() + 30].replace("\n", "⏎")
                yield f"{what}: …{around}…"
                break
    for code in page.inline_code:
        if "\n" in code:  # a fence read as inline code runs over lines
            yield f"a code block read as inline code: {code[:60]!r}"


def _shown_as_written(root: Path) -> str:
    """What the records' text shows as written: titles, names and quotes whole, and of the
    Markdown fields what the policy leaves as text (their links and emphasis are read)."""
    found: list[str] = []

    def walk(value: object, key: object = None) -> None:
        if isinstance(value, str):
            found.append(plain_text(value, str) if key in PROSE_KEYS else value)
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(name)
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)

    for kind in KINDS.values():
        for path in sorted((root / kind.folder).glob("*.yaml")):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return "\n".join(found)


def test_every_page_renders_as_written(built: Path) -> None:
    site = built / "site"
    allowed = _shown_as_written(built)
    pages = sorted(site.rglob("*.html"))
    found = {}
    for html in pages:
        bad = list(problems(html.read_text(encoding="utf-8"), allowed))
        if bad:
            found[html.relative_to(site).as_posix()] = bad
    assert len(pages) > 35
    assert not found
    # the pages the issue found broken: the contributing page's seven steps and its command
    contributing = (site / "contributing/index.html").read_text(encoding="utf-8")
    steps = contributing.split('id="steps"', 1)[1].split("</ol>", 1)[0]
    assert steps.count("<li>") == 7
    assert '<pre><code>summitry new meeting --title "Geneva summit"' in steps
    assert "--participants biden,putin --issues cybersecurity,ukraine \\\n" in steps


EXTENSIONS = ["toc", "tables", "fenced_code", "def_list", "footnotes", "md_in_html"]  # MkDocs's and mkdocs.yml's

BROKEN = """1. **Find.** The ids.
2. **Create.** Run it:

    ```sh
    summitry new meeting --title "Geneva summit" \\
        --participants biden,putin
    ```

    It names the file.
3. **Check.** Run the check.
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (BROKEN, ["a list item run into the paragraph before it", "a code block read as inline code"]),
        ("Some **strong text.\n", ["strong emphasis left as text"]),
        ("See [[putin]] and [x](y .\n", ["a record link left as text", "a link left as text"]),
        ("Intro\n## Heading\n", []),  # Python-Markdown reads a heading right after a line of text
        ("Term\n:   Definition\n", []),
        ("Word\n\n: not a definition\n", []),
    ],
)
def test_the_check_finds_markdown_shown_as_text(source: str, expected: list[str]) -> None:
    html = "<article>" + markdown.markdown(source, extensions=EXTENSIONS) + "</article>"
    assert [p.split(":")[0] for p in problems(html)] == expected


def test_what_a_record_says_is_shown_on_purpose() -> None:
    html = "<article><p>A title with **stars** and a ` tick</p></article>"
    assert [p.split(":")[0] for p in problems(html)] == ["strong emphasis left as text", "a backtick"]
    assert list(problems(html, allowed="Title: A title with **stars** and a ` tick")) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="\n a", max_size=40))
def test_blank_lines_collapse_as_the_pattern_would(text: str) -> None:
    """A page's runs of blank lines become one, as re.sub(r"\\n{3,}", "\\n\\n") makes them."""
    assert _one_blank_line(text) == re.sub(r"\n{3,}", "\n\n", text)


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        ("Talks went on and further… " + "x" * 40, "Talks went on and further…"),  # one ellipsis, not two
        ("Talks went on and further. " + "x" * 40, "Talks went on and further.…"),
        ("Short and whole…", "Short and whole…"),  # not cut: as written
    ],
)
def test_a_description_cut_short_ends_in_one_ellipsis(summary: str, line: str) -> None:
    assert plain(summary, lambda rid: rid, 40) == line
    # and so does a search result's, cut at its own length
    long = summary.replace("x" * 40, "x" * search_index.DESCRIBED)
    assert search_index._described(long) == (line if long != summary else summary)
