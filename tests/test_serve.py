"""`summitry serve`: live reload on, a saved record shows up, no reload loop, errors keep the last site."""

from __future__ import annotations

import difflib
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import types
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from conftest import ctrl_c_reaches_it

from builder.cli import main
from builder.engines.changes import TRACE
from builder.errors import Stopped


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(predicate, timeout: float = 20.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def server(small: Path):
    yield from _serve(small)


def _serve(root: Path, *options: str, env: dict[str, str] | None = None, up: bool = True):
    """Serve ``root``: (its address, root, the log), once it answers (``up``) or at once;
    every build is traced to ``trace.jsonl`` beside it (unless ``env`` names another file),
    which the tests wait on."""
    small = root
    port = _free_port()
    log = small.parent / "serve.log"
    env = {TRACE: str(small.parent / "trace.jsonl"), **(env or {})}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "builder.cli",
                "serve",
                "--root",
                str(small),
                "--dev-addr",
                f"127.0.0.1:{port}",
                *options,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            if up:
                _wait_for(lambda: _get(base) is not None, 120)
            yield base, small, log
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _lines(trace: Path) -> list[dict]:
    return [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()] if trace.exists() else []


def _shown(lines: list[dict]) -> tuple[list[dict], set[str], set[str]]:
    """The held site's updates among trace lines, and the files the engine rendered or
    copied, and removed, in those lines."""
    updates = [line for line in lines if "resident" in line]
    engine = [line for line in lines if line.get("full") is False]
    made = {f for line in engine for f in (*line.get("rendered", ()), *line.get("copied", ()))}
    return updates, made, {f for line in engine for f in line.get("removed", ())}


def _updated(trace: Path, since: int, timeout: float = 60) -> tuple[dict, list[dict]]:
    """Wait for the next update of the held site after line ``since`` of the trace, and for
    the engine to have rendered (or copied, or removed) every file it wrote or removed: that
    update, and the trace's lines after ``since``."""

    def done() -> bool:
        updates, made, removed = _shown(_lines(trace)[since:])
        return bool(updates) and all(set(u["written"]) <= made and set(u["removed"]) <= removed for u in updates)

    _wait_for(done, timeout)
    lines = _lines(trace)[since:]
    return _shown(lines)[0][0], lines


def test_serve_reloads_on_record_change_without_looping(server) -> None:
    base, root, log = server
    trace = root.parent / "trace.jsonl"
    page = base + "leaders/gamma/"
    first = _get(page)
    assert first is not None and "Joined the talks in 2022." in first
    assert "livereload" in first  # the reload script is injected whatever click's version
    epoch = _epoch(first)

    path = root / "leaders" / "gamma.yaml"
    start = len(_lines(trace))
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
    _wait_for(lambda: "Joined the talks late." in (_get(page) or ""))
    _wait_for(lambda: _reloads(base, epoch))  # a browser showing the page is told to reload
    _updated(trace, start)

    # No loop: a second edit is the second update, and every build the engine made since the
    # first edit rendered what one of the two wrote; the engine's own writes start nothing.
    since = len(_lines(trace))
    path.write_text(path.read_text().replace("Joined the talks late.", "Joined the talks at last."))
    _updated(trace, since)
    updates, _, _ = _shown(_lines(trace)[start:])
    assert len(updates) == 2 and log.read_text().count("regenerated") == 2
    written = {f for u in updates for f in u["written"]}
    builds = [line for line in _lines(trace)[start:] if line.get("full") is False]
    assert builds and all(set(b["rendered"]) | set(b["copied"]) <= written for b in builds)
    assert all(b["rendered"] or b["copied"] or b["removed"] for b in builds)


def _epoch(page: str) -> int:
    """The site's version that the live-reload script in a served page knows."""
    found = re.search(r"livereload\((\d+), \d+\);", page)
    assert found, "no live-reload script in the page"
    return int(found[1])


def _reloads(base: str, epoch: int) -> bool:
    """Whether the server tells a browser at ``epoch`` to reload (it answers a newer epoch
    at once, and holds the request while there is none)."""
    answer = _get(urljoin(base, f"/livereload/{epoch}/1"))
    return answer is not None and int(answer) > epoch


def test_plain_mkdocs_serve_reloads_with_the_click_installed(small: Path) -> None:
    # mkdocs serve's hidden --livereload flag lost its default with click 8.2.2-8.3.x
    # (mkdocs/mkdocs#4032): the script was no longer injected. Our docs with plain `mkdocs serve`.
    assert main(["generate", "--root", str(small)]) == 0
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    # its temporary site where the test's files go: SIGTERM ends mkdocs serve with no cleanup
    env = {**os.environ, "TMPDIR": str(small.parent)}
    with subprocess.Popen(command, cwd=small, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
        try:
            page = f"http://127.0.0.1:{port}/leaders/gamma/"
            _wait_for(lambda: _get(page) is not None)
            epoch = _epoch(_get(page) or "")
            markdown = small / "build" / "docs" / "leaders" / "gamma.md"
            markdown.write_text(markdown.read_text(encoding="utf-8") + "\nEdited by hand.\n", encoding="utf-8")
            _wait_for(lambda: "Edited by hand." in (_get(page) or ""))
            _wait_for(lambda: _reloads(page, epoch))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_serve_reports_errors_and_keeps_the_last_good_site(server) -> None:
    base, root, log = server
    path = root / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("country: Eastland", "country: Eastland\ncolour: blue"))
    _wait_for(lambda: "unknown field 'colour'" in log.read_text())
    assert "leaders/gamma.yaml:3:1: leader 'gamma': field 'colour': unknown field 'colour'" in log.read_text()
    assert "Joined the talks in 2022." in (_get(base + "leaders/gamma/") or "")
    # fixed: the terminal no longer ends with the problem, but says the site is whole again
    path.write_text(path.read_text().replace("colour: blue", "").replace("in 2022.", "in 2023."))
    _wait_for(lambda: "The site is up to date again" in log.read_text())
    told = log.read_text().split("The site shows the last good version.\n", 1)[1]
    assert re.search(r"^The site is up to date again: [1-9]\d* files? changed\.$", told, re.MULTILINE), told
    _wait_for(lambda: "Joined the talks in 2023." in (_get(base + "leaders/gamma/") or ""))


def test_mkdocs_yml_gone_while_serving_is_one_line_and_the_last_site_stays(server, tmp_path: Path) -> None:
    """MkDocs's own watch rebuilds on it: its server printed the traceback of a config file
    that does not exist, and left the site cleared, waiting, until it was back."""
    base, root, log = server
    config = root / "mkdocs.yml"
    aside = tmp_path / "mkdocs.yml"
    config.rename(aside)
    _wait_for(lambda: "mkdocs.yml' does not exist. The site shows the last good version" in log.read_text())
    assert "Joined the talks in 2022." in (_get(base + "leaders/gamma/") or "")
    aside.rename(config)
    path = root / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("in 2022.", "in 2023."))
    _wait_for(lambda: "Joined the talks in 2023." in (_get(base + "leaders/gamma/") or ""), 60)
    assert "Traceback" not in log.read_text()


def test_serve_on_a_taken_port_says_so_in_one_line(small: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # as python3 -m http.server does: every address
        taken.listen()
        port = taken.getsockname()[1]
        serve = ["serve", "--root", str(small), "--dev-addr", f"127.0.0.1:{port}"]
        command = [sys.executable, "-m", "builder.cli", *serve]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: 127.0.0.1:{port} is in use by another program: serve on another address with "
        f"--dev-addr 127.0.0.1:{port + 1}\n"
    )
    assert not (small / "build").exists()  # nothing generated for a preview that cannot be shown


def _indexed(base: str) -> dict[str, str]:
    index = json.loads(_get(base + "search/search_index.json") or "{}")
    pages: dict[str, str] = {}
    for doc in index.get("docs", []):
        page = doc["location"].split("#")[0]
        pages[page] = pages.get(page, "") + " " + doc["text"]
    return pages


def test_dirty_rebuilds_keep_the_search_index_whole(server) -> None:
    base, root, log = server
    before = _indexed(base)
    assert "leaders/gamma/" in before and "issues/trade/" in before and len(before) > 20

    path = root / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
    _wait_for(lambda: "Joined the talks late." in _indexed(base).get("leaders/gamma/", ""))
    assert _indexed(base).keys() == before.keys()  # not just the rebuilt pages

    # A removed record leaves neither its page nor its search entries behind.
    (root / "content" / "issues" / "trade.yaml").unlink()
    meeting = root / "content" / "meetings" / "2022-05-three-way-summit.yaml"
    meeting.write_text(meeting.read_text().replace("[water-rights, trade]", "[water-rights]"))
    water = root / "content" / "issues" / "water-rights.yaml"
    water.write_text(water.read_text().replace("related: [trade]\n", ""))
    # An index that could not be fetched (the server busy rebuilding) is empty: not yet an answer.
    _wait_for(lambda: "issues/trade/" not in (_indexed(base) or {"issues/trade/": ""}))
    assert _indexed(base).keys() == before.keys() - {"issues/trade/"}
    assert "Trade" not in (_get(base + "issues/trade/") or "")


def test_serve_works_with_a_strict_configuration(shipped: Path) -> None:
    # The shipped mkdocs.yml is strict (for CI); a dirty rebuild warns that it is one.
    serving = _serve(shipped)
    base, root, log = next(serving)
    try:
        page = _get(base + "summitry/meetings/2018-helsinki-summit/") or ""
        assert "Helsinki" in page, log.read_text()[-2000:]
        path = root / "content" / "meetings" / "2018-helsinki-summit.yaml"
        path.write_text(path.read_text().replace("\ntitle: ", "\ntitle: Edited ", 1))
        _wait_for(lambda: "Edited " in (_get(base + "summitry/meetings/2018-helsinki-summit/") or ""))
    finally:
        serving.close()


def test_what_a_strict_build_refuses_is_shown_and_said(shipped: Path) -> None:
    """The preview is not strict: it shows a page with a broken link rather than no page. But
    it says what the strict build would refuse, a page left out of the navigation included,
    which the page-by-page path gave no word of (only a full build's navigation said it)."""
    serving = _serve(shipped)
    base, root, log = next(serving)
    try:
        (root / "content/pages/extra.md").write_text("# Extra\n\nA page the navigation leaves out.\n")
        about = root / "content/pages/about.md"
        about.write_text(about.read_text() + "\nSee [missing](nonexistent.md).\n")
        _wait_for(lambda: "refuses the site until they are fixed" in log.read_text(), 120)
        said = log.read_text()
        assert 'but are not included in the "nav" configuration:\n  - extra.md' in said, said[-3000:]
        assert "contains a link 'nonexistent.md', but the target is not found" in said
        # one build or two, as the saves fall: each says it
        assert re.search(r"[12] warnings? above: summitry build, which is strict, refuses the site until", said)
        _wait_for(lambda: "A page the navigation leaves out." in (_get(base + "summitry/extra/") or ""))
    finally:
        serving.close()


def test_serve_through_properdocs(small: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    serving = _serve(small, "--engine", "properdocs", env={TRACE: str(trace)})
    base, root, log = next(serving)
    try:
        assert "Joined the talks in 2022." in (_get(base + "leaders/gamma/") or ""), log.read_text()[-2000:]
        path = root / "leaders" / "gamma.yaml"
        path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
        _wait_for(lambda: "Joined the talks late." in (_get(base + "leaders/gamma/") or ""))
        _updated(trace, 0)
        builds = [line for line in _lines(trace) if "full" in line]
        assert any("leaders/gamma.md" in b.get("rendered", ()) for b in builds if not b["full"])  # page by page
    finally:
        serving.close()


@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_ctrl_c_ends_serve_quietly_with_130(small: Path, tmp_path: Path, engine: str) -> None:
    """Ctrl-C is how a preview is stopped: as with any command, exit status 130, no traceback,
    and the preview's scratch site gone."""
    port, scratch = _free_port(), tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "builder.cli", "serve", "--engine", engine, "--root", str(small)]
    # its own process group, as a terminal's: Ctrl-C reaches the server and any child
    process = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=ctrl_c_reaches_it,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        _wait_for(lambda: _get(f"http://127.0.0.1:{port}/") is not None, 120)
        assert list(scratch.iterdir()), "the preview's site is not where this test looks for it"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, "Traceback" in err, "KeyboardInterrupt" in err) == (130, False, False), err
    assert not list(scratch.iterdir()), "the preview left its scratch site behind"


def _marked(folder: Path, pid: int) -> Path:
    """A folder as serve marks the one it serves from (builder.incremental.scratch), with a page in it."""
    folder.mkdir()
    (folder / ".summitry-build").write_text(f"{pid} {socket.gethostname()}\n", encoding="utf-8")
    (folder / "index.html").write_text("<p>a served page</p>", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("how", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_serve_stopped_by_a_signal_cleans_up_as_ctrl_c_does(small: Path, tmp_path: Path, how, status) -> None:
    """kill (SIGTERM) and a closed terminal (SIGHUP) would end Python with no cleanup: a copy
    of the whole site (hundreds of MB at 10,000 meetings) left in the temporary folder at each
    stop. They end serve as Ctrl-C does; and the folder of a serve killed with -9, which runs
    nothing, is removed by the next serve, while a running one's, and any folder not marked as
    serve's, are left alone."""
    port, scratch = _free_port(), tmp_path / "tmp"
    scratch.mkdir()
    ended = subprocess.Popen(["true"])
    ended.wait()
    killed = _marked(scratch / "summitry-serve-killed", ended.pid)
    running = _marked(scratch / "summitry-serve-running", os.getpid())
    unmarked = scratch / "summitry-serve-someone"
    unmarked.mkdir()
    (unmarked / "index.html").write_text("mine", encoding="utf-8")
    command = [sys.executable, "-m", "builder.cli", "serve", "--root", str(small), "--dev-addr", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(scratch)})
    try:
        _wait_for(lambda: _get(f"http://127.0.0.1:{port}/") is not None, 120)
        served = set(scratch.iterdir()) - {running, unmarked}
        assert len(served) == 1 and killed not in served, served
    finally:
        process.send_signal(how)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, "Traceback" in err) == (status, False), err
    assert sorted(scratch.iterdir()) == sorted([running, unmarked])
    assert (unmarked / "index.html").read_text(encoding="utf-8") == "mine"


# The preview against a clean build. What must differ between the two, and nothing else, is
# normalised: the live-reload script the server adds to each HTML page it serves, and the
# site's address, which serve sets to its own (as `mkdocs serve` does) for canonical links,
# Open Graph URLs and the sitemap.
RELOAD_SCRIPT = re.compile(r"<script>\s*var livereload = function.*?</script>(?=</body>)", re.S)


def _site(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _same_as_a_clean_build(root: Path, base: str, served: Path, tmp: Path) -> None:
    clean = tmp / f"clean-{len(list(tmp.glob('clean-*')))}"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("build", "site"))
    assert main(["build", "--root", str(clean)]) == 0
    ours, theirs = _site(served), _site(clean / "site")
    assert "searchindex/t00.json" in theirs  # the search index too, as each save left it
    assert sorted(ours) == sorted(theirs)  # no page missing, none left over
    deployed = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
    for name, want in theirs.items():
        got = ours[name]
        if name.endswith(".html"):
            url = base + ("" if name == "index.html" else name.removesuffix("index.html"))
            got = RELOAD_SCRIPT.sub("", _get(url) or "", count=1).encode("utf-8")
        elif name.endswith(".gz"):
            got, want = gzip.decompress(got), gzip.decompress(want)
        got = got.replace(base.encode(), deployed.encode())
        assert got == want, (name, _difference(got, want))
    index = json.loads(ours["search/search_index.json"])
    assert index == json.loads(theirs["search/search_index.json"])  # as data, too
    assert len(index["docs"]) > 30


def _difference(got: bytes, want: bytes) -> list[str]:
    """The lines that differ, for a failure one can read."""
    lines = difflib.unified_diff(want.decode(errors="replace").splitlines(), got.decode(errors="replace").splitlines())
    return [line[:200] for line in lines][:20]


def _docs(root: Path) -> dict[str, bytes]:
    return _site(root / "build" / "docs")


def test_the_preview_renders_only_what_changed_and_equals_a_clean_build(shipped: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    serving = _serve(shipped, env={TRACE: str(trace)})
    base, root, log = next(serving)
    base += "summitry/"
    meetings = root / "content" / "meetings"
    try:
        first = next(line for line in _lines(trace) if "full" in line)
        assert first["full"]
        served = Path(first["site"])

        def change(action: Callable[[], object], page: str, shows: str | None) -> tuple[list[str], list[str]]:
            """Do ``action`` until ``page`` shows ``shows`` (None: until it is gone); the pages
            the preview rendered for it, and those whose Markdown changed."""
            before, done = _docs(root), len(_lines(trace))
            action()
            _wait_for(lambda: (_get(base + page) is None) if shows is None else shows in (_get(base + page) or ""), 60)
            _, lines = _updated(trace, done)
            after = _docs(root)
            builds = [line for line in lines if "full" in line]
            assert builds and not any(b["full"] for b in builds), log.read_text()[-3000:]
            rendered = sorted(page for b in builds for page in b["rendered"])
            changed = sorted(n for n, data in after.items() if n.endswith(".md") and before.get(n) != data)
            return rendered, changed

        def edit(path: Path, old: str, new: str) -> Callable[[], object]:
            return lambda: path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

        helsinki = meetings / "2018-helsinki-summit.yaml"
        page = "meetings/2018-helsinki-summit/"
        rendered, changed = change(
            edit(helsinki, "title: Helsinki summit", "title: Helsinki talks"), page, "Helsinki talks"
        )
        assert rendered == changed  # each changed page once, and no other
        assert "meetings/2018-helsinki-summit.md" in changed and "leaders/trump.md" in changed and len(changed) < 20
        biden = root / "leaders" / "biden.yaml"
        rendered, changed = change(
            edit(biden, "weight on alliances", "long weight on alliances"), "leaders/biden/", "long weight"
        )
        assert rendered == changed and "leaders/biden.md" in changed

        osaka = meetings / "2019-06-osaka-g20.yaml"
        text = (meetings / "2017-07-hamburg-g20.yaml").read_text(encoding="utf-8")
        text = text.replace("First meeting, Hamburg G20 summit", "At the G20 summit in Osaka")
        rendered, changed = change(
            lambda: osaka.write_text(text.replace("date: 2017-07", "date: 2019-06")),
            "meetings/2019-06-osaka-g20/",
            "Osaka",
        )
        assert rendered == changed and "meetings/2019-06-osaka-g20.md" in changed
        _same_as_a_clean_build(root, base, served, tmp_path)

        rendered, changed = change(osaka.unlink, "meetings/2019-06-osaka-g20/", None)
        assert rendered == changed and "leaders/trump.md" in changed
        _same_as_a_clean_build(root, base, served, tmp_path)
    finally:
        serving.close()


def test_what_the_preview_cannot_do_page_by_page_is_a_full_build(small: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    serving = _serve(small, env={TRACE: str(trace)})
    base, root, log = next(serving)
    try:
        config = root / "mkdocs.yml"  # every page shows the site's name
        config.write_text(config.read_text(encoding="utf-8").replace("site_name: Small", "site_name: Renamed"))
        _wait_for(lambda: "Renamed" in (_get(base + "leaders/gamma/") or "") and "Renamed" in (_get(base) or ""), 60)
        builds = [line for line in _lines(trace) if "full" in line]
        assert [b["full"] for b in builds].count(True) == 2, log.read_text()[-3000:]
    finally:
        serving.close()


def test_a_template_that_reads_every_page_makes_each_preview_build_full(shipped: Path, tmp_path: Path) -> None:
    """An override that reads ``pages`` shows on each page what every other is: the preview,
    which renders only the pages that changed, makes each build a full one, and says why."""
    head = shipped / "overrides/partials/summitry-head.html"
    head.write_text(head.read_text(encoding="utf-8") + '<meta name="pages" content="{{ pages | length }}">\n')
    trace = tmp_path / "trace.jsonl"
    serving = _serve(shipped, env={TRACE: str(trace)})
    base, root, log = next(serving)
    base += "summitry/"
    try:
        assert "reads `pages`, every page of the site: each change is a full build" in log.read_text()
        meeting = root / "content/meetings/2018-helsinki-summit.yaml"
        meeting.write_text(
            meeting.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks")
        )
        _wait_for(lambda: "Helsinki talks" in (_get(base + "meetings/2018-helsinki-summit/") or ""), 60)
        _wait_for(lambda: len([line for line in _lines(trace) if "full" in line]) >= 2, 60)
        builds = [line for line in _lines(trace) if "full" in line]
        assert all(b["full"] for b in builds), log.read_text()[-3000:]
    finally:
        serving.close()


def test_serve_started_on_an_error_waits_for_the_fix_and_then_serves_it(small: Path) -> None:
    """A record with an error when serve starts (or saved during its first run) is told as
    check tells it, and serve waits: once the fix is saved, it serves the site with it.
    Before, it ended with status 1, and the fix saved next was never shown (a helper found it)."""
    meeting = small / "content/meetings/2020-03-03-riverton-talks.yaml"
    good = meeting.read_text(encoding="utf-8")
    meeting.write_text(good.replace("participants: [alpha, beta]", "participants: [alpha, nobody]"), encoding="utf-8")
    serving = _serve(small, up=False)
    base, root, log = next(serving)
    try:
        _wait_for(lambda: "starts serving once this is fixed" in log.read_text(), 60)
        assert "unknown leader 'nobody'" in log.read_text()
        assert "last good version" not in log.read_text()  # there is none yet
        meeting.write_text(good.replace("title: Riverton talks", "title: Riverton talks, fixed"), encoding="utf-8")
        _wait_for(lambda: "Riverton talks, fixed" in (_get(base + "meetings/2020-03-03-riverton-talks/") or ""), 120)
    finally:
        serving.close()


def test_a_save_during_the_first_build_is_shown_once_it_ends(shipped: Path) -> None:
    trace = shipped.parent / "trace.jsonl"
    serving = _serve(shipped, up=False)
    base, root, log = next(serving)
    try:
        # generate has ended and MkDocs's first build (seconds, on the shipped site) begins
        _wait_for(lambda: any("generated" in line for line in _lines(trace)), 120)
        with open(trace, "a", encoding="utf-8") as mark:
            mark.write(json.dumps({"test": "saved"}) + "\n")
        path = root / "content" / "meetings" / "2018-helsinki-summit.yaml"
        path.write_text(path.read_text().replace("\ntitle: ", "\ntitle: Saved early ", 1))
        page = base + "summitry/meetings/2018-helsinki-summit/"
        _wait_for(lambda: "Saved early" in (_get(page) or ""), 120)
        kinds = ("full", "resident", "generated", "test")

        def order() -> list[str]:
            return [next(kind for kind in kinds if kind in line) for line in _lines(trace)]

        _wait_for(lambda: "resident" in order())  # the update's line comes once its exports are made
        assert order().index("generated") < order().index("test") < order().index("full"), order()  # saved during it
        assert order().index("full") < order().index("resident")  # and taken after it
    finally:
        serving.close()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop is the point
def test_a_stop_dropped_in_a_finalizer_is_raised_again_while_serving() -> None:
    """A signal's handler runs wherever the main thread is; in a ``__del__`` or a weakref's
    callback, what it raises is printed as "Exception ignored" and dropped (a serve under
    test went on serving after SIGTERM so). While the server's loop runs (MkDocs's own, here
    with a stand-in for the server), the stop is raised again until it is taken."""
    from mkdocs.livereload import LiveReloadServer

    from builder import engines, serve

    mkdocs = engines.engine("mkdocs")

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, inside __del__

    def build() -> None:  # a rebuild, in the thread that serves
        assert mkdocs.serving()
        Finalized()  # made and dropped: its __del__ runs now, and the Stopped is lost
        for _ in range(100):
            time.sleep(0.1)
        server._shutdown = True  # never stopped: the loop ends, and the test fails

    condition = threading.Condition()
    server = types.SimpleNamespace(
        _rebuild_cond=condition, _epoch_cond=condition, _want_rebuild=True, _shutdown=False,
        shutdown_delay=0.1, build_delay=0.01, builder=build,
    )  # fmt: skip
    assert not mkdocs.serving()
    start = time.monotonic()
    with pytest.raises(Stopped) as stopped, serve._stopped_as_by_ctrl_c():
        serve._stopping.serving = mkdocs.serving
        LiveReloadServer._build_loop(server)  # type: ignore[arg-type]
    assert stopped.value.signum == signal.SIGTERM and time.monotonic() - start < 5
