"""summitry check and generate against the floor: PyYAML's C loader reading every record.

The floor is what no builder can do without (parse each record once), measured in the same
run, so the figures are ratios that hold from one machine to another. Times a cold
generate, no-op runs and a run after retitling one meeting, each as a separate process, as
an editor runs them.

    python bench/generate.py /tmp/kb --meetings 10000
    python bench/floor.py /tmp/kb
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from builder.kinds import KINDS

SUMMITRY = Path(sys.executable).parent / "summitry"


def floor(files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def timed(*args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([str(SUMMITRY), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - start, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="a knowledge base (bench/generate.py makes one)")
    root = parser.parse_args().root
    files = sorted(p for kind in KINDS.values() for p in (root / kind.folder).glob("*.yaml"))
    base = min(floor(files) for _ in range(3))
    print(f"{len(files):,} records; floor (CSafeLoader, every record, best of 3): {base:.2f} s")

    def row(what: str, seconds: float, said: str = "") -> None:
        print(f"| {what} | {seconds:.2f} s | {seconds / base:.2f}x | {said} |")

    print("| Run | Time | Floor | Output |\n|---|---|---|---|")
    row("check", *timed("check", "--root", str(root)))
    shutil.rmtree(root / "build", ignore_errors=True)
    row("generate from nothing", *timed("generate", "--root", str(root)))
    for _ in range(3):
        row("generate, nothing changed", *timed("generate", "--root", str(root)))
    meeting = sorted((root / "content/meetings").glob("*.yaml"))[len(files) // 2 % 1000]
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), encoding="utf-8")
    row("generate, one meeting retitled", *timed("generate", "--root", str(root)))


if __name__ == "__main__":
    main()
