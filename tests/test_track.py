"""The tables a page reads note every read: a read that went unnoted would leave a page stale."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import jinja2
import pytest

from builder.errors import TrackingError
from builder.incremental.rerender import Plain, tracked
from builder.render import track
from builder.render.track import ALL, KEYS, Memo, Reads, ReadsSeq, planning, reading
from builder.resolve.site import Site


@pytest.mark.parametrize(
    ("read", "cell"),
    [
        (lambda t: t["a"], ("t", "a")),
        (lambda t: t.get("b"), ("t", "b")),
        (lambda t: "a" in t, ("t", "a")),
        (lambda t: list(t), ("t", KEYS)),
        (lambda t: len(t), ("t", KEYS)),
        (lambda t: bool(t), ("t", KEYS)),
        (lambda t: list(reversed(t)), ("t", KEYS)),
        (lambda t: list(t.keys()), ("t", KEYS)),
        (lambda t: list(t.values()), ("t", ALL)),
        (lambda t: list(t.items()), ("t", ALL)),
        (lambda t: t.copy(), ("t", ALL)),
        (lambda t: t == {}, ("t", ALL)),
        (lambda t: dict(t), ("t", KEYS)),
        (lambda t: {**t}, ("t", KEYS)),
        (lambda t: sorted(t), ("t", KEYS)),
        (lambda t: t | {}, ("t", ALL)),
        (lambda t: {} | t, ("t", ALL)),
        (lambda t: t != {}, ("t", ALL)),
    ],
)
def test_a_read_of_a_table_notes_its_cell(read: Callable[[Reads[str, int]], object], cell: tuple[str, str]) -> None:
    table = Reads("t", {"a": 1, "b": 2})
    with reading() as cells:
        read(table)
    assert cell in cells


PRINTS: list[Callable[[Any], object]] = [
    repr,
    str,
    lambda t: format(t),
    lambda t: f"{t}",
    lambda t: "%s" % (t,),  # noqa: UP031 - the old formatting is a way to print it too
    lambda t: jinja2.Environment().from_string("{{ t }}").render(t=t),
    copy.copy,
    copy.deepcopy,
    pickle.dumps,
]


@pytest.mark.parametrize("show", PRINTS)
def test_printing_copying_or_pickling_a_table_notes_all_of_it(show: Callable[[Any], object]) -> None:
    for table in (Reads("t", {"a": "one"}), ReadsSeq("t", ("one", "two"))):
        with reading() as cells:
            shown = show(table)
        assert cells == {("t", ALL)}
        assert "one" in (shown.decode("latin-1") if isinstance(shown, bytes) else str(shown))


def test_a_table_cannot_be_read_past_its_notes() -> None:
    """A dict's own methods called on it, or a change made to it, fail: it is no dict."""
    table = Reads("t", {"a": 1})
    with reading() as cells:
        for sneak in (dict.get, dict.__getitem__, dict.setdefault):
            with pytest.raises(TypeError):
                sneak(table, "a")  # type: ignore[call-overload, arg-type]
        with pytest.raises(TypeError):
            table["b"] = 2  # type: ignore[index]
        with pytest.raises(TypeError):
            tuple.__getitem__(ReadsSeq("s", (1,)), 0)  # type: ignore[arg-type]
    assert cells == set()
    assert not hasattr(table, "setdefault") and not hasattr(table, "update") and not hasattr(table, "pop")


@pytest.mark.parametrize(
    "read",
    [
        list,
        len,
        bool,
        sorted,
        hash,
        tuple,
        lambda s: s[0],
        lambda s: s[1:],
        lambda s: 2 in s,
        lambda s: list(reversed(s)),
        lambda s: s.index(2),
        lambda s: s.count(2),
        lambda s: s + (4,),
        lambda s: (0,) + s,
        lambda s: s * 2,
        lambda s: s == (1,),
        lambda s: s != (1,),
        lambda s: s < (2,),
        lambda s: s >= (2,),
        lambda s: "".join(str(x) for x in s),
        lambda s: [*s],
    ],
)
def test_a_read_of_a_sequence_notes_all_of_it(read: Callable[[ReadsSeq[int]], object]) -> None:
    seq = ReadsSeq("s", (1, 2, 3))
    with reading() as cells:
        read(seq)
    assert cells == {("s", ALL)}


def test_a_shared_result_notes_what_making_it_read_wherever_it_is_used() -> None:
    table = Reads("t", {"a": 1})
    memo = Memo()
    with reading() as first:
        assert memo.get_or_make("k", lambda: table["a"] + 1) == 2
    with reading() as second:
        assert memo.get_or_make("k", lambda: 0) == 2  # not made again
    assert first == second == {("t", "a")}


def test_reads_nest() -> None:
    table = Reads("t", {"a": 1})
    with reading() as outer:
        with reading() as inner:
            table.get("a")
    assert inner == outer == {("t", "a")}


@pytest.fixture
def lenient() -> Iterator[None]:
    was = track.set_strict(False)
    yield
    track.set_strict(was)


def test_strict_mode_refuses_a_read_outside_any_page() -> None:
    table = Reads("meeting_years", {2021: ("a",)})
    with pytest.raises(TrackingError, match="'meeting_years' was read outside any page"):
        table[2021]
    with planning():  # listing the pages, which every run does again
        assert list(table) == [2021]


def test_without_strict_mode_a_read_outside_a_page_is_not_kept(lenient: None) -> None:
    table = Reads("t", {"a": 1})
    assert table["a"] == 1
    with reading() as cells:
        pass
    assert cells == set()


def test_planning_inside_a_page_notes_nothing_for_it() -> None:
    table = Reads("t", {"a": 1})
    with reading() as cells, planning():
        table["a"]
    assert cells == set()


def _tiny_site(**changes: Any) -> Site:
    empty: dict[str, Any] = {f.name: {} for f in dataclasses.fields(Site)}
    empty.update(records={}, timeline=())
    return dataclasses.replace(Site(**empty), **changes)


def test_a_site_field_pages_could_not_follow_is_refused() -> None:
    assert isinstance(tracked(_tiny_site()).by_leader, Reads)
    with pytest.raises(TrackingError, match="Site.by_leader is a frozenset"):
        tracked(_tiny_site(by_leader=frozenset()))


@dataclasses.dataclass(frozen=True)
class _Hidden:
    shown: str
    hidden: str = dataclasses.field(repr=False, compare=False)


def test_a_value_is_digested_whole_not_by_its_repr() -> None:
    plain = Plain({})
    a, b = _Hidden("x", "one"), _Hidden("x", "two")
    assert repr(a) == repr(b) and a == b  # what repr and == would have missed
    assert plain(a) != plain(b)
    assert plain((a,)) != plain((b,)) and plain({"k": a}) != plain({"k": b})
    # and the text digests are made of (json's C encoder) misses no more
    assert plain.text(a) != plain.text(b)
    assert plain.text((a,)) != plain.text((b,)) and plain.text({"k": a}) != plain.text({"k": b})
    assert plain.text({("leader", "x"): (a,)}) != plain.text({("leader", "x"): (b,)})


@dataclasses.dataclass(frozen=True)
class _Pair:
    first: str
    second: str


def test_the_text_of_a_value_tells_apart_what_plain_data_tells_apart() -> None:
    """The cases where text written by json could make two values one: a dataclass and the
    tuple of its fields, a key's type, a scalar's type. (A dict keyed by a NUL would look like
    a tag; validation refuses control characters in records, of which every key is made.)"""
    plain = Plain({"leaders/a.yaml": "d1"})
    same_text = [
        (_Pair("a", "b"), ("_Pair", ("a", "b"))),
        (_Pair("a", "b"), ["a", "b"]),
        ({1: "x"}, {"1": "x"}),
        ({(1, 2): "x"}, {"(1, 2)": "x"}),
        ("1", 1),
        (None, "null"),
        (True, 1),
    ]
    for one, other in same_text:
        assert plain.text(one) != plain.text(other), (one, other)
    nested = {"k": {(1, 2): "x"}}  # a key json cannot write, inside a value: the slow way, still whole
    assert plain.text(nested) == repr(plain(nested))
    with pytest.raises(TrackingError, match="a frozenset in the site cannot be digested"):
        plain.text((frozenset({"a"}),))


def test_a_value_of_an_unknown_type_is_not_digested() -> None:
    with pytest.raises(TrackingError, match="a frozenset in the site cannot be digested"):
        Plain({})(frozenset({"a"}))
