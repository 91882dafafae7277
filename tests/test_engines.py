"""The same mkdocs.yml and generated Markdown, rendered by MkDocs and by Zensical."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import OLD_YEAR_ANCHORS, copy_shipped
from htmlscan import old_anchor_lands, scan

from builder.cli import main
from builder.linkcheck import broken_links


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_shipped(tmp_path_factory.mktemp("zensical") / "kb")
    assert main(["build", "--root", str(root), "--engine", "zensical"]) == 0
    assert not list(root.glob(".summitry-engine*.yml"))
    return root


def _html_pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")}


def test_both_engines_build_the_same_pages(built: Path, zensical_site: Path) -> None:
    assert _html_pages(zensical_site / "site") == _html_pages(built / "site")


def test_every_link_holds_under_zensical(zensical_site: Path) -> None:
    base = urlsplit(yaml.safe_load((zensical_site / "mkdocs.yml").read_text())["site_url"]).path
    checked, broken = broken_links(zensical_site / "site", base)
    assert checked > 500 and not broken


def test_old_year_anchors_lead_to_the_years_pages_under_zensical(zensical_site: Path) -> None:
    site = zensical_site / "site"
    for address in OLD_YEAR_ANCHORS:
        section, _, year = address.partition("/#")
        assert old_anchor_lands(site, address) == site / section / year / "index.html"


def test_zensical_keeps_our_edit_button_pictures_and_footnotes(zensical_site: Path) -> None:
    page = scan(zensical_site / "site/meetings/2021-06-geneva-summit/index.html")
    edits = [a["href"] for _, a in page.elements if a.get("rel") == "edit"]
    assert edits == ["https://github.com/summitry/summitry/edit/main/content/meetings/2021-06-geneva-summit.yaml"]
    assert any(a.get("id") == "fn:1" for _, a in page.elements)
    home = (zensical_site / "site/index.html").read_text()
    assert 'class="summitry-graph"' in home and 'data-md-component="source"' not in home
    assert (zensical_site / "site/search.json").is_file()


def test_zensical_prints_the_same_json_ld(built: Path, zensical_site: Path) -> None:
    pages = sorted(_html_pages(built / "site"))
    mkdocs = {p: scan(built / "site" / p).jsonld for p in pages}
    assert sum(len(scripts) for scripts in mkdocs.values()) == 20  # one per record page
    assert {p: scan(zensical_site / "site" / p).jsonld for p in pages} == mkdocs


def test_unknown_engine(small: Path, run) -> None:
    from builder.errors import SummitryError
    from builder.pipeline import Project
    from builder.publish import build

    with pytest.raises(SummitryError, match="unknown engine 'hugo': use one of mkdocs, zensical, properdocs"):
        build(Project(small), engine="hugo")


def test_zensical_keeps_its_own_search_and_mkdocs_gets_the_builders(built: Path, zensical_site: Path) -> None:
    # Zensical's theme draws its search box in a design without Material's classes: its own
    # search stays there (README, "Search"). The index is among the generated files: both publish it.
    zensical = (zensical_site / "site/index.html").read_text()
    assert 'class="md-search__button"' in zensical and "data-summitry-search-input" not in zensical
    mkdocs = (built / "site/index.html").read_text()
    assert "data-summitry-search-input" in mkdocs and 'name="search"' not in mkdocs
    for site in (built, zensical_site):
        assert (site / "site/searchindex/t00.json").read_bytes() == (
            built / "build/docs/searchindex/t00.json"
        ).read_bytes()
