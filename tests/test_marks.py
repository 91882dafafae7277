"""Citation marks: each sentence names the citations that support it (builder/resolve/marks.py).

What `summitry check` requires, each problem at its sentence, mark or item; the one warning
for a record from before marks; the marks on the pages, in the JSON and in what `summitry
new` writes.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from builder.resolve.marks import OLD_FORM, key_for, marked, placed, sentences, strip

RIVERTON = "content/meetings/2020-03-03-riverton-talks.yaml"
AT = "content/meetings/2020-03-03-riverton-talks.yaml:{}: meeting '2020-03-03-riverton-talks': field "


def _riverton(small: Path, summary: str, outcomes: str = "  - No agreement on [[water-rights]]. [@sticking]\n") -> None:
    """The Riverton talks with another summary (a block of its own lines) and outcomes."""
    (small / RIVERTON).write_text(
        "title: Riverton talks\n"
        "date: 2020-03-03\n"
        "kind: bilateral\n"
        "participants: [alpha, beta]\n"
        "summary: >-\n"
        f"{summary}"
        "outcomes:\n"
        f"{outcomes}"
        "citations:\n"
        "  - key: night\n"
        "    source: almanac\n"
        '    quote: the talks ran "long into the night"\n'
        "  - key: sticking\n"
        "    source: almanac\n"
        "    quote: Water rights remained the sticking point.\n",
        encoding="utf-8",
    )


def _problems(run, small: Path) -> list[str]:
    result = run("check", "--root", small)
    assert result.code == 1
    assert not (small / "build").exists()
    return result.err.splitlines()


def test_sentences_end_at_a_stop_before_a_capital_and_keep_their_marks() -> None:
    text = (
        "Talks in the U.S. Senate went on [@a]. J. Biden spoke [@b] with [[x|Dr. No]]. [@c] "
        "Then 3.5 hours passed!\n\nA new paragraph [@d]"
    )
    found = [(s.start, s.words, s.keys, s.marked) for s in sentences(text)]
    assert found == [
        (0, "Talks in the U.S. Senate went on.", ("a",), True),
        (39, "J. Biden spoke with [[x|Dr. No]].", ("b", "c"), True),
        (83, "Then 3.5 hours passed!", (), False),
        (107, "A new paragraph", ("d",), True),
    ]


@pytest.mark.parametrize(
    "claim",
    ["*Unsupported claim here.*", "**Unsupported claim here.**", "_Unsupported here._", "They met [[putin|online.]]"],
)
def test_a_sentence_in_emphasis_ends_at_its_stop_and_needs_its_own_mark(claim: str) -> None:
    """The stop inside the emphasis (or a link's label) was not taken for a sentence's end: the
    sentence after it lent the unmarked one its mark, and check passed a claim no quote supports."""
    found = [(s.words, s.marked) for s in sentences(f"{claim} In one account it rained [@critics].")]
    assert found == [(claim, False), ("In one account it rained.", True)]


def test_a_mark_after_the_stop_and_one_before_it_are_both_shown_after_it() -> None:
    assert placed("One [@a]. Two. [@b][@c] Three [@d; @e] four [@f] [@g].") == (
        "One.[@a] Two.[@b; @c] Three[@d; @e] four.[@f; @g]"
    )
    assert strip("One [@a]. Two. [@b][@c] Three [@d; @e]") == "One. Two. Three"
    assert marked("One. Two [@a]. Three", "k") == "One. [@k] Two [@a]. Three [@k]"


def test_a_key_is_made_from_the_quote() -> None:
    assert key_for("Think about their summit in Geneva in June 2021.", "src") == "think-summit-geneva"
    assert key_for(None, "biden-putin-look-at-relationship") == "biden-putin-look"
    assert key_for("Geneva summit talks", "src", {"geneva-summit-talks"}) == "geneva-summit-talks-2"


def test_a_sentence_without_a_mark_is_an_error_at_the_sentence(small: Path, run) -> None:
    _riverton(small, '  Talks that ran "long into the night". [@night] They left at dawn,\n  tired.\n')
    assert _problems(run, small) == [
        AT.format("6:50") + "'summary': sentence 'They left at dawn, tired.' does not end with a mark: "
        "end it with [@key], for the citation that supports it (keys here: night, sticking)",
        "1 problem found.",
    ]


def test_an_outcome_without_a_mark_is_an_error_at_the_outcome(small: Path, run) -> None:
    _riverton(
        small, '  Talks that ran "long into the night". [@night]\n', "  - No agreement. [@sticking]\n  - Both left.\n"
    )
    assert _problems(run, small) == [
        AT.format("9:5") + "'outcomes[1]': sentence 'Both left.' does not end with a mark: "
        "end it with [@key], for the citation that supports it (keys here: night, sticking)",
        "1 problem found.",
    ]


def test_a_mark_naming_no_citation_is_an_error_at_the_mark_with_a_suggestion(small: Path, run) -> None:
    _riverton(small, '  Talks that ran "long into the night". [@nigth]\n')
    assert _problems(run, small) == [
        AT.format("6:41") + "'summary': mark [@nigth] names no citation (did you mean 'night'?) "
        "(keys here: night, sticking)",
        AT.format("10:10") + "'citations[0].key': citation 'night' supports no statement: mark the sentences "
        "it supports with [@night], or remove it",
        "2 problems found.",
    ]


def test_a_mark_names_a_citation_of_its_own_part(small: Path, run) -> None:
    water = small / "content/issues/water-rights.yaml"
    water.write_text(water.read_text().replace("The river runs low. [@low]", "The river runs low. [@low][@rejects]"))
    assert _problems(run, small) == [
        "content/issues/water-rights.yaml:6:37: issue 'water-rights': field 'developments[0].text': mark "
        "[@rejects] names a citation of positions.beta; a statement marks the citations of its own part "
        "(keys here: low)",
        "1 problem found.",
    ]


def test_every_citation_has_a_key_used_once_in_the_record(small: Path, run) -> None:
    water = small / "content/issues/water-rights.yaml"
    text = water.read_text()
    text = text.replace("      - key: low\n        source: hearsay", "      - source: hearsay")
    text = text.replace("        - key: wants\n", "        - key: wants-later\n")
    water.write_text(text.replace("[@wants]", "[@wants-later]"))
    assert _problems(run, small) == [
        "content/issues/water-rights.yaml:6:31: issue 'water-rights': field 'developments[0].text': mark "
        "[@low] names no citation (keys here: none)",
        "content/issues/water-rights.yaml:8:9: issue 'water-rights': field 'developments[0].citations[0]': "
        "the citation has no key, so no statement can mark it: give it one (key: hearsay) and mark the "
        "statements it supports with it",
        "content/issues/water-rights.yaml:21:16: issue 'water-rights': field 'positions.alpha[1].citations[0].key': "
        "key 'wants-later' already names positions.alpha[0].citations[0]: a key names one citation of a record",
        "3 problems found.",
    ]


def test_a_role_names_its_citations(small: Path, run) -> None:
    alpha = small / "leaders/alpha.yaml"
    text = alpha.read_text().replace("    from: 2019-05\n    cite: [riverton]\n", "    from: 2019-05\n")
    alpha.write_text(text.replace("    cite: [riverton]", "    cite: [riverten]"))
    assert _problems(run, small) == [
        "leaders/alpha.yaml:4:5: leader 'alpha': field 'roles[0]': a role needs a mark: cite: [key] names the "
        "citations that support it",
        "leaders/alpha.yaml:9:12: leader 'alpha': field 'roles[1].cite[0]': 'riverten' names no citation "
        "(did you mean 'riverton'?) (keys here: riverton)",
        "2 problems found.",
    ]


@pytest.mark.parametrize("bad", ["[@Night]", "[ @night]", "[-@night]", "[@ night]"])
def test_something_like_a_mark_that_is_not_one_is_an_error(small: Path, run, bad: str) -> None:
    """One line where it is written; [ @night] was taken for a sentence with no mark of its own."""
    _riverton(small, f'  Talks that ran "long into the night". {bad} [@night]\n')
    assert _problems(run, small) == [
        AT.format("6:41") + f"'summary': '{bad}' is not a mark: write [@key] or [@a; @b], where a key is "
        "lowercase letters, digits and single hyphens",
        "1 problem found.",
    ]


BEFORE_MARKS = """title: Riverton talks
date: 2020-03-03
kind: bilateral
participants: [alpha, beta]
summary: Talks that ran "long into the night". They left at dawn.
outcomes:
  - No agreement on [[water-rights]].
  - Both left.
citations:
  - source: almanac
    quote: the talks ran "long into the night"
  - source: almanac
    quote: Water rights remained the sticking point.
"""


def test_a_record_before_marks_gets_one_warning_and_strict_makes_it_an_error(small: Path, run) -> None:
    (small / RIVERTON).write_text(BEFORE_MARKS)
    warning = f"{RIVERTON}:9:1: meeting '2020-03-03-riverton-talks': field 'citations': {OLD_FORM}"
    result = run("check", "--root", small)
    assert (result.code, result.err.splitlines()) == (0, [f"warning: {warning}"])
    result = run("check", "--strict", "--root", small)
    assert (result.code, result.err.splitlines()) == (1, [warning, "1 problem found."])
    assert run("generate", "--root", small).code == 0  # its page shows all its citations after the summary
    page = (small / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text()
    separator = '<sup class="summitry-marks">,&#160;</sup>'
    assert f'Talks that ran "long into the night". They left at dawn.[^1]{separator}[^2]' in page
    assert "- No agreement on [Water rights](../issues/water-rights.md).\n" in page


def test_marks_stand_after_their_sentences_and_lead_to_their_quotes(small: Path, run) -> None:
    _riverton(
        small,
        '  Talks that ran "long into the night" [@night]. They agreed on nothing [@sticking; @night].\n',
        "  - No agreement on [[water-rights]]. [@sticking]\n",
    )
    result = run("build", "--root", small)
    assert result.code == 0, result.err
    page = (small / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text()
    assert (
        'Talks that ran "long into the night".[^1] They agreed on nothing.[^2]'
        '<sup class="summitry-marks">,&#160;</sup>[^1]\n' in page
    )
    assert "- No agreement on [Water rights](../issues/water-rights.md).[^2]\n" in page
    assert "[@" not in page
    html = (small / "site/meetings/2020-03-03-riverton-talks/index.html").read_text()
    refs = re.findall(r'<sup id="(fnref\d*:\d)"><a class="footnote-ref" href="#(fn:\d)">(\d)</a></sup>', html)
    assert refs == [("fnref:1", "fn:1", "1"), ("fnref:2", "fn:2", "2"), ("fnref2:1", "fn:1", "1"),
                    ("fnref2:2", "fn:2", "2")]  # fmt: skip
    notes = dict(re.findall(r'<li id="(fn:\d)">\s*<p><a href="[^"]+">[^<]+</a>: “([^”]+)”', html))
    assert notes == {"fn:1": 'the talks ran "long into the night"', "fn:2": "Water rights remained the sticking point."}


def test_hovering_a_mark_shows_its_quote() -> None:
    """Material's footnote tooltips are on, and the installed Material has them."""
    import material

    from builder.records.site_config import load

    config = load(Path(__file__).parent.parent / "mkdocs.yml")
    assert "content.footnote.tooltips" in config["theme"]["features"]
    bundle = next((Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.min.js"))
    assert "content.footnote.tooltips" in bundle.read_text(encoding="utf-8")


def test_the_json_gives_each_statement_with_its_keys_and_the_json_ld_its_sources(small: Path, run) -> None:
    _riverton(small, '  Talks that ran "long into the night". [@night] They agreed on nothing. [@sticking]\n')
    assert run("generate", "--root", small).code == 0
    data = json.loads((small / "build/docs/data/summitry.json").read_text())
    riverton = next(m for m in data["meetings"] if m["id"] == "2020-03-03-riverton-talks")
    assert riverton["summary"] == 'Talks that ran "long into the night". They agreed on nothing.'
    assert riverton["outcomes"] == ["No agreement on [[water-rights]]."]
    night, nothing = 'Talks that ran "long into the night".', "They agreed on nothing."
    assert riverton["statements"] == [
        {"field": "summary", "text": night, "text_plain": night, "citations": ["night"]},
        {"field": "summary", "text": nothing, "text_plain": nothing, "citations": ["sticking"]},
        # the words as the page shows them too: a [[link]] by the name of what it links to
        {
            "field": "outcomes[0]",
            "text": "No agreement on [[water-rights]].",
            "text_plain": "No agreement on Water rights.",
            "citations": ["sticking"],
        },
    ]
    assert [c["key"] for c in riverton["citations"]] == ["night", "sticking"]
    water = next(i for i in data["issues"] if i["id"] == "water-rights")
    assert water["developments"][0]["statements"] == [
        {"field": "text", "text": "The river runs low.", "text_plain": "The river runs low.", "citations": ["low"]}
    ]
    alpha = next(leader for leader in data["leaders"] if leader["id"] == "alpha")
    assert [r["cite"] for r in alpha["roles"]] == [["riverton"], ["riverton"]]
    page = (small / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text()
    jsonld = json.loads(json.loads(re.search(r"^summitry_jsonld: (.*)$", page, re.MULTILINE)[1]))
    assert [c["name"] for c in jsonld["citation"]] == ["The Almanac of Small Things"]


def test_a_mark_in_a_note_cites_nothing_and_shows_as_written(small: Path, run) -> None:
    trade = small / "content/issues/trade.yaml"
    trade.write_text(trade.read_text().replace("note: Oral tradition.", "note: Oral tradition [@oral]."))
    assert run("generate", "--root", small).code == 0
    page = (small / "build/docs/issues/trade.md").read_text()
    assert "(Oral tradition &#91;&#64;oral&#93;.)" in page  # characters, never a mark
    assert page.count("[^1]") == 2  # the summary's mark and its note


def test_every_shipped_statement_is_marked_and_every_mark_quotes_the_archive(built: Path) -> None:
    """The scan the issue's author will run: each sentence of each summary, and each outcome,
    ends with a footnote mark on the built page, and each mark leads to a quote that is in the
    archived text of its source."""
    from builder.resolve.quotes import fold

    archives = " ".join(fold(p.read_text(encoding="utf-8")) for p in (built / "content/sources").glob("*.txt"))
    sections = ("leaders", "meetings", "issues", "relations")
    pages = [
        p for p in (built / "site").glob("*/*/index.html") if p.parts[-3] in sections and not p.parts[-2].isdigit()
    ]
    assert len(pages) >= 18
    for page in pages:
        html = page.read_text(encoding="utf-8")
        body = html.split('<div class="footnote">', 1)[0]
        notes = dict(re.findall(r'<li id="(fn:\d+)">\s*<p><a href="[^"]+">[^<]+</a>: “(.+?)”&#160;', html))
        for target in re.findall(r'class="footnote-ref" href="#(fn:\d+)"', body):
            assert fold(unescape(notes[target])) in archives, (page, target)
        # the summary: the paragraphs between the title (and the facts box) and the first section
        summary = re.sub(r"<dl>.*?</dl>", "", body.split("</h1>", 1)[1].split("<h2", 1)[0], flags=re.DOTALL)
        outcomes = body.split('id="outcomes"', 1)[1].split("<h2", 1)[0] if 'id="outcomes"' in body else ""
        texts = re.findall(r"<p>(.*?)</p>", summary, re.DOTALL) + re.findall(r"<li>(.*?)</li>", outcomes)
        assert texts, page
        for text in texts:
            # a sentence ends at a full stop (or a mark after one) before a capital
            for sentence in re.split(r"(?:(?<=[.!?])|(?<=</sup>))\s+(?=[A-Z])", text):
                assert sentence.rstrip().endswith("</a></sup>"), (page, sentence)
