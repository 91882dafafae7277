"""Listings by year: the meetings and the timeline, one page per year.

At thousands of meetings a single listing is megabytes of Markdown that every edit
rewrites. Each year is a page of its own (``meetings/2021.md``, ``timeline/2021.md``) that
reads only that year's group from the Site, and which years there are (for its links to
the years on either side); the section page reads only the counts. The section page keeps
an element for each year with the id the old one-page listing gave that year's heading
(``meetings/#2021``), which links to the year's page, so addresses readers kept still lead
to the year.

The groups are derived once, in the resolve stage (builder.timeline); pages read them.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from builder.render.job import Job

if TYPE_CHECKING:
    from builder.resolve.site import Site

TIMELINE = "timeline"  # the timeline's year pages live in timeline/; its section page is timeline.md
TIMELINE_PAGE = "timeline.md"
LISTINGS = (  # folder, the Site's groups by year, template
    ("meetings", "meeting_years", "meetings-year.md.j2"),
    (TIMELINE, "timeline_years", "timeline-year.md.j2"),
)


@dataclass(frozen=True)
class Year:
    """One year's page: its year, and the years with pages before and after it."""

    year: int
    previous: int | None
    next: int | None


def year_path(folder: str, year: int) -> str:
    """``("meetings", 2021)`` -> ``meetings/2021.md``, at the address ``meetings/2021/``."""
    return f"{folder}/{year}.md"


def year_of(groups: Mapping[int, Any], year: int) -> Year:
    """``year`` among the years of ``groups`` (in order), knowing its neighbours."""
    years = list(groups)
    at = bisect.bisect_left(years, year)
    return Year(year, years[at - 1] if at else None, years[at + 1] if at + 1 < len(years) else None)


Render = Callable[..., str]  # (template, path, **context) -> the page's Markdown


def year_jobs(render: Render, site: Site) -> list[Job]:
    """A job for each year's page of the meetings and of the timeline, biggest years first.

    A job reads its year's group and the list of years when it runs, not before, so that
    what it reads is noted as the page's (builder.track): not every meeting, nor the
    other years' groups.
    """
    pages: list[tuple[int, str, Job]] = []
    for folder, field, template in LISTINGS:
        for year, group in getattr(site, field).items():
            path = year_path(folder, year)
            pages.append((len(group), path, _job(render, site, field, template, path, year)))
    pages.sort(key=lambda page: (-page[0], page[1]))
    return [job for _, _, job in pages]


def _job(render: Render, site: Site, field: str, template: str, path: str, year: int) -> Job:
    def make() -> dict[str, str]:
        groups = getattr(site, field)
        return {path: render(template, path, year=year_of(groups, year), group=groups[year])}

    return ((path,), make)
