"""The site build on every core, and after one edit, against `mkdocs build` in the same run.

    python bench/site_build.py KB [--meetings 10000] [--rounds 1] [--edits 1]

KB is a knowledge base (made by bench/generate.py with --meetings if it does not exist).
Each round, on the same build/docs, one after another:

- `mkdocs build` (MkDocs's own command line: one process), the baseline;
- the build of `summitry build` from nothing (`python -m builder.engines`, no last site) with
  `--jobs 1` and with `--jobs 2`; each site is compared with MkDocs's, byte for byte;
- then one meeting retitled and `summitry build` upon the last site, the whole command
  (generate included), and the engine's part of it, ``--edits`` times (another meeting each
  time; the median is reported); the last site is compared with what `mkdocs build` makes
  of the same pages.

The load average (`uptime`) is printed before each measurement: the machine is shared.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def _load() -> str:
    return os.getloadavg().__repr__()


def _timed(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stderr


def _same(a: Path, b: Path) -> bool:
    """Whether two folders hold the same files with the same bytes."""
    compared = filecmp.dircmp(a, b, ignore=[])
    stack = [compared]
    while stack:
        here = stack.pop()
        if here.left_only or here.right_only or here.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(here.left, here.right, here.common_files, shallow=False)
        if mismatch or errors:
            return False
        stack.extend(here.subdirs.values())
    return True


def _retitle(root: Path, n: int) -> None:
    paths = sorted((root / "content/meetings").glob("*.yaml"))
    path = paths[len(paths) // 2 + n]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: ", "title: Edited ", text, count=1, flags=re.MULTILINE), encoding="utf-8")


def round_(root: Path, scratch: Path, n: int, jobs_list: list[int], edits: int = 1) -> dict[str, float | str | bool]:
    python = sys.executable
    for name in ("mkdocs", *(f"j{jobs}" for jobs in jobs_list)):
        shutil.rmtree(scratch / name, ignore_errors=True)
    row: dict[str, float | str | bool] = {}
    row["load mkdocs"] = _load()
    row["mkdocs"], _ = _timed([python, "-m", "mkdocs", "build", "-q", "-d", str(scratch / "mkdocs")], root)
    state = str(scratch / "state.json")
    for jobs in jobs_list:
        row[f"load j{jobs}"] = _load()
        command = [python, "-m", "builder.engines", "--config-file", "mkdocs.yml", "--state", state]
        row[f"j{jobs}"], _ = _timed([*command, "--site-dir", str(scratch / f"j{jobs}"), "--jobs", str(jobs)], root)
        row[f"j{jobs} same"] = _same(scratch / "mkdocs", scratch / f"j{jobs}")
    # One edit, then `summitry build` upon the last site (a full one first, to have one).
    _timed([python, "-m", "builder.cli", "build"], root)
    row["load edit"] = _load()
    times, engine, pages = [], [], []
    for e in range(edits):
        _retitle(root, n * edits + e)
        seconds, said = _timed([python, "-m", "builder.cli", "build"], root)
        times.append(seconds)
        engine.append(float(BUILT.findall(said)[-1]))
        rendered = re.search(r"upon the last site: (\d+) of", said)
        pages.append(rendered.group(1) if rendered else "full build")
    row["edit"], row["edit engine"] = statistics.median(times), statistics.median(engine)
    row["edit times"] = " ".join(f"{t:.2f}" for t in times)
    row["edit pages"] = ",".join(sorted(set(pages)))
    shutil.rmtree(scratch / "mkdocs")
    _timed([python, "-m", "mkdocs", "build", "-q", "-d", str(scratch / "mkdocs")], root)
    row["edit same"] = _same(scratch / "mkdocs", root / "site")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--jobs", default="1,2", help="the numbers of workers to time, comma-separated")
    parser.add_argument("--edits", type=int, default=1, help="builds after one retitle each, per round (median)")
    args = parser.parse_args()
    root = args.root.resolve()
    if not root.exists():
        generate(root, args.meetings)
    _timed([sys.executable, "-m", "builder.cli", "generate"], root)
    pages = sum(1 for _ in (root / "build/docs").rglob("*.md"))
    scratch = root.parent / f"{root.name}-bench"
    scratch.mkdir(exist_ok=True)
    print(f"{root}: {pages:,} pages, {os.cpu_count()} cores", flush=True)
    for n in range(args.rounds):
        jobs_list = [int(j) for j in args.jobs.split(",")]
        row = round_(root, scratch, n, jobs_list, args.edits)
        print(row, flush=True)
        base = float(row["mkdocs"])
        timed = " | ".join(f"{row[f'j{j}']:.1f} ({float(row[f'j{j}']) / base:.2f}x)" for j in jobs_list)
        same = all(row[f"j{j} same"] for j in jobs_list)
        print(
            f"| {pages:,} | {base:.1f} | {timed} | {same} "
            f"| {row['edit']:.1f} ({float(row['edit']) / base:.3f}x; "
            f"{float(row['edit']) / float(row[f'j{jobs_list[-1]}']):.1%} of the --jobs {jobs_list[-1]} build), "
            f"engine {row['edit engine']:.1f}, "
            f"{row['edit pages']} pages | {row['edit same']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
