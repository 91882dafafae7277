"""The writer rewrites only what changed, removes only what it wrote, and refuses the rest."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from builder.incremental.manifest import MANIFEST
from builder.render.search_index import FOLDER, SEARCH_FILES


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _age(folder: Path) -> None:
    """Set every file's mtime far in the past, so a rewrite cannot go unnoticed."""
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def test_second_run_writes_nothing(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    docs = small / "build" / "docs"
    _age(docs)
    before = _mtimes(docs)
    result = run("generate", "--root", small)
    assert result.out == f"generated build/docs: 0 written, {len(before)} unchanged, 0 removed\n"
    assert _mtimes(docs) == before


def test_edit_rewrites_only_pages_that_show_the_change(small: Path, run) -> None:
    run("generate", "--root", small)
    docs = small / "build" / "docs"
    _age(docs)
    path = small / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
    run("generate", "--root", small)
    changed = sorted(rel for rel, t in _mtimes(docs).items() if t != 1_000_000_000)
    # Gamma's summary shows only on Gamma's own page (and as its description there),
    # and in the JSON and the leaders' CSV.
    assert [rel for rel in changed if not rel.startswith(FOLDER)] == [
        "data/leaders.csv",
        "data/summitry.json",
        "leaders/gamma.md",
    ]
    # and in the search index: the files of its words, and those that show its description
    search = [rel for rel in changed if rel.startswith(FOLDER)]
    assert search and len(search) < len(SEARCH_FILES) / 10
    assert all('"leaders/gamma/"' in (docs / rel).read_text(encoding="utf-8") for rel in search)


def test_deleted_record_removes_its_page(small: Path, run) -> None:
    run("generate", "--root", small)
    (small / "content" / "issues" / "trade.yaml").unlink()
    meeting = small / "content" / "meetings" / "2022-05-three-way-summit.yaml"
    meeting.write_text(meeting.read_text().replace("[water-rights, trade]", "[water-rights]"))
    water = small / "content" / "issues" / "water-rights.yaml"
    water.write_text(water.read_text().replace("related: [trade]\n", ""))
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    assert result.out.endswith("1 removed\n")
    assert not (small / "build" / "docs" / "issues" / "trade.md").exists()


def test_foreign_file_is_never_touched(small: Path, run) -> None:
    run("generate", "--root", small)
    foreign = small / "build" / "docs" / "notes.md"
    foreign.write_text("mine")
    result = run("generate", "--root", small)
    assert result.code == 1
    assert "holds files summitry did not write (notes.md)" in result.err
    assert foreign.read_text() == "mine"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("spoil", ["removed", "damaged", "a folder", "a name changed", "no list in it"])
def test_pages_left_without_their_list_are_set_aside_whole_and_made_again(small: Path, run, spoil: str) -> None:
    """The list of written files removed by hand (a helper did), damaged, or not a file: no
    file in build/docs is known to be summitry's, so none may be left as a page or removed.
    The run stopped until build/docs was removed by hand; now the folder is moved aside as
    it is, and every page is made again: a full run, said in one line, and nothing lost.
    So with a list that still parses but that summitry did not sign and that leaves out a
    file there (a helper changed one letter of a name): every run stopped, with exit 1."""
    assert run("generate", "--root", small).code == 0
    build = small / "build"
    (build / "docs" / "notes.md").write_text("mine", encoding="utf-8")  # not summitry's, and kept
    before = _files(build / "docs")
    listed = build / MANIFEST
    if spoil == "removed":
        listed.unlink()
    elif spoil == "damaged":
        listed.write_bytes(b"\x00not a list")
    elif spoil == "a name changed":
        listed.write_text(listed.read_text(encoding="utf-8").replace('.md"', '.mD"', 1), encoding="utf-8")
    elif spoil == "no list in it":
        listed.write_bytes(b"0123\n{}\n")
    else:
        listed.unlink()
        listed.mkdir()
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    why = {"removed": "is missing", "damaged": "cannot be read (", "a folder": "cannot be read ("}.get(
        spoil, "is not signed by summitry here and does not list "
    )  # and why not
    assert result.err.startswith(f"full run: {build / 'docs'} holds files and {MANIFEST} {why}")
    assert result.err.endswith(
        ", so none of them is known to be summitry's: the folder is moved, whole, to "
        f"{build / 'unlisted-1'}, where nothing is removed (delete it once you have what you need from it)\n"
    )
    assert len(result.err.splitlines()) == 1
    assert _files(build / "unlisted-1" / "docs") == before
    assert (build / "unlisted-1" / MANIFEST).exists() is (spoil != "removed")
    made = _files(build / "docs")
    assert made == {rel: data for rel, data in before.items() if rel != "notes.md"}
    again = run("generate", "--root", small)
    assert (again.code, again.err) == (0, "") and again.out.endswith(" 0 written, 363 unchanged, 0 removed\n")
    listed.unlink()  # once more: the next free name, never over the first
    assert run("generate", "--root", small).code == 0
    assert _files(build / "unlisted-1" / "docs") == before and _files(build / "unlisted-2" / "docs") == made


def test_foreign_file_in_the_way_of_a_page_is_not_overwritten(small: Path, run) -> None:
    """Before any run (no list of written files), a file where a page goes: set aside with
    its folder, never overwritten."""
    target = small / "build" / "docs" / "leaders" / "alpha.md"
    target.parent.mkdir(parents=True)
    target.write_text("hand-written")
    result = run("generate", "--root", small)
    assert result.code == 0 and "the folder is moved, whole, to" in result.err
    assert (small / "build/unlisted-1/docs/leaders/alpha.md").read_text() == "hand-written"
    assert target.read_text() != "hand-written"  # the page, made into an empty folder


def test_interrupted_run_recovers(small: Path, run, monkeypatch) -> None:
    import builder.incremental.output as write

    calls = {"n": 0}
    real = write.Output.put

    def flaky(self: write.Output, rel: str, data: bytes) -> write.Put:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real(self, rel, data)

    monkeypatch.setattr(write.Output, "put", flaky)
    with pytest.raises(KeyboardInterrupt):
        run("generate", "--root", small)
    monkeypatch.setattr(write.Output, "put", real)
    # The manifest knew every page before any was written, so the next run may finish them.
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    fresh = small.parent / "fresh"
    shutil.copytree(small, fresh, ignore=shutil.ignore_patterns("build"))
    assert run("generate", "--root", fresh).code == 0
    assert _contents(small / "build" / "docs") == _contents(fresh / "build" / "docs")


def test_interrupted_rewrite_leaves_the_old_page_whole(small: Path, run, monkeypatch) -> None:
    run("generate", "--root", small)
    page = small / "build" / "docs" / "leaders" / "gamma.md"
    before = page.read_bytes()
    path = small / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))

    def cut(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", cut)
    with pytest.raises(KeyboardInterrupt):
        run("generate", "--root", small)
    assert page.read_bytes() == before
    assert not list(page.parent.glob(".tmp-*"))


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_unchanged_inputs_skip_the_run(small: Path, run, monkeypatch) -> None:
    import builder.pipeline as pipeline

    assert run("generate", "--root", small).code == 0
    docs = small / "build" / "docs"
    before = _mtimes(docs)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the records were read again although nothing changed")

    monkeypatch.setattr(pipeline, "check", never)
    result = run("generate", "--root", small)
    assert result.out == f"generated build/docs: 0 written, {len(before)} unchanged, 0 removed\n"
    assert _mtimes(docs) == before


def test_a_file_no_run_reads_in_a_folder_of_records_is_no_change(small: Path, run) -> None:
    """Notes, a merge's leftover or an old folder beside the meetings: check reads none of
    them, so they are no reason for a full run (each was one, named as an archived text or
    a hand-written page changing). A name check does read, '.yml', is still a change."""
    assert run("generate", "--root", small).code == 0
    meetings = small / "content" / "meetings"
    (meetings / "NOTES.txt").write_text("to do", encoding="utf-8")
    (meetings / "2021-brief-call.yaml.orig").write_text("title: old", encoding="utf-8")
    (meetings / "old").mkdir()
    (meetings / "old" / "2019-x.yaml").write_text("title: older", encoding="utf-8")
    (small / "leaders" / "README").write_text("leaders", encoding="utf-8")
    result = run("generate", "--root", small)
    assert (result.code, result.err) == (0, "") and " 0 written, " in result.out, result.out
    assert run("check", "--root", small).code == 0  # as check sees them: not there
    (meetings / "stray.yml").write_text("title: x", encoding="utf-8")
    result = run("generate", "--root", small)  # check refuses it: so does generate
    assert result.code == 1 and "records end in '.yaml', not '.yml'" in result.err, result.err


def test_a_changed_input_or_output_is_noticed(small: Path, run) -> None:
    run("generate", "--root", small)
    docs = small / "build" / "docs"
    # a page deleted or altered by hand is made again
    (docs / "leaders" / "alpha.md").unlink()
    (docs / "leaders" / "beta.md").write_text("scribbled")
    assert run("generate", "--root", small).out.startswith("generated build/docs: 2 written,")
    # an edit that keeps the size is seen by its time stamp
    path = small / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks in 2023."))
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)
    index = _index(docs)
    out = run("generate", "--root", small).out
    assert out.startswith(f"generated build/docs: {3 + _changed(index, docs)} written,")  # page, JSON, CSV
    # so is a hand-written page and an archived text
    home = small / "content" / "pages" / "index.md"
    home.write_text(home.read_text() + "\nOne more line.\n")
    index = _index(docs)
    out = run("generate", "--root", small).out
    assert out.startswith(f"generated build/docs: {1 + _changed(index, docs)} written,")


def _index(docs: Path) -> dict[str, bytes]:
    return {rel: (docs / rel).read_bytes() for rel in SEARCH_FILES}


def _changed(index: dict[str, bytes], docs: Path) -> int:
    """How many files of the search index changed since ``index`` (the words of an edit's page)."""
    changed = sum(data != (docs / rel).read_bytes() for rel, data in index.items())
    assert changed < len(SEARCH_FILES) / 10
    return changed


def test_warnings_are_told_again_when_the_run_is_skipped(small: Path, run) -> None:
    alpha = small / "leaders" / "alpha.yaml"
    alpha.write_text(alpha.read_text() + "aliases: [ada]\n")
    meeting = small / "content" / "meetings" / "2020-03-03-riverton-talks.yaml"
    assert "participants: [alpha," in meeting.read_text()
    meeting.write_text(meeting.read_text().replace("participants: [alpha,", "participants: [ada,", 1))
    first = run("generate", "--root", small)
    assert first.code == 0 and "warning:" in first.err, first.err
    second = run("generate", "--root", small)
    assert second.out.startswith("generated build/docs: 0 written,")
    assert second.err == first.err


def test_workers_make_the_same_pages(small: Path, run, monkeypatch) -> None:
    import builder.incremental.workers as jobs

    monkeypatch.setattr(jobs, "PARALLEL_FROM", 1)
    monkeypatch.setattr(jobs, "CHUNK", 3)
    monkeypatch.setattr(jobs, "_forkable", lambda: True)  # the browser tests' server thread may be running
    pools = []
    real = jobs.multiprocessing.get_context
    monkeypatch.setattr(jobs.multiprocessing, "get_context", lambda method: pools.append(method) or real(method))
    one = small.parent / "one"
    shutil.copytree(small, one)
    assert run("generate", "--root", one, "--jobs", "1").code == 0
    assert run("generate", "--root", small, "--jobs", "2").code == 0
    assert pools == ["fork"]  # only the second run forked workers
    assert _contents(small / "build" / "docs") == _contents(one / "build" / "docs")


def test_advice_given_while_workers_render_is_told_and_kept(small: Path, run, monkeypatch) -> None:
    """A run with workers gives its advice in this process while they render: the same
    lines as check, after the pages, and told again by a run that has nothing to do."""
    import builder.incremental.workers as jobs
    from tests.test_advice import ADVICE, TRADE

    monkeypatch.setattr(jobs, "PARALLEL_FROM", 1)
    monkeypatch.setattr(jobs, "CHUNK", 3)
    monkeypatch.setattr(jobs, "_forkable", lambda: True)
    given: list[int] = []  # how many workers were busy when the advice was given
    real = jobs.run

    def run_jobs(*args, meanwhile=None, **kwargs):
        def counted() -> None:
            given.append(len(jobs.multiprocessing.active_children()))
            meanwhile()

        return real(*args, meanwhile=counted if meanwhile else None, **kwargs)

    monkeypatch.setattr("builder.incremental.rerender.run_jobs", run_jobs)
    (small / "content/issues/trade.yaml").write_text(TRADE)
    first = run("generate", "--root", small, "--jobs", "2")
    assert first.code == 0 and first.err.splitlines() == ADVICE
    assert given == [2]
    again = run("generate", "--root", small, "--jobs", "2")
    assert again.out.startswith("generated build/docs: 0 written,") and again.err == first.err


def test_generate_writes_only_inside_build(small: Path, run) -> None:
    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            p.relative_to(small).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in small.rglob("*")
            if p.is_file() and not p.relative_to(small).as_posix().startswith("build/")
        }

    before = snapshot()
    assert run("generate", "--root", small).code == 0
    assert snapshot() == before
    written = {p.relative_to(small).parts[0] for p in small.rglob("*") if p.is_file()} - {"build"}
    assert written == {"content", "leaders", "mkdocs.yml"}


def test_a_page_of_ours_that_cannot_be_read_is_written_again(small: Path, run, monkeypatch) -> None:
    """A page whose stamp no longer vouches for it is read to be compared; one that cannot be
    read (no permission; tests run as root, so the refusal is made by hand) is written whole
    again rather than ending the run in "cannot write"."""
    assert run("generate", "--root", small).code == 0
    page = small / "build/docs/meetings/2021-brief-call.md"
    made = page.read_bytes()
    os.utime(page, ns=(0, 0))  # its time is not the one written: it must be read
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == page:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert page.read_bytes() == made and page.stat().st_mtime_ns != 0
