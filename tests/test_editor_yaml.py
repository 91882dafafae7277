"""The editor and the builder read a record alike: yaml-language-server (VS Code's YAML),
driven for real over its protocol, flags exactly what `summitry check` refuses."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsp import SERVER, YamlServer

from builder.records.kinds import KINDS
from builder.render.json_schema import modeline

REPO = Path(__file__).parent.parent


def _editor_settings() -> dict[str, object]:
    """.vscode/settings.json as the YAML extension hands it to the server: 'yaml.x' -> x."""
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text())
    return {key.removeprefix("yaml."): value for key, value in settings.items() if key.startswith("yaml.")}


@pytest.fixture(scope="module")
def server() -> Iterator[YamlServer]:
    if not SERVER.is_file() or not shutil.which("node"):
        pytest.skip("yaml-language-server not installed (npm ci); CI installs it")
    started = YamlServer(REPO, _editor_settings())
    yield started
    started.close()


def test_the_editor_reads_records_as_yaml_1_2() -> None:
    assert _editor_settings()["yamlVersion"] == "1.2"


def test_every_shipped_record_is_clean_in_the_editor(server: YamlServer) -> None:
    paths = sorted(p for kind in KINDS.values() for p in (REPO / kind.folder).glob("*.yaml"))
    assert len(paths) >= 15
    found = server.problems({p: p.read_text(encoding="utf-8") for p in paths})
    assert {p.relative_to(REPO).as_posix(): d for p, d in found.items() if d} == {}


TEXT = ["NO", "no", "No", "yes", "YES", "on", "Off", "y", "N", '"NO"', "'yes'", "1:30", "2021-06-16"]
NOT_TEXT = ["true", "False", "null", "1984", "0o17", "0x1F", "1e5", ".inf", "~"]


def test_editor_and_check_agree_on_what_is_text(server: YamlServer, shipped: Path, run) -> None:
    values = {REPO / "leaders" / f"probe-{n}.yaml": value for n, value in enumerate(TEXT + NOT_TEXT)}
    documents = {
        path: f"{modeline('leader')}\nname: Probe\ncountry: {value}\nsummary: s.\n"
        "citations:\n  - source: biden-putin-look-at-relationship\n"
        for path, value in values.items()
    }
    flagged = {values[path] for path, found in server.problems(documents).items() if found}
    refused = set()
    for path, text in documents.items():
        (shipped / "leaders" / path.name).write_text(text, encoding="utf-8")
        if run("check", "--root", shipped).code != 0:
            refused.add(values[path])
        os.remove(shipped / "leaders" / path.name)
    assert refused == set(NOT_TEXT)
    assert flagged == refused
