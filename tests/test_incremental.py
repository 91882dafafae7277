"""Incremental generate: what an edit renders again, and that it is what a run from nothing makes.

The state a run leaves (builder.incremental.state) is an optimisation: every test here compares the
output of runs that used it with the output of a run that had none, byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, copy_shipped, replaced
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from builder.errors import Problem, ValidationFailed
from builder.incremental import keyed, state, state_files, state_parts
from builder.incremental.manifest import read_manifest
from builder.incremental.output import WriteReport
from builder.incremental.rerender import Plain
from builder.pipeline import Project, check, generate
from builder.records.kinds import KINDS
from builder.render.search_index import FOLDER, SEARCH_FILES
from builder.resident import Resident


def _synthetic(dest: Path, meetings: int) -> Path:
    command = [sys.executable, str(REPO / "bench" / "generate.py"), str(dest), "--meetings", str(meetings)]
    subprocess.run(command, check=True, capture_output=True)
    return dest


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


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


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
    pages = [rel for rel in report.rendered if not rel.startswith(FOLDER)]  # the index is made on every run
    assert len(pages) < len(every - set(SEARCH_FILES)) / 2
    assert set(report.written) <= set(report.rendered)


def test_a_part_made_from_a_kept_part_reads_what_that_one_read(shipped: Path, tmp_path: Path) -> None:
    """A page's part of the search index is made from its line of the JSON export. When the
    part is made again (a participant renamed) while the line is kept, the part read what the
    line read (the issue its summary links): retitling that issue makes both again. Found by a
    helper: the search index kept the old title, and a search for the new word missed the page."""
    preview = shutil.copytree(shipped, tmp_path / "preview")
    _run(shipped)
    held = Resident(Project(preview))
    held.start(workers=1)
    edits = [
        (
            "content/meetings/2021-12-virtual-meeting.yaml",
            "In December 2021 [[biden]] met",
            "In December 2021 Joe Biden met",
        ),
        ("content/meetings/2021-12-virtual-meeting.yaml", "should Ukraine be invaded", "should [[ukraine]] be invaded"),
        ("leaders/biden.yaml", "name: Joe Biden", "name: Joseph R. Biden"),
        ("content/issues/ukraine.yaml", "title: Ukraine\n", "title: Ukraine war\n"),
    ]
    for rel, old, new in edits:
        for root in (shipped, preview):
            replaced(root / rel, old, new)
        _run(shipped)
        held.update()
    clean = _from_nothing(shipped, tmp_path / "clean")
    index = sorted(rel for rel in clean if rel.startswith(FOLDER))
    for root in (preview, shipped):
        made = _tree(root / "build" / "docs")
        assert [rel for rel in index if made[rel] != clean[rel]] == []
        assert made == clean


def test_a_row_shared_by_pages_counts_as_linked_by_each(shipped: Path, tmp_path: Path) -> None:
    """A meeting's row is made once for every pair's page that lists it; the meeting it
    links is linked by each of those pages, so none lists it again under "Linked from".
    Before, only the first page in a run's order had it as linked: a pair's page rendered
    alone, after an edit, said otherwise than a run from nothing (a helper found it)."""
    helsinki = shipped / "content/meetings/2018-helsinki-summit.yaml"
    replaced(helsinki, "participants: [trump, putin]", "participants: [trump, putin, biden]")
    replaced(helsinki, "put their relationship", "put their relationship ([[biden-trump]])")
    relation = shipped / "content/relations/biden-trump.yaml"
    relation.write_text(
        "summary: >-\n  A relationship, in one source's account, under scrutiny. [@scrutiny]\ncitations:\n"
        "  - key: scrutiny\n    source: trump-putin-complex-relationship\n    quote: >-\n"
        "      The 2018 Helsinki Summit further intensified scrutiny of their relationship\n",
        encoding="utf-8",
    )
    _run(shipped)
    page = shipped / "build/docs/relations/biden-trump.md"
    assert "Helsinki" in page.read_text(encoding="utf-8")
    replaced(relation, "A relationship,", "A close relationship,")
    report = _run(shipped)
    assert "relations/biden-trump.md" in report.rendered
    assert "relations/putin-trump.md" not in report.rendered
    shown = page.read_text(encoding="utf-8")
    assert "## Linked from" not in shown or "2018-helsinki-summit" not in shown.split("## Linked from")[1]
    assert _tree(shipped / "build" / "docs") == _from_nothing(shipped, tmp_path / "clean")


def test_a_run_that_changes_nothing_renders_and_writes_nothing(shipped: Path) -> None:
    _run(shipped)
    files = sorted(p for p in (shipped / "build").rglob("*") if p.is_file())
    stamps = [(p, p.stat().st_mtime_ns) for p in files]
    report = _run(shipped)
    assert report.rendered == () and report.written == ()
    assert [(p, p.stat().st_mtime_ns) for p in files] == stamps  # not even the state is saved


def test_a_build_folder_restored_with_its_times_renders_nothing_again(shipped: Path, tmp_path: Path) -> None:
    """A cache restore or a copy gives every page a new change time and inode, its bytes and
    modification time as written: its pages are read and found as written, not made again,
    and the next run finds them by their status alone."""
    _run(shipped)
    build, kept = shipped / "build", tmp_path / "kept"
    shutil.copytree(build, kept, symlinks=True)
    shutil.rmtree(build)
    kept.rename(build)
    report = _run(shipped)
    assert [rel for rel in report.rendered if rel.endswith(".md")] == [] and report.written == ()
    known, _, signed = read_manifest(build / "docs")
    assert signed
    for rel, stamp in known.items():
        assert stamp is not None and stamp[3] == (build / "docs" / rel).lstat().st_ctime_ns, rel
    assert _run(shipped).rendered == ()  # as written, by status alone
    assert _retitle_and_run(shipped).rendered  # and an edit is still seen


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
    meta["mac"] = keyed.keyed_digest(keyed.user_key(create=False) or b"", payload)
    path.write_bytes(json.dumps(meta).encode() + b"\n" + payload)


def resigned_records(build: Path, rel: str | None, change: Callable[[str, dict[str, Any]], None]) -> None:
    """The record of file ``rel`` (without it: the first of a part that has any) changed in
    its part of the state, the part and the body that names it signed again as summitry would."""
    folder = build / state_parts.PARTS
    names = sorted(p.stem for p in folder.glob("records-*.json"))
    for name in names:
        path = folder / f"{name}.json"
        records = json.loads(path.read_bytes().partition(b"\n")[2])["records"]
        if (rel or (sorted(records) or [None])[0]) in records:
            break
    else:
        raise AssertionError(f"no part holds {rel}")
    found: dict[str, str] = {}

    def spoil(part: dict[str, Any]) -> None:
        chosen = rel or sorted(part["records"])[0]
        change(chosen, part["records"][chosen])

    _resigned(path, spoil)
    found["mac"] = json.loads(path.read_bytes().partition(b"\n")[0])["mac"]
    _resigned(build / state.BODY, lambda body: body["parts"].update({name: found["mac"]}))  # type: ignore[union-attr]


def _foreign_body(build: Path) -> None:
    _resigned(build / state.BODY, lambda body: body.update(token="someone else's"))


def _old_format(build: Path) -> None:
    for name in (state.HEAD, state.BODY):
        path = build / name
        header, _, payload = path.read_bytes().partition(b"\n")
        meta = json.loads(header)
        meta["version"] = state_files.STATE_VERSION - 1
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
    resigned_records(build, None, lambda rel, record: record.update(fields={"not a field": True}))


def _part_missing(build: Path) -> None:
    (build / state_parts.PARTS / "pieces-000.json").unlink()


def _part_garbled(build: Path) -> None:
    path = build / state_parts.PARTS / "records-000.json"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])  # a run cut short as it wrote it


def _part_of_another_run(build: Path) -> None:
    """A part signed here, as a run that was stopped before it wrote the body would leave it."""
    parts = sorted((build / state_parts.PARTS).glob("pieces-*.json"))
    path = next(p for p in parts if b'"pieces":[[' in p.read_bytes())
    _resigned(path, lambda part: part.update(pieces=part["pieces"][1:]))


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
    _part_missing,
    _part_garbled,
    _part_of_another_run,
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


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        (_part_missing, "full run: .summitry-state-parts/pieces-000.json is missing"),
        (_part_garbled, "full run: .summitry-state-parts/records-000.json "),
        (_part_of_another_run, "full run: .summitry-state-body.json and .summitry-state-parts/pieces-"),
        (_no_head, "full run: .summitry-state.json is missing (a run was stopped before it kept the state, "),
    ],
)
def test_a_part_of_the_state_in_doubt_is_said_in_one_line(shipped: Path, run, spoil, why: str) -> None:
    assert run("generate", "--root", shipped).code == 0
    spoil(shipped / "build")
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    result = run("generate", "--root", shipped)
    assert result.code == 0 and len(result.err.splitlines()) == 1 and result.err.startswith(why), result.err


def test_one_edit_rewrites_a_few_parts_of_the_state(shipped: Path) -> None:
    _run(shipped)
    parts = shipped / "build" / state_parts.PARTS
    before = {p.name: p.read_bytes() for p in parts.iterdir()}
    assert len(before) == state_parts.RECORD_PARTS + state_parts.PIECE_PARTS
    _retitle_and_run(shipped)
    after = {p.name: p.read_bytes() for p in parts.iterdir()}
    changed = sorted(name for name in after if after[name] != before.get(name))
    # the meeting's record, and the export parts of it and of the few records that show it
    assert sorted(after) == sorted(before) and 0 < len(changed) <= 12, changed
    assert any(name.startswith("records-") for name in changed)


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


# Random edits of every kind of input, each followed by the runs that keep state: an
# incremental ``generate`` (from the state in build/) and the preview's held site
# (builder.resident) must each give the bytes a run from nothing gives, and refuse what it
# refuses, line for line, with the same warnings. A stateful property test (Hypothesis): each
# step edits a record (any field, any value in it, or the whole record: added, removed,
# renamed with its old id kept, copied as a likely twin), its citation keys and marks, what
# it says is distinct from it, a source's archived text or why it has none, a hand-written
# page or mkdocs.yml, or touches a file. An edit that a run from nothing refuses is undone
# after the comparison, which checks the recovery too. The held site must also be, as data,
# the site a check from nothing resolves.
#
# A few short sequences run by default. For a long run:
# SUMMITRY_EDIT_EXAMPLES=200 SUMMITRY_EDIT_STEPS=25 .venv/bin/python -m pytest tests/test_incremental.py -k Edits

FOLDERS = {name: kind.folder for name, kind in KINDS.items()}
INPUTS = ("leaders", "content", "mkdocs.yml")
PROSE = {"summary", "text", "note"}
DATES = {"date", "end_date", "as_of", "from", "to", "published"}
# Which kind of record an id in each field names, for edits that keep a reference valid.
NAMES = {
    "participants": "leader",
    "positions": "leader",
    "issues": "issue",
    "related": "issue",
    "source": "source",
    "distinct_from": "",  # the record's own kind
}
TWINS = ("leader", "meeting", "source")  # the kinds whose likely duplicates are refused
MARK = re.compile(r"\[@[^\[\]]*\]")
EXAMPLES = int(os.environ.get("SUMMITRY_EDIT_EXAMPLES", "3"))
STEPS = int(os.environ.get("SUMMITRY_EDIT_STEPS", "8"))

Files = dict[str, bytes]


def _inputs(root: Path) -> Files:
    found: Files = {}
    for top in INPUTS:
        path = root / top
        for p in [path] if path.is_file() else sorted(path.rglob("*")):
            if p.is_file():
                found[p.relative_to(root).as_posix()] = p.read_bytes()
    return found


def _make(root: Path, files: Files) -> None:
    """The inputs of ``root`` made exactly ``files``."""
    now = _inputs(root)
    for rel in now.keys() - files.keys():
        (root / rel).unlink()
    for rel, data in files.items():
        if now.get(rel) != data:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)


def _leaves(value: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where every scalar of a record is, and every key of a mapping of leaders (positions)."""
    if isinstance(value, dict):
        out = [loc + (("key", k),) for k in value] if loc and loc[-1] == "positions" else []
        return out + [leaf for k, v in value.items() for leaf in _leaves(v, loc + (k,))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, loc + (i,))]
    return [loc]


def _keys(value: Any) -> list[str]:
    """Every citation key in a record."""
    if isinstance(value, dict):
        own = [value["key"]] if isinstance(value.get("key"), str) and "source" in value else []
        return own + [key for v in value.values() for key in _keys(v)]
    if isinstance(value, list):
        return [key for v in value for key in _keys(v)]
    return []


def _rewritten(value: Any, text: Callable[[str], str], key: Callable[[str], str | None]) -> Any:
    """A record with every text changed by ``text``, and every citation key and every key a
    role cites by ``key`` (None: left out)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "key" and "source" in value:
                v = key(v)
            elif k == "cite" and isinstance(v, list):
                v = [new for old in v if (new := key(old)) is not None] or None
            else:
                v = _rewritten(v, text, key)
            if v is not None:
                out[k] = v
        return out
    if isinstance(value, list):
        return [_rewritten(v, text, key) for v in value]
    return text(value) if isinstance(value, str) else value


def _outcome(run: Any) -> tuple[str, Any]:
    try:
        return "ok", run()
    except ValidationFailed as exc:
        return "refused", exc.problems


class Edits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="summitry-edits-"))
        self.done: list[str] = []
        self.count = 0

    @initialize(synthetic=st.booleans())
    def start(self, synthetic: bool) -> None:
        """The shipped knowledge base, or a synthetic one (more records, ids with hyphens)."""
        self.a = _synthetic(self.tmp / "a", 30) if synthetic else copy_shipped(self.tmp / "a")
        generate(Project(self.a), workers=1)  # generate, from the state in build/
        self.b = self.tmp / "b"  # the preview's held site
        shutil.copytree(self.a, self.b)
        self.held = Resident(Project(self.b))
        self.held.start(workers=1)
        self.before = _inputs(self.a)  # the inputs as the last step left them, to undo a refused edit

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _paths(self, kind: str) -> list[Path]:
        return sorted((self.a / FOLDERS[kind]).glob("*.yaml"))

    def _paths_of_all(self) -> list[Path]:
        return [path for kind in KINDS for path in self._paths(kind)]

    def _ids(self, kind: str) -> list[str]:
        return [p.stem for p in self._paths(kind)]

    def _pick(self, data: st.DataObject, kind: str | None = None) -> Path:
        kind = kind or data.draw(st.sampled_from([k for k in KINDS if self._paths(k)]), label="kind")
        return data.draw(st.sampled_from(self._paths(kind)), label="record")

    def _fresh_id(self, stem: str) -> str:
        self.count += 1
        return f"{stem}-{self.count}"

    # The edits, made to the inputs of `a`, then compared (which copies them to `b`).

    @rule(data=st.data())
    def copy_a_field(self, data: st.DataObject) -> None:
        """A field set to what another record of the kind has there, or removed if it has none."""
        path = self._pick(data)
        other = data.draw(st.sampled_from(self._paths(KINDS_OF[path.parent.name])), label="from")
        record, theirs = _load(path), _load(other)
        field = data.draw(st.sampled_from(sorted(record.keys() | theirs.keys())), label="field")
        if field in theirs:
            record[field] = theirs[field]
        else:
            record.pop(field, None)
        _save(path, record)
        self._step(f"{path.name}: {field} as in {other.name}")

    @rule(data=st.data())
    def change_a_value(self, data: st.DataObject) -> None:
        """One value anywhere in a record changed as a person would: an id for another, a date,
        words or a [[link]] added to prose, a quote for another passage of its archive."""
        path = self._pick(data)
        record = _load(path)
        loc = data.draw(st.sampled_from(_leaves(record)), label="where")
        parent = record
        for part in loc[:-1]:
            parent = parent[part]
        last = loc[-1]
        if isinstance(last, tuple):  # a leader's positions, moved to another leader
            lid = data.draw(st.sampled_from(self._ids("leader")), label="leader")
            if lid not in parent:
                parent[lid] = parent.pop(last[1])
        else:
            parent[last] = self._value(data, loc, parent, record, KINDS_OF[path.parent.name])
        _save(path, record)
        self._step(f"{path.name}: {'.'.join(map(str, loc))}")

    def _value(self, data: st.DataObject, loc: tuple[Any, ...], parent: Any, record: Any, kind: str) -> Any:
        was = parent[loc[-1]]
        names = [NAMES[p] or kind for p in loc if isinstance(p, str) and p in NAMES]
        key = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if key in ("key", "cite"):  # a citation's key, or one a role cites: another of the record's, or a new one
            return data.draw(st.sampled_from([*_keys(record), f"{was}-2"]), label="key")
        if key in DATES:
            return data.draw(st.sampled_from(["2016", "2018-07", "2019-06-28", "2021-06-16", "2023-10"]), label="date")
        if key == "quote":
            archive = self.a / FOLDERS["source"] / f"{parent.get('source')}.txt"
            if archive.is_file():
                words = archive.read_text(encoding="utf-8").split()
                at = data.draw(st.integers(0, max(0, len(words) - 6)), label="at")
                return " ".join(words[at : at + data.draw(st.integers(3, 6))])
        if names and key in NAMES:
            return data.draw(st.sampled_from(self._ids(names[-1])), label="id")
        if key in PROSE or "outcomes" in loc:
            kind = data.draw(st.sampled_from([k for k in KINDS if k != "relation" and self._ids(k)]))
            linked = data.draw(st.sampled_from(self._ids(kind)), label="linked")
            keys = _keys(record) or ["none"]
            mark = data.draw(st.sampled_from(keys), label="mark")  # a mark of the part's, or another part's
            said = ["Then more.", f"See [[{linked}]].", "*Noted* here.", f"More is said. [@{mark}]"]
            return f"{was} {data.draw(st.sampled_from(said))}"
        if isinstance(was, str):
            return f"{was} II"
        return was

    @rule(data=st.data())
    def add_a_record(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from([k for k in KINDS if self._paths(k)]), label="kind")
        path = self._pick(data, kind)
        record = _load(path)
        record.pop("aliases", None)
        if kind == "relation":
            leaders = self._ids("leader")
            free = [f"{a}-{b}" for a in leaders for b in leaders if a < b and f"{a}-{b}" not in self._ids("relation")]
            if not free:
                return
            new = data.draw(st.sampled_from(free), label="pair")
        else:
            new = self._fresh_id(path.stem)
        if kind == "source" and record.get("archive"):
            shutil.copy(path.with_suffix(".txt"), path.with_name(f"{new}.txt"))
            record["archive"] = f"{new}.txt"
        # A copy is likely the same event, person or document as its original, unless it says not
        distinct = kind in TWINS and data.draw(st.booleans(), label="distinct")
        if distinct:
            record["distinct_from"] = [path.stem]
        _save(path.with_name(f"{new}.yaml"), record)
        self._step(f"added {kind} {new} as {path.stem}{', distinct' if distinct else ''}")

    @rule(data=st.data())
    def remove_a_record(self, data: st.DataObject) -> None:
        path = self._pick(data)
        path.unlink()
        self._step(f"removed {path.name}")

    @rule(data=st.data())
    def rename_keeping_the_old_id(self, data: st.DataObject) -> None:
        path = self._pick(data, data.draw(st.sampled_from(["leader", "meeting", "issue"]), label="kind"))
        record = _load(path)
        new = self._fresh_id(path.stem)
        record["aliases"] = [*record.get("aliases", []), path.stem]
        path.unlink()
        _save(path.with_name(f"{new}.yaml"), record)
        self._step(f"renamed {path.stem} to {new}, keeping the old id")

    @rule(data=st.data())
    def edit_the_marks(self, data: st.DataObject) -> None:
        """A record's citation keys and marks: a key renamed with its marks (valid), one
        left out, the marks of one text removed, or the whole record in the form before
        marks (no keys, no marks: one warning)."""
        marked = [p for p in self._paths_of_all() if _keys(_load(p))]
        if not marked:
            return
        path = data.draw(st.sampled_from(marked), label="record")
        record = _load(path)
        choice = data.draw(st.sampled_from(["rename", "drop a key", "unmark a text", "old form"]), label="how")
        if choice == "rename":
            old = data.draw(st.sampled_from(_keys(record)), label="key")
            new = f"{old}-{self._fresh_id('k')}"
            mark = re.compile(rf"@{re.escape(old)}(?=\s*[;\]])")
            record = _rewritten(record, lambda t: mark.sub(f"@{new}", t), lambda k: new if k == old else k)
        elif choice == "drop a key":
            old = data.draw(st.sampled_from(_keys(record)), label="key")
            record = _rewritten(record, lambda t: t, lambda k: None if k == old else k)
        elif choice == "unmark a text":
            leaves = [loc for loc in _leaves(record) if not isinstance(loc[-1], tuple)]  # not a leader's key
            texts = [loc for loc in leaves if isinstance(_at(record, loc), str) and MARK.search(_at(record, loc))]
            if not texts:
                return
            loc = data.draw(st.sampled_from(texts), label="where")
            _at(record, loc[:-1])[loc[-1]] = MARK.sub("", _at(record, loc))
        else:
            record = _rewritten(record, lambda t: MARK.sub("", t), lambda k: None)
        _save(path, record)
        self._step(f"{path.name}: {choice}")

    @rule(data=st.data())
    def say_two_are_distinct(self, data: st.DataObject) -> None:
        """``distinct_from`` naming another record of the kind, or left out."""
        kind = data.draw(st.sampled_from([k for k in TWINS if len(self._paths(k)) > 1]), label="kind")
        path = self._pick(data, kind)
        record = _load(path)
        other = data.draw(st.sampled_from([i for i in self._ids(kind) if i != path.stem] + [""]), label="other")
        if other:
            record["distinct_from"] = [other]
        else:
            record.pop("distinct_from", None)
        _save(path, record)
        self._step(f"{path.name}: distinct_from {other or 'left out'}")

    @rule(data=st.data())
    def change_what_a_source_keeps(self, data: st.DataObject) -> None:
        """A source's archived text beside it, or why it has none: the text gone and why said
        (its quotes then not checked: warnings), the text kept but not named, both said, or
        a text put beside a source that had none."""
        path = self._pick(data, "source")
        record, beside = _load(path), path.with_suffix(".txt")
        choice = data.draw(st.sampled_from(["none, and why", "not named", "both", "a text beside"]), label="how")
        if choice == "none, and why":
            beside.unlink(missing_ok=True)
            record.pop("archive", None)
            record["no_archive"] = data.draw(st.sampled_from(["Behind a paywall.", "Seen only in print."]))
        elif choice == "not named":
            record.pop("archive", None)
        elif choice == "both":
            record["no_archive"] = "Kept elsewhere."
        else:
            others = sorted((self.a / FOLDERS["source"]).glob("*.txt"))
            text = others[0].read_text(encoding="utf-8") if others else ""
            beside.write_text(f"{text}A line of its own, about {path.stem}.\n", encoding="utf-8")
            if data.draw(st.booleans(), label="named"):
                record.pop("no_archive", None)
                record["archive"] = beside.name
        _save(path, record)
        self._step(f"{path.name}: {choice}")

    @rule(data=st.data())
    def edit_an_archive(self, data: st.DataObject) -> None:
        archives = sorted((self.a / FOLDERS["source"]).glob("*.txt"))
        if not archives:
            return
        path = data.draw(st.sampled_from(archives), label="archive")
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if data.draw(st.booleans(), label="cut"):
            at = data.draw(st.integers(0, len(lines) - 1), label="line")
            del lines[at]
        else:
            lines.append("A sentence added at the end.\n")
        path.write_text("".join(lines), encoding="utf-8")
        self._step(f"edited {path.name}")

    @rule(data=st.data())
    def edit_a_page(self, data: st.DataObject) -> None:
        pages = self.a / "content" / "pages"
        choice = data.draw(st.sampled_from(["about", "home", "style", "add", "remove"]), label="page")
        if choice in ("about", "home"):
            page = pages / ("about.md" if choice == "about" else "index.md")
            page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        elif choice == "style":
            sheet = pages / "assets" / "summitry.css"
            sheet.write_text(sheet.read_text(encoding="utf-8") + f"\n/* {self._fresh_id('note')} */\n", "utf-8")
        elif choice == "add":
            (pages / f"{self._fresh_id('extra')}.md").write_text("# Extra\n\nA page.\n", encoding="utf-8")
        else:
            extra = sorted(pages.glob("extra-*.md"))
            if not extra:
                return
            extra[0].unlink()
        self._step(f"page: {choice}")

    @rule(data=st.data())
    def edit_the_configuration(self, data: st.DataObject) -> None:
        config = self.a / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        name = data.draw(st.sampled_from(["Summitry", "Summitry II"]), label="name")
        config.write_text(text.replace(text.split("site_name: ", 1)[1].split("\n", 1)[0], name, 1), "utf-8")
        self._step(f"site_name: {name}")

    @rule(data=st.data())
    def touch_or_edit_keeping_the_time(self, data: st.DataObject) -> None:
        path = self._pick(data)
        info = path.stat()
        if data.draw(st.booleans(), label="rewrite"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(": ", ":  ", 1), encoding="utf-8")  # same meaning, other bytes
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        self._step(f"{path.name} touched")

    # After each edit: both runs against a run from nothing.

    def _step(self, what: str) -> None:
        self.done.append(what)
        before_edit = self.before
        refused = self._compare()
        if refused:
            self.done.append("(refused, undone)")
            _make(self.a, before_edit)
            assert not self._compare(), self.done
        self.before = _inputs(self.a)

    def _compare(self) -> bool:
        """Whether the edit was refused; fails if the three runs do not agree."""
        _make(self.b, _inputs(self.a))
        fresh = self.tmp / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir()
        _make(fresh, _inputs(self.a))
        told: tuple[list[Problem], list[Problem]] = ([], [])
        a = _outcome(lambda: generate(Project(self.a), warn=told[0].append, workers=1))
        b = _outcome(self.held.update)
        nothing = _outcome(lambda: generate(Project(fresh), warn=told[1].append, workers=1))
        assert a[0] == b[0] == nothing[0], (self.done, a, b, nothing)
        if nothing[0] == "refused":
            assert _lines(a[1]) == _lines(b[1]) == _lines(nothing[1]), self.done
            return True
        assert _lines(told[0]) == _lines(self.held.warnings()) == _lines(told[1]), self.done
        want = _tree(fresh / "build" / "docs")
        assert _tree(self.a / "build" / "docs") == want, self.done
        assert _tree(self.b / "build" / "docs") == want, self.done
        held = self.held.last
        checked = check(Project(fresh))
        plain = Plain(held.inputs.records)
        assert plain(held.site) == plain(checked), self.done
        return False


KINDS_OF = {folder.rpartition("/")[2]: name for name, folder in FOLDERS.items()}


def _at(record: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        record = record[part]
    return record


def _lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
Edits.TestCase.settings = SETTINGS
# many random edits, each followed by two runs: the full suite's, not the quick loop's
TestEditsGiveTheBytesOfARunFromNothing = pytest.mark.slow(Edits.TestCase)


@pytest.mark.parametrize("edit", ["a retitle", "nothing changed", "from nothing"])
def test_ready_is_told_once_the_docs_are_whole_before_the_state_is_kept(tmp_path: Path, edit: str) -> None:
    """summitry build lets its engine go on when generate says the docs are whole: they must
    be then what the run leaves, while the state that describes them is not kept yet."""
    root = copy_shipped(tmp_path / "kb")
    project = Project(root)
    if edit != "from nothing":
        generate(project)
    if edit == "a retitle":
        path = root / "content/meetings/2018-helsinki-summit.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    head = project.docs.parent / state.HEAD
    seen: list[tuple[dict[str, bytes], bool]] = []
    generate(project, ready=lambda: seen.append((_tree(project.docs), head.exists())))
    assert len(seen) == 1
    docs, head_then = seen[0]
    assert docs == _tree(project.docs)
    # a run that changed something keeps its state after the docs; one that changed nothing keeps the last
    assert head_then is (edit == "nothing changed") and head.exists()
