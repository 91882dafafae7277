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


def save_manifest(out: Path, files: dict[str, Stamp | None], folder: Path, extra: dict[str, Any] | None = None) -> None:
    body = {"version": MANIFEST_VERSION, "files": dict(sorted(files.items())), **(extra or {})}
    payload = (json.dumps(body, separators=(",", ":")) + "\n").encode("utf-8")
    mac = sign(payload) or "unsigned"  # no key can be kept: trusted only where none can be (read_manifest)
    write_whole(manifest_path(out), mac.encode("ascii") + b"\n" + payload, folder)
