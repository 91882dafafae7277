"""Pictures drawn at build time as inline SVG: who met whom, and what happened when.

No JavaScript and nothing fetched: every mark is an SVG element with a <title> and a link.
Colours come from Material's CSS variables (see summitry.css), so one drawing serves the
light and the dark palette. Layouts are deterministic and sized from the labels, so labels
do not overlap: a circle for the graph (labels turned outwards when there are many
leaders) and stacked lanes for timeline labels.

Links use xlink:href: Material's instant navigation reassigns the href property of every
element with an href attribute, which an SVG <a> does not allow (a script error on every
page with a picture); browsers treat xlink:href as the link all the same.

Layout libraries were considered (networkx for graphs, matplotlib for timelines); a circle
and a lane packer are a page of code, deterministic by construction, and need neither.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from builder.records.dates import PartialDate

FONT = 13  # px, the labels' size
CHAR = 0.62 * FONT  # a generous average glyph width, so estimated labels are never short
LINE = FONT + 7  # px between lanes of labels
MAX_LABEL = 38  # characters; longer labels are cut, the full text stays in the <title>
RADIAL_FROM = 9  # nodes: from here on, graph labels point outwards


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _width(text: str) -> float:
    return len(text) * CHAR


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _open_svg(kind: str, svg_id: str, box: tuple[float, float, float, float], caption: str) -> str:
    left, top, width, height = box
    return (
        f'<svg class="summitry-{kind}" id="{svg_id}" role="group" aria-labelledby="{svg_id}-title" '
        f'viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<title id="{svg_id}-title">{escape(caption)}</title>'
    )


def _open_link(href: str, title: str) -> str:
    return f'<a xlink:href="{_attr(href)}" aria-label="{_attr(title)}"><title>{escape(title)}</title>'


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    href: str
    title: str


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    weight: int
    href: str
    title: str


def graph_svg(
    nodes: Sequence[Node], edges: Sequence[Edge], caption: str, svg_id: str, center: str | None = None
) -> str:
    """Leaders on a circle (or around ``center``), a line per pair that met, thicker with more meetings."""
    ring = [n for n in nodes if n.id != center]
    labels = {n.id: _label(n.label) for n in nodes}
    longest = max((_width(labels[n.id]) for n in nodes), default=0)
    radial = len(ring) >= RADIAL_FROM
    # Enough circumference for every label's height (radial) or width (around the circle).
    spacing = LINE * 1.25 if radial else min(longest, 160) + 24
    radius = max(90.0, spacing * max(len(ring), 1) / (2 * math.pi))
    where: dict[str, tuple[float, float, float]] = {}
    for i, node in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(ring), 1)
        if len(ring) == 2:
            angle = math.pi if i == 0 else 0.0  # two counterparts side by side
        where[node.id] = (radius * math.cos(angle), radius * math.sin(angle), angle)
    if center is not None:
        where[center] = (0.0, 0.0, 0.0)

    heaviest = max((e.weight for e in edges), default=1)
    body = []
    for edge in edges:
        (x1, y1, _), (x2, y2, _) = where[edge.a], where[edge.b]
        stroke = 1.5 + 4.5 * (edge.weight - 1) / max(heaviest - 1, 1)
        body.append(
            _open_link(edge.href, edge.title)
            + f'<line class="summitry-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{stroke:.1f}"/></a>'
        )
    boxes = []
    for node in nodes:
        x, y, angle = where[node.id]
        text, box = _node_label(labels[node.id], x, y, angle, radial, node.id == center)
        boxes.append(box)
        body.append(_open_link(node.href, node.title))
        body.append(f'<circle class="summitry-node" cx="{x:.1f}" cy="{y:.1f}" r="7"/>{text}</a>')
    # The drawing's extent: nodes and their labels, with a margin; nothing else.
    xs = [v for b in boxes for v in (b[0], b[2])] + [x for x, _, _ in where.values()]
    ys = [v for b in boxes for v in (b[1], b[3])] + [y for _, y, _ in where.values()]
    left, top = min(xs) - 12, min(ys) - 12
    width, height = max(xs) + 12 - left, max(ys) + 12 - top
    return _open_svg("graph", svg_id, (left, top, width, height), caption) + "".join(body) + "</svg>"


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _node_label(text: str, x: float, y: float, angle: float, radial: bool, is_center: bool) -> tuple[str, Box]:
    """The label's <text> and the box it is expected to fill (estimated generously)."""
    w, half = _width(text), FONT / 2
    if is_center:
        base = y + 7 + FONT + 2
        return (
            f'<text x="{x:.1f}" y="{base:.1f}" text-anchor="middle">{escape(text)}</text>',
            (x - w / 2, base - FONT, x + w / 2, base + 3),
        )
    cos, sin = math.cos(angle), math.sin(angle)
    if radial:
        flip = cos < -1e-9  # left half: turn the text so it reads left to right
        anchor = "end" if flip else "start"
        rotate = math.degrees(angle) + (180 if flip else 0)
        lx, ly = x + 12 * cos, y + 12 * sin
        ex, ey = lx + w * cos, ly + w * sin
        box = (min(lx, ex) - half, min(ly, ey) - half, max(lx, ex) + half, max(ly, ey) + half)
        return (
            f'<text x="{lx:.1f}" y="{ly:.1f}" dy="0.35em" text-anchor="{anchor}" '
            f'transform="rotate({rotate:.1f} {lx:.1f} {ly:.1f})">{escape(text)}</text>',
            box,
        )
    if abs(cos) < 0.3:  # top or bottom: centred above or below the node
        base = y - 12 if sin < 0 else y + 12 + FONT
        return (
            f'<text x="{x:.1f}" y="{base:.1f}" text-anchor="middle">{escape(text)}</text>',
            (x - w / 2, base - FONT, x + w / 2, base + 3),
        )
    right = cos > 0
    lx = x + (12 if right else -12)
    return (
        f'<text x="{lx:.1f}" y="{y:.1f}" dy="0.35em" text-anchor="{"start" if right else "end"}">{escape(text)}</text>',
        (lx if right else lx - w, y - half - 2, lx + w if right else lx, y + half + 2),
    )


@dataclass(frozen=True)
class Mark:
    start: PartialDate
    end: PartialDate | None
    label: str
    href: str
    title: str
    kind: str  # "meeting" or "development": drawn differently


MIN_WIDTH = 760  # px: the content column of a page
TARGET_LANES = 10  # a long history gets a wider axis (scrolled sideways), not a taller stack
MAX_WIDTH = 24_000


def timeline_svg(marks: Sequence[Mark], caption: str, svg_id: str) -> str:
    """A horizontal time axis; each mark placed at its date, a span when the date is coarse."""
    if not marks:
        return ""
    labels_width = sum(_width(_label(m.label)) + 10 for m in marks)
    width = int(min(MAX_WIDTH, max(MIN_WIDTH, labels_width / TARGET_LANES)))
    first = min(m.start.first_day() for m in marks)
    last = max((m.end or m.start).day_after() for m in marks)
    years = list(range(first.year, last.year + (1 if last > datetime.date(last.year, 1, 1) else 0) + 1))
    start, stop = datetime.date(years[0], 1, 1), datetime.date(years[-1], 1, 1)
    pad = 12
    span_days = max((stop - start).days, 1)

    def x(day: datetime.date) -> float:
        return pad + (width - 2 * pad) * (day - start).days / span_days

    # Labels go in lanes above the axis: each in the lowest lane where it fits.
    lanes: list[float] = []  # the x where each lane is free again
    placed = []
    for mark in sorted(marks, key=lambda m: (m.start.first_day(), m.label)):
        x0, x1 = x(mark.start.first_day()), x((mark.end or mark.start).day_after())
        label = _label(mark.label)
        lx = min(x0, width - pad - _width(label))
        lane = next((i for i, free in enumerate(lanes) if free <= lx), len(lanes))
        if lane == len(lanes):
            lanes.append(0.0)
        lanes[lane] = lx + _width(label) + 10
        placed.append((mark, x0, x1, lane, lx, label))
    axis = LINE * (len(lanes) + 1) + 6
    height = axis + 34
    out = [
        _open_svg("timeline", svg_id, (0, 0, width, height), caption),
        f'<line class="summitry-axis" x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}"/>',
    ]
    step = max(1, math.ceil(len(years) / (width / 60)))  # a year label every 60 px at most
    ticks = years[::step] + ([years[-1]] if (len(years) - 1) % step else [])
    for year in ticks:
        tx = x(datetime.date(year, 1, 1))
        anchor = "start" if year == years[0] else "end" if year == years[-1] else "middle"
        out.append(f'<line class="summitry-tick" x1="{tx:.1f}" y1="{axis}" x2="{tx:.1f}" y2="{axis + 6}"/>')
        out.append(f'<text class="summitry-year" x="{tx:.1f}" y="{axis + 22}" text-anchor="{anchor}">{year}</text>')
    for mark, x0, x1, lane, lx, label in placed:
        y = axis - LINE * (lane + 1)
        mid = (x0 + min(x1, x0 + 6)) / 2
        if x1 - x0 >= 6:  # a span: the date is known to the month or the year
            shape = (
                f'<rect class="summitry-{mark.kind}" x="{x0:.1f}" y="{axis - 5}" '
                f'width="{x1 - x0:.1f}" height="10" rx="3"/>'
            )
        else:
            shape = f'<circle class="summitry-{mark.kind}" cx="{(x0 + x1) / 2:.1f}" cy="{axis}" r="5"/>'
        out.append(
            _open_link(mark.href, mark.title)
            + shape
            + f'<line class="summitry-leader" x1="{mid:.1f}" y1="{axis - 5}" x2="{mid:.1f}" y2="{y + 4}"/>'
            + f'<text x="{lx:.1f}" y="{y:.1f}">{escape(label)}</text></a>'
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar: a year
    count: int
    href: str
    title: str


def bars_svg(bars: Sequence[Bar], caption: str, svg_id: str) -> str:
    """How many items each year: a bar per year, for histories too long to draw item by item."""
    if not bars:
        return ""
    pad, tall = 12, 120
    # a year label fits under each bar, unless that would pass MAX_WIDTH (a thousand years and
    # more): then the bars are narrower, and the labels further apart
    slot = min(max(22.0, _width("0000") + 6), (MAX_WIDTH - 2 * pad) / len(bars))
    width = max(MIN_WIDTH, int(2 * pad + slot * len(bars)))
    axis = tall + FONT + 10
    most = max(b.count for b in bars) or 1
    out = [
        _open_svg("timeline", svg_id, (0, 0, width, axis + 34), caption),
        f'<line class="summitry-axis" x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}"/>',
    ]
    step = max(1, math.ceil(_width("0000") * 1.5 / slot))  # a year label where there is room
    for i, bar in enumerate(bars):
        x = pad + slot * i
        h = max(2.0, tall * bar.count / most)
        out.append(
            _open_link(bar.href, bar.title)
            + f'<rect class="summitry-meeting" x="{x + 3:.1f}" y="{axis - h:.1f}" width="{slot - 6:.1f}" '
            f'height="{h:.1f}" rx="2"/>'
            + (
                f'<text class="summitry-year" x="{x + slot / 2:.1f}" y="{axis + 22}" text-anchor="middle">'
                f"{escape(bar.label)}</text>"
                if i % step == 0
                else ""
            )
            + "</a>"
        )
    out.append("</svg>")
    return "".join(out)
