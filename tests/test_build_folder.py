"""The scratch folders of builds that were stopped, and what a build says it did."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from builder.engines.site_folder import MARKER, OLD, PREFIX


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
    assert first.out == f"built site/ from {len(_pages(docs))} pages (no earlier build noted)\n"
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
        f"built site/ from {len(now)} pages ({changed} changed since the last build)",
    ]
    assert "thrice" in (small / "site" / "leaders" / "alpha" / "index.html").read_text()
    assert not list(small.glob(PREFIX + "*"))
    assert run("build", "--root", small).out == f"built site/ from {len(now)} pages (0 changed since the last build)\n"


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
    assert run("build", "--root", small).code == 0
    assert not first.exists()  # removed by this build, which set its own replaced site aside
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
