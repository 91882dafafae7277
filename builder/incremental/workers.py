"""Running the render jobs: in this process, or spread over forked worker processes.

Rendering and writing the pages is most of a build and each page is independent of the
others, so on a machine with several cores the jobs are shared out in chunks to worker
processes. They are forked, so they start with the resolved site already in memory and
nothing is sent to them but chunk numbers; they send back only what the manifest needs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator

from builder.incremental.output import Output, Put, write_failed
from builder.render.job import Job
from builder.render.track import Cell, reading

PARALLEL_FROM = 1000  # below this many jobs, starting workers costs more than it saves
CHUNK = 100

_state: tuple[list[Job], Output] | None = None


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


Failure = tuple[str, OSError]  # the file the system refused to write, and why
Result = tuple[list[Put], Failure | None, list[frozenset[Cell]]]
"""What was put, the write that failed if one did, and what each job read (builder.track)."""


def _run(indices: list[int]) -> Result:
    """Put the jobs' files until one cannot be written (a full disk): what was put, and that."""
    if _state is None:
        raise RuntimeError("no jobs to run: _run is called only inside run()")
    jobs, output = _state
    puts = []
    reads: list[frozenset[Cell]] = []
    for i in indices:
        paths, make = jobs[i]
        with reading() as cells:
            files = make()
        reads.append(frozenset(cells))
        if tuple(files) != paths:
            raise RuntimeError(f"a job said it makes {paths} and made {tuple(files)}")
        for rel, data in files.items():
            try:
                puts.append(output.put(rel, data.encode("utf-8") if isinstance(data, str) else data))
            except OSError as exc:
                return puts, (rel, exc), reads
    return puts, None, reads


def _worker_start() -> None:
    # What the worker inherited is never freed; keep the collector from walking (and so
    # copying) it.
    gc.freeze()
    gc.enable()  # the run that forked it pauses its collector; rendering thousands of pages needs one
    # Ctrl-C reaches every process of the terminal's group. A worker leaves it to the run,
    # which ends the pool and exits quietly (cli.entry), rather than print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forkable() -> bool:
    # Forking a process that runs other threads (summitry serve's watcher) could copy a
    # lock held by one of them into the workers; such a process renders on its own.
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


Progress = Callable[[int, int], None]
"""Told (jobs done, jobs in all) as the work goes on."""


def run(
    jobs: list[Job],
    output: Output,
    workers: int | None = None,
    progress: Progress | None = None,
    here: int = 0,
    meanwhile: Callable[[], None] | None = None,
    read: Callable[[list[frozenset[Cell]]], None] | None = None,
) -> tuple[list[Put], list[frozenset[Cell]]]:
    """Make every job's files through ``output``; return what was put, in job order, and
    the cells each job read.

    The first ``here`` jobs run in this process whatever ``workers`` says (what they keep
    in memory outlives the run: builder.incremental's export parts).
    ``progress`` hears how far the run is after each chunk of jobs. ``meanwhile`` is done in
    this process after its own jobs while workers render, if there are workers: otherwise not.
    ``read`` hears what the jobs of each chunk after the first ``here`` read, as it comes in:
    this process, waiting for the workers, can work on it meanwhile."""
    global _state
    workers = default_workers() if workers is None else workers
    _state = (jobs, output)
    local = [list(range(start, min(start + CHUNK, here))) for start in range(0, here, CHUNK)]
    chunks = [list(range(start, min(start + CHUNK, len(jobs)))) for start in range(here, len(jobs), CHUNK)]
    rest = len(jobs) - here
    results: list[Result] = []
    try:
        if workers <= 1 or rest < PARALLEL_FROM or not _forkable():
            # in this process a refused write ends the run: the disk will refuse the next one too
            results = _followed(map(_run, local), local, here, None, stop=True)
            if not any(failed for _, failed, _ in results):
                results += _followed(map(_run, chunks), chunks, rest, progress, stop=True, read=read)
        else:
            # The workers start on the rest while this process makes its own jobs; every
            # worker's chunk is collected, failed or not, so what was written is known exactly.
            with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start) as pool:
                pending = pool.imap(_run, chunks, chunksize=1)
                results = _followed(map(_run, local), local, here, None, stop=False)
                if meanwhile is not None:
                    meanwhile()
                results += _followed(pending, chunks, rest, progress, stop=False, read=read)
    finally:
        _state = None
    puts = [put for chunk, _, _ in results for put in chunk]
    if failure := next((failed for _, failed, _ in results if failed), None):
        total = sum(len(paths) for paths, _ in jobs)
        raise write_failed(output.out, failure[0], failure[1], puts, total) from failure[1]
    return puts, [cells for _, _, made in results for cells in made]


def _followed(
    done: Iterator[Result],
    chunks: list[list[int]],
    total: int,
    progress: Progress | None,
    stop: bool,
    read: Callable[[list[frozenset[Cell]]], None] | None = None,
) -> list[Result]:
    """The chunks' results in order, telling ``progress`` after each (``stop``: until one
    fails), and ``read`` what its jobs read."""
    results = []
    count = 0
    for chunk, result in zip(chunks, done, strict=False):
        results.append(result)
        count += len(chunk)
        if result[1] is not None and stop:
            break
        if read is not None:
            read(result[2])
        if progress is not None:
            progress(count, total)
    return results
