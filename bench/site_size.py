"""How big a built site is, against GitHub Pages' 1 GB limit, and its largest pages.

    python bench/site_size.py SITE [SITE ...] [--largest 10]

For each built site folder: its files and bytes (and the share of 1 GB), the bytes by top
folder, and the largest pages (HTML) and files. The Markdown the pages came from is beside
the site, in build/docs, and is listed too when it is there.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

LIMIT = 1_000_000_000  # GitHub Pages: a published site may be at most 1 GB


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def report(site: Path, largest: int) -> None:
    files = _files(site)
    total = sum(files.values())
    print(f"\n{site}: {len(files):,} files, {total / 1e6:.1f} MB, {total / LIMIT:.1%} of GitHub Pages' 1 GB")
    tops: Counter[str] = Counter()
    for name, size in files.items():
        tops[name.split(os.sep)[0] if os.sep in name else "(top)"] += size
    print("by folder: " + ", ".join(f"{top} {size / 1e6:.1f} MB" for top, size in tops.most_common()))
    pages = sorted(((s, n) for n, s in files.items() if n.endswith(".html")), reverse=True)[:largest]
    print("largest pages: " + ", ".join(f"{n} {s / 1e6:.2f} MB" for s, n in pages))
    other = sorted(((s, n) for n, s in files.items() if not n.endswith(".html")), reverse=True)[:largest]
    print("largest other files: " + ", ".join(f"{n} {s / 1e6:.2f} MB" for s, n in other))
    docs = site.parent / "build" / "docs"
    if docs.is_dir():
        sources = sorted(((s, n) for n, s in _files(docs).items() if n.endswith(".md")), reverse=True)[:largest]
        print("largest Markdown pages: " + ", ".join(f"{n} {s / 1e6:.3f} MB" for s, n in sources))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", type=Path, nargs="+")
    parser.add_argument("--largest", type=int, default=8)
    args = parser.parse_args()
    for site in args.sites:
        report(site, args.largest)


if __name__ == "__main__":
    main()
