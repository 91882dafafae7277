"""The tables a page reads note every read: a read that went unnoted would leave a page stale."""

from __future__ import annotations

import pytest

from builder.render.track import ALL, KEYS, Memo, Reads, ReadsSeq, reading

# What a page never does to the site's tables: change them.
MUTATORS = {"__setitem__", "__delitem__", "__ior__", "clear", "pop", "popitem", "setdefault", "update"}
NOT_READS = {"__class_getitem__", "__init_subclass__", "__subclasshook__", "__new__", "__init__", "fromkeys"}


def _public_reads(base: type) -> set[str]:
    names = {n for n in dir(base) if not n.startswith("__") or n in vars(base)}
    # object's own (getattr, repr, sizeof, pickling) read no entry
    return names - set(dir(object)) - MUTATORS - NOT_READS | ({"__eq__", "__ne__"} & set(vars(base)))


def test_every_way_to_read_a_table_is_noted() -> None:
    for wrapper, base in ((Reads, dict), (ReadsSeq, tuple)):
        # __getnewargs__ is pickling's, which __reduce__ (overridden) replaces
        missing = {n for n in _public_reads(base) if n not in vars(wrapper)} - {"__getnewargs__"}
        assert not missing, f"{wrapper.__name__} does not note {sorted(missing)}"


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
        (lambda t: sorted(t), ("t", KEYS)),
        (lambda t: t | {}, ("t", ALL)),
        (lambda t: t != {}, ("t", ALL)),
    ],
)
def test_a_read_of_a_table_notes_its_cell(read: object, cell: tuple[str, str]) -> None:
    table = Reads("t", {"a": 1, "b": 2})
    with reading() as cells:
        read(table)  # type: ignore[operator]
    assert cell in cells


@pytest.mark.parametrize(
    "read",
    [
        list,
        len,
        bool,
        sorted,
        hash,
        lambda s: s[0],
        lambda s: 2 in s,
        lambda s: list(reversed(s)),
        lambda s: s.index(2),
        lambda s: s + (4,),
        lambda s: s == (1,),
        lambda s: s < (2,),
    ],
)
def test_a_read_of_a_sequence_notes_all_of_it(read: object) -> None:
    seq = ReadsSeq("s", (1, 2, 3))
    with reading() as cells:
        read(seq)  # type: ignore[operator]
    assert cells == {("s", ALL)}


def test_a_shared_result_notes_what_making_it_read_wherever_it_is_used() -> None:
    table = Reads("t", {"a": 1})
    memo = Memo()
    with reading() as first:
        assert memo.get_or_make("k", lambda: table["a"] + 1) == 2
    with reading() as second:
        assert memo.get_or_make("k", lambda: 0) == 2  # not made again
    assert first == second == {("t", "a")}


def test_reads_nest_and_outside_a_page_nothing_is_noted() -> None:
    table = Reads("t", {"a": 1})
    assert table["a"] == 1  # no page is rendering: nothing to note, nothing kept
    with reading() as outer:
        with reading() as inner:
            table.get("a")
    assert inner == outer == {("t", "a")}
