"""The list of the files the builder wrote into build/docs, beside it in build/.

Each entry is a file's stamp as written (size, modification time, digest, change time), so
that a later run can tell its own files from anyone else's and leave those alone
(builder.incremental.output). The list carries this user's keyed digest on its first line
(builder.incremental.keyed); one without it is trusted only as far as :func:`read_manifest`
says.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from builder.errors import WriteRefused
from builder.incremental.keyed import sign, signed_here, user_key
from builder.incremental.own_files import read_own, write_whole

MANIFEST = ".summitry-manifest.json"
MANIFEST_VERSION = 3  # 3: its first line is its keyed digest
Stamp = tuple[int, int, str, int]  # size, modification time (ns), digest, change time (ns)


def manifest_path(out: Path) -> Path:
    """Where the list of the files written into ``out`` is kept."""
    return out.parent / MANIFEST


MANIFEST_AT_MOST = 64 * 1024 * 1024  # some 600,000 files; parsed whole, so bounded


SIGNED, KEYLESS = "signed", "keyless"


def read_manifest(out: Path) -> tuple[dict[str, Stamp | None], dict[str, Any], str]:
    """What the builder wrote last time (path -> stamp, None if not known), what else it
    noted, and how far it is trusted: :data:`SIGNED` by this user's summitry here (or
    nothing claimed), :data:`KEYLESS` when it says "unsigned" where no key can be kept
    either, "" when it is not."""
    path = manifest_path(out)
    try:
        if not os.path.lexists(path):
            return {}, {}, SIGNED  # nothing claimed: nothing to trust
        raw = read_own(path, MANIFEST_AT_MOST)
        mac, _, payload = raw.partition(b"\n") if not raw.startswith(b"{") else (b"", b"", raw)
        if mac == b"unsigned":  # written where no key could be kept: trusted only where none can be either
            trust = KEYLESS if user_key(create=True) is None else ""
        else:
            trust = SIGNED if mac and signed_here(payload, mac.decode("ascii", "replace")) else ""
        data = json.loads(payload.decode("utf-8"))
        files = data.pop("files", [])
        if isinstance(files, list):  # the first manifest format: paths only
            return dict.fromkeys(map(str, files)), {}, ""
        return {str(rel): (tuple(stamp) if stamp else None) for rel, stamp in files.items()}, data, trust
    except (ValueError, RecursionError, AttributeError, TypeError, OSError, MemoryError) as exc:
        raise WriteRefused(
            f"{path}: unreadable manifest ({type(exc).__name__ if isinstance(exc, MemoryError) else exc}); "
            f"delete {out} and the manifest to start afresh"
        ) from exc


UNLISTED = "unlisted-"  # build/unlisted-<n>/: an output set aside whole, without a list to tell its files by


def set_aside_unlisted(out: Path) -> str:
    """Move the output folder ``out`` aside, whole, when it holds files and no list of what
    the builder wrote that can be read (deleted, damaged, or a link): then no file in it is
    known to be the builder's, and a run could neither leave them nor remove them. They go,
    as they are, to a new ``build/unlisted-<n>/`` (with the list that could not be read),
    and the run makes every page into an empty folder: nothing is lost, nothing guessed.
    Returns the one line that says so, or "" when nothing was moved."""
    path = manifest_path(out)
    if os.path.lexists(path):
        try:
            listed, _, trust = read_manifest(out)
        except WriteRefused as exc:
            cause = exc.__cause__
            said = getattr(cause, "strerror", None) or cause
            why = f"{path.name} cannot be read ({said if str(said) else type(cause).__name__})"
        else:
            # One that summitry did not sign here (spoiled, or carried in) and that leaves out
            # a file there: that file is no one's that summitry knows, nor is any other.
            unlisted = sorted(existing(out)[0] - listed.keys()) if not trust and out.is_dir() else []
            if not unlisted:
                return ""
            why = f"{path.name} is not signed by summitry here and does not list {unlisted[0]}"
    else:
        why = f"{path.name} is missing"
    if not _holds_files(out):
        return ""
    for number in range(1, 10_000):
        aside = out.parent / f"{UNLISTED}{number}"
        try:
            aside.mkdir()
            break
        except FileExistsError:
            continue
    else:
        raise WriteRefused(f"{out.parent} holds {UNLISTED}1 to {UNLISTED}9999: remove those no longer needed")
    try:
        os.rename(out, aside / out.name)
        if os.path.lexists(path):
            os.rename(path, aside / path.name)
    except OSError as exc:
        raise WriteRefused(f"{out}: cannot be moved to {aside} ({exc.strerror or exc})") from exc
    return (
        f"{out} holds files and {why}, so none of them is known to be summitry's: the folder is moved, "
        f"whole, to {aside}, where nothing is removed (delete it once you have what you need from it)"
    )


def existing(out: Path) -> tuple[set[str], set[str]]:
    """Every file (or link, or anything not a folder) under ``out``, and every folder, as
    paths relative to it. A link to a folder is not a folder: it is not followed."""
    found: set[str] = set()
    folders: set[str] = set()
    stack = [(out, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.add(prefix + entry.name)
                stack.append((Path(entry.path), prefix + entry.name + "/"))
            else:
                found.add(prefix + entry.name)
    return found, folders


def _holds_files(out: Path) -> bool:
    """Whether anything but folders is in ``out`` (an empty tree is no one's work)."""
    if not out.is_dir() or out.is_symlink():
        return False  # no folder (own_output refuses a link or a file)
    for _, _, files in os.walk(out):
        if files:
            return True
    return False


def save_manifest(out: Path, files: dict[str, Stamp | None], folder: Path, extra: dict[str, Any] | None = None) -> None:
    body = {"version": MANIFEST_VERSION, "files": dict(sorted(files.items())), **(extra or {})}
    payload = (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8")
    mac = sign(payload) or "unsigned"  # no key can be kept: trusted only where none can be (read_manifest)
    write_whole(manifest_path(out), mac.encode("ascii") + b"\n" + payload, folder)
