"""The size of the listings' pages, and how much one edit rewrites, against another builder.

The Markdown of the meetings' and the timeline's pages after a generate from nothing, the
pages a run writes after retitling one meeting, and the time Python-Markdown (with the
extensions of mkdocs.yml) takes to turn those pages into HTML, which an engine's rebuild
of the changed pages pays on every edit (best of three; compare the builders' figures). ``--baseline`` names a
checkout of another version of the builder (say, a worktree of main), run on a copy of the
same knowledge base in the same run with this environment's packages.

    python bench/generate.py /tmp/kb --meetings 10000
    git worktree add --detach /tmp/main-builder main
    python bench/listings.py /tmp/kb --baseline /tmp/main-builder
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown

HERE = Path(__file__).resolve().parent.parent
EXTENSIONS = ["toc", "tables", "def_list", "footnotes", "md_in_html"]  # as mkdocs.yml has them
YEAR_PAGE = re.compile(r"(meetings|timeline)/[0-9]{4}\.md")
RUN = "import sys; from builder.cli import main; sys.exit(main())"


def generate(builder: Path, root: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(builder))  # before the editable install's path
    args = [sys.executable, "-c", RUN, "generate", "--root", str(root), "--format", "json"]
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=env, cwd=builder)
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def measure(builder: Path, kb: Path, scratch: Path) -> dict[str, str]:
    root = scratch / builder.name
    shutil.copytree(kb, root, ignore=shutil.ignore_patterns("build", "site"))
    generate(builder, root)
    docs = root / "build/docs"
    sizes = {p.relative_to(docs).as_posix(): p.stat().st_size for p in docs.rglob("*.md")}
    years = [n for path, n in sizes.items() if YEAR_PAGE.fullmatch(path)]
    biggest = max(sizes, key=lambda path: sizes[path])
    meetings = sorted((root / "content/meetings").glob("*.yaml"))
    meeting = meetings[len(meetings) // 2]  # the same one for every builder
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), encoding="utf-8")
    written = generate(builder, root)["written"]
    assert isinstance(written, list)
    pages = [path for path in written if path.endswith(".md")]
    rewritten = sum((docs / path).stat().st_size for path in pages)
    texts = [(docs / path).read_text(encoding="utf-8") for path in pages]
    return {
        "meetings/index.md": _mb(sizes["meetings/index.md"]),
        "timeline.md": _mb(sizes["timeline.md"]),
        "year pages (count, median, largest)": (
            f"{len(years)}, {_mb(int(statistics.median(years)))}, {_mb(max(years))}" if years else "none"
        ),
        "largest page": f"{biggest} ({_mb(sizes[biggest])})",
        "one meeting retitled: files written (of them pages), bytes of those pages": (
            f"{len(written)} ({len(pages)}), {_mb(rewritten)}"
        ),
        "Python-Markdown over those pages, best of 3": f"{to_html(texts):.3f} s",
        "pages written": ", ".join(sorted(p for p in pages if not p.startswith(("leaders/", "issues/", "relations/")))),
    }


def to_html(texts: list[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            markdown.markdown(text, extensions=EXTENSIONS)
        best = min(best, time.perf_counter() - start)
    return best


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.3f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a knowledge base (bench/generate.py makes one)")
    parser.add_argument("--baseline", type=Path, help="a checkout of the builder to compare with")
    args = parser.parse_args()
    builders = [HERE] + ([args.baseline.resolve()] if args.baseline else [])
    with tempfile.TemporaryDirectory(prefix="summitry-listings-") as scratch:
        results = [measure(builder, args.root, Path(scratch)) for builder in builders]
    print("| | " + " | ".join(f"`{b}`" for b in builders) + " |")
    print("|---" * (len(builders) + 1) + "|")
    for what in results[0]:
        print(f"| {what} | " + " | ".join(r[what] for r in results) + " |")


if __name__ == "__main__":
    main()
