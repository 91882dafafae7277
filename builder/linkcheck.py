"""Check every internal link and anchor of a built site: ``python -m builder.linkcheck site``.

Pages such as 404.html link absolutely, under the path of the site's address: that path is
read from mkdocs.yml (``site_url``) with the builder's own reader, which takes the file as
the engines do (``!ENV`` and Python tags included) and runs none of it.
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from builder.errors import SummitryError
from builder.records.site_config import site_config


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif tag == "a" and name in ("href", "xlink:href"):  # pictures link with xlink:href
                self.links.append(value)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def broken_links(site: Path, base_path: str = "/") -> tuple[int, list[str]]:
    """(links checked, broken ones as 'page: link'). ``base_path`` is the path of site_url,
    under which pages such as 404.html link absolutely."""
    pages: dict[Path, _Page] = {}

    def page(path: Path) -> _Page:
        if path not in pages:
            pages[path] = _parse(path)
        return pages[path]

    checked, broken = 0, []
    for html in sorted(site.rglob("*.html")):
        here = "http://site/" + html.relative_to(site).as_posix()
        for href in page(html).links:
            url = urlsplit(urljoin(here, href))
            if url.scheme != "http" or url.netloc != "site":
                continue
            path = "/" + url.path.removeprefix(base_path) if url.path.startswith(base_path) else url.path
            target = site / unquote(path).lstrip("/")
            if target.is_dir() or path.endswith("/"):
                target = target / "index.html"
            checked += 1
            where = f"{html.relative_to(site).as_posix()}: {href}"
            if not target.is_file():
                broken.append(where)
            elif url.fragment and target.suffix == ".html" and unquote(url.fragment) not in page(target).ids:
                broken.append(where + " (no such anchor)")
    return checked, broken


def base_path(config: Path) -> str:
    """The path of the site_url in ``config`` ('/summitry/'), or '/' without a file or a site_url."""
    if not config.is_file():
        return "/"
    url = site_config(config, "").site_url
    return urlsplit(url).path or "/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site's folder")
    parser.add_argument(
        "--config", type=Path, default=Path("mkdocs.yml"), help="the configuration whose site_url gives the base path"
    )
    parser.add_argument("--base-path", help="the path of site_url, e.g. /summitry/ (default: read from --config)")
    args = parser.parse_args(argv)
    try:
        base = args.base_path or base_path(args.config)
    except SummitryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    checked, broken = broken_links(args.site, base)
    for line in broken:
        print(line, file=sys.stderr)
    print(f"{checked} internal links checked, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
