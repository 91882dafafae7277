"""Pictures drawn at build time as inline SVG: who met whom (here), and what happened when
(builder/render/time_axis.py), with the parts both use.

No JavaScript and nothing fetched: every mark is an SVG element with a <title> and a link,
whose target is a transparent shape at least 24 by 24 CSS px (WCAG 2.2's target size) that
overlaps no other mark's. Pictures are never shrunk (summitry.css): one wider than its
column scrolls sideways, and a time axis has a narrow drawing for phones. Colours come from
Material's CSS variables (see summitry.css), so one drawing serves the light and the dark
palette. Layouts are deterministic and sized from the labels, so labels do not overlap: a
circle for the graph (labels turned outwards when there are many leaders).

Links use xlink:href: Material's instant navigation reassigns the href property of every
element with an href attribute, which an SVG <a> does not allow (a script error on every
page with a picture); browsers treat xlink:href as the link all the same.

Layout libraries were considered (networkx for graphs, matplotlib for timelines); a circle
and a lane packer are a page of code, deterministic by construction, and need neither.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from builder.resolve.prose import short

FONT = 13  # px, the labels' size
CHAR = 0.62 * FONT  # a generous average glyph width, so estimated labels are never short
LINE = FONT + 7  # px between lanes of labels
MAX_LABEL = 38  # characters; longer labels are cut at a word, the full text stays in the <title>
RADIAL_FROM = 9  # nodes: from here on, graph labels point outwards
HIT = 24  # px: the least width and height of a mark's target


def _width(text: str) -> float:
    return len(text) * CHAR


def attr(value: str) -> str:
    return escape(value, quote=True)


def open_svg(kind: str, svg_id: str, box: tuple[float, float, float, float], caption: str, extra: str = "") -> str:
    left, top, width, height = box
    classes = f"summitry-{kind} {extra}".strip()
    return (
        f'<svg class="{classes}" id="{svg_id}" role="group" aria-labelledby="{svg_id}-title" '
        f'viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<title id="{svg_id}-title">{escape(caption)}</title>'
    )


def open_link(href: str, title: str) -> str:
    return f'<a xlink:href="{attr(href)}" aria-label="{attr(title)}"><title>{escape(title)}</title>'


def close_link() -> str:
    return "</a>"


def hit(x: float, y: float, width: float, height: float) -> str:
    """A mark's target: transparent, painted (so it takes taps), at least HIT by HIT."""
    return (
        f'<rect class="summitry-hit" x="{x:.1f}" y="{y:.1f}" width="{max(width, HIT):.1f}" '
        f'height="{max(height, HIT):.1f}" fill="transparent"/>'
    )


def _band(x1: float, y1: float, x2: float, y2: float, trim: float) -> str | None:
    """A target along a line, HIT wide, leaving ``trim`` free at each end (the nodes' own)."""
    length = math.hypot(x2 - x1, y2 - y1)
    if length <= 2 * trim + HIT:
        return None
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    nx, ny = -uy * HIT / 2, ux * HIT / 2
    ax, ay, bx, by = x1 + ux * trim, y1 + uy * trim, x2 - ux * trim, y2 - uy * trim
    corners = [(ax + nx, ay + ny), (bx + nx, by + ny), (bx - nx, by - ny), (ax - nx, ay - ny)]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    return f'<polygon class="summitry-hit" points="{points}" fill="transparent"/>'


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
    labels = {n.id: short(n.label, MAX_LABEL) for n in nodes}
    longest = max((_width(labels[n.id]) for n in nodes), default=0)
    radial = len(ring) >= RADIAL_FROM
    # Enough circumference for every label's height (radial) or width (centred on its node).
    spacing = max(LINE * 1.25, HIT + 2) if radial else min(longest, 160) + 24
    radius = max(90.0, spacing * max(len(ring), 1) / (2 * math.pi))
    where: dict[str, tuple[float, float, float]] = {}
    below = center is not None and len(ring) <= 3  # a leader's few counterparts: under them, labels apart
    for i, node in enumerate(ring):
        if below:
            angle = math.pi / 2 if len(ring) == 1 else 5 * math.pi / 6 - i * (2 * math.pi / 3) / (len(ring) - 1)
        else:
            angle = -math.pi / 2 + 2 * math.pi * i / max(len(ring), 1)
        where[node.id] = (radius * math.cos(angle), radius * math.sin(angle), angle)
    if center is not None:
        where[center] = (0.0, 0.0, 0.0)

    heaviest = max((e.weight for e in edges), default=1)
    body = []
    for edge in edges:
        (x1, y1, _), (x2, y2, _) = where[edge.a], where[edge.b]
        stroke = 1.5 + 4.5 * (edge.weight - 1) / max(heaviest - 1, 1)
        body.append(
            open_link(edge.href, edge.title)
            + (_band(x1, y1, x2, y2, trim=16) or "")
            + f'<line class="summitry-edge" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke-width="{stroke:.1f}"/>' + close_link()
        )
    boxes = []
    for node in nodes:
        x, y, angle = where[node.id]
        text, box, target = _node_label(labels[node.id], x, y, angle, radial, node.id == center)
        boxes.append(box)
        body.append(open_link(node.href, node.title) + target)
        body.append(f'<circle class="summitry-node" cx="{x:.1f}" cy="{y:.1f}" r="7"/>{text}' + close_link())
    # The drawing's extent: nodes and their labels, with a margin; nothing else.
    xs = [v for b in boxes for v in (b[0], b[2])] + [x for x, _, _ in where.values()]
    ys = [v for b in boxes for v in (b[1], b[3])] + [y for _, y, _ in where.values()]
    left, top = min(xs) - 14, min(ys) - 14
    width, height = max(xs) + 14 - left, max(ys) + 14 - top
    return open_svg("graph", svg_id, (left, top, width, height), caption) + "".join(body) + "</svg>"


Box = tuple[float, float, float, float]  # left, top, right, bottom


def _around(box: Box, x: float, y: float) -> tuple[Box, str]:
    """The node's target: a square of 24 px around it, and its label's box made 24 px tall
    (not the box around both, which would cover the lines that leave the node)."""
    grow = max(0.0, HIT - (box[3] - box[1])) / 2
    label = hit(box[0] - 2, box[1] - grow, box[2] - box[0] + 4, box[3] - box[1] + 2 * grow)
    node = hit(x - HIT / 2, y - HIT / 2, HIT, HIT)
    outer = (min(box[0], x - HIT / 2), min(box[1], y - HIT / 2), max(box[2], x + HIT / 2), max(box[3], y + HIT / 2))
    return outer, label + node


def _node_label(text: str, x: float, y: float, angle: float, radial: bool, is_center: bool) -> tuple[str, Box, str]:
    """The label's <text>, the box it is expected to fill (estimated generously), and the
    node's target: the node and its label."""
    w, half = _width(text), FONT / 2
    cos, sin = math.cos(angle), math.sin(angle)
    if is_center or not radial:  # centred above the node (in the upper half, and the centre's) or below it
        base = y - 12 if is_center or sin < -1e-9 else y + 12 + FONT
        box, target = _around((x - w / 2, base - FONT, x + w / 2, base + 4), x, y)
        return f'<text x="{x:.1f}" y="{base:.1f}" text-anchor="middle">{escape(text)}</text>', box, target
    flip = cos < -1e-9  # radial, on the left half: turn the text so it reads left to right
    anchor = "end" if flip else "start"
    rotate = math.degrees(angle) + (180 if flip else 0)
    lx, ly = x + 12 * cos, y + 12 * sin
    ex, ey = lx + w * cos, ly + w * sin
    box = (min(lx, ex) - half, min(ly, ey) - half, max(lx, ex) + half, max(ly, ey) + half)
    # along the label, from behind the node: a band as wide as a target
    target = _band(x - (HIT / 2) * cos, y - (HIT / 2) * sin, ex + 2 * cos, ey + 2 * sin, trim=0) or ""
    return (
        f'<text x="{lx:.1f}" y="{ly:.1f}" dy="0.35em" text-anchor="{anchor}" '
        f'transform="rotate({rotate:.1f} {lx:.1f} {ly:.1f})">{escape(text)}</text>',
        box,
        target,
    )
