"""Permalinks that survive a rename: old ids redirect, and references to them still resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import serving


def _rename_gamma(root: Path) -> None:
    old = root / "leaders" / "gamma.yaml"
    (root / "leaders" / "cy-gamma.yaml").write_text(old.read_text() + "aliases: [gamma]\n")
    old.unlink()


WARNING = (
    "content/meetings/2022-05-three-way-summit.yaml:5:29: meeting '2022-05-three-way-summit': "
    "field 'participants[2]': 'gamma' is an old id of leader 'cy-gamma': write 'cy-gamma'"
)


def test_old_id_still_resolves_with_a_warning(small: Path, run) -> None:
    _rename_gamma(small)
    result = run("generate", "--root", small)
    assert result.code == 0
    assert result.err.splitlines() == [f"warning: {WARNING}"]
    docs = small / "build" / "docs"
    meeting = (docs / "meetings" / "2022-05-three-way-summit.md").read_text()
    assert "[Cy Gamma](../leaders/cy-gamma.md)" in meeting
    assert (docs / "relations" / "alpha-cy-gamma.md").is_file()


def test_links_to_one_old_id_in_a_field_are_one_warning(small: Path, run) -> None:
    """Two links to one old id in a text were two identical warnings, both at the field's start."""
    _rename_gamma(small)
    meeting = small / "content/meetings/2022-05-three-way-summit.yaml"
    text = meeting.read_text(encoding="utf-8").replace("[alpha, beta, gamma]", "[alpha, beta, cy-gamma]")
    linked = "summary: Alpha and Beta met [[gamma]]. [@once-more] [[gamma|Cy Gamma]] came too. [@once-more]\n"
    meeting.write_text(re.sub(r"summary: .*\n", linked, text), encoding="utf-8")
    result = run("check", "--root", small)
    assert result.code == 0, result.err
    told = [line for line in result.err.splitlines() if "old id" in line]
    assert told == [
        "warning: content/meetings/2022-05-three-way-summit.yaml:7:10: meeting '2022-05-three-way-summit': "
        "field 'summary': 'gamma' is an old id of leader 'cy-gamma': write 'cy-gamma' (in 2 links here)"
    ]


def test_strict_makes_the_warning_an_error(small: Path, run) -> None:
    _rename_gamma(small)
    result = run("generate", "--root", small, "--strict")
    assert result.code == 1
    assert result.err.splitlines() == [WARNING, "1 problem found; nothing was written."]
    assert not (small / "build").exists()


def test_old_address_redirects_to_the_new_one(small: Path, run) -> None:
    _rename_gamma(small)
    assert run("build", "--root", small).code == 0
    page = (small / "site" / "leaders" / "gamma" / "index.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=../cy-gamma/">' in page
    assert '<a href="../cy-gamma/">Cy Gamma</a>' in page
    assert (small / "site" / "leaders" / "cy-gamma" / "index.html").is_file()


@pytest.mark.parametrize("javascript", [True, False])
def test_redirect_keeps_the_fragment_where_it_can(small: Path, run, browser, javascript: bool) -> None:
    _rename_gamma(small)
    assert run("build", "--root", small).code == 0
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    with serving(small / "site") as base:
        page.goto(base + "leaders/gamma/#meetings")
        page.wait_for_url(base + "leaders/cy-gamma/**")
        # without JavaScript the refresh still leads to the page, though to its top
        assert page.url == base + "leaders/cy-gamma/" + ("#meetings" if javascript else "")
        assert page.locator("h1").inner_text().startswith("Cy Gamma")
    context.close()


@pytest.mark.parametrize(
    "aliases, message",
    [
        ("[alpha]", "field 'aliases[0]': 'alpha' is the id of another leader, not a free old id"),
        ("[cy, cy]", "field 'aliases[1]': 'cy' is already an old id of leader 'gamma'"),
    ],
)
def test_bad_aliases(small: Path, run, aliases: str, message: str) -> None:
    gamma = small / "leaders" / "gamma.yaml"
    gamma.write_text(gamma.read_text() + f"aliases: {aliases}\n")
    result = run("check", "--root", small)
    assert result.code == 1
    assert result.err.splitlines()[0].endswith(message)
