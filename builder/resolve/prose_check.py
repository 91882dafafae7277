"""Parse, then allow: the Markdown that record prose turns into, checked against the policy.

The policy is in :mod:`builder.markdown`. This module parses the Markdown that
:func:`builder.markdown.prose` makes with Python-Markdown, configured with the extensions
the site's ``mkdocs.yml`` names (and those MkDocs always adds), in the places the pages put
prose: a paragraph after a definition list, a table cell, a list item, with a footnote
defined for every label that looks like one. Only ``p``, ``em``, ``strong`` and ``a`` with
an ``href`` to an https address or a record's page may come out of it; the places' own
elements must come out unchanged. The resolve stage runs it, so ``summitry check`` reports
whatever the build would show as more than text.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown as python_markdown

from builder.errors import Problem, SummitryError
from builder.records.site_config import Opaque
from builder.records.site_config import load as load_config
from builder.records.valid_record import Entry, walk
from builder.resolve.marks import MARK
from builder.resolve.prose import LINK_RE, convert, text
from builder.resolve.references import is_prose

# MkDocs enables these whatever mkdocs.yml says (MkDocsConfig.markdown_extensions.builtins).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")
PROSE_TAGS = frozenset({"p", "em", "strong", "a"})
TEXT_TAGS = frozenset({"p"})
"""What a text that is not prose (a title, a name, a quote) may turn into: no emphasis, no link."""
# The elements the places of _DOCUMENT make; prose must leave them as plain prose does.
_PLACES = frozenset({"dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"})
_DOCUMENT = "Term\n:   d\n\n{block}\n\n| h | h |\n|---|---|\n| {inline} | z |\n\n- {inline}\n"
_LABELS = re.compile(r"\[\^([^\]\s\\]+)\]")
_RECORD_HREF = re.compile(r"(\.\./)*[\w-]+(/[\w-]+)*\.md")
# Text made only of words, digits, spaces, any character beyond ASCII and this everyday
# punctuation (outside [[links]] and citation marks) has nothing Python-Markdown or these extensions could read
# as markup once escaped (builder.resolve.prose escapes what the pymdownx ones read: emoji
# shortcodes, www., '?12', ordinals; the property tests check it); parsing every field would
# make `summitry check` ten times slower. Extensions not in this list may read anything: with
# any of them enabled, every text is parsed.
_NOT_EVERYDAY = re.compile(r"[^\w\s.,;:'\"?!%()\-\x80-\U0010ffff]|_")
KNOWN_EXTENSIONS = frozenset(
    {
        *MKDOCS_BUILTINS,
        *("abbr", "admonition", "attr_list", "def_list", "footnotes", "legacy_attrs", "legacy_em", "md_in_html"),
        *("meta", "nl2br", "sane_lists", "smarty", "wikilinks", "extra", "codehilite"),
        *(
            f"pymdownx.{name}"
            for name in (
                "arithmatex", "betterem", "caret", "critic", "details", "emoji", "escapeall", "highlight",
                "inlinehilite", "keys", "magiclink", "mark", "saneheaders", "smartsymbols", "superfences",
                "tabbed", "tasklist", "tilde",
            )
        ),
    }
)  # fmt: skip


def _shortcut(names: Iterable[str]) -> bool:
    """Whether everyday text may go unparsed: the site enables no extension but those known."""
    return all(name.removeprefix("markdown.extensions.") in KNOWN_EXTENSIONS for name in names)


def site_extensions(root: Path) -> tuple[list[str], dict[str, Any]]:
    """The Markdown extensions MkDocs would use for the site at ``root``, and their settings."""
    names, configs = list(MKDOCS_BUILTINS), {}
    config_file = root / "mkdocs.yml"
    # Read as the engines' adapter reads it: tags (Material's emoji recipe names Python
    # functions) are kept opaque, never run; a setting that is one is left at its default.
    config = load_config(config_file) if config_file.exists() else {}
    for item in config.get("markdown_extensions") or []:
        name = next(iter(item)) if isinstance(item, dict) else str(item)
        if name not in names:
            names.append(name)
        if isinstance(item, dict) and isinstance(item[name], dict):
            settings = {k: v for k, v in item[name].items() if not isinstance(v, Opaque)}
            if settings:
                configs[name] = settings
    return names, configs


@functools.lru_cache(maxsize=4)
def _parser(names: tuple[str, ...], configs: str) -> python_markdown.Markdown:
    try:
        return python_markdown.Markdown(extensions=list(names), extension_configs=json.loads(configs))
    except (ImportError, AttributeError, TypeError, KeyError, ValueError) as exc:
        raise SummitryError(f"mkdocs.yml: the Markdown extensions {', '.join(names)} cannot be loaded: {exc}") from exc


def parser(root: Path) -> python_markdown.Markdown:
    """A Python-Markdown configured as the site's MkDocs configures it."""
    names, configs = site_extensions(root)
    return _parser(tuple(names), json.dumps(configs, sort_keys=True, default=str))


class _Walk(HTMLParser):
    def __init__(self, allowed: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.counts: Counter[str] = Counter()
        self.refused: str | None = None
        self.open: list[str] = []
        self.place_text: dict[str, str] = {"dt": "", "dd": "", "th": ""}
        self.cells: list[str] = []  # the text of each table cell; the last is the page's own
        self.done = False

    def refuse(self, what: str) -> None:
        self.refused = self.refused or what

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "div" and attrs == [("class", "footnote")]:
            self.done = True  # the footnotes defined for the check itself
            return
        self.counts[tag] += 1
        if tag not in self.allowed and tag not in _PLACES:
            return self.refuse(f"<{tag}>")
        if any(o in self.place_text for o in self.open):
            return self.refuse(f"<{tag}> inside the page's own <{self.open[-1]}>")
        for name, value in attrs:
            if tag != "a" or name != "href":
                return self.refuse(f"<{tag} {name}=...>")
            if not allowed_href(value or ""):
                return self.refuse(f"a link to '{value}'")
        if tag == "a" and not attrs:
            self.refuse("<a> without an address")
        if tag == "td":
            self.cells.append("")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.done and self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in self.place_text:
            self.place_text[self.open[-1]] += data
        if "td" in self.open:
            self.cells[-1] += data

    def handle_comment(self, data: str) -> None:
        self.refuse("an HTML comment")

    def handle_decl(self, decl: str) -> None:
        self.refuse("an HTML declaration")

    def handle_pi(self, data: str) -> None:
        self.refuse("an HTML processing instruction")


def allowed_href(href: str) -> bool:
    """An https address, or a link to a record's page (only [[id]] makes those)."""
    lowered = href.lower()
    return (lowered.startswith("https://") and len(lowered) > 8) or bool(_RECORD_HREF.fullmatch(href))


def _places(
    block: str, inline: str, md: python_markdown.Markdown, allowed: frozenset[str] = PROSE_TAGS
) -> tuple[_Walk, tuple[Any, ...]]:
    """The walk of prose's Markdown in the places pages put it, and what the places became."""
    document = _DOCUMENT.format(block=block, inline=inline)
    labels = sorted(set(_LABELS.findall(block + inline)))
    document += "".join(f"\n[^{label}]: note\n" for label in labels)
    md.reset()
    walked = _Walk(allowed)
    walked.feed(md.convert(document))
    walked.close()
    counts = tuple(sorted((tag, n) for tag, n in walked.counts.items() if tag in _PLACES))
    return walked, (counts, tuple(sorted(walked.place_text.items())), walked.cells[-1:])


@functools.lru_cache(maxsize=4)
def _plain_places(md: python_markdown.Markdown) -> tuple[Any, ...]:
    """The places as plain prose leaves them, with this parser's extensions."""
    return _places("plain", "plain", md)[1]


def refused(block: str, inline: str, md: python_markdown.Markdown, allowed: frozenset[str] = PROSE_TAGS) -> str | None:
    """What in this Markdown (as a paragraph and on one line) the policy does not allow."""
    walked, places = _places(block, inline, md, allowed)
    if walked.refused:
        return walked.refused
    if places == _plain_places(md):
        return None
    want, got = _plain_places(md), places
    counts, wanted = dict(got[0]), dict(want[0])
    changed = sorted(tag for tag in _PLACES if counts.get(tag) != wanted.get(tag))
    changed += [tag for (tag, text), (_, own) in zip(got[1], want[1], strict=True) if text != own]
    return f"markup that changes the page around it (<{(changed or ['td'])[0]}>)"


def _stand_in(rid: str, label: str | None) -> str:
    return f"[{text(label or rid)}](../{rid}.md)"


def _everyday(value: str) -> bool:
    # a citation mark, like a [[link]], holds nothing a parser could read as markup (its key
    # is letters, digits and hyphens), and the page, not the record, makes its footnote
    return not _NOT_EVERYDAY.search(MARK.sub(" ", LINK_RE.sub(" ", value)) if "[" in value else value)


def link_forms(value: str) -> Iterator[tuple[int, str]]:
    """Each [[ of ``value`` that starts no whole [[id]] or [[id|label]], or one that names
    nothing or shows nothing, with where it is: such a link reached the page half made (the
    [[ and ]] as text around what the label held), and an empty label ended check in a
    traceback."""
    for start in (m.start() for m in re.finditer(r"\[\[", value)):
        link = LINK_RE.match(value, start)
        if link is None:
            if start > 0 and value[start - 1] == "[":  # the second [[ of [[[: told at the first
                continue
            yield (
                start,
                (
                    "this [[ starts no link: a link is [[id]] or [[id|label]], and a label holds no [ or ] "
                    "(no mark, link or other link inside it)"
                ),
            )
        elif not link[1].strip():
            yield start, f"link {link[0]} names no record: write [[id]] or [[id|label]]"
        elif link[2] is not None and not link[2].strip():
            yield start, f"link {link[0]} has an empty label: write [[{link[1].strip()}]] to show the record's name"


def prose_problems(root: Path, entries: Iterable[Entry[Any]]) -> list[Problem]:
    """Links the policy refuses, and any text that would not show as written, in every
    record: prose as the prose policy makes it, every other text (a title, a name, a place, a
    quote) as builder.resolve.prose.text makes it, each parsed as the site's pages parse it."""
    problems: list[Problem] = []
    md: python_markdown.Markdown | None = None
    shortcut = _shortcut(site_extensions(root)[0])
    for entry in entries:
        for loc, value in walk(entry.model):
            if not isinstance(value, str):
                continue
            prose = is_prose(loc)
            if prose and "[[" in value:
                problems += [entry.problem_in(loc, value, at, message) for at, message in link_forms(value)]
            if prose and "](" in value:  # only what looks like a link can break the policy's rules
                problems += [entry.problem(loc, message) for message in convert(value, _stand_in)[1]]
            if shortcut and _everyday(value):
                continue
            md = md or parser(root)
            if prose:
                what = refused(convert(value, _stand_in)[0], convert(value, _stand_in, inline=True)[0], md)
            else:
                what = refused(text(value), text(value), md, TEXT_TAGS)
            if what:
                said = "prose" if prose else "text"
                message = f"{said} turns into {what}, which the prose policy does not allow; please report it"
                problems.append(entry.problem(loc, message))
    return problems
