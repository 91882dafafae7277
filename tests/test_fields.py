"""Every field of every model reaches the JSON, the CSV, the JSON-LD and the record's page, or
is listed as left out of it, with the reason, in builder/render/fields.py.

A knowledge base where every field is set (FULL) is rendered; then each field is changed, one
at a time, and the four outputs of the record that holds it are compared with the first
render's. A field whose change changes nothing in an output it is not listed as left out of
fails, and so does one listed as left out of an output it changes: the message says where
the field must go.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import frontmatter
import pytest
import yaml
from pydantic import BaseModel

from builder.records.dates import PartialDate
from builder.records.kinds import KINDS
from builder.render.addresses import page_path
from builder.render.fields import DESTINATIONS, OMITTED, WHERE, Destination, omitted
from builder.render.pages import Renderer

ARCHIVE = "The talks ran long into the night and ended well, both sides said.\n"
CITE = {"key": "k1", "source": "s1", "quote": "The talks ran long", "note": "Note *one*."}
CITE2 = {"key": "k2", "source": "s1", "quote": "ended well"}

FULL: dict[str, dict[str, dict[str, Any]]] = {
    "leader": {
        "alpha": {
            "name": "Alpha Anders",
            "country": "Avalon",
            "roles": [
                {"title": "Mayor of Avalon", "from": "2001-03", "to": "2009-04-05", "cite": ["k1"]},
                {"title": "President of Avalon", "from": 2010, "to": "unknown", "as_of": "2020-02", "cite": ["k2"]},
            ],
            "summary": "Alpha leads [[avalon-water|the water talks]] for *Avalon*. [@k0]",
            "wikidata": "Q101",
            # the summary's citation first: a change to its key changes no role's cite (roles.csv)
            "citations": [{**CITE, "key": "k0"}, CITE, CITE2],
            "distinct_from": ["beta"],
            "aliases": ["old-alpha"],
        },
        "beta": {"name": "Beta Brandt", "country": "Brill", "summary": "Beta. [@k1]", "citations": [CITE]},
        "gamma": {"name": "Gamma Gold", "country": "Ghent", "summary": "Gamma. [@k1]", "citations": [CITE]},
    },
    "meeting": {
        "2021-06-10-avalon-talks": {
            "title": "Avalon talks",
            "date": "2021-06-10",
            "end_date": "2021-06-12",
            "kind": "summit",
            "location": "Avalon City",
            "location_wikidata": "Q202",
            "participants": ["alpha", "beta"],
            "issues": ["avalon-water"],
            "summary": "The talks of [[alpha]] and [[beta]]. [@k1]",
            "outcomes": ["A pact on **water**. [@k1]"],
            "citations": [CITE],
            "distinct_from": ["2022-02-02-ghent-call"],
            "aliases": ["old-talks"],
        },
        "2022-02-02-ghent-call": {
            "title": "Ghent call",
            "date": "2022-02-02",
            "kind": "call",
            "participants": ["beta", "gamma"],
            "summary": "A call. [@k1]",
            "citations": [CITE],
        },
        "2023-03-03-brill-call": {
            "title": "Brill call",
            "date": "2023-03-03",
            "kind": "call",
            "participants": ["alpha", "gamma"],
            "summary": "Another call. [@k1]",
            "citations": [CITE],
        },
    },
    "issue": {
        "avalon-water": {
            "title": "Avalon water",
            "summary": "Water rights of Avalon. [@k1]",
            "wikidata": "Q303",
            "related": ["brill-roads"],
            "developments": [
                {
                    "date": "2019-07",
                    "title": "Dam",
                    "text": "A dam was built. [@kd]",
                    "citations": [{**CITE, "key": "kd"}],
                }
            ],
            "positions": {
                "alpha": [
                    {
                        "text": "Wants the dam. [@kp]",
                        "as_of": "2020-01",
                        "forecast": True,
                        "citations": [{**CITE, "key": "kp"}],
                    }
                ]
            },
            "citations": [CITE],
            "aliases": ["old-water"],
        },
        "brill-roads": {"title": "Brill roads", "summary": "Roads. [@k1]", "citations": [CITE]},
        "ghent-ports": {"title": "Ghent ports", "summary": "Ports. [@k1]", "citations": [CITE]},
    },
    "source": {
        "s1": {
            "title": "The Avalon Chronicle",
            "author": "Ann Author",
            "publisher": "Avalon Press",
            "url": "https://example.org/chronicle",
            "published": "2021-07-01",
            "genre": "news-report",
            "note": "A *local* paper.",
            "accessed": "2022-01-02",
            "archive_url": "https://web.archive.org/web/2022/https://example.org/chronicle",
            "archive": "s1.txt",
            "wikidata": "Q404",
            "distinct_from": ["s2"],
            "aliases": ["old-s1"],
        },
        "s2": {"title": "The Brill Bugle", "no_archive": "The paper keeps no copy we may hold."},
        "s3": {"title": "The Ghent Gazette", "no_archive": "The gazette keeps no copy either."},
    },
    "relation": {
        "alpha-beta": {
            "summary": "Alpha and Beta get on. [@k1]",
            "themes": [
                {
                    "title": "Trust",
                    "text": "They trust each other. [@kt]",
                    "as_of": "2021",
                    "citations": [{**CITE, "key": "kt"}],
                }
            ],
            "outlook": [{"text": "They may meet again. [@ko]", "citations": [{**CITE, "key": "ko"}]}],
            "citations": [CITE],
            "aliases": ["beta-alpha-old"],
        },
    },
}
"""Every field of every model set at least once; the first record of a kind sets them all."""

SPARE = {"leader": "gamma", "issue": "ghent-ports", "source": "s2", "meeting": "2023-03-03-brill-call"}
"""A record of each kind to name instead, where a field names one."""

# Changes no rule of a type can make: a quote must stay in the archive, an archive a file.
SPECIAL = {
    "Citation.quote": lambda v: v + " into",
    "Source.archive": lambda v: "other.txt",
    "Role.cite": lambda v: [*v, "k2"],  # one more: every citation stays marked
    "Source.distinct_from": lambda v: ["s3"],
    "Source.no_archive": lambda v: v + " Zq",
}


class _Dumper(yaml.SafeDumper):
    """Writes a value used twice (the citation) out twice: records may hold no YAML aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _write(root: Path, records: dict[str, dict[str, dict[str, Any]]]) -> None:
    (root / "mkdocs.yml").write_text(
        "site_name: Fields\nsite_url: https://kb.example/\nrepo_url: https://example.org/r\nedit_uri: edit/main/\n"
        "docs_dir: build/docs\nmarkdown_extensions: [toc, tables, def_list, footnotes, md_in_html]\n"
    )
    for kind, records_of_kind in records.items():
        folder = root / KINDS[kind].folder
        folder.mkdir(parents=True, exist_ok=True)
        for rid, data in records_of_kind.items():
            text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True)
            (folder / f"{rid}.yaml").write_text(text, encoding="utf-8")
    for name in ("s1.txt", "other.txt"):
        (root / KINDS["source"].folder / name).write_text(ARCHIVE, encoding="utf-8")


def _outputs(root: Path, page: str | None = None) -> dict[str, str]:
    """The data files and the record pages (only ``page``, if named) of the knowledge base at ``root``."""
    from builder.pipeline import Project, check, settings

    project = Project(root)
    files: dict[str, str | bytes] = {}
    for paths, make in Renderer(check(project), settings(project)).jobs():
        if any(p.startswith("data/") or p == page or (page is None and p.count("/") == 1) for p in paths):
            files.update(make())
    return {path: data for path, data in files.items() if isinstance(data, str)}


def _of_record(files: dict[str, str], kind: str, rid: str) -> dict[Destination, str]:
    """What each destination says of one record: its JSON object, its CSV rows (every table
    led by its id), its page's JSON-LD and its page's text."""
    data = json.loads(files["data/summitry.json"])
    obj = next(r for r in data[KINDS[kind].plural] if r["id"] == rid)
    rows = []
    for path, text in sorted(files.items()):
        if path.startswith("data/") and path.endswith(".csv"):
            rows += [f"{path}: {row}" for row in csv.reader(io.StringIO(text)) if row and row[0] == rid]
    page = frontmatter.loads(files[page_path((kind, rid))])
    return {
        "json": json.dumps(obj, sort_keys=True),
        "csv": "\n".join(rows),
        "json-ld": str(page.metadata["summitry_jsonld"]),
        "page": page.content,
    }


def _part(annotation: Any) -> type[BaseModel] | None:
    """The nested model a field holds (in a list, or in the lists of a mapping), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _part(arg)
        if found is not None:
            return found
    return None


def _attribute(model: type[BaseModel], key: str) -> str:
    return next(name for name, info in model.model_fields.items() if (info.alias or name) == key)


Leaf = tuple[tuple[str, ...], tuple[Any, ...]]  # (Model.field of each level, the path in the YAML)


def _leaves(
    model: type[BaseModel], data: dict[str, Any], chain: tuple[str, ...] = (), at: tuple[Any, ...] = ()
) -> Iterator[Leaf]:
    for key, value in data.items():
        field = chain + (f"{model.__name__}.{key}",)
        part = _part(model.model_fields[_attribute(model, key)].annotation)
        if part is None:
            yield field, at + (key,)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from _leaves(part, item, field, at + (key, i))
        else:  # a mapping of lists, keyed by id: the keys are the field's values too
            yield field, at + (key,)
            for name, items in value.items():
                for i, item in enumerate(items):
                    yield from _leaves(part, item, field, at + (key, name, i))


def _cases() -> list[tuple[str, str, tuple[str, ...], tuple[Any, ...]]]:
    """(kind, id, fields, path) for the first occurrence of each field in each kind of record
    (a field no first record can hold with another, as no_archive with archive, in a later one)."""
    cases, seen = [], set()
    for kind, records in FULL.items():
        for rid, data in records.items():
            for chain, at in _leaves(KINDS[kind].model, data):
                if (kind, chain) not in seen:
                    seen.add((kind, chain))
                    cases.append((kind, rid, chain, at))
    return cases


CASES = _cases()


def _model_of(chain: tuple[str, ...]) -> tuple[type[BaseModel], str]:
    """The model and attribute of the last field of ``chain``."""
    model_name, key = chain[-1].split(".")
    model = next(m for m in _models() if m.__name__ == model_name)
    return model, _attribute(model, key)


@functools.cache
def _models() -> tuple[type[BaseModel], ...]:
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model not in found:
            found.append(model)
            for info in model.model_fields.values():
                part = _part(info.annotation)
                if part is not None:
                    visit(part)

    for kind in KINDS.values():
        visit(kind.model)
    return tuple(found)


def _changed(chain: tuple[str, ...], value: Any, kind: str) -> Any:
    """Another valid value for the field, as YAML would give it."""
    if chain[-1] in SPECIAL:
        return SPECIAL[chain[-1]](value)
    model, name = _model_of(chain)
    annotation = model.model_fields[name].annotation
    if name == "aliases":
        return [value[0] + "-x"]
    if name == "source":
        return SPARE["source"]
    refs = {ref.field: ref.target for ref in KINDS[kind].refs} if len(chain) == 1 else {}
    if name in refs and isinstance(value, dict):  # the ids a mapping is keyed by
        (items,) = value.values()
        return {SPARE[refs[name]]: items}
    if name in refs:
        return [SPARE[refs[name]], *value[1:]]
    if isinstance(value, bool):
        return not value
    literal = [arg for arg in _flat(annotation) if typing.get_origin(arg) is Literal]
    if literal and value != "unknown":
        return next(option for option in typing.get_args(literal[0]) if option != value)
    if name.endswith("wikidata"):
        return f"Q{int(value[1:]) + 1}"
    if name.endswith("url"):
        return value + "x"
    if PartialDate in _flat(annotation) or isinstance(value, int):
        date = PartialDate.parse(value)
        later = PartialDate(
            date.year + (date.precision == "year"),
            date.month + (date.precision == "month"),
            date.day + (date.precision == "day"),
        )
        return later.iso()
    if isinstance(value, list):
        return [
            _changed(chain, value[0], kind) if isinstance(value[0], str) and "[@" in value[0] else value[0] + " Zq",
            *value[1:],
        ]
    if isinstance(value, str) and "[@" in value:  # prose: a sentence must end with its marks
        return "Zq " + value
    if isinstance(value, str):
        return value + " Zq"
    raise AssertionError(f"the test cannot change {chain[-1]}: teach _changed its type")


def _flat(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _flat(arg)
    return out


def _get(data: Any, at: tuple[Any, ...]) -> Any:
    for key in at:
        data = data[key]
    return data


def _set(data: Any, at: tuple[Any, ...], value: Any) -> None:
    _get(data, at[:-1])[at[-1]] = value


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("fields")
    _write(root, FULL)
    return _outputs(root)


def test_every_field_of_every_model_is_set_in_the_full_knowledge_base() -> None:
    set_fields = {field for _, _, chain, _ in CASES for field in chain}
    every = {f"{m.__name__}.{info.alias or name}" for m in _models() for name, info in m.model_fields.items()}
    missing = sorted(every - set_fields)
    assert not missing, f"set {missing} in FULL (tests/test_fields.py), in a record of its kind"


def test_every_omission_names_a_field_and_a_destination_with_a_reason() -> None:
    every = {f"{m.__name__}.{info.alias or name}" for m in _models() for name, info in m.model_fields.items()}
    names = {field.split(".", 1)[1] for field in every}
    stale = [f for f in OMITTED if f not in every and not (f.startswith("*.") and f[2:] in names)]
    assert not stale, f"OMITTED names fields no model has: {stale}"
    for field, where in OMITTED.items():
        assert where and set(where) <= set(DESTINATIONS) and all(len(why) > 20 for why in where.values()), field


@pytest.mark.parametrize(("kind", "rid", "chain", "at"), CASES, ids=[" > ".join(c[2]) for c in CASES])
def test_each_field_reaches_each_destination_or_is_listed_as_left_out(
    first: dict[str, str], tmp_path: Path, kind: str, rid: str, chain: tuple[str, ...], at: tuple[Any, ...]
) -> None:
    records = json.loads(json.dumps(FULL))  # no value shared between places, as copy.deepcopy would keep
    value = _get(records[kind][rid], at)
    if chain[-1] == "Citation.key":  # marks name a citation by its key: they follow it
        records[kind][rid] = json.loads(json.dumps(records[kind][rid]).replace(value, value + "z"))
    else:
        _set(records[kind][rid], at, _changed(chain, value, kind))
    _write(tmp_path, records)
    before, after = _of_record(first, kind, rid), _of_record(_outputs(tmp_path, page_path((kind, rid))), kind, rid)
    field = chain[-1]
    wrong = []
    for destination in DESTINATIONS:
        listed = [f for f in chain if destination in omitted(f)]
        reached = before[destination] != after[destination]
        if reached and listed:
            wrong.append(
                f"{field} is listed in OMITTED (builder/render/fields.py) as left out of the {destination} "
                f"(under {listed[0]}), yet a change to it changes the {destination} of {kind} '{rid}': "
                "take it off the list"
            )
        elif not reached and not listed:
            wrong.append(
                f"{field} reaches no {destination} of {kind} '{rid}': put it there ({WHERE[destination]}), "
                "or list it in OMITTED in builder/render/fields.py with the reason it is left out"
            )
    assert not wrong, "\n".join(wrong)


NEW_PAGE = """{% import "_macros.j2" as ui %}
{{ ui.head(r.title, description, edit_url, entry.path, jsonld, section) }}

{{ p.prose(r.summary) }}{{ p.cite(r.citations) }}
{{ ui.tail(p, backlinks, "Generated from `" ~ entry.path ~ "`.") }}
"""
NEW_SECTION = """{% import "_macros.j2" as ui %}
{{ ui.head("Organisations") }}

{% for oid in sorted_ids("organisation") %}
- {{ p.link(("organisation", oid)) }}
{% endfor %}
"""


def test_a_new_kind_is_a_model_a_folder_a_kind_and_two_templates(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the README's Layout section promises: the exports and the JSON-LD follow by themselves."""
    import jinja2

    from builder.pipeline import Project, check, settings
    from builder.records import folders, kinds
    from builder.records.models import Citations, Id, LongText, Record, Text

    class Organisation(Record):
        """An organisation leaders meet at."""

        title: Text
        """Its name."""
        summary: LongText
        """Markdown. What it is."""
        citations: Citations
        """Sources."""
        aliases: list[Id] = []
        """Old ids."""

    folder = "content/organisations"
    monkeypatch.setitem(folders.FOLDERS, "organisation", folder)
    kind = kinds.Kind(
        name="organisation", plural="organisations", model=Organisation, folder=folder, pages="organisations"
    )
    monkeypatch.setitem(kinds.KINDS, "organisation", kind)
    (small / folder).mkdir()
    (small / folder / "un.yaml").write_text(
        "title: United Nations\nsummary: Where [[alpha]] spoke.\ncitations: [{source: almanac}]\n"
    )
    (tmp_path / "organisation.md.j2").write_text(NEW_PAGE)
    (tmp_path / "organisations.md.j2").write_text(NEW_SECTION)
    project = Project(small)
    renderer = Renderer(check(project), settings(project))
    renderer.env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(tmp_path), renderer.env.loader])  # type: ignore[list-item]
    files: dict[str, Any] = {}
    for _, make in renderer.jobs():
        files.update(make())
    page = frontmatter.loads(files["organisations/un.md"])
    assert "Where [Ada Alpha](../leaders/alpha.md) spoke.[^1]" in page.content
    assert json.loads(str(page.metadata["summitry_jsonld"]))["@type"] == "Thing"
    (un,) = json.loads(files["data/summitry.json"])["organisations"]
    assert (un["title"], un["summary_plain"], un["url"]) == (
        "United Nations",
        "Where Ada Alpha spoke.",
        "organisations/un/",
    )
    assert "aliases" not in un
    assert (
        files["data/organisations.csv"]
        == "id,title,summary,url\nun,United Nations,Where Ada Alpha spoke.,organisations/un/\n"
    )
    assert "- [United Nations](un.md)" in files["organisations/index.md"]
