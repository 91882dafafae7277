"""What a build says while it runs: the engine's phases and warnings, and how far rendering is."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import _Progress
from builder.incremental.output import Output
from builder.incremental.workers import CHUNK, run

BROKEN_LINK = "---\ntitle: About\n---\n\n# About\n\n[gone](missing.md)\n"


@pytest.mark.parametrize(
    "engine, warning",
    [
        ("mkdocs", "WARNING -  Doc file 'about.md' contains a link 'missing.md'"),
        ("zensical", "Warning: page does not exist"),
    ],
)
def test_no_strict_lets_a_warning_pass_and_shows_it(small: Path, run, engine: str, warning: str) -> None:
    (small / "mkdocs.yml").write_text((small / "mkdocs.yml").read_text() + "strict: true\n")
    (small / "content/pages/about.md").write_text(BROKEN_LINK)
    strict = run("build", "--root", small, "--engine", engine)
    assert strict.code == 1
    assert not (small / "site").exists()
    assert f"error: {engine} build failed; the previous site is unchanged (its output is above)" in strict.err
    loose = run("build", "--root", small, "--engine", engine, "--no-strict")
    assert loose.code == 0, loose.err
    assert warning in loose.err  # the engine's warning, shown (plain, not coloured) although the build passed
    assert "\x1b[" not in loose.err
    assert (small / "site/about/index.html").is_file()


def test_the_engine_phases_are_shown_as_they_come(small: Path, run) -> None:
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert any(line.startswith("INFO") and "Building documentation" in line for line in lines), lines
    assert any("Documentation built in" in line for line in lines), lines
    assert "end of life" not in result.err


def test_a_long_render_reports_every_tenth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    total = 25 * CHUNK  # past the size from which a run counts as long
    jobs = [((f"p{i}.md",), lambda i=i: {f"p{i}.md": f"page {i}\n"}) for i in range(total)]
    output = Output(tmp_path / "docs")
    output.begin({f"p{i}.md" for i in range(total)})
    heard: list[tuple[int, int]] = []
    puts, _ = run(jobs, output, workers=1, progress=lambda done, all_: heard.append((done, all_)))
    assert len(puts) == total
    assert heard == [(n * CHUNK, total) for n in range(1, 26)]
    say = _Progress()
    for done, all_ in heard:
        say(done, all_)
    told = capsys.readouterr().err.splitlines()
    assert told[0] == "rendered 300 of 2,500 pages"
    assert told[-1] == "rendered 2,500 of 2,500 pages"
    assert len(told) == 10


def test_a_short_render_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    say = _Progress()
    for done in range(100, 901, 100):
        say(done, 900)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("workers", [1, 2])
def test_what_each_chunk_read_is_told_as_it_comes_in(tmp_path: Path, workers: int) -> None:
    """The run's process works out the digests of what pages read while the workers render:
    it must hear every chunk's reads, in order, after the jobs it made itself."""
    from builder.render.track import note

    def job(i: int) -> dict[str, str]:
        note(("page", i))
        return {f"p{i}.md": f"page {i}\n"}

    total, here = 12 * CHUNK, 3
    jobs = [((f"p{i}.md",), lambda i=i: job(i)) for i in range(total)]
    output = Output(tmp_path / "docs")
    output.begin({f"p{i}.md" for i in range(total)})
    told: list[list[frozenset[object]]] = []
    _, reads = run(jobs, output, workers=workers, here=here, read=told.append)
    assert [len(chunk) for chunk in told] == [CHUNK] * 11 + [CHUNK - here]
    assert [r for chunk in told for r in chunk] == reads[here:]
    assert reads == [frozenset({("page", i)}) for i in range(total)]
