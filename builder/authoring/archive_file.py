"""A source's text as ``summitry new source --archive FILE`` keeps it: UTF-8, with line feeds.

The file is whatever the editor saved from a browser or a word processor: UTF-8 with or
without a byte-order mark, or UTF-16 with one (Windows' "Unicode"), with Windows or old Mac
line ends. What is kept beside the record is its text, as the quote check reads it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from builder.errors import SummitryError

MAX_ARCHIVE_BYTES = 20_000_000  # a long report is a few hundred kilobytes; a book is not a source text

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_archive(path: Path) -> str:
    """The file's text with line feeds for line ends, ending in one; raises with the reason
    when it cannot be kept as an archived text."""
    if not path.is_file():
        raise SummitryError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_ARCHIVE_BYTES:
        raise SummitryError(f"{path}: {size:,} bytes; an archived text may be at most {MAX_ARCHIVE_BYTES:,}")
    raw = path.read_bytes()
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SummitryError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}): "
            "save it as UTF-8 and give it again"
        ) from None
    if "\x00" in text:  # UTF-16 without its byte-order mark decodes as UTF-8 with a NUL beside each letter
        at = text.index("\x00")
        raise SummitryError(
            f"{path}: not text (a NUL character at character {at}; UTF-16 saved without a byte-order mark "
            "reads so): save it as UTF-8 and give it again"
        )
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # a mark saved twice
    if not text.strip():
        raise SummitryError(f"{path}: the file holds no text")
    return text if text.endswith("\n") else text + "\n"
