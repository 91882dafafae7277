"""Time axes drawn at build time: what happened when, in two drawings of one picture.

A wide drawing puts time across, with labels in lanes above the axis; a narrow one, for
phones, puts time down the page, with labels beside the axis. The site's CSS shows the one
that fits the width the picture has, so neither is ever shrunk below legible: labels are
13 or 14 CSS px, and every mark is a link whose target (a transparent rectangle around its
label) is at least 24 by 24 CSS px and overlaps no other, as WCAG 2.2's target size asks.

A date known to the day is a dot; a meeting over several known days, a bar over them; a
date known only to the month or the year, a dotted range with end marks across the whole
month or year, which a legend under the picture reads as "some time in" and which cannot be
taken for an event that lasted that long.
"""

from __future__ import annotations

import calendar
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from builder.records.dates import PartialDate
from builder.render.svg import FONT, close_link, hit, open_link, open_svg
from builder.resolve.prose import short

HIT = 24  # px: the least width and height of a mark's target
LANE = HIT + 2  # px between lanes of labels in the wide drawing
MIN_WIDTH = 640  # px: the wide drawing's least width; narrower figures show the narrow drawing
TARGET_LANES = 10  # a long history gets a wider axis (scrolled sideways), not a taller stack
MAX_WIDTH = 24_000
MAX_LABEL = 48  # characters of a label in the wide drawing; longer ones are cut at a word

NARROW_WIDTH = 320  # px: the narrow drawing, shrunk at most to 288 px (a 320 px phone), 14 px to 12.6
NARROW_FONT = 14
NARROW_LINE = 18
AXIS_X = 58  # the vertical axis, right of the year labels
LABEL_X = 86  # labels, right of the axis and the ranges beside it
LABEL_CHARS = int((NARROW_WIDTH - LABEL_X - 8) / (0.62 * NARROW_FONT))  # per line, estimated generously
MIN_YEAR = 34  # px: the least height of a year on the narrow axis, room for its label


@dataclass(frozen=True)
class Mark:
    start: PartialDate
    end: PartialDate | None
    label: str
    href: str
    title: str
    kind: str  # "meeting" or "development": drawn differently

    @property
    def some_time_in(self) -> bool:
        """Known only to the month or the year: the mark spans what the date may mean."""
        return self.start.precision != "day" or (self.end is not None and self.end.precision != "day")

    @property
    def several_days(self) -> bool:
        """Known to the day, and over more than one."""
        return not self.some_time_in and self.after - self.first > datetime.timedelta(days=1)

    @property
    def first(self) -> datetime.date:
        return self.start.first_day()

    @property
    def after(self) -> datetime.date:
        return (self.end or self.start).day_after()


def _width(text: str, font: float = FONT) -> float:
    return len(text) * 0.62 * font


def _years(marks: Sequence[Mark]) -> list[int]:
    """Every year the axis shows: from the first mark's year to the year after the last mark ends."""
    first = min(m.first for m in marks)
    last = max(m.after for m in marks)
    return list(range(first.year, last.year + (1 if last > datetime.date(last.year, 1, 1) else 0) + 1))


def _pack(spans: Sequence[tuple[float, float]], gap: float) -> list[int]:
    """The lowest lane for each span, in order, where it keeps ``gap`` from the one before it."""
    lanes: list[float] = []
    out = []
    for x0, x1 in spans:
        lane = next((i for i, free in enumerate(lanes) if free <= x0), len(lanes))
        if lane == len(lanes):
            lanes.append(-math.inf)
        lanes[lane] = x1 + gap
        out.append(lane)
    return out


def _range(x0: float, y0: float, x1: float, y1: float, kind: str) -> str:
    """'Some time in': a dotted line across the span, with an end mark across it at each end."""
    dx, dy = (0, 5) if y0 == y1 else (5, 0)
    return (
        f'<g class="summitry-some-time summitry-{kind}">'
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke-dasharray="2 3"/>'
        f'<line x1="{x0 - dx:.1f}" y1="{y0 - dy:.1f}" x2="{x0 + dx:.1f}" y2="{y0 + dy:.1f}"/>'
        f'<line x1="{x1 - dx:.1f}" y1="{y1 - dy:.1f}" x2="{x1 + dx:.1f}" y2="{y1 + dy:.1f}"/></g>'
    )


def _bar(kind: str, x: float, y: float, width: float, height: float) -> str:
    return f'<rect class="summitry-{kind}" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" rx="3"/>'


def _leader(points: Sequence[tuple[float, float]]) -> str:
    """A thin line from a mark to its label: drawn, never tapped (it crosses other labels)."""
    joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline class="summitry-leader" points="{joined}" fill="none" pointer-events="none"/>'


def timeline_svg(marks: Sequence[Mark], caption: str, svg_id: str) -> str:
    """The wide drawing and the narrow one, one after the other; CSS shows one."""
    if not marks:
        return ""
    return _wide(marks, caption, svg_id) + _narrow(marks, caption, svg_id + "-narrow")


def _wide(marks: Sequence[Mark], caption: str, svg_id: str) -> str:
    """A horizontal time axis; each label in the lowest lane above it where it fits."""
    ordered = sorted(marks, key=lambda m: (m.first, m.label))
    labels = [short(m.label, MAX_LABEL) for m in ordered]
    labels_width = sum(_width(label) + 10 for label in labels)
    width = int(min(MAX_WIDTH, max(MIN_WIDTH, labels_width / TARGET_LANES)))
    years = _years(marks)
    start, stop = datetime.date(years[0], 1, 1), datetime.date(years[-1], 1, 1)
    pad = 12
    span_days = max((stop - start).days, 1)

    def x(day: datetime.date) -> float:
        return pad + (width - 2 * pad) * (day - start).days / span_days

    placed = []
    for mark, label in zip(ordered, labels, strict=True):
        x0 = x(mark.first)
        lx = max(pad, min(x0 - 3, width - pad - _width(label)))
        placed.append((mark, label, x0, x(mark.after), lx))
    lanes = _pack([(lx, lx + max(_width(label), HIT)) for _, label, _, _, lx in placed], gap=10)
    ranges = _pack([(x0 - 6, x1 + 6) for mark, _, x0, x1, _ in placed if mark.some_time_in], gap=4)
    axis = LANE * (max(lanes, default=0) + 1) + 12
    year_y = axis + 14 + 8 * (max(ranges, default=-1) + 1) + 10
    out = [
        open_svg("timeline", svg_id, (0, 0, width, year_y + 8), caption, "summitry-wide"),
        f'<line class="summitry-axis" x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}"/>',
    ]
    step = max(1, math.ceil(len(years) / (width / 60)))  # a year label every 60 px at most
    for year in years[::step] + ([years[-1]] if (len(years) - 1) % step else []):
        tx = x(datetime.date(year, 1, 1))
        anchor = "start" if year == years[0] else "end" if year == years[-1] else "middle"
        out.append(f'<line class="summitry-tick" x1="{tx:.1f}" y1="{axis}" x2="{tx:.1f}" y2="{axis + 6}"/>')
        out.append(f'<text class="summitry-year" x="{tx:.1f}" y="{year_y}" text-anchor="{anchor}">{year}</text>')
    in_range = iter(ranges)
    for (mark, label, x0, x1, lx), lane in zip(placed, lanes, strict=True):
        y = axis - LANE * (lane + 1) + 4  # the label's baseline; its target runs 16 px above, 8 below
        if mark.some_time_in:
            ry = axis + 14 + 8 * next(in_range)
            shape = _range(x0, ry, x1, ry, mark.kind)
            leader = [(x0, ry - 5), (x0, y + 8)]
        elif mark.several_days:  # a bar however short the days are on the axis, as the legend says
            shape = _bar(mark.kind, x0, axis - 5, max(x1 - x0, 10), 10)
            leader = [(x0 + 3, axis - 5), (x0 + 3, y + 8)]
        else:
            shape = f'<circle class="summitry-{mark.kind}" cx="{(x0 + x1) / 2:.1f}" cy="{axis}" r="5"/>'
            leader = [((x0 + x1) / 2, axis - 5), ((x0 + x1) / 2, y + 8)]
        w = max(_width(label), HIT - 6)
        out.append(
            open_link(mark.href, mark.title)
            + hit(lx - 3, y - 16, w + 6, HIT)
            + _leader(leader)
            + shape
            + f'<text x="{lx:.1f}" y="{y:.1f}">{escape(label)}</text>'
            + close_link()
        )
    out.append("</svg>")
    return "".join(out)


def _lines(label: str) -> list[str]:
    """A label in at most two lines of the narrow drawing, broken and cut at words."""
    words, first = label.split(), ""
    while words and len(f"{first} {words[0]}".strip()) <= LABEL_CHARS:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one word longer than a line
        return [short(label, LABEL_CHARS)]
    return [first, short(" ".join(words), LABEL_CHARS)] if words else [first]


def _narrow(marks: Sequence[Mark], caption: str, svg_id: str) -> str:
    """A vertical time axis, years down the page; each label beside its date, or below the
    label before it, joined to its mark by a thin line."""
    ordered = sorted(marks, key=lambda m: (m.first, m.label))
    lines = [_lines(m.label) for m in ordered]
    heights = [max(HIT, NARROW_LINE * len(ls) + 6) + 4 for ls in lines]
    years = _years(marks)
    # A year is as tall as the labels dated in it, so they sit beside their dates.
    needed = dict.fromkeys(years, 0)
    for mark, height in zip(ordered, heights, strict=True):
        needed[mark.first.year] += height
    top, tops = 12.0, {}
    for year in years:
        tops[year] = top
        top += max(MIN_YEAR, needed[year] + 6)

    def y(day: datetime.date) -> float:
        if day.year not in tops or day.year + 1 not in tops:
            return tops[years[-1]]
        span = tops[day.year + 1] - tops[day.year]
        days = 366 if calendar.isleap(day.year) else 365
        return tops[day.year] + span * (day.timetuple().tm_yday - 1) / days

    columns = _pack([(y(m.first) - 6, y(m.after) + 6) for m in ordered if m.some_time_in], gap=2)
    body: list[str] = []
    below = 0.0  # where the last label ended
    in_column = iter(columns)
    for mark, label_lines, height in zip(ordered, lines, heights, strict=True):
        y0, y1 = y(mark.first), y(mark.after)
        if mark.some_time_in:
            cx = AXIS_X + 10 + 6 * min(next(in_column), 2)
            shape = _range(cx, y0, cx, y1, mark.kind)
            anchor = (cx + 5, y0)
        elif mark.several_days:
            shape = _bar(mark.kind, AXIS_X - 5, y0, 10, max(y1 - y0, 10))
            anchor = (AXIS_X + 5, y0 + 3)
        else:
            shape = f'<circle class="summitry-{mark.kind}" cx="{AXIS_X}" cy="{y0:.1f}" r="6"/>'
            anchor = (AXIS_X + 6, y0)
        box_top = max(anchor[1] - HIT / 2, below + 2)
        below = box_top + height - 4
        text = "".join(
            f'<tspan x="{LABEL_X}" y="{box_top + 17 + NARROW_LINE * i:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(label_lines)
        )
        body.append(
            open_link(mark.href, mark.title)
            + hit(LABEL_X - 6, box_top, NARROW_WIDTH - LABEL_X + 4, height - 4)
            + _leader([anchor, (LABEL_X - 8, box_top + 12)])
            + shape
            + f"<text>{text}</text>"
            + close_link()
        )
    bottom = max(top, below) + 8
    out = [
        open_svg("timeline", svg_id, (0, 0, NARROW_WIDTH, bottom), caption, "summitry-narrow"),
        f'<line class="summitry-axis" x1="{AXIS_X}" y1="{tops[years[0]]:.1f}" x2="{AXIS_X}" '
        f'y2="{tops[years[-1]]:.1f}"/>',
    ]
    for year in years:
        ty = tops[year]
        out.append(f'<line class="summitry-tick" x1="{AXIS_X - 6}" y1="{ty:.1f}" x2="{AXIS_X}" y2="{ty:.1f}"/>')
        out.append(f'<text class="summitry-year" x="{AXIS_X - 10}" y="{ty + 5:.1f}" text-anchor="end">{year}</text>')
    return "".join(out + body) + "</svg>"


def legend(marks: Sequence[Mark]) -> str:
    """What the marks of a time axis mean, for the kinds and forms it draws: HTML under the picture."""
    swatch = '<svg class="summitry-swatch" aria-hidden="true" width="30" height="14" viewBox="0 0 30 14">{}</svg>'
    kinds = {m.kind for m in marks}
    entries = [
        (f'<rect class="summitry-{kind}" x="9" y="1" width="12" height="12" rx="2"/>', name)
        for kind, name in (("meeting", "Meeting"), ("development", "Development"))
        if kind in kinds
    ]
    forms = [
        (not m.some_time_in and not m.several_days for m in marks),
        (m.several_days for m in marks),
        (m.some_time_in for m in marks),
    ]
    shapes = [
        ('<circle class="summitry-key-mark" cx="15" cy="7" r="5"/>', "On a known day"),
        ('<rect class="summitry-key-mark" x="3" y="2" width="24" height="10" rx="3"/>', "Over several known days"),
        (
            _range(4, 7, 26, 7, "key-mark"),
            "Some time in the month or year it spans: when is not known more closely, not how long it lasted",
        ),
    ]
    entries += [shape for drawn, shape in zip(forms, shapes, strict=True) if any(drawn)]
    items = "".join(
        f'<span class="summitry-key">{swatch.format(shape)} {escape(text)}</span>' for shape, text in entries
    )
    return f'<p class="summitry-legend">{items}</p>'


@dataclass(frozen=True)
class Bar:
    label: str  # a year
    count: int
    href: str
    title: str


def bars_svg(bars: Sequence[Bar], caption: str, svg_id: str) -> str:
    """How many items each year, for histories too long to draw item by item: a column per
    year across (wide), or a row per year down the page (narrow)."""
    if not bars:
        return ""
    most = max(b.count for b in bars) or 1
    pad, tall = 12, 120
    # a year label fits under each bar, unless that would pass MAX_WIDTH (a thousand years and
    # more): then the bars are narrower, and the labels further apart
    slot = min(max(HIT + 2.0, _width("0000") + 6), (MAX_WIDTH - 2 * pad) / len(bars))
    width = max(MIN_WIDTH, int(2 * pad + slot * len(bars)))
    axis = tall + FONT + 10
    wide = [
        open_svg("timeline", svg_id, (0, 0, width, axis + 34), caption, "summitry-wide"),
        f'<line class="summitry-axis" x1="{pad}" y1="{axis}" x2="{width - pad}" y2="{axis}"/>',
    ]
    step = max(1, math.ceil(_width("0000") * 1.5 / slot))  # a year label where there is room
    for i, bar in enumerate(bars):
        x = pad + slot * i
        h = max(2.0, tall * bar.count / most)
        label = f'<text class="summitry-year" x="{x + slot / 2:.1f}" y="{axis + 22}" text-anchor="middle">'
        year = f"{label}{escape(bar.label)}</text>" if i % step == 0 else ""
        wide.append(
            open_link(bar.href, bar.title)
            + hit(x + 1, axis - tall, slot - 2, tall + 28)
            + _bar("meeting", x + 3, axis - h, slot - 6, h)
            + year
            + close_link()
        )
    wide.append("</svg>")
    row, longest = HIT + 4, NARROW_WIDTH - AXIS_X - 50
    narrow = [
        open_svg("timeline", svg_id + "-narrow", (0, 0, NARROW_WIDTH, row * len(bars) + 16), caption, "summitry-narrow")
    ]
    for i, bar in enumerate(bars):
        y = 8 + row * i
        w = max(2.0, longest * bar.count / most)
        narrow.append(
            open_link(bar.href, bar.title)
            + hit(0, y, NARROW_WIDTH, row - 2)
            + f'<text class="summitry-year" x="{AXIS_X - 10}" y="{y + 18}" text-anchor="end">{escape(bar.label)}</text>'
            + _bar("meeting", AXIS_X, y + 5, w, row - 12)
            + f'<text x="{AXIS_X + w + 6:.1f}" y="{y + 18}">{bar.count}</text>'
            + close_link()
        )
    narrow.append("</svg>")
    return "".join(wide) + "".join(narrow)
