"""Where one `summitry generate` spends its time, stage by stage, without a profiler.

Runs the command in this process as it is installed (the exit that does not take apart what
the run built), with each stage's function wrapped to note its wall time and the CPU time of
this process and of the workers it waited for. A profiler slows the many small calls of
rendering several times over; this notes a few dozen calls, so the figures are the run's own.
Against the floor of bench/floor.py (PyYAML's C loader over every record), measured first.

    python bench/stages.py KB [--cold | --edit] [generate's options, e.g. --jobs 1]

Without ``--cold`` or ``--edit``, a run with nothing changed. ``--cold`` moves build/ aside
first (and removes it after the run), ``--edit`` retitles one meeting first. A stage called
several times is summed; a stage inside another is indented under it.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_START = time.perf_counter()
_CPU = os.times()

from builder import pipeline  # noqa: E402 - the imports are a stage of their own
from builder.cli import main as summitry  # noqa: E402
from builder.incremental import rerender, state  # noqa: E402
from builder.records.kinds import KINDS  # noqa: E402

_IMPORTED = time.perf_counter()
sys.path.insert(0, str(Path(__file__).parent))
from floor import floor  # noqa: E402

# (module, function, what it is, depth)
STAGES = [
    (pipeline, "begin", "begin: the last run's head, git's dates, the inputs scanned", 0),
    (state, "load_head", "the head of the state", 1),
    (pipeline, "dated", "the records' dates from git", 1),
    (pipeline, "scan", "every input's status, changed ones digested", 1),
    (state, "load_body", "the state's body and its parts, read and checked", 0),
    (pipeline, "analyse", "the records: kept ones taken from the state, the rest read; all checked", 0),
    (pipeline, "load_all", "every record read (a run from nothing)", 1),
    (pipeline, "read_records", "the changed records read", 1),
    (pipeline, "assemble", "validated, resolved", 1),
    (rerender, "unchanged_tables", "the tables that did not change, as wholes", 0),
    (rerender, "changed_cells", "the cells that changed", 0),
    (rerender, "plan", "the pages that read a changed cell", 0),
    (rerender, "run_jobs", "render and write (the exports here, the pages in workers)", 0),
    (pipeline, "advise", "advice (while the workers render, or after)", 1),
    (rerender, "table_of", "what every page read, numbered for the state", 0),
    (state, "save", "the state written", 0),
]


class Timer:
    def __init__(self) -> None:
        self.seen: dict[str, list[float]] = {}  # stage -> [first start, wall, own CPU, workers' CPU]
        self.zero = _START  # the start of the command: the imports' start, moved past the floor's measure

    def wrap(self, module: Any, name: str) -> None:
        made: Callable[..., Any] = getattr(module, name)

        @functools.wraps(made)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu = time.perf_counter(), os.times()
            try:
                return made(*args, **kwargs)
            finally:
                end = os.times()
                row = self.seen.setdefault(name, [start - self.zero, 0.0, 0.0, 0.0])
                row[1] += time.perf_counter() - start
                # at least 0: the clock's ticks (a hundredth of a second) can make a stage's sum -0.00
                row[2] += max(0.0, end.user + end.system - cpu.user - cpu.system)
                row[3] += max(0.0, end.children_user + end.children_system - cpu.children_user - cpu.children_system)

        setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a knowledge base (bench/generate.py makes one)")
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--cold", action="store_true", help="from nothing: build/ moved aside first")
    how.add_argument("--edit", action="store_true", help="one meeting retitled first")
    args, options = parser.parse_known_args()
    root = args.root.resolve()
    files = sorted(p for kind in KINDS.values() for p in (root / kind.folder).glob("*.yaml"))
    base = min(floor(files) for _ in range(3))
    aside = None
    if args.cold and (root / "build").exists():  # moved, not deleted: see bench/floor.py
        aside = Path(tempfile.mkdtemp(prefix="stages-aside-", dir=root.parent))
        (root / "build").rename(aside / "build")
    if args.edit:
        meetings = sorted((root / "content/meetings").glob("*.yaml"))
        meeting = meetings[len(meetings) // 2]
        meeting.write_text(meeting.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), "utf-8")
    timer = Timer()
    for module, name, _, _ in STAGES:
        timer.wrap(module, name)
    imports = _IMPORTED - _START
    began, cpu = time.perf_counter(), os.times()
    timer.zero = began - imports
    code = summitry(["generate", "--root", str(root), *options])
    end = os.times()
    wall = time.perf_counter() - began
    own = end.user + end.system - cpu.user - cpu.system
    workers = end.children_user + end.children_system - cpu.children_user - cpu.children_system
    what = "from nothing" if args.cold else "one meeting retitled" if args.edit else "nothing changed"
    print(f"\n{len(files):,} records; floor {base:.2f} s; generate, {what}: exit {code}\n")
    print("| Stage | Starts at | Wall | Ratio to the floor | CPU, this process | CPU, workers |")
    print("|---|---|---|---|---|---|")
    print(f"| the imports | 0.00 s | {imports:.2f} s | {imports / base:.2f}x | | |")
    for _, name, said, depth in STAGES:
        if name in timer.seen:
            start, seconds, mine, theirs = timer.seen[name]
            label = ("&nbsp;&nbsp;" * depth) + said
            print(
                f"| {label} | {start:.2f} s | {seconds:.2f} s | {seconds / base:.2f}x | {mine:.2f} s | {theirs:.2f} s |"
            )
    total = imports + wall
    print(f"| the whole command | | {total:.2f} s | {total / base:.2f}x | {own:.2f} s | {workers:.2f} s |")
    sys.stdout.flush()
    if aside is not None:
        shutil.rmtree(aside)
    os._exit(code)


if __name__ == "__main__":
    main()
