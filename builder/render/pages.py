"""Render stage: a resolved :class:`Site` to Markdown pages, in memory, with no I/O.

Every link is a relative ``.md`` path so that MkDocs checks it under ``--strict``.
Citations become footnotes, so every statement on a page has a numbered mark that
leads to the source and its quote.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import jinja2

from builder.errors import SummitryError
from builder.records.dates import PartialDate, human_span
from builder.records.kinds import KINDS
from builder.render import pictures as figures
from builder.render.addresses import index_path, page_path, record_address
from builder.render.exports import export_jobs, in_calendar
from builder.render.field_reference import reference_markdown
from builder.render.job import Job
from builder.render.json_ld import LinkedData, description, wikidata_url
from builder.render.json_schema import SCHEMA_DIR, schema_texts
from builder.render.page_links import UNCHECKED, Page
from builder.render.statements import in_date_order, lead, tenure
from builder.render.track import Memo, planning
from builder.render.year_pages import TIMELINE_PAGE, year_jobs
from builder.resolve.anchors import anchor
from builder.resolve.pairs import pairs, relation_id
from builder.resolve.prose import front_matter, link_target, text
from builder.resolve.site import Cited, Site

# Up to this many pairs the relations page lists them; past it, it lists the leaders, each
# linking to the relations on their page (at 10,000 meetings the pairs were 1 MB of Markdown).
RELATIONS_LISTED = 200

DESCRIPTION_LENGTH = 160


def _one_blank_line(text: str) -> str:
    """Every run of blank lines as one. str.replace, which looks for its text in C, took a
    seventh of the time of re.sub(r"\\n{3,}", ...) on the pages of 10,000 meetings (the
    pattern is tried at every line break); a run of n breaks takes log n passes."""
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


EXAMPLE_MEETING = (Path(__file__).parent / "templates" / "example-meeting.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Settings:
    """What the renderer needs from outside the records."""

    edit_base: str | None = None  # e.g. https://github.com/o/r/edit/main/ ; None: no edit links
    site_url: str = ""  # the site's address, ending in '/'; empty: addresses stay relative
    site_name: str = "Summitry"
    pages: tuple[tuple[str, bytes], ...] = ()  # files of content/pages: (relative path, bytes)
    md_in_html: bool = False  # mkdocs.yml enables it: long listings are wrapped to keep them out of search
    updated: Mapping[str, str] = field(default_factory=dict)  # record file -> date of its last commit


class _Now:
    """The settings of the page being rendered, as the macros read them (``now.settings``): a
    module imported by a template keeps the globals it was imported with, so they stay this
    one object while what it holds changes."""

    settings = Settings()


_NOW = _Now()


def _last_changed(source: str | None) -> str:
    """' Last changed on 1 December 2026.' for a record file git dates; '' otherwise. Of the
    page being rendered: the macros that call it are imported once, by the shared environment."""
    day = _NOW.settings.updated.get(source) if source else None
    return f" Last changed on {PartialDate.parse(day).human()}." if day else ""


@functools.cache  # one per process: templates are compiled once, not once per run of summitry serve
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder.render", "templates"),
        autoescape=False,  # the output is Markdown; escaping is done by the text/prose helpers
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package files: no stat call per page to see if they changed
    )
    env.filters["text"] = text
    # a heading of record text: named by the builder where its own id would be the theme's
    env.filters["heading"] = lambda title, name="title": text(title) + anchor(title, name)
    env.filters["url"] = link_target
    env.filters["wikidata_url"] = wikidata_url
    env.filters["span"] = lambda m: human_span(m.date, m.end_date)
    env.filters["tenure"] = tenure
    env.filters["in_date_order"] = in_date_order
    env.globals["lead"] = lead
    env.globals["unchecked"] = UNCHECKED
    env.globals["front_matter"] = front_matter
    env.globals["pairs"] = lambda ids: [relation_id(a, b) for a, b in pairs(ids)]
    env.globals["now"] = _NOW
    env.globals["last_changed"] = _last_changed
    return env


class Renderer:
    def __init__(self, site: Site, settings: Settings, pieces: Memo | None = None) -> None:
        """``pieces``: the records' parts of the exports, kept from a run before (builder.incremental)."""
        self.site = site
        self.settings = settings
        self.pieces = Memo() if pieces is None else pieces
        self.env = _environment()
        self._links = Memo()
        self.linked_data = LinkedData(site, settings.site_url)
        self.helpers = self._helpers()

    def _helpers(self) -> dict[str, Any]:
        site = self.site

        def sorted_ids(kind: str) -> list[str]:
            """Index pages list records by what readers see (name or title), then id."""
            records = site.records[kind]
            return sorted(records, key=lambda rid: (records[rid].display_name.casefold(), rid))

        def timeline(iid: str) -> list[tuple[Any, str, Any]]:
            """An issue's developments and the meetings that took it up, in date order."""
            items: list[tuple[Any, str, int, Any]] = [
                (d.date, "development", i, d) for i, d in enumerate(site.issues[iid].model.developments)
            ]
            items += [(site.meetings[m].model.date, "meeting", n, m) for n, m in enumerate(site.by_issue.get(iid, ()))]
            return [(date, kind, value) for date, kind, _, value in sorted(items, key=lambda t: t[:3])]

        def participants(m: Any, page: Page, but: str | None = None) -> str:
            return ", ".join(page.link(("leader", lid)) for lid in m.participants if lid != but)

        rows = Memo()

        def row(page: Page, mid: str, but: str | None) -> str:
            m = site.meetings[mid].model
            place = text(m.location) if m.location else "—"
            when = human_span(m.date, m.end_date)
            return f"| {when} | {page.link(('meeting', mid))} | {participants(m, page, but)} | {place} |\n"

        def meeting_table(mids: Iterable[str], page: Page, but: str | None = None) -> str:
            """A table of meetings; a meeting's row is the same wherever the same folder lists it."""
            out = [f"| Date | Meeting | {'With' if but else 'Participants'} | Place |\n|---|---|---|---|\n"]
            for mid in mids:
                out.append(page.shared(rows, (page._here, mid, but), functools.partial(row, page, mid, but)))
            return "".join(out)

        def derived_from(rel: Any) -> str:
            return ", ".join(f"`{site.meetings[m].path}`" for m in rel.meetings) + "."

        def cited_part(cite: Cited) -> str:
            """', position of Joe Biden' or ', development of 2014' for a cited part of a record."""
            part = cite.part
            if part[:1] == ("positions",):
                pos = site.issues[cite.by[1]].model.positions[str(part[1])][int(part[2])]
                when = f" as of {pos.as_of.human()}" if pos.as_of else ""
                who = text(site.leaders[str(part[1])].model.name)
                return f", {'forecast' if pos.forecast else 'position'} of {who}{when}"
            if part[:1] == ("developments",):
                dev = site.issues[cite.by[1]].model.developments[int(part[1])]
                return f", development of {dev.date.human()}"
            return ""

        return {
            "timeline_overview": functools.partial(figures.timeline_overview, site),
            "graph": functools.partial(figures.graph, site),
            "picture_timeline": functools.partial(figures.picture_timeline, site),
            "sorted_ids": sorted_ids,
            "timeline": timeline,
            "derived_from": derived_from,
            "participants": participants,
            "meeting_table": meeting_table,
            "cited_part": cited_part,
            "in_calendar": in_calendar,
            "relations_listed": RELATIONS_LISTED,  # read here, not in the shared environment: a test lowers it
        }

    def _render(self, template: str, path: str, **context: Any) -> str:
        page = Page(path, self.site, self._links)
        _NOW.settings = self.settings  # the environment, and the macros it imported, are shared
        body = self.env.get_template(template).render(site=self.site, p=page, **self.helpers, **context)
        # Collapse the blank lines left by template control blocks: same input, same bytes.
        # Line by line: a pattern for trailing space tries every space of the page (a tenth of
        # the render time, measured); rstrip() strips what its \s would, and no line break.
        body = "\n".join(line.rstrip() for line in body.rstrip().split("\n")).lstrip("\n")
        return _one_blank_line(body) + "\n"

    def _edit(self, yaml_path: str) -> str | None:
        return self.settings.edit_base + yaml_path if self.settings.edit_base else None

    def _record(self, kind: str, rid: str) -> str:
        """A record's page. A relation page may have no record: it is the pair's meetings then."""
        rel = self.site.relations[rid] if kind == "relation" else None
        entry = rel.record if rel is not None else self.site.entry((kind, rid))
        summary = getattr(entry.model, "summary", None) if entry else None
        summary_line = description(self.site, summary) if summary else None
        return self._render(
            KINDS[kind].template,
            page_path((kind, rid)),
            id=rid,
            entry=entry,
            r=entry.model if entry else None,
            rel=rel,
            section=KINDS[kind].plural.capitalize(),
            description=summary_line,
            jsonld=self.linked_data.record((kind, rid)),
            edit_url=self._edit(entry.path) if entry else None,
            backlinks=self.site.backlinks.get((kind, rid), ()),
        )

    def jobs(self) -> list[Job]:
        """Every page as a job: (the files it makes, a function making them), heaviest first.

        Jobs share nothing but the site and the caches of links, so any subset can run in
        another process (builder.jobs). Raises before any job runs if a hand-written page
        would take a generated page's place.
        """
        with planning():  # the list of pages is made again on every run: its reads are no page's
            return self._jobs()

    def _jobs(self) -> list[Job]:
        site = self.site
        settings = self.settings
        jobs: list[Job] = export_jobs(
            site, settings.site_url, settings.site_name, settings.updated, self.pieces, settings.pages
        )

        def one(path: str, make: Callable[[], str | bytes]) -> None:
            jobs.append(((path,), lambda: {path: make()}))

        one(TIMELINE_PAGE, lambda: self._render("timeline.md.j2", TIMELINE_PAGE))
        for section in KINDS.values():
            path = index_path(section.name)
            one(path, functools.partial(self._render, section.index_template, path))
        jobs += year_jobs(self._render, site)
        for kind in KINDS:
            for rid in site.relations if kind == "relation" else site.records[kind]:
                one(page_path((kind, rid)), functools.partial(self._record, kind, rid))
        one(
            "contributing.md",
            lambda: self._render(
                "contributing.md.j2",
                "contributing.md",
                reference=reference_markdown(level=3),
                example=EXAMPLE_MEETING.rstrip("\n"),
                edit_url=self._edit("builder/render/templates/contributing.md.j2"),
            ),
        )
        for name, schema in schema_texts().items():
            one(f"{SCHEMA_DIR}/{name}", functools.partial(str, schema))
        jobs.append((tuple(self._redirect_paths()), self._redirects))
        generated = {path for paths, _ in jobs for path in paths}
        if len(generated) != sum(len(paths) for paths, _ in jobs):
            # the checks before rendering (reserved ids, relation ids) should make this impossible
            twice = sorted(p for p, n in Counter(p for paths, _ in jobs for p in paths).items() if n > 1)
            raise SummitryError(f"two pages would be written to build/docs/{twice[0]}; one would hide the other")
        for rel_path, data in self.settings.pages:
            if rel_path in generated:
                raise SummitryError(f"content/pages/{rel_path}: the builder generates this page; rename the file")
            if rel_path.endswith(".md"):
                one(rel_path, functools.partial(self._hand_written, rel_path, data.decode("utf-8")))
            else:
                one(rel_path, functools.partial(bytes, data))
        return jobs

    def _redirect_paths(self) -> list[str]:
        return [
            f"{KINDS[kind].pages}/{old}/index.html"
            for kind in KINDS
            for entry in self.site.records[kind].values()
            for old in entry.model.aliases
        ]

    def _redirects(self) -> dict[str, str]:
        """A page at each old id's address that sends the reader to the record's current one."""
        out: dict[str, str] = {}
        template = self.env.get_template("redirect.html.j2")
        for kind in KINDS:
            for rid, entry in self.site.records[kind].items():
                for old in entry.model.aliases:
                    canonical = self.settings.site_url + record_address((kind, rid)) if self.settings.site_url else ""
                    out[f"{KINDS[kind].pages}/{old}/index.html"] = template.render(
                        name=self.site.display_name((kind, rid)), target=f"../{rid}/", canonical=canonical
                    )
        return out

    def _hand_written(self, rel_path: str, source: str) -> str:
        """Hand-written pages are kept as written; the home page gets the site's figures."""
        post = frontmatter.loads(source)
        edit = self._edit(f"content/pages/{rel_path}")
        if rel_path != "index.md":
            if edit and "edit_url" not in post.metadata:
                post.metadata["edit_url"] = edit
                return frontmatter.dumps(post, sort_keys=True) + "\n"
            return source
        # The theme writes "<title> - <site name>": a title that is the site's name is left to it, said once.
        title = post.metadata.get("title", "Home")
        title = None if title == self.settings.site_name else str(title)
        return self._render("home.md.j2", rel_path, meta=post.metadata, title=title, body=post.content, edit_url=edit)
