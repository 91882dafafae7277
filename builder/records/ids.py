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


# Words an id cut short must not end on: "summit-diplomacy-with-moscow-2017-to" reads as a
# phrase cut in two.
_PREPOSITIONS = frozenset("at between by for from in into of on over to with without".split())
_DANGLING = _PREPOSITIONS | {"a", "an", "and", "or", "the", "vs"}
_PHRASE_END = re.compile(r"[,:;()\[\]\u2013\u2014]|\s-\s|[.!?](?:\s|$)")


def phrase_slug(text: str, max_words: int) -> str:
    """An id of at most ``max_words`` words from a title, cut between its phrases where it
    has to be cut ('Summit diplomacy with Moscow, 2017 to 2025' -> 'summit-diplomacy-with-moscow'),
    else after a word that does not leave the phrase hanging."""
    whole = slug(text, max_words=10_000)
    if len(whole.split("-")) <= max_words:
        return whole
    kept: list[str] = []
    for phrase in _PHRASE_END.split(text):
        words = [w for w in slug(phrase, max_words=10_000).split("-") if w]
        if len(kept) + len(words) > max_words:
            break
        kept += words
    if not kept:
        # One phrase too long: end before the last preposition that fits, which starts a
        # phrase of its own ('the-complex-relationship', not '...-between-donald-trump').
        words = whole.split("-")
        starts = [i for i in range(2, max_words + 1) if words[i] in _PREPOSITIONS]
        kept = words[: starts[-1]] if starts else words[:max_words]
        while len(kept) > 1 and kept[-1] in _DANGLING:
            kept.pop()
    return "-".join(kept)


# Family names that are written first (Xi Jinping, Kim Jong Un, Nguyen Phu Trong); in a name
# that starts with one, the last word is likely a given name. Kim Campbell's is not: such a
# name is a guess to confirm, never taken as it is.
FAMILY_FIRST = frozenset(
    "xi li wang zhang liu chen yang zhao huang zhou wu hu jiang wen sun zhu ma guo he lin luo gao "
    "kim lee park choi jung chung kang cho yoon yun moon roh chun han "
    "nguyen tran le pham hoang phan vu vo dang bui do ho ngo duong ly hun".split()
)
_PARTICLES = frozenset("da das de del della der di do dos du la le van von y bin ibn al el ben".split())


def name_id(name: str) -> tuple[str, bool]:
    """The id a leader's name proposes, and whether it is sure.

    An id is the name readers know the leader by, which is the family name; and it is a
    permanent address. Only a one-word name, or two words of which the first is not a
    family name written first, is sure: 'Emmanuel Macron' is 'macron'. Otherwise the id is a
    proposal for the editor to confirm: 'Xi Jinping' proposes 'xi', 'Ursula von der Leyen'
    'von-der-leyen' (from the first particle on), 'Recep Tayyip Erdoğan' 'erdogan', and
    'Luiz Inácio Lula da Silva' 'da-silva', where the editor knows to answer 'lula'."""
    words = name.split()
    if len(words) <= 1:
        return slug(name), True
    if slug(words[0]) in FAMILY_FIRST:
        return slug(words[0]), False
    inner = [i for i, word in enumerate(words[1:-1], start=1) if word.casefold() in _PARTICLES]
    if inner:
        return slug(" ".join(words[inner[0] :]), max_words=10), False
    return slug(words[-1]), len(words) == 2
