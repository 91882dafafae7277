"""summitry generate at another commit against the work tree, alternating, in one run.

A machine's speed drifts over a day (the same builder took 4.1 s one morning and 4.5 s that
afternoon for the same run), so a change is measured against the builder before it in the
same run: each builder on its own copy of the knowledge base, one run of each in turn,
from nothing, then after retitling one meeting. The builder of ``--against`` comes from
``git archive`` and runs with ``PYTHONPATH``; both from a neutral folder, so that neither
finds the other's package metadata.

    python bench/generate.py /tmp/kb --meetings 10000
    python bench/ab.py /tmp/kb --against bee013c --cold 3 --edits 6
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _generate(builder: Path, root: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(builder)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "builder.cli", "generate", "--root", str(root)],
        cwd=tempfile.gettempdir(),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"generate failed with {builder}:\n{done.stderr[-2000:]}")
    return seconds


def _retitle(root: Path) -> None:
    meetings = sorted((root / "content/meetings").glob("*.yaml"))
    path = meetings[len(meetings) // 2]
    text, count = re.subn(r"^title: (.*)$", r"title: \1 x", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    if count != 1:
        raise SystemExit(f"{path} has no title line to edit")
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a knowledge base (bench/generate.py makes one)")
    parser.add_argument("--against", required=True, help="the commit whose builder is the baseline")
    parser.add_argument("--cold", type=int, default=3, help="runs from nothing of each")
    parser.add_argument("--edits", type=int, default=6, help="one-edit runs of each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summitry-ab-") as scratch:
        work = Path(scratch)
        old = work / "old"
        old.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(HERE), "archive", args.against, "builder"], capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(old, filter="data")
        builders = {args.against: old, "work tree": HERE}
        copies = {}
        for name in builders:
            copy = work / f"kb-{len(copies)}"
            shutil.copytree(args.root, copy, ignore=shutil.ignore_patterns("build", "site", ".git"))
            copies[name] = copy
        times: dict[tuple[str, str], list[float]] = {}
        print(f"load average at start: {os.getloadavg()[0]:.2f}")
        for what, count in (("from nothing", args.cold), ("one retitle", args.edits)):
            for _ in range(count):
                for name, builder in builders.items():
                    root = copies[name]
                    if what == "from nothing":
                        shutil.rmtree(root / "build", ignore_errors=True)
                    else:
                        _retitle(root)
                    times.setdefault((what, name), []).append(_generate(builder, root))
        print(f"load average at end: {os.getloadavg()[0]:.2f}")
        print("| Run | Builder | Times (s) | Median | Against the baseline |\n|---|---|---|---|---|")
        for (what, name), seconds in times.items():
            median = statistics.median(seconds)
            base = statistics.median(times[what, args.against])
            shown = ", ".join(f"{s:.2f}" for s in seconds)
            print(f"| {what} | {name} | {shown} | {median:.2f} | {median / base:.3f}x |")


if __name__ == "__main__":
    main()
