"""Render stage: a resolved :class:`Site` to Markdown pages, in memory, with no I/O.

Every link is a relative ``.md`` path so that MkDocs checks it under ``--strict``.
Citations become footnotes, so every statement on a page has a numbered mark that
leads to the source and its quote.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import jinja2

from . import figures
from .dates import human_span
from .errors import SummitryError
from .exports import Job, export_jobs
from .markdown import front_matter, plain, prose, text, url
from .reference import reference_markdown
from .resolve import PAGE_DIRS, Cited, Key, Site, pairs, relation_id
from .schema import Citation
from .schemas import SCHEMA_DIR, schema_texts

SECTIONS = ("leader", "meeting", "issue", "relation", "source")
DESCRIPTION_LENGTH = 160
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
EXAMPLE_MEETING = (Path(__file__).parent / "templates" / "example-meeting.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Settings:
    """What the renderer needs from outside the records."""

    edit_base: str | None = None  # e.g. https://github.com/o/r/edit/main/ ; None: no edit links
    site_url: str = ""  # the site's address, ending in '/'; empty: addresses stay relative
    site_name: str = "Summitry"
    pages: tuple[tuple[str, bytes], ...] = ()  # files of content/pages: (relative path, bytes)
    md_in_html: bool = False  # mkdocs.yml enables it: long listings are wrapped to keep them out of search


def page_path(key: Key) -> str:
    return f"{PAGE_DIRS[key[0]]}/{key[1]}.md"


def _dir_url(md_path: str) -> str:
    """The address MkDocs gives a page (use_directory_urls): leaders/putin.md -> leaders/putin/."""
    if md_path == "index.md":
        return "."
    if md_path.endswith("/index.md"):
        return md_path.removesuffix("index.md").rstrip("/")
    return md_path.removesuffix(".md")


def _relative(dest: str, start: str) -> str:
    """posixpath.relpath for two addresses relative to the site root, without its getcwd calls."""
    to = [] if dest == "." else dest.split("/")
    base = [] if start == "." else start.split("/")
    common = 0
    while common < min(len(to), len(base)) and to[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + to[common:]) or "."


class Page:
    """Helpers for one page being rendered: links relative to it, and its footnotes."""

    def __init__(self, path: str, site: Site, links: dict[tuple[str, Key], str] | None = None) -> None:
        self.path = path
        self.site = site
        self._here = path.rpartition("/")[0]
        self._links = links if links is not None else {}  # shared by pages: (folder, key) -> link
        self._notes: dict[tuple[str, str | None, str | None], int] = {}

    def url(self, target: str | Key) -> str:
        # Generated pages are at most one folder deep, so this is relpath without its cost
        # (posixpath.relpath was a quarter of the render time in the profile).
        dest = target if isinstance(target, str) else page_path(target)
        here = self._here
        if not here:
            return dest
        return dest[len(here) + 1 :] if dest.startswith(here + "/") else "../" + dest

    def href(self, key: Key) -> str:
        """A link for raw HTML (the pictures), which MkDocs does not rewrite: the final address."""
        rel = _relative(_dir_url(page_path(key)), _dir_url(self.path))
        return "./" if rel == "." else rel + "/"

    def name(self, key: Key) -> str:
        kind, rid = key
        if kind == "relation":
            rel = self.site.relations[rid]
            return f"{self.site.leaders[rel.a].model.name} and {self.site.leaders[rel.b].model.name}"
        return self.site.entry(key).display_name

    def link(self, key: Key, label: str | None = None) -> str:
        if label:
            return f"[{text(label)}]({self.url(key)})"
        # The same record linked from the same folder is the same text on every page.
        cached = self._links.get((self._here, key))
        if cached is None:
            cached = self._links[(self._here, key)] = f"[{text(self.name(key))}]({self.url(key)})"
        return cached

    def prose(self, value: str, inline: bool = False) -> str:
        def wiki(rid: str, label: str | None) -> str:
            return self.link((self.site.link_kinds[rid], rid), label)

        return prose(value, wiki, inline=inline)

    def cite(self, citations: Iterable[Citation]) -> str:
        """Footnote marks for these citations; the same source and quote keep one number."""
        marks = []
        for c in citations:
            key = (c.source, c.quote, c.note)
            if key not in self._notes:
                self._notes[key] = len(self._notes) + 1
            marks.append(f"[^{self._notes[key]}]")
        return "".join(marks)

    @property
    def has_notes(self) -> bool:
        return bool(self._notes)

    def footnotes(self) -> str:
        lines = []
        for (source, quote, note), n in self._notes.items():
            line = f"[^{n}]: {self.link(('source', source))}"
            if quote:
                line += f": “{text(quote)}”"
            if note:
                line += f" ({self.prose(note, inline=True)})"
            lines.append(line)
        return "\n".join(lines)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("builder", "templates"),
        autoescape=False,  # the output is Markdown; escaping is done by the text/prose helpers
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package files: no stat call per page to see if they changed
    )
    env.filters["text"] = text
    env.filters["url"] = url
    env.filters["span"] = lambda m: human_span(m.date, m.end_date)
    env.globals["front_matter"] = front_matter
    env.globals["pairs"] = lambda ids: [relation_id(a, b) for a, b in pairs(ids)]
    return env


class Renderer:
    def __init__(self, site: Site, settings: Settings) -> None:
        self.site = site
        self.settings = settings
        self.env = _environment()
        self.env.globals["md_in_html"] = settings.md_in_html
        self._links: dict[tuple[str, Key], str] = {}
        self.helpers = self._helpers()

    def _helpers(self) -> dict[str, Any]:
        site = self.site

        def sorted_ids(kind: str) -> list[str]:
            """Index pages list records by what readers see (name or title), then id."""
            records = getattr(site, kind + "s")
            return sorted(records, key=lambda rid: (records[rid].display_name.casefold(), rid))

        def by_year(meetings: dict[str, Any]) -> list[tuple[int, list[str]]]:
            years: dict[int, list[str]] = defaultdict(list)
            for mid, entry in meetings.items():
                years[entry.model.date.year].append(mid)
            return sorted(years.items())

        def timeline(iid: str) -> list[tuple[Any, str, Any]]:
            """An issue's developments and the meetings that took it up, in date order."""
            items = [(d.date, "development", i, d) for i, d in enumerate(site.issues[iid].model.developments)]
            items += [(site.meetings[m].model.date, "meeting", n, m) for n, m in enumerate(site.by_issue.get(iid, ()))]
            return [(date, kind, value) for date, kind, _, value in sorted(items, key=lambda t: t[:3])]

        def participants(m: Any, page: Page, but: str | None = None) -> str:
            return ", ".join(page.link(("leader", lid)) for lid in m.participants if lid != but)

        rows: dict[tuple[str, str, str | None], str] = {}

        def meeting_table(mids: Iterable[str], page: Page, but: str | None = None) -> str:
            """A table of meetings; a meeting's row is the same wherever the same folder lists it."""
            out = [f"| Date | Meeting | {'With' if but else 'Participants'} | Place |\n|---|---|---|---|\n"]
            for mid in mids:
                row = rows.get((page._here, mid, but))
                if row is None:
                    m = site.meetings[mid].model
                    place = text(m.location) if m.location else "—"
                    when = human_span(m.date, m.end_date)
                    row = f"| {when} | {page.link(('meeting', mid))} | {participants(m, page, but)} | {place} |\n"
                    rows[(page._here, mid, but)] = row
                out.append(row)
            return "".join(out)

        def derived_from(rel: Any) -> str:
            return ", ".join(f"`{site.meetings[m].path}`" for m in rel.meetings) + "."

        def cited_part(cite: Cited) -> str:
            """', position of Joe Biden' or ', development of 2014' for a cited part of a record."""
            part = cite.part
            if part[:1] == ("positions",):
                return f", position of {text(site.leaders[str(part[1])].model.name)}"
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
            "by_year": by_year,
            "cited_part": cited_part,
        }

    def _render(self, template: str, path: str, **context: Any) -> str:
        page = Page(path, self.site, self._links)
        body = self.env.get_template(template).render(site=self.site, p=page, **self.helpers, **context)
        # Collapse the blank lines left by template control blocks: same input, same bytes.
        body = _TRAILING_SPACE.sub("", body.rstrip()).lstrip("\n")
        return _BLANK_LINES.sub("\n\n", body) + "\n"

    def _edit(self, yaml_path: str) -> str | None:
        return self.settings.edit_base + yaml_path if self.settings.edit_base else None

    def _record(self, kind: str, rid: str) -> str:
        entry = self.site.entry((kind, rid))
        path = page_path((kind, rid))
        summary = getattr(entry.model, "summary", None)
        description = plain(summary, self.site.name_of, DESCRIPTION_LENGTH) if summary else None
        return self._render(
            f"{kind}.md.j2",
            path,
            id=rid,
            entry=entry,
            r=entry.model,
            description=description,
            edit_url=self._edit(entry.path),
            backlinks=self.site.backlinks.get((kind, rid), ()),
        )

    def jobs(self) -> list[Job]:
        """Every page as a job: (the files it makes, a function making them), heaviest first.

        Jobs share nothing but the site and the caches of links, so any subset can run in
        another process (builder.jobs). Raises before any job runs if a hand-written page
        would take a generated page's place.
        """
        site = self.site
        jobs: list[Job] = export_jobs(site, self.settings.site_url, self.settings.site_name)

        def one(path: str, make: Callable[[], str | bytes]) -> None:
            jobs.append(((path,), lambda: {path: make()}))

        one("timeline.md", lambda: self._render("timeline.md.j2", "timeline.md"))
        for kind in SECTIONS:
            path = f"{PAGE_DIRS[kind]}/index.md"
            one(path, functools.partial(self._render, f"{PAGE_DIRS[kind]}.md.j2", path))
        for kind in ("leader", "issue", "source", "meeting"):
            for rid in getattr(site, kind + "s"):
                one(page_path((kind, rid)), functools.partial(self._record, kind, rid))
        for rid, rel in site.relations.items():
            path = page_path(("relation", rid))
            one(path, functools.partial(self._render, "relation.md.j2", path, id=rid, rel=rel))
        one(
            "contributing.md",
            lambda: self._render(
                "contributing.md.j2",
                "contributing.md",
                reference=reference_markdown(level=3),
                example=EXAMPLE_MEETING.rstrip("\n"),
                edit_url=self._edit("builder/templates/contributing.md.j2"),
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
            f"{PAGE_DIRS[kind]}/{old}/index.html"
            for kind in ("leader", "meeting", "issue", "source")
            for entry in getattr(self.site, kind + "s").values()
            for old in entry.model.aliases
        ]

    def _redirects(self) -> dict[str, str]:
        """A page at each old id's address that sends the reader to the record's current one."""
        out: dict[str, str] = {}
        template = self.env.get_template("redirect.html.j2")
        for kind in ("leader", "meeting", "issue", "source"):
            for rid, entry in getattr(self.site, kind + "s").items():
                for old in entry.model.aliases:
                    canonical = f"{self.settings.site_url}{PAGE_DIRS[kind]}/{rid}/" if self.settings.site_url else ""
                    out[f"{PAGE_DIRS[kind]}/{old}/index.html"] = template.render(
                        name=entry.display_name, target=f"../{rid}/", canonical=canonical
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
        return self._render("home.md.j2", rel_path, meta=post.metadata, body=post.content, edit_url=edit)
