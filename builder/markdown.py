"""Turning record text into Markdown that shows as written and never becomes markup."""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable

# Characters Python-Markdown treats as markup inline; '|' matters inside table cells
# (the tables extension makes it escapable).
_INLINE = re.compile(r"([\\`*_\[\]{}()#!|])")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REF_DEF = re.compile(r"^(\s{0,3})\[([^\]]+)\]:\s*<?([^\s>]*)", re.MULTILINE)
_SAFE_PREFIXES = ("http://", "https://", "mailto:")
# [[id]] or [[id|label]]; ids are checked against every kind of record in the resolve stage.
LINK_RE = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


def link_target(value: str) -> str:
    """A link target as Markdown reads it whole: parentheses and spaces percent-encoded."""
    return value.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


# Block markup that would give a record's prose a page's structure: headings, tables,
# setext underlines and rules. They are shown as written.
_BLOCK_MARKUP = re.compile(r"^( {0,3})([#=]|-{3,}\s*$|-(?=\s*-)|\*(?=\s*\*\s*\*))", re.MULTILINE)


@functools.lru_cache(maxsize=1 << 16)  # names and titles recur on many pages
def text(value: str) -> str:
    """Plain text (a title, a name, a quote) as inline Markdown that renders as itself."""
    flat = " ".join(str(value).split())
    return _INLINE.sub(r"\\\1", html.escape(flat, quote=False))


def _unsafe(destination: str) -> bool:
    """A link target with a scheme other than the web's (javascript:, data:, ...)."""
    return ":" in destination and not destination.lower().startswith(_SAFE_PREFIXES)


def _defuse_links(markdown: str) -> str:
    """Escape the bracket that would make a link to an unsafe target, so it shows as text."""

    def inline(match: re.Match[str]) -> str:
        return "]\\(" + match[0][2:] if _unsafe(match[1]) else match[0]

    def ref(match: re.Match[str]) -> str:
        indent = match[1]
        return indent + "\\" + match[0][len(indent) :] if _unsafe(match[3]) else match[0]

    return _REF_DEF.sub(ref, _INLINE_LINK.sub(inline, markdown))


def _escape_prose(markdown: str) -> str:
    out = markdown.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|")
    out = _BLOCK_MARKUP.sub(lambda m: m[1] + "\\" + m[2], out)
    return _defuse_links(out)


def prose(value: str, link: Callable[[str, str | None], str], inline: bool = False) -> str:
    """Prose fields are Markdown, minus raw HTML, block markup and links to non-web schemes.

    ``link(id, label)`` turns a ``[[id]]`` or ``[[id|label]]`` into a Markdown link; ids
    were checked in the resolve stage. Only the text between links is escaped, so that a
    label's '|' stays the link's own. ``inline`` folds the text onto one line, for list
    items and table cells.
    """
    parts, pos = [], 0
    for match in LINK_RE.finditer(value):
        parts.append(_escape_prose(value[pos : match.start()]))
        parts.append(link(match[1].strip(), match[2].strip() if match[2] else None))
        pos = match.end()
    parts.append(_escape_prose(value[pos:]))
    out = "".join(parts)
    if inline:
        out = " ".join(out.split())
    return out.strip()


def plain(value: str, name_of: Callable[[str], str], limit: int) -> str:
    """A prose field as one line of plain text (for descriptions and feeds): links become
    their labels or the names of what they link to."""

    def label(match: re.Match[str]) -> str:
        return match[2].strip() if match[2] else name_of(match[1].strip())

    flat = " ".join(LINK_RE.sub(label, value).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


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
