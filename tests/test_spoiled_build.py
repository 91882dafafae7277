"""What a hostile or unlucky build/ or site/ holds between runs: never written through, never
read for ever, never a traceback, and the output is what a run from nothing makes.

build/ can reach a machine in a pull request (git carries links), an archive opened with
``--root`` or the publishing job's cache; each case here was found by spoiling it by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from builder.engines import site_state
from builder.incremental import keyed, scratch, state, state_files, state_parts
from builder.incremental import output as write
from builder.incremental.manifest import MANIFEST, read_manifest

MEETING = "content/meetings/2020-03-03-riverton-talks.yaml"
DEEP = "[" * 100_000 + "]" * 100_000  # JSON nested past Python's recursion limit


@pytest.fixture(autouse=True)
def own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


def _edit(small: Path) -> None:
    path = small / MEETING
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Edited ", 1), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _from_nothing(small: Path, run, tmp_path: Path, command: str = "generate") -> Path:
    """The same knowledge base built from nothing, elsewhere: what a spoiled run must equal."""
    clean = tmp_path / "clean"
    shutil.copytree(small, clean, ignore=shutil.ignore_patterns("build", "site"))
    assert run(command, "--root", clean).code == 0
    return clean


def _manifest(small: Path) -> Path:
    return small / "build" / MANIFEST


def _claim(small: Path, rel: str, signed: bool) -> None:
    """Make the list of written files claim ``rel``: signed with this user's key (as if a
    file of ours had since been swapped), or by hand, as a pull request or an archive could."""
    known, notes, _ = read_manifest(small / "build" / "docs")
    body = {"version": 3, "files": {**{k: list(v) if v else None for k, v in known.items()}, rel: None}, **notes}
    payload = (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8")
    mac = keyed.sign(payload) if signed else "0" * 64
    assert mac is not None
    _manifest(small).write_bytes(mac.encode() + b"\n" + payload)


def _victim_behind_leaders(small: Path, tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "index.md").write_text("precious", encoding="utf-8")
    docs = small / "build" / "docs"
    shutil.rmtree(docs / "leaders")
    (docs / "leaders").symlink_to(victim)
    return victim


def test_a_link_where_a_folder_of_pages_goes_is_not_written_through(small: Path, run, tmp_path: Path) -> None:
    """A link claimed by a list of written files signed here: it is ours to remove, never to write through."""
    assert run("generate", "--root", small).code == 0
    victim = _victim_behind_leaders(small, tmp_path)
    _claim(small, "leaders", signed=True)
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    assert _files(victim) == {"index.md": b"precious"}
    docs = small / "build" / "docs"
    assert (docs / "leaders").is_dir() and not (docs / "leaders").is_symlink()
    assert _files(docs) == _files(_from_nothing(small, run, tmp_path) / "build" / "docs")


def test_a_link_claimed_by_a_list_not_signed_here_is_refused(small: Path, run, tmp_path: Path) -> None:
    """The same claim, written by hand: nothing is removed or written through, and it is said why."""
    assert run("generate", "--root", small).code == 0
    victim = _victim_behind_leaders(small, tmp_path)
    _claim(small, "leaders", signed=False)
    result = run("generate", "--root", small)
    assert result.code != 0
    full, line = result.err.splitlines()  # the state does not name this list: a full run, refused
    assert full == f"full run: {MANIFEST} is not the list of files this state was saved with"
    assert (
        "(leaders) that this run would remove, listed only by a list of written files that summitry did not sign"
        in line
    )
    assert _files(victim) == {"index.md": b"precious"} and (small / "build" / "docs" / "leaders").is_symlink()


def test_a_file_claimed_by_a_list_not_signed_here_is_not_removed(small: Path, run) -> None:
    """A file of someone else's in build/docs, named by a hand-written list of written
    files: summitry cannot know it wrote it, so it does not remove it."""
    assert run("generate", "--root", small).code == 0
    mine = small / "build" / "docs" / "mynotes.md"
    mine.write_text("my own notes", encoding="utf-8")
    _claim(small, "mynotes.md", signed=False)
    result = run("generate", "--root", small)
    assert result.code != 0 and "(mynotes.md) that this run would remove" in result.err, result.err
    assert mine.read_text(encoding="utf-8") == "my own notes"
    mine.unlink()  # moved away, as the line says: the run goes on, and signs what it wrote
    assert run("generate", "--root", small).code == 0
    assert read_manifest(small / "build" / "docs")[2]


def test_a_page_planted_with_a_stamp_it_claims_is_made_again(small: Path, run, tmp_path: Path) -> None:
    """A page edited and a hand-written list of written files giving its new size and
    times with the old digest: no stamp of an unsigned list spares a page from being read."""
    assert run("generate", "--root", small).code == 0
    rel = "meetings/2021-brief-call.md"
    page = small / "build" / "docs" / rel
    page.write_bytes(page.read_bytes() + b"\nPLANTED\n")
    info = page.lstat()
    known, notes, _ = read_manifest(small / "build" / "docs")
    stamp = known[rel]
    assert stamp is not None
    known[rel] = (info.st_size, info.st_mtime_ns, stamp[2], info.st_ctime_ns)
    body = {"version": 3, "files": {k: list(v) if v else None for k, v in known.items()}, **notes}
    _manifest(small).write_bytes(b"0" * 64 + b"\n" + json.dumps(body).encode())
    assert run("generate", "--root", small).code == 0
    assert b"PLANTED" not in page.read_bytes()
    assert _files(small / "build" / "docs") == _files(_from_nothing(small, run, tmp_path) / "build" / "docs")


def test_where_no_key_can_be_kept_a_record_removed_removes_its_pages(
    small: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key, no signed list: the list says "unsigned", and is trusted where no key can be
    kept either, as before lists were signed (every run is then a full one)."""
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))  # no folder can be made there
    assert run("generate", "--root", small).code == 0
    assert _manifest(small).read_bytes().startswith(b"unsigned\n")
    (small / "content" / "meetings" / "2021-brief-call.yaml").unlink()
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    assert not (small / "build" / "docs" / "meetings" / "2021-brief-call.md").exists()
    assert _files(small / "build" / "docs") == _files(_from_nothing(small, run, tmp_path) / "build" / "docs")


@pytest.mark.parametrize("stamp", ["none", "its own size and time", "another digest"])
def test_where_no_key_can_be_kept_a_list_carried_in_removes_no_file_it_did_not_write(
    small: Path, run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stamp: str
) -> None:
    """An "unsigned" list is all there can be where no key can be kept, and a pull request
    or an archive could carry one in that names anyone's file (a helper's reproduction: the
    user's own notes, removed). A file it would remove must hold what it says was written."""
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))  # no folder can be made there
    assert run("generate", "--root", small).code == 0
    mine = small / "build" / "docs" / "meetings" / "users-notes.md"
    mine.write_text("my own notes", encoding="utf-8")
    known, notes, _ = read_manifest(small / "build" / "docs")
    info = mine.lstat()
    claimed = {
        "none": None,
        "its own size and time": [info.st_size, info.st_mtime_ns, "0" * 24, info.st_ctime_ns],
        "another digest": [info.st_size, info.st_mtime_ns, write.digest(b"something else"), info.st_ctime_ns],
    }[stamp]
    files = {**{k: list(v) if v else None for k, v in known.items()}, "meetings/users-notes.md": claimed}
    payload = json.dumps({"version": 3, "files": files, **notes}, separators=(",", ":")) + "\n"
    _manifest(small).write_bytes(b"unsigned\n" + payload.encode("utf-8"))
    result = run("generate", "--root", small)
    assert result.code == 1 and "(meetings/users-notes.md) that this run would remove" in result.err, result.err
    assert "do not hold what the unsigned list of written files" in result.err
    assert mine.read_text(encoding="utf-8") == "my own notes"


def test_an_unsigned_list_is_not_trusted_where_a_key_can_be_kept(small: Path, run) -> None:
    """The word "unsigned" written by hand, where a key is: it vouches for nothing."""
    assert run("generate", "--root", small).code == 0
    mine = small / "build" / "docs" / "mynotes.md"
    mine.write_text("my own notes", encoding="utf-8")
    _claim(small, "mynotes.md", signed=False)
    _manifest(small).write_bytes(b"unsigned\n" + _manifest(small).read_bytes().partition(b"\n")[2])
    result = run("generate", "--root", small)
    assert result.code != 0 and "(mynotes.md) that this run would remove" in result.err, result.err
    assert mine.read_text(encoding="utf-8") == "my own notes"


@pytest.mark.parametrize("where", ["build", "build/docs"])
@pytest.mark.parametrize("command", ["generate", "build"])
def test_a_link_in_place_of_the_output_folder_is_refused(
    small: Path, run, tmp_path: Path, where: str, command: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / where).parent.mkdir(parents=True, exist_ok=True)
    (small / where).symlink_to(elsewhere)
    result = run(command, "--root", small)
    assert result.code != 0
    (line,) = result.err.splitlines()
    assert line == (
        f"error: {small / where} is a link; summitry writes only into a folder of its own, never through a "
        "link. Remove the link (not what it points to); the folder is made again"
    )
    assert list(elsewhere.iterdir()) == []


def test_a_file_in_place_of_the_output_folder_is_one_line(small: Path, run) -> None:
    (small / "build").mkdir()
    (small / "build" / "docs").write_text("mine", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code != 0 and "Traceback" not in result.err
    assert result.err.splitlines() == [
        f"error: {small / 'build' / 'docs'} is a file where summitry keeps a folder; move it away and run again"
    ]
    assert (small / "build" / "docs").read_text(encoding="utf-8") == "mine"


def test_links_planted_under_the_names_of_temporary_files_send_nothing_elsewhere(
    small: Path, run, tmp_path: Path
) -> None:
    """The names a run would use for its temporary files, as they could be foreseen (a
    process's id is the next free number): links there must not be written through."""
    assert run("build", "--root", small).code == 0
    _edit(small)
    victim = tmp_path / "victim"
    victim.mkdir()
    build = small / "build"
    pids = range(os.getpid(), os.getpid() + 300)  # this process, and the engine's, started next
    for pid in pids:
        for name in (state.HEAD, state.BODY):
            (build / f"{state_files.TEMP_PREFIX}{pid}-{name}").symlink_to(victim / f"{pid}-{name}")
        (build / f".tmp-{pid}-.summitry-engine.json").symlink_to(victim / f"{pid}-engine")
    for name in ("records-000.json", "pieces-000.json"):
        (build / state_parts.PARTS / f"{state_files.TEMP_PREFIX}{os.getpid()}-{name}").symlink_to(victim / name)
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert list(victim.iterdir()) == []
    kept = [build / state.HEAD, build / state.BODY, build / ".summitry-engine.json"]
    assert all(path.is_file() and not path.is_symlink() for path in kept)
    again = run("generate", "--root", small)  # the state kept is whole
    assert again.code == 0 and again.err == "", again.err


_RUN = "import sys; from builder.cli import main; sys.exit(main())"


@pytest.mark.parametrize("kind", ["a link to /dev/zero", "a named pipe"])
def test_a_key_that_is_no_file_is_never_read(small: Path, own_key: Path, kind: str) -> None:
    """It used to be read for ever; then every run was a full one for good. It is replaced
    by a key of this user's own, unread (the state is kept, and used by the next run)."""
    key = own_key / "summitry" / "state-key"
    key.parent.mkdir(parents=True)
    if kind == "a named pipe":
        os.mkfifo(key)
    else:
        key.symlink_to("/dev/zero")
    done = subprocess.run(
        [sys.executable, "-c", _RUN, "generate", "--root", str(small)],
        capture_output=True,
        text=True,
        timeout=120,  # it used to read for ever (or until memory ran out)
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert key.is_file() and not key.is_symlink() and len(key.read_bytes()) == 32
    assert (small / "build" / ".summitry-state.json").is_file()


@pytest.mark.parametrize(
    "listed",
    ['{"version":2,"files":' + DEEP + "}", '{"version":2,"files":{"a.md":[1' + "1" * 5000 + ',2,"x",3]}}'],
    ids=["nested deep", "a number of 5,000 digits"],
)
def test_a_list_of_written_files_past_what_json_reads_is_one_line(small: Path, run, listed: str) -> None:
    assert run("generate", "--root", small).code == 0
    _manifest(small).write_text(listed, encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0
    (line,) = result.err.splitlines()
    assert line.startswith(f"full run: {small / 'build/docs'} holds files and {MANIFEST} cannot be read (")
    assert (small / "build/unlisted-1" / MANIFEST).read_text(encoding="utf-8") == listed  # set aside, as it was


def test_a_state_whose_first_line_is_nested_deep_is_a_full_run(small: Path, run, tmp_path: Path) -> None:
    assert run("generate", "--root", small).code == 0
    (small / "build" / state.HEAD).write_text(DEEP + "\n{}", encoding="utf-8")
    _edit(small)
    result = run("generate", "--root", small)
    assert result.code == 0
    assert result.err == f"full run: {state.HEAD} is not a summitry state\n"
    assert _files(small / "build" / "docs") == _files(_from_nothing(small, run, tmp_path) / "build" / "docs")


def test_a_state_part_whose_first_line_is_nested_deep_is_written_again(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    part = small / "build" / state_parts.PARTS / "records-000.json"
    part.write_text(DEEP + "\n{}", encoding="utf-8")
    _edit(small)
    result = run("generate", "--root", small)
    assert result.code == 0 and result.err.startswith(f"full run: {state_parts.PARTS}/records-000.json "), result.err
    assert not part.read_text(encoding="utf-8").startswith("[")


def test_an_engine_state_nested_deep_and_signed_here_is_a_full_build(small: Path, run, tmp_path: Path) -> None:
    """Signed with this user's key (so read as far as its JSON): a full build, and the same site."""
    assert run("build", "--root", small).code == 0
    mac = keyed.sign(DEEP.encode())
    assert mac is not None
    (small / "build" / ".summitry-engine.json").write_text(f"{mac}\n{DEEP}", encoding="utf-8")
    with pytest.raises(site_state.NoState, match="is not JSON"):
        site_state.read(small / "build" / ".summitry-engine.json", "mkdocs")
    (small / "build" / ".summitry-site.json").write_text(DEEP, encoding="utf-8")  # the note of what was built
    _edit(small)
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert "Traceback" not in result.out + result.err
    assert _files(small / "site") == _files(_from_nothing(small, run, tmp_path, "build") / "site")


def test_a_site_that_is_a_link_to_nothing_is_replaced(small: Path, run, tmp_path: Path) -> None:
    (small / "site").symlink_to(tmp_path / "nowhere")
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert (small / "site").is_dir() and not (small / "site").is_symlink()
    assert not (tmp_path / "nowhere").exists()


def test_a_file_where_the_site_goes_is_left_and_named(small: Path, run) -> None:
    (small / "site").write_text("mine", encoding="utf-8")
    result = run("build", "--root", small)
    assert result.code != 0
    assert result.err.splitlines() == [
        f"error: {small / 'site'} is a file where summitry puts the site folder; move it away and build again"
    ]
    assert (small / "site").read_text(encoding="utf-8") == "mine"


def test_a_folder_where_the_state_goes_is_a_full_run_not_an_error(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    head = small / "build" / state.HEAD
    head.unlink()
    head.mkdir()
    _edit(small)
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    assert head.is_dir()  # not ours to remove


def test_a_link_to_nothing_where_a_page_goes_is_replaced(small: Path, run, tmp_path: Path) -> None:
    assert run("generate", "--root", small).code == 0
    page = small / "build" / "docs" / "index.md"
    page.unlink()
    page.symlink_to(tmp_path / "nowhere")
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    assert page.is_file() and not page.is_symlink()
    assert not (tmp_path / "nowhere").exists()
    again = run("generate", "--root", small)  # and the run after is a quiet one
    assert again.code == 0 and again.err == ""


def test_a_folder_where_a_page_goes_is_left_and_named(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    page = small / "build" / "docs" / "index.md"
    page.unlink()
    (page / "mine").mkdir(parents=True)  # no file in it: a file would be refused as someone else's first
    _edit(small)
    result = run("generate", "--root", small)
    assert result.code != 0
    assert result.err.splitlines() == [
        f"error: {page} is a folder where summitry writes a page; it never removes a folder it did not make: "
        "move it away and run again"
    ]
    assert (page / "mine").is_dir()


def _with_times_of(path: Path, info: os.stat_result) -> None:
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


def test_a_page_edited_in_place_with_its_time_set_back_is_made_again(small: Path, run, tmp_path: Path) -> None:
    assert run("generate", "--root", small).code == 0
    page = small / "build" / "docs" / "index.md"
    info = page.stat()
    text = page.read_bytes()
    page.write_bytes(text[:-8] + b"spoiled\n")  # the same size
    _with_times_of(page, info)
    assert page.stat().st_size == info.st_size and page.stat().st_mtime_ns == info.st_mtime_ns
    assert run("generate", "--root", small).code == 0
    assert page.read_bytes() == text


def test_a_site_file_swapped_for_a_link_with_its_times_set_back_is_not_kept(small: Path, run, tmp_path: Path) -> None:
    assert run("build", "--root", small).code == 0
    _edit(small)
    assert run("build", "--root", small).code == 0  # which sets aside the site it replaced, for the next
    site = small / "site"
    page = site / "data" / "sources.csv"  # which the edits leave as it is
    assert 300 < page.stat().st_size < 3000
    info = page.lstat()
    # a link's size is the length of what it names: one as long as the file, to a copy of it
    base, name = f"{tmp_path}/", "outside"
    pad = info.st_size - len(base) - len(name)
    outside = Path(base + "x" * (pad % 2) + name)
    outside.write_bytes(page.read_bytes())
    _with_times_of(outside, info)
    target = base + "./" * (pad // 2) + "x" * (pad % 2) + name
    page.unlink()
    page.symlink_to(target)
    _with_times_of(page, info)
    assert page.lstat().st_size == info.st_size and page.lstat().st_mtime_ns == info.st_mtime_ns
    _edit(small)  # "Edited Edited"
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert not page.is_symlink() and page.stat().st_ino != outside.stat().st_ino  # nor a hard link to it
    assert _files(small / "site") == _files(_from_nothing(small, run, tmp_path, "build") / "site")


def test_a_folder_where_the_note_of_the_built_site_goes_is_left_and_the_build_done(small: Path, run) -> None:
    assert run("build", "--root", small).code == 0
    note = small / "build" / ".summitry-site.json"
    note.unlink()
    note.mkdir()
    (note / "mine").write_text("kept", encoding="utf-8")
    _edit(small)
    result = run("build", "--root", small)
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert (note / "mine").read_text(encoding="utf-8") == "kept"
    assert "Edited" in (small / "site" / "meetings" / "2020-03-03-riverton-talks" / "index.html").read_text()


@pytest.mark.parametrize(
    "planted",
    [
        f"build/{scratch.WRITES}evil/{scratch.MARKER}",  # a marker naming a process no system has
        f"build/{scratch.WRITES}evil/{scratch.MARKER}.99999999999",  # the marker its process was writing
        f".summitry-site-evil/{scratch.MARKER}",  # beside the site
        f"build/{state_files.TEMP_PREFIX}99999999999-x",  # a state file a save left
        f"build/{state_files.TEMP_PREFIX}\N{SUPERSCRIPT TWO}-x",  # a digit to str.isdigit, not to int()
        f"build/{scratch.WRITES}zero/{scratch.MARKER}",  # process 0: the caller's process group
    ],
)
def test_a_left_over_naming_a_process_no_system_has_is_left_alone(small: Path, run, planted: str) -> None:
    assert run("build", "--root", small).code == 0
    path = small / planted
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{0 if 'zero' in planted else 99999999999} {socket.gethostname()}\n", encoding="utf-8")
    _edit(small)  # so the state is saved, and its folder swept
    result = run("build", "--root", small)
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert path.exists()  # no telling whose it is: left as it was


def test_a_state_file_planted_too_large_is_not_read(small: Path, run) -> None:
    """Sparse, so it costs no disk: it used to be read whole (2 GB) before its first line."""
    assert run("build", "--root", small).code == 0
    for name in (state.HEAD, ".summitry-engine.json"):
        path = small / "build" / name
        path.unlink()
        with path.open("wb") as handle:
            handle.truncate(state_files.STATE_AT_MOST + 1)
    result = run("build", "--root", small)
    assert result.code == 0 and "Traceback" not in result.err, result.err[-2000:]
    assert f"full run: {state.HEAD} is larger than a state can be" in result.err


def test_an_empty_folder_planted_in_the_site_is_seen(small: Path, run, tmp_path: Path) -> None:
    assert run("build", "--root", small).code == 0
    (small / "site" / "evil" / "deeper").mkdir(parents=True)
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert "A full build: the site folder is not as the last build left it" in result.err
    assert not (small / "site" / "evil").exists()
    assert _files(small / "site") == _files(_from_nothing(small, run, tmp_path, "build") / "site")


@pytest.mark.parametrize("how", ["in place", "swapped in"])
def test_a_site_file_changed_to_the_same_size_with_its_time_set_back_is_seen(
    small: Path, run, tmp_path: Path, how: str
) -> None:
    """Only its bytes tell: the next build reads every file of the site while generate runs."""
    assert run("build", "--root", small).code == 0
    page = small / "site" / "contributing" / "index.html"  # which the edit below does not render again
    info = page.stat()
    data = page.read_bytes()
    assert b"<h1" in data
    spoiled = data.replace(b"<h1", b"<h7", 1)
    if how == "in place":
        with page.open("r+b") as handle:
            handle.write(spoiled)
    else:
        other = small / "site" / "contributing" / "other.tmp"
        other.write_bytes(spoiled)
        other.replace(page)
    _with_times_of(page, info)
    assert page.stat().st_size == info.st_size and page.stat().st_mtime_ns == info.st_mtime_ns
    meeting = small / MEETING  # an edit no title shows: a build upon the last site, were it not seen
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("No agreement", "No accord"), encoding="utf-8")
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    assert _files(small / "site") == _files(_from_nothing(small, run, tmp_path, "build") / "site")
    assert "A full build: contributing/index.html in the site is not as the last build left it" in result.err


def test_a_list_signed_here_for_another_output_removes_no_file_of_someone_else(
    small: Path, run, tmp_path: Path
) -> None:
    """A list of written files signed by this user's summitry, but for another knowledge base
    (or put back from an earlier run): a file at a path it lists that holds something else
    is not removed, and the run says which."""
    other = tmp_path / "other"
    shutil.copytree(small, other)
    extra = other / "content/meetings/2023-07-03-extra-talks.yaml"
    extra.write_text((small / MEETING).read_text(encoding="utf-8").replace("2020-03-0", "2023-07-0"), "utf-8")
    assert run("generate", "--root", other).code == 0
    assert run("generate", "--root", small).code == 0
    mine = small / "build/docs/meetings/2023-07-03-extra-talks.md"
    assert (other / "build/docs/meetings/2023-07-03-extra-talks.md").is_file() and not mine.exists()
    mine.write_text("my own notes", encoding="utf-8")
    shutil.copy(_manifest(other), _manifest(small))
    result = run("generate", "--root", small)
    assert result.code != 0 and "Traceback" not in result.err
    assert "(meetings/2023-07-03-extra-talks.md) that this run would remove, which do not hold what" in result.err
    assert mine.read_text(encoding="utf-8") == "my own notes"


def test_a_page_changed_by_hand_is_not_removed_with_its_record(small: Path, run, tmp_path: Path) -> None:
    """build/docs is the builder's, but a page someone changed there is no longer what it
    wrote: deleting its record does not delete their change; moved away, the run goes on."""
    assert run("generate", "--root", small).code == 0
    page = small / "build/docs/meetings/2020-03-03-riverton-talks.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    (small / MEETING).unlink()
    result = run("generate", "--root", small)
    assert result.code != 0 and "(meetings/2020-03-03-riverton-talks.md) that this run would remove" in result.err
    assert page.read_text(encoding="utf-8").endswith("\nmy note\n")
    page.rename(tmp_path / "kept.md")
    assert run("generate", "--root", small).code == 0
    assert _files(small / "build" / "docs") == _files(_from_nothing(small, run, tmp_path) / "build" / "docs")
