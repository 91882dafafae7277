"""Dates that keep the precision their source gives: a year, a month or a day."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

_DATE_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)  # matched whole; ASCII digits, as the schema
MONTHS = [calendar.month_name[i] for i in range(1, 13)]
# Every record date is a real day in these years, and so is the day after its last day,
# which the calendar export needs (there is no year 0, and 9999-12-31 has no day after).
FIRST_YEAR, LAST_YEAR = 1000, 2999


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Ordering puts a coarser date before finer ones inside it (``2021`` before
    ``2021-06`` before ``2021-06-16``), which is the order a timeline wants.
    """

    year: int
    month: int = 0
    day: int = 0

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` from a YAML scalar.

        YAML gives an unquoted ``2018`` as an int and an unquoted ``2021-06-16``
        as a date; both are accepted, and so are their quoted forms.
        """
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, bool):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        if isinstance(value, datetime.datetime):
            raise ValueError("expected a date without a time of day")
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a date (YYYY, YYYY-MM or YYYY-MM-DD), got {value!r}")
        m = _DATE_RE.fullmatch(value)
        if not m:
            raise ValueError(f"'{value}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"'{value}' is not within the years {FIRST_YEAR} to {LAST_YEAR}")
        if m[2] is not None and not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month:02d}")
        if m[3] is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{value}' is not a day of {MONTHS[month - 1]} {year}")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """The canonical text form, as precise as the date is."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def human(self) -> str:
        """``16 June 2021``, ``June 2021`` or ``2018``: never more precise than known."""
        if self.day:
            return f"{self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    def covers_before(self, other: PartialDate) -> bool:
        """True when this date certainly ends before ``other`` starts."""
        return self.last_day() < other.first_day()

    def first_day(self) -> datetime.date:
        """The first day the date may mean: 2021-06 starts on 1 June 2021."""
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> datetime.date:
        """The last day the date may mean: 2021-06 ends on 30 June 2021."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return datetime.date(self.year, month, day)

    def day_after(self) -> datetime.date:
        """The day after the last day the date may mean (the end of a half-open span)."""
        return self.last_day() + datetime.timedelta(days=1)

    def __str__(self) -> str:
        return self.iso()


def human_span(start: PartialDate, end: PartialDate | None) -> str:
    """``16–17 June 2021`` style spans, falling back to ``A – B`` when they differ widely."""
    if end is None or end == start:
        return start.human()
    if start.day and end.day and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[start.month - 1]} {start.year}"
    return f"{start.human()} – {end.human()}"
