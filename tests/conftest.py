from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.cli import main

TESTS = Path(__file__).parent
REPO = TESTS.parent
SMALL = TESTS / "fixtures" / "small"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing with it",
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI a skipped test is a failure: what needs a browser or a tool must run there."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """Run the summitry CLI in-process and capture what it prints."""

    def _run(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A scratch copy of the small fixture knowledge base."""
    dest = tmp_path / "kb"
    shutil.copytree(SMALL, dest, ignore=shutil.ignore_patterns("build", "site"))
    return dest


def copy_shipped(dest: Path) -> Path:
    """A copy of the repository's own knowledge base and site configuration at ``dest``."""
    dest.mkdir(parents=True)
    for name in ("leaders", "content", "overrides"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A scratch copy of the shipped knowledge base, for tests that change it."""
    return copy_shipped(tmp_path / "shipped")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base built once into a site by `summitry build` (MkDocs, strict)."""
    root = copy_shipped(tmp_path_factory.mktemp("built") / "kb")
    assert main(["build", "--root", str(root)]) == 0
    return root
