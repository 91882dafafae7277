from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from builder.cli import main
from builder.render import track

# Every test runs with the tracking strict, in this process and in the commands it starts: a
# read of the site that no page would notice fails the test instead of leaving a page stale.
os.environ[track.STRICT_ENV] = "1"
track.set_strict(True)

TESTS = Path(__file__).parent
REPO = TESTS.parent
SMALL = TESTS / "fixtures" / "small"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output instead of comparing with it",
    )


MARKERS = {
    "browser": "drives Chromium through Playwright",
    "serve": "runs summitry serve or mkdocs serve and waits on it",
    "slow": "builds a wheel, a virtual environment or large inputs, or makes many random edits",
    "site": "builds sites with MkDocs (or another engine) again and again, to compare them",
}

# Modules whose tests are mostly engine builds: a few seconds each, most of the suite's time.
SITE_BUILDS = {
    "test_site_build.py",
    "test_stopped_runs.py",
    "test_build_folder.py",
    "test_engines.py",
    "test_engine_config.py",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, what in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser, serve and site tests are marked by what they use, so the quick loop can leave
    them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if item.path.name == "test_serve.py":
            item.add_marker(pytest.mark.serve)
        if item.path.name in SITE_BUILDS:
            item.add_marker(pytest.mark.site)


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


def ctrl_c_reaches_it() -> None:
    """For ``preexec_fn``: a child that Ctrl-C reaches, as in a terminal. A test run started in
    the background of a script (``.ci/run &``) has SIGINT ignored, and its children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def copy_shipped(dest: Path) -> Path:
    """A copy of the repository's own knowledge base and site configuration at ``dest``."""
    dest.mkdir(parents=True)
    for name in ("leaders", "content", "overrides"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


# The year headings' ids the one-page listings of the meetings and of the timeline gave on
# the shipped knowledge base (read from a build before the listings were split by year):
# addresses readers may have kept, each of which must still lead to its year's page.
OLD_YEAR_ANCHORS = [
    *(f"meetings/#{year}" for year in (2021, 2018, 2017)),
    *(f"timeline/#{year}" for year in (2014, 2016, 2017, 2018, 2021, 2023)),
]


def replaced(path: Path, old: str, new: str) -> None:
    """Edit a file as a person would: the first ``old`` in it (which must be there) made ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def commit_all(root: Path, day: str) -> None:
    """Commit everything in the git repository at ``root``, dated ``day`` (YYYY-MM-DD)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "add", "."], cwd=root, check=True, env=env)
    subprocess.run([*git, "commit", "-q", "-m", day], cwd=root, check=True, env=env)


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


# The built site in a real browser: Debian's chromium, driven by Playwright.

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = os.environ.get("SUMMITRY_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium); CI installs it")
    return found


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site(built: Path) -> Path:
    return built / "site"


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A folder served over HTTP on a free port, as a static host would: its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def show_scheme(page: object, scheme: str) -> None:
    """Switch a loaded page to the light or the dark palette as the system setting would, and
    wait until the theme has: its first palette follows the system (mkdocs.yml)."""
    page.emulate_media(color_scheme=scheme)  # type: ignore[attr-defined]
    want = "slate" if scheme == "dark" else "default"
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{want}'")  # type: ignore[attr-defined]
