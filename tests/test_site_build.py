"""`summitry build` with MkDocs: pages rendered by workers, or only those that changed, and
in every case the site `mkdocs build` makes of the same pages, byte for byte.

The baseline is MkDocs's own command line, run on the same build/docs in a folder of its
own. SOURCE_DATE_EPOCH fixes the one date a build writes (the sitemap's gzip header), so a
test that runs across midnight compares like with like.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import copy_shipped
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize
from test_incremental import SETTINGS, Edits, _inputs, _synthetic

from builder.cli import main
from builder.engines import Started, site_files, site_folder, site_state
from builder.engines.mkdocs import EARLY, MkDocs
from builder.engines.site_state import STATE_FILE
from builder.engines.templates_read import _others_read, reading_pages
from builder.errors import ValidationFailed
from builder.incremental.keyed import sign
from builder.pipeline import Project, check
from builder.render.search_index import term_file

UPON = re.compile(r"upon the last site: (\d+) of (\d+) pages to render")


@pytest.fixture(autouse=True)
def _same_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _mkdocs(root: Path, dest: Path) -> dict[str, bytes]:
    """What MkDocs's own `mkdocs build`, in one process, makes of the pages in build/docs."""
    command = [sys.executable, "-m", "mkdocs", "build", "--no-strict", "--quiet", "--site-dir", str(dest)]
    subprocess.run(command, cwd=root, check=True, capture_output=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return _tree(dest)


def _build(root: Path, *args: str) -> str:
    """`summitry build` (not strict, so tests may leave a link broken); what the engine said."""
    command = [sys.executable, "-m", "builder.cli", "build", "--root", str(root), "--no-strict", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stderr


def _same_as_mkdocs(root: Path, scratch: Path) -> None:
    """The site is what `mkdocs build` makes, the search index included (it is among the generated files)."""
    want = _mkdocs(root, scratch / f"mkdocs-{len(list(scratch.glob('mkdocs-*')))}")
    got = _tree(root / "site")
    assert "searchindex/t00.json" in got
    assert sorted(got) == sorted(want)  # no file missing, none left over
    for name, data in want.items():
        assert got[name] == data, name


@pytest.mark.parametrize("kind", ["shipped", "synthetic"])
def test_workers_build_the_site_of_a_single_process_build(tmp_path: Path, kind: str) -> None:
    root = copy_shipped(tmp_path / "kb") if kind == "shipped" else _synthetic(tmp_path / "kb", 120)
    said = _build(root, "--jobs", "2", "--clean")
    assert "Rendered" in said  # by workers: they report as they go
    _same_as_mkdocs(root, tmp_path)
    index = json.loads((root / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert len(index["docs"]) > 30


def _rendered(said: str) -> int | None:
    """How many pages an incremental build rendered; None if it was a full one."""
    found = UPON.search(said)
    return int(found.group(1)) if found else None


class Builds(Edits):
    """The random edits of test_incremental (every kind of input, any field), each followed by
    `summitry build` upon the last site, which must make the site `mkdocs build` makes of the
    same pages; an edit the records refuse is undone. Only a change to mkdocs.yml may need a
    full build."""

    @initialize(synthetic=st.booleans())
    def start(self, synthetic: bool) -> None:
        self.a = _synthetic(self.tmp / "a", 30) if synthetic else copy_shipped(self.tmp / "a")
        _build(self.a)
        self.before = _inputs(self.a)

    def _compare(self) -> bool:
        command = [sys.executable, "-m", "builder.cli", "build", "--root", str(self.a), "--no-strict"]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 1:  # refused, as a check of the records refuses it (test_incremental compares the lines)
            with pytest.raises(ValidationFailed):
                check(Project(self.a))
            return True
        assert done.returncode == 0, (self.done, done.stderr[-3000:])
        if not self.done[-1].startswith("site_name"):
            assert _rendered(done.stderr) is not None, (self.done, done.stderr[-2000:])
        _same_as_mkdocs(self.a, self.tmp)
        return False


# Each step is two site builds: two sequences of six keep the full suite within its time. For a
# long run: SUMMITRY_BUILD_EXAMPLES=20 SUMMITRY_BUILD_STEPS=15 (test_incremental's edits: theirs)
Builds.TestCase.settings = settings(
    SETTINGS,
    max_examples=int(os.environ.get("SUMMITRY_BUILD_EXAMPLES", "2")),
    stateful_step_count=int(os.environ.get("SUMMITRY_BUILD_STEPS", "6")),
)
TestEditsBuildWhatACleanBuildMakes = Builds.TestCase


def test_the_search_index_upon_the_last_site_is_a_clean_builds(shipped: Path, tmp_path: Path) -> None:
    _build(shipped)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    before = {n: d for n, d in _tree(shipped / "site").items() if n.startswith("searchindex/")}
    assert _rendered(_build(shipped)) is not None
    upon = {n: d for n, d in _tree(shipped / "site").items() if n.startswith("searchindex/")}
    _build(shipped, "--clean")
    clean = {n: d for n, d in _tree(shipped / "site").items() if n.startswith("searchindex/")}
    assert upon == clean
    # the new word's file now names the meeting; the files of words it did not touch are as they were
    talks = f"searchindex/t{term_file('talks'):02x}.json"
    assert '"Helsinki talks"' in clean[talks].decode() and '"Helsinki talks"' not in before[talks].decode()
    changed = {n for n in clean if clean[n] != before[n]}
    assert talks in changed and len(changed) < len(clean) // 4, sorted(changed)


def test_one_edit_renders_only_the_pages_whose_markdown_changed(shipped: Path, tmp_path: Path) -> None:
    _build(shipped)
    docs = shipped / "build" / "docs"
    before = _tree(docs)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    parts = {p.name: p.read_bytes() for p in _parts(shipped).iterdir()}
    said = _build(shipped)
    changed = [n for n, data in _tree(docs).items() if n.endswith(".md") and before.get(n) != data]
    assert _rendered(said) == len(changed) and 0 < len(changed) < 20
    # what the state keeps of the pages: only the files that hold a page rendered again are written
    rewritten = {p.name for p in _parts(shipped).iterdir() if parts.get(p.name) != p.read_bytes()}
    assert rewritten and rewritten <= {f"{site_state.part_of(n)}.json" for n in changed}, rewritten
    assert "Helsinki talks" in (shipped / "site/meetings/2018-helsinki-summit/index.html").read_text()
    _same_as_mkdocs(shipped, tmp_path)


def _restored(folder: Path, tmp_path: Path) -> None:
    """``folder`` as a cache restore or a copy leaves it: the same bytes and modification
    times, in new files (new inodes and change times)."""
    kept = tmp_path / f"kept-{folder.name}"
    shutil.copytree(folder, kept, symlinks=True)
    shutil.rmtree(folder)
    kept.rename(folder)


def test_a_build_and_site_folder_restored_with_their_times_are_built_upon(shipped: Path, tmp_path: Path) -> None:
    """The publishing job restores build/ and site/ from its cache: new inodes, new change
    times. One edit is still one edit's work, and the site is a clean build's."""
    _build(shipped)
    _restored(shipped / "build", tmp_path)
    _restored(shipped / "site", tmp_path)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    said = _build(shipped)
    assert "A full build" not in said, said[-2000:]
    assert 0 < (_rendered(said) or 0) < 20, said[-2000:]
    _same_as_mkdocs(shipped, tmp_path)


def test_a_page_that_links_to_a_page_that_comes_is_rendered_again(shipped: Path, tmp_path: Path) -> None:
    about = shipped / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nSee [the next one](meetings/2030-next-summit.md).\n")
    _build(shipped)
    assert 'href="meetings/2030-next-summit.md"' in (shipped / "site/about/index.html").read_text()  # not found yet
    geneva = (shipped / "content/meetings/2021-06-geneva-summit.yaml").read_text(encoding="utf-8")
    new = geneva.replace("title: Geneva summit", "title: Next summit").replace("date: 2021-06", "date: 2030")
    (shipped / "content/meetings/2030-next-summit.yaml").write_text(new, encoding="utf-8")
    said = _build(shipped)
    assert _rendered(said) is not None
    assert 'href="../meetings/2030-next-summit/"' in (shipped / "site/about/index.html").read_text()
    _same_as_mkdocs(shipped, tmp_path)


def test_a_template_that_reads_every_page_makes_each_build_full(shipped: Path, tmp_path: Path) -> None:
    """An override that reads ``pages`` (MkDocs's list of every page) shows on each page what
    every other is: a page kept from the last site would show the old list. Each build is
    then a full one, said in one line (a helper's override counting the pages went stale)."""
    head = shipped / "overrides/partials/summitry-head.html"
    head.write_text(head.read_text(encoding="utf-8") + '<meta name="pages" content="{{ pages | length }}">\n')
    _build(shipped)
    geneva = (shipped / "content/meetings/2021-06-geneva-summit.yaml").read_text(encoding="utf-8")
    new = geneva.replace("title: Geneva summit", "title: Next summit").replace("date: 2021-06", "date: 2030")
    (shipped / "content/meetings/2030-next-summit.yaml").write_text(new, encoding="utf-8")
    said = _build(shipped)
    assert "A full build: the theme's partials/summitry-head.html reads `pages`" in said
    assert _rendered(said) is None
    shown = {
        re.search(r'<meta name="pages" content="(\d+)">', p.read_text())[1] for p in (shipped / "site").rglob("*.html")
    }  # type: ignore[index]
    assert len(shown) == 1  # every page shows the list as it is now
    _same_as_mkdocs(shipped, tmp_path)


def test_a_template_that_shows_another_pages_headings_makes_each_build_full(shipped: Path, tmp_path: Path) -> None:
    """An override that shows the next page's headings (``page.next_page.toc``) shows on one
    page a change to another: the page before About went stale when About gained a heading
    (a helper found it). Such a template makes each build a full one, said in one line."""
    head = shipped / "overrides/partials/summitry-head.html"
    shows = '{% if page.next_page %}<meta name="next-parts" content="{{ page.next_page.toc | length }}'
    shows += '-{% for t in page.next_page.toc %}{{ t.children | length }}{% endfor %}">{% endif %}\n'
    head.write_text(head.read_text(encoding="utf-8") + shows)
    _build(shipped)
    about = shipped / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n## One more part\n\nText here.\n", encoding="utf-8")
    said = _build(shipped)
    assert "A full build: the theme's partials/summitry-head.html reads `toc` of other pages" in said
    assert _rendered(said) is None
    _same_as_mkdocs(shipped, tmp_path)


@pytest.mark.parametrize(
    ("template", "reads"),
    [
        ("{{ page.toc | length }}{{ page.content }}{{ page['markdown'] }}{{ config.mdx_configs.toc.title }}", ""),
        ("{{ lang.t('toc') }}{{ nav_item.meta.icon }}{{ page.next_page.title }}", ""),
        ("{{ page.next_page.toc }}", "toc"),
        ("{% set p = page.previous_page %}{{ p.content }}", "content"),
        ("{% for page in nav %}{{ page.toc }}{% endfor %}", "toc"),
        ("{% macro m(page) %}{{ page.markdown }}{% endmacro %}", "markdown"),
        ("{{ page.parent.children[0]['toc'] }}", "toc"),
        ("{{ page.next_page | attr('content') }}", "content"),
        ("{{ nav.pages | map(attribute='toc.items') | list }}", "toc"),
        ("{% set config = page.next_page %}{{ config.toc }}", "toc"),
        ("{{ pages | length }}", "pages"),
    ],
)
def test_what_of_other_pages_a_template_reads(template: str, reads: str) -> None:
    said = _others_read(jinja2.Environment().parse(template))
    assert (said.split("`")[1] if said else "") == reads


def test_neither_materials_templates_nor_mkdocss_read_other_pages_but_readthedocs_does(shipped: Path) -> None:
    """Material's templates show no other page's parts (a build upon the last site stays one
    with them); MkDocs's readthedocs theme shows every page's headings in its navigation."""
    from mkdocs.config import load_config

    (shipped / "build/docs").mkdir(parents=True)
    shown = {}
    for theme in ("material", "mkdocs", "readthedocs"):
        config = load_config(str(shipped / "mkdocs.yml"), theme={"name": theme})
        shown[theme] = reading_pages(config.theme.get_env(), config)
    assert shown == {"material": [], "mkdocs": [], "readthedocs": [("nav.html", shown["readthedocs"][0][1])]}
    assert "`toc` of other pages" in shown["readthedocs"][0][1]


def test_a_pipe_or_a_device_in_the_overrides_is_not_read(tmp_path: Path) -> None:
    """The theme's files are digested for the build's state: a pipe there was read for ever
    (a helper's build hung), a link to /dev/zero until memory ran out. What is no file is
    noted by what it is, unread; a file's digest is that of its bytes, as before."""
    custom = tmp_path / "overrides"
    custom.mkdir()
    (custom / "main.html").write_text("{% extends 'base.html' %}", encoding="utf-8")
    os.mkfifo(custom / "pipe.html")
    (custom / "zero.html").symlink_to("/dev/zero")
    found = dict(site_files.theme_files(custom))
    assert found["main.html"] == site_files.digest(b"{% extends 'base.html' %}")
    assert found["pipe.html"].startswith("not a file (p): ")
    assert found["zero.html"].startswith("not a file (c): ")


def test_a_build_with_a_pipe_in_the_overrides_ends(shipped: Path, tmp_path: Path) -> None:
    os.mkfifo(shipped / "overrides/partials/pipe.html")
    _build(shipped)  # it hung (the test's timeout ends it)
    _same_as_mkdocs(shipped, tmp_path)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_error_in_a_theme_override_is_told_where_it_is_without_a_traceback(shipped: Path, jobs: str) -> None:
    """It was a traceback of about 50 lines, through MkDocs's, Material's and Jinja's code (a helper found it)."""
    assert subprocess.run([sys.executable, "-m", "builder.cli", "build", "--root", str(shipped)]).returncode == 0
    before = _tree(shipped / "site")
    search = shipped / "overrides/partials/search.html"
    line = len(search.read_text(encoding="utf-8").splitlines()) + 1
    with open(search, "a", encoding="utf-8") as handle:
        handle.write("{% if %}\n")
    command = [sys.executable, "-m", "builder.cli", "build", "--root", str(shipped), "--jobs", jobs]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"{search}:{line}: Expected an expression, got 'end of statement block'" in done.stderr
    assert done.stderr.endswith("error: mkdocs build failed; the previous site is unchanged (its output is above)\n")
    assert _tree(shipped / "site") == before


def _parts(root: Path) -> Path:
    return site_state.parts_folder(root / STATE_FILE)


def _read_state(root: Path) -> dict[str, Any]:
    """The state with what it keeps of each page, from the files that hold them."""
    state: dict[str, Any] = json.loads((root / STATE_FILE).read_text(encoding="utf-8").partition("\n")[2])
    state["pages"] = {}
    for part in sorted(_parts(root).glob("pages-*.json")):
        state["pages"].update(json.loads(part.read_text(encoding="utf-8").partition("\n")[2]))
    return state


def _write_state(root: Path, payload: str) -> None:
    """The state as summitry itself would have signed it, its pages in their files: what is
    inside is then what is checked."""
    try:
        state = json.loads(payload)
    except ValueError:  # as it is
        (root / STATE_FILE).write_text(f"{sign(payload.encode())}\n{payload}", encoding="utf-8")
        return
    parts: dict[str, dict[str, Any]] = {}
    for uri, page in state.pop("pages").items():
        parts.setdefault(site_state.part_of(uri), {})[uri] = page
    for name, pages in parts.items():
        text = json.dumps(pages)
        state["parts"][name] = mac = sign(text.encode())
        (_parts(root) / f"{name}.json").write_text(f"{mac}\n{text}", encoding="utf-8")
    payload = json.dumps(state)
    (root / STATE_FILE).write_text(f"{sign(payload.encode())}\n{payload}", encoding="utf-8")


def _spoil_json(root: Path) -> None:
    _write_state(root, json.dumps(_read_state(root))[:1000])


def _unsigned(root: Path) -> None:
    """A state as a pull request or an archive could carry it: well formed, signed elsewhere."""
    (root / STATE_FILE).write_text("0" * 64 + "\n" + json.dumps(_read_state(root)), encoding="utf-8")


def _spoil_version(root: Path) -> None:
    _write_state(root, json.dumps({**_read_state(root), "version": 0}))


def _spoil_page(root: Path) -> None:
    state = _read_state(root)
    state["pages"]["about.md"] = {"entries": 3}
    _write_state(root, json.dumps(state))


def _spoil_files(root: Path) -> None:
    state = _read_state(root)
    state["files"]["about/index.html"] = "about.md"
    state["pages"]["index.md"]["links"] = ["not", "a", "table"]
    _write_state(root, json.dumps(state))


def _spoil_links(root: Path) -> None:
    state = _read_state(root)
    state["pages"]["about.md"]["links"] = {"index.md": {"x": 1}}
    _write_state(root, json.dumps(state))


def _spoil_site(root: Path) -> None:
    page = root / "site/about/index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<!-- by hand -->")


def _lose_state(root: Path) -> None:
    (root / STATE_FILE).unlink()


def _lose_part(root: Path) -> None:
    (_parts(root) / f"{site_state.part_of('about.md')}.json").unlink()


def _part_of_another_build(root: Path) -> None:
    """The file of a page's part signed here, as a build stopped before it wrote the state would leave it."""
    path = _parts(root) / f"{site_state.part_of('about.md')}.json"
    pages = json.loads(path.read_text(encoding="utf-8").partition("\n")[2])
    pages["about.md"]["anchors"] = []
    text = json.dumps(pages)
    path.write_text(f"{sign(text.encode())}\n{text}", encoding="utf-8")


SPOILS = {
    _spoil_json: "the state of the last build is not JSON",
    _unsigned: "the state of the last build was not written by summitry on this machine for this user",
    _spoil_version: "the state is of another format or engine",
    _spoil_page: "the state's record of 'about.md' is not as written",
    _spoil_files: "the state's record of the site's files is not as written",
    _spoil_links: "the state's record of 'about.md' is not as written",
    _spoil_site: "about/index.html in the site is not as the last build left it",  # read before its stamps
    _lose_state: "no state of an earlier build",
    _lose_part: f"the state's file {site_state.part_of('about.md')}.json is missing",
    _part_of_another_build: f"the state and its file {site_state.part_of('about.md')}.json are of different builds",
}


@pytest.mark.parametrize("spoil", SPOILS, ids=[f.__name__ for f in SPOILS])
def test_a_spoiled_state_gives_a_full_build_said_in_one_line(shipped: Path, tmp_path: Path, spoil) -> None:
    _build(shipped)
    spoil(shipped)
    said = _build(shipped)
    assert [line for line in said.splitlines() if "A full build" in line] == [
        f"INFO    -  A full build: {SPOILS[spoil]}"
    ]
    assert _rendered(said) is None
    _same_as_mkdocs(shipped, tmp_path)
    assert _rendered(_build(shipped)) == 0  # and the state is whole again


def test_clean_renders_every_page_and_a_config_change_is_a_full_build(shipped: Path, tmp_path: Path) -> None:
    _build(shipped)
    assert _rendered(_build(shipped, "--clean")) is None
    config = shipped / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: Summitry", "site_name: Renamed"))
    said = _build(shipped)
    assert "A full build: the configuration, the theme, an installed package or the builder changed" in said
    _same_as_mkdocs(shipped, tmp_path)


def test_a_failed_build_upon_the_last_site_leaves_it_as_it_was(shipped: Path) -> None:
    _build(shipped)
    site = _tree(shipped / "site")
    about = shipped / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA [broken link](nowhere.md).\n")
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    assert main(["build", "--root", str(shipped)]) == 1  # strict: the broken link is a warning
    assert _tree(shipped / "site") == site  # not one of the site's files was written through its link
    about.write_text(about.read_text(encoding="utf-8").replace("A [broken link](nowhere.md).", ""))
    assert _rendered(_build(shipped)) is not None  # the state still describes the site


def test_a_copy_of_the_last_site_cut_short_is_made_again_by_the_engine(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _build(shipped)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))

    def cut_short(helper: site_folder.Helper) -> bool:
        helper.stop()  # killed wherever it was, its half copy left in the folder the engine builds in
        return False

    monkeypatch.setattr(site_folder.Helper, "done", cut_short)
    assert main(["build", "--root", str(shipped), "--no-strict"]) == 0
    said = capsys.readouterr().err
    assert _rendered(said) is not None, said  # still upon the last site, copied by the engine itself
    _same_as_mkdocs(shipped, tmp_path)


def test_a_docs_file_is_read_again_whenever_its_status_is_not_as_seen(tmp_path: Path, monkeypatch) -> None:
    page = tmp_path / "page.md"
    page.write_text("one", encoding="utf-8")
    old = time.time_ns() - 5_000_000_000
    os.utime(page, ns=(old, old))
    first = site_state.Seen(None)
    assert first.digest("page.md", str(page)) == site_files.digest(b"one")
    monkeypatch.setattr(time, "time_ns", lambda: os.stat(page).st_ctime_ns + 2_000_000_000)  # seen long after
    second = site_state.Seen(json.loads(json.dumps(first.now)))  # as the state keeps it
    second.digest("page.md", str(page))
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: reads.append(a[0]) or real_open(*a, **k))
    third = site_state.Seen(json.loads(json.dumps(second.now)))
    assert third.digest("page.md", str(page)) == site_files.digest(b"one") and reads == []  # not read: as it was
    page.write_text("two", encoding="utf-8")  # the same size, and the modification time put back
    os.utime(page, ns=(old, old))
    assert site_state.Seen(third.now).digest("page.md", str(page)) == site_files.digest(b"two")  # its change time moved
    assert reads == [str(page)]
    monkeypatch.setattr(time, "time_ns", lambda: os.stat(page).st_ctime_ns + 500_000_000)
    fresh = site_state.Seen(None)
    fresh.digest("page.md", str(page))  # seen less than a second after its change: read again next time
    reads.clear()
    site_state.Seen(fresh.now).digest("page.md", str(page))
    assert reads == [str(page)]
    garbled = {"page.md": ["size", 0, 0, 0, 0, "digest"]}  # not as written: read
    assert site_state.Seen(garbled).digest("page.md", str(page)) == site_files.digest(b"two")


@pytest.mark.parametrize("which", ["state", "part"])
def test_an_engine_state_that_is_no_file_is_a_full_build_at_once(shipped: Path, tmp_path: Path, which: str) -> None:
    _build(shipped)
    path = shipped / STATE_FILE if which == "state" else _parts(shipped) / f"{site_state.part_of('about.md')}.json"
    path.unlink()
    path.symlink_to("/dev/zero")  # carried in by a pull request: endless, and of size 0
    said = _build(shipped)  # within the subprocess's time: not read for ever
    (line,) = [line for line in said.splitlines() if "A full build" in line]
    assert "Too many levels of symbolic links" in line, line
    _same_as_mkdocs(shipped, tmp_path)


def test_a_state_that_cannot_be_kept_leaves_the_site_whole_and_the_next_build_full(
    shipped: Path, tmp_path: Path
) -> None:
    _build(shipped)
    folder = _parts(shipped)
    shutil.rmtree(folder)
    folder.write_text("a file where the state's parts go", encoding="utf-8")  # not summitry's to remove
    said = _build(shipped)
    assert "The next build is a full one: its state cannot be kept" in said, said
    _same_as_mkdocs(shipped, tmp_path)
    assert folder.read_text(encoding="utf-8") == "a file where the state's parts go"
    assert _rendered(_build(shipped)) is None  # a full build, said in one line, and the site whole again
    _same_as_mkdocs(shipped, tmp_path)


def test_a_copy_of_a_site_the_state_does_not_describe_is_a_full_build(shipped: Path, tmp_path: Path) -> None:
    """Another build may swap in a new site and state while this one's generate runs: the
    copy it started from is then an older site, and must not be built upon."""
    _build(shipped)
    older = tmp_path / "older"
    site_state.clone(shipped / "site", older)
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Helsinki summit", "title: Helsinki talks"))
    _build(shipped)  # the other build: a new site, and the state that describes it
    copy = tmp_path / "copy"
    site_state.clone(older, copy)  # what this build copied before the other swapped its site in
    command = [sys.executable, "-m", "builder.engines", "--config-file", "mkdocs.yml", "--site-dir", str(copy)]
    command += ["--no-strict", "--state", STATE_FILE, "--last-site", "site", "--cloned"]
    done = subprocess.run(command, cwd=shipped, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "A full build: the site folder is not as the last build left it" in done.stderr
    assert "Helsinki talks" in (copy / "meetings/2018-helsinki-summit/index.html").read_text(encoding="utf-8")


def test_an_engine_part_not_in_ascii_is_a_full_build(shipped: Path, tmp_path: Path) -> None:
    _build(shipped)
    path = _parts(shipped) / f"{site_state.part_of('about.md')}.json"
    path.write_text("é" + path.read_text(encoding="utf-8").partition("\n")[2], encoding="utf-8")
    said = _build(shipped)
    assert "A full build: the state and its file" in said and "Traceback" not in said, said[-2000:]


def test_a_link_where_the_engine_parts_go_is_not_written_through(shipped: Path, tmp_path: Path) -> None:
    _build(shipped)
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / "pages-000.json").write_text("precious", encoding="utf-8")
    shutil.rmtree(_parts(shipped))
    _parts(shipped).symlink_to(victim)
    said = _build(shipped)
    assert "A full build: .summitry-engine-parts is not a folder summitry made" in said, said[-2000:]
    assert "The next build is a full one: its state cannot be kept" in said
    assert [p.name for p in victim.iterdir()] == ["pages-000.json"]
    assert (victim / "pages-000.json").read_text(encoding="utf-8") == "precious"


def test_with_other_plugins_the_last_sites_hidden_files_do_not_carry_over(shipped: Path) -> None:
    _build(shipped)
    (shipped / "site" / ".stale").write_text("from before", encoding="utf-8")
    config = shipped / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nplugins:\n  - search" in text
    config.write_text(text.replace("\nplugins:\n  - search", "\nplugins:\n  - search\n  - tags", 1), encoding="utf-8")
    said = _build(shipped)
    assert "MkDocs's own build" in said
    assert not (shipped / "site" / ".stale").exists()


@pytest.mark.parametrize("change", ["a page comes", "a page goes", "a nav page's title changes"])
def test_docs_that_change_while_the_engine_waits_are_read_as_they_are_at_go(
    shipped: Path, tmp_path: Path, change: str
) -> None:
    """The engine starts while generate writes the docs: it lists the files (and makes
    MkDocs's files and navigation from them) before they are ready. What changes after that
    is seen: files that came or went make it list them again; a nav page is read at go."""
    _build(shipped)
    docs = shipped / "build/docs"
    site = tmp_path / "site"
    with MkDocs("mkdocs").start(shipped, shipped / "mkdocs.yml", site, False, None, shipped / "site") as pending:
        said = []
        for line in pending.started.process.stdout or ():  # until it has listed the docs files, and waits
            said.append(line)
            if EARLY in line:
                break
        assert said and EARLY in said[-1], said
        if change == "a page comes":
            (docs / "late.md").write_text("# A late page\n\nWritten after the engine listed the docs.\n")
        elif change == "a page goes":
            (docs / "about.md").unlink()
            (docs / "contributing.md").write_text("# Contribute\n\nNo link to the page that went.\n")
        else:
            about = docs / "about.md"
            about.write_text(re.sub(r"^# .*$", "# About this site, retitled", about.read_text(), count=1, flags=re.M))
        result = pending.build(cloned=False)
    assert result.ok, result.output[-3000:]
    if change == "a page comes":
        assert "late/index.html" in _tree(site)
    want = _mkdocs(shipped, tmp_path / "mkdocs")
    got = _tree(site)
    assert sorted(got) == sorted(want)
    for name, data in want.items():
        assert got[name] == data, name


def test_an_engine_left_waiting_stops_and_writes_nothing(shipped: Path, tmp_path: Path) -> None:
    """A build whose generate fails leaves its engine without an order: it stops, and neither
    the site nor the engine's state changes."""
    _build(shipped)
    before = _tree(shipped / "site"), (shipped / STATE_FILE).read_bytes()
    site = tmp_path / "site"
    pending = MkDocs("mkdocs").start(shipped, shipped / "mkdocs.yml", site, False, None, shipped / "site")
    with pending:
        process = pending.started.process
        for line in process.stdout or ():
            if EARLY in line:
                break
        assert process.stdin is not None
        process.stdin.close()  # no order: it ends by itself, and well
        assert process.wait(timeout=60) == 0
    assert not site.exists()
    assert (_tree(shipped / "site"), (shipped / STATE_FILE).read_bytes()) == before


def test_a_failed_generate_inside_build_leaves_site_and_engine_state_as_they_were(shipped: Path) -> None:
    _build(shipped)
    before = _tree(shipped / "site"), (shipped / STATE_FILE).read_bytes()
    path = shipped / "content/meetings/2018-helsinki-summit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: ", "date: not a date, was ", 1))
    command = [sys.executable, "-m", "builder.cli", "build", "--root", str(shipped), "--no-strict"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0 and "2018-helsinki-summit.yaml" in done.stderr, done.stderr[-2000:]
    assert (_tree(shipped / "site"), (shipped / STATE_FILE).read_bytes()) == before
    assert not list(shipped.glob(".summitry-site-*"))  # the engine's scratch folder went with it


def test_a_nav_page_titled_by_its_heading_is_read_whole(shipped: Path, tmp_path: Path) -> None:
    """A page the navigation shows without naming its title is titled by its first heading,
    which only rendering its Markdown gives: every page's navigation shows it."""
    config = shipped / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - About: about.md\n", "  - about.md\n"))
    about = shipped / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("title: About\n", "", 1), encoding="utf-8")
    _build(shipped)
    text = about.read_text(encoding="utf-8")
    # rendered, the heading's text; read as Markdown only, it would keep its asterisks
    about.write_text(re.sub(r"^# About$", "# About *this* site", text, count=1, flags=re.M), encoding="utf-8")
    said = _build(shipped)
    assert _rendered(said) is None and "A full build" in said, said[-2000:]  # every page shows the new title
    shown = (shipped / "site/leaders/index.html").read_text(encoding="utf-8")
    assert "About this site" in shown and "*this*" not in shown
    _same_as_mkdocs(shipped, tmp_path)


def _running(pid: int) -> bool:
    """Whether the process lives and has not ended (a zombie has ended, whoever reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_stopping_an_engine_stops_the_processes_it_started(tmp_path: Path) -> None:
    """The engine forks workers; a build that stops it (after a failure, or Ctrl-C) must not
    leave them writing into the folder it then removes."""
    child = (
        "import os, sys, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    time.sleep(120)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    started = Started("engine", [sys.executable, "-c", child], tmp_path, lambda line: False, wait=True)
    with started:
        assert started.process.stdout is not None
        worker = int(started.process.stdout.readline())
        assert _running(worker)
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


def _with_theme_folder(small: Path) -> Path:
    config = small / "mkdocs.yml"
    config.write_text(config.read_text().replace("  font: false\n", "  font: false\n  custom_dir: overrides\n"))
    (small / "overrides/partials").mkdir(parents=True)
    return small / "overrides"


def test_links_in_the_theme_folder_are_followed_as_mkdocs_follows_them(small: Path, tmp_path: Path, run) -> None:
    """A link in overrides/ to nothing (the lock file Emacs makes while a file is edited) or
    to a folder elsewhere ended every build in a traceback, --clean too, where mkdocs build
    passes; and what a linked folder holds is the theme's, so a change in it is a full build."""
    overrides = _with_theme_folder(small)
    (overrides / ".#main.html").symlink_to("editor@host.1234:1733300000")
    shared = tmp_path / "shared"
    (shared / "partials").mkdir(parents=True)
    (shared / "partials/copyright.html").write_text("<p>one</p>\n")
    (overrides / "shared").symlink_to(shared)
    (overrides / "loop").symlink_to(".")  # leads back to a folder walked already
    assert run("build", "--root", small, "--clean").code == 0
    assert run("build", "--root", small).code == 0
    assert re.search(r"upon the last site: 0 of \d+ pages to render", run("build", "--root", small).err)
    (shared / "partials/copyright.html").write_text("<p>two</p>\n")
    said = run("build", "--root", small).err
    assert "A full build" in said and "the configuration" in said, said[-1500:]


def test_the_engine_runs_the_installed_builder_not_a_folder_of_the_knowledge_base(small: Path, run) -> None:
    """The engine's process starts in the knowledge base's folder: a folder named builder/
    there (this repository's own, a copy of another version, or planted) was imported in
    place of the builder installed."""
    planted = small / "builder/engines"
    planted.mkdir(parents=True)
    (small / "builder/__init__.py").write_text("")
    (planted / "__init__.py").write_text("")
    for name in ("__main__.py", "site_folder.py"):
        (planted / name).write_text(f"open({str(small / 'ran')!r}, 'a').write({name!r})\n")
    assert run("build", "--root", small).code == 0
    assert run("build", "--root", small).code == 0
    assert not (small / "ran").exists() and (small / "site/index.html").is_file()


def _as_a_user(*args: str | Path) -> list[str]:
    """A command run with the rights an ordinary user has: root may write in a read-only
    folder, so under root it runs without those capabilities (util-linux's setpriv)."""
    command = [str(a) for a in args]
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test read-only folders as root"
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search,-fowner", *command]


def test_a_read_only_folder_in_the_site_fails_no_build_and_leaves_nothing(small: Path) -> None:
    """A folder of site/ made read-only went, as the site was replaced, into the site set
    aside for the next build to build upon: that build failed in a traceback, and each
    build's scratch folder lost its marker first and was then left for good, a copy of the
    site, which no sweep removed."""

    def build(*more: str) -> str:
        done = subprocess.run(
            _as_a_user(sys.executable, "-m", "builder.cli", "build", "--root", small, *more),
            capture_output=True,
            text=True,
            cwd=small.parent,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    build()
    (small / "site/meetings").chmod(0o555)
    meeting = small / "content/meetings/2021-brief-call.yaml"
    meeting.write_text(meeting.read_text().replace("title: ", "title: Retitled ", 1))
    build()
    page = small / "content/pages/index.md"
    page.write_text(page.read_text() + "\nMore.\n")
    build()
    (small / "site/leaders").chmod(0o555)
    build("--clean")
    build()
    left = [p.name for p in [*small.iterdir(), *(small / "build").iterdir()] if "-site-" in p.name]
    assert left == [] or all(n.startswith(".summitry-old-site-") for n in left), left
    assert len(left) <= 1 and "More." in (small / "site/index.html").read_text()


def test_a_page_the_theme_cannot_render_fails_the_build_and_ends(small: Path) -> None:
    """What MkDocs logged of a page's error was told while still captured: each line was
    caught again onto the list being told, and the build ran for ever at full speed."""
    overrides = _with_theme_folder(small)
    (overrides / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ super() }}{{ no_such_thing.attribute }}{% endblock %}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "builder.cli", "build", "--root", small],
        capture_output=True,
        text=True,
        cwd=small.parent,
        timeout=180,
    )
    assert done.returncode == 1
    assert "'no_such_thing' is undefined" in done.stderr
    assert done.stderr.rstrip().endswith("mkdocs build failed; the previous site is unchanged (its output is above)")
    assert done.stderr.count("Error building page") == 1, done.stderr[-3000:]


def test_a_full_disk_during_the_site_build_is_one_line(
    small: Path, run, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The engine's process ended in a traceback when the disk filled up (a helper's tmpfs):
    it says where and why in one line, with exit status 1 (the build then keeps the last site)."""
    import logging

    from builder.engines import mkdocs as engine

    assert run("generate", "--root", small).code == 0
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(small / "scratch-site/index.html"))

    def fills(*args: Any) -> None:
        raise full

    monkeypatch.setattr(engine.SiteBuild, "run", fills)
    monkeypatch.chdir(small)
    command = [
        "--config-file",
        "mkdocs.yml",
        "--site-dir",
        str(small / "scratch-site"),
        "--state",
        str(small / STATE_FILE),
    ]
    logger = logging.getLogger("mkdocs")
    handlers = list(logger.handlers)
    try:
        assert engine.main(command) == 1
    finally:  # the handler the engine's command line adds
        for handler in set(logger.handlers) - set(handlers):
            logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert err.endswith(f"ERROR   -  {small / 'scratch-site/index.html'}: No space left on device\n"), err
    assert "Traceback" not in err


def test_the_engine_ends_at_once_when_the_build_that_named_itself_is_gone(small: Path) -> None:
    """The engine asked for its parent only once it had loaded MkDocs, a second after it
    started: a build killed in that second left it to process 1, and it built on into a
    scratch folder the next build was removing."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    command = [sys.executable, "-P", "-m", "builder.engines", "--config-file", str(small / "mkdocs.yml")]
    command += ["--site-dir", str(small / "scratch-site"), "--wait", "--state", str(small / STATE_FILE)]
    engine = subprocess.Popen(
        [*command, "--parent", str(gone.pid)], stdin=subprocess.PIPE, stderr=subprocess.PIPE, cwd=small
    )
    try:
        assert engine.wait(timeout=60) == 1  # without a word on stdin: it did not wait to be told
    finally:
        engine.kill()
        engine.wait()
    assert not (small / "scratch-site").exists()


def test_a_tied_command_runs_only_while_the_build_that_named_itself_runs() -> None:
    """How Zensical is started (builder.engines.tied): a command of a build already gone
    does not start at all; otherwise it runs as itself (exec), its status its own."""
    from builder.engines import tied

    gone = subprocess.Popen(["true"])
    gone.wait()
    assert subprocess.run(tied.command(gone.pid, ["sleep", "30"]), timeout=60).returncode == 1
    assert subprocess.run(tied.command(os.getpid(), ["sh", "-c", "exit 7"]), timeout=60).returncode == 7
