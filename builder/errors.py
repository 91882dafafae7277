"""The one exception base of Summitry and the located problem it carries."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# What a terminal would not show as it is: control and format characters (a line break, a
# right-to-left override), which would split a message or reorder it.
_UNSHOWN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def printable(text: str) -> str:
    """``text`` as one line that shows every character it holds: what a terminal would act
    on rather than show is written as its Python escape (``\\n``, ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape", "backslashreplace").decode("ascii") if unicodedata.category(c) in _UNSHOWN else c
        for c in text
    )


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the knowledge base, located as precisely as we can.

    Rendered as ``path:line:column: kind 'id': field 'f': message``, the form editors
    and terminals jump to.
    """

    path: str
    line: int = 0
    column: int = 0
    kind: str = ""
    id: str = ""
    field: str = ""
    message: str = ""

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "kind": self.kind,
            "id": self.id,
            "field": self.field,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = self.path + (f":{self.line}:{self.column}" if self.line else "")
        parts = [where]
        if self.kind:
            parts.append(f"{self.kind} '{self.id}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return printable(": ".join(parts))


SHOWN_ALIKE = 5
"""Problems of one kind in one file listed in full; the rest are counted in one line."""
_VALUES = re.compile(r"'[^']*'|\d[\d,]*")


def listed(problems: Iterable[Problem]) -> Iterator[str]:
    """The problems as lines, in order; past the first SHOWN_ALIKE of one kind in one file
    (a record with 90,000 unknown keys), one line after the file's says how many more there are."""
    path, seen = None, dict[str, int]()
    for problem in [*problems, None]:
        if problem is None or problem.path != path:
            for kind, count in seen.items():
                if count > SHOWN_ALIKE:
                    more = f"{count - SHOWN_ALIKE:,} more problems like the {SHOWN_ALIKE} above ({kind}), not listed"
                    yield printable(f"{path}: {more}")
            if problem is None:
                return
            path, seen = problem.path, {}
        kind = _VALUES.sub("…", problem.message)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= SHOWN_ALIKE:
            yield str(problem)


class SummitryError(Exception):
    """Base of every error the builder raises on purpose; the CLI turns it into an exit code."""


class ValidationFailed(SummitryError):
    """The knowledge base has problems; all of them are listed, sorted by place."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class NotAKnowledgeBase(SummitryError):
    """The folder named (or the current one) is not a knowledge base: a usage error, not a record's."""


class AddressTaken(SummitryError):
    """The address summitry serve was to listen on is another program's: a usage error too."""


class WriteRefused(SummitryError):
    """The builder would have to touch a file it did not write."""


class WriteFailed(SummitryError):
    """The system refused a write part way through (a full disk, a read-only folder)."""


class StateUnusable(SummitryError):
    """The state kept between runs in build/ could not be removed or kept (a read-only folder)."""


class ChangedDuringRun(SummitryError):
    """A file changed between two reads of one run; the next run sees it as it is."""


class TrackingError(SummitryError):
    """A page read the site in a way the incremental runs cannot follow (strict mode, tests)."""


class EngineFailed(SummitryError):
    """The site engine (MkDocs) reported an error or, under --strict, a warning."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A suffix like `` (did you mean 'putin'?)`` when a close candidate exists."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Stopped(KeyboardInterrupt):
    """A command told to stop by a signal other than Ctrl-C's (SIGTERM, SIGHUP), which it
    takes as Ctrl-C: it cleans up, and ends with the status a shell gives that signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum
