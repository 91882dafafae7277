"""One page being rendered: links relative to it, and the footnotes its citations make."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from builder.records.models import Citation
from builder.records.valid_record import Key
from builder.render.addresses import page_address, page_path, record_address, relative
from builder.render.track import Memo
from builder.resolve.anchors import anchor
from builder.resolve.marks import placed
from builder.resolve.prose import prose, text
from builder.resolve.site import Site

SEPARATOR = '<sup class="summitry-marks">,&#160;</sup>'
"""Between two citation marks after one statement."""
UNCHECKED = "not checked against an archived copy"
"""Said of a quote whose source keeps no archived text (its record says why)."""

Note = tuple[str, str | None, str | None]
"""A footnote's citation: its source, quote and note."""

MARKS_PER_NOTE = 100
"""Marks that share one footnote on a page, at most. Python-Markdown's footnotes extension
gives each further mark of a footnote an id by trying every id the earlier marks took, so
19,000 developments citing one source took six minutes to render; past this many, the same
citation is a new footnote, and the work stays linear."""


class Page:
    """Helpers for one page being rendered: links relative to it, and its footnotes."""

    def __init__(self, path: str, site: Site, links: Memo | None = None) -> None:
        self.path = path
        self.site = site
        self._here = path.rpartition("/")[0]
        self._links = links if links is not None else Memo()  # shared by pages: (folder, key) -> link
        self._notes: list[Note] = []  # each footnote's citation, in the order of their numbers
        self._current: dict[Note, tuple[int, int]] = {}  # a citation's footnote number, and its marks
        self.linked: set[Key] = set()  # the records this page links to so far

    def url(self, target: str | Key) -> str:
        # Generated pages are at most one folder deep, so this is relpath without its cost
        # (posixpath.relpath was a quarter of the render time in the profile).
        dest = target if isinstance(target, str) else page_path(target)
        here = self._here
        if not here:
            return dest
        return dest[len(here) + 1 :] if dest.startswith(here + "/") else "../" + dest

    def href(self, key: Key) -> str:
        """A link for raw HTML (the pictures), which MkDocs does not rewrite: the final address."""
        self.linked.add(key)
        return relative(record_address(key), page_address(self.path))

    def name(self, key: Key) -> str:
        return self.site.display_name(key)

    def link(self, key: Key, label: str | None = None) -> str:
        self.linked.add(key)
        if label:
            return f"[{text(label)}]({self.url(key)})"
        # The same record linked from the same folder is the same text on every page.
        return self._links.get_or_make((self._here, key), lambda: f"[{text(self.name(key))}]({self.url(key)})")

    def shared(self, memo: Memo, key: Hashable, make: Callable[[], str]) -> str:
        """A text made once for the pages that show it (a meeting's row in a table), through
        ``memo``: the records it links count as linked by every page that shows it, not only
        by the first (what a page links, its "Linked from" list leaves out)."""

        def made() -> tuple[str, frozenset[Key]]:
            was, self.linked = self.linked, set()
            try:
                return make(), frozenset(self.linked)
            finally:
                self.linked = was | self.linked

        value, linked = memo.get_or_make(key, made)
        self.linked |= linked
        return value

    def heading(self, key: Key) -> str:
        """A link to a record as a heading's text: named ``<kind>-<id>`` (unique on the page)
        where the id made from the name would be one the theme uses (builder.resolve.anchors)."""
        return self.link(key) + anchor(self.name(key), f"{key[0]}-{key[1]}")

    def prose(self, value: str, inline: bool = False) -> str:
        return prose(value, self._wiki, inline=inline)

    def _wiki(self, rid: str, label: str | None) -> str:
        return self.link((self.site.link_kinds[rid], rid), label)

    def statement(self, value: str, citations: list[Citation], inline: bool = False, whole: bool = True) -> str:
        """Prose with its marks, each a footnote reference to the citation it names, after
        the sentence it supports. A part whose citations have no keys (the form before marks)
        gets all its citations after its text if ``whole``, and none after each outcome."""
        keys = {c.key: c for c in citations if c.key}
        if not keys:
            return self.prose(value, inline) + (self.cite(citations) if whole else "")

        def mark(names: list[str]) -> str:
            if any(name not in keys for name in names):  # check refuses it; shown as written if not
                return text("[@" + "; @".join(names) + "]")
            return self.cite(keys[name] for name in names)

        return prose(placed(value), self._wiki, inline=inline, mark=mark)

    def cite_keys(self, names: Iterable[str], citations: list[Citation]) -> str:
        """Footnote marks for the citations these keys name (a role's cite)."""
        keys = {c.key: c for c in citations if c.key}
        return self.cite(keys[name] for name in names if name in keys)

    def cite(self, citations: Iterable[Citation]) -> str:
        """Footnote marks for these citations; the same source and quote keep one number, for
        up to MARKS_PER_NOTE marks, then take the next."""
        marks = []
        for c in citations:
            key = (c.source, c.quote, c.note)
            number, uses = self._current.get(key, (0, MARKS_PER_NOTE))
            if uses == MARKS_PER_NOTE:
                self._notes.append(key)
                number, uses = len(self._notes), 0
            self._current[key] = (number, uses + 1)
            marks.append(f"[^{number}]")
        # "1, 2" rather than "12"; written here, since a style sheet cannot tell marks side by
        # side from marks with a sentence between them
        return SEPARATOR.join(marks)

    @property
    def has_notes(self) -> bool:
        return bool(self._notes)

    def footnotes(self) -> str:
        lines = []
        for n, (source, quote, note) in enumerate(self._notes, 1):
            line = f"[^{n}]: {self.link(('source', source))}"
            if quote:
                line += f": “{text(quote)}”"
                if self.site.sources[source].model.archive is None:
                    line += f", {UNCHECKED}"
            if note:
                line += f" ({self.prose(note, inline=True)})"
            lines.append(line)
        return "\n".join(lines)
