"""The timeline's items, and the meetings and those items grouped by year.

Derived once in the resolve stage; the timeline's pages and the meetings' pages by year
(builder/render/year_pages.py) read these, and count on them rather than recount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from builder.records.dates import PartialDate
from builder.records.models import Issue, Leader, Meeting
from builder.records.valid_record import Entry, Key
from builder.resolve import marks

T = TypeVar("T")


@dataclass(frozen=True, order=True)
class TimelineItem:
    date: PartialDate
    order: int  # meetings before developments before roles on the same date
    key: Key
    text: str  # Markdown (prose) for developments, plain title otherwise
    prose: bool = False


def timeline_items(
    leaders: dict[str, Entry[Leader]], meetings: dict[str, Entry[Meeting]], issues: dict[str, Entry[Issue]]
) -> tuple[TimelineItem, ...]:
    items: list[TimelineItem] = []
    for mid, entry in meetings.items():
        items.append(TimelineItem(entry.model.date, 0, ("meeting", mid), entry.model.title))
    for iid, issue in issues.items():
        for dev in issue.model.developments:
            # a listing: the issue's page, which it links to, shows the marks
            items.append(TimelineItem(dev.date, 1, ("issue", iid), marks.strip(dev.text), prose=True))
    for lid, leader in leaders.items():
        for role in leader.model.roles:
            if role.from_:
                items.append(TimelineItem(role.from_, 2, ("leader", lid), f"{leader.model.name} becomes {role.title}"))
            if role.ended:  # an end the sources leave open is not an event
                items.append(
                    TimelineItem(role.ended, 2, ("leader", lid), f"{leader.model.name} leaves office as {role.title}")
                )
    return tuple(sorted(items))


def by_year(items: Iterable[tuple[int, T]]) -> dict[int, tuple[T, ...]]:
    """Items grouped by year, the years in order, each year's items in the order given."""
    groups: dict[int, list[T]] = defaultdict(list)
    for year, item in items:
        groups[year].append(item)
    return {year: tuple(groups[year]) for year in sorted(groups)}


def counts(groups: dict[int, tuple[Any, ...]]) -> dict[int, int]:
    """How many items each year has: what a page showing only the counts reads, which a
    retitled meeting leaves as it was (builder.track notes reads by table)."""
    return {year: len(items) for year, items in groups.items()}
