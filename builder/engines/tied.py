"""Processes that end with the build that started them, killed or not (Linux).

A build stopped by a signal runs no cleanup: an engine it started must not write on into a
scratch folder the next build removes, nor keep a state for a site never swapped in. The
build names itself (its process id): asked by the engine once started, its parent may be
gone already, and the parent is then process 1, which never ends.

    python -m builder.engines.tied PARENT COMMAND...   (runs COMMAND so tied: Zensical)
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys


def die_with(parent: int | None = None) -> None:
    """End this process when ``parent`` (by default, its parent now) ends; at once if it has."""
    parent = os.getppid() if parent is None else parent
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above
        os._exit(1)


def command(parent: int, argv: list[str]) -> list[str]:
    """``argv``, run so that it ends with ``parent`` (the tie holds across exec)."""
    return [sys.executable, "-P", "-m", "builder.engines.tied", str(parent), *argv]


def _main(argv: list[str]) -> int:
    die_with(int(argv[0]))
    try:
        os.execvp(argv[1], argv[1:])
    except OSError as exc:
        print(f"{argv[1]}: {exc.strerror}", file=sys.stderr)
        return 127
    return 0  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
