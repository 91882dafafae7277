"""`summitry serve`: live reload on, a saved record shows up, no reload loop, errors keep the last site."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


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


def _serve(root: Path, *options: str):
    small = root
    port = _free_port()
    log = small.parent / "serve.log"
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
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        base = f"http://127.0.0.1:{port}/"
        try:
            _wait_for(lambda: _get(base) is not None)
            yield base, small, log
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def test_serve_reloads_on_record_change_without_looping(server) -> None:
    base, root, log = server
    page = base + "leaders/gamma/"
    first = _get(page)
    assert first is not None and "Joined the talks in 2022." in first
    assert "livereload" in first  # the reload script is injected whatever click's version

    path = root / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
    _wait_for(lambda: "Joined the talks late." in (_get(page) or ""))

    # No loop: once settled, nothing is regenerated or rebuilt again.
    time.sleep(2)
    settled = log.read_text()
    time.sleep(2)
    later = log.read_text()
    assert later.count("regenerated") == settled.count("regenerated") == 1
    assert settled.count("Building documentation") >= 2  # the first build, and one for the edit
    assert later.count("Building documentation") == settled.count("Building documentation")


def test_serve_reports_errors_and_keeps_the_last_good_site(server) -> None:
    base, root, log = server
    path = root / "leaders" / "gamma.yaml"
    path.write_text(path.read_text().replace("country: Eastland", "country: Eastland\ncolour: blue"))
    _wait_for(lambda: "unknown field 'colour'" in log.read_text())
    assert "leaders/gamma.yaml:3:1: leader 'gamma': field 'colour': unknown field 'colour'" in log.read_text()
    assert "Joined the talks in 2022." in (_get(base + "leaders/gamma/") or "")


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


def test_serve_through_properdocs(small: Path) -> None:
    serving = _serve(small, "--engine", "properdocs")
    base, root, log = next(serving)
    try:
        assert "Joined the talks in 2022." in (_get(base + "leaders/gamma/") or ""), log.read_text()[-2000:]
        path = root / "leaders" / "gamma.yaml"
        path.write_text(path.read_text().replace("Joined the talks in 2022.", "Joined the talks late."))
        _wait_for(lambda: "Joined the talks late." in (_get(base + "leaders/gamma/") or ""))
        assert "regenerated: " in log.read_text()
    finally:
        serving.close()
