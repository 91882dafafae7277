"""Time the builder and both site engines on the same knowledge bases, in one run.

    python bench/engines.py [--sizes 1000,10000] [--no-zensical]

For the shipped knowledge base and synthetic ones of the given numbers of meetings
(bench/generate.py: meetings/20 leaders, meetings/33 issues), in this order:

- `summitry generate` from nothing (no build/ folder), with its peak memory;
- the same again with nothing changed (it must write no file);
- the same after editing one meeting's title (it must rewrite only the pages showing it);
- `mkdocs build` of the generated pages; then, after another one-meeting edit and
  generate, `mkdocs build --dirty` (what a live preview would need from MkDocs);
- `zensical build` (its cache cleared) of the same pages.

MkDocs is the baseline: the builder's and Zensical's times are also given as ratios to
its time on the same pages, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import REPO, generate  # noqa: E402

BIN = Path(sys.executable).parent
# Runs the CLI and reports, on its last line of standard error, its own peak memory and
# that of its largest worker (both from getrusage, in kB on Linux); then exits as the
# installed command does (builder.cli.entry), without taking apart what the run built.
MEASURED = (
    "import json, os, resource, sys\n"
    "from builder.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(json.dumps({'rss': own, 'worker_rss': kids}), file=sys.stderr)\n"
    "sys.stderr.flush()\n"
    "os._exit(code)\n"
)


@dataclass
class Row:
    size: str
    pages: int
    cold: float
    rss_mb: float
    worker_mb: float
    noop: float
    noop_written: int
    edit: float
    edit_written: int
    mkdocs: float
    dirty: float
    zensical: float | str | None  # seconds, or why it failed


def _timed(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done


def _generate(root: Path) -> tuple[float, int, float, float]:
    """Seconds, files written, and peak memory (MB) of the process and its largest worker."""
    seconds, done = _timed([sys.executable, "-c", MEASURED, "generate"], root)
    memory = json.loads(done.stderr.strip().splitlines()[-1])
    written = int(done.stdout.split(": ")[1].split(" written")[0])
    return seconds, written, memory["rss"] / 1024, memory["worker_rss"] / 1024


def _shipped(root: Path) -> None:
    for name in ("leaders", "content", "overrides"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")


def _edit_one_meeting(root: Path) -> None:
    """Change the title of the meeting in the middle of the sorted list."""
    paths = sorted((root / "content/meetings").glob("*.yaml"))
    path = paths[len(paths) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: ", "title: Edited ", text, count=1, flags=re.MULTILINE), encoding="utf-8")


def measure(size: str, root: Path, zensical: bool) -> Row:
    cold, _, rss, worker = _generate(root)
    pages = sum(1 for _ in (root / "build/docs").rglob("*.md"))
    noop, noop_written, _, _ = _generate(root)
    _edit_one_meeting(root)
    edit, edit_written, _, _ = _generate(root)
    mkdocs_build = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site-mkdocs")]
    mkdocs, _ = _timed(mkdocs_build, root)
    # What a preview would need from MkDocs after a save: a --dirty rebuild of what changed.
    _edit_one_meeting(root)
    _generate(root)
    dirty, _ = _timed([*mkdocs_build, "--dirty"], root)
    zen: float | str | None = None
    if zensical:
        try:
            zen = _timed([str(BIN / "zensical"), "build", "--clean"], root)[0]
        except subprocess.CalledProcessError as exc:  # reported in the table, not lost with the run
            zen = "failed: " + ((exc.stderr or "") + (exc.stdout or "")).strip().splitlines()[-1][:200]
    return Row(size, pages, cold, rss, worker, noop, noop_written, edit, edit_written, mkdocs, dirty, zen)


def table(rows: list[Row]) -> str:
    head = (
        "| Meetings | Pages | generate | peak MB (worker) | no-op (files) | one edit (files) "
        "| `mkdocs build` | after an edit, `--dirty` | `zensical build` | generate / MkDocs | Zensical / MkDocs |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    lines = []
    for r in rows:
        zen = f"{r.zensical:.2f}" if isinstance(r.zensical, float) else (r.zensical or "—")
        zen_ratio = f"{r.zensical / r.mkdocs:.2f}" if isinstance(r.zensical, float) else "—"
        lines.append(
            f"| {r.size} | {r.pages:,} | {r.cold:.2f} | {r.rss_mb:.0f} ({r.worker_mb:.0f}) "
            f"| {r.noop:.2f} ({r.noop_written}) | {r.edit:.2f} ({r.edit_written}) "
            f"| {r.mkdocs:.2f} | {r.dirty:.2f} | {zen} "
            f"| {r.cold / r.mkdocs:.3f} | {zen_ratio} |"
        )
    return head + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of meetings, comma-separated")
    parser.add_argument("--no-zensical", action="store_true", help="time MkDocs only")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="summitry-bench-") as tmp:
        for size in ["shipped", *args.sizes.split(",")]:
            root = Path(tmp) / size
            root.mkdir()
            _shipped(root) if size == "shipped" else generate(root, int(size))
            rows.append(measure(size if size == "shipped" else f"{int(size):,}", root, not args.no_zensical))
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(f"{platform.node()}: {platform.machine()}, Python {platform.python_version()}; times in seconds")
    print(table(rows))
    sized = [r for r in rows if r.size != "shipped"]
    if len(sized) >= 2:
        first, last = sized[0], sized[-1]
        growth = f"{last.pages / first.pages:.1f}x the pages"
        mkdocs = last.mkdocs / first.mkdocs
        print(f"\nFrom {first.size} to {last.size} meetings ({growth}): MkDocs took {mkdocs:.1f}x as long", end="")
        if isinstance(first.zensical, float) and isinstance(last.zensical, float):
            print(f", Zensical {last.zensical / first.zensical:.1f}x", end="")
        print(f", generate {last.cold / first.cold:.1f}x.")


if __name__ == "__main__":
    main()
