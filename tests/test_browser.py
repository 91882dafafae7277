"""The built site in a real browser: Playwright driving Debian's chromium, headless."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import show_scheme

from builder.render.search_index import term_file, terms


def _pages(site: Path) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html"))


def test_every_page_loads_without_console_errors_or_failed_requests(browser, site: Path, base_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # A request the browser cancels itself (the search worker's script, when the next page is
    # opened before it arrives) is no fault of the site; a missing file is a 404, seen below.
    page.on(
        "requestfailed",
        lambda r: problems.append(f"failed: {r.url} ({r.failure})") if r.failure != "net::ERR_ABORTED" else None,
    )
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    pages = _pages(site)
    assert len(pages) >= 29  # 3 leaders, 4 meetings, 9 issues, 2 relations, 2 sources, 9 others
    for path in pages:
        # 'load': the page, its styles, scripts and pictures are in; a request still open
        # when the next page opens is cancelled by the browser, which is no fault (above)
        page.goto(base_url + path.removeprefix("./"), wait_until="load")
        assert not problems, (path, problems)
    context.close()


def test_search_finds_the_geneva_summit_and_leads_to_it(browser, base_url: str) -> None:
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    page.goto(base_url)
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("Geneva")
    result = page.locator(".md-search-result__item", has_text="Geneva summit").first
    result.wait_for(timeout=10_000)
    assert "meetings/2021-06-geneva-summit/" in (result.locator("a").first.get_attribute("href") or "")
    result.locator("a").first.click()
    page.wait_for_url("**/meetings/2021-06-geneva-summit/")
    assert page.locator("h1").first.inner_text().startswith("Geneva summit")
    # One file of the index for the one word (every prefix of it is in the same file), from
    # the site itself; never Material's whole-site index
    index = [url for url in fetched if "/searchindex/" in url]
    assert index == [f"{base_url}searchindex/t{term_file('geneva'):02x}.json"], index
    assert not [url for url in fetched if "search_index.json" in url or not url.startswith(base_url)]
    page.close()


TRICKY = [
    "Luiz Inácio Lula da Silva",
    "Ñandú, ŞİMŞEK and Œuvre: ﬁne",
    "Владимир Путин; 习近平 and 文在寅",
    "G-7/G20 talks_2021 (№ 5) x²",
    "Ä̈ ǅ Ⅻ ① ߊ ٣",
    "Kiev's \u200bzero-width",
]


def test_search_cuts_words_as_the_index_does(browser, base_url: str) -> None:
    """The script's words and files are the builder's: a word cut differently is never found."""
    page = browser.new_page()
    page.goto(base_url)
    got = page.evaluate(
        "(texts) => texts.map(t => { const w = window.__summitrySearch.terms(t);"
        " return [w, w.map(x => window.__summitrySearch.termFile(x))]; })",
        TRICKY,
    )
    assert got == [[terms(t), [term_file(w) for w in terms(t)]] for t in TRICKY]
    page.close()


@pytest.mark.parametrize(
    "query, finds",
    [
        ("Putin", "Vladimir Putin"),  # a name
        ("Helsinki", "Helsinki summit"),  # a title and a place
        ("Hamburg", "Hamburg"),  # a place
        ("cybersecurity", "Cybersecurity"),  # an issue
        ("anticipated", "Geneva summit"),  # a word of a summary
    ],
)
def test_search_finds_names_titles_places_and_words_of_summaries(browser, base_url: str, query, finds) -> None:
    page = browser.new_page()
    page.goto(base_url + "about/")
    page.keyboard.press("/")  # opens the search, as Material's does
    page.keyboard.type(query)
    page.locator(".md-search-result__item", has_text=finds).first.wait_for(timeout=10_000)
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.close()


def test_search_results_are_text_never_markup(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url)
    page.get_by_role("textbox", name="Search").click()
    page.keyboard.type("summit")
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    tags = page.evaluate(
        "[...document.querySelectorAll('[data-summitry-search-results] article *')].map(e => e.tagName)"
    )
    assert set(tags) <= {"H1", "P", "MARK"}, tags
    page.close()


def test_edit_button_opens_the_meeting_record(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "meetings/2021-06-geneva-summit/")
    edit = page.locator("a[rel=edit]")
    assert edit.get_attribute("href") == (
        "https://github.com/summitry/summitry/edit/main/content/meetings/2021-06-geneva-summit.yaml"
    )
    page.close()


def test_content_works_without_javascript(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "meetings/2021-06-geneva-summit/")
    article = page.locator("article")
    assert "June 2021" in article.inner_text()
    assert article.get_by_role("link", name="Joe Biden").first.is_visible()
    page.get_by_role("link", name="Vladimir Putin").first.click()
    assert page.locator("h1").inner_text().startswith("Vladimir Putin")
    page.get_by_role("link", name="Relations", exact=True).first.click()
    assert page.locator("h1").inner_text().startswith("Relations")
    context.close()


def test_keyboard_reaches_the_main_links(browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "meetings/2021-06-geneva-summit/")
    reached: set[str] = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        text = page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
        if text:
            reached.add(re.sub(r"\s+", " ", text))
    assert {"Leaders", "Meetings", "Issues", "Timeline", "Joe Biden", "Vladimir Putin"} <= reached
    page.close()


def _one_page_per_template(site: Path) -> dict[str, str]:
    """A page of each kind of address, ids and years standing for any ('leaders/<id>/',
    'meetings/<year>/'): the largest, which shows the most of its template. (404.html links its
    styles under the site's path, /summitry/, which this server does not serve.)"""
    largest: dict[str, Path] = {}
    for html in site.rglob("index.html"):
        parts = html.parent.relative_to(site).parts
        key = "".join(
            (p if i == 0 else "<year>" if re.fullmatch(r"[0-9]{4}", p) else "<id>") + "/" for i, p in enumerate(parts)
        )
        if key not in largest or html.stat().st_size > largest[key].stat().st_size:
            largest[key] = html
    return {key: html.parent.relative_to(site).as_posix() + "/" for key, html in largest.items()}


def test_no_serious_accessibility_violations(browser, site: Path, base_url: str) -> None:
    """axe on one page per template, in the light and the dark palette, switched in place."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    templates = _one_page_per_template(site)
    assert {"", "leaders/", "leaders/<id>/", "meetings/<year>/", "timeline/<year>/", "contributing/"} <= set(templates)
    context = browser.new_context()
    page = context.new_page()
    found: dict[str, list[str]] = {}
    for path in templates.values():
        page.goto(base_url + path.removeprefix("./"), wait_until="load")
        for scheme in ("light", "dark"):
            show_scheme(page, scheme)
            violations = axe.run(page).response["violations"]
            bad = [
                f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
            if bad:
                found[f"{path} ({scheme})"] = bad
    context.close()
    assert not found


def test_every_table_fits_a_phone_without_scrolling_sideways(browser, site: Path, base_url: str) -> None:
    """The theme gives each column at least 100 px: a listing of four short columns (a
    leader's meetings, a year's) was 45 px wider than a 390 px screen, its edge cut off."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    wide: dict[str, list[int]] = {}
    for path in _pages(site):
        page.goto(base_url + path.removeprefix("./"), wait_until="load")
        # what scrolls: the box the theme's script wraps a table in, or the table itself
        over = page.evaluate(
            "() => [...document.querySelectorAll('article table')].map(t => t.closest('.md-typeset__scrollwrap') || t)"
            ".map(box => Math.max(box.scrollWidth - box.clientWidth, box.getBoundingClientRect().right - innerWidth))"
        )
        if any(o > 1 for o in over):
            wide[path] = over
    context.close()
    assert "leaders/putin/" in _pages(site) and not wide
