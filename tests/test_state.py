"""The state kept in build/ between runs is data, checked before use: a crafted, foreign or
damaged one gives a full run with one line saying why, never code run and never a traceback."""

from __future__ import annotations

import ast
import errno
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from test_incremental import resigned_records

from builder.incremental import inputs, keyed, state, state_files, state_parts
from builder.incremental.manifest import MANIFEST

MARKER = "summitry-state-test-ran-code"


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test signs with a key of its own, as a separate user would."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def test_no_module_of_the_builder_unpickles() -> None:
    users = []
    for path in sorted((REPO / "builder").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import | ast.ImportFrom) else []
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if "pickle" in names or module == "pickle" or "marshal" in names or "shelve" in names:
                users.append(str(path.relative_to(REPO)))
    assert users == []


@pytest.mark.parametrize("name", [".summitry-state", ".summitry-state-body", state.HEAD, state.BODY])
def test_a_crafted_pickle_runs_no_code(small: Path, run, tmp_path: Path, name: str) -> None:
    assert run("generate", "--root", small).code == 0
    marker = tmp_path / MARKER
    with open(small / "build" / name, "wb") as handle:
        pickle.dump((1, _Payload(marker)), handle)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0
    assert not marker.exists()
    if name in (state.HEAD, state.BODY):
        assert result.err == f"full run: {name} is not a summitry state\n"


def test_a_state_signed_elsewhere_is_foreign(small: Path, run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The same files, read by another user (or on the publishing machine), are not trusted."""
    assert run("generate", "--root", small).code == 0
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another user"))
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: Re ", 1), encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0
    assert result.err == f"full run: {state.HEAD} was not written by summitry on this machine for this user\n"


def test_a_state_that_claims_another_record_is_not_believed(small: Path, run) -> None:
    """Even signed, a state names a record by its file's digest: a record kept for other
    bytes than the file's is never used in its place."""
    assert run("generate", "--root", small).code == 0
    rel = "content/meetings/2020-03-03-riverton-talks.yaml"

    def claim(_: str, record: dict[str, Any]) -> None:
        record["digest"] = "0" * 32
        record["fields"]["title"] = "<script>alert(1)</script>"

    resigned_records(small / "build", rel, claim)
    (small / rel).write_text((small / rel).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    assert "alert(1)" not in (small / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text(encoding="utf-8")


def test_a_read_only_build_folder_is_one_line(small: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    """build/ on a read-only file system: the run stops before writing, with one line.
    (Simulated: the tests run as root in CI, whom no folder's mode refuses.)"""
    assert run("generate", "--root", small).code == 0
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (small / "build").rglob("*") if p.is_file()}
    unlink = Path.unlink

    def read_only(self: Path, missing_ok: bool = False) -> None:
        if self.parent == small / "build":
            raise OSError(errno.EROFS, "Read-only file system")
        unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", read_only)
    result = run("generate", "--root", small)
    assert result.code != 0 and "Traceback" not in result.err
    assert result.err == (
        f"error: {small / 'build' / state.HEAD}: cannot remove the last run's state (Read-only file system)\n"
    )
    assert {p: p.read_bytes() for p in (small / "build").rglob("*") if p.is_file()} == before


def test_a_full_disk_while_saving_the_state_is_one_line(small: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(path: Path, key: bytes, payload: bytes, mac: str | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(state_files, "write", full)
    result = run("generate", "--root", small)
    assert result.code == 0  # the pages are whole; only the state could not be kept
    assert result.err == (
        f"the state is not kept ({small / 'build'}: disk full); the pages are written, and the next run is a full one\n"
    )
    assert not (small / "build" / state.HEAD).exists()
    monkeypatch.undo()
    again = run("generate", "--root", small)
    assert again.code == 0 and again.err == ""


def test_an_upgraded_library_is_a_full_run(small: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("generate", "--root", small).code == 0
    monkeypatch.setattr(inputs, "_libraries", lambda: "pydantic 99.0")
    result = run("generate", "--root", small)
    assert result.err == "full run: the builder's libraries changed since the last run\n"
    assert "0 written" in result.out  # the same pages: nothing to write


def test_a_temporary_state_file_of_a_killed_run_is_removed(small: Path, run) -> None:
    build = small / "build"
    build.mkdir()
    dead = build / f"{state_files.TEMP_PREFIX}999999999-{state.BODY}"  # no such process
    dead.write_bytes(b"half")
    other = build / "notes.txt"
    other.write_text("mine", encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    assert not dead.exists() and other.read_text(encoding="utf-8") == "mine"


def test_a_state_carried_from_another_knowledge_base_is_not_used(small: Path, run, tmp_path: Path) -> None:
    """Signed with this user's key, a state from another knowledge base (or from another run of
    this one) describes other files than those in build/docs: a full run, said in one line."""
    other = tmp_path / "other"
    shutil.copytree(small, other)
    edited = other / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("title: ", "title: Other ", 1), encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    assert run("generate", "--root", other).code == 0
    for name in (state.HEAD, state.BODY):  # the other's state, in place of this one's
        (small / "build" / name).write_bytes((other / "build" / name).read_bytes())
    page = small / "build" / "docs" / "meetings" / "2020-03-03-riverton-talks.md"
    kept = page.read_bytes()
    result = run("generate", "--root", small)
    assert result.err == "full run: .summitry-manifest.json is not the list of files this state was saved with\n"
    assert page.read_bytes() == kept and b"Other " not in kept


def test_a_damaged_key_is_made_again(small: Path, run, own_key: Path) -> None:
    assert run("generate", "--root", small).code == 0
    key = own_key / "summitry" / "state-key"
    key.write_bytes(b"short")
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.err == f"full run: {state.HEAD} was not written by summitry on this machine for this user\n"
    assert len(key.read_bytes()) == 32  # a new key, with which this run's state was signed
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run("generate", "--root", small).err == ""


def test_a_key_others_can_read_is_made_again_for_its_owner_alone(small: Path, run, own_key: Path) -> None:
    """A key readable by the group or by anyone is no secret: whoever read it could sign a
    state or a list of written files. It is replaced by a new one only its owner reads."""
    assert run("generate", "--root", small).code == 0
    key = own_key / "summitry" / "state-key"
    assert key.stat().st_mode & 0o777 == 0o600
    old = key.read_bytes()
    key.chmod(0o644)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.err == f"full run: {state.HEAD} was not written by summitry on this machine for this user\n"
    assert key.stat().st_mode & 0o777 == 0o600 and key.read_bytes() != old
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run("generate", "--root", small).err == ""


@pytest.mark.parametrize("planted", ["a link", "a pipe"])
def test_a_key_that_is_no_file_is_made_again(small: Path, run, own_key: Path, tmp_path: Path, planted: str) -> None:
    """A link or a pipe where the key goes: every run was a full one for good, saying no key
    could be made (a helper found it). It is replaced, never read or written through."""
    assert run("generate", "--root", small).code == 0
    key = own_key / "summitry" / "state-key"
    key.unlink()
    target = tmp_path / "elsewhere"
    target.write_bytes(b"k" * 32)
    if planted == "a link":
        key.symlink_to(target)
    else:
        os.mkfifo(key)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.err == f"full run: {state.HEAD} was not written by summitry on this machine for this user\n"
    assert key.is_file() and not key.is_symlink() and len(key.read_bytes()) == 32
    assert target.read_bytes() == b"k" * 32  # not written through
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run("generate", "--root", small).err == ""


def test_a_folder_where_the_key_goes_is_kept_and_the_state_is_not(small: Path, run, own_key: Path) -> None:
    (own_key / "summitry" / "state-key").mkdir(parents=True)
    result = run("generate", "--root", small)
    assert result.code == 0
    assert result.err == (
        f"the state is not kept: no key could be made in {own_key / 'summitry'}; every run will be a full one\n"
    )
    assert (own_key / "summitry" / "state-key").is_dir()


@pytest.mark.parametrize("blocked", ["folder-at-key", "file-at-folder", "dangling-link"])
def test_a_key_that_can_no_longer_be_kept_is_one_line_on_each_run(
    small: Path, run, own_key: Path, blocked: str
) -> None:
    """With a state kept before, each run said it was not this user's (it was) and then that
    the state was not kept: two lines, the first wrong. A helper found it."""
    assert run("generate", "--root", small).code == 0
    shutil.rmtree(own_key)
    if blocked == "folder-at-key":
        (own_key / "summitry" / "state-key").mkdir(parents=True)
    elif blocked == "file-at-folder":
        own_key.mkdir()
        (own_key / "summitry").write_text("mine", encoding="utf-8")
    else:
        own_key.symlink_to(own_key.parent / "nowhere")
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    said = (
        f"full run: the state is not kept: no key could be made in {own_key / 'summitry'}; "
        "every run will be a full one\n"
    )
    for _ in range(2):
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        result = run("generate", "--root", small)
        assert (result.code, result.err) == (0, said)


def test_a_folder_where_a_part_goes_is_told_once_on_each_run(small: Path, run) -> None:
    """It was two lines, and from the second run on the head was said to be missing as if a run
    had been stopped. A helper found it."""
    assert run("generate", "--root", small).code == 0
    part = small / "build" / state_parts.PARTS / "records-000.json"
    part.unlink()
    part.mkdir()
    said = (
        f"full run: {state_parts.PARTS}/records-000.json is a folder, not a file summitry wrote; "
        "no run keeps the state until it is moved away\n"
    )
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    for _ in range(2):
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        result = run("generate", "--root", small)
        assert (result.code, result.err) == (0, said)
    assert part.is_dir()


def test_without_a_home_folder_every_run_is_a_full_one_said_in_a_line(
    small: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A container run as a user the system does not know, with no HOME: Path.home() raises.
    The run ended in that traceback; now it is a full one, and says why."""
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def unknown(uid: int) -> None:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr("pwd.getpwuid", unknown)
    for _ in range(2):
        result = run("generate", "--root", small)
        assert result.code == 0, result.err
        assert result.err == (
            "the state is not kept: no key could be made (no home folder, nor an absolute XDG_CACHE_HOME, "
            "to keep it in); every run will be a full one\n"
        )


def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the XDG base directory specification says: relative, it would make one key per
    working folder, or put the key in the knowledge base, which travels with it."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", ".cache")
    assert keyed.key_folder() == tmp_path / "home" / ".cache" / "summitry"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert keyed.key_folder() == tmp_path / "cache" / "summitry"


def test_every_library_summitry_runs_on_is_in_the_inputs() -> None:
    """An upgrade of any of them is a full run: the state names each one's version."""
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as handle:
        required = tomllib.load(handle)["project"]["dependencies"]
    names = {re.split(r"[\s;<>=!~\[(]", line, maxsplit=1)[0].lower() for line in required}
    versions = dict(part.rsplit(" ", 1) for part in inputs._libraries().split("; "))
    assert names <= versions.keys() and "absent" not in versions.values()


def _dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")  # endless, and of size 0


def _named_pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # a read waits for a writer that never comes


@pytest.mark.parametrize("name", [state.HEAD, state.BODY, f"{state_parts.PARTS}/records-000.json"])
@pytest.mark.parametrize("plant", [_dev_zero, _named_pipe])
def test_a_state_file_that_is_no_file_is_refused_at_once(small: Path, name: str, plant) -> None:
    """A pull request can carry links and pipes into build/ (git keeps links): each is a full run, at once."""
    command = [sys.executable, "-m", "builder.cli", "generate", "--root", str(small)]
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    plant(small / "build" / name)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    short = name.rpartition("/")[2]
    assert done.stderr.startswith("full run: ") and f"{short} is not a file summitry wrote" in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1


def test_a_list_of_written_files_that_is_no_file_is_not_read_and_is_set_aside(small: Path) -> None:
    command = [sys.executable, "-m", "builder.cli", "generate", "--root", str(small)]
    assert subprocess.run(command, capture_output=True, timeout=120).returncode == 0
    _dev_zero(small / "build" / MANIFEST)
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert f"{MANIFEST} cannot be read (" in done.stderr and len(done.stderr.splitlines()) == 1
    assert (small / "build/unlisted-1" / MANIFEST).is_symlink()  # the link itself, moved: nothing read through it


def test_a_file_where_the_state_parts_go_is_left_and_named(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    folder = small / "build" / state_parts.PARTS
    shutil.rmtree(folder)
    folder.write_text("mine", encoding="utf-8")  # not summitry's to remove
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0 and folder.read_text(encoding="utf-8") == "mine"
    assert result.err.splitlines() == [  # one line: why this run is a full one is why it keeps no state
        f"full run: {state_parts.PARTS} is not a folder summitry made (a link, or a file); "
        "no run keeps the state until it is moved away",
    ]
    # and every run after says the same, not that the state is missing as if a run had been stopped
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run("generate", "--root", small)
    assert again.code == 0 and again.err.splitlines() == result.err.splitlines()


@pytest.mark.parametrize("name", [state.HEAD, state.BODY])
def test_a_folder_where_a_state_file_goes_is_told_once_on_each_run(small: Path, run, name: str) -> None:
    """It was told twice on each run ('full run: ...' and 'the state is not kept (...)'); and a
    folder where the body goes was taken, from the second run on, for a run that had been stopped."""
    assert run("generate", "--root", small).code == 0
    path = small / "build" / name
    path.unlink()
    path.mkdir()
    (path / "mine").write_text("mine", encoding="utf-8")  # not summitry's to remove
    said = f"full run: {name} is a folder, not a file summitry wrote; no run keeps the state until it is moved away"
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    for _ in range(2):
        edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        result = run("generate", "--root", small)
        assert (result.code, result.err.splitlines()) == (0, [said])
        assert (path / "mine").read_text(encoding="utf-8") == "mine"
    shutil.rmtree(path)  # moved away: the next run keeps the state, and the one after uses it
    assert len(run("generate", "--root", small).err.splitlines()) <= 1
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert (result.code, result.err) == (0, "")
    assert (small / "build" / state.HEAD).is_file() and (small / "build" / state.BODY).is_file()


def test_a_link_where_the_state_parts_go_is_not_written_through(small: Path, run, tmp_path: Path) -> None:
    """git carries links: one in build/ in place of the parts' folder must not send writes elsewhere."""
    assert run("generate", "--root", small).code == 0
    folder = small / "build" / state_parts.PARTS
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "records-000.json").write_text("precious", encoding="utf-8")
    shutil.rmtree(folder)
    folder.symlink_to(victim)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0 and "is not a folder summitry made" in result.err
    assert [p.name for p in victim.iterdir()] == ["records-000.json"]
    assert (victim / "records-000.json").read_text(encoding="utf-8") == "precious"


def _spoil_part(small: Path, name: str, change) -> None:
    path = small / "build" / state_parts.PARTS / name
    header, _, payload = path.read_bytes().partition(b"\n")
    path.write_bytes(b"\n".join(change(header, payload)))


@pytest.mark.parametrize(
    "change",
    [
        lambda header, payload: (header, payload + b" "),  # its first line right, its content not
        lambda header, payload: (header.replace(b'"version": 4', b'"version": 3'), payload),
        lambda header, payload: (re.sub(rb'"mac": "[0-9a-f]+"', '"mac": "é"'.encode(), header), payload),
        # JSON can name a lone surrogate, which no encoding takes: it was a traceback on every run
        lambda header, payload: (re.sub(rb'"mac": "[0-9a-f]+"', rb'"mac": "\\ud800"', header), payload),
    ],
    ids=["content", "version", "not-ascii", "lone-surrogate"],
)
def test_a_spoiled_part_is_one_line_and_written_again(small: Path, run, change) -> None:
    assert run("generate", "--root", small).code == 0
    _spoil_part(small, "records-000.json", change)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0 and result.err.startswith(f"full run: {state_parts.PARTS}/records-000.json "), result.err
    assert len(result.err.splitlines()) == 1
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run("generate", "--root", small)  # the full run wrote it whole again
    assert again.code == 0 and again.err == "", again.err


@pytest.mark.parametrize("name", [state.HEAD, state.BODY])
def test_a_lone_surrogate_for_the_digest_of_a_state_file_is_one_line(small: Path, run, name: str) -> None:
    assert run("generate", "--root", small).code == 0
    path = small / "build" / name
    header, _, payload = path.read_bytes().partition(b"\n")
    path.write_bytes(re.sub(rb'"mac": "[0-9a-f]+"', rb'"mac": "\\ud800"', header) + b"\n" + payload)
    edited = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    said = f"full run: {name} was not written by summitry on this machine for this user\n"
    assert (result.code, result.err) == (0, said)


def test_a_run_after_one_edit_rewrites_only_the_parts_that_changed(
    small: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("generate", "--root", small).code == 0
    dumped = []
    real = state_parts.dumped
    monkeypatch.setattr(state_parts, "dumped", lambda part: dumped.append(part) or real(part))
    folder = small / "build" / state_parts.PARTS
    before = {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir()}
    edited = "content/meetings/2020-03-03-riverton-talks.yaml"
    path = small / edited
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Retitled ", 1), encoding="utf-8")
    assert run("generate", "--root", small).code == 0
    after = {p.name: (p.stat().st_ino, p.read_bytes()) for p in folder.iterdir()}
    assert after.keys() == before.keys()
    rewritten = {name for name in after if after[name][0] != before[name][0]}
    changed = {name for name in after if after[name][1] != before[name][1]}
    # every part whose content changed is written, and no other
    assert rewritten == changed
    assert f"records-{state_parts.slice_of(edited, state_parts.RECORD_PARTS):03d}.json" in changed
    assert 0 < len(changed) < 10
    assert len(dumped) == len(changed)  # the others were not even turned into JSON: their values are as read
    # what it left is whole for a process that never saw it: no full run, the edit shown
    state_parts._CHECKED.clear()
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0 and result.err == "", result.err
    page = (small / "build" / "docs" / "meetings" / "2020-03-03-riverton-talks.md").read_text(encoding="utf-8")
    assert "Retitled" in page


@pytest.mark.parametrize(
    "fields, refs",
    [({"name": 7, "country": "X"}, []), ({"name": "A", "country": "X"}, [{"loc": []}])],
    ids=["a field of the wrong type", "a reference without its parts"],
)
def test_a_kept_record_that_does_not_pass_is_said_in_one_line(fields: dict, refs: list) -> None:
    """What a signed state holds that its model refuses (an upgrade of the model, or a state
    written by hand with the key) gives a full run, told in one line, not pydantic's block."""
    cached = state_parts.CachedRecord(digest="d", kind="leader", id="a", fields=fields, refs=refs)
    with pytest.raises(ValueError) as refused:
        state.cached_entry("leaders/a.yaml", cached)
    (line,) = str(refused.value).splitlines()
    assert line.startswith("the record leaders/a.yaml kept in the state does not pass (")


_KEYS = st.tuples(st.sampled_from(["json", "csv"]), st.sampled_from(["meeting", "leader"]), st.text("ab1", max_size=4))


@given(
    st.lists(_KEYS, unique=True, max_size=60),
    st.lists(_KEYS, unique=True, max_size=8),
    st.lists(st.integers(0, 59), max_size=10),
)
def test_the_parts_of_the_exports_are_split_alike_whether_or_not_some_are_as_read(
    keys: list[tuple[str, ...]], added: list[tuple[str, ...]], dropped: list[int]
) -> None:
    """A run that keeps most parts as the objects it read them as puts each back in its part,
    sorted, exactly as a split from nothing would, and hands back an untouched part as read."""

    def body(pieces: list[Any]) -> state_parts.Joined:
        return {}, {}, pieces

    first = state_parts.split(body([(key, "|".join(key), (i,)) for i, key in enumerate(keys)]))
    read = {name: ("mac", part.pieces) for name, part in first.items() if name.startswith("pieces")}
    flat = [piece for name in sorted(read) for piece in read[name][1]]  # as the parts are joined
    gone = {flat[i][0] for i in dropped if i < len(flat)}
    fresh = [(key, "new", (99,)) for key in added if key not in keys]
    now = [piece for piece in flat if piece[0] not in gone] + fresh
    split = state_parts.split(body(now), read)

    def part(key: tuple[str, ...]) -> str:
        return f"pieces-{state_parts.slice_of(repr(key), state_parts.PIECE_PARTS):03d}"

    expected = {name: sorted((p for p in now if part(p[0]) == name), key=lambda p: p[0]) for name in read}
    assert {name: split[name].pieces for name in read} == expected
    touched = {part(key) for key in gone | {key for key, _, _ in fresh}}
    for name, (_, pieces) in read.items():
        assert (split[name].pieces is pieces) == (name not in touched)


def test_a_digest_compared_with_any_text_is_a_mismatch_never_an_error() -> None:
    # either side may be read from a file (a state part's first line is the 'made' one)
    assert keyed.same_digest("ab12", "ab12")
    for made, read in [
        ("é", "é"),
        ("ab12", "\ud800"),
        ("\ud800", "ab12"),
        ("ab12", None),
        ("ab12", 12),
        ("ab", "ab12"),
    ]:
        assert not keyed.same_digest(made, read)
