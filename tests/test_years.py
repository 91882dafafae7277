"""The meetings and the timeline listed by year: a page per year, the section pages list the
years, and the addresses of the old one-page listings still lead to each year."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import OLD_YEAR_ANCHORS
from htmlscan import old_anchor_lands

from builder.pipeline import Project, check, generate
from builder.render.year_pages import year_of
from builder.resolve.timeline import by_year

OLD_OTHER = ["meetings/#meetings", "timeline/#timeline", "timeline/#timeline-page"]  # the title, the picture


def _rows(page: str) -> list[list[str]]:
    """The body rows of a page's Markdown tables, as cells."""
    return [
        [c.strip() for c in line.strip("|").split("|")]
        for line in page.splitlines()
        if line.startswith("| ") and not line.startswith(("| Date ", "| Year "))
    ]


def _year_links(page: str) -> str:
    return next(line for line in page.splitlines() if "[All years]" in line)


def test_by_year_keeps_the_order_within_a_year_and_sorts_the_years() -> None:
    assert by_year([(2021, "b"), (2019, "x"), (2021, "a")]) == {2019: ("x",), 2021: ("b", "a")}
    assert list(by_year([(3, 0), (1, 0), (2, 0)])) == [1, 2, 3]
    assert by_year([]) == {}


def test_each_year_knows_the_years_with_pages_on_either_side() -> None:
    groups = {1990: (), 2005: (), 2021: ()}
    assert [(y.year, y.previous, y.next) for y in (year_of(groups, y) for y in groups)] == [
        (1990, None, 2005),
        (2005, 1990, 2021),
        (2021, 2005, None),
    ]


def test_the_site_holds_the_grouping(built: Path) -> None:
    site = check(Project(built))
    assert list(site.meeting_years) == sorted(site.meeting_years)
    assert [mid for mids in site.meeting_years.values() for mid in mids] == list(site.meetings)
    for year, mids in site.meeting_years.items():
        assert {site.meetings[mid].model.date.year for mid in mids} == {year}
    assert [item for items in site.timeline_years.values() for item in items] == list(site.timeline)
    for year, items in site.timeline_years.items():
        assert {item.date.year for item in items} == {year}
    assert site.meeting_counts == {year: len(mids) for year, mids in site.meeting_years.items()}
    assert site.timeline_counts == {year: len(items) for year, items in site.timeline_years.items()}


def _year_pages(built: Path, folder: str, title: str, section: str) -> Iterator[tuple[int, str]]:
    """Each year's page in ``folder`` of the built site's Markdown, checked for its title and trail."""
    for path in sorted((built / "build/docs" / folder).glob("[0-9][0-9][0-9][0-9].md")):
        page = path.read_text()
        assert f"\n# {title} {path.stem}\n" in page
        assert f"\n[Home](../index.md) › {section}\n" in page
        yield int(path.stem), page


def test_year_pages_list_that_years_meetings_newest_first(built: Path) -> None:
    site = check(Project(built))
    pages = dict(_year_pages(built, "meetings", "Meetings in", "[Meetings](index.md)"))
    assert list(pages) == list(site.meeting_years)
    for year, page in pages.items():
        rows, mids = _rows(page), list(reversed(site.meeting_years[year]))
        assert len(rows) == len(mids)
        # each row is the row the one-page listing had: date, meeting, participants, place
        for row, mid in zip(rows, mids, strict=True):
            m = site.meetings[mid].model
            assert len(row) == 4 and row[1] == f"[{m.title}]({mid}.md)"
            assert row[2].count("](../leaders/") == len(m.participants)


def test_timeline_year_pages_list_that_years_items_in_date_order(built: Path) -> None:
    site = check(Project(built))
    pages = dict(_year_pages(built, "timeline", "Timeline of", "[Timeline](../timeline.md)"))
    assert list(pages) == list(site.timeline_years)
    for year, page in pages.items():
        lines = [line for line in page.splitlines() if line.startswith("- **")]
        assert len(lines) == len(site.timeline_years[year])
        for line, item in zip(lines, site.timeline_years[year], strict=True):
            kind, rid = item.key
            assert f"](../{kind}s/{rid}.md)" in line
            if kind != "meeting":  # a meeting shows its span, which may end another day
                assert line.startswith(f"- **{item.date.human()}**: ")


def test_year_pages_lead_to_the_years_on_either_side_and_to_all(built: Path) -> None:
    docs = built / "build/docs"
    for folder, up in (("meetings", "index.md"), ("timeline", "../timeline.md")):
        years = sorted(int(p.stem) for p in (docs / folder).glob("[0-9][0-9][0-9][0-9].md"))
        assert len(years) >= 3
        for i, year in enumerate(years):
            page = (docs / f"{folder}/{year}.md").read_text()
            links = _year_links(page)
            assert page.count(links) == 2  # above the listing and below it
            assert (f"Previous: [{years[i - 1]}]({years[i - 1]}.md)" in links) == (i > 0)
            assert ("Previous:" in links) == (i > 0)
            assert (i + 1 < len(years)) == ("Next:" in links)
            if i + 1 < len(years):
                assert f"Next: [{years[i + 1]}]({years[i + 1]}.md)" in links
            assert links.endswith(f"[All years]({up})")


def test_section_pages_list_the_years_and_their_counts(built: Path) -> None:
    site = check(Project(built))
    docs = built / "build/docs"
    meetings = (docs / "meetings/index.md").read_text()
    assert _rows(meetings) == [
        [f'<span id="{year}"></span>[{year}]({year}.md)', str(len(mids))]
        for year, mids in reversed(site.meeting_years.items())
    ]
    assert f"{len(site.meetings)} meetings over {len(site.meeting_years)} years." in meetings
    timeline = (docs / "timeline.md").read_text()
    assert _rows(timeline) == [
        [f'<span id="{year}"></span>[{year}](timeline/{year}.md)', str(len(items))]
        for year, items in site.timeline_years.items()
    ]
    assert f"{len(site.timeline)} dated items over {len(site.timeline_years)} years:" in timeline
    # the section pages no longer list the meetings themselves
    assert "geneva-summit" not in meetings and "geneva-summit.md" not in timeline


@pytest.mark.parametrize("address", OLD_YEAR_ANCHORS)
def test_an_old_year_address_leads_to_the_years_page(site: Path, address: str) -> None:
    year = address.rpartition("#")[2]
    target = old_anchor_lands(site, address)
    assert target == site / address.split("/")[0] / year / "index.html"
    assert f"{year}</h1>" in re.sub(r"<a class=\"headerlink\".*?</a>", "", target.read_text())


@pytest.mark.parametrize("address", OLD_OTHER)
def test_the_other_old_anchors_are_still_there(site: Path, address: str) -> None:
    page, _, fragment = address.partition("#")
    assert f'id="{fragment}"' in (site / page / "index.html").read_text()


def test_an_old_anchor_shows_its_years_link_without_javascript(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1000, "height": 400})
    page = context.new_page()
    page.goto(base_url + "timeline/#2014")
    link = page.locator("[id='2014'] + a")
    assert link.inner_text() == "2014" and link.is_visible()
    assert page.evaluate("document.getElementById('2014').getBoundingClientRect().top") < 400
    link.click()
    assert page.locator("h1").inner_text().startswith("Timeline of 2014")
    context.close()


def test_a_retitled_meeting_renders_its_years_pages_and_not_the_other_years(small: Path) -> None:
    every = set(generate(Project(small), workers=1).rendered)
    assert {"meetings/2021.md", "timeline/2021.md", "meetings/index.md"} <= every
    path = small / "content/meetings/2021-brief-call.yaml"
    path.write_text(path.read_text().replace("title: Brief call", "title: Brief phone call"))
    report = generate(Project(small), workers=1)
    assert {"meetings/2021.md", "timeline/2021.md", "meetings/2021-brief-call.md"} <= set(report.written)
    # the section page reads only the counts; the other years' pages, only their own years
    assert not {"meetings/index.md", "meetings/2020.md", "meetings/2022.md", "timeline/2022.md"} & set(report.rendered)


def _from_nothing(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("build", "site"))
    generate(Project(scratch), workers=1)
    return {p.relative_to(scratch).as_posix(): p.read_bytes() for p in sorted((scratch / "build/docs").rglob("*.md"))}


def test_a_meeting_moved_to_a_year_of_its_own_after_a_run(small: Path, tmp_path: Path) -> None:
    generate(Project(small), workers=1)
    path = small / "content/meetings/2021-brief-call.yaml"
    path.write_text(path.read_text().replace("date: 2021", "date: 2015"))
    report = generate(Project(small), workers=1)
    assert {"meetings/2015.md", "timeline/2015.md", "meetings/index.md", "timeline.md"} <= set(report.written)
    assert {"meetings/2021.md", "timeline/2021.md"} <= set(report.removed)
    # the year before and after it link to it now: they read which years there are
    assert {"meetings/2020.md", "timeline/2010.md", "timeline/2019.md"} <= set(report.written)
    docs = small / "build/docs"
    assert _from_nothing(small, tmp_path / "fresh") == {
        p.relative_to(small).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*.md"))
    }


def test_a_year_left_without_meetings_loses_its_pages(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    docs = small / "build/docs"
    assert (docs / "meetings/2021.md").is_file()
    (small / "content/meetings/2021-brief-call.yaml").unlink()
    result = json.loads(run("generate", "--root", small, "--format", "json").out)
    assert {"meetings/2021.md", "timeline/2021.md"} <= set(result["removed"])
    assert "Next: [2022](2022.md)" in (docs / "meetings/2020.md").read_text()
    assert "2021" not in (docs / "meetings/index.md").read_text()


def test_a_hand_written_page_may_not_take_a_years_place(small: Path, run) -> None:
    (small / "content/pages/timeline").mkdir(parents=True)
    (small / "content/pages/timeline/2021.md").write_text("# Mine\n")
    result = run("generate", "--root", small)
    assert result.code != 0
    assert "content/pages/timeline/2021.md: the builder generates this page" in result.err


def test_a_page_is_the_same_whichever_pages_were_rendered_before_it(built: Path) -> None:
    # Pages share caches of links and table rows, and worker processes render them in chunks:
    # the order must not show in the bytes.
    from builder.pipeline import settings
    from builder.render.pages import Renderer

    site = check(Project(built))

    def rendered(reverse: bool) -> dict[str, str | bytes]:
        jobs = Renderer(site, settings(Project(built))).jobs()
        out: dict[str, str | bytes] = {}
        for _, make in reversed(jobs) if reverse else jobs:
            out.update(make())
        return out

    forward = rendered(False)
    assert any(path.startswith("timeline/") for path in forward)
    assert rendered(True) == forward
