"""What Material users expect, under both engines: dates from git, feeds in the head,
Open Graph for link previews, previews and footers, a palette that follows the system."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import commit_all, copy_shipped
from htmlscan import scan, visible_text

from builder.cli import main

NAME = 'Vladimir <b>Putin</b> "V" & Co'  # what a title must survive on its way into an attribute


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped records in a git repository: all committed on 2026-11-30, Putin's again on 2026-12-01."""
    root = copy_shipped(tmp_path_factory.mktemp("history") / "kb")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    commit_all(root, "2026-11-30")
    putin = root / "leaders/putin.yaml"
    putin.write_text(putin.read_text().replace("name: Vladimir Putin", f"name: '{NAME}'"))
    commit_all(root, "2026-12-01")
    return root


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def engine_site(request: pytest.FixtureRequest, history: Path) -> Path:
    assert main(["build", "--root", str(history), "--engine", request.param]) == 0
    return history / "site"


def _front_matter(page: Path) -> dict[str, str]:
    return yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])


def test_record_pages_carry_the_date_of_their_lastcommit_all(history: Path) -> None:
    assert main(["generate", "--root", str(history)]) == 0
    docs = history / "build/docs"
    assert _front_matter(docs / "leaders/putin.md")["updated"] == "2026-12-01"
    assert _front_matter(docs / "leaders/biden.md")["updated"] == "2026-11-30"
    assert _front_matter(docs / "meetings/2021-06-geneva-summit.md")["updated"] == "2026-11-30"
    assert "updated" not in _front_matter(docs / "timeline.md")  # no record of its own


def test_record_pages_show_the_day_their_record_last_changed(engine_site: Path) -> None:
    putin = visible_text(engine_site / "leaders/putin/index.html")
    assert "leaders/putin.yaml . Last changed on 1 December 2026. Back to top" in putin
    geneva = visible_text(engine_site / "meetings/2021-06-geneva-summit/index.html")
    assert "Last changed on 30 November 2026." in geneva
    assert "Last changed" not in visible_text(engine_site / "timeline/index.html")


def test_no_date_outside_git(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    pages = sorted((small / "build/docs").rglob("*.md"))
    assert len(pages) > 10
    assert not [p for p in pages if "\nupdated: " in p.read_text(encoding="utf-8")]
    assert not [p for p in pages if "Last changed" in p.read_text(encoding="utf-8")]


def test_sitemap_dates_each_record_by_itscommit_all(history: Path) -> None:
    assert main(["build", "--root", str(history)]) == 0
    sitemap = (history / "site/sitemap.xml").read_text()
    putin = sitemap.split("/leaders/putin/</loc>")[1].split("</url>")[0]
    assert putin.strip() == "<lastmod>2026-12-01</lastmod>"
    timeline = sitemap.split("/timeline/</loc>")[1].split("</url>")[0]
    assert "lastmod" not in timeline  # not the build's date: there is no record to date it by


def test_head_names_the_feed_and_calendar_and_open_graph(engine_site: Path) -> None:
    page = scan(engine_site / "leaders/putin/index.html")
    # "alternate feed": Material takes a plain "alternate" for a translation and looks for its sitemap
    links = {a["type"]: a["href"] for t, a in page.elements if t == "link" and a.get("rel") == "alternate feed"}
    assert links == {"application/atom+xml": "../../data/meetings.atom", "text/calendar": "../../data/meetings.ics"}
    for href in links.values():
        assert (engine_site / "leaders/putin" / href).resolve().is_file()
    og = {a["property"]: a["content"] for t, a in page.elements if t == "meta" and "property" in a}
    assert og["og:title"] == NAME
    assert og["og:type"] == "article"
    assert og["og:url"] == "https://summitry.github.io/summitry/leaders/putin/"
    assert og["og:description"].startswith("A one-time officer of the KGB")
    home = {a["property"]: a["content"] for t, a in scan(engine_site / "index.html").elements if "property" in a}
    assert home["og:type"] == "website" and home["og:url"] == "https://summitry.github.io/summitry/"


def test_previews_footer_and_a_palette_that_follows_the_system(engine_site: Path) -> None:
    config = yaml.safe_load((engine_site.parent / "mkdocs.yml").read_text())
    assert config["theme"]["palette"][0]["media"] == "(prefers-color-scheme)"
    html = (engine_site / "meetings/index.html").read_text()
    assert '"navigation.instant.preview"' in html and '"navigation.footer"' in html
    assert 'media="(prefers-color-scheme)"' in html
    assert 'class="md-footer__link md-footer__link--prev"' in html  # previous and next sections


def test_record_pages_have_a_trail_to_their_section(engine_site: Path) -> None:
    html = (engine_site / "meetings/2021-06-geneva-summit/index.html").read_text()
    trail = html.split("<h1", 1)[0]  # above the title
    assert '<p><a href="../../">Home</a> › <a href="../">Meetings</a></p>' in trail
