"""Work that grows with the input, and no faster: record text that once took quadratic time
(unpaired emphasis markers, a mark repeated on one page), and the limits that bound the rest.

Timings are compared as ratios within one run, never against a fixed number: each pattern is
timed at a size and at four times it, and the larger must take well under the sixteen times
that quadratic work would."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SMALL
from hypothesis import given
from hypothesis import strategies as st
from test_errors import ALPHA

from builder.authoring.quote import find
from builder.errors import ValidationFailed
from builder.pipeline import Project, check, generate
from builder.render import time_axis
from builder.render.page_links import MARKS_PER_NOTE
from builder.render.pictures import TIMELINE_MARKS
from builder.resolve import emphasis
from builder.resolve.prose import prose
from builder.resolve.prose_check import parser
from builder.resolve.quotes import Archive

# The rule as one regular expression each, as the builder had it: the reference the linear
# pairing must agree with (it took quadratic time on unpaired markers).
STRONG = re.compile(r"(?<![*_])(\*\*|(?<![^\W_])__)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_])(?![^\W_])")
EMPHASIS = re.compile(r"(?<![*_])(\*|(?<![^\W_])_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*_])(?![^\W_])")


@given(st.text(st.sampled_from(list("*_ ab1é\n.")), max_size=40))
def test_emphasis_pairs_as_the_regular_expressions_did(text: str) -> None:
    for width, pattern in ((2, STRONG), (1, EMPHASIS)):
        assert list(emphasis.pairs(text, width)) == [m.span() for m in pattern.finditer(text)]


def _seconds(work: Callable[[], object]) -> float:
    """The least of three timings: what the work costs, with the least of the machine's noise."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def grows_linearly(make: Callable[[int], Callable[[], object]], size: int) -> float:
    """How many times longer the work takes on four times the input (linear: about 4)."""
    small, large = make(size), make(4 * size)
    return _seconds(large) / max(_seconds(small), 1e-6)


PROSE_PATTERNS = ["*a ", "_a ", "**a ", "__a ", "a_ ", "*a _a ", "[a](", "[[a ", "[a](b ", "![a](b", "\\*", "&a"]


def test_prose_takes_time_linear_in_the_text() -> None:
    def make(pattern: str) -> Callable[[int], Callable[[], object]]:
        return lambda n: lambda: prose(pattern * n, lambda rid, label: rid)

    ratios = {pattern: grows_linearly(make(pattern), 2000) for pattern in PROSE_PATTERNS}
    assert max(ratios.values()) < 8, ratios


def _issue_with(root: Path, developments: int) -> Path:
    """The small knowledge base with an issue of this many developments, all citing one source."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(SMALL, root)
    lines = ["title: Trade", "summary: Tariffs.", "citations: [{source: hearsay}]", "developments:"]
    lines += [f"- {{date: {1990 + i % 30}, text: x, citations: [{{source: hearsay}}]}}" for i in range(developments)]
    (root / "content/issues/trade.yaml").write_text("\n".join(lines) + "\n")
    return root


@pytest.mark.slow  # large inputs, timed at two sizes
def test_a_mark_repeated_on_one_page_takes_time_linear_in_its_uses(tmp_path: Path) -> None:
    """19,000 developments citing one source took six minutes in Python-Markdown's footnotes."""
    pages = {}
    for n in (500, 2000):
        root = _issue_with(tmp_path / str(n), n)
        generate(Project(root), workers=1)
        pages[n] = (root / "build/docs/issues/trade.md").read_text(), parser(root)

    def convert(n: int) -> Callable[[], object]:
        page, md = pages[n]
        return lambda: md.reset().convert(page)

    assert grows_linearly(convert, 500) < 8
    assert pages[2000][0].count("[^1]") == MARKS_PER_NOTE + 1  # its marks, and the footnote itself


@pytest.mark.slow  # large inputs, timed at two sizes
def test_checking_grows_linearly_with_developments_unknown_keys_and_archives(tmp_path: Path) -> None:
    def issue(n: int) -> Callable[[], object]:
        root = _issue_with(tmp_path / f"issue{n}", n)
        return lambda: check(Project(root))

    def unknown_keys(n: int) -> Callable[[], object]:
        root = _issue_with(tmp_path / f"keys{n}", 1)
        (root / "leaders/gamma.yaml").write_text(ALPHA + "".join(f"k{i}: x\n" for i in range(n)))
        return lambda: pytest.raises(ValidationFailed, check, Project(root))

    sentence = "Ada Alpha met Bo Beta in Riverton, and the talks ran long. "

    def archive(n: int) -> Callable[[], object]:
        text = sentence * n  # one long line: the sentence splitter was quadratic in a line's length
        return lambda: (Archive(text), find(text, "Beta in Riverton"))

    ratios = {
        "developments": grows_linearly(issue, 1000),
        "unknown keys": grows_linearly(unknown_keys, 5000),
        "archive": grows_linearly(archive, 5000),
    }
    assert max(ratios.values()) < 8, ratios


def test_a_timeline_picture_draws_at_most_its_limit(tmp_path: Path) -> None:
    """19,000 developments drew viewBox="0 0 24000 380060"; past the limit, a bar per year."""
    root = _issue_with(tmp_path / "kb", TIMELINE_MARKS + 1)
    generate(Project(root), workers=1)
    page = (root / "build/docs/issues/trade.md").read_text()
    wide, narrow = re.findall(r'<svg class="summitry-timeline[^"]*"[^>]* viewBox="0 0 (\d+) (\d+)"', page)
    # a bar for each year (30 of developments, and the summit of 2022), across and down the page
    assert page.count('<rect class="summitry-meeting"') == 2 * 31
    assert int(wide[0]) <= time_axis.MAX_WIDTH and int(wide[1]) < 200
    assert int(narrow[0]) <= time_axis.MAX_WIDTH and int(narrow[1]) < 31 * 40
    bars = [time_axis.Bar(str(year), 1, "./", str(year)) for year in range(1000, 3000)]
    (width, _), _ = re.findall(r'viewBox="0 0 (\d+) (\d+)"', time_axis.bars_svg(bars, "c", "x"))
    assert int(width) <= time_axis.MAX_WIDTH
