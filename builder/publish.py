"""``summitry build``: generate, then the engine renders the site into a fresh folder that
replaces the last one only once it is whole (builder.engines.site_folder).

The engine starts while generate runs, and builds upon the last site when it can: what
either does before the other needs it is done on another core.
"""

from __future__ import annotations

import contextlib
import functools
import shutil

from builder import engines
from builder.engines.site_folder import (
    BuildReport,
    built_from,
    cloning,
    note_built,
    own_site,
    removing,
    scratch,
    set_aside,
    swap,
    sweep,
)
from builder.errors import EngineFailed
from builder.incremental.lock import running
from builder.incremental.output import own_output
from builder.incremental.workers import Progress
from builder.pipeline import Note, Project, Warn, generate

ENGINES = engines.names()


def build(
    project: Project,
    strict: bool = True,
    engine: str = "mkdocs",
    strict_records: bool = False,
    warn: Warn | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    echo: engines.Echo | None = None,
    clean: bool = False,
    note: Note | None = None,
) -> BuildReport:
    """Generate, then render the site with the engine into a fresh folder and swap it in.

    ``strict`` is the engine's strict mode, passed to it either way (mkdocs.yml's own
    ``strict:`` does not win over it); ``strict_records`` makes record warnings errors.
    ``echo`` hears the engine's output line by line as it builds. A failed engine run
    leaves the previous site/ untouched. ``workers`` also renders the engine's pages (MkDocs);
    unless ``clean``, the engine may build upon the last site, rendering only what changed.
    """
    adapter = engines.engine(engine)
    own_output(project.docs)  # before anything is made in build/
    own_site(project.site_dir)
    with running(project.root, note):
        swept = sweep(project.root)
        last = None if clean or not project.site_dir.is_dir() else project.site_dir
        # While generate runs on one core, a child of its own copies the last site as links for
        # the engine to build upon, on another; then another removes the site before it.
        # And the engine starts at once, if there are docs from a run before (its configuration
        # names the folder, which must exist): what it can do before generate ends (start, read
        # its configuration and its state, list the docs files) is done while generate runs.
        with (
            scratch(project.root) as tmp,
            cloning(last if adapter.builds_upon_last else None, tmp, project.docs.parent) as clone,
            removing(project.docs.parent) as remove_set_aside,
            contextlib.ExitStack() as stack,
        ):
            start = functools.partial(adapter.start, project.root, project.config_file, tmp, strict, workers, last)
            pending = stack.enter_context(start()) if project.docs.is_dir() else None
            copied: list[bool] = []  # once the docs are whole: whether the copy of the last site is

            def docs_ready() -> None:
                """The docs are whole: the engine goes on while generate works out and keeps its state."""
                if copied:
                    return
                copied.append(clone is not None and clone.done())
                if clone is not None and not copied[0]:  # what it copied goes: the engine starts afresh
                    shutil.rmtree(tmp)
                    tmp.mkdir()
                if pending is not None:
                    pending.go(copied[0])
                remove_set_aside()  # once the copy is made: beside the engine and the end of generate

            if clone is None:
                remove_set_aside()
            generate(project, strict_records, warn, workers, progress, note, docs_ready)
            docs_ready()  # told already, unless generate ended without saying
            before = built_from(project.docs, project.site_dir)
            result = (pending or stack.enter_context(start())).build(copied[0], echo)
            if not result.ok:
                told = " (its output is above)" if echo is not None else ":\n" + result.output
                raise EngineFailed(f"{engine} build failed; the previous site is unchanged{told}")
            swap(tmp, project.site_dir)
            if result.upon_last:  # its files are mostly the new site's too: removing it is the next build's work
                set_aside(tmp, project.docs.parent)
        return note_built(project.docs, before, swept)
