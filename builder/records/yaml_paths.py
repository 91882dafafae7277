"""Where in a record each event of PyYAML's parser is: the path of the node it begins or is.

The composer shares one node between an anchor and its aliases, so a problem found on the
composed nodes (builder.records.load) can name an alias only by following the events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import yaml

from builder.records.raw_record import Path_


def located(events: Iterable[yaml.Event]) -> Iterator[tuple[yaml.Event, Path_]]:
    """Each node's event with the node's path, as the walker names values: a value of a
    mapping by its key, an item of a list by its index. A key, and whatever is inside a key
    that is not plain text, is named by its mapping's path."""
    # one frame per open collection: [is a mapping, its key or index now, the next node is a key]
    frames: list[list[Any]] = []
    for event in events:
        if isinstance(event, yaml.CollectionEndEvent):
            frames.pop()
            _advance(frames, None)
        elif isinstance(event, yaml.NodeEvent):
            path: list[str | int] = []
            for frame in frames:
                if frame[0] and frame[2]:
                    break
                path.append(frame[1])
            yield event, tuple(path)
            if isinstance(event, yaml.CollectionStartEvent):
                mapping = isinstance(event, yaml.MappingStartEvent)
                frames.append([mapping, None if mapping else 0, mapping])
            else:
                _advance(frames, str(event.value) if isinstance(event, yaml.ScalarEvent) else None)


def _advance(frames: list[list[Any]], key: str | None) -> None:
    """A node has ended in the innermost collection: a key read, a value or an item done."""
    if not frames:
        return
    frame = frames[-1]
    if not frame[0]:
        frame[1] += 1
    elif frame[2]:
        frame[1], frame[2] = key if key is not None else "?", False
    else:
        frame[1], frame[2] = None, True
