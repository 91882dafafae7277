"""What each page reads while it renders, so that a later run redoes only what a change touches.

A page is a pure function of what it reads of the resolved site. While a page renders,
every read of a record, or of a derived table (a leader's meetings, a pair's relation, the
timeline), is noted as a *cell*: ``("meeting", "2021-geneva")`` for one record,
``("by_leader", "putin")`` for one entry of a table, ``(field, KEYS)`` for which entries a
table has, in order, and ``(field, ALL)`` for all of it. The next run computes a digest of
each cell the last run's pages read; a page whose cells all have the digest they had is the
page it was, and is not rendered again (builder.incremental).

The tables are :class:`Reads` (a mapping) and :class:`ReadsSeq` (a sequence). They wrap
the site's dicts and tuples rather than extend them: a subclass of dict can be read past
its methods (``dict.get(table, key)``, C code that takes the dict's own storage), a wrapper
cannot. Every way to read one notes a cell; printing one (``repr``, ``str``, ``format``,
Jinja's ``{{ table }}``), copying or pickling it notes all of it. Results shared between
pages (a record's link, a meeting's row) go through :class:`Memo`, which notes again, on
every use, what making the result read.

In strict mode (``SUMMITRY_STRICT_TRACKING=1``, which the tests set) a read made outside
any page raises: such a read would be noted nowhere, so a page depending on it would go
stale. Code that lists the pages (which runs in full on every run) reads inside
:class:`planning` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, ItemsView, Iterable, Iterator, KeysView, Mapping, Sequence, ValuesView
from typing import Any, TypeVar, overload

from builder.errors import TrackingError

Cell = tuple[str, Hashable]
KEYS = "\0keys"  # which entries, in their order
ALL = "\0all"  # every entry and its value
STRICT_ENV = "SUMMITRY_STRICT_TRACKING"

# The reads of the page (or shared result) being made, innermost last; None: planning.
_stack: list[set[Cell] | None] = []
_strict = os.environ.get(STRICT_ENV, "") not in ("", "0")

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


def set_strict(on: bool) -> bool:
    """Turn strict mode on or off; returns what it was."""
    global _strict
    was, _strict = _strict, on
    return was


def strict() -> bool:
    return _strict


def note(cell: Cell) -> None:
    if _stack:
        top = _stack[-1]
        if top is not None:
            top.add(cell)
    elif _strict:
        raise TrackingError(
            f"the site's table '{cell[0]}' was read outside any page ({cell[1]!r}): no page would "
            "notice a change to it; read it while a page renders, or inside track.planning()"
        )


def note_all(cells: Iterable[Cell]) -> None:
    """Note every cell of ``cells`` as read by the page (or shared result) being made."""
    if _stack:
        top = _stack[-1]
        if top is not None:
            top.update(cells)


class reading:  # noqa: N801 - used as a function: with reading() as cells
    """Collect the cells read inside the block; they count as read by any enclosing block too.

    A class, not a generator: it is entered once per page and once per shared result made."""

    __slots__ = ("reads",)

    def __enter__(self) -> set[Cell]:
        self.reads: set[Cell] = set()
        _stack.append(self.reads)
        return self.reads

    def __exit__(self, *exc: object) -> None:
        _stack.pop()
        if _stack:
            top = _stack[-1]
            if top is not None:
                top.update(self.reads)


class planning:  # noqa: N801 - used as a function: with planning():
    """Reads that list the pages rather than make one: every run makes the list again from
    the site as it is, so they need not be noted (and strict mode lets them be)."""

    __slots__ = ()

    def __enter__(self) -> None:
        _stack.append(None)

    def __exit__(self, *exc: object) -> None:
        _stack.pop()


class Reads(Mapping[K, V]):
    """A read-only mapping that notes which of its entries are read, as cells of the table ``name``."""

    __slots__ = ("_data", "name")

    def __init__(self, name: str, data: Iterable[tuple[K, V]] | Mapping[K, V] = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self.name = name

    @property
    def untracked(self) -> Mapping[K, V]:
        """The entries, read without noting: for the incremental stage, which digests them."""
        return self._data

    def __getitem__(self, key: K) -> V:
        note((self.name, key))
        return self._data[key]

    @overload
    def get(self, key: K) -> V | None: ...
    @overload
    def get(self, key: K, default: V | T) -> V | T: ...
    def get(self, key: K, default: Any = None) -> Any:
        note((self.name, key))
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        note((self.name, key))
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        note((self.name, KEYS))
        return iter(self._data)

    def __len__(self) -> int:
        note((self.name, KEYS))
        return len(self._data)

    def __bool__(self) -> bool:
        note((self.name, KEYS))
        return bool(self._data)

    def __reversed__(self) -> Iterator[K]:
        note((self.name, KEYS))
        return reversed(self._data)

    def keys(self) -> KeysView[K]:
        note((self.name, KEYS))
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        note((self.name, ALL))
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        note((self.name, ALL))
        return self._data.items()

    def copy(self) -> dict[K, V]:
        return self._whole()

    def _whole(self) -> dict[K, V]:
        note((self.name, ALL))
        return dict(self._data)

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, Reads) else other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # a mapping is not hashable

    def __or__(self, other: Mapping[K, V]) -> dict[K, V]:
        return self._whole() | dict(other)

    def __ror__(self, other: Mapping[K, V]) -> dict[K, V]:
        return dict(other) | self._whole()

    def __repr__(self) -> str:
        return repr(self._whole())

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __copy__(self) -> dict[K, V]:
        return self._whole()

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[K, V]:
        import copy

        return copy.deepcopy(self._whole(), memo)

    def __reduce__(self) -> tuple[Any, ...]:  # a forked worker gets it as it is; a pickle, as a plain dict
        return (dict, (self._whole(),))


class ReadsSeq(Sequence[T]):
    """A read-only sequence read as a whole: any read of it notes the cell ``(name, ALL)``."""

    __slots__ = ("_items", "name")

    def __init__(self, name: str, items: Iterable[T]) -> None:
        self._items: tuple[T, ...] = tuple(items)
        self.name = name

    @property
    def untracked(self) -> tuple[T, ...]:
        return self._items

    def _whole(self) -> tuple[T, ...]:
        note((self.name, ALL))
        return self._items

    @staticmethod
    def _plain(other: object) -> object:
        return other._whole() if isinstance(other, ReadsSeq) else other

    def __iter__(self) -> Iterator[T]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._whole()[index]

    def __bool__(self) -> bool:
        return bool(self._whole())

    def __contains__(self, item: object) -> bool:
        return item in self._whole()

    def __reversed__(self) -> Iterator[T]:
        return reversed(self._whole())

    def index(self, value: Any, start: int = 0, stop: int = 2**63 - 1) -> int:
        return self._whole().index(value, start, stop)

    def count(self, value: Any) -> int:
        return self._whole().count(value)

    def __eq__(self, other: object) -> bool:
        return self._whole() == self._plain(other)

    def __ne__(self, other: object) -> bool:
        return self._whole() != self._plain(other)

    def __lt__(self, other: object) -> bool:
        return self._whole() < self._plain(other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return self._whole() <= self._plain(other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return self._whole() > self._plain(other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return self._whole() >= self._plain(other)  # type: ignore[operator]

    def __hash__(self) -> int:
        return hash(self._whole())

    def __add__(self, other: tuple[T, ...]) -> tuple[T, ...]:
        return self._whole() + tuple(other)

    def __radd__(self, other: tuple[T, ...]) -> tuple[T, ...]:
        return tuple(other) + self._whole()

    def __mul__(self, times: int) -> tuple[T, ...]:
        return self._whole() * times

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return repr(self._whole())

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __copy__(self) -> tuple[T, ...]:
        return self._whole()

    def __deepcopy__(self, memo: dict[int, Any]) -> tuple[T, ...]:
        import copy

        return copy.deepcopy(self._whole(), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (tuple, (self._whole(),))


class Memo(dict[Hashable, tuple[Any, frozenset[Cell]]]):
    """Results shared between pages, each with the cells its making read."""

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        hit = self.get(key)
        if hit is None:
            with reading() as reads:
                value = make()
            self[key] = (value, frozenset(reads))
            return value
        if _stack:
            top = _stack[-1]
            if top is not None:
                top |= hit[1]
        made: T = hit[0]
        return made
