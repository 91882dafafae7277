"""Time the builder and both site engines on the same knowledge bases, in one run.

    python bench/engines.py [--sizes 300,1500]

For the shipped knowledge base and synthetic ones of the given numbers of meetings
(bench/generate.py): `summitry generate` from nothing, then `mkdocs build` and
`zensical build` (its cache cleared) on the same generated pages. MkDocs is the baseline:
the other columns are also given as ratios to it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import REPO, generate  # noqa: E402

BIN = Path(sys.executable).parent


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _shipped(root: Path) -> None:
    for name in ("leaders", "content", "overrides"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")


def measure(root: Path) -> tuple[int, float, float, float]:
    gen = _timed([str(BIN / "summitry"), "generate"], root)
    pages = sum(1 for _ in (root / "build/docs").rglob("*.md"))
    mkdocs = _timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site-mkdocs")], root)
    zensical = _timed([str(BIN / "zensical"), "build", "--clean"], root)
    return pages, gen, mkdocs, zensical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,1500", help="numbers of meetings, comma-separated")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="summitry-bench-") as tmp:
        for size in ["shipped", *args.sizes.split(",")]:
            root = Path(tmp) / size
            root.mkdir()
            _shipped(root) if size == "shipped" else generate(root, int(size))
            rows.append((size, *measure(root)))
    print(f"python {sys.version.split()[0]}; times in seconds; ratios to the MkDocs build of the same pages")
    print(f"{'meetings':>9} {'pages':>6} {'generate':>9} {'mkdocs':>7} {'zensical':>9} {'gen/mk':>7} {'zen/mk':>7}")
    for size, pages, gen, mkdocs, zensical in rows:
        ratios = f"{gen / mkdocs:7.2f} {zensical / mkdocs:7.2f}"
        print(f"{size:>9} {pages:>6} {gen:9.2f} {mkdocs:7.2f} {zensical:9.2f} {ratios}")


if __name__ == "__main__":
    main()
