"""The pages generated for the small knowledge base, compared byte for byte with tests/golden/.

After an intended change to the output, run `pytest tests/test_golden.py --update-golden`
and review the diff of tests/golden/ like any other change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.render.search_index import FOLDER

GOLDEN = Path(__file__).parent / "golden" / "small"


def _tree(folder: Path) -> dict[str, bytes]:
    """The generated files but the search index: 320 files of data, tested in tests/test_search_index.py."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file())
    return {
        rel: p.read_bytes() for p in files for rel in [p.relative_to(folder).as_posix()] if not rel.startswith(FOLDER)
    }


def test_generated_pages_match_golden(small: Path, run, request: pytest.FixtureRequest) -> None:
    assert run("generate", "--root", small).code == 0
    got = _tree(small / "build" / "docs")
    if request.config.getoption("--update-golden"):
        for stale in set(_tree(GOLDEN)) - set(got) if GOLDEN.exists() else ():
            (GOLDEN / stale).unlink()
        for rel, data in got.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    want = _tree(GOLDEN)
    assert sorted(got) == sorted(want)
    for rel in want:
        assert got[rel].decode() == want[rel].decode(), rel


def test_same_records_give_same_bytes(small: Path, tmp_path: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    first = _tree(small / "build" / "docs")
    # A second knowledge base with the same records, created in the opposite order.
    other = tmp_path / "again"
    for rel, data in reversed(list(_tree(small).items())):
        if not rel.startswith("build/"):
            (other / rel).parent.mkdir(parents=True, exist_ok=True)
            (other / rel).write_bytes(data)
    assert run("generate", "--root", other).code == 0
    assert _tree(other / "build" / "docs") == first
