"""summitry draft and summitry quote: on the shipped articles and on a test article with
meetings at every date precision, calls, and sentences that must not become meetings."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from builder.authoring.quote import find
from builder.authoring.sentences import find_dates, split
from builder.records.dates import PartialDate
from builder.resolve.quotes import Archive, fold

FIXTURE = Path(__file__).parent / "fixtures" / "draft"
ARTICLE = "northland-wire"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(FIXTURE, dest)
    return dest


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


TABLE = [
    "line  outcome    record                           why                                                                                                      sentence",
    "1     set aside  -                                names no leader                                                                                          Northland and Southland: Five Years of Talks",
    "3     proposed   2019-06-28-g20-meeting-in-osaka  'met': marlow, kessler; 28 June 2019; sidelines; Osaka                                                   Ada Marlow first met Bruno Kessler on 28 June 2019 on the sidelines of the G20 summit in Osaka.",
    "3     proposed   2020-11-11-lisbon-summit         'summit': marlow, kessler; 11 November 2020; summit; Lisbon ('the two leaders' read as marlow, kessler)  A year later, on 11 November 2020, the two leaders held a summit in Lisbon.",
    "3     recorded   2019-03-lisbon-summit            already recorded as 2019-03-lisbon-summit: cite this source there                                        Before that, Marlow had hosted Kessler in Lisbon in March 2019.",
    "4     proposed   2021-11-phone-call               'spoke with': marlow, kessler; November 2021; call                                                       In November 2021, Marlow spoke with Kessler by telephone about the fishing dispute.",
    "4     proposed   2021-12-meeting-in-geneva        'met': marlow, kessler; December 2021; bilateral; Geneva ('they' read as marlow, kessler)                The following month they met again in Geneva.",
    "5     proposed   2022-meeting-in-accra            'talks': kessler, okafor; 2022; bilateral; Accra                                                         In 2022, Kessler and Grace Okafor held talks in Accra.",
    "5     proposed   2023-03-03-virtual-meeting       'held a video call': marlow, kessler; 3 March 2023; virtual                                              Marlow and Kessler held a video call on 3 March 2023.",
    "5     set aside  -                                a meeting that was cancelled ('called off')                                                              A summit of Marlow and Kessler planned for Vienna in May 2023 was called off after a storm.",
    "6     set aside  -                                no wording of a meeting                                                                                  Marlow criticised Kessler in June 2023 over the dam project.",
    "6     set aside  -                                a planned or hypothetical meeting ('will ... meet')                                                      Okafor will meet Marlow in Accra next year.",
    "6     set aside  -                                names one leader (kessler)                                                                               Kessler visited a dam in Southland in 2023.",
    "6     set aside  -                                a meeting of others than the leaders ('envoy ... met')                                                   Kessler’s envoy met Okafor in Accra on 2 June 2024.",
    "6     set aside  -                                meetings in general, not one event ('several times')                                                     Marlow has met Kessler several times.",
    "7     set aside  -                                'Varga' may name ines-varga or tomas-varga                                                               Varga met Marlow in Riga on 5 May 2024.",
    "7     set aside  -                                a meeting that did not happen ('never ... met')                                                          Marlow never met Tomas Varga.",
    "7     set aside  -                                names one leader (kessler)                                                                               Kessler later complained about the weather.",
    "7     set aside  -                                'Two days later' counts from no clear date: 'later' (line 7) leaves unclear what it counts from          Two days later, Marlow phoned Kessler.",
    "8     set aside  -                                names one leader (marlow)                                                                                Marlow travelled widely in 2024.",
    "8     proposed   2024-07-16-meeting-in-oslo       'met': marlow, okafor; 16 July 2024; bilateral; Oslo                                                     On 16 July, Marlow met Okafor in Oslo.",
    "8     set aside  2019-06-28-g20-meeting-in-osaka  the same event as 2019-06-28-g20-meeting-in-osaka, proposed above: cite it there too                     The meeting of Marlow and Kessler in Osaka on 28 June 2019 lasted an hour.",
    "9     proposed   2024-09-16-tallinn-summit        'summit': marlow, kessler, okafor; 16–17 September 2024; summit; Tallinn                                 Marlow, Kessler and Okafor held a summit in Tallinn on 16–17 September 2024.",
    "9     proposed   2024-09-30-phone-call            'telephoned': kessler, okafor; 30 September 2024; call                                                   On September 30, 2024, Kessler telephoned Okafor.",
]

CANDIDATES = {
    "2019-06-28-g20-meeting-in-osaka": {
        "title": "G20 meeting in Osaka",
        "date": "2019-06-28",
        "kind": "sidelines",
        "location": "Osaka",
        "participants": ["marlow", "kessler"],
        "summary": "Meeting of [[marlow]] and [[kessler]] on the sidelines of the G20 in Osaka, 28 June 2019. [@marlow-first-bruno]",
        "citations": [
            {
                "key": "marlow-first-bruno",
                "source": "northland-wire",
                "quote": "Ada Marlow first met Bruno Kessler on 28 June 2019 on the sidelines of the G20 summit in Osaka.",
            }
        ],
    },
    "2020-11-11-lisbon-summit": {
        "title": "Lisbon summit",
        "date": "2020-11-11",
        "kind": "summit",
        "location": "Lisbon",
        "participants": ["marlow", "kessler"],
        "summary": "Summit of [[marlow]] and [[kessler]] in Lisbon, 11 November 2020. [@year-later-november]",
        "citations": [
            {
                "key": "year-later-november",
                "source": "northland-wire",
                "quote": "A year later, on 11 November 2020, the two leaders held a summit in Lisbon.",
            }
        ],
    },
    "2021-11-phone-call": {
        "title": "Phone call",
        "date": "2021-11",
        "kind": "call",
        "participants": ["marlow", "kessler"],
        "summary": "Telephone call between [[marlow]] and [[kessler]], November 2021. [@november-2021-marlow]",
        "citations": [
            {
                "key": "november-2021-marlow",
                "source": "northland-wire",
                "quote": "In November 2021, Marlow spoke with Kessler by telephone about the fishing dispute.",
            }
        ],
    },
    "2021-12-meeting-in-geneva": {
        "title": "Meeting in Geneva",
        "date": "2021-12",
        "kind": "bilateral",
        "location": "Geneva",
        "participants": ["marlow", "kessler"],
        "summary": "Meeting of [[marlow]] and [[kessler]] in Geneva, December 2021. [@november-2021-marlow]",
        "citations": [
            {
                "key": "november-2021-marlow",
                "source": "northland-wire",
                "quote": "In November 2021, Marlow spoke with Kessler by telephone about the fishing dispute. The following month they met again in Geneva.",
            }
        ],
    },
    "2022-meeting-in-accra": {
        "title": "Meeting in Accra",
        "date": "2022",
        "kind": "bilateral",
        "location": "Accra",
        "participants": ["kessler", "okafor"],
        "summary": "Meeting of [[kessler]] and [[okafor]] in Accra, 2022. [@2022-kessler-grace]",
        "citations": [
            {
                "key": "2022-kessler-grace",
                "source": "northland-wire",
                "quote": "In 2022, Kessler and Grace Okafor held talks in Accra.",
            }
        ],
    },
    "2023-03-03-virtual-meeting": {
        "title": "Virtual meeting",
        "date": "2023-03-03",
        "kind": "virtual",
        "participants": ["marlow", "kessler"],
        "summary": "Video meeting of [[marlow]] and [[kessler]], 3 March 2023. [@marlow-kessler-held]",
        "citations": [
            {
                "key": "marlow-kessler-held",
                "source": "northland-wire",
                "quote": "Marlow and Kessler held a video call on 3 March 2023.",
            }
        ],
    },
    "2024-07-16-meeting-in-oslo": {
        "title": "Meeting in Oslo",
        "date": "2024-07-16",
        "kind": "bilateral",
        "location": "Oslo",
        "participants": ["marlow", "okafor"],
        "summary": "Meeting of [[marlow]] and [[okafor]] in Oslo, 16 July 2024. [@marlow-travelled-widely]",
        "citations": [
            {
                "key": "marlow-travelled-widely",
                "source": "northland-wire",
                "quote": "Marlow travelled widely in 2024. On 16 July, Marlow met Okafor in Oslo.",
            }
        ],
    },
    "2024-09-16-tallinn-summit": {
        "title": "Tallinn summit",
        "date": "2024-09-16",
        "end_date": "2024-09-17",
        "kind": "summit",
        "location": "Tallinn",
        "participants": ["marlow", "kessler", "okafor"],
        "summary": "Summit of [[marlow]], [[kessler]] and [[okafor]] in Tallinn, 16–17 September 2024. [@marlow-kessler-okafor]",
        "citations": [
            {
                "key": "marlow-kessler-okafor",
                "source": "northland-wire",
                "quote": "Marlow, Kessler and Okafor held a summit in Tallinn on 16–17 September 2024.",
            }
        ],
    },
    "2024-09-30-phone-call": {
        "title": "Phone call",
        "date": "2024-09-30",
        "kind": "call",
        "participants": ["kessler", "okafor"],
        "summary": "Telephone call between [[kessler]] and [[okafor]], 30 September 2024. [@september-2024-kessler]",
        "citations": [
            {
                "key": "september-2024-kessler",
                "source": "northland-wire",
                "quote": "On September 30, 2024, Kessler telephoned Okafor.",
            }
        ],
    },
}


def test_draft_proposes_each_meeting_and_says_why_of_every_sentence(kb: Path, run) -> None:
    before = {name: _tree(kb / name) for name in ("leaders", "content")}
    result = run("draft", ARTICLE, "--root", kb)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[: len(TABLE)] == TABLE
    assert lines[len(TABLE) :] == [f"wrote drafts/{ARTICLE}/{rid}.yaml" for rid in CANDIDATES]
    written = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (kb / "drafts" / ARTICLE).iterdir()}
    assert written == CANDIDATES
    assert {name: _tree(kb / name) for name in ("leaders", "content")} == before


def test_each_candidate_passes_check_once_moved_into_content(kb: Path, run) -> None:
    assert run("draft", ARTICLE, "--root", kb).code == 0
    for path in (kb / "drafts" / ARTICLE).iterdir():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schema/meeting.schema.json\n")
        assert "# DRAFT: rewrite in your own words\nsummary: " in text
        path.rename(kb / "content" / "meetings" / path.name)
    result = run("check", "--root", kb, "--strict")
    assert (result.code, result.err) == (0, "")
    assert f"{1 + len(CANDIDATES)} meetings" in result.out


def test_every_quote_is_the_archives_own_words(kb: Path) -> None:
    archive = fold((kb / "content" / "sources" / f"{ARTICLE}.txt").read_text(encoding="utf-8"))
    for record in CANDIDATES.values():
        assert fold(record["citations"][0]["quote"]) in archive


def test_draft_never_overwrites_a_draft(kb: Path, run) -> None:
    assert run("draft", ARTICLE, "--root", kb).code == 0
    mine = kb / "drafts" / ARTICLE / "2022-meeting-in-accra.yaml"
    mine.write_text("edited by hand\n", encoding="utf-8")
    result = run("draft", ARTICLE, "--root", kb)
    assert f"kept drafts/{ARTICLE}/2022-meeting-in-accra.yaml: it exists (delete it to draft it again)" in result.out
    assert mine.read_text(encoding="utf-8") == "edited by hand\n"


def test_draft_keeps_a_link_where_a_draft_would_go_and_refuses_a_file_for_out(kb: Path, run, tmp_path: Path) -> None:
    """A link to nothing was taken for no file, then opening the draft failed in a traceback,
    and what was written before it went untold; an --out that is a file, the same."""
    folder = kb / "drafts" / ARTICLE
    folder.mkdir(parents=True)
    (folder / "2022-meeting-in-accra.yaml").symlink_to(tmp_path / "nothing")
    result = run("draft", ARTICLE, "--root", kb)
    assert result.code == 0
    assert f"kept drafts/{ARTICLE}/2022-meeting-in-accra.yaml: it exists (delete it to draft it again)" in result.out
    assert not (tmp_path / "nothing").exists()
    (tmp_path / "a-file").write_text("x")
    result = run("draft", ARTICLE, "--root", kb, "--out", tmp_path / "a-file")
    assert (result.code, result.err) == (1, f"error: --out {tmp_path / 'a-file'} is a file, not a folder\n")


@pytest.mark.parametrize("inside", ["content/meetings", "leaders", "content"])
def test_draft_refuses_to_write_into_the_knowledge_base(kb: Path, run, inside: str) -> None:
    before = _tree(kb)
    result = run("draft", ARTICLE, "--root", kb, "--out", kb / inside)
    assert result.code == 1
    assert result.err.startswith("error: --out ") and "drafts are never written there" in result.err
    assert _tree(kb) == before


def test_draft_of_an_unknown_source_or_one_without_text(kb: Path, run) -> None:
    result = run("draft", "no-such-source", "--root", kb)
    assert (result.code, result.err) == (
        1,
        "error: unknown source 'no-such-source': no content/sources/no-such-source.yaml\n",
    )
    (kb / "content" / "sources" / "bare.yaml").write_text("title: Bare\nno_archive: Heard on the radio.\n")
    result = run("draft", "bare", "--root", kb)
    assert (result.code, result.err) == (1, "error: source 'bare' has no archived text to read: Heard on the radio.\n")


def test_draft_of_the_trump_article_finds_both_meetings_already_recorded(shipped: Path, run) -> None:
    before = _tree(shipped)
    result = run("draft", "trump-putin-complex-relationship", "--root", shipped)
    assert result.code == 0
    rows = result.out.splitlines()
    recorded = [r for r in rows if r[6:].startswith("recorded ")]
    assert [r[: r.index(" cite this source there") + 23] for r in recorded] == [
        "6     recorded   2017-07-hamburg-g20   already recorded as 2017-07-hamburg-g20: cite this source there",
        "8     recorded   2018-helsinki-summit  already recorded as 2018-helsinki-summit: cite this source there",
    ]
    assert recorded[0].endswith(
        "  Donald Trump first met Vladimir Putin during the G20 summit in Hamburg in July 2017, which was one of the many high-profile encounters that characterized their relationship."
    )
    assert recorded[1].endswith(
        "  The 2018 Helsinki Summit further intensified scrutiny of their relationship, with Trump facing backlash for siding with Putin over his own intelligence community regarding foreign interference."
    )
    assert not [r for r in rows if r[6:].startswith("proposed ")]
    assert _tree(shipped) == before  # nothing proposed, so not even drafts/ is made


def test_draft_of_the_biden_article_finds_geneva_and_the_virtual_meeting_recorded(shipped: Path, run) -> None:
    result = run("draft", "biden-putin-look-at-relationship", "--root", shipped)
    rows = result.out.splitlines()
    recorded = [r for r in rows if r[6:].startswith("recorded ")]
    assert [r.split()[2] for r in recorded] == ["2021-06-geneva-summit", "2021-12-virtual-meeting"]
    assert recorded[0].endswith("  Think about their summit in Geneva in June 2021.")
    assert not [r for r in rows if r[6:].startswith("proposed ")]


@pytest.mark.parametrize(
    ("text", "previous", "dates"),
    [
        ("They met on 28 June 2019.", "", ["2019-06-28"]),
        ("They met in November 2017.", "", ["2017-11"]),
        ("They met in 2018.", "", ["2018"]),
        ("A year later, on 11 November 2018, they met.", "", [None, "2018-11-11"]),
        ("A year later they met.", "They met on 28 June 2019.", ["2020"]),
        ("The following month they spoke.", "They met in November 2017.", ["2017-12"]),
        ("Two days later they spoke.", "They met on 28 June 2019.", ["2019-06-30"]),
        ("The next day they spoke.", "They met in 2019.", [None]),
        ("On 16 July they met.", "It was 2018.", ["2018-07-16"]),
        ("In July they met.", "It was 2018.", ["2018-07"]),
        ("On 16 July they met.", "", [None]),
        # the text says not which June: the previous date's year would put it before that date
        ("They met in Geneva on June 16.", "They spoke on 30 December 2021.", [None]),
        ("They met in Geneva on 30 December.", "They spoke on 16 June 2021.", ["2021-12-30"]),
        ("On July 16, 2018 they met.", "", ["2018-07-16"]),
        ("They met on 16\u201317 June 2021.", "", ["2021-06-16"]),
        ("They may meet; the 1990s; his 2017-2021 term.", "", []),
    ],
)
def test_dates_at_exactly_the_precision_of_the_text(text: str, previous: str, dates: list[str | None]) -> None:
    found = find_dates(text, find_dates(previous) if previous else None)
    assert [m.date.iso() if m.date else None for m in found] == dates


def test_a_day_span_keeps_its_last_day() -> None:
    [mention] = find_dates("on 16\u201317 June 2021")
    assert (mention.date, mention.end_date) == (PartialDate(2021, 6, 16), PartialDate(2021, 6, 17))


def test_sentences_keep_the_archives_characters_and_abbreviations() -> None:
    text = "Intro\nMr. Trump met the U.S. team. He left; then \u201cPutin\u201d spoke.  Next one."
    parts = split(text)
    assert [p.text for p in parts] == [
        "Intro",
        "Mr. Trump met the U.S. team.",
        "He left; then \u201cPutin\u201d spoke.",
        "Next one.",
    ]
    assert all(text[p.start : p.end] == p.text for p in parts)
    assert [p.line for p in parts] == [1, 2, 2, 2]


def test_quote_prints_whole_sentences_in_the_archives_characters(shipped: Path, run) -> None:
    # the README's example
    result = run("quote", "trump-putin-complex-relationship", "Trump praised Putin", "--root", shipped)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines() == [
        "line 6, 79% alike:",
        "  Throughout Trump\u2019s term, he often praised Putin, calling him a strong leader and expressing a desire "
        "for closer ties between the United States and Russia.",
        "line 4, 58% alike:",
        "  The relationship between Donald Trump and Vladimir Putin has been a focal point of international politics "
        "since Trump\u2019s presidency.",
        "line 6, 54% alike:",
        "  In stark contrast, his critics have frequently pointed to Putin\u2019s authoritarian regime and perceived "
        "aggression in international affairs, notably in Ukraine and Syria.",
    ]
    result = run(
        "quote",
        "biden-putin-look-at-relationship",
        "the summit didn't result in grand breakthroughs",
        "--limit",
        "1",
        "--root",
        shipped,
    )
    first = result.out.splitlines()[1].strip()
    assert first == (  # the archive's apostrophe, the whole sentence
        "While the summit didn\u2019t result in any grand breakthroughs, it was seen by many as a necessary step "
        "to establish direct lines of communication and to prevent miscalculations."
    )
    assert len(result.out.splitlines()) == 2
    text = (shipped / "content" / "sources" / "biden-putin-look-at-relationship.txt").read_text(encoding="utf-8")
    assert first in text


def test_every_passage_quote_prints_passes_the_quote_check(shipped: Path, run) -> None:
    archive = Archive((shipped / "content/sources/trump-putin-complex-relationship.txt").read_text(encoding="utf-8"))
    for words in ["Trump praised Putin", "Helsinki backlash", "sanctions and military support", "dialogue"]:
        passages = find(archive.text, words, 3)
        assert 1 <= len(passages) <= 3, words
        assert len({p.text for p in passages}) == len(passages)  # distinct
        for passage in passages:
            assert passage.text in archive
            assert passage.text[0].isupper() and passage.text[-1] in ".?!", passage


def test_a_match_across_two_sentences_gives_both_whole() -> None:
    text = "Intro.\nThey met in Riga. It rained all day. Nobody came.\n"
    [best] = find(text, "met in Riga. It rained", limit=1)
    assert (best.line, best.text) == (2, "They met in Riga. It rained all day.")


def test_quote_finds_a_passage_across_folded_characters() -> None:
    text = "First line.\nShe said \u201cno\u2026 never\u201d \u2014 twice.\nLast line."
    [best] = find(text, 'said "no... never" - twice', limit=1)
    assert (best.line, best.text) == (2, "She said \u201cno\u2026 never\u201d \u2014 twice.")


TIMELINE = Path(__file__).parent / "fixtures" / "draft-timeline"


def test_draft_on_the_shipped_leaders_tells_new_events_from_recorded_ones(shipped: Path, run) -> None:
    for path in TIMELINE.iterdir():
        shutil.copy(path, shipped / "content" / "sources" / path.name)
    result = run("draft", "putin-meetings-timeline", "--root", shipped)
    assert (result.code, result.err) == (0, "")
    rows = [r.split() for r in result.out.splitlines()[1:] if not r.startswith("wrote ")]
    outcomes = [(r[0], r[1], r[2]) for r in rows if r[1] in ("proposed", "recorded")]
    assert outcomes == [
        ("3", "recorded", "2017-07-hamburg-g20"),
        ("3", "proposed", "2017-11-apec-meeting-in-da-nang"),
        ("4", "recorded", "2018-helsinki-summit"),
        ("4", "proposed", "2019-06-28-g20-meeting-in-osaka"),
        ("5", "recorded", "2021-06-geneva-summit"),
        ("5", "recorded", "2021-12-virtual-meeting"),  # the video call of 7 December 2021
        ("5", "proposed", "2021-12-30-phone-call"),  # a call, in the same sentence: not that meeting
        ("6", "proposed", "2025-03-18-phone-call"),
        ("7", "proposed", "2025-08-15-meeting-in-anchorage"),
        ("9", "proposed", "2018-12-meeting-in-buenos-aires"),  # not 2016, the year of another event
    ]
    columns = [re.split(r"\s{2,}", r, maxsplit=4) for r in result.out.splitlines()[1:] if not r.startswith("wrote ")]
    assert [c[3] for c in columns if c[1] == "set aside"] == [
        "meetings in general, not one event ('meetings')",
        "a meeting of others than the leaders ('envoy ... met')",
        "a meeting that was cancelled ('called off')",
        "a meeting that did not happen ('never ... met')",
        "no wording of a meeting",
        "meetings in general, not one event ('several times')",
    ]
    call = yaml.safe_load((shipped / "drafts" / "putin-meetings-timeline" / "2021-12-30-phone-call.yaml").read_text())
    assert (call["date"], call["kind"], call["participants"]) == ("2021-12-30", "call", ["biden", "putin"])
    for path in (shipped / "drafts" / "putin-meetings-timeline").iterdir():
        path.rename(shipped / "content" / "meetings" / path.name)
    assert run("check", "--root", shipped, "--strict").code == 0


OWN = Path(__file__).parent / "fixtures" / "draft-own"


def test_draft_of_an_article_of_our_own_reads_common_phrasings_and_names_who_is_missing(shipped: Path, run) -> None:
    for path in OWN.iterdir():
        shutil.copy(path, shipped / "content" / "sources" / path.name)
    result = run("draft", "summit-diplomacy", "--root", shipped)
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    rows = [re.split(r"\s{2,}", r, maxsplit=4)[:4] for r in lines[1:] if re.match(r"\d+ ", r)]
    assert rows == [
        ["1", "set aside", "-", "names no leader"],
        # "sat down together", and a relative date two sentences after its explicit one
        ["3", "recorded", "2017-07-hamburg-g20", "already recorded as 2017-07-hamburg-g20: cite this source there"],
        ["3", "recorded", "2018-helsinki-summit", "already recorded as 2018-helsinki-summit: cite this source there"],
        ["4", "proposed", "2017-11-apec-meeting-in-da-nang", "'met': trump, putin; November 2017; sidelines; Da Nang"],
        ["5", "set aside", "-", "names people not in leaders/: Emmanuel Macron, Olaf Scholz"],
        ["5", "set aside", "-", "names someone not in leaders/: Xi Jinping"],
        ["6", "recorded", "2021-06-geneva-summit", "already recorded as 2021-06-geneva-summit: cite this source there"],
        [
            "6",
            "set aside",
            "-",
            "'Two days later' counts from no clear date: 'Later' (line 6) leaves unclear what it counts from",
        ],
        ["7", "proposed", "2019-03-meeting-in-moscow", "'received': putin, trump; March 2019; bilateral; Moscow"],
        ["7", "set aside", "-", "names no leader"],
        [
            "7",
            "proposed",
            "2019-04-phone-call",
            "'by telephone': putin, trump; April 2019; call ('they' read as putin, trump)",
        ],
        ["8", "proposed", "2019-06-meeting-in-osaka", "'met': trump, putin; June 2019; bilateral; Osaka"],
        [
            "8",
            "set aside",
            "-",
            "'A month later' counts from no clear date: the date before it (line 8) is more than 3 sentences back",
        ],
    ]
    assert [line for line in lines if not re.match(r"(\d+|line|wrote) ", line)] == [
        "Not in leaders/: add each, then draft again:",
        "  summitry new leader --name 'Emmanuel Macron'  # line 5",
        "  summitry new leader --name 'Olaf Scholz'      # line 5",
        "  summitry new leader --name 'Xi Jinping'       # line 5",
    ]
    call = yaml.safe_load((shipped / "drafts/summit-diplomacy/2019-04-phone-call.yaml").read_text(encoding="utf-8"))
    # the quote runs from the sentence with the date it counts from
    assert call["citations"][0]["quote"] == (
        "Putin received Trump in Moscow in March 2019. It rained. The talks were long. "
        "The following month they spoke by telephone."
    )
    for path in (shipped / "drafts" / "summit-diplomacy").iterdir():
        path.rename(shipped / "content" / "meetings" / path.name)
    assert run("check", "--root", shipped, "--strict").code == 0


def test_quote_says_when_nothing_is_alike_with_a_status_and_refuses_no_passages(shipped: Path, run) -> None:
    """Nothing alike, or --limit 0, printed a sentence and exited 0; a misspelt source had no hint."""
    source = "trump-putin-complex-relationship"
    result = run("quote", source, "zzzzqqq", "--root", shipped)
    assert (result.code, result.out) == (1, "")
    assert result.err == f"error: nothing in the archived text of '{source}' is like those words\n"
    result = run("quote", source, "  ", "--root", shipped)  # no words: not "nothing is like them"
    assert (result.code, result.err) == (1, 'error: give the words to look for: summitry quote SOURCE "words"\n')
    with pytest.raises(SystemExit) as ended:
        run("quote", source, "praised", "--limit", "0", "--root", shipped)
    assert ended.value.code == 2
    result = run("quote", source[:-1], "praised", "--root", shipped)
    assert result.code == 1 and f"(did you mean '{source}'?)" in result.err


def test_quote_helps_repair_a_quote_that_fails_check(shipped: Path, run) -> None:
    """quote refused to run while any record failed check, even the quote it is there to repair."""
    meeting = shipped / "content" / "meetings" / "2017-07-hamburg-g20.yaml"
    meeting.write_text(
        meeting.read_text(encoding="utf-8").replace("quote: >-", "quote: >-\n      Not said", 1), "utf-8"
    )
    assert run("check", "--root", shipped).code == 1
    result = run("quote", "trump-putin-complex-relationship", "first met during the G20 in Hamburg", "--root", shipped)
    assert (result.code, result.err) == (0, "")
    assert "Donald Trump first met Vladimir Putin during the G20 summit in Hamburg in July 2017" in result.out
    # the source's own record must pass: its problem is told as check tells it, by line
    source = shipped / "content" / "sources" / "trump-putin-complex-relationship.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("archive: ", "archive: missing-", 1), "utf-8")
    result = run("quote", "trump-putin-complex-relationship", "Hamburg", "--root", shipped)
    assert result.code == 1 and result.out == ""
    assert result.err.startswith("content/sources/trump-putin-complex-relationship.yaml:12:")
    assert "archived text 'missing-trump-putin-complex-relationship.txt' not found" in result.err
    # nor is it read through a folder that is a link, which check refuses
    elsewhere = shipped.parent / "elsewhere"
    (shipped / "content" / "sources").rename(elsewhere)
    (shipped / "content" / "sources").symlink_to(elsewhere)
    result = run("quote", "trump-putin-complex-relationship", "Hamburg", "--root", shipped)
    assert (result.code, result.err) == (
        1,
        "error: content/sources is a symbolic link: the knowledge base's folders must be folders\n",
    )
