"""Statements said with their limits: when they held, and whether the sources only expect them.

Pages and exports both use these, so that what a page says and what the data says agree.
"""

from __future__ import annotations

from builder.records.dates import PartialDate
from builder.records.models import Position, Role


def tenure(role: Role) -> str:
    """When a role was held, saying no more than the records do: never 'to date'."""
    start = role.from_.human() if role.from_ else None
    if role.ended:
        return f"{start} – {role.ended.human()}" if start else f"until {role.ended.human()}"
    held = f"held as of {role.as_of.human()}" if role.as_of else None
    if start:
        return f"from {start}; {held or 'end not known'}"
    return held or "dates not known"


def lead(statement: Position) -> str:
    """What comes before a statement: when it was held, and whether it is only expected."""
    when = f"As of {statement.as_of.human()}" if statement.as_of else ""
    if statement.forecast:
        return f"*{when + ', the' if when else 'The'} sources expect:* "
    return f"*{when}:* " if when else ""


def in_date_order(statements: list[Position]) -> list[Position]:
    """Undated statements first, as written; then the dated ones by date; forecasts last on a date."""
    return sorted(statements, key=lambda s: (s.as_of is not None, s.as_of or PartialDate(0), s.forecast))
