"""The site's search index: Pagefind's, cut into small files that a reader downloads as needed.

Material's own search is one index of the whole site that every reader's browser downloads
and parses in full at the first search: 14 MB at 3,000 meetings. Pagefind (a Rust program,
installed from PyPI as ``pagefind[bin]``, run here offline) reads the built HTML and writes
an index in chunks under ``site/pagefind/``: a search downloads the chunks that hold its
words and one small fragment per result shown (bench/RESULTS.md has the figures). The
MkDocs (and ProperDocs) builds end with it; Zensical keeps its own search, whose box its
theme draws in a design of its own (overrides/partials/search.html). It indexes each
page's article (not the navigation, header or footer) and leaves out the tables (below), what
the pages mark ``data-pagefind-ignore`` (the long listings and the pictures, as for Material's
index) and the 404 page. The search box (overrides/partials/search.html) and the script that queries it
(content/pages/assets/summitry-search.js) replace Material's, which the theme then never loads.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from builder.errors import EngineFailed

FOLDER = "pagefind"
ROOT = "article.md-content__inner"  # what Pagefind reads of a page (Material's and Zensical's article)
PAGES = "**/index.html"  # every page at its directory address; not 404.html
# The headings' permalink marks, and the tables: on a record's page they list other records
# (a leader's meetings, with their places and counterparts), which their own pages hold. At
# 10,000 meetings "city" was on 21,953 of 22,534 pages that way, and ranking them took
# Pagefind 2 s in the browser; a search for a place now leads to the meetings held there.
IGNORED = ".headerlink, table"


def _unlinked(folder: Path) -> None:
    """Remove ``folder``: a build upon the last site holds links to that site's files, which
    Pagefind would write through if it rewrote them."""
    if folder.is_symlink() or folder.is_file():
        folder.unlink()
    elif folder.is_dir():
        shutil.rmtree(folder)


def index(site: Path) -> str:
    """Write the search index of the built site in ``site``; Pagefind's report."""
    _unlinked(site / FOLDER)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--root-selector", ROOT, "--glob", PAGES]
    command += ["--exclude-selectors", IGNORED]
    try:
        done = subprocess.run([*command, "--silent"], capture_output=True, text=True)
    except OSError as exc:
        raise EngineFailed(f"the search index could not be made: {exc}") from exc
    if done.returncode != 0 or not (site / FOLDER / "pagefind.js").is_file():
        told = (done.stderr or done.stdout).strip() or "pagefind is not installed: pip install 'pagefind[bin]'"
        raise EngineFailed(f"the search index could not be made: {told}")
    return done.stdout
