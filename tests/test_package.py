"""The package as a whole: what its wheel holds, how its stages import, how its tree is documented."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent
BUILDER = REPO / "builder"
README = (REPO / "README.md").read_text(encoding="utf-8")


def _package_files() -> set[str]:
    """Every file of the builder a run may need: its modules, templates and example."""
    return {
        str(p.relative_to(REPO))
        for p in BUILDER.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in {".py", ".j2", ".yaml"}
    }


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_template(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("summitry-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_package_files() - names)
    assert not missing, f"not in the wheel: {missing}"
    assert not [n for n in names if n.startswith(("tests/", "bench/", "content/", "leaders/"))]


def test_the_stages_import_only_from_earlier_stages() -> None:
    """The import-layers contract in pyproject.toml, checked by import-linter."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_every_package_is_a_regular_package() -> None:
    folders = {p.parent for p in BUILDER.rglob("*.py") if "__pycache__" not in p.parts}
    assert sorted(str(f.relative_to(REPO)) for f in folders if not (f / "__init__.py").is_file()) == []


def test_no_assert_guards_a_runtime_condition() -> None:
    """python -O removes assert statements: the builder raises instead."""
    found = []
    for path in sorted(BUILDER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assert):
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_the_readme_layout_table_lists_every_module() -> None:
    table = README.split("| Stage | Modules |", 1)[1].split("\n\n", 1)[0]
    listed = set(re.findall(r"`(builder/[\w/]+\.py)`", table))
    modules = {str(p.relative_to(REPO)) for p in BUILDER.rglob("*.py") if "__pycache__" not in p.parts}
    assert sorted(modules - listed) == [], "modules the README's layout table leaves out"
    assert sorted(listed - modules) == [], "the README's layout table names modules that do not exist"
