"""The site summitry serve holds between saves (builder.resident), without a server: what an
update renders, that no save is lost, and what it leaves for the next generate run.

The random edits of tests/test_incremental.py hold it to a run from nothing; these are the
cases a person runs into, each named."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import commit_all, replaced

from builder.errors import SummitryError, ValidationFailed, WriteRefused
from builder.incremental import state
from builder.pipeline import Project, generate
from builder.render.search_index import FOLDER
from builder.resident import Resident


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _from_nothing(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("build", "site"))
    generate(Project(scratch), workers=1)
    return _tree(scratch / "build" / "docs")


@pytest.fixture
def held(shipped: Path) -> Resident:
    resident = Resident(Project(shipped))
    resident.start(workers=1)
    return resident


def test_a_retitle_renders_the_pages_that_show_it_and_no_other(held: Resident, shipped: Path) -> None:
    told = []
    replaced(shipped / "content/meetings/2018-helsinki-summit.yaml", "title: Helsinki summit", "title: Helsinki talks")
    report = held.update(told.append, {"content/meetings/2018-helsinki-summit.yaml"})
    assert report is not None
    docs = shipped / "build" / "docs"
    showing = {p for p in _tree(docs) if p.endswith(".md") and "Helsinki talks" in (docs / p).read_text("utf-8")}
    assert set(told[0].written) == showing  # the pages, told before the exports are made
    assert "relations/biden-putin.md" not in report.rendered
    # not the calendar: a meeting known only to the year is not in it
    search = {rel for rel in report.written if rel.startswith(FOLDER)}
    assert set(report.written) - showing - search == {
        f"data/{n}" for n in ("meetings.atom", "meetings.csv", "summitry.json")
    }
    # the search index: the files of the new word and of the words whose best pages show the title
    assert search and all("Helsinki talks" in (docs / rel).read_text("utf-8") for rel in search)
    assert held.update() is None  # nothing changed since


def test_no_save_is_lost_while_a_record_has_an_error(held: Resident, shipped: Path, tmp_path: Path) -> None:
    biden = shipped / "leaders/biden.yaml"
    replaced(biden, "country: United States", "country: United States\ncolour: blue")
    with pytest.raises(ValidationFailed) as refused:
        held.update()
    assert [str(p) for p in refused.value.problems] == [
        "leaders/biden.yaml:4:1: leader 'biden': field 'colour': unknown field 'colour' (did you mean 'country'?)"
    ]
    # Saved while the error stands: held back with it, not lost.
    replaced(shipped / "content/meetings/2018-helsinki-summit.yaml", "title: Helsinki summit", "title: Helsinki talks")
    with pytest.raises(ValidationFailed):
        held.update()
    assert "Helsinki talks" not in (shipped / "build/docs/meetings/2018-helsinki-summit.md").read_text("utf-8")
    assert held.update() is None  # the files as refused: checked and said once, not at every look
    # A save the file events name, while another file still has the error: it is refused too.
    replaced(shipped / "content/meetings/2018-helsinki-summit.yaml", "Helsinki talks", "Helsinki meeting")
    with pytest.raises(ValidationFailed):
        held.update(paths=["content/meetings/2018-helsinki-summit.yaml"])
    replaced(biden, "\ncolour: blue", "")
    assert held.update(paths=["leaders/biden.yaml"]) is not None
    assert _tree(shipped / "build" / "docs") == _from_nothing(shipped, tmp_path / "fresh")


def test_files_put_back_as_they_were_make_the_site_whole_again(held: Resident, shipped: Path) -> None:
    biden = shipped / "leaders/biden.yaml"
    good = biden.read_bytes()
    replaced(biden, "country: United States", "country: United States\ncolour: blue")
    with pytest.raises(ValidationFailed):
        held.update()
    biden.write_bytes(good)
    report = held.update()  # the site held is the files' again: an update that writes nothing
    assert report is not None and report.written == report.removed == ()
    assert held.update() is None


def test_a_refusal_no_record_explains_is_said_once_and_tried_again_on_a_save(held: Resident, shipped: Path) -> None:
    """A hand-written page where the builder writes one: not a record's problem, but said
    once as one is (a poll every second said it again, at a full run's cost, for ever), and
    tried again once any input is saved, even with the same bytes, as the message of a file
    in build/docs that summitry did not write asks."""
    page = shipped / "content/pages/timeline.md"
    page.write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(SummitryError, match="the builder generates this page"):
        held.update()
    assert held.update() is None  # nothing saved since: not tried again, nothing said
    page.write_text("# Mine\n", encoding="utf-8")  # saved again, as it was
    with pytest.raises(SummitryError, match="the builder generates this page"):
        held.update()
    assert held.update() is None
    page.rename(shipped / "content/pages/my-timeline.md")
    report = held.update()
    assert report is not None and "my-timeline.md" in report.written


def test_a_record_folder_linked_elsewhere_is_named_as_what_changed(shipped: Path, tmp_path: Path) -> None:
    notes: list[str] = []
    held = Resident(Project(shipped), note=notes.append)
    held.start(workers=1)
    (shipped / "leaders").rename(tmp_path / "leaders")
    (shipped / "leaders").symlink_to(tmp_path / "leaders")
    with pytest.raises(ValidationFailed, match="must be folders, not symbolic links"):
        held.update()
    assert notes[-1:] == ["full run: the knowledge base's folders changed"]


def test_renaming_again_keeps_every_old_address(held: Resident, shipped: Path, tmp_path: Path) -> None:
    """The redirects are one job whose files are the old ids: a second rename changes its
    files, and the first one's must stay."""
    for folder, old in (("content/issues", "syria"), ("content/meetings", "2021-12-virtual-meeting")):
        path = shipped / folder / f"{old}.yaml"
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        record["aliases"] = [old]
        path.unlink()
        path.with_name(f"{old}-renamed.yaml").write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
        held.update()
    docs = shipped / "build" / "docs"
    assert (docs / "issues/syria/index.html").is_file()
    assert (docs / "meetings/2021-12-virtual-meeting/index.html").is_file()
    assert _tree(docs) == _from_nothing(shipped, tmp_path / "fresh")


def test_what_the_preview_wrote_is_where_generate_goes_on_from(held: Resident, shipped: Path) -> None:
    replaced(shipped / "leaders/biden.yaml", "he often puts", "he often lays")
    held.update()
    assert not (shipped / "build" / state.HEAD).exists()  # it no longer describes the output
    held.close()
    report = generate(Project(shipped), workers=1)
    assert report.rendered == () and report.written == ()  # the state describes what is there
    replaced(shipped / "leaders/biden.yaml", "he often lays", "he often puts")
    assert "leaders/biden.md" in generate(Project(shipped), workers=1).written


def test_a_commit_dates_the_pages_of_what_it_changed(shipped: Path, tmp_path: Path) -> None:
    """The day each record last changed (from git) ends its page: the process renders with
    one environment, and each update's dates reach the pages it renders."""
    subprocess.run(["git", "init", "-q"], cwd=shipped, check=True)
    commit_all(shipped, "2026-11-30")
    held = Resident(Project(shipped))
    held.start(workers=1)
    docs = shipped / "build" / "docs"
    helsinki, geneva = docs / "meetings/2018-helsinki-summit.md", docs / "meetings/2021-06-geneva-summit.md"
    assert "Last changed on 30 November 2026." in helsinki.read_text("utf-8")
    replaced(shipped / "content/meetings/2018-helsinki-summit.yaml", "title: Helsinki summit", "title: Helsinki talks")
    commit_all(shipped, "2026-12-01")
    assert held.update() is not None
    assert "Last changed on 1 December 2026." in helsinki.read_text("utf-8")
    assert "Last changed on 30 November 2026." in geneva.read_text("utf-8")
    assert _tree(docs) == _from_nothing(shipped, tmp_path / "fresh")  # the copy keeps the history


def test_a_commit_alone_dates_the_pages_again(shipped: Path, tmp_path: Path) -> None:
    """A record edited and shown, then committed with no file saved since: the pages take the
    commit's day, as a run from nothing gives them. Before, nothing the preview read had
    changed, so it kept the day before the commit until the next save (a helper found it)."""
    subprocess.run(["git", "init", "-q"], cwd=shipped, check=True)
    commit_all(shipped, "2026-11-30")
    held = Resident(Project(shipped))
    held.start(workers=1)
    helsinki = shipped / "build/docs/meetings/2018-helsinki-summit.md"
    replaced(shipped / "content/meetings/2018-helsinki-summit.yaml", "title: Helsinki summit", "title: Helsinki talks")
    assert held.update() is not None
    assert "Last changed on 30 November 2026." in helsinki.read_text("utf-8")
    commit_all(shipped, "2026-12-01")
    report = held.update()
    assert report is not None and "meetings/2018-helsinki-summit.md" in report.written
    assert "Last changed on 1 December 2026." in helsinki.read_text("utf-8")
    assert _tree(shipped / "build/docs") == _from_nothing(shipped, tmp_path / "fresh")
    assert held.update() is None  # once shown, the same commit is no change
    # a commit that changes no record's day (a file outside the records) changes nothing
    (shipped / "notes.txt").write_text("notes\n", encoding="utf-8")
    commit_all(shipped, "2026-12-02")
    assert held.update() is None


def test_a_page_changed_by_hand_is_not_removed_with_its_record(small: Path) -> None:
    """As a run refuses it (tests/test_spoiled_build.py): a page changed in build/docs is no
    longer what summitry wrote, and deleting its record while serving does not delete it."""
    meeting = small / "content/meetings/2020-03-03-riverton-talks.yaml"
    extra = small / "content/meetings/2023-07-03-extra-talks.yaml"
    extra.write_text(meeting.read_text(encoding="utf-8").replace("2020-03-0", "2023-07-0"), encoding="utf-8")
    resident = Resident(Project(small))
    resident.start(workers=1)
    page = small / "build/docs/meetings/2023-07-03-extra-talks.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    extra.unlink()
    with pytest.raises(WriteRefused, match=r"\(meetings/2023-07-03-extra-talks.md\) that this run would remove"):
        resident.update()
    assert page.read_text(encoding="utf-8").endswith("\nmy note\n")
    page.unlink()  # moved away, as the line asks; then any save is tried again
    meeting.write_text(meeting.read_text(encoding="utf-8"), encoding="utf-8")
    assert resident.update() is not None
    assert not page.exists()
