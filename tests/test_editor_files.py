"""Editors' own files beside the records (locks, swap files, backups) are not records or pages."""

from __future__ import annotations

from pathlib import Path

from builder.incremental.inputs import fingerprint

COUNTS = "ok: 3 leaders, 3 meetings, 2 issues, 2 sources, 3 relations\n"


def _editing(root: Path) -> list[Path]:
    """What Emacs, vim and others keep beside leaders/alpha.yaml and the home page while editing them."""
    leaders, pages = root / "leaders", root / "content" / "pages"
    lock = leaders / ".#alpha.yaml"
    lock.symlink_to("editor@host.4242:1700000000")  # Emacs' lock: a link to nowhere
    made = [lock]
    for folder, name in [
        (leaders, ".alpha.yaml.swp"),
        (leaders, "#alpha.yaml#"),
        (leaders, "alpha.yaml~"),
        (leaders, ".draft.yaml"),
        (leaders, "alpha.yaml___jb_tmp___"),
        (pages, ".index.md.swp"),
        (pages, "index.md~"),
        (pages, "#index.md#"),
    ]:
        (folder / name).write_text("half-typed: [\n")
        made.append(folder / name)
    return made


def test_check_and_generate_pass_while_a_record_is_being_edited(small: Path, run) -> None:
    _editing(small)
    result = run("check", "--root", small)
    assert (result.code, result.err, result.out) == (0, "", COUNTS)
    assert run("generate", "--root", small).code == 0
    docs = small / "build" / "docs"
    assert sorted(p.name for p in docs.iterdir() if p.is_file()) == [
        "contributing.md",
        "index.md",
        "timeline.md",
    ]


def test_an_editor_at_work_does_not_start_a_rebuild(small: Path) -> None:
    before = fingerprint(small)
    made = _editing(small)
    assert fingerprint(small) == before
    for path in made:
        path.unlink()
    (small / "leaders" / "alpha.yaml").write_text((small / "leaders" / "alpha.yaml").read_text() + "\n")
    assert fingerprint(small) != before  # the watcher still sees the save itself
