"""The prose policy (builder/resolve/prose.py), case by case: what is an error, with the exact
message and nothing written, and what is shown as text, with the exact HTML the site shows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
import yaml
from test_errors import RIVERTON, _apply

from builder.resolve.prose_check import MKDOCS_BUILTINS, parser, refused, site_extensions

MEETING = "content/meetings/2020-03-03-riverton-talks.yaml"
WHERE = "content/meetings/2020-03-03-riverton-talks.yaml:8:10: meeting '2020-03-03-riverton-talks': field 'summary': "
NOT_ALLOWED = "is not allowed: prose may link only to https:// addresses, and to records with [[id]]"


def _summary(prose: str) -> dict[str, str]:
    """The Riverton talks with this summary, ending with the mark of the citation it had."""
    summary = f"summary: {json.dumps(prose + ' [@night]')}"
    return {MEETING: RIVERTON.replace('summary: Talks that ran "long into the night". [@night]', summary)}


# (id, summary of the Riverton talks, exact problems)
ERRORS = [
    ("javascript-link", "[click](javascript:alert('PWN'))", [f"link to 'javascript:alert('PWN')' {NOT_ALLOWED}"]),
    ("entity-in-scheme", "[click](javascript&colon;alert(1))", [f"link to 'javascript&colon;alert(1)' {NOT_ALLOWED}"]),
    ("data-link", "[x](data:text/html,<b>x</b>)", [f"link to 'data:text/html,<b>x</b>' {NOT_ALLOWED}"]),
    ("mailto-link", "[write](mailto:a@example.org)", [f"link to 'mailto:a@example.org' {NOT_ALLOWED}"]),
    (
        "http-link",
        "[report](http://example.org/r)",
        [f"link to 'http://example.org/r' {NOT_ALLOWED} (did you mean 'https://example.org/r'?)"],
    ),
    (
        "relative-link",
        "[other](../leaders/alpha.md)",
        [f"link to '../leaders/alpha.md' {NOT_ALLOWED}"],
    ),
    ("protocol-relative-link", "[x](//evil.example/x)", [f"link to '//evil.example/x' {NOT_ALLOWED}"]),
    ("link-with-title", '[x](https://example.org/ "t")', [f"link to 'https://example.org/ \"t\"' {NOT_ALLOWED}"]),
    (
        "link-without-label",
        "[](https://example.org/)",
        ["link to 'https://example.org/' has no label: write [label](https://example.org/)"],
    ),
    (
        "two-bad-links",
        "[a](ftp://x.org/) and [b](HTTP://x.org/)",
        [
            f"link to 'HTTP://x.org/' {NOT_ALLOWED} (did you mean 'https://x.org/'?)",
            f"link to 'ftp://x.org/' {NOT_ALLOWED}",
        ],
    ),
]


@pytest.mark.parametrize("prose, expected", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
@pytest.mark.parametrize("command", ["check", "build"])
def test_links_the_policy_refuses_are_located_errors_and_nothing_is_written(
    small: Path, run, command: str, prose: str, expected: list[str]
) -> None:
    _apply(small, _summary(prose))
    result = run(command, "--root", small)
    count = len(expected)
    summary = f"{count} problem{'s' if count != 1 else ''} found" + (
        "." if command == "check" else "; nothing was written."
    )
    assert result.code == 1
    assert result.err.splitlines() == [WHERE + line for line in expected] + [summary]
    assert not (small / "build").exists()
    assert not (small / "site").exists()


STARTS_NO_LINK = (
    "this [[ starts no link: a link is [[id]] or [[id|label]], and a label holds no [ or ] (no mark, link or "
    "other link inside it)"
)
SHOW_NAME = "write [[alpha]] to show the record's name"
# (id, summary of the Riverton talks, beginning with a link, exact problem at the link)
LINK_FORMS = [
    ("empty-label", "[[alpha|]] met.", "link [[alpha|]] has an empty label: " + SHOW_NAME),
    ("blank-label", "[[alpha| ]] met.", "link [[alpha| ]] has an empty label: " + SHOW_NAME),
    ("no-id", "[[]] met.", "link [[]] names no record: write [[id]] or [[id|label]]"),
    ("label-only", "[[|alpha]] met.", "link [[|alpha]] names no record: write [[id]] or [[id|label]]"),
    ("bracket-in-label", "[[alpha|a]b]] met.", STARTS_NO_LINK),
    ("link-in-label", "[[alpha|[x](https://example.org/)]] met.", STARTS_NO_LINK),
    ("mark-in-label", "[[alpha|Alpha [@night]]] met.", STARTS_NO_LINK),
]


@pytest.mark.parametrize("prose, expected", [c[1:] for c in LINK_FORMS], ids=[c[0] for c in LINK_FORMS])
@pytest.mark.parametrize("command", ["check", "generate"])
def test_a_link_that_is_not_whole_is_a_located_error(small: Path, run, command: str, prose: str, expected: str) -> None:
    """An empty label ended check, generate and new in a traceback; a label holding a [ or ]
    reached the page half made, its [[ and ]] as text around a live link or mark (a helper
    found both)."""
    _apply(small, _summary(prose))
    result = run(command, "--root", small)
    at = WHERE.replace(":8:10:", ":8:11:")  # the link, just inside the summary's opening quote
    found = "1 problem found" + ("." if command == "check" else "; nothing was written.")
    assert (result.code, result.err.splitlines()) == (1, [at + expected, found])
    assert not (small / "build").exists()


# (id, summary, exact HTML of the summary on the meeting's page, before its citation mark)
SHOWN = [
    (
        "reference-definition-in-quote",
        "> [r]: javascript:alert('PWN')\n\n[click][r]",
        "<p>&gt; [r]: javascript:alert('PWN')</p>\n<p>[click][r]",
    ),
    (
        "reference-definition-in-list",
        "- [r]: javascript:alert('PWN')\n\n[click][r]",
        "<p>- [r]: javascript:alert('PWN')</p>\n<p>[click][r]",
    ),
    (
        "reference-definition",
        "[r]: https://evil.example/\n\n[click][r]",
        "<p>[r]: https://evil.example/</p>\n<p>[click][r]",
    ),
    ("footnote-definition", "Claim[^x].\n\n[^x]: FAKE", "<p>Claim[^x].</p>\n<p>[^x]: FAKE"),
    ("bare-footnote-mark", "Claim[^1].", "<p>Claim[^1]."),
    ("image", "![p](https://evil.example/pixel.png)", "<p>![p](https://evil.example/pixel.png)"),
    ("toc-marker", "[TOC]", "<p>[TOC]"),
    ("rule", "___", "<p>___"),
    ("rule-of-stars", "* * *", "<p>* * *"),
    ("definition-list", "Term\n:   def", "<p>Term : def"),
    ("definition-after-paragraph", "Intro\n\n: def", "<p>Intro</p>\n<p>&#58; def"),
    ("indented-code", "Intro.\n\n    code()", "<p>Intro.</p>\n<p>code()"),
    ("fenced-code", "```\ncode\n```", "<p>``` code ```"),
    ("code-span", "`code`", "<p>`code`"),
    (
        "raw-html",
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;",
    ),
    ("html-comment", "<!-- hidden -->", "<p>&lt;!-- hidden --&gt;"),
    ("md-in-html", '<div markdown="1">*x*</div>', '<p>&lt;div markdown="1"&gt;<em>x</em>&lt;/div&gt;'),
    ("entities", "&lt;b&gt; &copy; &#106;", "<p>&amp;lt;b&amp;gt; &amp;copy; &amp;#106;"),
    ("autolinks", "<https://evil.example/> <a@example.org>", "<p>&lt;https://evil.example/&gt; &lt;a@example.org&gt;"),
    ("heading", "# Heading", "<p># Heading"),
    ("setext-heading", "Title\n=====", "<p>Title ====="),
    ("table", "| a | b |\n|---|---|\n| c | d |", "<p>| a | b | |---|---| | c | d |"),
    ("ordered-list", "1. first", "<p>1. first"),
    ("bullet-list", "+ item", "<p>+ item"),
    ("quote", "> quoted", "<p>&gt; quoted"),
    ("attribute-list", "Text\n{: .cls onclick=x}", "<p>Text {: .cls onclick=x}"),
    ("footnotes-marker", "///Footnotes Go Here///", "<p>&#47;//Footnotes Go Here&#47;//"),
    ("hard-break", "line  \nbreak", "<p>line break"),
    ("backslashes", "a \\ b \\* c\\", "<p>a \\ b \\* c\\"),
    ("unpaired-emphasis", "2*3*4 and snake_case_name and a ** b", "<p>2*3*4 and snake_case_name and a ** b"),
    # what the policy allows
    (
        "emphasis",
        "*em* _em_ **strong** __strong__",
        "<p><em>em</em> <em>em</em> <strong>strong</strong> <strong>strong</strong>",
    ),
    (
        "https-link",
        "[the *report*](https://example.org/a_(b)?q=1&r=2)",
        '<p><a href="https://example.org/a_%28b%29?q=1&amp;r=2">the <em>report</em></a>',
    ),
    (
        "record-links",
        "Met [[beta]] and [[alpha|the other]].",
        '<p>Met <a href="../../leaders/beta/">Bo Beta</a> and <a href="../../leaders/alpha/">the other</a>.',
    ),
]
MARK = '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup></p>'


def _case_meeting(n: int, prose: str) -> str:
    return yaml.safe_dump(
        {
            "title": f"Case {n}",
            "date": f"{1900 + n}",  # no year of the fixture's own meetings: not a likely duplicate
            "kind": "call",
            "participants": ["alpha", "beta"],
            "summary": prose,
            "citations": [{"source": "almanac"}],
        }
    )


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The built summary of each case of SHOWN: one MkDocs build for all of them."""
    import shutil

    from builder.cli import main

    root = tmp_path_factory.mktemp("shown") / "kb"
    shutil.copytree(Path(__file__).parent / "fixtures/small", root)
    for n, (_, prose, _) in enumerate(SHOWN):
        (root / f"content/meetings/case-{n}.yaml").write_text(_case_meeting(n, prose), encoding="utf-8")
    assert main(["build", "--root", str(root)]) == 0
    out = {}
    for n, (case, _, _) in enumerate(SHOWN):
        page = (root / f"site/meetings/case-{n}/index.html").read_text(encoding="utf-8")
        out[case] = page.split("</dl>\n", 1)[1].split("\n<h2", 1)[0]
        notes = page.split('<div class="footnote">', 1)[1].split("</ol>", 1)[0]
        assert notes.count("<li ") == 1, (case, notes)
    return out


def _as_read(html: str) -> str:
    """HTML as a reader sees it: a character written as a numeric reference is the character
    (the builder writes some so that no Markdown extension reads them), except those HTML
    itself would read."""
    return re.sub(r"&#(\d+);", lambda m: chr(int(m[1])) if chr(int(m[1])) not in "<>&\"'" else m[0], html)


@pytest.mark.parametrize("prose, html", [c[1:] for c in SHOWN], ids=[c[0] for c in SHOWN])
def test_prose_outside_the_policy_is_shown_as_text(shown: dict[str, str], request, prose: str, html: str) -> None:
    case = request.node.callspec.id
    assert _as_read(shown[case]) == _as_read(html + MARK)


REPO = Path(__file__).parent.parent


def test_the_policy_is_checked_against_the_pinned_markdown_and_the_extensions_mkdocs_uses(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig

    pins = next(d for d in _dependencies() if d.startswith("markdown"))
    low, high = re.fullmatch(r"markdown>=([\d.]+),<([\d.]+)", pins).groups()
    version = tuple(int(p) for p in markdown.__version__.split(".")[:2])
    assert tuple(int(p) for p in low.split(".")[:2]) <= version < tuple(int(p) for p in high.split(".")[:2])
    assert list(MKDOCS_BUILTINS) == MkDocsConfig.markdown_extensions.builtins
    config = load_config(str(REPO / "mkdocs.yml"), docs_dir=str(tmp_path))
    names, configs = site_extensions(REPO)
    assert (names, configs) == (config["markdown_extensions"], config["mdx_configs"])


def _dependencies() -> list[str]:
    import tomllib

    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]


# (id, Markdown as a paragraph, the same on one line, what the check names): the check
# itself, fed Markdown that did not come through the escaper, so that it is seen to refuse.
REFUSED = [
    ("heading", "# h", "x", "<h1>"),
    ("footnote-reference", "Claim[^1].", "x", "<sup>"),
    ("image", "![p](https://evil.example/p.png)", "x", "<img>"),
    ("script-link", "[a](javascript:alert(1))", "x", "a link to 'javascript:alert(1)'"),
    ("reference-link", "[a][r]\n\n[r]: http://evil.example/", "x", "a link to 'http://evil.example/'"),
    ("raw-html", "<span onclick=x>a</span>", "x", "<span>"),
    ("html-comment", "<!-- x -->", "x", "an HTML comment"),
    ("definition", ": def", "x", "markup that changes the page around it (<dd>)"),
    ("table-cell", "x", "a | b", "markup that changes the page around it (<td>)"),
    ("list-in-item", "x", "- y", "markup that changes the page around it (<li>)"),
    ("toc", "[TOC]", "x", "<div>"),
    ("rule", "***", "x", "<hr>"),
    ("code", "    code", "x", "<p> inside the page's own <dd>"),
    ("footnotes-moved", "///Footnotes Go Here///", "x[^1]", "markup that changes the page around it (<li>)"),
]


@pytest.mark.parametrize("block, inline, what", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_the_check_refuses_markdown_outside_the_policy(block: str, inline: str, what: str) -> None:
    assert refused(block, inline, parser(REPO)) == what


def test_allowed_markdown_passes_the_check() -> None:
    block = "*a* **b** [c](https://example.org/?q=1&r=2) [d](../leaders/alpha.md)\n\nsecond"
    assert refused(block, "*a* [d](leaders/alpha.md)", parser(REPO)) is None


def test_check_reports_what_the_escaper_would_let_through(small: Path, run, monkeypatch) -> None:
    """Were the escaper to miss something, check reports it, located, and writes nothing."""
    import builder.resolve.prose_check

    monkeypatch.setattr(builder.resolve.prose_check, "convert", lambda value, link, inline=False: (value, []))
    _apply(small, _summary("Fine. [@night]\n\n# Heading"))
    result = run("generate", "--root", small)
    assert result.code == 1
    assert result.err.splitlines() == [
        WHERE + "prose turns into <h1>, which the prose policy does not allow; please report it",
        "1 problem found; nothing was written.",
    ]
    assert not (small / "build").exists()
