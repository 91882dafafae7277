"""Where `summitry generate` from nothing spends its time: cProfile of one run in one process.

Runs `generate --jobs 1` on a knowledge base with its build/ removed first, so that every
page is rendered in this process where the profiler sees it, and prints the time of each
stage (cumulative CPU time, so that other work on the machine does not count) and the
functions that take the most time of their own.

    python bench/cold_profile.py KB [--out FILE.prof] [--top N]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import shutil
import sys
import time
from pathlib import Path

from builder.cli import main as summitry

# What each stage is, as the function that does it (file, function name)
STAGES = [
    ("whole run", "pipeline.py", "generate"),
    ("load, validate, resolve (with advice)", "pipeline.py", "analysed"),
    ("  load the records", "load.py", "load_all"),
    ("  validate and resolve", "pipeline.py", "assemble"),
    ("  advice", "advice.py", "advise"),
    ("render and write every page", "workers.py", "run"),
    ("  record pages (Jinja)", "pages.py", "_record"),
    ("  exports", "exports.py", "export_jobs"),
    ("  write", "output.py", "put"),
    ("what the pages read, as the state", "rerender.py", "table_of"),
    ("save the state", "state.py", "save"),
]


def stage_times(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    found = []
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps it under this name
    for label, file, name in STAGES:
        # a function of the same name, or of that name made private (the builder before this round)
        hits = [
            (v[3], v[1]) for (f, _, fn), v in table.items() if f.endswith(file) and fn.lstrip("_") == name.lstrip("_")
        ]
        if hits:
            found.append((label, max(h[0] for h in hits), sum(h[1] for h in hits)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--out", type=Path, help="keep the profile here (for snakeviz, pstats)")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    shutil.rmtree(args.root / "build", ignore_errors=True)
    # CPU time, not the wall's: on a machine shared with other work, what the run itself spent.
    profile = cProfile.Profile(time.process_time)
    with contextlib.redirect_stderr(io.StringIO()):  # the advice on synthetic records: thousands of lines
        profile.enable()
        code = summitry(["generate", "--root", str(args.root), "--jobs", "1"])
        profile.disable()
    if code != 0:
        sys.exit(code)
    if args.out:
        profile.dump_stats(args.out)
    stats = pstats.Stats(profile)
    print("| Stage | CPU seconds (cumulative, under the profiler) | Calls |\n|---|---|---|")
    for label, seconds, calls in stage_times(stats):
        print(f"| {label} | {seconds:.2f} | {calls:,} |")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
    print("\nFunctions by their own time:\n")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[-(args.top + 2) * 200 :])


if __name__ == "__main__":
    main()
