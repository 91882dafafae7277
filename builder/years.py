"""Listings by year: the meetings and the timeline, one page per year.

At thousands of meetings a single listing is megabytes of Markdown that every edit
rewrites. Each year is a page of its own (``meetings/2021.md``, ``timeline/2021.md``) that
reads only that year's group from the Site; the section page lists the years and their
counts. The section page keeps an element for each year with the id the old one-page
listing gave that year's heading (``meetings/#2021``), which links to the year's page, so
addresses readers kept still lead to the year.

The grouping is derived once, in the resolve stage (:func:`by_year`); pages read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from .jobs import Job

T = TypeVar("T")

TIMELINE = "timeline"  # the timeline's year pages live in timeline/; its section page is timeline.md
TIMELINE_PAGE = "timeline.md"


def by_year(items: Iterable[tuple[int, T]]) -> dict[int, tuple[T, ...]]:
    """Items grouped by year, the years in order, each year's items in the order given."""
    groups: dict[int, list[T]] = defaultdict(list)
    for year, item in items:
        groups[year].append(item)
    return {year: tuple(groups[year]) for year in sorted(groups)}


@dataclass(frozen=True)
class Year:
    """One year's page: its year, the years with pages before and after it, and its paths."""

    year: int
    previous: int | None
    next: int | None
    folder: str  # "meetings" or "timeline"

    @property
    def path(self) -> str:
        return year_path(self.folder, self.year)


def year_path(folder: str, year: int) -> str:
    """``("meetings", 2021)`` -> ``meetings/2021.md``, at the address ``meetings/2021/``."""
    return f"{folder}/{year}.md"


def years_of(folder: str, years: Iterable[int]) -> list[Year]:
    """A :class:`Year` for each year (in order), knowing its neighbours among them."""
    ordered = sorted(years)
    return [
        Year(y, ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None, folder)
        for i, y in enumerate(ordered)
    ]


Render = Callable[..., str]  # (template, path, **context) -> the page's Markdown


def year_jobs(render: Render, meeting_years: dict[int, Any], timeline_years: dict[int, Any]) -> list[Job]:
    """A job for each year's page of the meetings and of the timeline, biggest years first.

    Each job reads, as it renders, its year's group and which years there are (for the
    years on either side), not every meeting: a page notes what it reads while it renders
    (builder.track), so nothing it shows may be read before.
    """
    pages: list[tuple[int, str, int, str, dict[int, Any]]] = []
    for folder, template, table in (
        ("meetings", "meetings-year.md.j2", meeting_years),
        (TIMELINE, "timeline-year.md.j2", timeline_years),
    ):
        for year, group in dict.items(table):
            pages.append((len(group), year_path(folder, year), year, template, table))
    pages.sort(key=lambda page: (-page[0], page[1]))
    return [_job(render, path, year, template, table) for _, path, year, template, table in pages]


def _job(render: Render, path: str, year: int, template: str, table: dict[int, Any]) -> Job:
    folder = path.partition("/")[0]

    def make() -> dict[str, str]:
        (this,) = (y for y in years_of(folder, table) if y.year == year)
        return {path: render(template, path, year=this, group=table[year])}

    return ((path,), make)
