"""How long from saving a record to the served pages showing the change.

Runs `summitry serve` on a scratch copy of a knowledge base and, for each round, retitles a
meeting in its YAML record and times until the meeting's page and each participant's page
(which lists the meeting by its title) are served with the new title. The baseline, in the
same run, on the same copy and with the same edits, is `summitry serve --dirty`: MkDocs's
own dirty build on each change (every page's objects made again), with the search index
repaired after it, as serve rebuilt before the preview rendered only the changed pages.

Both ways hold the same site in memory (builder.resident), which writes the changed
Markdown, so the figures are also split at the moment it wrote the meeting's Markdown page
(its modification time): before it is the held site's share, after it the engine's.

Before the rounds, one save is made while the first build still runs (as soon as the site
is generated and MkDocs's first full build begins): it must be shown once that build ends.
The load average of the machine (its 1-minute figure, from /proc/loadavg) is printed at the
start and end of each way's rounds.

    python bench/preview.py [--root DIR] [--rounds N] [--meeting ID]
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

from builder.engines.changes import TRACE

REPO = Path(__file__).resolve().parent.parent
POLL = 0.05  # seconds between two looks at the same page


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _until(url: str, marker: str, timeout: float) -> None:
    start = time.monotonic()
    while marker not in _get(url):
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{marker!r} did not appear at {url} within {timeout} s")
        time.sleep(POLL)


def _shown(urls: list[str], marker: str, timeout: float = 600.0) -> list[float]:
    """When (time.time()) each of ``urls`` first served ``marker``, looking at them in turn."""
    seen: dict[str, float] = {}
    start = time.monotonic()
    while len(seen) < len(urls):
        for url in urls:
            if url not in seen and marker in _get(url):
                seen[url] = time.time()
        if time.monotonic() - start > timeout:
            raise TimeoutError(f"{marker!r} did not appear at {sorted(set(urls) - seen.keys())} within {timeout} s")
        time.sleep(POLL / len(urls))
    return [seen[url] for url in urls]


def _quiet(log: Path, seconds: float = 2.0) -> None:
    """Until the server's log has not grown for ``seconds``: its builds are over."""
    last, since = -1, time.monotonic()
    while time.monotonic() - since < seconds:
        size = log.stat().st_size
        if size != last:
            last, since = size, time.monotonic()
        time.sleep(0.1)


def _load() -> str:
    return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0] if Path("/proc/loadavg").exists() else "?"


def _traced(trace: Path, what: str) -> bool:
    if not trace.exists():
        return False
    return any(what in json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines())


def _rounds(
    work: Path, record: Path, people: list[str], rounds: int, tag: str, *options: str
) -> tuple[list[list[float]], float, bool, tuple[str, str]]:
    """Serve ``work`` (with ``options``) and retitle ``record`` ``rounds`` times: for each,
    seconds from the save to the held site's write and to each page showing the edit. Also:
    from a save made during the first build to the pages showing it, whether the first build
    was still running then, and the load average at the start and the end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # MkDocs serves under the path of site_url, if it has one
    site_url = yaml.safe_load((work / "mkdocs.yml").read_text(encoding="utf-8")).get("site_url") or "/"
    base = f"http://127.0.0.1:{port}{urllib.parse.urlsplit(site_url).path.rstrip('/')}/"
    urls = [base + f"meetings/{record.stem}/", *(base + f"leaders/{p}/" for p in people)]
    page_md = work / "build/docs/meetings" / f"{record.stem}.md"
    log = work.parent / f"serve-{tag}.log"
    trace = work.parent / f"trace-{tag}.jsonl"
    command = [sys.executable, "-m", "builder.cli", "serve", "--root", str(work), "--dev-addr", f"127.0.0.1:{port}"]
    loads = _load()
    with open(log, "w") as out:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", TRACE: str(trace)}
        server = subprocess.Popen([*command, *options], stdout=out, stderr=subprocess.STDOUT, env=env)
    figures = []
    try:
        start = time.monotonic()
        while not _traced(trace, "generated"):  # the site is made; MkDocs's first build begins
            if time.monotonic() - start > 3600 or server.poll() is not None:
                raise TimeoutError(f"serve did not generate the site: {log}")
            time.sleep(POLL)
        marker = f"early-{tag}"
        saved = time.time()
        text = record.read_text(encoding="utf-8")
        record.write_text(re.sub(r"^title: ", f"title: {marker} ", text, count=1, flags=re.M), encoding="utf-8")
        during = not _traced(trace, "full")
        early = max(_shown(urls, marker, timeout=3600)) - saved  # the first full build: minutes at 10,000 meetings
        for n in range(rounds):
            _quiet(log)
            marker = f"retitled-{tag}-{n}"
            text = record.read_text(encoding="utf-8")
            written = page_md.stat().st_mtime
            saved = time.time()
            record.write_text(re.sub(r"^title: ", f"title: {marker} ", text, count=1, flags=re.M), encoding="utf-8")
            shown = _shown(urls, marker)
            generated = page_md.stat().st_mtime
            assert generated != written, "generate did not write the meeting's page"
            figures.append([generated - saved, *(t - saved for t in shown)])
            _quiet(log)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return figures, early, during, (loads, _load())


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
    participants = yaml.safe_load(record.read_text(encoding="utf-8"))["participants"]
    try:
        ours, early, during, loads = _rounds(work, record, participants, args.rounds, "pages")
        dirty, dirty_early, dirty_during, dirty_loads = _rounds(
            work, record, participants, args.rounds, "dirty", "--dirty"
        )
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)

    def median(runs: list[list[float]], column: slice | int, since_generate: bool) -> float:
        values = [max(r[column]) if isinstance(column, slice) else r[column] for r in runs]
        return statistics.median(v - r[0] if since_generate else v for v, r in zip(values, runs, strict=True))

    count = len(meetings)
    print(f"knowledge base: {args.root} ({count} meetings), meeting {record.stem}, {len(participants)} participants")
    print(f"{args.rounds} rounds each, python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(f"{'median seconds from saving the record':52} {'preview':>8} {'--dirty':>8} {'ratio':>6}")
    rows = [
        ("until the held site has written the meeting's page", 0, False),
        ("until the meeting's page shows the new title", 1, False),
        ("until every participant's page shows it", slice(2, None), False),
        ("  of which after that write: the meeting's page", 1, True),
        ("  of which after that write: every participant's", slice(2, None), True),
    ]
    for label, column, since in rows:
        a, b = median(ours, column, since), median(dirty, column, since)
        print(f"{label:52} {a:8.2f} {b:8.2f} {a / b:6.2f}")
    worst = max(max(r[1:]) for r in ours)
    print(f"slowest page in any preview round: {worst:.2f} s after the save")
    for name, seconds, was_during, load in (
        ("preview", early, during, loads),
        ("--dirty", dirty_early, dirty_during, dirty_loads),
    ):
        when = "during the first build" if was_during else "after the first build (it ended first)"
        print(
            f"{name}: a save made {when} shown {seconds:.1f} s later; "
            f"load average {load[0]} at the start, {load[1]} at the end"
        )


if __name__ == "__main__":
    main()
