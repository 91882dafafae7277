"""This user's secret, and the keyed digests (HMAC-SHA256) of what summitry keeps in build/.

A state, or a list of written files, that this user's summitry did not write on this machine
(carried into a pull request with ``git add -f``, or inside an archive opened with
``--root``) does not carry this key's digest, whatever it says, and is not trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from builder.incremental.own_files import read_own


def key_folder() -> Path | None:
    """Where this user's key is kept: ``$XDG_CACHE_HOME/summitry``, or ``~/.cache/summitry``;
    None where the user has no home folder (a container run as a user the system does not
    know, with no ``HOME``). A relative ``XDG_CACHE_HOME`` is ignored, as the XDG base
    directory specification says: it would give one key per working folder, or put the key
    inside a knowledge base, which travels with it."""
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(cache):
        return Path(cache) / "summitry"
    try:
        return Path.home() / ".cache" / "summitry"
    except (RuntimeError, KeyError, OSError):  # no HOME, and no entry in the password database
        return None


def key_blocked() -> bool:
    """Whether this user's key cannot be kept, as far as can be told without making it: no
    folder for it, a folder in its place, or something other than a folder on the way to it
    (a file, a link to nothing)."""
    folder = key_folder()
    if folder is None:
        return True
    path = folder / "state-key"
    if os.path.isdir(path) and not os.path.islink(path):
        return True
    here = folder
    while not os.path.lexists(here) and here.parent != here:
        here = here.parent
    return not os.path.isdir(here)


def user_key(create: bool) -> bytes | None:
    """This user's secret for the state's digests, made on first use; None if it cannot be kept."""
    folder = key_folder()
    if folder is None:
        return None
    path = folder / "state-key"
    damaged = False
    try:
        key = read_own(path, 64)  # a regular file, not a link (to /dev/zero, or a pipe: read for ever)
        if len(key) == 32 and _private(path):
            return key
        # states signed with the old key are foreign from now on: full runs, once. A key others
        # could read is no secret: anyone who read it could sign a state or a list of files.
        damaged = True
    except FileNotFoundError:
        pass
    except OSError:
        if os.path.isdir(path) and not os.path.islink(path):
            return None  # a folder in its place is someone's: never removed
        damaged = True  # a link, a pipe, a file too large or unreadable: replaced, never read through
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".state-key-{os.getpid()}-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        try:
            if damaged:
                os.replace(tmp, path)
            else:
                os.link(tmp, path)  # two runs making a key at once: the first one's is everyone's
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        key = read_own(path, 64)
        return key if len(key) == 32 else None
    except OSError:
        return None


def _private(path: Path) -> bool:
    """Whether only its owner may read or write the key file (mode 0600 or narrower)."""
    try:
        return os.stat(path, follow_symlinks=False).st_mode & 0o077 == 0
    except OSError:
        return False


def keyed_digest(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def sign(payload: bytes) -> str | None:
    """The keyed digest of data summitry keeps in build/ (this user's key); None if no key can be kept."""
    key = user_key(create=True)
    return None if key is None else keyed_digest(key, payload)


def same_digest(made: str, given: object) -> bool:
    """Whether ``given`` (read from a file: any text, or not text) is the digest ``made``,
    compared in constant time; text that is not ASCII is a mismatch, not an error."""
    # a digest is hex: other text (a lone surrogate too, which no encoding takes) is a mismatch
    if not isinstance(given, str) or not given.isascii() or not made.isascii():
        return False
    return hmac.compare_digest(made, given)


def signed_here(payload: bytes, mac: object) -> bool:
    """Whether ``mac`` is this user's keyed digest of ``payload``: data summitry wrote here."""
    key = user_key(create=False)
    return key is not None and same_digest(keyed_digest(key, payload), mac)
