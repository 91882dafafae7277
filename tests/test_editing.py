"""The editing experience: schemas for editors, `summitry new`, the guide, the pre-commit hook."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from builder.records.kinds import KINDS
from builder.render.json_schema import modeline, schema_texts

REPO = Path(__file__).parent.parent
KIND_DIRS = {kind: KINDS[kind].folder for kind in KINDS}
BIN = Path(sys.executable).parent
SMALL = REPO / "tests" / "fixtures" / "small"


def _validate(schema: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema: a validator we did not write, reading YAML with its own parser."""
    command = [str(BIN / "check-jsonschema"), "--schemafile", str(schema), *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_committed_schemas_are_what_the_models_give() -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "schema").glob("*.json")}
    assert committed == schema_texts(), "run `summitry schema` and commit schema/"


def test_every_record_names_its_schema_and_the_editor_settings_map_the_folders() -> None:
    checked = 0
    for kind, folder in KIND_DIRS.items():
        for path in sorted((REPO / folder).glob("*.yaml")):
            checked += 1
            assert path.read_text(encoding="utf-8").splitlines()[0] == modeline(kind), path
            target = (path.parent / modeline(kind).split("$schema=")[1]).resolve()
            assert target == (REPO / "schema" / f"{kind}.schema.json").resolve()
    assert checked >= 15, "too few shipped records to check"
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert settings == {f"./schema/{k}.schema.json": [f"{d}/*.yaml"] for k, d in KIND_DIRS.items()}


@pytest.mark.parametrize("kind", sorted(KIND_DIRS))
def test_independent_validator_accepts_every_shipped_record(kind: str) -> None:
    # the fixture's too: the repository ships no relationship record yet
    files = sorted((REPO / KIND_DIRS[kind]).glob("*.yaml")) + sorted((SMALL / KIND_DIRS[kind]).glob("*.yaml"))
    assert files, f"no {kind} record to validate"
    result = _validate(REPO / "schema" / f"{kind}.schema.json", *files)
    assert result.returncode == 0, result.stdout + result.stderr


BROKEN = [
    ("leader", "name: X\ncountry: Y\nsummary: s\ncitations: [{source: a}]\nnickname: Z\n", "nickname"),
    ("leader", "name: X\ncountry: Y\ncitations: [{source: a}]\n", "'summary' is a required property"),
    ("leader", "name: X\ncountry: Y\nsummary: s\ncitations: []\n", "should be non-empty"),
    (
        "meeting",
        "title: T\ndate: June 2021\nkind: summit\nparticipants: [a, b]\nsummary: s\ncitations: [{source: a}]\n",
        "June 2021",
    ),
    (
        "meeting",
        "title: T\ndate: 2021\nkind: dinner\nparticipants: [a, b]\nsummary: s\ncitations: [{source: a}]\n",
        "dinner",
    ),
    (
        "meeting",
        "title: T\ndate: 2021\nkind: call\nparticipants: [a]\nsummary: s\ncitations: [{source: a}]\n",
        "is too short",
    ),
    (
        "meeting",
        "title: T\ndate: 2021\nkind: call\nparticipants: [a, Putin]\nsummary: s\ncitations: [{source: a}]\n",
        "Putin",
    ),
    (
        "issue",
        "title: T\nsummary: s\npositions: {a: {text: t}}\ncitations: [{source: a}]\n",
        "'citations' is a required",
    ),
    ("source", "title: T\nurl: javascript:alert(1)\n", "javascript"),
    ("source", "title: T\narchive: ../../etc/passwd\n", "passwd"),
    ("source", "title: T\nurl: 'https://x.org/\"><script>'\n", "script"),
]


@pytest.mark.parametrize("kind, text, said", BROKEN, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BROKEN)])
def test_independent_validator_rejects_broken_records(tmp_path: Path, kind: str, text: str, said: str) -> None:
    record = tmp_path / "broken.yaml"
    record.write_text(text)
    result = _validate(REPO / "schema" / f"{kind}.schema.json", record)
    assert result.returncode == 1
    assert said in result.stdout


def _new(run, root: Path, *args: str):
    return run("new", *args, "--root", root)


GENEVA_AGAIN = [
    "meeting",
    "--title",
    "Second Geneva talks",
    "--date",
    "2021-07-16",
    "--kind",
    "bilateral",
    "--location",
    "Geneva",
    "--participants",
    "biden, putin",
    "--issues",
    "ukraine",
    "--summary",
    "A follow-up between [[biden]] and [[putin]].",
    "--source",
    "biden-putin-look-at-relationship",
    "--quote",
    "Think about their summit in Geneva in June 2021",
]


def test_new_meeting_from_flags_passes_check_at_once(shipped: Path, run) -> None:
    result = _new(run, shipped, *GENEVA_AGAIN)
    assert result.code == 0, result.err
    path = shipped / "content/meetings/2021-07-16-second-geneva-talks.yaml"
    assert result.out == "wrote content/meetings/2021-07-16-second-geneva-talks.yaml; it passes summitry check\n"
    assert path.read_text().splitlines()[:7] == [
        "# yaml-language-server: $schema=../../schema/meeting.schema.json",
        "title: Second Geneva talks",
        "date: '2021-07-16'",
        "kind: bilateral",
        "location: Geneva",
        "participants: [biden, putin]",
        "issues: [ukraine]",
    ]
    # its one citation is named from its quote, and the summary's sentence marked with it
    assert path.read_text().splitlines()[7:10] == [
        "summary: A follow-up between [[biden]] and [[putin]]. [@think-summit-geneva]",
        "citations:",
        "- key: think-summit-geneva",
    ]
    assert run("check", "--root", shipped).code == 0
    assert run("generate", "--root", shipped).code == 0
    # it appears where it should: both leaders, their relation, the issue, and its year's
    # pages of the meetings and of the timeline
    docs = shipped / "build/docs"
    for page in [
        "leaders/biden.md",
        "leaders/putin.md",
        "relations/biden-putin.md",
        "issues/ukraine.md",
        "meetings/2021.md",
        "timeline/2021.md",
    ]:
        assert "2021-07-16-second-geneva-talks.md" in (docs / page).read_text(), page


def test_new_refuses_to_overwrite(shipped: Path, run) -> None:
    assert _new(run, shipped, *GENEVA_AGAIN).code == 0
    path = shipped / "content/meetings/2021-07-16-second-geneva-talks.yaml"
    before = path.read_bytes()
    result = _new(run, shipped, *GENEVA_AGAIN)
    assert result.code == 1
    assert result.err == (
        "error: content/meetings/2021-07-16-second-geneva-talks.yaml already exists; "
        "summitry new never overwrites (choose another --id)\n"
    )
    assert path.read_bytes() == before


def test_new_checks_references_as_it_writes(shipped: Path, run) -> None:
    args = [a.replace("biden, putin", "biden, puttin").replace("[[putin]]", "[[putn]]") for a in GENEVA_AGAIN]
    result = _new(run, shipped, *args)
    assert result.code == 1
    rel = "content/meetings/2021-07-16-second-geneva-talks.yaml"
    assert result.err.splitlines() == [
        f"{rel}: meeting '2021-07-16-second-geneva-talks': field '--participants': "
        "unknown leader 'puttin' (did you mean 'putin'?)",
        f"{rel}: meeting '2021-07-16-second-geneva-talks': field '--summary': "
        "link [[putn]] matches no record (did you mean 'putin'?)",
        "2 problems found; nothing was written.",
    ]
    assert not (shipped / rel).exists()


def test_new_checks_the_quote_against_the_source(shipped: Path, run) -> None:
    args = [a.replace("Think about their summit in Geneva", "Remember their summit in Geneva") for a in GENEVA_AGAIN]
    result = _new(run, shipped, *args)
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/meetings/2021-07-16-second-geneva-talks.yaml: meeting '2021-07-16-second-geneva-talks': "
        "field '--quote': not in the archived text of 'biden-putin-look-at-relationship'; the closest passage, "
        'line 9: "Think about their summit in Geneva in June 2021."',
        "1 problem found; nothing was written.",
    ]


def test_new_refuses_a_likely_duplicate_and_names_the_record(shipped: Path, run) -> None:
    june = [a.replace("2021-07-16", "2021-06-16") for a in GENEVA_AGAIN]
    result = _new(run, shipped, *june)
    assert result.code == 1
    rel = "content/meetings/2021-06-16-second-geneva-talks.yaml"
    assert result.err.splitlines() == [
        f"{rel}: meeting '2021-06-16-second-geneva-talks': likely the same event as "
        "content/meetings/2021-06-geneva-summit.yaml (Geneva summit, June 2021, Geneva): cite your source there "
        "instead; if it is another event, give --distinct-from 2021-06-geneva-summit",
        "1 problem found; nothing was written.",
    ]
    assert not (shipped / rel).exists()
    result = _new(run, shipped, *june, "--distinct-from", "2021-06-geneva-summit")
    assert result.code == 0, result.err
    assert "distinct_from: [2021-06-geneva-summit]\n" in (shipped / rel).read_text(encoding="utf-8")
    assert run("check", "--strict", "--root", shipped).code == 0


def test_new_without_a_terminal_names_the_missing_flags(shipped: Path, run) -> None:
    result = _new(run, shipped, "meeting", "--title", "Talks", "--date", "2022")
    assert result.code == 1
    assert (
        result.err
        == "error: missing --kind, --participants, --summary, --source (or run it in a terminal to be asked)\n"
    )


def test_new_asks_in_a_terminal(shipped: Path, run, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(
        [
            "Emmanuel Macron",
            "",  # the id proposed, macron
            "France",
            "",  # no Wikidata item
            "President of France, met [[putin]].",
            "biden-putin-look-at-relationship",
            "",  # no quote
            "",  # no other citation
        ]
    )
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", fake_input)
    result = _new(run, shipped, "leader")
    assert result.code == 0, result.err
    assert asked == [
        "Full name: ",
        "Id [macron]: ",
        "Country: ",
        "Wikidata item (e.g. Q7747) [optional]: ",
        "Summary, in your own words: ",
        "Source id: ",
        "Quote from the source that supports it [optional]: ",
        "Another source id, for one more citation (Enter: no more) [optional]: ",
    ]
    text = (shipped / "leaders/macron.yaml").read_text()
    assert "name: Emmanuel Macron\ncountry: France\n" in text
    assert run("check", "--root", shipped).code == 0


def test_guide_example_record_is_valid(shipped: Path, run) -> None:
    assert run("generate", "--root", shipped).code == 0
    guide = (shipped / "build/docs/contributing.md").read_text()
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    (shipped / "content/meetings/2021-06-geneva-summit.yaml").unlink()  # the example stands in for it
    (shipped / "content/meetings/2021-06-geneva-summit.yaml").write_text(example)
    result = run("check", "--root", shipped)
    assert result.code == 0, result.err
    assert (
        _validate(
            REPO / "schema/meeting.schema.json", shipped / "content/meetings/2021-06-geneva-summit.yaml"
        ).returncode
        == 0
    )
    assert "| `participants` | list of id | yes |" in guide


def test_schemas_are_published_with_the_site(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    published = {p.name: p.read_text() for p in (small / "build/docs/schema").glob("*.json")}
    assert published == schema_texts()


def _pre_commit(root: Path) -> subprocess.CompletedProcess[str]:
    """As a contributor runs it: no virtual environment activated, no summitry on PATH."""
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if Path(p).resolve() != BIN.resolve())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")} | {"PATH": path}
    assert not shutil.which("summitry", path=path)
    command = [str(BIN / "pre-commit"), "run", "summitry-check", "--all-files", "--color", "never"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def _hook(hook_id: str) -> dict:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    return next(h for repo in config["repos"] for h in repo["hooks"] if h["id"] == hook_id)


def test_pre_commit_hook_installs_what_the_package_needs() -> None:
    hook = _hook("summitry-check")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert hook["language"] == "python"
    assert sorted(hook["additional_dependencies"]) == sorted(project["dependencies"])


def test_pre_commit_hook_runs_summitry_check(shipped: Path) -> None:
    shutil.copy(REPO / ".pre-commit-config.yaml", shipped)
    shutil.copytree(REPO / "builder", shipped / "builder", ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=shipped, check=True)
    subprocess.run([*git, "add", "."], cwd=shipped, check=True)
    ok = _pre_commit(shipped)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "summitry check" in ok.stdout and "Passed" in ok.stdout
    putin = shipped / "leaders/putin.yaml"
    putin.write_text(putin.read_text() + "colour: red\n")
    subprocess.run([*git, "add", "."], cwd=shipped, check=True)
    bad = _pre_commit(shipped)
    assert bad.returncode == 1
    assert "leaders/putin.yaml:" in bad.stdout and "unknown field 'colour'" in bad.stdout


def test_new_refuses_a_reserved_id(shipped: Path, run) -> None:
    result = _new(
        run, shipped, "issue", "--title", "Index", "--summary", "s", "--source", "biden-putin-look-at-relationship"
    )
    assert (result.code, result.out) == (1, "")
    assert result.err == (  # told once, with any other problem (a summary of one letter has none)
        "content/issues/index.yaml: issue 'index': field '--id': the id 'index' is reserved: the section's own "
        "page is issues/index.md; choose another --id\n1 problem found; nothing was written.\n"
    )
    assert not (shipped / "content/issues/index.yaml").exists()
