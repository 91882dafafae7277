from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ctrl_c_reaches_it

from builder.cli import COMMANDS

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = subprocess.run([sys.executable, "-m", "builder.cli", command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "example:\n  summitry " + command in result.stdout
    assert "--root" in result.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert f"summitry {command}" in README


def test_check_reports_counts(small: Path, run) -> None:
    result = run("check", "--root", small)
    assert (result.code, result.err) == (0, "")
    assert result.out == "ok: 3 leaders, 3 meetings, 2 issues, 2 sources, 3 relations\n"


def test_root_defaults_to_the_current_directory(small: Path, run, monkeypatch) -> None:
    monkeypatch.chdir(small)
    assert run("check").code == 0


def test_installed_console_script_runs() -> None:
    script = Path(sys.executable).parent / "summitry"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "check" in result.stdout and "serve" in result.stdout


def test_readme_record_reference_is_the_generated_one() -> None:
    from builder.render.field_reference import reference_markdown

    section = README.split("## Record reference\n\n", 1)[1]
    intro, tables = section.split("\n\n", 1)
    assert tables == reference_markdown(level=3)


def test_check_json_lists_every_problem_with_its_place(small: Path, run) -> None:
    gamma = small / "leaders" / "gamma.yaml"
    gamma.write_text(gamma.read_text() + "colour: blue\n")
    meeting = small / "content" / "meetings" / "2021-brief-call.yaml"
    meeting.write_text(meeting.read_text().replace("[beta, alpha]", "[beta, alpah]"))
    result = run("check", "--root", small, "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {
            "path": "content/meetings/2021-brief-call.yaml",
            "line": 4,
            "column": 22,
            "kind": "meeting",
            "id": "2021-brief-call",
            "field": "participants[1]",
            "message": "unknown leader 'alpah' (did you mean 'alpha'?)",
        },
        {
            "path": "leaders/gamma.yaml",
            "line": 8,
            "column": 1,
            "kind": "leader",
            "id": "gamma",
            "field": "colour",
            "message": "unknown field 'colour' (did you mean 'country'?)",
        },
    ]


def test_check_json_when_clean(small: Path, run) -> None:
    result = run("check", "--root", small, "--format", "json")
    assert (result.code, json.loads(result.out)) == (0, [])


def test_readme_error_example_is_what_check_prints(shipped: Path, run) -> None:
    geneva = shipped / "content" / "meetings" / "2021-06-geneva-summit.yaml"
    geneva.write_text(geneva.read_text().replace("[biden, putin]", "[biden, puttin]"))
    result = run("check", "--root", shipped)
    example = README.split("```text\n", 1)[1].split("```", 1)[0]
    assert result.err == example


def test_version_is_the_package_version() -> None:
    import tomllib

    declared = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]["version"]
    result = subprocess.run([sys.executable, "-m", "builder.cli", "--version"], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, f"summitry {declared}\n")


NOT_A_KB = (
    "is not a knowledge base: it has no content/ or leaders/ folder; "
    "run summitry in the knowledge base's folder, or name it with --root"
)


@pytest.mark.parametrize("command", ["check", "generate", "build", "serve", "schema"])
def test_a_folder_that_is_not_a_knowledge_base_is_refused(tmp_path: Path, run, monkeypatch, command: str) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Not one\n")  # a config alone is not a knowledge base
    monkeypatch.chdir(tmp_path)
    result = run(command)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: {tmp_path} {NOT_A_KB}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml"]


@pytest.mark.parametrize("command", ["check", "generate", "build", "serve", "schema", "new"])
def test_a_root_that_does_not_exist_is_refused(tmp_path: Path, run, command: str) -> None:
    missing = tmp_path / "no-such-folder"
    args = [command, "--root", missing] + (["source", "--title", "T"] if command == "new" else [])
    result = run(*args)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: {missing}: no such folder; name the knowledge base's folder with --root\n"
    assert not missing.exists()


@pytest.mark.parametrize("command", ["build", "serve"])
def test_rendering_needs_mkdocs_yml(small: Path, run, command: str) -> None:
    (small / "mkdocs.yml").unlink()
    result = run(command, "--root", small)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"error: {small} has no mkdocs.yml: summitry {command} needs one to render the site "
        "(summitry generate writes the pages without it)\n"
    )
    assert not (small / "build").exists()
    assert run("generate", "--root", small).code == 0


def test_new_may_start_a_knowledge_base(tmp_path: Path, run) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"Met the minister.\r\nShe said little.")
    source = ["source", "--title", "Field notes", "--genre", "news-report", "--note", "My own notes."]
    result = run("new", *source, "--archive", notes, "--root", kb)
    assert result.code == 0, result.err
    assert result.out == (
        "wrote content/sources/field-notes.yaml and its archived text content/sources/field-notes.txt, "
        f"the first record of a new knowledge base in {kb}; it passes summitry check\n"
    )
    tmp_path = kb
    assert run("check", "--root", tmp_path).out == "ok: 0 leaders, 0 meetings, 0 issues, 1 sources, 0 relations\n"


def test_root_before_or_after_the_command(small: Path, run) -> None:
    assert run("--root", small, "check").out == run("check", "--root", small).out != ""
    issue = ["new", "issue", "--title", "Roads", "--summary", "s", "--source", "almanac"]
    assert run("--root", small, *issue).out == "wrote content/issues/roads.yaml; it passes summitry check\n"


def _entry(*argv: str, interrupt: bool = False, **popen: object) -> subprocess.Popen[str]:
    """The installed command's entry point, as a shell runs it; ``interrupt``: Ctrl-C once it runs."""
    code = "import os, signal, sys; from builder import cli\n"
    if interrupt:  # as if the user pressed Ctrl-C while the command works
        code += "work = cli.main\ncli.main = lambda: (os.kill(os.getpid(), signal.SIGINT), work())[1]\n"
    code += f"sys.argv = ['summitry', *{list(argv)!r}]; cli.entry()\n"
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_reaches_it, **popen
    )


def test_ctrl_c_ends_any_command_quietly_with_130(small: Path) -> None:
    process = _entry("generate", "--root", str(small), interrupt=True, stdout=subprocess.PIPE)
    out, err = process.communicate(timeout=120)
    assert (process.returncode, out, err) == (130, "", "")


def test_a_reader_that_stops_reading_ends_it_quietly(small: Path) -> None:
    sentences = " ".join(f"Ada Alpha met Bo Beta for the {n}th time in Riverton." for n in range(3000))
    with open(small / "content/sources/almanac.txt", "a", encoding="utf-8") as archive:
        archive.write(sentences + "\n")
    words = ["quote", "almanac", "Alpha met Beta", "--limit", "3000"]
    process = _entry(*words, "--root", str(small), stdout=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    err = process.stderr.read() if process.stderr else ""
    assert (first.startswith("line "), process.wait(timeout=120), err) == (True, 1, ""), first


@pytest.mark.slow
def test_ctrl_c_while_workers_render_ends_quietly_too(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    generator = [sys.executable, str(Path(__file__).parent.parent / "bench" / "generate.py"), str(kb)]
    subprocess.run([*generator, "--meetings", "1200"], check=True, capture_output=True)
    # its own process group, as a terminal's: Ctrl-C reaches the run and each of its workers
    process = _entry("generate", "--jobs", "2", "--root", str(kb), stdout=subprocess.DEVNULL, start_new_session=True)
    assert process.stderr is not None
    told = ""
    while "rendered " not in told:  # the workers are at it
        line = process.stderr.readline()
        assert line, f"generate ended before rendering: {told}"
        told += line
    os.killpg(process.pid, signal.SIGINT)
    rest = process.stderr.read()
    assert (process.wait(timeout=120), "Traceback" in rest, "KeyboardInterrupt" in rest) == (130, False, False), rest
