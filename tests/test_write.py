"""The writer rewrites only what changed, removes only what it wrote, and refuses the rest."""

from __future__ import annotations

import os
from pathlib import Path

from builder.write import MANIFEST


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
    # and in the JSON export of every record.
    assert changed == ["data/summitry.json", "leaders/gamma.md"]


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


def test_foreign_file_in_the_way_of_a_page_is_not_overwritten(small: Path, run) -> None:
    target = small / "build" / "docs" / "leaders" / "alpha.md"
    target.parent.mkdir(parents=True)
    target.write_text("hand-written")
    result = run("generate", "--root", small)
    assert result.code == 1
    assert target.read_text() == "hand-written"
    assert not (small / "build" / MANIFEST).exists()


def test_interrupted_run_leaves_no_partial_page_and_recovers(small: Path, run, monkeypatch) -> None:
    import builder.write as write

    calls = {"n": 0}
    real = write._atomic_write

    def flaky(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(write, "_atomic_write", flaky)
    try:
        run("generate", "--root", small)
    except KeyboardInterrupt:
        pass
    docs = small / "build" / "docs"
    assert not [p for p in docs.rglob(".tmp-*")]
    monkeypatch.setattr(write, "_atomic_write", real)
    # The manifest knew every page before any was written, so the next run may replace them.
    assert run("generate", "--root", small).code == 0


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
