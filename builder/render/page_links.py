"""One page being rendered: links relative to it, and the footnotes its citations make."""

from __future__ import annotations

from collections.abc import Iterable

from builder.records.models import Citation
from builder.records.valid_record import Key
from builder.render.addresses import page_address, page_path, record_address, relative
from builder.render.track import Memo
from builder.resolve.prose import prose, text
from builder.resolve.site import Site


class Page:
    """Helpers for one page being rendered: links relative to it, and its footnotes."""

    def __init__(self, path: str, site: Site, links: Memo | None = None) -> None:
        self.path = path
        self.site = site
        self._here = path.rpartition("/")[0]
        self._links = links if links is not None else Memo()  # shared by pages: (folder, key) -> link
        self._notes: dict[tuple[str, str | None, str | None], int] = {}
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

    def prose(self, value: str, inline: bool = False) -> str:
        def wiki(rid: str, label: str | None) -> str:
            return self.link((self.site.link_kinds[rid], rid), label)

        return prose(value, wiki, inline=inline)

    def cite(self, citations: Iterable[Citation]) -> str:
        """Footnote marks for these citations; the same source and quote keep one number."""
        marks = []
        for c in citations:
            key = (c.source, c.quote, c.note)
            if key not in self._notes:
                self._notes[key] = len(self._notes) + 1
            marks.append(f"[^{self._notes[key]}]")
        return "".join(marks)

    @property
    def has_notes(self) -> bool:
        return bool(self._notes)

    def footnotes(self) -> str:
        lines = []
        for (source, quote, note), n in self._notes.items():
            line = f"[^{n}]: {self.link(('source', source))}"
            if quote:
                line += f": “{text(quote)}”"
            if note:
                line += f" ({self.prose(note, inline=True)})"
            lines.append(line)
        return "\n".join(lines)
