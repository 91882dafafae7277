"""Advice on statements that may say more than their quotes: warnings for a human, never errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from builder.resolve.advice import _same, meaningful, shared, superlatives, unsupported_superlatives
from builder.resolve.marks import OLD_FORM

# The summary's first sentence is what its quote says; its second sentence is not, which a
# comparison of the whole summary with its quotes would not see.
TRADE = """title: Trade
summary: >-
  Water rights remained a sticking point. [@water] It is the oldest quarrel on the river.
  [@water]
positions:
  beta:
    text: Always wants lower tariffs. [@met]
    citations:
      - key: met
        source: almanac
        quote: They met again in 2021 - briefly
citations:
  - key: water
    source: almanac
    quote: Water rights remained the sticking point.
"""
ADVICE = [
    "warning: content/issues/trade.yaml:3:52: issue 'trade': field 'summary': says 'the oldest', "
    "which none of its quotes says",
    "warning: content/issues/trade.yaml:3:52: issue 'trade': field 'summary': the quote of [@water] shares "
    "no meaningful word with the statement it is marked on "
    "(quote: water, rights, remained, sticking, point; statement: oldest, quarrel, river)",
    "warning: content/issues/trade.yaml:7:11: issue 'trade': field 'positions.beta.text': says 'always', "
    "which none of its quotes says",
    "warning: content/issues/trade.yaml:7:11: issue 'trade': field 'positions.beta.text': the quote of [@met] "
    "shares no meaningful word with the statement it is marked on "
    "(quote: met, 2021, briefly; statement: always, wants, lower, tariffs)",
]
# The same record before marks: one warning that says how to convert it, and the advice of
# before, each text against all its part's quotes.
TRADE_BEFORE_MARKS = """title: Trade
summary: The oldest quarrel on the river.
positions:
  beta:
    text: Always wants lower tariffs.
    citations:
      - source: almanac
        quote: They met again in 2021 - briefly
citations:
  - source: almanac
    quote: Water rights remained the sticking point.
"""
ADVICE_BEFORE_MARKS = [
    "warning: content/issues/trade.yaml:9:1: issue 'trade': field 'citations': " + OLD_FORM,
    "warning: content/issues/trade.yaml:2:10: issue 'trade': field 'summary': says 'the oldest', "
    "which none of its quotes says",
    "warning: content/issues/trade.yaml:5:11: issue 'trade': field 'positions.beta.text': says 'always', "
    "which none of its quotes says",
    "warning: content/issues/trade.yaml:8:16: issue 'trade': field 'positions.beta.citations[0].quote': "
    "the quote shares no meaningful word with the statement it supports "
    "(quote: met, 2021, briefly; statement: always, wants, lower, tariffs)",
    "warning: content/issues/trade.yaml:11:12: issue 'trade': field 'citations[0].quote': "
    "the quote shares no meaningful word with the statement it supports "
    "(quote: water, rights, remained, sticking, point; statement: trade, oldest, quarrel, river)",
]


def _name(rid: str) -> str:
    return {"alpha": "Ada Alpha", "trump": "Donald Trump"}[rid]


def test_unsupported_statements_are_warned_of_with_their_place(small: Path, run) -> None:
    (small / "content/issues/trade.yaml").write_text(TRADE)
    result = run("check", "--root", small)
    assert result.code == 0
    assert result.err.splitlines() == ADVICE


def test_a_record_before_marks_is_advised_as_a_whole_with_one_warning(small: Path, run) -> None:
    (small / "content/issues/trade.yaml").write_text(TRADE_BEFORE_MARKS)
    result = run("check", "--root", small)
    assert result.code == 0
    assert result.err.splitlines() == ADVICE_BEFORE_MARKS


def test_strict_leaves_advice_a_warning(small: Path, run) -> None:
    (small / "content/issues/trade.yaml").write_text(TRADE)
    result = run("check", "--strict", "--root", small)
    assert result.code == 0
    assert result.err.splitlines() == ADVICE
    assert run("generate", "--strict", "--root", small).code == 0


def test_the_fixture_and_the_shipped_content_get_no_advice(small: Path, shipped: Path, run) -> None:
    assert run("check", "--root", small).err == ""
    assert run("check", "--root", shipped).err == ""


def test_a_dropped_hedge_is_caught_and_a_kept_one_is_not() -> None:
    source = ["Ukraine is, without a doubt, one of the most significant and persistent points of contention."]
    assert unsupported_superlatives("The most persistent dispute.", source, _name) == [
        "says 'the most', which none of its quotes says (they say 'one of the most')"
    ]
    assert unsupported_superlatives("Among the most lasting disputes.", source, _name) == []
    assert unsupported_superlatives("One of the first meetings.", ["the first meeting"], _name) == []
    assert unsupported_superlatives("The first meeting.", ["Trump first met Putin"], _name) == []


def test_words_that_are_not_superlatives() -> None:
    said = "It puts alliances first, in its own interest, under First Minister Alpha; a protest."
    assert superlatives(said, _name) == []
    assert superlatives("the latest and greatest, never", _name) == [
        ("the latest", False),
        ("greatest", False),
        ("never", False),
    ]


def test_words_compared_by_stem_and_links_by_name() -> None:
    assert shared(meaningful("stating he would negotiate", _name), meaningful("Negotiations began.", _name))
    assert shared(meaningful("Russia interfered", _name), meaningful("interference by Russians", _name))
    assert not shared(meaningful("the lack of trust", _name), meaningful("a dispute over water", _name))
    assert "alpha" in meaningful("Met [[alpha]] twice.", _name)
    assert "trump" in meaningful("Critics of [[trump|the president]].", _name)
    assert "unit" in meaningful("The U.S. said so.", _name)
    # words of any script are whole words: not "gociations" and "crites", nor nothing at all
    assert set(meaningful("Négociations écrites.", _name).values()) == {"négociations", "écrites"}
    assert set(meaningful("Переговоры о договоре.", _name).values()) == {"переговоры", "договоре"}
    assert shared(meaningful("Négociations à Genève", _name), meaningful("Les négociations ont échoué.", _name))


@given(
    st.dictionaries(st.text("abcde", min_size=1, max_size=8), st.just("w"), max_size=6),
    st.dictionaries(st.text("abcde", min_size=1, max_size=8), st.just("w"), max_size=6),
)
def test_shared_is_any_pair_the_same(quote: dict[str, str], statement: dict[str, str]) -> None:
    # the fast comparison by prefixes says what comparing every pair says
    assert shared(quote, statement) == any(_same(q, s) for q in quote for s in statement)


SHORT_QUOTES = """title: Trade
summary: >-
  Water rights remained a sticking point. [@water] The river is shared. [@river] [@both]
citations:
  - key: water
    source: almanac
    quote: Water
  - key: river
    source: almanac
    quote: of the
  - key: both
    source: almanac
    quote: the river
"""


def test_a_quote_too_short_to_show_anything_is_warned_of_where_it_is_written(small: Path, run) -> None:
    """A quote of one word passes every other check (it occurs in the archive and shares its
    word with the statement); it is advised once, at the quote, whatever cites it."""
    (small / "content/issues/trade.yaml").write_text(SHORT_QUOTES)
    (small / "content/sources/almanac.txt").write_text(
        (small / "content/sources/almanac.txt").read_text() + "\nWater, of the river.\n"
    )
    result = run("check", "--root", small)
    assert result.code == 0
    how = "a word the source uses does not show that it says the statement; quote the words that say it"
    assert result.err.splitlines() == [
        "warning: content/issues/trade.yaml:7:12: issue 'trade': field 'citations[0].quote': the quote has "
        f"one meaningful word ('water'): {how} (summitry quote SOURCE \"words\" finds them)",
        "warning: content/issues/trade.yaml:10:12: issue 'trade': field 'citations[1].quote': the quote has "
        f'no meaningful word: {how} (summitry quote SOURCE "words" finds them)',
        "warning: content/issues/trade.yaml:13:12: issue 'trade': field 'citations[2].quote': the quote has "
        f"one meaningful word ('river'): {how} (summitry quote SOURCE \"words\" finds them)",
    ]
