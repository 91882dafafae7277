"""What the render stage hands on: a job, the files it makes and a function that makes them."""

from __future__ import annotations

from collections.abc import Callable, Mapping

Job = tuple[tuple[str, ...], Callable[[], Mapping[str, str | bytes]]]
"""The files a job makes, and a function that makes them (path -> text or bytes)."""
