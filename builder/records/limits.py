"""How much a knowledge base may hold, in one place.

Each limit keeps the work of a check or a build in proportion to its input. Python-Markdown,
which renders the pages, takes time that grows with the square of a paragraph's or a table
cell's length when it holds many marks to read (every escaped '*' is one), so the limits
that matter most are those on text that ends up in one paragraph or one cell: a field, and
the lists whose items a page shows on one line. tests/test_bounded_work.py measures the rest.
The README's record reference lists them (builder.records.models.TYPES).
"""

from __future__ import annotations

RECORD_BYTES = 1_000_000
"""A record's file."""
ARCHIVE_BYTES = 5_000_000
"""A source's archived text (a long report is a few hundred kilobytes; checking quotes
against 5 MB takes a second, and `summitry quote` a few)."""
CONFIG_BYTES = 1_000_000
"""mkdocs.yml, and each file it inherits (a large site's is a few kilobytes)."""
LINE_CHARACTERS = 500
"""A field of one line of text: a title, a name, a place, a role."""
PROSE_CHARACTERS = 5_000
"""A Markdown field or a quote."""
ROLES = 50
"""A leader's roles, shown one after another in the facts box."""
PARTICIPANTS = 100
"""A meeting's participants, shown in one cell of every table that lists the meeting."""
POSITIONS = 20
"""A leader's dated positions on one issue, shown in one cell of the pair's relation page."""
CITATIONS = 50
"""The citations of one statement, whose marks follow it."""
