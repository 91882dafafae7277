"""The pictures: valid SVG with the right nodes and links, and labels that never overlap."""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from builder.cli import main

REPO = Path(__file__).parent.parent
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SCREENSHOTS = REPO / "build" / "screenshots"


def _svg_texts(markdown: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", markdown)


def _svgs(markdown: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in _svg_texts(markdown)]


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
    (graph,) = _svgs((built / "build/docs/leaders/trump.md").read_text())
    assert sorted(_links(graph)) == ["../../relations/putin-trump/", "../putin/", "./"]


def test_timelines_place_every_dated_item(built: Path) -> None:
    (picture,) = _svgs((built / "build/docs/timeline.md").read_text())
    links = _links(picture)
    assert sum(link.startswith("../meetings/") for link in links) == 4
    assert sum(link.startswith("../issues/") for link in links) == 3  # 2014, 2016 and 2023-10
    (relation,) = _svgs((built / "build/docs/relations/biden-putin.md").read_text())
    assert _links(relation) == ["../../meetings/2021-06-geneva-summit/", "../../meetings/2021-12-virtual-meeting/"]
    # a date known to the month or the year is drawn as a span, not a point
    spans = {a.get(XLINK_HREF): a.find(f"{SVG}rect") for a in picture.iter(f"{SVG}a")}
    helsinki, geneva = spans["../meetings/2018-helsinki-summit/"], spans["../meetings/2021-06-geneva-summit/"]
    assert float(helsinki.get("width")) > 10 * float(geneva.get("width"))


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
    found = []
    svgs = page.locator(".summitry-figure svg").all()
    # a picture the browser does not take for SVG (say, re-serialised as ns0:svg) is not there to measure
    assert len(svgs) == pictures, f"{len(svgs)} pictures found in the page, {pictures} expected"
    for svg in svgs:
        labels = svg.evaluate(BOXES)
        assert labels, "a picture without labels"
        for one, two in itertools.combinations(labels, 2):
            if not _separated(one["points"], two["points"]):
                found.append((one["text"], two["text"]))
    return found


PAGES = {"home": "", "leader": "leaders/putin/", "relation": "relations/biden-putin/", "timeline": "timeline/"}


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pictures_in_the_browser(browser, base_url: str, scheme: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(base_url + path)
        figure = page.locator(".summitry-figure").first
        figure.scroll_into_view_if_needed()
        assert figure.is_visible()
        shot = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000
        assert not _overlaps(page, page.locator(".summitry-figure").count()), (name, scheme, width)
    context.close()


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
