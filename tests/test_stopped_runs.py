"""Runs stopped at random points, by kill -9 and by SIGTERM: the next run finishes the output,
byte for byte what a run from nothing makes, and never finds a file of its own it would take
for someone else's."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from builder.incremental import scratch
from builder.incremental.manifest import read_manifest
from builder.incremental.workers import PARALLEL_FROM
from builder.pipeline import Project, generate

TRIES = 8  # each a run started, stopped and finished: about a second apiece


def _synthetic(dest: Path, meetings: int) -> Path:
    command = [sys.executable, str(REPO / "bench" / "generate.py"), str(dest), "--meetings", str(meetings)]
    subprocess.run(command, check=True, capture_output=True)
    return dest


def _edit(root: Path) -> None:
    """A new edit address (every record's page changes, and is replaced whole), a retitled
    meeting and a reworded leader."""
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("edit_uri: edit/main/", "edit_uri: edit/trunk/"))
    meeting = sorted((root / "content/meetings").glob("*.yaml"))[0]
    meeting.write_text(meeting.read_text().replace("title: ", "title: Renamed ", 1))
    leader = sorted((root / "leaders").glob("*.yaml"))[0]
    text = leader.read_text()
    key = text.split("[@", 1)[1].split("]", 1)[0]  # the key its first sentence marks
    leader.write_text(text.replace("summary: ", f"summary: Reworded. [@{key}] ", 1))


def _output(root: Path) -> dict[str, object]:
    """What a run leaves in build/: every page's bytes, the manifest's pages and digests, and
    the names beside them (the state's own files aside: they are the state's to clean)."""
    docs = root / "build/docs"
    pages = {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}
    listed, _, _ = read_manifest(docs)
    beside = sorted(p.name for p in (root / "build").iterdir() if not p.name.startswith(".tmp-"))
    digests = {rel: stamp[2] for rel, stamp in listed.items()}
    return {"pages": pages, "manifest": digests, "beside": beside}


def _stop_part_way(root: Path, rng: random.Random) -> str:
    """Start `summitry generate`, stop it at a random point of its writing; say how."""
    how = rng.choice([signal.SIGKILL, signal.SIGTERM])
    run = subprocess.Popen(
        [sys.executable, "-m", "builder.cli", "generate", "--root", str(root), "--jobs", "1"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # writing starts when the run makes its scratch folder; then a random moment of it
    while not list((root / "build").glob(scratch.WRITES + "*")) and run.poll() is None:
        time.sleep(0.001)
    time.sleep(rng.uniform(0, 0.08))
    os.killpg(run.pid, how)
    code = run.wait()
    return f"{how.name} (exit {code})"


@pytest.mark.parametrize("edited", [True, False], ids=["after-an-edit", "from-nothing"])
def test_a_stopped_run_is_finished_by_the_next_as_a_clean_run_would(tmp_path: Path, edited: bool) -> None:
    base = _synthetic(tmp_path / "base", 60)
    assert sum(1 for _ in base.rglob("*.yaml")) < PARALLEL_FROM  # one process: the kill hits the writer
    if edited:
        generate(Project(base), workers=1)
    clean = tmp_path / "clean"
    shutil.copytree(base, clean, ignore=shutil.ignore_patterns("build"))
    _edit(clean)
    generate(Project(clean), workers=1)
    expected = _output(clean)

    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    for attempt in range(TRIES // 2):
        root = tmp_path / f"try{attempt}"
        shutil.copytree(base, root)
        _edit(root)
        how = _stop_part_way(root, rng)
        generate(Project(root), workers=1)
        assert _output(root) == expected, f"seed {seed}, try {attempt}: stopped by {how}"
        assert not list((root / "build/docs").rglob(".tmp-*")), f"seed {seed}, try {attempt}"


def test_a_scratch_folder_that_cannot_be_removed_whole_keeps_its_marker(tmp_path: Path, monkeypatch) -> None:
    """Its marker went first, then the removal stopped at what it could not remove: the rest
    looked like a folder that merely has the name and holds files, which no sweep removes."""
    folder = scratch.make(tmp_path, scratch.WRITES)
    (folder / "site/about").mkdir(parents=True)
    (folder / "site/about/index.html").write_text("x")
    real_rmtree = shutil.rmtree

    def stuck(path: str, onerror=None) -> None:
        onerror(os.unlink, os.path.join(path, "about/index.html"), (PermissionError, PermissionError(), None))

    monkeypatch.setattr(shutil, "rmtree", stuck)
    assert scratch.remove(folder) is False
    assert (folder / scratch.MARKER).is_file() and (folder / "site/about/index.html").is_file()
    monkeypatch.setattr(shutil, "rmtree", real_rmtree)
    (folder / scratch.MARKER).write_text(f"999999999 {socket.gethostname()}\n")  # its process gone
    assert scratch.sweep(tmp_path) == (folder.name,) and not folder.exists()


def test_a_run_that_ended_unreaped_counts_as_gone_and_a_running_one_does_not() -> None:
    """A killed build whose process nothing reaps (a container without an init) keeps its
    id as a zombie: its scratch folder, a whole copy of the site, was kept by every later
    build (a helper found it). A zombie is gone; this process, and a live child, are not."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not scratch.process_gone(child.pid)
        child.kill()
        deadline = time.monotonic() + 10
        while not scratch.process_gone(child.pid) and time.monotonic() < deadline:  # killed, not yet reaped
            time.sleep(0.01)
        assert scratch.process_gone(child.pid)
    finally:
        child.kill()
        child.wait()
    assert scratch.process_gone(child.pid)  # reaped: no such process
    assert not scratch.process_gone(os.getpid())
