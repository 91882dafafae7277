"""Record ids: their form, and how one is made from words."""

from __future__ import annotations

import re
import unicodedata

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def slug(text: str, max_words: int = 8) -> str:
    """``'Geneva Summit, 2021!'`` -> ``'geneva-summit-2021'``: an id from words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])
