"""What a site build keeps for the next one, as checked JSON, and the last site cloned by links.

An engine that renders only the pages whose Markdown changed needs what the last build made
of every other page (its search entries, its front matter, its anchors, what it logged) and
the last site itself. The state is data, never code: JSON in ``build/``, signed as the
builder's own state is (builder.incremental.state: one summitry did not write here is
foreign), with a version and a key (the installed packages, the builder's engine code,
the engine's resolved configuration) that are checked before anything in it is used, and
the size, modification time and type of every file of the site it describes, and its folders,
so a site swapped in without its state, or a file of it changed, added or removed by hand, is
noticed; and the digest of every file's bytes, which the next build checks by reading the
whole site while generate runs (:func:`builder.engines.site_files.first_change`), since a file changed to the same
size with its modification time set back shows in nothing else (its inode and change time
cannot tell: a restored cache gives every file new ones, and the copy of the site made of
links changes every change time). Any doubt gives a full build and the one line that says
why (:class:`NoState`).

What the state keeps of each page is most of it (75 MB at 22,534 pages): it is kept in 128
files of its own beside the state (``.summitry-engine-parts/``), each holding the pages of one
slice of their names, and a build rewrites only the files that hold a page it rendered, or
that came or went; the state names each file by its keyed digest.

The next site starts as a copy of the last one made of hard links (no file's bytes are
copied); a page rendered again is written to a new file that replaces its link, so the last
site stays as it was until the new one is swapped in whole.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.metadata
import json
import os
import secrets
import shutil
import sys
import time
import zlib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from builder.engines.site_files import digest, site_stamps
from builder.errors import SummitryError
from builder.incremental.inputs import still_holds
from builder.incremental.keyed import same_digest, sign, signed_here
from builder.incremental.own_files import create_new, read_own
from builder.incremental.scratch import own_rights
from builder.incremental.state_files import STATE_AT_MOST, own_folder

STATE_VERSION = 2
STATE_FILE = "build/.summitry-engine.json"
PAGE_PARTS = 128
ENGINES = Path(__file__).resolve().parent  # the adapters' code is part of the key


class NoState(SummitryError):
    """Why the last build's state cannot be used: the build is a full one."""


def key(engine: str, config: str) -> str:
    """What every page of a site depends on besides its own Markdown: the engine and its
    configuration (``config``, as resolved), every installed package's version, this code."""
    parts = [f"engine {engine}", f"python {sys.version}", f"state {STATE_VERSION}", config]
    parts += sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    parts += [f"{p.name}\0{digest(p.read_bytes())}" for p in sorted(ENGINES.glob("*.py"))]
    return digest("\n".join(parts).encode("utf-8", "surrogateescape"))


class Seen:
    """The digests of the docs files, each read again only when its status (size, modification
    and change time, inode) is not what the last build saw, or was less than a second old when
    it saw it (:func:`builder.incremental.inputs.still_holds`). ``before``: the last build's,
    as its state kept it, unchecked (anything not as written is read again)."""

    def __init__(self, before: Any) -> None:
        self.before: dict[str, Any] = before if isinstance(before, dict) else {}
        self.now: dict[str, list[int | str]] = {}
        self.at = time.time_ns()

    def digest(self, name: str, path: str) -> str:
        info = os.stat(path)
        status = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        was = self.before.get(name)
        if isinstance(was, list) and len(was) == 6 and still_holds(was[5], tuple(was[:4]), was[4], status):
            self.now[name] = was
            return str(was[5])
        with open(path, "rb") as handle:
            made = digest(handle.read())
        self.now[name] = [*status, self.at, made]
        return made


def load(path: Path, engine: str, key: str, site: Path) -> dict[str, Any]:
    """The state at ``path`` if it describes the site at ``site`` as it is now, for this key."""
    return fits(read(path, engine), key, site)


def read(path: Path, engine: str) -> dict[str, Any]:
    """The state at ``path``, checked as data (signed here, this format, this engine, whole),
    not yet against a configuration or a site (:func:`fits`): a build reads it while its docs
    are still being made."""
    try:
        text = read_own(path, STATE_AT_MOST).decode("utf-8")
    except FileNotFoundError:
        raise NoState("no state of an earlier build") from None
    except (OSError, UnicodeDecodeError, MemoryError) as exc:
        raise NoState(f"the state of the last build is unreadable ({exc or type(exc).__name__})") from None
    header, _, payload = text.partition("\n")
    if not signed_here(payload.encode("utf-8"), header):
        raise NoState("the state of the last build was not written by summitry on this machine for this user")
    try:
        state = json.loads(payload)
    except (ValueError, RecursionError, MemoryError):
        raise NoState("the state of the last build is not JSON") from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION or state.get("engine") != engine:
        raise NoState("the state is of another format or engine")
    files = state.get("files")
    if not isinstance(state.get("parts"), dict) or not isinstance(files, dict) or not isinstance(state.get("nav"), str):
        raise NoState("the state is incomplete")
    state["pages"] = _joined(parts_folder(path), state["parts"])
    if not all(
        isinstance(made, list) and len(made) == 2 and all(isinstance(p, str) for p in made) for made in files.values()
    ):
        raise NoState("the state's record of the site's files is not as written")
    return state


def fits(state: dict[str, Any], key: str, site: Path) -> dict[str, Any]:
    """``state`` (:func:`read`) if it was kept under ``key`` and describes the site at ``site`` as it is now."""
    if state.get("key") != key:
        raise NoState("the configuration, the theme, an installed package or the builder changed")
    if not site.is_dir():
        raise NoState("there is no earlier site")
    if site_stamps(site) != state.get("site"):
        raise NoState("the site folder is not as the last build left it")
    return state


def parts_folder(path: Path) -> Path:
    """The folder of the files that hold the pages of the state at ``path``."""
    return path.with_name(path.name.removesuffix(".json") + "-parts")


def part_of(uri: str) -> str:
    """The name of the file that holds what the state keeps of the page ``uri``."""
    return f"pages-{zlib.crc32(uri.encode('utf-8', 'surrogateescape')) % PAGE_PARTS:03d}"


def _part_names() -> list[str]:
    return [f"pages-{i:03d}" for i in range(PAGE_PARTS)]


def _joined(folder: Path, parts: dict[str, Any]) -> dict[str, Any]:
    """The pages kept in the files ``parts`` names (name -> keyed digest), checked."""
    if sorted(parts) != _part_names():
        raise NoState("the state names other files of pages than this summitry keeps")
    if not own_folder(folder):
        raise NoState(f"{folder.name} is not a folder summitry made (a link, or a file)")
    pages: dict[str, Any] = {}
    for name, mac in parts.items():
        try:
            text = read_own(folder / f"{name}.json", STATE_AT_MOST).decode("utf-8")
        except FileNotFoundError:
            raise NoState(f"the state's file {name}.json is missing") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise NoState(f"the state's file {name}.json is unreadable ({exc})") from None
        header, _, payload = text.partition("\n")
        if not same_digest(header, mac):
            raise NoState(f"the state and its file {name}.json are of different builds")
        if not signed_here(payload.encode("utf-8"), header):
            raise NoState(f"the state's file {name}.json was not written by summitry on this machine for this user")
        try:
            part = json.loads(payload)
        except (ValueError, RecursionError):
            raise NoState(f"the state's file {name}.json is not JSON") from None
        if not isinstance(part, dict) or any(part_of(uri) != name for uri in part):
            raise NoState(f"the state's file {name}.json is not as written")
        pages.update(part)
    return pages


def _written(path: Path, text: str) -> None:
    """Write ``text`` whole: a reader sees the old file or the new one."""
    # a name no one can foresee, made anew (build/ can hold a link planted under a name foreseen)
    tmp = path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(8)}-{path.name}")
    try:
        with create_new(tmp) as handle:
            handle.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save(path: Path, state: dict[str, Any], loaded: dict[str, Any] | None = None, same: Collection[str] = ()) -> None:
    """Write the state, its pages in their files: a reader sees the old state or the new one.

    ``loaded``: the state this build started from (:func:`load`); ``same``: the pages whose
    record is as it holds it. A file of pages that are all the same, and the same pages, is
    not written again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = parts_folder(path)
    if not own_folder(folder):
        raise OSError(errno.ENOTDIR, "not a folder summitry made (a link, or a file)", str(folder))
    folder.mkdir(exist_ok=True)
    slices: dict[str, dict[str, Any]] = {name: {} for name in _part_names()}
    for uri, data in state["pages"].items():
        slices[part_of(uri)][uri] = data
    before: dict[str, Any] = loaded.get("parts", {}) if loaded else {}
    was: dict[str, list[str]] = {}
    for uri in loaded.get("pages", {}) if loaded else ():
        was.setdefault(part_of(uri), []).append(uri)
    same = set(same)
    parts: dict[str, str] = {}
    for name, pages in slices.items():
        kept = before.get(name)
        unchanged = isinstance(kept, str) and sorted(pages) == sorted(was.get(name, [])) and same.issuperset(pages)
        if unchanged and isinstance(kept, str) and _header(folder / f"{name}.json") == kept:
            parts[name] = kept
            continue
        payload = json.dumps(pages, separators=(",", ":"), sort_keys=True)
        signed = sign(payload.encode("utf-8"))
        if signed is None:  # no key can be kept: no state either, and the next build is a full one
            forget(path)
            return
        _written(folder / f"{name}.json", signed + "\n" + payload)
        parts[name] = signed
    body = {"version": STATE_VERSION, **{k: v for k, v in state.items() if k != "pages"}, "parts": parts}
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True)
    mac = sign(payload.encode("utf-8"))
    if mac is None:
        forget(path)
        return
    _written(path, mac + "\n" + payload)


def _header(path: Path) -> str | None:
    try:
        return read_own(path, STATE_AT_MOST, head=True).partition(b"\n")[0].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def forget(path: Path) -> None:
    """Remove a state that no longer describes the site (a build failed half way). One that
    cannot be removed does no harm: it names the stamps of the site it describes, which the
    next build compares with the site there."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def clone(source: Path, target: Path, stop: Callable[[], bool] | None = None) -> bool:
    """Make ``target`` (an empty folder, made if missing) hold ``source``'s files, each a hard
    link to the same file; False if ``stop`` (asked at each folder) said to stop first."""
    target.mkdir(parents=True, exist_ok=True)
    for here, folders, names in os.walk(source):
        if stop is not None and stop():
            return False
        inside = os.path.relpath(here, source)
        there = target if inside == "." else target / inside
        for folder in folders:
            (there / folder).mkdir()
        for name in names:
            os.link(os.path.join(here, name), there / name, follow_symlinks=False)
    return True


def sync(source: Path, target: Path, stop: Callable[[], bool] | None = None) -> bool:
    """Make ``target`` (a folder) hold what ``source`` holds as :func:`clone` makes it, changing
    only what differs: a file that is a link to the source's file already stays; any other
    is replaced by one; what the source does not have goes. A site set aside by the build
    before the last shares all but the files that build rendered, so this is a fraction of a
    clone's work. False if ``stop`` (asked at each folder) said to stop first."""
    stack = [(str(source), str(target))]
    while stack:
        if stop is not None and stop():
            return False
        here, there = stack.pop()
        # a folder the user made read-only in the site this one was: clone() makes its folders anew
        own_rights(there)
        wanted = {entry.name: entry for entry in os.scandir(here)}
        folders = set()  # those there already
        for entry in os.scandir(there):
            want = wanted.get(entry.name)
            if want is None or want.is_dir(follow_symlinks=False) != entry.is_dir(follow_symlinks=False):
                _remove(entry)
            elif entry.is_dir(follow_symlinks=False):
                folders.add(entry.name)
            elif entry.inode() == want.inode():  # the same file: a link to it already
                del wanted[entry.name]
            else:
                os.unlink(entry.path)
        for name, want in wanted.items():
            path = os.path.join(there, name)
            if want.is_dir(follow_symlinks=False):
                if name not in folders:
                    os.mkdir(path)
                stack.append((want.path, path))
            else:
                os.link(want.path, path, follow_symlinks=False)
    return True


def _remove(entry: os.DirEntry[str]) -> None:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)


def empty(folder: Path) -> None:
    """Remove everything in ``folder``, keeping the folder."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


def unlink(site: Path, rel: str, prune: bool) -> None:
    """Remove a file of the cloned site (its link: the last site keeps its own), and with
    ``prune`` the folders this leaves empty, up to the site."""
    path = site / rel
    path.unlink(missing_ok=True)
    folder = path.parent
    if not prune:
        return
    while folder != site and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
