"""What each page reads while it renders, so that a later run redoes only what a change touches.

A page is a pure function of what it reads of the resolved site. While a page renders,
every read of a record, or of a derived table (a leader's meetings, a pair's relation, the
timeline), is noted as a *cell*: ``("meeting", "2021-geneva")`` for one record,
``("by_leader", "putin")`` for one entry of a table, ``(field, KEYS)`` for which entries a
table has, in order, and ``(field, ALL)`` for all of it. The next run computes a digest of
each cell the last run's pages read; a page whose cells all have the digest they had is the
page it was, and is not rendered again (builder.incremental).

The tables are :class:`Reads` (a dict) and :class:`ReadsSeq` (a tuple) that note their reads
and otherwise behave as what they wrap. Results shared between pages (a record's link, a
meeting's row) go through :class:`Memo`, which notes again, on every use, what making the
result read.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _collections_abc import dict_items, dict_keys, dict_values

Cell = tuple[str, Hashable]
KEYS = "\0keys"  # which entries, in their order
ALL = "\0all"  # every entry and its value

_stack: list[set[Cell]] = []

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


def note(cell: Cell) -> None:
    if _stack:
        _stack[-1].add(cell)


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
            _stack[-1].update(self.reads)


class Reads(dict[K, V]):
    """A dict that notes which of its entries are read, as cells of the table ``name``."""

    __slots__ = ("name",)

    def __init__(self, name: str, data: Iterable[tuple[K, V]] | dict[K, V] = ()) -> None:
        super().__init__(data)
        self.name = name

    def __reduce__(self) -> Any:  # a forked worker gets it as it is; a pickle, as a plain dict
        return (dict, (dict(self.items_untracked()),))

    def items_untracked(self) -> dict_items[K, V]:
        return super().items()

    def __getitem__(self, key: K) -> V:
        note((self.name, key))
        return super().__getitem__(key)

    def get(self, key: K, default: Any = None) -> Any:
        note((self.name, key))
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        note((self.name, key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[K]:
        note((self.name, KEYS))
        return super().__iter__()

    def __len__(self) -> int:
        note((self.name, KEYS))
        return super().__len__()

    def __bool__(self) -> bool:
        note((self.name, KEYS))
        return super().__len__() > 0

    def __reversed__(self) -> Iterator[K]:
        note((self.name, KEYS))
        return super().__reversed__()

    def __eq__(self, other: object) -> bool:
        note((self.name, ALL))
        return super().__eq__(other)

    __hash__ = None

    def copy(self) -> dict[K, V]:
        note((self.name, ALL))
        return dict(super().items())

    def keys(self) -> dict_keys[K, V]:
        note((self.name, KEYS))
        return super().keys()

    def values(self) -> dict_values[K, V]:
        note((self.name, ALL))
        return super().values()

    def items(self) -> dict_items[K, V]:
        note((self.name, ALL))
        return super().items()


class ReadsSeq(tuple[T, ...]):
    """A tuple read as a whole: any read of it notes the cell ``(name, ALL)``."""

    name: str

    def __new__(cls, name: str, items: Iterable[T]) -> ReadsSeq[T]:
        made = super().__new__(cls, items)
        made.name = name
        return made

    def __reduce__(self) -> Any:
        return (tuple, (tuple(super().__iter__()),))

    def __iter__(self) -> Iterator[T]:
        note((self.name, ALL))
        return super().__iter__()

    def __len__(self) -> int:
        note((self.name, ALL))
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        note((self.name, ALL))
        return super().__getitem__(index)

    def __bool__(self) -> bool:
        note((self.name, ALL))
        return super().__len__() > 0

    def __contains__(self, item: object) -> bool:
        note((self.name, ALL))
        return super().__contains__(item)

    def __reversed__(self) -> Iterator[T]:
        note((self.name, ALL))
        return reversed(tuple(super().__iter__()))

    def index(self, *args: Any) -> int:
        note((self.name, ALL))
        return super().index(*args)

    def count(self, value: Any) -> int:
        note((self.name, ALL))
        return super().count(value)


def _noting_all(cls: type, base: type, names: tuple[str, ...]) -> None:
    """Operators that read every entry: each notes (name, ALL), then does what ``base`` does."""
    for op in names:
        done = getattr(base, op)

        def method(self: Any, *args: Any, _done: Any = done) -> Any:
            note((self.name, ALL))
            return _done(self, *args)

        method.__name__ = op
        setattr(cls, op, method)


_noting_all(Reads, dict, ("__ne__", "__or__", "__ror__"))
_noting_all(
    ReadsSeq,
    tuple,
    ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__add__", "__mul__", "__rmul__", "__hash__"),
)


class Memo(dict[Hashable, tuple[Any, frozenset[Cell]]]):
    """Results shared between pages, each with the cells its making read."""

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        hit = super().get(key)
        if hit is None:
            with reading() as reads:
                value = make()
            self[key] = (value, frozenset(reads))
            return value
        if _stack:
            _stack[-1].update(hit[1])
        made: T = hit[0]
        return made
