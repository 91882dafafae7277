"""The scratch folders of builds that were stopped, and what a build says it did."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from builder.engines import site_folder, site_state
from builder.engines.site_folder import MARKER, OLD, PREFIX
from builder.incremental import scratch


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _scratch(root: Path, name: str, marker: str | None) -> Path:
    folder = root / (PREFIX + name)
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "index.html").write_text("<p>a half-built site</p>")
    if marker is not None:
        (folder / MARKER).write_text(marker)
    return folder


def _pages(docs: Path) -> dict[str, str]:
    return {
        p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in docs.rglob("*")
        if p.is_file()
    }


def test_build_removes_only_the_leftovers_of_stopped_builds(small: Path, run) -> None:
    host = socket.gethostname()
    stopped = _scratch(small, "stopped1", f"{_dead_pid()} {host}\n")
    running = _scratch(small, "running1", f"{os.getpid()} {host}\n")
    unmarked = _scratch(small, "users-own", None)
    elsewhere = _scratch(small, "elsewhere", f"{_dead_pid()} not-{host}\n")
    garbled = _scratch(small, "garbled1", "not a pid\n")
    (small / (PREFIX + "link")).symlink_to(stopped)
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == f"removed {stopped.name}/, the scratch folder of a build that was stopped"
    assert not stopped.exists()
    assert sorted(p.name for p in small.glob(PREFIX + "*")) == sorted(
        p.name for p in (running, unmarked, elsewhere, garbled, small / (PREFIX + "link"))
    )
    assert (running / "site" / "index.html").is_file() and (unmarked / "site" / "index.html").is_file()


def test_a_build_leaves_no_scratch_folder(small: Path, run) -> None:
    for _ in range(2):  # the second swaps out a previous site
        assert run("build", "--root", small).code == 0
    assert sorted(p.name for p in small.iterdir() if p.name.startswith(".")) == []


def test_a_killed_build_is_cleaned_up_and_the_next_says_what_changed(small: Path, run) -> None:
    first = run("build", "--root", small)
    docs = small / "build" / "docs"
    assert first.out == f"built site/ from {len(_pages(docs))} files of build/docs/ (no earlier build noted)\n"
    built_from = _pages(docs)
    alpha = small / "leaders" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("met [[beta]] three times", "met [[beta]] thrice"))

    build = subprocess.Popen(
        [sys.executable, "-m", "builder.cli", "build", "--root", str(small)],
        start_new_session=True,  # its engine too: as Ctrl-C or a cancelled CI job stops both
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not list(small.glob(f"{PREFIX}*/{MARKER}")):
        assert build.poll() is None, "the build ended before it could be stopped"
        time.sleep(0.005)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    (left,) = small.glob(PREFIX + "*")

    result = run("build", "--root", small)
    assert result.code == 0, result.err
    now = _pages(docs)
    changed = sum(built_from.get(rel) != digest for rel, digest in now.items()) + len(built_from.keys() - now.keys())
    assert changed > 0
    assert result.out.splitlines() == [
        f"removed {left.name}/, the scratch folder of a build that was stopped",
        f"built site/ from {len(now)} files of build/docs/ ({changed} changed since the last build)",
    ]
    assert "thrice" in (small / "site" / "leaders" / "alpha" / "index.html").read_text()
    assert not list(small.glob(PREFIX + "*"))
    assert (
        run("build", "--root", small).out
        == f"built site/ from {len(now)} files of build/docs/ (0 changed since the last build)\n"
    )


def _set_aside(small: Path) -> list[Path]:
    return sorted((small / "build").glob(OLD + "*"))


def test_the_replaced_site_waits_in_build_and_the_next_build_removes_it(small: Path, run) -> None:
    assert run("build", "--root", small).code == 0
    assert _set_aside(small) == []  # no site was replaced
    alpha = small / "leaders" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("met [[beta]] three times", "met [[beta]] thrice"))
    result = run("build", "--root", small)  # a full build (the navigation shows the change)
    assert result.code == 0 and "A full build" in result.err, result.err
    assert _set_aside(small) == []  # the site it replaced shares no file with the new one: removed at once
    result = run("build", "--root", small)  # nothing changed: built upon the last site, every file a link to it
    assert result.code == 0 and "upon the last site: 0 of" in result.err, result.err
    (first,) = _set_aside(small)
    for rel in ("index.html", "leaders/alpha/index.html", "sources/index.html"):
        assert (first / "old" / rel).stat().st_ino == (small / "site" / rel).stat().st_ino  # links, not copies
    assert "thrice" in (first / "old" / "leaders" / "alpha" / "index.html").read_text()
    unmarked = first.with_name(OLD + "unmarked")  # a folder that only has the name: not the builder's to remove
    (unmarked / "old").mkdir(parents=True)
    taken = (first / "old").stat().st_ino
    assert run("build", "--root", small).code == 0
    assert not first.exists()  # taken by this build: its copy of the last site, and now the site
    assert (small / "site").stat().st_ino == taken
    (second,) = (p for p in _set_aside(small) if p != unmarked)
    assert (second / "old" / "index.html").is_file()
    assert run("build", "--root", small, "--clean").code == 0  # its replaced site shares no file: removed at once
    assert _set_aside(small) == [unmarked]


def test_the_copy_of_the_last_site_stops_with_the_build_that_started_it(tmp_path: Path) -> None:
    """A build killed (kill -9, SIGTERM) runs no cleanup: its copying child must not outlive
    it, writing into a scratch folder that the next build's sweep removes as a stopped one's."""
    source = tmp_path / "site"
    for i in range(3000):
        (source / f"f{i}").mkdir(parents=True)
        (source / f"f{i}" / "index.html").write_text("x", encoding="utf-8")
    into = tmp_path / "copy"
    start = (
        "import os; from builder.engines.site_folder import Helper; "
        f"h = Helper('clone', {str(source)!r}, {str(into)!r}, str(os.getpid())); print(h.process.pid, flush=True)"
    )  # the build starts its copy, and dies at once without waiting for it
    started = subprocess.run([sys.executable, "-c", start], capture_output=True, text=True, check=True, timeout=60)
    pid = int(started.stdout)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{pid}/stat").is_file() and Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            break  # ended, and not yet reaped by whoever adopted it
        time.sleep(0.05)
    else:
        raise AssertionError("the copy outlived the build by a minute")
    copied = len(list(into.glob("*/index.html"))) if into.is_dir() else 0
    assert copied < 3000  # it stopped, rather than copying the whole site


def _links(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``folder``: a folder, or a file (or link) with its inode."""
    found = {}
    for here, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = Path(here) / name
            rel = str(path.relative_to(folder))
            found[rel] = ("folder", 0) if path.is_dir() and not path.is_symlink() else ("file", path.lstat().st_ino)
    return found


def test_a_set_aside_site_is_made_the_copy_of_the_last_by_changing_only_what_differs(tmp_path: Path) -> None:
    """What a build starts from: the last site as links. Made from a site set aside earlier,
    it must be what a copy made afresh would be, whatever the two differ in."""
    last = tmp_path / "last"
    for rel in ("index.html", "a/index.html", "a/b/index.html", "c/index.html", "d", "e/index.html", "f/x.css"):
        (last / rel).parent.mkdir(parents=True, exist_ok=True)
        (last / rel).write_text(rel, encoding="utf-8")
    (last / "link").symlink_to("index.html")
    old = tmp_path / "old"
    site_state.clone(last, old)
    kept = (old / "a/index.html").stat().st_ino
    (old / "c/index.html").unlink()  # a page rendered since: another file
    (old / "c/index.html").write_text("older", encoding="utf-8")
    shutil.rmtree(old / "e")  # a folder that came
    (old / "gone.html").write_text("went", encoding="utf-8")  # a file that went
    (old / "gone/deep").mkdir(parents=True)  # a folder that went
    (old / "d").unlink()
    (old / "d").mkdir()  # a folder where the last site has a file
    shutil.rmtree(old / "f")
    (old / "f").write_text("a file where the last site has a folder", encoding="utf-8")
    (old / ".hidden").write_text("MkDocs keeps hidden files; the copy must not", encoding="utf-8")
    assert site_state.sync(last, old)
    assert _links(old) == _links(last)  # the same entries, each file the same file
    assert (old / "a/index.html").stat().st_ino == kept  # what was a link already stayed
    assert (old / "c/index.html").read_text(encoding="utf-8") == "c/index.html"


def test_a_build_takes_the_set_aside_site_as_its_copy(tmp_path: Path) -> None:
    build, into = tmp_path / "build", tmp_path / "scratch/site"
    into.mkdir(parents=True)
    unmarked = build / (OLD + "unmarked")
    (unmarked / "old").mkdir(parents=True)  # has the name only: not the builder's
    assert not site_folder.take_set_aside(build, into)
    marked = build / (OLD + "marked")
    (marked / "old/a").mkdir(parents=True)
    (marked / MARKER).write_text("a build's", encoding="utf-8")
    assert site_folder.take_set_aside(build, into)
    assert (into / "a").is_dir() and not marked.exists() and (unmarked / "old").is_dir()


def test_a_set_aside_site_is_either_taken_or_removed_never_both(tmp_path: Path, monkeypatch) -> None:
    """One build's removal and another's copy may look at the same set-aside site at once:
    each claims it by a rename first, so the one that loses never works in it."""
    build, into = tmp_path / "build", tmp_path / "scratch/site"
    into.mkdir(parents=True)
    marked = build / (OLD + "marked")
    (marked / "old/page").mkdir(parents=True)
    (marked / "old/page/index.html").write_text("a page", encoding="utf-8")
    (marked / MARKER).write_text("a build's", encoding="utf-8")
    removing, taken = threading.Event(), threading.Event()
    remove = scratch.remove

    def slow_remove(folder: Path) -> None:  # the removal, paused once it has its folder
        removing.set()
        assert taken.wait(30)
        remove(folder)

    monkeypatch.setattr(scratch, "remove", slow_remove)
    remover = threading.Thread(target=site_folder.remove_set_aside, args=(build,))
    remover.start()
    assert removing.wait(30)
    monkeypatch.setattr(scratch, "remove", remove)
    assert not site_folder.take_set_aside(build, into)  # the removal has it
    taken.set()
    remover.join(30)
    assert not any(into.iterdir()) and not any(build.iterdir())
