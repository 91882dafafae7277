"""The files of a run's state (builder.incremental.state), read only as data and written whole.

Each file is one line of header, ``{"format", "version", "mac"}``, then its payload. The
``mac`` is a keyed digest (HMAC-SHA256) of the payload, made with this user's key
(builder.incremental.keyed): a file summitry did not write on this machine, for this user,
is foreign whatever it says. A file is read in three checks, each of which gives the one
line why it cannot be used: its header names this format and version, its digest is this
user's, and its payload parses as the typed model it is read as.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from builder.incremental import scratch
from builder.incremental.keyed import keyed_digest, same_digest, user_key
from builder.incremental.own_files import create_new, read_own

STATE_VERSION = 4
MAGIC = "summitry-state"
TEMP_PREFIX = ".summitry-state-tmp-"  # a save cut short leaves this; the next save removes it
# A state file larger than this is not read at all: read whole before its digest is checked,
# so a file planted in build/ costs at most this much memory. The largest at 22,534 pages is
# 11 MB: this is room for twenty times that.
STATE_AT_MOST = 256 * 1024 * 1024


def own_folder(folder: Path) -> bool:
    """Whether ``folder`` is missing or a real folder: not a link (git can carry one into
    build/, and the builder would write through it) nor a file."""
    return not folder.is_symlink() and (folder.is_dir() or not folder.exists())


def read(path: Path) -> tuple[bytes | None, str]:
    """The payload of a state file whose header and digest check out, or None and why not."""
    payload, why, _ = read_signed(path)
    return payload, why


def read_signed(path: Path) -> tuple[bytes | None, str, str]:
    """:func:`read`, with the keyed digest the file's header gives (checked)."""
    try:
        header, _, payload = read_own(path, STATE_AT_MOST).partition(b"\n")
    except FileNotFoundError:
        return None, "missing", ""
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            return None, f"{path.name} is larger than a state can be", ""
        if exc.errno in (errno.ELOOP, errno.EINVAL):
            return None, f"{path.name} is not a file summitry wrote (a link, or not a regular file)", ""
        return None, f"{path.name} cannot be read ({exc.strerror or exc})", ""
    try:
        meta = json.loads(header)
        magic, version, mac = meta["format"], meta["version"], meta["mac"]
    except (ValueError, RecursionError, KeyError, TypeError):
        return None, f"{path.name} is not a summitry state", ""
    if magic != MAGIC:
        return None, f"{path.name} is not a summitry state", ""
    if version != STATE_VERSION:
        return None, f"{path.name} is of another format (version {version!r}, this summitry writes {STATE_VERSION})", ""
    key = user_key(create=False)
    if key is None or not same_digest(keyed_digest(key, payload), mac):
        return None, f"{path.name} was not written by summitry on this machine for this user", ""
    return payload, "", mac


def parse(adapter: TypeAdapter[Any], path: Path, payload: bytes) -> tuple[Any, str]:
    """The payload as ``adapter`` reads it, or None and the one line saying where it is damaged."""
    try:
        return adapter.validate_json(payload), ""
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "its top"
        return None, f"{path.name} is damaged (at {where}: {first['msg']})"


def header_mac(path: Path) -> str | None:
    """The keyed digest a state file's first line gives, unchecked; None if there is none."""
    try:
        mac = json.loads(read_own(path, STATE_AT_MOST, head=True).partition(b"\n")[0])["mac"]
    except (OSError, ValueError, RecursionError, KeyError, TypeError):
        return None
    return mac if isinstance(mac, str) else None


def write(path: Path, key: bytes, payload: bytes, mac: str | None = None) -> None:
    """``payload`` under its header, whole or not at all: into a new file, renamed over ``path``."""
    mac = keyed_digest(key, payload) if mac is None else mac
    header = json.dumps({"format": MAGIC, "version": STATE_VERSION, "mac": mac}).encode()
    # a name no one can foresee, made anew (build/ can hold a link planted under a name foreseen)
    tmp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}-{path.name}")
    try:
        with create_new(tmp) as handle:
            handle.write(header + b"\n" + payload)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sweep_temporaries(folder: Path) -> None:
    """Temporary state files of runs that were killed before they renamed them."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(TEMP_PREFIX):
            pid = name[len(TEMP_PREFIX) :].split("-", 1)[0]
            # only ASCII digits: "²".isdigit(), and int() refuses it
            if pid.isascii() and pid.isdigit() and int(pid) != os.getpid() and scratch.process_gone(int(pid)):
                (folder / name).unlink(missing_ok=True)
