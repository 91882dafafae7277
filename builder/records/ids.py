"""Record ids: their form, and how one is made from words."""

from __future__ import annotations

import re

from slugify import slugify

ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""An id, matched whole (``ID_RE.fullmatch``): with ``$``, ``match`` would take ``"nl\\n"``."""


def slug(text: str, max_words: int = 8) -> str:
    """``'Geneva Summit, 2021!'`` -> ``'geneva-summit-2021'``, ``'Зеленський'`` -> ``'zelenskii'``:
    an id from words in any script, transliterated to Latin letters; empty if nothing is left."""
    words = slugify(text).split("-")
    return "-".join(w for w in words[:max_words] if w)
