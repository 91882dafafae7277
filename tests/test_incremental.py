"""Incremental generate: what an edit renders again, and that it is what a run from nothing makes.

The state a run leaves (builder.incremental.state) is an optimisation: every test here compares the
output of runs that used it with the output of a run that had none, byte for byte.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import REPO, copy_shipped

from builder.errors import ValidationFailed
from builder.incremental import state
from builder.incremental.output import WriteReport
from builder.pipeline import Project, generate

Edit = Callable[[Path, random.Random], str]


def _run(root: Path) -> WriteReport:
    return generate(Project(root), workers=1)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _from_nothing(root: Path, scratch: Path) -> dict[str, bytes]:
    """What a run with no state and no output makes of the same records."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("build", "site"))
    _run(scratch)
    return _tree(scratch / "build" / "docs")


def _load(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _save(path: Path, data: dict[str, object]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _pick(root: Path, folder: str, rng: random.Random) -> Path:
    return rng.choice(sorted((root / folder).glob("*.yaml")))


def _reworded(folder: str, field: str, change: Callable[[str, random.Random], str]) -> Edit:
    def edit(root: Path, rng: random.Random) -> str:
        path = _pick(root, folder, rng)
        data = _load(path)
        data[field] = change(str(data[field]), rng)
        _save(path, data)
        return f"changed {field} of {path.name}"

    return edit


retitle_meeting = _reworded("content/meetings", "title", lambda t, rng: f"{t} ({rng.randrange(1000)})")
rename_leader = _reworded("leaders", "name", lambda n, rng: f"{n} {rng.choice('ABCDEFG')}.")
reword_issue = _reworded("content/issues", "title", lambda t, rng: f"{t} again")
retitle_source = _reworded("content/sources", "title", lambda t, rng: f"{t} (copy)")


def redate_meeting(root: Path, rng: random.Random) -> str:
    path = _pick(root, "content/meetings", rng)
    data = _load(path)
    data["date"] = f"{rng.randrange(1990, 2025)}-{rng.randrange(1, 13):02d}"
    data.pop("end_date", None)
    _save(path, data)
    return f"redated {path.name}"


def add_meeting(root: Path, rng: random.Random) -> str:
    source = _pick(root, "content/meetings", rng)
    data = _load(source)
    data["title"] = f"Another meeting {rng.randrange(10**6)}"
    data["date"] = str(rng.randrange(1990, 2025))
    data.pop("end_date", None)
    data.pop("aliases", None)
    name = f"added-{rng.randrange(10**6)}.yaml"
    _save(source.with_name(name), data)
    return f"added {name}"


def remove_meeting(root: Path, rng: random.Random) -> str:
    path = _pick(root, "content/meetings", rng)
    path.unlink()
    return f"removed {path.name}"


def swap_participant(root: Path, rng: random.Random) -> str:
    path = _pick(root, "content/meetings", rng)
    data = _load(path)
    leaders = sorted(p.stem for p in (root / "leaders").glob("*.yaml"))
    participants = list(data["participants"])  # type: ignore[call-overload]
    others = [lid for lid in leaders if lid not in participants]
    if others:
        participants[rng.randrange(len(participants))] = rng.choice(others)
        data["participants"] = participants
        _save(path, data)
    return f"changed who met in {path.name}"


def touch(root: Path, rng: random.Random) -> str:
    path = _pick(root, "content/meetings", rng)
    os.utime(path)
    return f"touched {path.name}"


def same_time_edit(root: Path, rng: random.Random) -> str:
    """An edit that keeps the size and puts the old modification time back, as `cp -p` does."""
    path = _pick(root, "leaders", rng)
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    data = _load(path)
    name = str(data["name"])
    swapped = name[::-1] if name[::-1] != name else name.upper()
    path.write_text(text.replace(f"name: {name}", f"name: {swapped}", 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    return f"edited {path.name} in place, old time kept"


EDITS: list[Edit] = [
    retitle_meeting,
    redate_meeting,
    add_meeting,
    remove_meeting,
    swap_participant,
    rename_leader,
    reword_issue,
    retitle_source,
    touch,
    same_time_edit,
]


def _synthetic(dest: Path, meetings: int) -> Path:
    command = [sys.executable, str(REPO / "bench" / "generate.py"), str(dest), "--meetings", str(meetings)]
    subprocess.run(command, check=True, capture_output=True)
    return dest


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_give_the_bytes_of_a_run_from_nothing(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    root = _synthetic(tmp_path / "kb", 60) if seed == 3 else copy_shipped(tmp_path / "kb")
    _run(root)
    done = []
    for _ in range(12):
        before = {p: p.read_bytes() for p in root.rglob("*.yaml") if "build" not in p.parts}
        done.append(rng.choice(EDITS)(root, rng))
        try:
            report = _run(root)
        except ValidationFailed:
            # The edit broke a reference (a removed meeting that a record names): a run from
            # nothing must refuse it too; put the records back as they were.
            with pytest.raises(ValidationFailed):
                _from_nothing(root, tmp_path / "fresh")
            for path in set(root.rglob("*.yaml")) - {p for p in before if "build" not in p.parts}:
                path.unlink()
            for path, data in before.items():
                path.write_bytes(data)
            done[-1] += " (refused, undone)"
            report = _run(root)
        assert _tree(root / "build" / "docs") == _from_nothing(root, tmp_path / "fresh"), done
        assert set(report.written) <= set(report.rendered), done


def test_a_retitled_meeting_renders_the_pages_that_show_it_and_no_other(shipped: Path) -> None:
    first = _run(shipped)
    every = set(first.rendered)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    data = _load(path)
    data["title"] = "The Helsinki meeting, retitled"
    _save(path, data)
    report = _run(shipped)
    docs = shipped / "build" / "docs"
    showing = {rel for rel in every if rel.endswith(".md") and "retitled" in (docs / rel).read_text(encoding="utf-8")}
    assert showing <= set(report.rendered)
    assert "meetings/2018-helsinki-summit.md" in showing and "leaders/trump.md" in showing
    # the other pair's page and the other meetings' pages read nothing of it
    assert "relations/biden-putin.md" not in report.rendered
    assert "meetings/2021-06-geneva-summit.md" not in report.rendered
    assert len(report.rendered) < len(every) / 2
    assert set(report.written) <= set(report.rendered)


def test_a_run_that_changes_nothing_renders_and_writes_nothing(shipped: Path) -> None:
    _run(shipped)
    files = sorted(p for p in (shipped / "build").rglob("*") if p.is_file())
    stamps = [(p, p.stat().st_mtime_ns) for p in files]
    report = _run(shipped)
    assert report.rendered == () and report.written == ()
    assert [(p, p.stat().st_mtime_ns) for p in files] == stamps  # not even the state is saved


def _retitle_and_run(root: Path) -> WriteReport:
    path = root / "content/meetings/2018-helsinki-summit.yaml"
    data = _load(path)
    data["title"] = f"{data['title']} again"
    _save(path, data)
    return _run(root)


def _corrupt_body(build: Path) -> None:
    (build / state.BODY).write_bytes(b"not a state")


def _resigned(path: Path, change: Callable[[dict[str, object]], None]) -> None:
    """The state file changed as summitry itself would have signed it (the key is this user's)."""
    header, _, payload = path.read_bytes().partition(b"\n")
    data = json.loads(payload)
    change(data)
    payload = json.dumps(data).encode()
    meta = json.loads(header)
    meta["mac"] = state._mac(state._key(create=False) or b"", payload)
    path.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def _foreign_body(build: Path) -> None:
    _resigned(build / state.BODY, lambda body: body.update(token="someone else's"))


def _old_format(build: Path) -> None:
    for name in (state.HEAD, state.BODY):
        path = build / name
        header, _, payload = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        meta["version"] = state.STATE_VERSION - 1
        path.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def _no_head(build: Path) -> None:
    (build / state.HEAD).unlink()


def _unsigned(build: Path) -> None:
    """A state as a pull request could carry it: well formed, but not signed on this machine."""
    path = build / state.BODY
    header, _, payload = path.read_bytes().partition(b"\n")
    meta = json.loads(header)
    meta["mac"] = "0" * 64
    path.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def _damaged_record(build: Path) -> None:
    def spoil(body: dict[str, object]) -> None:
        records = body["records"]
        assert isinstance(records, dict)
        first = records[sorted(records)[0]]
        first["fields"] = {"not a field": True}

    _resigned(build / state.BODY, spoil)


def _libraries_changed(build: Path) -> None:
    def spoil(head: dict[str, object]) -> None:
        inputs = head["inputs"]
        assert isinstance(inputs, dict)
        inputs["others"]["the builder's libraries"] = "another version"

    _resigned(build / state.HEAD, spoil)


def _output_gone(build: Path) -> None:
    """As the advice for an unreadable manifest says: the output and its manifest deleted."""
    shutil.rmtree(build / "docs")
    (build / ".summitry-manifest.json").unlink()


def _config_changed(build: Path) -> None:
    config = build.parent / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name:", "site_name: X", 1) or "", "utf-8")


def _archive_changed(build: Path) -> None:
    archive = build.parent / "content/sources/trump-putin-complex-relationship.txt"
    archive.write_text(archive.read_text(encoding="utf-8") + "\n", encoding="utf-8")


SPOILED = [
    _corrupt_body,
    _foreign_body,
    _old_format,
    _no_head,
    _unsigned,
    _damaged_record,
    _libraries_changed,
    _output_gone,
    _config_changed,
    _archive_changed,
]


@pytest.mark.parametrize("spoil", SPOILED)
def test_a_state_in_doubt_means_a_full_run(shipped: Path, tmp_path: Path, spoil: Callable[[Path], None]) -> None:
    every = set(_run(shipped).rendered)
    spoil(shipped / "build")
    report = _retitle_and_run(shipped)
    assert set(report.rendered) == every
    assert _tree(shipped / "build" / "docs") == _from_nothing(shipped, tmp_path / "fresh")
    assert len(_retitle_and_run(shipped).rendered) < len(every)  # and the state is whole again


def test_a_page_changed_by_hand_in_the_output_is_made_again(shipped: Path) -> None:
    _run(shipped)
    page = shipped / "build/docs/leaders/biden.md"
    kept = page.read_bytes()
    page.write_bytes(kept + b"\nscribbled\n")
    report = _run(shipped)
    assert "leaders/biden.md" in report.rendered and page.read_bytes() == kept


def test_a_refused_edit_leaves_output_and_state_as_they_were(shipped: Path) -> None:
    _run(shipped)
    before = _tree(shipped / "build")
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("participants:", "participants: [nobody]\nold_participants:", 1), encoding="utf-8")
    with pytest.raises(ValidationFailed):
        _run(shipped)
    assert _tree(shipped / "build") == before
    path.write_text(good, encoding="utf-8")
    assert _run(shipped).rendered == ()  # the records are as the state says: nothing to do
