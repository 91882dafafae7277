"""Records titled with the ids Material's scripts find their elements by: their headings get
other ids, and every script of the page runs (search, the palette toggle), in Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import copy_shipped, serving

from builder.cli import main

CITE = "citations: [{source: biden-putin-look-at-relationship}]\n"
# Every id Material writes into a page, and some it makes (material/templates, and its bundle)
THEIRS = ["__config", "__search", "__drawer", "__toc", "__palette_0", "__palette_1", "__palette_2", "__nav_1"]
THEIRS += ["__consent", "__settings", "__analytics", "__skip", "__code_0", "__tooltip_0"]
RECORDS = {
    "content/issues/theme-config.yaml": "title: __config\nsummary: s.\n"
    + CITE
    + "positions:\n  putin: {text: p., citations: [{source: biden-putin-look-at-relationship}]}\n",
    "content/meetings/1999-01-01-palette.yaml": "title: __palette_1\ndate: 1999-01-01\nkind: call\n"
    "participants: [biden, putin]\nissues: [theme-config]\nsummary: s.\n" + CITE,
    "leaders/searcher.yaml": "name: __search\ncountry: __toc\nsummary: s.\n" + CITE,
    "content/sources/drawer.yaml": "title: __drawer\nno_archive: A test source with no text.\n",
    **{f"content/issues/theirs-{n}.yaml": f"title: {name}\nsummary: s.\n" + CITE for n, name in enumerate(THEIRS)},
}
PAGES = ["issues/theme-config/", "leaders/putin/", "meetings/1999-01-01-palette/", "leaders/searcher/"]
PAGES += ["sources/drawer/", "relations/biden-putin/", "issues/theirs-3/"]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_shipped(tmp_path_factory.mktemp("theirs") / "kb")
    for rel, text in RECORDS.items():
        (root / rel).write_text(text)
    relation = root / "content/relations/biden-putin.yaml"
    relation.write_text(relation.read_text().replace("- title: Watched closely", "- title: __drawer", 1))
    assert main(["build", "--root", str(root)]) == 0
    with serving(root / "site") as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_a_page_of_headings_titled_as_the_themes_ids_keeps_its_scripts(browser, site_url: str, path: str) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + path, wait_until="networkidle")
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(e => e.id)")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    headings = page.evaluate("[...document.querySelectorAll('h1, h2, h3')].map(h => [h.id, h.textContent])")
    assert not [h for h in headings if h[0].startswith("__")], headings
    assert any(text.startswith("__") for _, text in headings)  # a heading shows the title as written
    assert page.evaluate("document.getElementById('__config').tagName") == "SCRIPT"
    # the palette toggle: Material's script sets the page's colours from the chosen palette
    before = page.evaluate("document.body.getAttribute('data-md-color-media')")
    page.locator("label.md-header__button[for^='__palette_']:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-media') !== {before!r}")
    # search: Material's script and its worker find a page
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("Geneva")
    page.locator(".md-search-result__item", has_text="Geneva summit").first.wait_for(timeout=10_000)
    assert not errors, errors
    context.close()
