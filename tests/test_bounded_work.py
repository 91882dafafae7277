"""Work that grows with the input, and no faster: record text that once took quadratic time
(unpaired emphasis markers, a mark repeated on one page), and the limits that bound the rest.

Timings are compared as ratios within one run, never against a fixed number: each pattern is
timed at a size and at four times it, and the larger must take well under the sixteen times
that quadratic work would."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from builder.resolve import emphasis
from builder.resolve.prose import prose

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
