"""Record text to Markdown that shows as written; the prose policy, written down once.

A record's prose fields (``summary``, ``outcomes``, a development's or position's ``text``,
a citation's ``note``) may use exactly this Markdown:

- emphasis, ``*words*`` or ``_words_``, and strong emphasis, ``**words**`` or ``__words__``,
  within the text between links;
- links to https addresses: ``[label](https://example.org/page)``;
- links to records: ``[[id]]`` or ``[[id|label]]``;
- citation marks, ``[@key]``, which the page turns into footnote references to the
  record's own citations (builder.resolve.marks); nothing else makes a footnote.

Everything else is shown as written, character for character: HTML and entities, images,
autolinks, reference links and their definitions, footnotes (``[^1]``), headings, lists,
quotes, tables, definition lists, rules, code, ``[TOC]``, attribute lists. Line breaks
and indentation inside a paragraph are spaces; a blank line starts a new paragraph, and
fields shown on one line (outcomes, developments, notes, positions in a table) are folded
into one. A record cannot add a citation: every footnote on a page is one of its citations.

Errors, reported by ``summitry check`` with the field's place: a ``[label](target)`` whose
target is not an https address (``http:``, ``javascript:``, ``mailto:``, a relative path,
a title after the address), and a link without a label.

It is enforced in two steps. :func:`prose` lets only the constructs above through as
Markdown and escapes every other character that Markdown could read as markup. Then
``builder.prosecheck`` parses what came out with Python-Markdown, configured with the site's
extensions, and allows only ``p``, ``em``, ``strong`` and ``a`` with an ``href`` to an https
address or to a record's page; anything else is reported as a located problem.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from builder.resolve import emphasis
from builder.resolve.marks import MARK, keys_of, strip

# [[id]] or [[id|label]]; ids are checked against every kind of record in the resolve stage.
LINK_RE = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
# A record link, or anything that looks like an inline link or image: [label](target), where
# the target may hold one level of parentheses (as addresses on Wikipedia do); or a citation mark.
_TOKEN = re.compile(LINK_RE.pattern + r"|(!?)\[([^\[\]]*)\]\(((?:[^()]|\([^()]*\))*)\)|" + MARK.pattern)
# Characters Python-Markdown can read as markup anywhere in a line ('|' in table cells,
# with the tables extension). '*' and '_' are escaped separately: paired, they are emphasis.
# Brackets and parentheses are written as character references instead (_EXTENSION_MARKUP):
# escaped with a backslash, they are what pymdownx.arithmatex reads as math, \( \) and \[ \].
_SPECIAL = re.compile(r"[\\`{}#+!|]")
# What a line may not start with: a list item or rule ('-'), an ordered list item ('1.'), a
# definition (':'), a setext underline ('='), a fence ('~'), after a link's '[' a footnote
# ('^'), or a collapsible block ('???', pymdownx.details).
_START = re.compile(r"[-:=~^?]|\d+\.")
_MARKER = re.compile(r"/(?=//)")
_MARKERS = re.compile(r"[*_]")
_ENTITY = {":": "&#58;", "=": "&#61;", "~": "&#126;", "^": "&#94;", "?": "&#63;"}
# What Markdown extensions a site may enable read as markup in running text, which Python-
# Markdown's own syntax does not: emoji shortcodes (':skull:', an image from a CDN with
# pymdownx.emoji); bare addresses, mentions and references ('https://x', 'www.x', 'a@b.c',
# '@user', '?12', 40 hexadecimal digits: links with pymdownx.magiclink); '~~' '^^' '==' '$'
# (pymdownx.tilde, caret, mark, arithmatex); ordinals ('1st': a superscript with
# pymdownx.smartsymbols). Written as character references, which none of them reads and every
# page shows as the character. builder.resolve.prose_check parses the result with the site's
# own extensions, and the property tests check it with these.
_EXTENSION_MARKUP = re.compile(
    r"[~^=$@()\[\]]|:(?=[+\-\w]+:|//)|(?<=[wW]{3})\.|\?(?=[1-9])"
    r"|\b[a-fA-F0-9](?=[a-fA-F0-9]{39}\b)|(?<=[0-9])(?:s(?=t\b)|n(?=d\b)|r(?=d\b)|t(?=h\b))"
)

Link = Callable[[str, str | None], str]
Mark = Callable[[list[str]], str]


def link_target(value: str) -> str:
    """A link target as Markdown reads it whole: parentheses and spaces percent-encoded."""
    return value.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _characters(value: str) -> str:
    """Escape what is markup anywhere: '&' and '<' (entities, HTML, autolinks), the marker
    the footnotes extension replaces ('///Footnotes Go Here///'), Markdown's specials, and
    what extensions read as markup."""
    out = _SPECIAL.sub(r"\\\g<0>", value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    out = _MARKER.sub("&#47;", out)
    return _EXTENSION_MARKUP.sub(lambda found: f"&#{ord(found[0])};", out)


def _line_start(markdown: str) -> str:
    """Escape the first character when it would open a block (the line is the block's first)."""
    found = _START.match(markdown)
    if not found:
        return markdown
    lead = found[0]
    if lead[-1] == ".":
        return lead[:-1] + "\\." + markdown[len(lead) :]
    return (_ENTITY.get(lead) or "\\" + lead) + markdown[1:]


@functools.lru_cache(maxsize=1 << 16)  # names and titles recur on many pages
def text(value: str) -> str:
    """Plain text (a title, a name, a quote) as inline Markdown that renders as itself."""
    return _line_start(_plain(" ".join(str(value).split())))


def _emphasis(run: str) -> str:
    """Text between links: paired '*' or '_' stay emphasis, every other character is text."""
    return _pairs(run, 2, lambda part: _pairs(part, 1, _plain))


def _pairs(run: str, width: int, between: Callable[[str], str]) -> str:
    """The pairs of markers ``width`` long (builder.resolve.emphasis) are kept, what they hold
    escaped again in turn."""
    out, pos = [], 0
    for start, end in emphasis.pairs(run, width):
        mark = run[start : start + width]
        out.append(between(run[pos:start]))
        out.append(mark + _emphasis(run[start + width : end - width]) + mark)
        pos = end
    out.append(between(run[pos:]))
    return "".join(out)


def _plain(run: str) -> str:
    return _MARKERS.sub(r"\\\g<0>", _characters(run))


def link_problem(label: str, target: str) -> str | None:
    """Why ``[label](target)`` is not allowed in prose, or None if it is."""
    try:
        parts = urlsplit(target) if target and not any(c.isspace() for c in target) else None
    except ValueError:  # a malformed address, like an unclosed '[' in the host
        parts = None
    if parts is not None and parts.scheme.lower() == "https" and parts.netloc:
        if label.strip():
            return None
        return f"link to '{target}' has no label: write [label]({target})"
    hint = ""
    if parts is not None and parts.scheme.lower() == "http" and parts.netloc:
        hint = f" (did you mean 'https{target[4:]}'?)"
    allowed = "prose may link only to https:// addresses, and to records with [[id]]"
    return f"link to '{target}' is not allowed: {allowed}{hint}"


def _href(target: str) -> str:
    """An https address with every character Markdown or HTML might read percent-encoded."""
    return re.sub(r"[^\w\-.~:/?#@!$&'*+,;=%]", lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), target)


def _paragraph(value: str, link: Link, problems: list[str], mark: Mark | None) -> str:
    out, pos = [], 0
    for found in _TOKEN.finditer(value):
        out.append(_emphasis(value[pos : found.start()]))
        if found[1] is not None:
            out.append(link(found[1].strip(), found[2].strip() if found[2] else None))
        elif found[6] is not None:  # a citation mark: the page makes it, or it is shown as written
            out.append(mark(keys_of(found[6])) if mark else _plain(found[0]))
        elif found[3]:  # an image: shown as written, since the site loads nothing from other hosts
            out.append(_plain(found[0]))
        else:
            label, target = found[4], found[5].strip()
            problem = link_problem(label, target)
            if problem is None:
                out.append(f"[{_line_start(_emphasis(label.strip()))}]({_href(target)})")
            else:
                problems.append(problem)
                out.append(_plain(found[0]))
        pos = found.end()
    out.append(_emphasis(value[pos:]))
    return _line_start("".join(out))


def paragraphs(value: str, inline: bool = False) -> list[str]:
    """The paragraphs of a prose field, each on one line; one paragraph if ``inline``."""
    parts = [" ".join(part.split()) for part in re.split(r"\n[^\S\n]*\n", value)]
    parts = [part for part in parts if part]
    return [" ".join(parts)] if inline and parts else parts


def convert(value: str, link: Link, inline: bool = False, mark: Mark | None = None) -> tuple[str, list[str]]:
    """A prose field as Markdown, and what in it breaks the policy (those parts shown as text)."""
    problems: list[str] = []
    out = "\n\n".join(_paragraph(part, link, problems, mark) for part in paragraphs(value, inline))
    return out, problems


def prose(value: str, link: Link, inline: bool = False, mark: Mark | None = None) -> str:
    """A prose field as Markdown under the policy above.

    ``link(id, label)`` turns a ``[[id]]`` or ``[[id|label]]`` into a Markdown link; ids
    were checked in the resolve stage, and so were links the policy refuses, which are
    shown as text here. ``mark(keys)`` turns a citation mark (``[@key]``, builder.resolve.marks)
    into the page's footnote references; without it a mark is shown as written. ``inline``
    folds the text onto one line, for list items and cells.
    """
    return convert(value, link, inline, mark)[0]


def short(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut after a whole word (a word longer than
    the limit is cut inside), with one ellipsis when cut: a cut after "further…" or after a
    comma does not end in "……" or ",…". Descriptions, search results and picture labels."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-…") + "…"


def plain(value: str, name_of: Callable[[str], str], limit: int) -> str:
    """A prose field as one line of plain text (for descriptions and feeds): links become
    their labels or the names of what they link to."""

    def label(match: re.Match[str]) -> str:
        return match[2].strip() if match[2] else name_of(match[1].strip())

    return short(" ".join(LINK_RE.sub(label, strip(value)).split()), limit)


# Material prints these front matter values into HTML unescaped (in the header, <title>
# and the description attribute), so they are escaped here, once.
_HTML_FIELDS = frozenset({"title", "description"})


def front_matter(**fields: str | None) -> str:
    """YAML front matter; values are written as JSON strings, which YAML reads as they are."""
    lines = ["---"]
    for key, value in fields.items():
        if value is not None:
            if key in _HTML_FIELDS:
                value = html.escape(value, quote=True)
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines)


def _unmarked(run: str) -> str:
    """Text between links with the emphasis the policy keeps taken off; the rest as written."""
    if "*" not in run and "_" not in run:  # no marker, no emphasis (most text)
        return run

    def pairs(part: str, width: int, between: Callable[[str], str]) -> str:
        out, pos = [], 0
        for start, end in emphasis.pairs(part, width):  # the pairs the pages show as emphasis
            out += [between(part[pos:start]), _unmarked(part[start + width : end - width])]
            pos = end
        return "".join(out) + between(part[pos:])

    return pairs(run, 2, lambda part: pairs(part, 1, str))


def plain_text(value: str, name_of: Callable[[str], str]) -> str:
    """A prose field as the plain text its page shows (for the data exports): links become
    their labels or the names of what they link to, emphasis its words, and everything the
    policy shows as written stays as written. Paragraphs are separated by a blank line."""

    def paragraph(part: str) -> str:
        out, pos = [], 0
        for found in _TOKEN.finditer(part):
            out.append(_unmarked(part[pos : found.start()]))
            if found[1] is not None:
                out.append(found[2].strip() if found[2] else name_of(found[1].strip()))
            elif not found[3] and link_problem(found[4], found[5].strip()) is None:
                out.append(_unmarked(found[4].strip()))
            else:
                out.append(found[0])
            pos = found.end()
        out.append(_unmarked(part[pos:]))
        return "".join(out)

    # citation marks are the record's, not its text: the statements of the data say what they cite
    return "\n\n".join(paragraph(part) for part in paragraphs(strip(value)))
