"""`summitry new` with names in any script, and in a terminal that the user leaves halfway."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

LEADER = ["--country", "Ukraine", "--summary", "President of Ukraine.", "--source", "biden-putin-look-at-relationship"]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "name, rid",
    [
        ("Володимир Зеленський", "zelenskii"),
        ("Ολάφ Σολτς", "solts"),
        ("习近平", "xi-jin-ping"),
        ("Recep Tayyip Erdoğan", "erdogan"),
    ],
)
def test_ids_are_made_from_names_in_any_script(shipped: Path, run, name: str, rid: str) -> None:
    result = run("new", "leader", "--name", name, *LEADER, "--root", shipped)
    assert result.code == 0, result.err
    assert result.out == f"wrote leaders/{rid}.yaml; it passes summitry check\n"
    assert f"name: {name}\n" in (shipped / f"leaders/{rid}.yaml").read_text(encoding="utf-8")
    assert run("check", "--root", shipped).code == 0


def test_no_id_from_a_name_without_letters_asks_for_one(shipped: Path, run) -> None:
    before = _tree(shipped)
    result = run("new", "leader", "--name", "🙂 ★", *LEADER, "--root", shipped)
    assert result.code == 1
    assert result.err == "error: cannot make an id from the leader's name: give one with --id\n"
    assert _tree(shipped) == before
    given = run("new", "leader", "--name", "🙂 ★", "--id", "smiley", *LEADER, "--root", shipped)
    assert given.code == 0, given.err
    assert (shipped / "leaders/smiley.yaml").is_file()


def _in_terminal(root: Path, keys: bytes, after_prompts: int) -> tuple[int, str]:
    """Run `summitry new leader` on a pseudo-terminal, press ``keys`` at the given question;
    the exit status and everything the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a real terminal on standard input, as a user has
        # an ignored SIGINT survives exec, and Python then installs no handler: a shell starts fresh
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execv(sys.executable, [sys.executable, "-m", "builder.cli", "new", "leader", "--root", str(root)])
    shown = b""
    answers = [b"Jacinda Ardern\r"]
    prompts = 0
    deadline = time.monotonic() + 60
    while True:
        ready, _, _ = select.select([fd], [], [], 2)
        if not ready and prompts > after_prompts:
            # A Ctrl-C that arrives after the question is shown but before Python reads the
            # answer is handled then, and the read that follows waits on: press it again.
            os.write(fd, keys)
        assert ready or time.monotonic() < deadline, f"no output from summitry new; so far: {shown!r}"
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child has gone and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        while shown.count(b": ") > prompts:  # a question waits for its answer
            prompts += 1
            os.write(fd, keys if prompts > after_prompts else answers[prompts - 1])
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


@pytest.mark.parametrize("key, code", [(b"\x04", 1), (b"\x03", 130)], ids=["ctrl-d", "ctrl-c"])
def test_leaving_the_questions_ends_cleanly_and_writes_nothing(shipped: Path, key: bytes, code: int) -> None:
    before = _tree(shipped)
    status, shown = _in_terminal(shipped, key, after_prompts=1)
    assert "Full name: " in shown and "Country: " in shown
    assert "Traceback" not in shown and "Error" not in shown, shown
    assert shown.rstrip().endswith("cancelled; nothing was written"), shown
    assert status == code
    assert _tree(shipped) == before
