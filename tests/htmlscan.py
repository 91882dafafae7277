"""A small HTML scanner for tests: elements, attributes and visible text of built pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin


@dataclass
class Page:
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    jsonld: list[str] = field(default_factory=list)  # the text of each <script type="application/ld+json">

    def attrs(self, tag: str, name: str) -> list[str]:
        return [a[name] for t, a in self.elements if t == tag and name in a]


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._skip = 0
        self._jsonld: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._jsonld = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "script" and self._jsonld is not None:
            self.page.jsonld.append("".join(self._jsonld))
            self._jsonld = None

    def handle_data(self, data: str) -> None:
        if self._jsonld is not None:
            self._jsonld.append(data)
        if not self._skip:
            self.page.text.append(data)


def scan(path: Path) -> Page:
    scanner = _Scanner()
    scanner.feed(path.read_text(encoding="utf-8"))
    return scanner.page


def visible_text(path: Path) -> str:
    return " ".join(" ".join(scan(path).text).split())


def scan_text(html: str) -> Page:
    scanner = _Scanner()
    scanner.feed(html)
    return scanner.page


def old_anchor_lands(site: Path, address: str) -> Path:
    """Where a reader who kept ``address`` (``meetings/#2021``) is taken: the page behind the
    first link after the element with that id. Fails if the page, the id or the link is missing."""
    page, _, fragment = address.partition("#")
    elements = scan(site / page / "index.html").elements
    at = next(i for i, (_, attrs) in enumerate(elements) if attrs.get("id") == fragment)
    href = next(attrs["href"] for tag, attrs in elements[at:] if tag == "a" and "href" in attrs)
    target = urljoin("http://site/" + page, href).removeprefix("http://site/")
    assert "#" not in target and target.endswith("/"), (address, href)
    found = site / target / "index.html"
    assert found.is_file(), (address, href)
    return found
