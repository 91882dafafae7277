"""Where pages are: a record's Markdown file in build/docs, and the address MkDocs gives it.

One rule for all (MkDocs's use_directory_urls): ``leaders/putin.md`` is served at
``leaders/putin/``, ``leaders/index.md`` at ``leaders/`` and ``index.md`` at the root.
"""

from __future__ import annotations

from builder.records.kinds import KINDS
from builder.records.valid_record import Key


def page_path(key: Key) -> str:
    """``("leader", "putin")`` -> ``leaders/putin.md``."""
    return f"{KINDS[key[0]].pages}/{key[1]}.md"


def index_path(kind: str) -> str:
    """The section page listing a kind's records: ``leaders/index.md``."""
    return f"{KINDS[kind].pages}/index.md"


def page_address(md_path: str) -> str:
    """The address of a Markdown page relative to the site's root, '' for the home page."""
    if md_path == "index.md":
        return ""
    if md_path.endswith("/index.md"):
        return md_path.removesuffix("index.md")
    return md_path.removesuffix(".md") + "/"


def record_address(key: Key) -> str:
    """``("leader", "putin")`` -> ``leaders/putin/``."""
    return page_address(page_path(key))


def relative(dest: str, start: str) -> str:
    """The link from the page at address ``start`` to address ``dest`` (both as page_address
    gives them), as posixpath.relpath would make it but without its getcwd calls."""
    to = dest.rstrip("/").split("/") if dest else []
    base = start.rstrip("/").split("/") if start else []
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    rel = "/".join([".."] * (len(base) - common) + to[common:])
    return rel + "/" if rel else "./"
