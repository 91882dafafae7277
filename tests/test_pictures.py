"""The pictures: valid SVG with the right nodes and links, and labels that never overlap."""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import show_scheme

from builder.cli import main

REPO = Path(__file__).parent.parent
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SCREENSHOTS = REPO / "build" / "screenshots"


def _svg_texts(markdown: str, drawing: str = "summitry-wide") -> list[str]:
    """The pictures of a page: graphs, and one drawing of each time axis (the wide one, unless
    ``drawing`` names the other); not the legends' swatches."""
    found = re.findall(r'<svg class="summitry-(?:graph|timeline)[^"]*".*?</svg>', markdown)
    return [svg for svg in found if "summitry-timeline" not in svg[:40] or drawing in svg[:60]]


def _svgs(markdown: str, drawing: str = "summitry-wide") -> list[ET.Element]:
    return [ET.fromstring(m) for m in _svg_texts(markdown, drawing)]


def _links(svg: ET.Element) -> list[str]:
    return [a.get(XLINK_HREF, "") for a in svg.iter(f"{SVG}a")]


def test_home_graph_has_every_leader_and_pair(built: Path) -> None:
    (graph,) = _svgs((built / "build/docs/index.md").read_text())
    assert graph.get("role") == "group" and graph.get("aria-labelledby") == "graph-all-title"
    assert graph.find(f"{SVG}title").text.startswith("Who met whom: 3 leaders")
    assert len(list(graph.iter(f"{SVG}circle"))) == 3
    assert sorted(_links(graph)) == [
        "leaders/biden/",
        "leaders/putin/",
        "leaders/trump/",
        "relations/biden-putin/",
        "relations/putin-trump/",
    ]
    assert all(a.find(f"{SVG}title") is not None for a in graph.iter(f"{SVG}a"))


def test_leader_page_graph_is_local(built: Path) -> None:
    page = (built / "build/docs/leaders/trump.md").read_text()
    (graph,) = _svgs(page)
    assert sorted(_links(graph)) == ["../../relations/putin-trump/", "../putin/", "./"]
    # what a screen reader says of it: "the 1 leaders they met" was a reader's finding
    assert '<title id="__summitry-graph-title">Donald Trump and the one leader they met.</title>' in page


def test_timelines_place_every_dated_item(built: Path) -> None:
    (picture,) = _svgs((built / "build/docs/timeline.md").read_text())
    links = _links(picture)
    assert sum(link.startswith("../meetings/") for link in links) == 4
    assert sum(link.startswith("../issues/") for link in links) == 3  # 2014, 2016 and 2023-10
    (relation,) = _svgs((built / "build/docs/relations/biden-putin.md").read_text())
    assert _links(relation) == ["../../meetings/2021-06-geneva-summit/", "../../meetings/2021-12-virtual-meeting/"]
    page = (built / "build/docs/timeline.md").read_text()
    for drawing in ("summitry-wide", "summitry-narrow"):
        (picture,) = _svgs(page, drawing)
        assert sorted(_links(picture)) == sorted(links)
        # a date known to the month or the year is "some time in" it: a dotted range across
        # the whole month or year, with end marks, and no bar or dot that could read as a day
        # or as a duration; its title says so too
        marks = {a.get(XLINK_HREF): a for a in picture.iter(f"{SVG}a")}
        helsinki, geneva = marks["../meetings/2018-helsinki-summit/"], marks["../meetings/2021-06-geneva-summit/"]
        for mark, title in (
            (helsinki, "Helsinki summit, some time in 2018"),
            (geneva, "Geneva summit, some time in June 2021"),
        ):
            assert mark.get("aria-label") == title and mark.find(f"{SVG}title").text == title
            (some_time,) = [g for g in mark.iter(f"{SVG}g") if "summitry-some-time" in g.get("class", "")]
            assert some_time[0].get("stroke-dasharray") == "2 3" and len(some_time) == 3  # the range, two ends
            assert not [
                e for e in mark if e.tag in (f"{SVG}circle", f"{SVG}rect") and "summitry-hit" not in e.get("class", "")
            ]
        year, month = (_extent(m, drawing) for m in (helsinki, geneva))
        # a year is twelve months long across; down the page a year is as tall as its labels need
        assert 11 < year / month < 13 if drawing == "summitry-wide" else year / month > 5
    # each picture says what its marks mean
    legend = re.findall(r'<p class="summitry-legend">(.*?)</p>', page)
    assert len(legend) == 1 and "Some time in the month or year it spans" in legend[0]
    assert "Meeting" in legend[0] and "Development" in legend[0] and "On a known day" not in legend[0]


def _extent(mark: ET.Element, drawing: str) -> float:
    """How long a mark's range is on the axis: across (wide) or down (narrow)."""
    (some_time,) = [g for g in mark.iter(f"{SVG}g") if "summitry-some-time" in g.get("class", "")]
    line = some_time[0]
    a, b = ("x1", "x2") if drawing == "summitry-wide" else ("y1", "y2")
    return float(line.get(b)) - float(line.get(a))


def test_labels_are_cut_at_a_word() -> None:
    from builder.resolve.prose import short

    said = "Ukraine: As of this month, by one source's account, the conflict"
    assert short(said, 38) == "Ukraine: As of this month, by one…"
    assert short("First meeting, at the G20 summit in Hamburg", 20) == "First meeting, at…"
    assert short("Supercalifragilisticexpialidocious", 10) == "Supercali…"  # one word: cut inside it
    assert short("Geneva summit", 13) == "Geneva summit"


def test_developments_are_labelled_by_their_title(built: Path) -> None:
    (picture,) = _svgs((built / "build/docs/timeline.md").read_text())
    labels = {t.text for t in picture.iter(f"{SVG}text") if t.get("class") != "summitry-year"}
    assert {
        "Ukraine: Crimea annexed",
        "Ukraine: Conflict still under way",
        "Election interference: US presidential election",
    } <= labels
    assert not [label for label in labels if label.endswith("…")]


BOXES = """svg => Array.from(svg.querySelectorAll('text')).map(t => {
  const b = t.getBBox(), m = t.getScreenCTM();
  const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]];
  return {text: t.textContent, points: corners.map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f])};
})"""


def _separated(p: list[list[float]], q: list[list[float]]) -> bool:
    """Separating axis test for two convex quadrilaterals (labels, possibly rotated)."""
    for poly in (p, q):
        for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
            nx, ny = y2 - y1, x1 - x2
            a = [nx * x + ny * y for x, y in p]
            b = [nx * x + ny * y for x, y in q]
            if max(a) <= min(b) + 0.5 or max(b) <= min(a) + 0.5:
                return True
    return False


def _overlaps(page, pictures: int) -> list[tuple[str, str]]:
    """Labels that overlap in the drawings shown (a time axis's other drawing is hidden)."""
    found = []
    svgs = [svg for svg in page.locator(".summitry-figure > svg").all() if svg.is_visible()]
    # a picture the browser does not take for SVG (say, re-serialised as ns0:svg) is not there to measure
    assert len(svgs) == pictures, f"{len(svgs)} pictures found in the page, {pictures} expected"
    for svg in svgs:
        labels = svg.evaluate(BOXES)
        assert labels, "a picture without labels"
        for one, two in itertools.combinations(labels, 2):
            if not _separated(one["points"], two["points"]):
                found.append((one["text"], two["text"]))
    return found


# What a reader on a phone or at a desk must be able to read and tap (WCAG 2.2, SC 2.5.8):
# every label of a picture drawn at 12 CSS px or more, and every mark (a picture's marks, the
# citation marks) a target of at least 24 by 24 CSS px. No point of a 24 px circle around a
# mark's middle may fall on another link; a picture's marks have all of it to themselves
# (their targets are transparent rectangles over what is drawn). A time axis shows the
# drawing that fits its figure, without scrolling sideways, and a citation mark stays on the
# line of the word or mark before it.
LEGIBLE = r"""() => {
  const problems = [];
  const shown = el => el.getClientRects().length > 0;
  const svgs = Array.from(document.querySelectorAll('.summitry-figure svg:not(.summitry-swatch)')).filter(shown);
  for (const svg of svgs) {
    for (const t of svg.querySelectorAll('text')) {
      const m = t.getScreenCTM(), size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (size < 12) problems.push(`label "${t.textContent}" is ${size.toFixed(1)} px`);
    }
    const figure = svg.closest('.summitry-figure');
    if (svg.classList.contains('summitry-timeline') && figure.scrollWidth > figure.clientWidth + 1
        && svg.getAttribute('width') <= 640)
      problems.push(`${svg.id} is ${figure.scrollWidth} px wide in a ${figure.clientWidth} px figure`);
  }
  for (const el of document.querySelectorAll('.summitry-legend, .summitry-caption')) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (shown(el) && size < 12) problems.push(`legend or caption at ${size} px`);
  }
  const hits = svg => Array.from(svg.querySelectorAll('a'), a => [a, a.querySelector('.summitry-hit'), true]);
  const marks = svgs.flatMap(hits);
  for (const a of document.querySelectorAll('article a.footnote-ref')) marks.push([a, a, false]);
  for (const [link, target, whole] of marks) {
    const name = link.getAttribute('aria-label') || link.textContent;
    if (!target) { problems.push(`"${name}" has no target`); continue; }
    target.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
    const box = target.getBoundingClientRect();
    if (box.width < 24 || box.height < 24)
      problems.push(`"${name}" is ${box.width.toFixed(1)} x ${box.height.toFixed(1)} px`);
    const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    const points = [[cx, cy]].concat(Array.from({length: 16}, (_, i) =>
      [cx + 11.5 * Math.cos(i * Math.PI / 8), cy + 11.5 * Math.sin(i * Math.PI / 8)]));
    const missed = points.filter(([x, y]) => {
      const at = document.elementFromPoint(x, y)?.closest('a');
      return whole ? at !== link : at && at !== link;
    });
    if (missed.length) problems.push(`"${name}": ${missed.length} of 17 points of its 24 px circle are another's`);
  }
  for (const sup of document.querySelectorAll('article sup[id^="fnref"]')) {
    // a mark stays on the line of what comes right before it: a word, or the mark before
    const before = sup.previousSibling;
    let box = null;
    if (before && before.nodeType === Node.TEXT_NODE && before.textContent && !/\s$/.test(before.textContent)) {
      const range = document.createRange();
      range.setStart(before, before.textContent.length - 1);
      range.setEnd(before, before.textContent.length);
      box = range.getBoundingClientRect();
    } else if (before && before.matches && before.matches('sup[id^="fnref"]')) {
      box = before.getBoundingClientRect();
    }
    const mark = sup.getBoundingClientRect();
    if (box && (mark.top > box.bottom || mark.bottom < box.top))
      problems.push(`citation mark ${sup.textContent} is on a line of its own`);
  }
  return problems;
}"""


def _picture_pages(site: Path) -> list[str]:
    return sorted(
        p.parent.relative_to(site).as_posix().removeprefix(".") + "/"
        for p in site.rglob("index.html")
        if "summitry-figure" in p.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_pictures_and_marks_are_legible_and_tappable(browser, site: Path, base_url: str, width: int) -> None:
    """Every page with a picture, in both palettes, one visit each: the palette is switched in place."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = _picture_pages(site)
    assert {"/", "leaders/putin/", "relations/biden-putin/", "timeline/", "issues/ukraine/"} <= set(pages)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    for path in pages:
        page.goto(base_url + path.lstrip("/"), wait_until="load")
        for scheme in ("light", "dark"):
            show_scheme(page, scheme)
            problems = page.evaluate(LEGIBLE)
            problems += [
                f"labels overlap: {pair}" for pair in _overlaps(page, page.locator(".summitry-figure").count())
            ]
            if problems:
                found[f"{path} ({scheme})"] = problems
            if path in ("/", "relations/putin-trump/", "timeline/"):
                name = path.strip("/").replace("/", "-") or "home"
                page.locator(".summitry-figure").first.screenshot(path=SCREENSHOTS / f"{name}-{width}-{scheme}.png")
    context.close()
    assert not found


def _large_knowledge_base(root: Path, leaders: int = 50, meetings: int = 500) -> None:
    rng = random.Random(7)  # the same knowledge base every run
    first = ["Ana", "Boris", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun"]
    last = ["Okonkwo-Smith", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Kowalczyk", "Silva", "Novak"]

    def write(rel: str, data: dict) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data), encoding="utf-8")

    (root / "mkdocs.yml").write_text("site_name: Large\ndocs_dir: build/docs\n")
    (root / "content/pages").mkdir(parents=True)
    (root / "content/pages/index.md").write_text("# Large\n")
    write("content/sources/s.yaml", {"title": "Source", "no_archive": "Made up for the test."})
    cite = [{"source": "s"}]
    ids = [f"l{n:02d}" for n in range(leaders)]
    for n, lid in enumerate(ids):
        name = f"{first[n % 10]} {last[n % 8]}-{n}"
        write(f"leaders/{lid}.yaml", {"name": name, "country": "X", "summary": "s", "citations": cite})
    for n in range(meetings):
        year, month = rng.randint(1990, 2024), rng.randint(1, 12)
        date = str(year) if n % 5 == 0 else f"{year}-{month:02d}"
        write(
            f"content/meetings/m{n:03d}.yaml",
            {
                "title": f"Talks number {n} in {rng.choice(['Geneva', 'Hamburg', 'Helsinki', 'Reykjavik'])}",
                "date": date,
                "kind": "summit",
                "location": f"Town {n}",  # a place of its own: never a likely duplicate of another
                "participants": rng.sample(ids, 2),
                "summary": "s",
                "citations": cite,
            },
        )


def test_large_pictures_stay_legible(browser, tmp_path: Path) -> None:
    _large_knowledge_base(tmp_path)
    assert main(["generate", "--root", str(tmp_path)]) == 0
    css = (REPO / "content/pages/assets/summitry.css").read_text()
    written = _svg_texts((tmp_path / "build/docs/index.md").read_text()) + _svg_texts(
        (tmp_path / "build/docs/timeline.md").read_text()
    )
    graph, timeline = (ET.fromstring(s) for s in written)
    # past 40 leaders, the home graph draws the 40 with the most meetings and says so
    assert len(list(graph.iter(f"{SVG}circle"))) == 40
    assert "among the 40 leaders with the most meetings, of 50" in graph.find(f"{SVG}title").text
    assert len(list(timeline.iter(f"{SVG}a"))) == 500
    page = browser.new_page()
    # the SVG as the builder wrote it: the browser must see what readers get
    body = "".join(f'<div class="summitry-figure">{s}</div>' for s in written)
    page.set_content(f"<html><head><style>{css}</style></head><body class='md-typeset'>{body}</body></html>")
    assert not _overlaps(page, 2)
    page.close()


def test_very_long_history_is_drawn_as_a_bar_per_year(tmp_path: Path) -> None:
    _large_knowledge_base(tmp_path, leaders=12, meetings=700)
    assert main(["generate", "--root", str(tmp_path)]) == 0
    page = (tmp_path / "build/docs/timeline.md").read_text()
    (picture,) = _svgs(page)
    assert picture.find(f"{SVG}title").text.startswith("700 dated items over ")
    links = _links(picture)
    years = {p.stem for p in (tmp_path / "build/docs/timeline").glob("*.md")}
    # one bar per year's page, each leading to it (the picture's links are final addresses)
    assert sorted(links) == sorted(f"{year}/" for year in years)
    assert all(f"[{year}](timeline/{year}.md)" in page for year in years)
    titles = [a.find(f"{SVG}title").text for a in picture.iter(f"{SVG}a")]
    assert sum(int(t.split(": ")[1].split(" ")[0]) for t in titles) == 700
