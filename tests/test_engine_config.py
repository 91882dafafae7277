"""mkdocs.yml as Material's docs write it: Python tags and !ENV, read by the builder and every engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from builder import cli
from builder.cli import main
from builder.errors import SummitryError
from builder.pipeline import Project
from builder.records.site_config import Opaque, load, site_config
from builder.render.search_index import FOLDER
from builder.resident import Resident
from builder.serve import Tell, _update

RECIPE = """\
site_name: Small
site_url: !ENV [SUMMITRY_TEST_URL, 'https://example.org/small/']
repo_url: https://example.org/kb
edit_uri: edit/main/
docs_dir: build/docs
site_dir: site
theme:
  name: material
  font: false
markdown_extensions:
  - toc
  - tables
  - def_list
  - footnotes
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


@pytest.fixture
def recipe(small: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small knowledge base with Material's emoji recipe, an !ENV address and an emoji to draw."""
    monkeypatch.delenv("SUMMITRY_TEST_URL", raising=False)
    (small / "mkdocs.yml").write_text(RECIPE)
    home = small / "content" / "pages" / "index.md"
    home.write_text(home.read_text() + "\nA smile: :smile:\n")
    return small


def test_the_builder_reads_the_recipe(recipe: Path) -> None:
    config = site_config(recipe / "mkdocs.yml", "Summitry")
    assert config.site_url == "https://example.org/small/"
    assert config.edit_base == "https://example.org/kb/edit/main/"
    assert config.extensions == ("def_list", "footnotes", "pymdownx.emoji", "tables", "toc")
    emoji = load(recipe / "mkdocs.yml")["markdown_extensions"][4]["pymdownx.emoji"]
    assert emoji["emoji_index"] == Opaque("tag:yaml.org,2002:python/name:material.extensions.emoji.twemoji")


def test_env_values_resolve_as_mkdocs_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECOND", "https://second.example/")
    monkeypatch.setenv("FLAG", "true")
    monkeypatch.delenv("FIRST", raising=False)
    monkeypatch.delenv("UNSET", raising=False)
    path = tmp_path / "mkdocs.yml"
    path.write_text(
        "site_url: !ENV [FIRST, SECOND, 'https://default.example/']\n"
        "strict: !ENV FLAG\n"
        "site_name: !ENV UNSET\n"
        "repo_url: !ENV [UNSET, 'https://default.example/repo']\n"
    )
    assert load(path) == {
        "site_url": "https://second.example/",
        "strict": True,  # typed as YAML would type it
        "site_name": None,
        "repo_url": "https://default.example/repo",
    }


def test_inherited_settings_are_merged_as_mkdocs_merges_them(tmp_path: Path) -> None:
    """``INHERIT:`` as MkDocs reads it (its own loader is the reference): the file named beside
    the one naming it, its own INHERIT followed, mappings merged and anything else replaced."""
    from mkdocs.utils.yaml import yaml_load

    (tmp_path / "base").mkdir()
    (tmp_path / "base/root.yml").write_text("site_name: Root\ntheme: {name: material, language: fr}\nnav: [a.md]\n")
    (tmp_path / "base/mid.yml").write_text(
        "INHERIT: root.yml\nrepo_url: https://example.org/kb\ntheme: {palette: {scheme: slate}}\n"
    )
    path = tmp_path / "mkdocs.yml"
    path.write_text("INHERIT: base/mid.yml\nsite_name: Child\nnav: [b.md]\ntheme: {language: de}\n")
    with open(path, "rb") as handle:
        expected = yaml_load(handle)
    assert load(path) == expected
    assert expected["theme"] == {"name": "material", "language": "de", "palette": {"scheme": "slate"}}
    (tmp_path / "base/root.yml").write_text("INHERIT: ../mkdocs.yml\n")
    with pytest.raises(SummitryError, match="leads back to a file it inherits from"):
        load(path)


def test_a_setting_changed_in_an_inherited_file_reaches_the_pages(small: Path, run) -> None:
    """The edit links come from repo_url and edit_uri, here kept in a file mkdocs.yml
    inherits, outside the knowledge base: changing only that file is a change of the settings."""
    config = small / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    shared = small.parent / "shared.yml"
    shared.write_text("repo_url: https://example.org/kb\nedit_uri: edit/main/\n", encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith(("repo_url:", "edit_uri:"))]
    config.write_text("INHERIT: ../shared.yml\n" + "\n".join(kept) + "\n", encoding="utf-8")
    page = small / "build/docs/leaders/alpha.md"
    assert run("generate", "--root", small).code == 0
    assert "https://example.org/kb/edit/main/leaders/alpha.yaml" in page.read_text(encoding="utf-8")
    shared.write_text("repo_url: https://example.org/moved\nedit_uri: edit/main/\n", encoding="utf-8")
    result = run("generate", "--root", small)
    assert result.code == 0 and result.err == "full run: mkdocs.yml changed since the last run\n", result.err
    assert "https://example.org/moved/edit/main/leaders/alpha.yaml" in page.read_text(encoding="utf-8")


def test_a_configuration_that_is_not_yaml_is_one_line_saying_where(small: Path, run) -> None:
    """The parser's own message spans several lines (shown as \\n in one); the error names the
    file, line and column, and what the parser expected."""
    (small / "mkdocs.yml").write_text("site_name: Small\nnav: [index.md\n", encoding="utf-8")
    result = run("check", "--root", small)
    assert result.code != 0
    assert result.err == (
        f"error: {small / 'mkdocs.yml'}:3:1: not valid YAML: expected ',' or ']', but got '<stream end>' "
        "(while parsing a flow sequence, line 2)\n"
    )


@pytest.mark.parametrize("what", ["pipe", "device", "large", "nested", "inherits-a-pipe"])
def test_a_configuration_that_cannot_be_read_is_one_line_not_a_hang(small: Path, run, what: str) -> None:
    """A named pipe hung check and generate; a link to /dev/zero read until memory ran out (24 GB,
    killed), and so did a large file; deep nesting was a RecursionError's traceback."""
    config = small / "mkdocs.yml"
    kept = config.read_text(encoding="utf-8")
    config.unlink()
    if what == "pipe":
        os.mkfifo(config)
    elif what == "device":
        config.symlink_to("/dev/zero")
    elif what == "large":
        with open(config, "wb") as handle:
            handle.truncate(2_000_000_000)  # sparse: no disk is used
    elif what == "nested":
        config.write_text(kept + "extra: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    else:
        os.mkfifo(small / "shared.yml")
        config.write_text("INHERIT: shared.yml\n" + kept, encoding="utf-8")
    said = {
        "pipe": f"{config}: cannot read it: not a regular file",
        "device": f"{config}: cannot read it: not a regular file",
        "large": f"{config}: cannot read it: larger than 1,000,000 bytes",
        "nested": f"{config}: cannot read it: its values are nested too deeply",
        "inherits-a-pipe": f"{config}: the configuration it inherits, 'shared.yml', is not a file at "
        + str(small / "shared.yml"),
    }[what]
    for command in ("check", "generate"):
        result = run(command, "--root", small)  # the fixture's runner has a time limit of its own
        assert (result.code, result.err) == (1, f"error: {said}\n"), result.err


def test_env_values_reach_the_pages_and_a_change_regenerates(recipe: Path, run, monkeypatch) -> None:
    feed = recipe / "build" / "docs" / "data" / "meetings.atom"
    assert run("generate", "--root", recipe).code == 0
    assert "https://example.org/small/meetings/" in feed.read_text()
    # The file is unchanged, the environment is not: this run must not be skipped.
    monkeypatch.setenv("SUMMITRY_TEST_URL", "https://env.example/kb/")
    result = run("generate", "--root", recipe)
    assert result.code == 0 and " 0 written" not in result.out
    assert "https://env.example/kb/meetings/" in feed.read_text()


@pytest.mark.parametrize("engine", ["mkdocs", "zensical", "properdocs"])
def test_every_engine_builds_the_recipe(recipe: Path, engine: str) -> None:
    written = (recipe / "mkdocs.yml").read_bytes()
    assert main(["build", "--root", str(recipe), "--engine", engine]) == 0
    home = (recipe / "site" / "index.html").read_text()
    assert 'class="twemoji"' in home and "<svg" in home  # the recipe was applied, not dropped
    assert (recipe / "mkdocs.yml").read_bytes() == written
    assert sorted(p.name for p in recipe.iterdir() if p.name.startswith(".summitry")) == []


CANARY = """\
from pathlib import Path
Path(__file__).with_name("imported").touch()
def run(*args):
    Path(__file__).with_name("called").touch()
class Thing:
    def __init__(self, *args):
        run()
"""


def test_a_tag_naming_code_is_never_imported_or_run(small: Path, tmp_path: Path, monkeypatch, run) -> None:
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "summitry_canary.py").write_text(CANARY)
    monkeypatch.syspath_prepend(str(canary))
    shell = tmp_path / "shell-ran"
    config = small / "mkdocs.yml"
    config.write_text(
        config.read_text()
        + "extra:\n"
        + "  name: !!python/name:summitry_canary.run\n"
        + "  module: !!python/module:summitry_canary\n"
        + "  apply: !!python/object/apply:summitry_canary.run [x]\n"
        + "  object: !!python/object:summitry_canary.Thing {a: 1}\n"
        + "  new: !!python/object/new:summitry_canary.Thing [1]\n"
        + f"  shell: !!python/object/apply:os.system ['touch {shell}']\n"
        + "  custom: !Unknown {x: 1}\n"
    )
    extra = load(config)["extra"]
    assert all(isinstance(value, Opaque) for value in extra.values())
    assert extra["shell"].tag == "tag:yaml.org,2002:python/object/apply:os.system"
    assert run("generate", "--root", small).code == 0
    assert "summitry_canary" not in sys.modules
    assert sorted(p.name for p in canary.iterdir()) == ["summitry_canary.py"]
    assert not shell.exists()


def _generate_json(root: Path) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "builder.cli", "generate", "--format", "json", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_generate_reports_to_serve_as_json(recipe: Path) -> None:
    code, first = _generate_json(recipe)
    assert code == 0 and first["ok"] and first["problems"] == [] and first["error"] is None
    assert "leaders/gamma.md" in first["written"] and first["removed"] == []
    code, again = _generate_json(recipe)
    assert code == 0 and again["written"] == [] and again["unchanged"] == len(first["written"])

    gamma = recipe / "leaders" / "gamma.yaml"
    gamma.write_text(gamma.read_text().replace("country: Eastland", "country: Eastland\ncolour: blue"))
    code, failed = _generate_json(recipe)
    assert code == 1 and not failed["ok"]
    assert [(p["path"], p["line"], p["field"]) for p in failed["problems"]] == [("leaders/gamma.yaml", 3, "colour")]


def test_serve_tells_what_each_update_did(recipe: Path, capsys: pytest.CaptureFixture[str]) -> None:
    resident = Resident(Project(recipe), cli._warn, cli._note)
    resident.start()
    tell = Tell(cli._warn, cli._note, cli._refused_while_serving)
    told: list[list[str]] = []
    capsys.readouterr()
    assert _update(resident, told.append, tell, None) == (False, False)  # (changed, refused)
    assert capsys.readouterr().err == "" and told == []  # nothing changed, nothing to tell
    gamma = recipe / "leaders" / "gamma.yaml"
    good = gamma.read_text().replace("Joined the talks", "Joined the long talks")
    gamma.write_text(good)
    assert _update(resident, told.append, tell, {"leaders/gamma.yaml"}) == (True, False)
    # the page, told first; then with the exports that hold the summary, and the search index's
    # files of the new word and of those that show the summary
    search = [rel for rel in told[1] if rel.startswith(FOLDER)]
    assert search and capsys.readouterr().err.endswith(f"regenerated: {3 + len(search)} written, 0 removed\n")
    assert told == [["leaders/gamma.md"], ["leaders/gamma.md", "data/leaders.csv", "data/summitry.json", *search]]
    gamma.write_text("name: [")
    assert _update(resident, told.append, tell, {"leaders/gamma.yaml"}) == (True, True)
    assert capsys.readouterr().err == (  # as check says it, and that the site is as it was
        "leaders/gamma.yaml:2:1: leader 'gamma': YAML syntax error: while parsing a flow node "
        "did not find expected node content\n1 problem found; nothing was written.\n"
        "The site shows the last good version.\n"
    )
    assert _update(resident, told.append, tell, None, recovering=True) == (False, True)  # said once
    assert capsys.readouterr().err == ""
    gamma.write_text(good)  # as the site has it: whole again, with nothing to write
    assert _update(resident, told.append, tell, {"leaders/gamma.yaml"}, recovering=True) == (True, False)
    assert capsys.readouterr().err == "The site is up to date again: 0 files changed.\n"
    gamma.write_text("name: [")
    assert _update(resident, told.append, tell, {"leaders/gamma.yaml"}) == (True, True)
    capsys.readouterr()
    gamma.write_text(good.replace("Joined the long talks", "Joined the talks at last"))
    assert _update(resident, told.append, tell, {"leaders/gamma.yaml"}, recovering=True) == (True, False)
    n = 3 + len([rel for rel in told[-1] if rel.startswith(FOLDER)])  # the page, the JSON, the CSV; the index
    assert capsys.readouterr().err == (
        f"regenerated: {n} written, 0 removed\nThe site is up to date again: {n} files changed.\n"
    )


def test_zensicals_configuration_never_goes_through_a_planted_link(tmp_path: Path, monkeypatch) -> None:
    """The configuration Zensical is given is made beside mkdocs.yml, in the knowledge base's
    folder, which a pull request can fill with links: one planted under the name it had would
    have had the configuration written, then removed, wherever it points."""
    from builder.engines import zensical

    root = tmp_path / "kb"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Small\n", encoding="utf-8")
    victim = tmp_path / "outside.txt"
    victim.write_text("precious", encoding="utf-8")
    (root / ".summitry-engine.yml").symlink_to(victim)
    seen: list[tuple[Path, str]] = []

    def engine_run(name: str, command: list[str], cwd: Path, *rest: object) -> object:
        config = Path(command[command.index("--config-file") + 1])
        seen.append((config, config.read_text(encoding="utf-8")))
        return "ran"

    monkeypatch.setattr(zensical, "run", engine_run)
    for _ in range(2):
        assert zensical.Zensical().build(root, root / "mkdocs.yml", tmp_path / "site", True) == "ran"
    assert victim.read_text(encoding="utf-8") == "precious" and (root / ".summitry-engine.yml").is_symlink()
    (first, text), (second, _) = seen
    assert first.parent == root and first != second  # beside mkdocs.yml, under a name made anew each time
    assert text == f'INHERIT: "mkdocs.yml"\nsite_dir: {json.dumps(str(tmp_path / "site"))}\nstrict: true\n'
    assert sorted(p.name for p in root.iterdir()) == [".summitry-engine.yml", "mkdocs.yml"]  # and removed after


def test_a_killed_builds_zensical_configuration_is_removed_by_the_next(tmp_path: Path, monkeypatch) -> None:
    """A build killed with -9 ran no cleanup: its configuration stayed beside mkdocs.yml for
    good, where a commit would take it. The next build removes it once its process has ended;
    never a running build's, nor a link of that name."""
    from builder.engines import zensical

    root = tmp_path / "kb"
    root.mkdir()
    (root / "mkdocs.yml").write_text("site_name: Small\n", encoding="utf-8")
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = root / f".summitry-engine-{gone.pid}-0123456789abcdef.yml"
    live = root / f".summitry-engine-{os.getpid()}-0123456789abcdef.yml"
    link = root / f".summitry-engine-{gone.pid}-fedcba9876543210.yml"
    for left in (dead, live):
        left.write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
    link.symlink_to(tmp_path / "elsewhere")
    commands: list[list[str]] = []
    monkeypatch.setattr(zensical, "run", lambda name, command, *rest: commands.append(command) or "ran")
    assert zensical.Zensical().build(root, root / "mkdocs.yml", tmp_path / "site", True) == "ran"
    assert not dead.exists() and live.is_file() and link.is_symlink()
    # and Zensical is started tied to this build: it ends with it
    assert commands[0][:5] == [sys.executable, "-P", "-m", "builder.engines.tied", str(os.getpid())]
