"""What making the pages costs, without a profiler: by kind of page, with and without the
tracking of what each page reads, and the writing; and what each export costs.

Checks and resolves the knowledge base once, in this process, then makes every page (not
the exports, which the run makes in its own process) several times, alternating untracked
and tracked makes so that a slower moment of the machine falls on both, and writes them
once into a scratch folder through the builder's own output. CPU time of this process
(time.process_time), so other work on the machine does not count. The first make of all is
a warm-up (templates compiled, the site's cached values made) and is not counted. The
exports are made as a run makes them, tracked: from nothing (each record's part made), and
from the parts kept (as after an edit that touches none of them).

Last, the least a run from nothing could take on this machine's cores, from these figures:
the imports, then every record read and checked, then every page and export made and written,
each of the last two spread perfectly over the cores, with the tracking of reads, the state
and the advice taken as free; against the parse floor (bench/floor.py) measured in the same run.
No design that renders these pages through these templates and writes them one file each
can do better here; a target below it needs cheaper pages, or more cores.

    python bench/page_cost.py KB [--rounds 2]
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import argparse  # noqa: E402 - the imports are timed
import collections  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from builder import pipeline  # noqa: E402
from builder.incremental.inputs import scan  # noqa: E402
from builder.incremental.output import Output  # noqa: E402
from builder.incremental.rerender import Pieces, tracked  # noqa: E402
from builder.records.kinds import KINDS  # noqa: E402
from builder.render import pages  # noqa: E402
from builder.render.exports import EXPORTS  # noqa: E402
from builder.render.job import Job  # noqa: E402
from builder.render.pages import Settings  # noqa: E402
from builder.render.track import reading  # noqa: E402
from builder.resolve.site import Site  # noqa: E402

_IMPORTED = time.perf_counter()
sys.path.insert(0, str(Path(__file__).parent))
from floor import floor  # noqa: E402


def _page_jobs(renderer: pages.Renderer) -> list[Job]:
    return [job for job in renderer.jobs() if job[0] not in EXPORTS]


def _make(jobs: list[Job], track: bool) -> float:
    start = time.process_time()
    for _, make in jobs:
        if track:
            with reading():
                make()
        else:
            make()
    return time.process_time() - start


def _exports(site: Site, settings: Settings, rounds: int) -> dict[str, tuple[float, float]]:
    """Each export job's CPU seconds (median of ``rounds``), from nothing and from kept parts."""
    watched = tracked(site)
    made = Pieces({})
    for paths, make in pages.Renderer(watched, settings, made).jobs():
        if paths in EXPORTS:
            with reading():
                make()
    kept = {key: (value, read) for key, (value, read) in made.items()}
    spent: dict[str, tuple[list[float], list[float]]] = {}
    for _ in range(rounds):
        for fresh, times in ((True, 0), (False, 1)):
            jobs = pages.Renderer(watched, settings, Pieces({} if fresh else kept)).jobs()
            for paths, make in jobs:
                if paths in EXPORTS:
                    start = time.process_time()
                    with reading():
                        make()
                    spent.setdefault(paths[0], ([], []))[times].append(time.process_time() - start)
    return {name: (statistics.median(a), statistics.median(b)) for name, (a, b) in spent.items()}


def _by_template(site: Site, settings: Settings) -> dict[str, tuple[float, int]]:
    """CPU seconds and pages of each template, timed around Renderer._render (the jobs are
    made while it is timed: some hold the method as it was when they were made)."""
    spent: collections.Counter[str] = collections.Counter()
    count: collections.Counter[str] = collections.Counter()
    render = pages.Renderer._render

    def timed(self: pages.Renderer, template: str, path: str, **context: object) -> str:
        start = time.process_time()
        try:
            return render(self, template, path, **context)
        finally:
            spent[template] += time.process_time() - start
            count[template] += 1

    pages.Renderer._render = timed  # type: ignore[method-assign]
    try:
        for _, make in _page_jobs(pages.Renderer(site, settings)):
            make()
    finally:
        pages.Renderer._render = render  # type: ignore[method-assign]
    return {name: (spent[name], count[name]) for name, _ in spent.most_common()}


def _least(base: float, imports: float, checked: float, made: float) -> None:
    cores = len(os.sched_getaffinity(0))
    rows = [
        ("the imports", imports),
        (f"every record read, checked and resolved (CPU, over {cores})", checked / cores),
        (f"every page and export made untracked and written (CPU, over {cores})", made / cores),
    ]
    least = sum(seconds for _, seconds in rows)
    print(
        f"\nThe least a run from nothing could take on {cores} core{'s' if cores != 1 else ''}, the tracking, "
        "the state and the advice free:\n\n| What | Seconds | Ratio to the floor |\n|---|---|---|"
    )
    print(f"| the floor (every record parsed, CSafeLoader, best of 3) | {base:.3f} | 1.00x |")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.3f} | {seconds / base:.2f}x |")
    print(f"| the least, in all | {least:.3f} | **{least / base:.2f}x** |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    project = pipeline.Project(args.root)
    files = sorted(p for kind in KINDS.values() for p in (args.root / kind.folder).glob("*.yaml"))
    base = min(floor(files) for _ in range(3))
    start = time.process_time()
    with pipeline.collector_paused():  # as generate reads and checks them
        inputs = scan(project.root, pipeline.options(project, False), None)
        site, _, _, _, _ = pipeline.analyse(project, False, inputs, None, "missing")
    checked = time.process_time() - start
    print(f"checked and resolved in {checked:.2f} s of CPU")
    plain = pages.Renderer(site, pipeline.settings(project))
    watched = pages.Renderer(tracked(site), pipeline.settings(project))
    jobs, tracked_jobs = _page_jobs(plain), _page_jobs(watched)
    _make(jobs, False)  # the warm-up
    untracked_times, tracked_times = [], []
    for _ in range(args.rounds):
        untracked_times.append(_make(jobs, False))
        tracked_times.append(_make(tracked_jobs, True))
    bare, read = statistics.median(untracked_times), statistics.median(tracked_times)
    print(f"{len(jobs):,} page jobs (the exports left out), CPU seconds, median of {args.rounds}:")
    print("| What | CPU seconds | Ratio to making them untracked |\n|---|---|---|")
    print(f"| made, untracked | {bare:.2f} | 1.00x |")
    print(f"| made, each page's reads tracked (as generate does) | {read:.2f} | {read / bare:.2f}x |")
    with tempfile.TemporaryDirectory() as scratch:
        output = Output(Path(scratch) / "docs")
        made = [(rel, data) for _, make in jobs for rel, data in make().items()]
        output.begin({rel for rel, _ in made})
        start = time.process_time()
        for rel, data in made:
            output.put(rel, data.encode("utf-8") if isinstance(data, str) else data)
        put = time.process_time() - start
    size = sum(len(data) for _, data in made)
    print(
        f"| written into an empty folder ({len(made):,} files, {size / 1e6:.0f} MB) | {put:.2f} | {put / bare:.2f}x |"
    )
    print(
        "\nThe exports, tracked (each file a job; the CSV job makes every table, the search index's every file), "
        f"CPU seconds, median of {args.rounds}:\n\n| Export job | From nothing | From kept parts |\n|---|---|---|"
    )
    exported = _exports(site, pipeline.settings(project), args.rounds)
    for name, (fresh, kept) in exported.items():
        print(f"| {name} | {fresh:.2f} | {kept:.3f} |")
    whole = [sum(times[i] for times in exported.values()) for i in (0, 1)]
    print(f"| all | {whole[0]:.2f} | {whole[1]:.3f} |")
    start = time.process_time()
    for paths, make in plain.jobs():
        if paths in EXPORTS:
            make()
    bare_exports = time.process_time() - start
    _least(base, _IMPORTED - _START, checked, bare + put + bare_exports)
    print("\nBy template (untracked, one make):\n\n| Template | Pages | CPU seconds | ms a page |\n|---|---|---|---|")
    templates = _by_template(site, pipeline.settings(project))
    for name, (seconds, count) in templates.items():
        print(f"| {name} | {count:,} | {seconds:.2f} | {1000 * seconds / count:.2f} |")


if __name__ == "__main__":
    main()
