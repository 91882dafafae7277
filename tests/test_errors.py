"""Every error an editor can make, with the exact message `summitry check` gives for it."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

ALPHA = (Path(__file__).parent / "fixtures/small/leaders/alpha.yaml").read_text()
RIVERTON = (Path(__file__).parent / "fixtures/small/content/meetings/2020-03-03-riverton-talks.yaml").read_text()

# (id, {file: new text, or None to delete}, exact stderr lines)
CASES = [
    (
        "unknown-field",
        {"leaders/alpha.yaml": ALPHA + "nickname: Ada\n"},
        ["leaders/alpha.yaml:16:1: leader 'alpha': field 'nickname': unknown field 'nickname' (did you mean 'name'?)"],
    ),
    (
        "misspelt-field",
        {"leaders/gamma.yaml": "name: Cy Gamma\ncountry: Eastland\nsumary: x\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:1:1: leader 'gamma': field 'summary': required field is missing",
            "leaders/gamma.yaml:3:1: leader 'gamma': field 'sumary': unknown field 'sumary' (did you mean 'summary'?)",
        ],
    ),
    (
        "misspelt-nested-field",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations:\n  - source: hearsay\n    qoute: x\n"},
        [
            "leaders/gamma.yaml:6:5: leader 'gamma': field 'citations[0].qoute': unknown field 'qoute' (did you mean 'quote'?)"
        ],
    ),
    (  # the unknown field failed the whole list, and the other citation's quote went unchecked
        "one-citations-mistake-hides-no-others",
        {
            "content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace(
                'the talks ran "long into the night"', 'the talks ran "long into the day"'
            ).replace("    source: almanac\n    quote: Water", "    page: 3\n    source: almanac\n    quote: Water")
        },
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:14:12: meeting '2020-03-03-riverton-talks': "
            "field 'citations[0].quote': quote not found in source 'almanac'; closest passage: "
            '"the talks ran "long into the night"."',
            "content/meetings/2020-03-03-riverton-talks.yaml:16:5: meeting '2020-03-03-riverton-talks': "
            "field 'citations[1].page': unknown field 'page'",
        ],
    ),
    (
        "unknown-leader",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("[alpha, beta]", "[alpah, beta]")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:6:16: meeting '2020-03-03-riverton-talks': "
            "field 'participants[0]': unknown leader 'alpah' (did you mean 'alpha'?)"
        ],
    ),
    (
        "boolean-for-text",
        {"leaders/beta.yaml": "name: Bo Beta\ncountry: False\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/beta.yaml:2:10: leader 'beta': field 'country': expected text, but YAML reads unquoted False as false: write \"False\""
        ],
    ),
    (
        "number-for-text",
        {"leaders/beta.yaml": "name: 1984\ncountry: X\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/beta.yaml:1:7: leader 'beta': field 'name': expected text, but YAML reads unquoted 1984 as a number: write \"1984\""
        ],
    ),
    (
        "impossible-date",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("date: 2020-03-03", "date: 2021-02-29")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:2:7: meeting '2020-03-03-riverton-talks': field 'date': "
            "'2021-02-29' is not a day of February 2021"
        ],
    ),
    (
        "impossible-month",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("date: 2020-03-03", "date: 2020-13")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:2:7: meeting '2020-03-03-riverton-talks': field 'date': "
            "'2020-13' has no month 13"
        ],
    ),
    (
        "date-in-words",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("date: 2020-03-03", "date: March 2020")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:2:7: meeting '2020-03-03-riverton-talks': field 'date': "
            "'March 2020' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        ],
    ),
    (
        "end-before-start",
        {
            "content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace(
                "end_date: 2020-03-04", "end_date: 2020-02"
            )
        },
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:3:11: meeting '2020-03-03-riverton-talks': field 'end_date': "
            "ends (2020-02) before it starts (2020-03-03)"
        ],
    ),
    (
        "role-ends-before-it-starts",
        {"leaders/alpha.yaml": ALPHA.replace("to: 2019", "to: 2009")},
        ["leaders/alpha.yaml:9:9: leader 'alpha': field 'roles[1].to': ends (2009) before it starts (2010)"],
    ),
    (
        "one-participant",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("[alpha, beta]", "[alpha]")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:6:15: meeting '2020-03-03-riverton-talks': "
            "field 'participants': needs at least 2 item(s), got 1"
        ],
    ),
    (
        "participant-twice",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("[alpha, beta]", "[alpha, beta, alpha]")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:6:29: meeting '2020-03-03-riverton-talks': "
            "field 'participants[2]': 'alpha' is listed twice"
        ],
    ),
    (
        "participants-not-a-list",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("[alpha, beta]", "alpha")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:6:15: meeting '2020-03-03-riverton-talks': "
            "field 'participants': expected a list, got text"
        ],
    ),
    (
        "unknown-kind-of-meeting",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("kind: bilateral", "kind: dinner")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:4:7: meeting '2020-03-03-riverton-talks': field 'kind': "
            "'dinner' is not one of 'summit', 'bilateral', 'sidelines', 'virtual' or 'call'"
        ],
    ),
    (
        "unknown-source",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations:\n  - source: almanack\n"},
        [
            "leaders/gamma.yaml:5:13: leader 'gamma': field 'citations[0].source': unknown source 'almanack' (did you mean 'almanac'?)"
        ],
    ),
    (
        "no-citation",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations: []\n"},
        ["leaders/gamma.yaml:4:12: leader 'gamma': field 'citations': needs at least 1 item(s), got 0"],
    ),
    (
        "quote-not-in-source",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations:\n  - source: almanac\n"
            "    quote: Water rights remained the main point.\n"
        },
        [
            "leaders/gamma.yaml:6:12: leader 'gamma': field 'citations[0].quote': quote not found in source 'almanac'; "
            'closest passage: "Water rights remained the sticking point."'
        ],
    ),
    (
        "unknown-issue-and-position",
        {
            "content/issues/trade.yaml": "title: T\nsummary: s\nrelated: [water-right]\npositions:\n  gama:\n"
            "    text: t\n    citations: [{source: hearsay}]\ncitations: [{source: hearsay}]\n"
        },
        [
            "content/issues/trade.yaml:3:11: issue 'trade': field 'related[0]': unknown issue 'water-right' (did you mean 'water-rights'?)",
            "content/issues/trade.yaml:5:3: issue 'trade': field 'positions.gama': unknown leader 'gama' (did you mean 'gamma'?)",
        ],
    ),
    (
        "link-to-nothing",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: Met [[alpa]].\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:3:14: leader 'gamma': field 'summary': link [[alpa]] matches no record (did you mean 'alpha'?)"
        ],
    ),
    (
        "ambiguous-link",
        {
            "content/issues/gamma.yaml": "title: G\nsummary: s\ncitations: [{source: hearsay}]\n",
            "leaders/alpha.yaml": ALPHA.replace("met [[beta]]", "met [[gamma]]"),
        },
        [
            "leaders/alpha.yaml:11:38: leader 'alpha': field 'summary': link [[gamma]] is ambiguous: it names a leader and an issue"
        ],
    ),
    (
        "yaml-syntax",
        {"leaders/gamma.yaml": "name: G\ncountry: [E\nsummary: s\n"},
        [
            "leaders/gamma.yaml:2:10: leader 'gamma': YAML syntax error: the list in [ ] opened here is not closed "
            "(at line 3, did not find expected ',' or ']'): close it with ], or quote the value if it is text"
        ],
    ),
    (  # the parser finds it at the end of the file: the editor needs where it opens
        "unclosed-quote",
        {"leaders/gamma.yaml": 'name: G\ncountry: "E\nsummary: s\ncitations: [{source: hearsay}]\n'},
        [
            "leaders/gamma.yaml:2:10: leader 'gamma': YAML syntax error: the quoted text opened here is not closed "
            "(the file ends first): end it with the same quote mark"
        ],
    ),
    (
        "tab-indent",
        {"leaders/gamma.yaml": "name: G\ncitations:\n\t- source: hearsay\n"},
        [
            "leaders/gamma.yaml:3:1: leader 'gamma': YAML syntax error: while scanning for the next token found character "
            "that cannot start any token (YAML does not allow tabs for indentation: use spaces)"
        ],
    ),
    (  # the parser finds it on the line after, in its own words (a helper found it)
        "missing-colon",
        {"leaders/gamma.yaml": "name: G\ncountry E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:2:1: leader 'gamma': YAML syntax error: this line has no ':' after its key: write key: value"
        ],
    ),
    (  # a key without its ':' runs into the next line, whose ':' the parser stops at
        "missing-colon-before-a-key",
        {"leaders/gamma.yaml": "name G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:2:8: leader 'gamma': YAML syntax error: mapping values are not allowed in this "
            "context (a ': ' in a value without quotes: quote the value; or the line above lacks the ':' after its key)"
        ],
    ),
    (
        "empty-file",
        {"leaders/gamma.yaml": ""},
        ["leaders/gamma.yaml:1:1: leader 'gamma': the file is empty; a record is one mapping"],
    ),
    (
        "top-level-list",
        {"leaders/gamma.yaml": "- name: G\n"},
        ["leaders/gamma.yaml:1:1: leader 'gamma': a record must be a mapping of fields, not a list"],
    ),
    (
        "duplicate-key",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nname: H\nsummary: s\ncitations: [{source: hearsay}]\n"},
        ["leaders/gamma.yaml:3:1: leader 'gamma': field 'name': key 'name' appears twice in this mapping"],
    ),
    (
        "alias",
        {"leaders/gamma.yaml": "name: &n G\ncountry: *n\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:2:10: leader 'gamma': field 'country': YAML alias '*n' is not allowed in records: write the value out"
        ],
    ),
    (
        "bad-file-name",
        {"leaders/Delta Ray.yaml": "name: D\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/Delta Ray.yaml:1:1: leader 'Delta Ray': file name 'Delta Ray.yaml' is not a valid id: "
            "use lowercase letters, digits and single hyphens; rename it to 'delta-ray.yaml'"
        ],
    ),
    (
        "javascript-url",
        {"content/sources/hearsay.yaml": "title: Hearsay\nurl: javascript:alert(1)\n"},
        [
            "content/sources/hearsay.yaml:2:6: source 'hearsay': field 'url': 'javascript:alert(1)' is not an http(s) URL"
        ],
    ),
    (
        "archive-missing",
        {"content/sources/hearsay.yaml": "title: Hearsay\narchive: hearsay.txt\n"},
        [
            "content/sources/hearsay.yaml:2:10: source 'hearsay': field 'archive': archived text 'hearsay.txt' not found beside this record"
        ],
    ),
    (
        "archive-outside",
        {"content/sources/hearsay.yaml": "title: Hearsay\narchive: ../../etc/passwd\n"},
        [
            "content/sources/hearsay.yaml:2:10: source 'hearsay': field 'archive': "
            "'../../etc/passwd' must be the name of a .txt file beside this record, like hearsay.txt"
        ],
    ),
    (
        "errors-in-several-files-at-once",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\nextra: 1\n",
            "content/issues/trade.yaml": "title: T\nsummary: s\n",
        },
        [
            "content/issues/trade.yaml:1:1: issue 'trade': field 'citations': required field is missing",
            "leaders/gamma.yaml:5:1: leader 'gamma': field 'extra': unknown field 'extra'",
        ],
    ),
    (
        "top-level-scalar",
        {"leaders/gamma.yaml": "just text\n"},
        ["leaders/gamma.yaml:1:1: leader 'gamma': a record must be a mapping of fields, not text"],
    ),
    (
        "two-documents",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n---\nname: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "leaders/gamma.yaml:5:1: leader 'gamma': a second YAML document starts here; a record is one mapping: "
            "remove it, or the '---' before it"
        ],
    ),
    (
        "unicode-look-alike-file-name",
        {"leaders/рutin.yaml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/рutin.yaml:1:1: leader 'рutin': file name 'рutin.yaml' is not a valid id: use lowercase letters, digits and single hyphens; it contains 'р' (CYRILLIC SMALL LETTER ER), not one of a to z"
        ],
    ),
    (
        "file-name-collides-after-lower-casing",
        {"leaders/Beta.yaml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/Beta.yaml:1:1: leader 'Beta': file name 'Beta.yaml' is not a valid id: use lowercase letters, digits and single hyphens; as 'beta.yaml' it would collide with the record already there"
        ],
    ),
    (
        "yml-extension",
        {"leaders/delta.yml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"},
        ["leaders/delta.yml:1:1: leader 'delta': records end in '.yaml', not '.yml'"],
    ),
    (
        "python-tag",
        {
            "leaders/gamma.yaml": "name: !!python/object/apply:os.system [ls]\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "leaders/gamma.yaml:1:7: leader 'gamma': field 'name': YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
        ],
    ),
    (
        "merge-key",
        {"leaders/gamma.yaml": "base: &b {country: E}\nname: G\n<<: *b\nsummary: s\ncitations: [{source: hearsay}]\n"},
        ["leaders/gamma.yaml:3:1: leader 'gamma': field '<<': YAML merge keys ('<<') are not allowed in records"],
    ),
    (
        "complex-key",
        {"leaders/gamma.yaml": "? [name]\n: G\n"},
        ["leaders/gamma.yaml:1:3: leader 'gamma': a key must be plain text"],
    ),
    (
        "deep-nesting",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nsummary: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\ncitations: [{source: hearsay}]\n"
        },
        ["leaders/gamma.yaml:3:22: leader 'gamma': nested more than 12 levels deep"],
    ),
    (
        "summary-is-a-list",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: [a, b]\ncitations: [{source: hearsay}]\n"},
        ["leaders/gamma.yaml:3:10: leader 'gamma': field 'summary': expected text, got a list"],
    ),
    (
        "citations-is-a-mapping",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations: {source: hearsay}\n"},
        ["leaders/gamma.yaml:4:12: leader 'gamma': field 'citations': expected a list, got a mapping"],
    ),
    (
        "role-is-text",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: s\ncitations: [{source: hearsay}]\nroles: [President]\n"},
        ["leaders/gamma.yaml:5:9: leader 'gamma': field 'roles[0]': expected a mapping, got text"],
    ),
    (
        "empty-summary",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary: ''\ncitations: [{source: hearsay}]\n"},
        ["leaders/gamma.yaml:3:10: leader 'gamma': field 'summary': must not be empty"],
    ),
    (
        "null-summary",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nsummary:\ncitations: [{source: hearsay}]\n"},
        ["leaders/gamma.yaml:3:9: leader 'gamma': field 'summary': expected text, got nothing"],
    ),
    (
        "date-with-time",
        {
            "content/meetings/2021-brief-call.yaml": "title: T\ndate: 2021-06-16 10:00:00\nkind: call\nparticipants: [alpha, beta]\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "content/meetings/2021-brief-call.yaml:2:7: meeting '2021-brief-call': field 'date': '2021-06-16 10:00:00' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        ],
    ),
    (
        "five-digit-year",
        {
            "content/meetings/2021-brief-call.yaml": "title: T\ndate: 20210\nkind: call\nparticipants: [alpha, beta]\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "content/meetings/2021-brief-call.yaml:2:7: meeting '2021-brief-call': field 'date': '20210' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
        ],
    ),
    (
        "true-as-participant",
        {
            "content/meetings/2021-brief-call.yaml": "title: T\ndate: 2021\nkind: call\nparticipants: [alpha, true]\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "content/meetings/2021-brief-call.yaml:4:23: meeting '2021-brief-call': field 'participants[1]': expected text, but YAML reads unquoted true as true: write \"true\""
        ],
    ),
    (
        "position-key-not-an-id",
        {
            "content/issues/trade.yaml": "title: T\nsummary: s\npositions:\n  Alpha:\n    text: t\n    citations: [{source: hearsay}]\ncitations: [{source: hearsay}]\n"
        },
        [
            "content/issues/trade.yaml:4:3: issue 'trade': field 'positions.Alpha': 'Alpha' is not a valid id: use lowercase letters, digits and single hyphens"
        ],
    ),
    (
        "issue-related-to-itself",
        {"content/issues/trade.yaml": "title: T\nsummary: s\nrelated: [trade]\ncitations: [{source: hearsay}]\n"},
        ["content/issues/trade.yaml:3:11: issue 'trade': field 'related[0]': an issue cannot be related to itself"],
    ),
    (
        "data-url",
        {"content/sources/hearsay.yaml": "title: Hearsay\nurl: data:text/html,<script>alert(1)</script>\n"},
        [
            "content/sources/hearsay.yaml:2:6: source 'hearsay': field 'url': 'data:text/html,<script>alert(1)</script>' is not an http(s) URL"
        ],
    ),
    (
        "archive-absolute-path",
        {"content/sources/hearsay.yaml": "title: Hearsay\narchive: /etc/passwd\n"},
        [
            "content/sources/hearsay.yaml:2:10: source 'hearsay': field 'archive': '/etc/passwd' must be the name of a .txt file beside this record, like hearsay.txt"
        ],
    ),
    (
        "archive-symlink",
        {
            "content/sources/hearsay.yaml": "title: Hearsay\narchive: hearsay.txt\n",
            "content/sources/hearsay.txt": "SYMLINK:/etc/passwd",
        },
        [
            "content/sources/hearsay.yaml:2:10: source 'hearsay': field 'archive': 'hearsay.txt' must be a file in content/sources/, not a link"
        ],
    ),
    (
        "yes-no-for-a-choice",
        {"content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace("kind: bilateral", "kind: no")},
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:4:7: meeting '2020-03-03-riverton-talks': field 'kind': "
            "'no' is not one of 'summit', 'bilateral', 'sidelines', 'virtual' or 'call'"
        ],
    ),
    (
        "id-of-a-section-page",
        {"content/meetings/index.yaml": RIVERTON},
        [
            # a copy is also a likely duplicate, reported in the same run
            "content/meetings/index.yaml:1:1: meeting 'index': likely the same event as "
            "content/meetings/2020-03-03-riverton-talks.yaml (Riverton talks, 3–4 March 2020, Riverton): keep one "
            "record and cite both sources there; if they are two events, say so with "
            "distinct_from: [2020-03-03-riverton-talks]",
            "content/meetings/index.yaml:1:1: meeting 'index': the id 'index' is reserved: "
            "the section's own page is meetings/index.md; rename the file",
        ],
    ),
    (
        "leader-id-of-a-section-page",
        {"leaders/index.yaml": ALPHA.replace("name: Ada Alpha", "name: Ada Index")},
        [
            "leaders/index.yaml:1:1: leader 'index': the id 'index' is reserved: "
            "the section's own page is leaders/index.md; rename the file"
        ],
    ),
    (
        "issue-id-of-a-section-page",
        {"content/issues/index.yaml": "title: Index\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "content/issues/index.yaml:1:1: issue 'index': the id 'index' is reserved: "
            "the section's own page is issues/index.md; rename the file"
        ],
    ),
    (
        "id-of-a-year-page",
        {"content/meetings/2020.yaml": RIVERTON + "distinct_from: [2020-03-03-riverton-talks]\n"},
        [
            "content/meetings/2020.yaml:1:1: meeting '2020': the id '2020' is reserved: "
            "a year is kept for the section's page of that year (meetings/2020/); rename the file"
        ],
    ),
    (
        "old-id-of-a-section-page",
        {"leaders/alpha.yaml": ALPHA + "aliases: [index]\n"},
        [
            "leaders/alpha.yaml:16:11: leader 'alpha': field 'aliases[0]': the id 'index' is reserved: "
            "the section's own page is leaders/index.md; it cannot be an old id"
        ],
    ),
    (
        "url-that-breaks-out-of-a-link",
        {"content/sources/hearsay.yaml": "title: Hearsay\nurl: 'https://x.org/\"><script>alert(1)</script>'\n"},
        [
            "content/sources/hearsay.yaml:2:6: source 'hearsay': field 'url': 'https://x.org/\"><script>alert(1)</script>' "
            "has a character a URL may not hold unencoded (< > \" ' \\ or a space)"
        ],
    ),
    (
        "positions-as-a-list-and-as-one",
        {
            "content/issues/trade.yaml": "title: T\nsummary: s\npositions:\n  alpha:\n    - text: t\n      citations: [{source: hearsay}]\n"
            "    - txt: u\n      citations: [{source: hearsay}]\n  beta:\n    text: t\n    as_of: soon\n    citations: [{source: hearsay}]\n"
            "citations: [{source: hearsay}]\n"
        },
        [
            "content/issues/trade.yaml:7:7: issue 'trade': field 'positions.alpha[1].text': required field is missing",
            "content/issues/trade.yaml:7:7: issue 'trade': field 'positions.alpha[1].txt': unknown field 'txt' (did you mean 'text'?)",
            "content/issues/trade.yaml:11:12: issue 'trade': field 'positions.beta.as_of': 'soon' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
        ],
    ),
    (
        "role-end-neither-date-nor-unknown",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nroles:\n  - title: Envoy\n    to: soon\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "leaders/gamma.yaml:5:9: leader 'gamma': field 'roles[0].to': 'soon' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD; "
            "or write 'unknown' when the sources do not say"
        ],
    ),
    (
        "role-held-as-of-yet-ended",
        {
            "leaders/gamma.yaml": "name: G\ncountry: E\nroles:\n  - title: Mayor\n    from: 2010\n    to: 2019\n    as_of: 2018\n"
            "  - title: Envoy\n    from: 2012\n    as_of: 2011\nsummary: s\ncitations: [{source: hearsay}]\n"
        },
        [
            "leaders/gamma.yaml:7:12: leader 'gamma': field 'roles[0].as_of': as_of is for a role whose end is unknown; this one ends 2019",
            "leaders/gamma.yaml:10:12: leader 'gamma': field 'roles[1].as_of': held as of 2011, before it starts (2012)",
        ],
    ),
    (
        "wikidata-id-in-lowercase",
        {"leaders/gamma.yaml": "name: G\ncountry: E\nwikidata: q7747\nsummary: s\ncitations: [{source: hearsay}]\n"},
        [
            "leaders/gamma.yaml:3:11: leader 'gamma': field 'wikidata': 'q7747' is not a Wikidata id: "
            "a capital Q and a number with no leading zero, like Q7747"
        ],
    ),
    (
        "wikidata-id-as-a-number",
        {"content/sources/hearsay.yaml": "title: Hearsay\nwikidata: 7747\n"},
        [
            "content/sources/hearsay.yaml:2:11: source 'hearsay': field 'wikidata': expected a Wikidata id as text, like Q7747"
        ],
    ),
    (
        "place-wikidata-without-a-place",
        {
            "content/meetings/2020-03-03-riverton-talks.yaml": RIVERTON.replace(
                "location: Riverton", "location_wikidata: Q71"
            )
        },
        [
            "content/meetings/2020-03-03-riverton-talks.yaml:5:20: meeting '2020-03-03-riverton-talks': "
            "field 'location_wikidata': names the place's Wikidata item, but the meeting has no location"
        ],
    ),
]


def _apply(root: Path, changes: dict[str, str | None]) -> None:
    """Write each file's new text; None deletes it; 'SYMLINK:target' makes it a link."""
    for rel, text in changes.items():
        path = root / rel
        if text is None:
            path.unlink()
        elif text.startswith("SYMLINK:"):
            path.symlink_to(text.removeprefix("SYMLINK:"))
        else:
            path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("changes, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_located_and_nothing_is_written(
    small: Path, run, changes: dict[str, str | None], expected: list[str]
) -> None:
    _apply(small, changes)
    result = run("generate", "--root", small)
    count = len(expected)
    summary = f"{count} problem{'s' if count != 1 else ''} found; nothing was written."
    assert result.code == 1
    assert result.err.splitlines() == expected + [summary]
    assert result.out == ""
    assert not (small / "build").exists()


@pytest.mark.parametrize("command", ["generate", "build"])
def test_failed_run_writes_nothing(small: Path, run, command: str) -> None:
    _apply(small, {"leaders/gamma.yaml": "name: G\n"})
    result = run(command, "--root", small)
    assert result.code == 1
    assert not (small / "build").exists()
    assert not (small / "site").exists()


def test_non_utf8_file(small: Path, run) -> None:
    (small / "leaders/gamma.yaml").write_bytes(b"name: G\ncountry: \xff\n")
    result = run("check", "--root", small)
    assert result.code == 1
    assert (
        result.err.splitlines()[0] == "leaders/gamma.yaml:2:1: leader 'gamma': not valid UTF-8 (byte 0xff at offset 17)"
    )


@pytest.mark.parametrize(
    "rel, line",
    [
        ("leaders/gamma.yaml", "leaders/gamma.yaml:1:1: leader 'gamma': cannot be read (Permission denied)"),
        (
            "content/sources/almanac.txt",
            "content/sources/almanac.yaml:10:10: source 'almanac': field 'archive': "
            "archived text 'almanac.txt' cannot be read (Permission denied)",
        ),
        ("content/pages/index.md", "content/pages/index.md: cannot be read (Permission denied)"),
    ],
    ids=["a record", "an archived text", "a hand-written page"],
)
def test_a_file_that_cannot_be_read_is_a_problem_naming_it(
    small: Path, run, monkeypatch: pytest.MonkeyPatch, rel: str, line: str
) -> None:
    """A file without read permission (or an I/O error) is one line naming it, not a traceback.
    Tests run as root here, which reads any file, so the refusal is made by hand."""
    denied = small / rel
    read_bytes, read_text = Path.read_bytes, Path.read_text

    def refuse(path: Path) -> None:
        if path == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(Path, "read_bytes", lambda self: refuse(self) or read_bytes(self))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: refuse(self) or read_text(self, *a, **k))
    for command in ("check", "generate"):
        result = run(command, "--root", small)
        assert result.code == 1 and "Traceback" not in result.err
        assert line in result.err.splitlines(), result.err


def test_byte_order_mark_and_windows_line_endings_are_accepted(small: Path, run) -> None:
    text = (small / "leaders/gamma.yaml").read_text()
    (small / "leaders/gamma.yaml").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = run("check", "--root", small)
    assert (result.code, result.err) == (0, "")


def test_alias_bomb_fails_fast(small: Path, run) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (small / "leaders/gamma.yaml").write_text("\n".join(lines) + "\n")
    result = run("check", "--root", small)
    assert result.code == 1
    problems = result.err.splitlines()[:-1]
    assert (
        problems[0]
        == "leaders/gamma.yaml:2:10: leader 'gamma': field 'a1[0]': YAML alias '*a0' is not allowed in records: write the value out"
    )
    assert len(problems) == 5
    # each named by the field it stands in: the first five aliases of a1's list
    assert [p.split(": ")[2] for p in problems] == [f"field 'a1[{i}]'" for i in range(5)]


def test_record_that_is_a_symlink_is_refused(small: Path, run) -> None:
    (small / "leaders" / "evil.yaml").symlink_to("/etc/passwd")
    result = run("generate", "--root", small)
    assert result.code == 1
    assert (
        result.err.splitlines()[0] == "leaders/evil.yaml:1:1: leader 'evil': records must be files, not symbolic links"
    )
    assert not (small / "build").exists()


def test_huge_file_is_refused_without_reading_it(small: Path, run) -> None:
    with open(small / "leaders" / "gamma.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    result = run("generate", "--root", small)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "leaders/gamma.yaml:1:1: leader 'gamma': file is 52,428,800 bytes; a record may be at most 1,000,000"
    )
    assert not (small / "build").exists()


def test_quoting_is_the_fix_only_where_the_quoted_value_is_a_choice() -> None:
    from builder.records.kinds import KINDS
    from builder.records.raw_record import RawRecord
    from builder.records.validate import _message

    raw = RawRecord("meeting", "m", "content/meetings/m.yaml", {}, {}, {("kind",): "no"})

    def said(expected: str) -> str:
        err = {"type": "literal_error", "loc": ("kind",), "ctx": {"expected": expected}, "input": False}
        return _message(KINDS["meeting"].model, raw, err)[1]

    assert said("'yes' or 'no'") == "expected one of 'yes' or 'no', but YAML reads unquoted no as false: write \"no\""
    assert said("'summit' or 'call'") == "'no' is not one of 'summit' or 'call'"


def test_two_pages_at_one_place_are_refused_even_past_the_checks(small: Path) -> None:
    from builder.errors import SummitryError
    from builder.pipeline import Project, check, settings
    from builder.render.pages import Renderer

    project = Project(small)
    site = check(project)
    site.meetings["index"] = next(iter(site.meetings.values()))  # what the reserved ids keep out
    with pytest.raises(
        SummitryError, match="^two pages would be written to build/docs/meetings/index.md; one would hide the other$"
    ):
        Renderer(site, settings(project)).jobs()


def test_invisible_characters_are_no_part_of_a_quote(small: Path, run) -> None:
    """A quote copied from a web page may hold a zero-width space or a soft hyphen no reader
    sees, nor can type; an archived page may too. The quote did not match, and check's
    closest passage looked the same as the quote."""
    meeting = small / "content/meetings/2020-03-03-riverton-talks.yaml"
    meeting.write_text(meeting.read_text().replace("Water rights remained", "Water rights re\u00admained\u200b"))
    archive = small / "content/sources/almanac.txt"
    archive.write_text(archive.read_text(encoding="utf-8").replace("sticking point", "stick\u00ading point"), "utf-8")
    assert run("check", "--root", small).code == 0
    meeting.write_text(meeting.read_text().replace("re\u00admained", "reminded"))
    assert "field 'citations[1].quote': quote not found in source 'almanac'" in run("check", "--root", small).err


def test_the_events_are_placed_where_the_walker_places_the_values() -> None:
    """An alias is named by following the parser's events (builder.records.yaml_paths): each
    value they reach has the path and place the walker gives it on the composed record."""
    import yaml

    from builder.records.load import _Loader, _Walker
    from builder.records.yaml_paths import located

    text = "name: G\nroles:\n  - title: T\n    years: [1, 2]\n  - {title: U, m: {k: [x, {y: z}]}}\nsummary: s\n"
    walker = _Walker("r.yaml", "leader", "r")
    walker.walk(yaml.compose(text, Loader=_Loader), ())
    values: dict[tuple, tuple[int, int]] = {}
    for event, loc in located(yaml.parse(text, Loader=_Loader)):
        # a node comes before its keys, which share its path
        values.setdefault(loc, (event.start_mark.line + 1, event.start_mark.column + 1))
    # every node the walker placed, the events place alike
    assert {loc: walker.positions[loc] for loc in values} == values
    assert set(walker.positions) == set(values)
    assert ("roles", 1, "m", "k", 1, "y") in values


def test_a_record_where_none_is_read_is_warned_of(small: Path, run) -> None:
    """A meeting in a folder inside content/meetings/, in a misspelt folder, or in content/
    itself never became a page, and check --strict passed without a word (a helper found it).
    Hand-written pages and the knowledge base's top are not records' places."""
    meeting = next((small / "content/meetings").glob("*.yaml")).read_text(encoding="utf-8")
    stray = ["content/meetings/2021/a.yaml", "content/meeting/b.yaml", "content/c.yml", "leaders/old/d.yaml"]
    for rel in [*stray, "content/pages/data.yaml", "e.yaml"]:
        (small / rel).parent.mkdir(parents=True, exist_ok=True)
        (small / rel).write_text(meeting, encoding="utf-8")
    result = run("check", "--root", small)
    assert result.code == 0
    told = sorted(line for line in result.err.splitlines() if "never read" in line)
    assert told == sorted(
        f"warning: {rel}: a record here is never read: records go straight into leaders/, content/meetings/, "
        "content/issues/, content/sources/, content/relations/"
        for rel in stray
    )
    assert run("check", "--strict", "--root", small).code == 1
