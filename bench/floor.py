"""summitry check and generate against the floor: PyYAML's C loader reading every record.

The floor is what no builder can do without (parse each record once), measured in the same
run, so the figures are ratios that hold from one machine to another. Times a cold
generate, no-op runs and runs after retitling one meeting (five meetings, one at a time),
each as a separate process, as an editor runs them, with the peak memory of the largest
process.

    python bench/generate.py /tmp/kb --meetings 10000 [--commits 3000]
    python bench/floor.py /tmp/kb

With a git history (--commits), the retitles are then committed and one more run is timed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from builder.records.kinds import KINDS


def floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def timed(*args: str) -> tuple[float, str, int, float, float]:
    """Seconds, what it printed, the peak memory (MiB) of its largest process, and the CPU
    seconds of it and its workers: in user space, and in the kernel (making files, mostly)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _LAUNCH, *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    peak, user, system = done.stderr.rstrip().rpartition("\n")[2].removeprefix("peak KiB ").split()
    return seconds, done.stdout.strip(), int(peak) // 1024, float(user), float(system)


# summitry's command line as the installed command runs it (builder.cli.entry: an exit that
# does not take apart what the run built, the better part of a second at 10,000 meetings),
# then the peak memory of its largest process (itself or a worker) and the CPU of all of them
_LAUNCH = """
import os, resource, sys
from builder.cli import main
sys.argv[0] = "summitry"
code = 1
try:
    code = main()
finally:
    sys.stdout.flush()
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    peak = max(u.ru_maxrss for u in used)
    print(f"peak KiB {peak} {sum(u.ru_utime for u in used):.2f} {sum(u.ru_stime for u in used):.2f}", file=sys.stderr)
    sys.stderr.flush()
os._exit(code)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a knowledge base (bench/generate.py makes one)")
    root = parser.parse_args().root
    files = sorted(p for kind in KINDS.values() for p in (root / kind.folder).glob("*.yaml"))
    base = min(floor(files) for _ in range(3))
    print(f"{len(files):,} records; floor (CSafeLoader, every record, best of 3): {base:.2f} s")

    def row(what: str, seconds: float, said: str = "", peak: int = 0, user: float = 0, system: float = 0) -> None:
        cpu = f"{user:.2f} + {system:.2f} s" if user or system else ""
        print(f"| {what} | {seconds:.2f} s | {seconds / base:.2f}x | {cpu} | {peak} | {said} |", flush=True)

    print("| Run | Time | Ratio to the floor | CPU, user + kernel | Peak MiB | Output |\n|---|---|---|---|---|---|")
    row("check", *timed("check", "--root", str(root)))
    # Moved aside, not deleted, until the end: on some file systems (ext4 without a journal,
    # as on the machine of bench/RESULTS.md) the files made just after a large deletion cost
    # several times the kernel time (the same 22,871 files here: 0.8 to 0.9 s with none before,
    # 5.6 to 9.0 s just after one).
    aside = Path(tempfile.mkdtemp(prefix="floor-aside-", dir=root.parent))
    if (root / "build").exists():
        (root / "build").rename(aside / "build")
    row("generate from nothing", *timed("generate", "--root", str(root)))
    for _ in range(3):
        row("generate, nothing changed", *timed("generate", "--root", str(root)))
    meetings = sorted((root / "content/meetings").glob("*.yaml"))
    edits = []
    for n in range(5):
        meeting = meetings[(len(meetings) // 2 + 97 * n) % len(meetings)]
        meeting.write_text(meeting.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), "utf-8")
        edits.append(timed("generate", "--root", str(root)))
        row(f"generate, one meeting retitled ({n + 1})", *edits[-1])
    row("generate, one meeting retitled, median of 5", statistics.median(e[0] for e in edits))
    if (root / ".git").exists():  # bench/generate.py --commits: pages dated from git's log
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
        subprocess.run([*git, "commit", "-q", "-a", "-m", "retitles"], cwd=root, check=True)
        row("generate, the retitles committed", *timed("generate", "--root", str(root)))
    shutil.rmtree(aside)


if __name__ == "__main__":
    main()
