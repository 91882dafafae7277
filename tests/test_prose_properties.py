"""Property tests of the prose policy: Markdown made from the grammar's own constructs, nested
and mixed, goes into record prose, and what the site makes of it holds no element, attribute
or address outside the policy, and no footnote but the record's citations."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import markdown
import pytest
import yaml
from htmlscan import scan_text
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from material.extensions.emoji import twemoji

from builder.cli import main
from builder.resolve.prose import LINK_RE, convert, prose, text
from builder.resolve.prose_check import (
    KNOWN_EXTENSIONS,
    TEXT_TAGS,
    _everyday,
    link_forms,
    refused,
    site_extensions,
)

REPO = Path(__file__).parent.parent
SMALL = Path(__file__).parent / "fixtures" / "small"
PROSE_TAGS = {"p", "em", "strong", "a"}

words = st.text(st.sampled_from(list("ab Z09^*_[]()!<>&:|#\\`{}~=-+./'\"")), min_size=1, max_size=6)
addresses = st.sampled_from(
    [
        "https://evil.example/p.png",
        "https://example.org/a_(b)?q=1&r=2",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#115;cript:x",
        "javascript&colon;x",
        "data:text/html,x",
        "http://evil.example/",
        "//evil.example/x",
        "other.md",
        "#fn:1",
        "mailto:a@example.org",
        "<https://evil.example/>",
        'https://e.org "title"',
    ]
)
# Each construct of Python-Markdown and of the extensions the site enables, as a template.
CONSTRUCTS = [
    "[{w}]: {u}",
    "[{w}][{w}]",
    "[{w}][]",
    "[^{w}]",
    "[^1]",
    "[^{w}]: {w}",
    "![{w}]({u})",
    "![{w}][{w}]",
    "[{w}]({u})",
    "[{w}]({u} '{w}')",
    "<{u}>",
    "<a@example.org>",
    '<{w} onclick="{w}">{w}</{w}>',
    "<script>{w}</script>",
    "<img src={u} onerror={w}>",
    "<!-- {w} -->",
    '<div markdown="1">\n{w}\n</div>',
    "&{w};",
    "&#106;",
    "&#x6A;",
    "&amp;",
    "`{w}`",
    "``{w}``",
    "\n\n    {w}",
    "\n```\n{w}\n```\n",
    "\n~~~\n{w}\n~~~\n",
    "\n- {w}",
    "\n* {w}",
    "\n+ {w}",
    "\n1. {w}",
    "\n2) {w}",
    "\n> {w}",
    "\n# {w}",
    "\n### {w} ###",
    "\n{w}\n===",
    "\n{w}\n---",
    "\n---\n",
    "\n***\n",
    "\n___\n",
    "\n* * *\n",
    "\n{w}\n:   {w}",
    "\n\n: {w}",
    "\n| {w} | {w} |\n|---|---|\n| {w} | {w} |\n",
    " | ",
    "[TOC]",
    "\n\n[TOC]\n\n",
    "{: .{w} onclick=x}",
    "{#{w}}",
    "///Footnotes Go Here///",
    "*{w}*",
    "**{w}**",
    "_{w}_",
    "__{w}__",
    "***{w}***",
    "[[alpha]]",
    "[[beta|{w}]]",
    "  \n",
    "\\",
    "\t",
    # what the pymdownx extensions read (builder.resolve.prose_check.KNOWN_EXTENSIONS)
    ":{w}:",
    ":smile:",
    ":material-home:",
    "www.{w}.org",
    "https://{w}.org/x",
    "{w}@{w}.org",
    "@{w}",
    "@u/r",
    "u/r#12",
    "#12 !12 ?12 (?12)",
    "0123456789abcdef0123456789abcdef01234567",
    "~~{w}~~",
    "~{w}~",
    "^^{w}^^",
    "^{w}^",
    "=={w}==",
    "${w}$",
    "$${w}$$",
    "\\({w}\\)",
    "\\[{w}\\]",
    "\n??? note\n    {w}",
    "\n!!! note\n    {w}",
    '\n=== "{w}"\n    {w}',
    "++ctrl+{w}++",
    "{++{w}++}",
    "{--{w}--}",
    "{~~{w}~>{w}~~}",
    "{=={w}==}",
    "{>>{w}<<}",
    "1st 2nd 3rd 4th",
    "(c) (tm) (r) c/o +/- =/= --> <-- 1/4",
    "- [ ] {w}",
    '--8<-- "{w}"',
    "\n/// html | div\n{w}\n///\n",
]


@st.composite
def construct(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(CONSTRUCTS))
    return re.sub(r"\{([wu])\}", lambda m: draw(words if m[1] == "w" else addresses), template)


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Constructs inside constructs: in a label, in emphasis, in a quote, in a list item..."""
    around = st.sampled_from(
        ["[{}](https://example.org/)", "*{}*", "**{}**", "> {}", "- {}", "[{}]", "![{}]({})", "{}[^1]", "\n\n{}\n\n"]
    )
    return st.builds(lambda shape, a, b: shape.replace("{}", a, 1).replace("{}", b), around, inner, inner)


markdown_prose = st.recursive(
    st.lists(st.one_of(construct(), words, st.sampled_from([" ", "\n", "\n\n", "  "])), min_size=1, max_size=6).map(
        "".join
    ),
    _wrap,
    max_leaves=8,
).filter(lambda s: s.strip() and all(m[1].strip() in ("alpha", "beta") for m in LINK_RE.finditer(s)))


def _link(rid: str, label: str | None) -> str:
    return f"[{text(label or rid)}](../leaders/{rid}.md)"


def _page(value: str) -> str:
    """Prose in each place the record templates put it, each followed by a citation mark."""
    block, one = prose(value, _link), prose(value, _link, inline=True)
    return (
        f"# T\n\nDate\n:   2020\n\n{block}[^1]\n\n## Outcomes\n\n- {one}[^1]\n- **2019**: {one}[^1] (x)\n\n"
        f"| A | B |\n|---|---|\n| {one}[^1] | z |\n\n## Sources\n\n///Footnotes Go Here///\n\n"
        f"[^1]: [S](../sources/s.md): “q” ({one})\n"
    )


def _shape(html: str) -> tuple[Counter[str], list[tuple[str, dict[str, str]]]]:
    """The page's elements other than prose's own, and prose's own with their attributes."""
    elements = scan_text(html).elements
    return Counter(tag for tag, _ in elements if tag not in PROSE_TAGS), [
        (t, a) for t, a in elements if t in PROSE_TAGS
    ]


def _allowed(tag: str, attrs: dict[str, str], control: list[tuple[str, dict[str, str]]]) -> bool:
    if (tag, attrs) in control:
        return True  # the page's own: the footnote marks and back links, the source link
    if tag != "a":
        return not attrs
    href = attrs.get("href", "")
    return set(attrs) == {"href"} and (
        href.startswith("https://") or re.fullmatch(r"(\.\./)*[\w-]+(/[\w-]+)*\.md", href)
    )


NAMES, CONFIGS = site_extensions(REPO)
# Every pymdownx extension the check trusts with everyday text, as Material's docs configure
# them: emoji with pymdownx's own generator (images from a CDN), magiclink with every shorthand.
PYMDOWNX = {
    name: {}
    for name in sorted(KNOWN_EXTENSIONS)
    if name.startswith("pymdownx.") and name != "pymdownx.escapeall"  # it changes what a backslash does
} | {
    "pymdownx.emoji": {"emoji_index": twemoji},
    "pymdownx.magiclink": {"repo_url_shorthand": True, "social_url_shorthand": True, "user": "u", "repo": "r"},
    "pymdownx.arithmatex": {"generic": True},
}
SITES = {
    "site": markdown.Markdown(extensions=NAMES, extension_configs=CONFIGS),
    "pymdownx": markdown.Markdown(extensions=NAMES + list(PYMDOWNX), extension_configs={**CONFIGS, **PYMDOWNX}),
}
CONTROLS = {name: _shape(md.convert(_page("plain"))) for name, md in SITES.items()}


@settings(max_examples=300, deadline=None)
@given(value=markdown_prose)
@pytest.mark.parametrize("site", sorted(SITES))
def test_prose_keeps_to_its_field_in_every_place_a_page_puts_it(site: str, value: str) -> None:
    MD = SITES[site]
    MD.reset()
    tags, prose_elements = _shape(MD.convert(_page(value)))
    control_tags, control = CONTROLS[site]
    assert tags == control_tags, (value, _page(value))
    for tag, attrs in prose_elements:
        assert _allowed(tag, attrs, control), (value, tag, attrs)
    footnote_links = [a for t, a in prose_elements if a.get("href", "").startswith("#")]
    assert footnote_links == [a for t, a in control if a.get("href", "").startswith("#")], value


# What prose_check lets go unparsed when the site enables only extensions it knows.
EVERYDAY = "abcdefxyzABCDEF0123456789 .,;:'\"?!%()-\u00e9\u2014\u2019\u0416"
everyday = st.lists(st.sampled_from([*EVERYDAY, "www.", "1st", "a" * 40]), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(value=everyday)
def test_everyday_text_shows_as_written_under_every_extension_the_check_trusts(value: str) -> None:
    assume(value.strip() and _everyday(value))
    md = SITES["pymdownx"]
    assert refused(text(value), text(value), md, TEXT_TAGS) is None, value
    assert refused(prose(value, _link), prose(value, _link, inline=True), md) is None, value


def _valid(value: str) -> bool:
    """Prose check takes: no link the policy refuses, and every [[ a whole link."""
    return not convert(value, _link)[1] and next(link_forms(value), None) is None


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def _knowledge_base(root: Path, payloads: list[str]) -> None:
    shutil.copytree(SMALL, root)
    p = payloads
    files = {
        "content/meetings/case.yaml": {
            "title": "Case",
            "date": "2020",
            "kind": "call",
            "participants": ["alpha", "beta"],
            "issues": ["water-rights"],
            "summary": p[0],
            "outcomes": p[1:4],
            "citations": [{"source": "almanac", "note": p[4]}],
        },
        "content/issues/water-rights.yaml": {
            "title": "Water rights",
            "summary": p[5],
            "developments": [{"date": "2019", "text": p[6], "citations": [{"source": "hearsay", "note": p[7]}]}],
            "positions": {
                "alpha": {"text": p[8], "citations": [{"source": "almanac"}]},
                "beta": {"text": p[9], "citations": [{"source": "hearsay"}]},
            },
            "citations": [{"source": "almanac"}],
        },
        "leaders/gamma.yaml": {
            "name": "Cy Gamma",
            "country": "Eastland",
            "summary": p[10],
            "citations": [{"source": "hearsay"}],
        },
    }
    for rel, data in files.items():
        (root / rel).write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True), encoding="utf-8")


def _articles(site: Path) -> dict[str, str]:
    """Each page's article, without its pictures: their labels carry prose as plain text,
    escaped by builder/render/pictures.py and tested with hostile text in tests/test_hostile_text.py."""
    pages = {}
    marker = '<article class="md-content__inner md-typeset">'
    for page in sorted(site.rglob("index.html")):
        html = page.read_text(encoding="utf-8")
        if marker in html:
            article = html.split(marker, 1)[1].split("</article>", 1)[0]
            pages[page.relative_to(site).as_posix()] = re.sub(r"<svg.*?</svg>", "", article, flags=re.S)
    return pages


# Two MkDocs builds an example: few examples, each with eleven payloads, and no shrinking,
# which would take many minutes; the failing payloads are printed whole.
@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(payloads=st.lists(markdown_prose.filter(_valid), min_size=11, max_size=11))
def test_built_record_pages_hold_nothing_from_prose_outside_the_policy(tmp_path_factory, payloads: list[str]) -> None:
    """One MkDocs build with eleven payloads in every kind of prose field, against one with plain prose."""
    built, control = tmp_path_factory.mktemp("built") / "kb", tmp_path_factory.mktemp("control") / "kb"
    # Every payload links both leaders, so that both builds have the same backlinks.
    _knowledge_base(built, [f"{p} [[alpha]] [[beta]]" for p in payloads])
    _knowledge_base(control, ["plain [[alpha]] [[beta]]"] * 11)
    assert main(["build", "--root", str(built)]) == 0
    assert main(["build", "--root", str(control)]) == 0
    pages, control_pages = _articles(built / "site"), _articles(control / "site")
    assert sorted(pages) == sorted(control_pages)
    for name, html in pages.items():
        tags, prose_elements = _shape(html)
        control_tags, control_elements = _shape(control_pages[name])
        assert tags == control_tags, (name, payloads)
        for tag, attrs in prose_elements:
            ok = (
                (tag, attrs) in control_elements
                or not attrs
                or (
                    tag == "a"
                    and set(attrs) == {"href"}
                    and (attrs["href"].startswith("https://") or not re.match(r"[a-z]*:|//", attrs["href"], re.I))
                )
            )
            assert ok, (name, tag, attrs, payloads)
        notes = [a for t, a in prose_elements if t == "a" and "footnote-ref" in a.get("class", "")]
        assert notes == [a for t, a in control_elements if t == "a" and "footnote-ref" in a.get("class", "")], (
            name,
            payloads,
        )
