"""Relationship records: what the sources say of a pair as a whole, on the pair's page."""

from __future__ import annotations

import json
from pathlib import Path

RECORD = """summary: Two leaders who never met, by the almanac's account.
themes:
  - title: Distance
    text: They are named apart, never together.
    citations:
      - source: almanac
        quote: once more with Cy Gamma in May 2022
outlook:
  - text: No meeting is expected.
    citations: [{source: hearsay}]
citations:
  - source: almanac
    quote: Beta rejects any authority it does not chair.
"""


def _without_gamma_meeting(root: Path) -> None:
    """Leave gamma and beta with no shared meeting, so only a record can make their page."""
    (root / "content/meetings/2022-05-three-way-summit.yaml").unlink()


def test_a_pair_with_a_record_and_no_meeting_gets_a_page(small: Path, run) -> None:
    _without_gamma_meeting(small)
    (small / "content/relations/beta-gamma.yaml").write_text(RECORD)
    result = run("generate", "--root", small)
    assert result.code == 0, result.err
    page = (small / "build/docs/relations/beta-gamma.md").read_text()
    assert "Two leaders who never met, by the almanac's account.[^1]" in page
    assert "### Distance" in page
    assert "## Outlook\n\nWhat the sources expected; a forecast, not a record of what happened.\n\n" in page
    assert "- No meeting is expected.[^3]" in page
    assert "No meeting of [Bo Beta](../leaders/beta.md) and [Cy Gamma](../leaders/gamma.md) is recorded yet." in page
    assert 'edit_url: "https://example.org/kb/edit/main/content/relations/beta-gamma.yaml"' in page
    index = (small / "build/docs/relations/index.md").read_text()
    assert "| [Bo Beta and Cy Gamma](beta-gamma.md) | 0 | — | — |" in index
    leader = (small / "build/docs/leaders/gamma.md").read_text()
    assert "- [Bo Beta and Cy Gamma](../relations/beta-gamma.md): no recorded meeting" in leader


def test_without_the_record_the_pair_has_no_page(small: Path, run) -> None:
    _without_gamma_meeting(small)
    assert run("generate", "--root", small).code == 0
    assert not (small / "build/docs/relations/beta-gamma.md").exists()


def test_the_export_marks_the_outlook_as_a_forecast(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    data = json.loads((small / "build/docs/data/summitry.json").read_text())
    pair = next(r for r in data["relations"] if r["id"] == "alpha-beta")
    assert pair["summary"].startswith("Neighbours who met again in 2021")
    assert [t["title"] for t in pair["themes"]] == ["The river"]
    assert pair["themes"][0]["as_of"] == {"value": "2022-05", "precision": "month"}
    assert [o["forecast"] for o in pair["outlook"]] == [True]
    other = next(r for r in data["relations"] if r["id"] == "alpha-gamma")
    assert (other["summary"], other["themes"], other["outlook"]) == (None, [], [])


def test_an_id_that_names_no_pair_is_located(small: Path, run) -> None:
    (small / "content/relations/beta-alpha.yaml").write_text(RECORD)
    (small / "content/relations/alpha-zeta.yaml").write_text(RECORD)
    result = run("check", "--root", small)
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/relations/alpha-zeta.yaml:1:1: relation 'alpha-zeta': 'alpha-zeta' does not name two leaders: "
        "a relationship's id is the two leaders' ids in alphabetical order, joined by '-' "
        "(alpha + beta is 'alpha-beta')",
        "content/relations/beta-alpha.yaml:1:1: relation 'beta-alpha': the leaders' ids must be in alphabetical order: "
        "rename the file to 'alpha-beta.yaml'",
        "2 problems found.",
    ]


def test_a_pair_named_by_a_leaders_old_id_says_what_to_rename_it_to(small: Path, run) -> None:
    """A leader renamed with its old id under aliases: records that name the old id resolve,
    but a relationship's file is named by the pair, and the message said only what a pair's
    id is, with an example of two other leaders."""
    beta = small / "leaders/beta.yaml"
    beta.rename(small / "leaders/zeta.yaml")
    (small / "leaders/zeta.yaml").write_text("aliases: [beta]\n" + (small / "leaders/zeta.yaml").read_text())
    (small / "content/relations/alpha-beta.yaml").write_text(RECORD)
    result = run("check", "--root", small)
    assert result.code == 1
    assert (
        "content/relations/alpha-beta.yaml:1:1: relation 'alpha-beta': 'alpha-beta' names a leader by an old id "
        "('beta', now 'zeta', as its aliases say): a relationship is named by its leaders' ids, so rename the file "
        "to 'alpha-zeta.yaml' (and list 'alpha-beta' under its aliases: its address then leads to the new one)"
    ) in result.err.splitlines()
    (small / "content/relations/alpha-beta.yaml").rename(small / "content/relations/alpha-zeta.yaml")
    (small / "content/relations/alpha-zeta.yaml").write_text("aliases: [alpha-beta]\n" + RECORD)
    assert run("check", "--root", small).code == 0
    assert run("generate", "--root", small).code == 0
    assert (small / "build/docs/relations/alpha-zeta.md").is_file()
    assert (small / "build/docs/relations/alpha-beta").is_dir()  # the old address, leading to the new page


def test_new_relation_names_the_file_from_the_leaders(small: Path, run) -> None:
    (small / "content/relations/alpha-beta.yaml").unlink()
    result = run(
        "new", "relation", "--root", small, "--leaders", "beta,alpha",
        "--summary", "Water rights kept the neighbours at odds.",
        "--source", "almanac", "--quote", "Water rights remained the sticking point.",
    )  # fmt: skip
    assert (result.code, result.err) == (0, "")
    assert result.out == "wrote content/relations/alpha-beta.yaml; it passes summitry check\n"
    text = (small / "content/relations/alpha-beta.yaml").read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../schema/relation.schema.json"
    assert "leaders" not in text
    assert run("check", "--root", small).code == 0


def test_a_source_shows_when_it_was_read_and_its_archived_copy(small: Path, run) -> None:
    assert run("generate", "--root", small).code == 0
    page = (small / "build/docs/sources/almanac.md").read_text(encoding="utf-8")
    copy = "https://web.archive.org/web/20240305000000/https://example.org/almanac"
    assert "Accessed\n:   5 March 2024\n" in page
    assert f"Archived copy\n:   [{copy.replace(':', '&#58;')}]({copy})" in page  # the label as text
    data = json.loads((small / "build/docs/data/summitry.json").read_text(encoding="utf-8"))
    almanac = next(s for s in data["sources"] if s["id"] == "almanac")
    assert (almanac["accessed"], almanac["archive_url"]) == ({"value": "2024-03-05", "precision": "day"}, copy)


def test_past_a_bound_the_relations_page_lists_leaders_not_pairs(small: Path, run, monkeypatch) -> None:
    import builder.render.pages

    monkeypatch.setattr(builder.render.pages, "RELATIONS_LISTED", 2)  # the small base has 3 pairs
    assert run("generate", "--root", small, "--jobs", "1").code == 0
    index = (small / "build/docs/relations/index.md").read_text()
    assert "3 pairs of leaders have met or have a recorded relationship." in index
    assert "| [Ada Alpha](../leaders/alpha.md#relations) | 2 | 3 |" in index
    assert "alpha-beta.md" not in index  # the pairs are on the leaders' pages
    assert "## Relations" in (small / "build/docs/leaders/alpha.md").read_text()  # where #relations leads
