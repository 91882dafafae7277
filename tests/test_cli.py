from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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
    from builder.reference import reference_markdown

    section = README.split("## Record reference\n\n", 1)[1]
    intro, tables = section.split("\n\n", 1)
    assert tables == reference_markdown(level=3)
