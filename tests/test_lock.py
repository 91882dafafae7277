"""One run at a time writes build/ (builder.incremental.lock)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from builder.incremental.lock import command_of, running

# A run of its own that holds the lock of the knowledge base it is given until it is told
# to stop (a line on its input), or is killed.
_HOLDER = """
import sys
from pathlib import Path
from builder.incremental.lock import running
with running(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.readline()
    (Path(sys.argv[1]) / "let-go").write_text("")  # written before the lock goes
"""

# Whether another process can take the lock now, without waiting: "free" or "taken".
_PROBE = """
import fcntl, os, sys
handle = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
try:
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except OSError:
    print("taken")
"""


def _holder(root: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(root)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def _probe(root: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(root)], capture_output=True, text=True)
    return done.stdout.strip()


def test_a_run_waits_for_the_one_that_holds_build_and_says_whose_it_is(small: Path, run) -> None:
    holder = _holder(small)
    assert holder.stdin is not None
    # told to let go in a second: the run started now has to wait for that
    letting_go = subprocess.Popen(["sh", "-c", "sleep 1; echo"], stdout=holder.stdin, stdin=subprocess.DEVNULL)
    result = run("generate", "--root", small)
    assert (small / "let-go").exists()  # the run went on only once the holder let go
    letting_go.wait()
    assert holder.wait(10) == 0
    assert result.code == 0, result.err
    assert f"waiting for process {holder.pid} to end: one run at a time writes {small / 'build'}" in result.err
    assert result.out.startswith("generated build/docs:")


def test_a_run_inside_a_run_holds_the_lock_until_the_outer_one_ends(tmp_path: Path) -> None:
    with running(tmp_path):
        assert _probe(tmp_path) == "taken"
        with running(tmp_path):  # as build runs generate
            assert _probe(tmp_path) == "taken"
        assert _probe(tmp_path) == "taken"  # the inner one did not let it go
    assert _probe(tmp_path) == "free"
    assert list(tmp_path.iterdir()) == []  # and no file was made for it


def test_a_killed_run_leaves_no_lock_behind(small: Path, run) -> None:
    holder = _holder(small)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    result = run("generate", "--root", small)
    assert result.code == 0 and "waiting" not in result.err, result.err


def test_a_waiting_run_names_the_summitry_command_that_holds_the_lock() -> None:
    venv = "/home/u/kb/.venv/bin"
    assert command_of([f"{venv}/python", f"{venv}/summitry", "serve", "--root", "."]) == "summitry serve"
    assert command_of(["python3", "-m", "builder.cli", "build"]) == "summitry build"
    # the command after a global option, whose value may look like one ('kb')
    assert command_of(["summitry", "--root", "kb", "generate"]) == "summitry generate"
    assert command_of(["summitry", "--root", "/srv/kb", "serve", "--dev-addr", "x"]) == "summitry serve"
    assert command_of(["summitry", "--version"]) == "summitry"
    assert command_of(["python3", "-c", "import summitry"]) == ""
    assert command_of([]) == ""
