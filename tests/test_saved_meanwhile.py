"""A file saved while a run reads the inputs, then put back as it was (an undo): the run
after that shows the file as it is, in generate and in summitry serve's held site.

A run sums the inputs up before it reads them. Kept under the digest of what the scan saw,
a record saved in between would, once put back, look unchanged to every later run, and its
pages would show the undone text for good (found by a helper, with a pause injected between
the scan and the read, and without one by chance on the second try)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builder import pipeline
from builder.pipeline import Project, generate
from builder.records import load
from builder.resident import Resident

MEETING = "content/meetings/2020-03-03-riverton-talks.yaml"
PAGE = "build/docs/meetings/2020-03-03-riverton-talks.md"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _as_from_nothing(root: Path, scratch: Path) -> None:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("build", "site"))
    generate(Project(scratch), workers=1)
    assert _tree(root / "build" / "docs") == _tree(scratch / "build" / "docs")


def _title(root: Path) -> str:
    return next(line for line in (root / MEETING).read_text("utf-8").splitlines() if line.startswith("title: "))


def _retitled(root: Path, title: str) -> None:
    path = root / MEETING
    path.write_text(path.read_text("utf-8").replace(_title(root), f"title: {title}"), encoding="utf-8")


def _saving_first(module: Any, monkeypatch: pytest.MonkeyPatch, save: Callable[[], None]) -> None:
    """``module``'s load_file saves the meeting (``save``) just before it first reads it."""
    read = module.load_file

    def load_file(root: Path, path: Path, kind: str) -> Any:
        if path.name == Path(MEETING).name and not done:
            done.append(True)
            save()
        return read(root, path, kind)

    done: list[bool] = []
    monkeypatch.setattr(module, "load_file", load_file)


@pytest.mark.parametrize("first", ["from nothing", "after an edit"])
def test_a_record_saved_during_a_generate_run_then_put_back(small: Path, tmp_path: Path, monkeypatch, first) -> None:
    if first == "after an edit":
        generate(Project(small), workers=1)
        _retitled(small, "Riverton meeting")  # the run reads this file alone
    module = load if first == "from nothing" else pipeline
    scanned = (small / MEETING).read_bytes()
    with monkeypatch.context() as patched:
        _saving_first(module, patched, lambda: _retitled(small, "Saved meanwhile"))
        generate(Project(small), workers=1)
    assert "Saved meanwhile" in (small / PAGE).read_text("utf-8")  # what was read is shown
    (small / MEETING).write_bytes(scanned)  # put back as the scan saw it
    generate(Project(small), workers=1)
    assert "Saved meanwhile" not in (small / PAGE).read_text("utf-8")
    _as_from_nothing(small, tmp_path / "clean")


def test_a_record_saved_during_a_serve_update_then_put_back(small: Path, tmp_path: Path, monkeypatch) -> None:
    module = pipeline  # serve reads records as generate does (pipeline.read_records)
    held = Resident(Project(small))
    held.start(workers=1)
    _retitled(small, "Riverton meeting")
    with monkeypatch.context() as patched:
        _saving_first(module, patched, lambda: _retitled(small, "Saved meanwhile"))
        held.update(None, {MEETING})
    assert "Saved meanwhile" in (small / PAGE).read_text("utf-8")
    _retitled(small, "Riverton meeting")
    held.update(None, {MEETING})  # as the file events name it
    assert "Saved meanwhile" not in (small / PAGE).read_text("utf-8")
    held.close()
    _as_from_nothing(small, tmp_path / "clean")


def test_a_hand_written_page_saved_during_a_run_then_put_back(small: Path, tmp_path: Path, monkeypatch) -> None:
    """Not a record: its file is not parsed where the run could take its digest, so a run
    that finds it changed since the scan has the next run read it again."""
    page = small / "content/pages/index.md"
    before = page.read_text("utf-8")
    generate(Project(small), workers=1)
    _retitled(small, "Riverton meeting")  # something for the run to do
    analyse = pipeline.analyse

    def saving(*args: Any, **kwargs: Any) -> Any:
        page.write_text(before + "\nSaved meanwhile.\n", encoding="utf-8")
        return analyse(*args, **kwargs)

    notes: list[str] = []
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "analyse", saving)
        generate(Project(small), workers=1, note=notes.append)
    assert notes == ["content/pages/index.md changed while this run read it: the next run reads it again"]
    assert "Saved meanwhile." in (small / "build/docs/index.md").read_text("utf-8")
    page.write_text(before, encoding="utf-8")
    generate(Project(small), workers=1, note=notes.append)
    assert notes[1].startswith("full run: the archived texts and hand-written pages changed"), notes
    _as_from_nothing(small, tmp_path / "clean")


def _moving_first(module: Any, name: str, monkeypatch: pytest.MonkeyPatch, move: Callable[[], None]) -> None:
    """``module``'s function ``name`` does ``move`` before its first call."""
    work = getattr(module, name)

    def moving(*args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            move()
        return work(*args, **kwargs)

    done: list[bool] = []
    monkeypatch.setattr(module, name, moving)


@pytest.mark.parametrize("first", ["from nothing", "after an edit"])
def test_a_record_moved_away_during_a_run_then_back(small: Path, tmp_path: Path, monkeypatch, first) -> None:
    """Gone when the run came to read it: no record, no traceback (one reading it alone ended
    in FileNotFoundError), and back as it was, read by the next run (from nothing, its pages
    were left missing for good)."""
    aside = tmp_path / "aside.yaml"
    if first == "after an edit":
        generate(Project(small), workers=1)
        _retitled(small, "Riverton meeting")  # the run reads this file alone
    where = (pipeline, "load_all" if first == "from nothing" else "load_file")
    with monkeypatch.context() as patched:
        _moving_first(*where, patched, lambda: (small / MEETING).rename(aside))
        generate(Project(small), workers=1)
    assert not (small / PAGE).exists()
    aside.rename(small / MEETING)
    generate(Project(small), workers=1)
    assert "Riverton" in (small / PAGE).read_text("utf-8")
    _as_from_nothing(small, tmp_path / "clean")


def test_a_record_moved_away_during_a_serve_update_then_back(small: Path, tmp_path: Path, monkeypatch) -> None:
    module = pipeline  # serve reads records as generate does (pipeline.read_records)
    aside = tmp_path / "aside.yaml"
    held = Resident(Project(small))
    held.start(workers=1)
    _retitled(small, "Riverton meeting")
    with monkeypatch.context() as patched:
        _moving_first(module, "load_file", patched, lambda: (small / MEETING).rename(aside))
        held.update(None, {MEETING})
    assert not (small / PAGE).exists()
    aside.rename(small / MEETING)
    held.update(None, {MEETING})
    assert "Riverton meeting" in (small / PAGE).read_text("utf-8")
    held.close()
    _as_from_nothing(small, tmp_path / "clean")


def test_a_hand_written_page_made_during_a_run_then_removed(small: Path, tmp_path: Path, monkeypatch) -> None:
    """The scan did not see it, the run may have copied it: the next run reads the pages again."""
    page = small / "content/pages/new.md"
    generate(Project(small), workers=1)
    _retitled(small, "Riverton meeting")
    notes: list[str] = []
    with monkeypatch.context() as patched:
        _moving_first(pipeline, "analyse", patched, lambda: page.write_text("# New\n", encoding="utf-8"))
        generate(Project(small), workers=1, note=notes.append)
    assert notes == ["content/pages/new.md changed while this run read it: the next run reads it again"]
    page.unlink()
    generate(Project(small), workers=1, note=notes.append)
    assert not (small / "build/docs/new.md").exists()
    _as_from_nothing(small, tmp_path / "clean")


def test_a_fault_in_an_update_is_said_once_and_serving_goes_on(small: Path, monkeypatch, capsys) -> None:
    """An exception the builder did not mean (one was FileNotFoundError, above) ended the
    watcher's thread: serve went on serving and never updated again."""
    from builder import serve

    held = Resident(Project(small))
    held.start(workers=1)
    notes: list[str] = []
    tell = serve.Tell(warn=lambda p: None, note=notes.append, refused=lambda e: None)
    update = Resident._update

    def faulty(self: Resident, *args: Any) -> Any:
        raise RuntimeError("a fault of ours")

    with monkeypatch.context() as patched:
        patched.setattr(Resident, "_update", faulty)
        _retitled(small, "Riverton meeting")
        assert serve._update(held, lambda paths: None, tell, None) == (True, True)
        assert "RuntimeError: a fault of ours" in capsys.readouterr().err
        assert notes == ["This update failed (a fault in summitry, above); the site shows the last good version."]
        patched.setattr(Resident, "_update", update)
        assert serve._update(held, lambda paths: None, tell, None, recovering=True) == (False, True)  # not again
    _retitled(small, "Riverton meeting")  # saved again
    assert serve._update(held, lambda paths: None, tell, None, recovering=True) == (True, False)
    assert "Riverton meeting" in (small / PAGE).read_text("utf-8")
    held.close()


def test_a_hand_written_page_removed_during_a_run_is_told_once(small: Path, tmp_path: Path, monkeypatch) -> None:
    page = small / "content/pages/index.md"
    aside = tmp_path / "index.md"
    generate(Project(small), workers=1)
    _retitled(small, "Riverton meeting")
    notes: list[str] = []
    with monkeypatch.context() as patched:
        _moving_first(pipeline, "analyse", patched, lambda: page.rename(aside))
        generate(Project(small), workers=1, note=notes.append)
    assert notes == ["content/pages/index.md changed while this run read it: the next run reads it again"]
    aside.rename(page)
    generate(Project(small), workers=1)
    _as_from_nothing(small, tmp_path / "clean")
