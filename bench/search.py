"""A reader's first search, in Chromium on a throttled network: bytes downloaded, time to results.

    python bench/search.py --site SITE [--material SITE] [--queries "Leader 42,City 777"]

``--site``: a site built by `summitry build` (its search box queries the builder's index, searchindex/).
``--material``: the same knowledge base built with Material's own search box (the site's
overrides without partials/search.html); it is measured twice: with Material's index as
built, and with that index trimmed to each page's title and first section (the summary and
facts) and its headings, the other way the issue asks to consider.

Each query is a first search: a new browser context (empty cache) opens a meeting's page on
Chrome DevTools' "Slow 4G" profile (562.5 ms latency, 1.44 Mbit/s down, set with the
Chrome DevTools Protocol's Network.emulateNetworkConditions), waits for it to load, clicks
the search box and types the query at 10 keys a second. It reports the bytes of the search's
own requests (the index, its parts, the search scripts; as sent, so compressed where the
server compresses) and the time from the last key to the first result shown. The server
compresses text (HTML, JS, CSS, JSON) with gzip, as GitHub Pages does.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
SEARCH = ("search_index.json", "/workers/search", "/lunr/", "/searchindex/", "summitry-search.js")
TEXT = (".html", ".js", ".css", ".json", ".xml", ".svg")
CHROMIUM = os.environ.get("SUMMITRY_CHROMIUM", "/usr/bin/chromium")


class _Gzip(SimpleHTTPRequestHandler):
    """Files as GitHub Pages sends them: text gzipped for a browser that accepts it."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in TEXT or "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Gzip, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


def _trimmed(site: Path, into: Path) -> Path:
    """A copy of ``site`` (hard links) whose Material index keeps each page's title and first
    section and its other sections' titles only."""
    shutil.copytree(site, into, copy_function=os.link)
    index_file = into / "search" / "search_index.json"
    index = json.loads(index_file.read_text(encoding="utf-8"))
    kept = []
    for doc in index["docs"]:
        first = "#" not in doc["location"]
        kept.append({**doc, "text": doc["text"] if first else ""})
    index_file.unlink()
    index_file.write_text(json.dumps({**index, "docs": kept}, separators=(",", ":")), encoding="utf-8")
    return into


def first_search(browser, base: str, page_path: str, query: str, pause: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    urls: dict[str, str] = {}
    sizes: dict[str, float] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(base + page_path, wait_until="load", timeout=600_000)
    page.evaluate(
        """() => {
          window.__typed = [];
          document.addEventListener("keydown", () => window.__typed.push(performance.now()), true);
          new MutationObserver(() => {
            // the results of the whole query: Summitry's list says which query it answers
            // (results for its first words show while it is typed); Material's has no such mark
            const list = document.querySelector("[data-summitry-search-results]");
            const item = document.querySelector(".md-search-result__item");
            const answers = !list || list.dataset.query === window.__query;
            if (item && answers && !window.__shown) window.__shown = performance.now();
          }).observe(document.body, {childList: true, subtree: true, attributes: true});
        }"""
    )
    page.evaluate("(q) => { window.__query = q; }", query)
    page.wait_for_timeout(pause * 1000)  # the reader reads before searching
    page.locator(".md-search__input").first.click()
    page.keyboard.type(query, delay=100)
    page.wait_for_function("window.__shown", timeout=600_000, polling=50)
    typed, shown = page.evaluate("[window.__typed, window.__shown]")
    page.wait_for_timeout(300)  # let fragments of the first results finish
    searched = sum(size for rid, size in sizes.items() if any(s in urls.get(rid, "") for s in SEARCH))
    context.close()
    return {"bytes": searched, "from_last_key": (shown - typed[-1]) / 1000, "from_first_key": (shown - typed[0]) / 1000}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--material", type=Path)
    parser.add_argument("--queries", default="Leader 42,City 777,Talks 4242,ceasefire")
    parser.add_argument("--page", default="about/", help="the page the reader is on")
    parser.add_argument("--pause", type=float, default=0, help="seconds from the page's load to the search")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(dir=args.site.parent) as tmp:
        variants = {"summitry": args.site}
        if args.material:
            variants["material trimmed"] = _trimmed(args.material, Path(tmp) / "trimmed")
            variants["material"] = args.material
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for name, folder in variants.items():
                server, base = _serve(folder)
                runs = []
                for query in args.queries.split(","):
                    run = first_search(browser, base, args.page, query, args.pause)
                    runs.append(run)
                    said = f"{run['bytes'] / 1e6:.3f} MB, {run['from_last_key']:.2f} s after the last key"
                    print(f"{name}: {query!r}: {said}, {run['from_first_key']:.2f} s after the first", flush=True)
                print(
                    f"| {name} | {max(r['bytes'] for r in runs) / 1e6:.3f} MB "
                    f"| {statistics.median(r['from_last_key'] for r in runs):.2f} s "
                    f"| {max(r['from_last_key'] for r in runs):.2f} s |",
                    flush=True,
                )
                server.shutdown()
            browser.close()
    print(f"load average {os.getloadavg()}", file=sys.stderr)


if __name__ == "__main__":
    main()
