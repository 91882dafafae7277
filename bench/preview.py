"""How long from saving a record to the browser being able to show the change.

Runs `summitry serve` on a scratch copy of a knowledge base and, for each round, edits a
meeting's YAML record and times until the served page carries the edit. The baseline, in
the same run and the same server, is MkDocs alone: a direct edit of the generated Markdown
page, which skips our watcher and generate step. The ratio is what Summitry adds.

    python bench/preview.py [--root DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _until(url: str, marker: str, timeout: float = 120.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if marker in _get(url):
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError(f"{marker!r} did not appear at {url} within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="knowledge base to copy (default: this repository)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--meeting", default=None, help="meeting id to edit (default: the first)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="summitry-bench-")) / "kb"
    shutil.copytree(args.root, work, ignore=shutil.ignore_patterns("build", "site", ".git", ".venv", "bench"))
    meetings = sorted((work / "content/meetings").glob("*.yaml"))
    record = next(p for p in meetings if p.stem == args.meeting) if args.meeting else meetings[0]
    page_md = work / "build/docs/meetings" / f"{record.stem}.md"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # MkDocs serves under the path of site_url, if it has one
    site_url = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/"
    base = urllib.parse.urlsplit(site_url).path.rstrip("/")
    url = f"http://127.0.0.1:{port}{base}/meetings/{record.stem}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "builder.cli", "serve", "--root", str(work), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _until(url, "</html>", timeout=1800)  # the first full build: minutes at 10,000 meetings
        ours, engine = [], []
        for n in range(args.rounds):
            marker = f"benchmark-edit-{n}"
            text = record.read_text(encoding="utf-8")
            record.write_text(text.replace("\nsummary: ", f"\nsummary: {marker} ", 1), encoding="utf-8")
            ours.append(_until(url, marker))
            time.sleep(1.0)  # let the rebuild settle before the baseline edit
            marker = f"engine-only-edit-{n}"
            page_md.write_text(page_md.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            engine.append(_until(url, marker))
            time.sleep(1.0)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work.parent, ignore_errors=True)

    records = sum(1 for _ in (args.root / "content/meetings").glob("*.yaml"))
    print(f"knowledge base: {args.root} ({records} meetings), {args.rounds} rounds, python {sys.version.split()[0]}")
    print(f"{'what':44} {'median s':>9} {'max s':>7}")
    print(f"{'save a YAML record -> page served (summitry)':44} {statistics.median(ours):9.2f} {max(ours):7.2f}")
    print(f"{'edit generated Markdown -> served (MkDocs)':44} {statistics.median(engine):9.2f} {max(engine):7.2f}")
    print(f"ratio summitry / MkDocs alone: {statistics.median(ours) / statistics.median(engine):.2f}")


if __name__ == "__main__":
    main()
