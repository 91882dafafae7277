"""The ids of headings made from record text: never one that the theme or the page uses.

Python-Markdown's toc extension gives each heading an id made from its text, and an issue
titled ``__config`` got ``<h1 id="__config">``, before Material's ``<script id="__config">``:
the theme read the heading as its configuration and every script of the page failed
(search, instant navigation, the palette toggle). Every id Material writes or makes begins
with two underscores (``__config``, ``__search``, ``__drawer``, ``__toc``, ``__palette_0``,
``__nav_1``, ``__consent``, ``__code_0``, ``__tooltip_0``...), and so does every id the builder
writes on a page that has headings made from record text (its pictures'), so a heading made
from record text must not have an id that begins so.

Where it would, the builder names the heading itself with the attr_list extension
(``# __config {#title}``): :func:`anchor`. A site without attr_list cannot name a heading,
so ``summitry check`` refuses such a text there instead: :func:`problems`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from markdown.extensions.toc import slugify, slugify_unicode

from builder.errors import Problem
from builder.records.raw_record import Path_
from builder.records.valid_record import Entry, walk

OURS = "__"
"""How the ids of the theme and of the builder begin."""
ATTR_LIST = frozenset({"attr_list", "markdown.extensions.attr_list"})
# The fields whose text a page shows as a heading: a record's title or name (its own page's
# and, for leaders and issues, a heading on the pages of others), a theme's title.
_HEADINGS = frozenset({"title", "name"})


@functools.lru_cache(maxsize=1 << 16)
def theirs(text: str) -> str | None:
    """The id that the toc extension would give a heading of this text, if it begins as the
    theme's do (by its own slugify, or by the Unicode one a site may choose); else None.

    Kept for each text: an issue's name is a heading on the page of every pair and leader that
    took it up, a leader's on every issue page that holds their position. The two slugs of
    84,000 headings took 1.3 s of a run from nothing at 10,000 meetings (one process), for
    22,500 texts."""
    for made in (str(slugify(text, "-")), str(slugify_unicode(text, "-"))):
        if made.startswith(OURS):
            return made
    return None


def anchor(text: str, name: str) -> str:
    """What follows a heading of this text: nothing, or the attr_list id ``name`` where the
    id made from the text would be one the theme uses."""
    return f" {{#{name}}}" if theirs(text) else ""


def _headings(entry: Entry[Any]) -> Iterator[tuple[Path_, str]]:
    for loc, value in walk(entry.model):
        if isinstance(value, str) and loc and loc[-1] in _HEADINGS and "roles" not in loc:
            yield loc, value


def problems(extensions: Iterable[str], entries: Iterable[Entry[Any]]) -> list[Problem]:
    """The headings that would take an id the theme uses, on a site that cannot name them."""
    if ATTR_LIST.intersection(extensions):
        return []
    found = []
    for entry in entries:
        for loc, value in _headings(entry):
            if made := theirs(value):
                found.append(
                    entry.problem(
                        loc,
                        f"as a heading, '{value}' would have the id '{made}', and ids that begin with '{OURS}' are "
                        "the theme's (its scripts find their elements by them): add attr_list to markdown_extensions "
                        "in mkdocs.yml, with which the builder names such headings itself, or change the text",
                    )
                )
    return found
