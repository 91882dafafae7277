"""The site's pictures: from the resolved records to the SVG that svg.py and time_axis.py draw.

What each picture shows, and how much of it at most, is decided here; the layouts are in
builder/render/svg.py (who met whom) and builder/render/time_axis.py (what happened when).
Every picture is a raw HTML block with its caption as the text alternative, kept out of the
search index; a time axis has a legend of its marks too.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence

from builder.records.dates import PartialDate, human_span
from builder.render import svg, time_axis
from builder.render.addresses import page_address, relative
from builder.render.page_links import Page
from builder.render.year_pages import TIMELINE, year_path
from builder.resolve.anchors import OURS
from builder.resolve.prose import plain
from builder.resolve.site import Site

GRAPH_LEADERS = 40  # leaders drawn at most in a graph of who met whom
TIMELINE_MARKS = 600  # dated items drawn one by one at most on the timeline page


def figure(svg: str, caption: str, legend: str = "") -> str:
    """A raw HTML block: the picture, what its marks mean, and its caption as the text alternative."""
    # Excluded from the search indexes (Material's, Pagefind's): the picture repeats the
    # text of the page in labels and titles, and search should lead to the text.
    return (
        f'<div class="summitry-figure" data-search-exclude>{svg}{legend}'
        f'<p class="summitry-caption">{html.escape(caption)}</p></div>'
    )


def graph(site: Site, page: Page, center: str | None = None) -> str:
    """Who met whom: every leader, or one leader and their counterparts."""
    # Past GRAPH_LEADERS a circle of names is unreadable and the page heavy (500 leaders
    # drew 11,000 lines, 3 MB): the most-met leaders are drawn, and the caption says so.
    if center is None:
        # a line is a meeting: pairs known only from a relationship record are not drawn
        ids, rids = list(site.leaders), [rid for rid, rel in site.relations.items() if rel.meetings]
        caption = f"Who met whom: {len(ids)} leaders; a line for each of the {len(rids)} pairs who met."
        if len(ids) > GRAPH_LEADERS:
            ids = sorted(ids, key=lambda lid: (-len(site.by_leader.get(lid, ())), lid))[:GRAPH_LEADERS]
            kept = set(ids)
            rids = [rid for rid in rids if site.relations[rid].a in kept and site.relations[rid].b in kept]
            caption = (
                f"Who met whom among the {len(ids)} leaders with the most meetings, of {len(site.leaders)}; "
                f"a line for each of the {len(rids)} pairs among them. The relations page lists all "
                f"{len(site.relations)} pairs."
            )
    else:
        rids = [rid for rid in site.pairs_of.get(center, ()) if site.relations[rid].meetings]
        whom = "the one leader they met" if len(rids) == 1 else f"the {len(rids)} leaders they met"  # not "1 leaders"
        caption = f"{site.leaders[center].display_name} and {whom}."
        if len(rids) >= GRAPH_LEADERS:
            met = len(rids)
            rids = sorted(rids, key=lambda rid: (-len(site.relations[rid].meetings), rid))[: GRAPH_LEADERS - 1]
            caption = (
                f"{site.leaders[center].display_name} and the {len(rids)} leaders they met most often, "
                f"of {met}; the list below gives them all."
            )
        others = [r.b if r.a == center else r.a for r in (site.relations[rid] for rid in rids)]
        ids = [center, *others]
    if len(ids) < 2:
        return ""
    nodes = [
        svg.Node(lid, site.leaders[lid].display_name, page.href(("leader", lid)), site.leaders[lid].display_name)
        for lid in ids
    ]
    edges = []
    for rid in rids:
        rel = site.relations[rid]
        count = len(rel.meetings)
        title = f"{page.name(('relation', rid))}: {count} meeting{'s' if count != 1 else ''}"
        edges.append(svg.Edge(rel.a, rel.b, count, page.href(("relation", rid)), title))
    # the home page's keeps the id it always had; on a leader's page, whose headings are made
    # from record text, the builder's ids begin as the theme's, which no such heading takes
    svg_id = f"{OURS}summitry-graph" if center else "graph-all"
    return figure(svg.graph_svg(nodes, edges, caption, svg_id, center), caption)


def picture_timeline(
    site: Site,
    page: Page,
    mids: Sequence[str],
    iid: str | None = None,
    developments: bool = False,
    listed: str = "the list below gives the same",
) -> str:
    """Meetings (and an issue's developments, or all of them) on a time axis; past
    TIMELINE_MARKS of them, a bar per year."""
    if len(mids) < 2 and not iid and not developments:
        return ""  # the common case of a pair who met once: skip building the marks
    issues = [iid] if iid else list(site.issues) if developments else []
    if len(mids) + sum(len(site.issues[one].model.developments) for one in issues) > TIMELINE_MARKS:
        return _by_year(site, page, mids, issues, _timeline_id(developments))
    marks = []
    for mid in mids:
        m = site.meetings[mid].model
        title = f"{m.title}, {when(m.date, m.end_date)}"
        marks.append(time_axis.Mark(m.date, m.end_date, m.title, page.href(("meeting", mid)), title, "meeting"))
    for one in issues:
        issue = site.issues[one].model
        for dev in issue.developments:
            # a label meant for pictures, or the text's first words; cut at a word when drawn
            said = dev.title or plain(dev.text, site.name_of, 60)
            label = said if iid else f"{issue.title}: {said}"
            href = page.href(("issue", one))
            marks.append(time_axis.Mark(dev.date, None, label, href, f"{label}, {when(dev.date)}", "development"))
    if len(marks) < 2:  # one mark on an axis tells nothing the list does not
        return ""
    caption = f"Time line of {len(marks)} dated items; {listed}."
    drawn = time_axis.timeline_svg(marks, caption, _timeline_id(developments))
    return figure(drawn, caption, time_axis.legend(marks))


def _timeline_id(everything: bool) -> str:
    """The timeline page's picture keeps the id it always had (an address readers may keep);
    an issue's or a pair's, on a page of headings made from record text, begins as the
    theme's ids do, which no such heading takes (builder.resolve.anchors)."""
    return "timeline-page" if everything else f"{OURS}summitry-timeline"


def when(start: PartialDate, end: PartialDate | None = None) -> str:
    """A date as a mark's title says it: 'some time in' where it is known only to the month or year."""
    span = human_span(start, end)
    return span if start.precision == "day" and (end is None or end.precision == "day") else f"some time in {span}"


def timeline_overview(site: Site, page: Page) -> str:
    """The timeline page's picture: every item, or past TIMELINE_MARKS a bar per year
    (each a link to the year's page), which stays legible at any size. Past TIMELINE_MARKS
    it reads only the counts by year."""
    total = sum(site.timeline_counts.values())
    if total <= TIMELINE_MARKS:
        return picture_timeline(
            site, page, list(site.meetings), developments=True, listed="the years' pages, linked below, list them"
        )
    return _bars(page, site.timeline_counts, "timeline-page")


def _by_year(site: Site, page: Page, mids: Sequence[str], issues: Sequence[str], svg_id: str) -> str:
    """These meetings and the issues' developments, counted by year."""
    years = [site.meetings[mid].model.date.year for mid in mids]
    years += [dev.date.year for one in issues for dev in site.issues[one].model.developments]
    return _bars(page, Counter(sorted(years)), svg_id)


def _bars(page: Page, counts: Mapping[int, int], svg_id: str) -> str:
    """A bar per year, each a link to the year's page of the timeline."""
    bars = [
        time_axis.Bar(
            str(year),
            n,
            relative(page_address(year_path(TIMELINE, year)), page_address(page.path)),
            f"{year}: {n} dated item{'s' if n != 1 else ''}",
        )
        for year, n in counts.items()
    ]
    total = sum(counts.values())
    caption = f"{total} dated items over {len(bars)} years, counted by year; each bar leads to its year's page."
    return figure(time_axis.bars_svg(bars, caption, svg_id), caption)
