"""``summitry quote``: the passages of an archived text that best match some words, in the
archive's own characters, so that pasted as a citation's quote they pass the quote check."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from builder.authoring.sentences import Sentence, split
from builder.errors import SummitryError, ValidationFailed, did_you_mean
from builder.pipeline import Project
from builder.records.kinds import KINDS
from builder.records.load import load_file, record_names
from builder.records.safe_files import linked_folder
from builder.records.validate import validate
from builder.resolve.archives import archives
from builder.resolve.quotes import _FOLD, fold, lowered


@dataclass(frozen=True)
class Passage:
    score: int  # 0-100, how well the words match it
    line: int
    text: str  # the archive's characters, white space made single


# Folding keeps a character's length but for a few ('\u2026' into '...'): those are first
# folded to a private-use stand-in each, so that the text can be folded in one pass.
_LONG = {k: v for k, v in _FOLD.items() if isinstance(v, str) and len(v) != 1}
_STAND_IN = {k: chr(0xE000 + i) for i, k in enumerate(sorted(_LONG))}
_SHORT = {**_FOLD, **_STAND_IN}
_BACK = {ord(_STAND_IN[k]): _LONG[k] for k in _LONG}


class Folded:
    """A text as quotes.fold makes it, and the way back from each of its characters to the
    text's own: kept per word, as a word keeps its length unless it holds a '\u2026'."""

    def __init__(self, text: str) -> None:
        runs = [(m.start(), m.group(0)) for m in re.finditer(r"\S+", text.translate(_SHORT))]
        self._origins = [start for start, _ in runs]
        words = [word.translate(_BACK) for _, word in runs]
        self._starts = list(itertools.accumulate((len(w) + 1 for w in words), initial=0))[:-1]
        self._odd: dict[int, list[int]] = {}  # words whose length folding changed: offsets per character
        for i, (start, word) in enumerate(runs):
            if len(words[i]) != len(word):
                self._odd[i] = [start + k for k, c in enumerate(word) for _ in range(len(c.translate(_BACK)))]
        self.text = " ".join(words)

    def origin(self, at: int) -> int:
        """The offset in the text of the folded character at ``at`` (a character of a word)."""
        word = bisect.bisect_right(self._starts, at) - 1
        inside = at - self._starts[word]
        odd = self._odd.get(word)
        return odd[inside] if odd is not None else self._origins[word] + inside

    def at(self, offset: int) -> int:
        """The folded offset of the first word that starts at or after ``offset`` in the text."""
        word = bisect.bisect_left(self._origins, offset)
        return self._starts[word] if word < len(self._starts) else len(self.text)


WEAKEST = 50  # below this, a passage shares little more than common letters with the words


def _score(query: str, choice: str, **_: object) -> float:
    """How like the words a sentence is: its best stretch, or the whole of a shorter one
    (partial alignment would otherwise match a short heading inside the words)."""
    return float(fuzz.partial_ratio(query, choice) if len(choice) >= len(query) else fuzz.ratio(query, choice))


def _refine(
    folded: str, low: str, query: str, span: tuple[int, int], region: tuple[int, int]
) -> tuple[float, int, int]:
    """The run of whole words near ``span`` (within ``region``) most like the words: the
    alignment has the words' length, a paraphrase need not."""
    lo, hi = max(region[0], span[0] - 200), min(region[1], span[1] + 200)
    words = [(m.start() + lo, m.end() + lo) for m in re.finditer(r"\S+", folded[lo:hi])]
    if lo > region[0] and words and folded[lo - 1] != " ":
        words = words[1:]  # cut by the window, not a word of the text
    if hi < region[1] and words and folded[hi] != " ":
        words = words[:-1]
    first = next((i for i, (_, e) in enumerate(words) if e > span[0]), 0)
    last = next((i for i, (_, e) in enumerate(words) if e >= span[1]), len(words) - 1)
    best = (-1.0, span[0], span[1])
    for i in range(max(0, first - 2), min(len(words), first + 3)):
        for j in range(max(i, last - 2), min(len(words), last + 3)):
            score = fuzz.ratio(query, low[words[i][0] : words[j][1]])
            if score > best[0]:
                best = (score, words[i][0], words[j][1])
    return best


def _sentence_at(sentences: list[Sentence], offset: int) -> Sentence:
    """The sentence that holds the character at ``offset`` (or the last that starts before it)."""
    at = bisect.bisect_right([s.start for s in sentences], offset) - 1
    return sentences[max(at, 0)]


def find(text: str, words: str, limit: int = 3) -> list[Passage]:
    """The sentences most like the words, best first: around the best match in the whole
    text, then around the best within each other sentence, up to ``limit`` distinct
    passages. Each is whole sentences (one, or the run of them a match crosses), in the
    archive's own characters, so that it can be pasted as a quote that says something."""
    query = lowered(fold(words))
    folded = Folded(text)
    sentences = split(text)
    if not query or not folded.text or not sentences:
        return []
    low = lowered(folded.text)
    regions = [(0, len(folded.text))]
    for sentence in sentences:
        end = folded.at(sentence.end)
        regions.append((folded.at(sentence.start), end - 1 if end < len(low) else end))
    ranked = process.extract(query, [low[a:b] for a, b in regions[1:]], scorer=_score, limit=limit * 4)
    passages: dict[tuple[int, int], Passage] = {}
    for region in [regions[0], *(regions[i + 1] for _, _, i in ranked)]:
        if len(passages) >= limit:
            break
        found = fuzz.partial_ratio_alignment(query, low[region[0] : region[1]])
        if found is None:
            continue
        aligned = (region[0] + found.dest_start, region[0] + found.dest_end)
        score, a, b = _refine(folded.text, low, query, aligned, region)
        if a >= b or score < WEAKEST:
            continue
        first, last = _sentence_at(sentences, folded.origin(a)), _sentence_at(sentences, folded.origin(b - 1))
        if (first.start, last.end) not in passages:
            whole = " ".join(text[first.start : last.end].split())
            passages[first.start, last.end] = Passage(round(score), first.line, whole)
    return sorted(passages.values(), key=lambda p: (-p.score, p.line))


def archived_text(root: Path, source: str) -> str:
    """The archived text of ``source``, read through its own record only: the command helps
    repair a quote that fails check, so other records' problems do not stop it."""
    folder = KINDS["source"].folder
    if linked := linked_folder(root, folder):  # as check refuses it: never read through a link
        raise SummitryError(f"{linked} is a symbolic link: the knowledge base's folders must be folders")
    names = record_names(root)["source"]
    if f"{source}.yaml" not in names:
        hint = did_you_mean(source, [n.rpartition(".")[0] for n in names])
        raise SummitryError(f"unknown source '{source}': no {folder}/{source}.yaml{hint}")
    raw, problems = load_file(root, root / folder / f"{source}.yaml", "source")
    if raw is None:
        raise ValidationFailed(problems) if problems else SummitryError(f"{folder}/{source}.yaml is gone")
    entries, problems, _ = validate([raw])
    if problems:
        raise ValidationFailed(problems)
    found, problems = archives(root, entries)
    if source in found:
        return found[source].text
    if problems:
        raise ValidationFailed(problems)
    why = " ".join(str(entries[0].model.no_archive).split())
    raise SummitryError(f"source '{source}' has no archived text to read: {why}")


def quote_lines(project: Project, source: str, words: str, limit: int) -> list[str]:
    if not words.strip():  # before the knowledge base is read: nothing can be like no words
        raise SummitryError('give the words to look for: summitry quote SOURCE "words"')
    text = archived_text(project.root, source)
    lines = []
    for p in find(text, words, limit):
        lines += [f"line {p.line}, {p.score}% alike:", f"  {p.text}"]
    if not lines:  # an exit status a script can test, as grep's
        raise SummitryError(f"nothing in the archived text of '{source}' is like those words")
    return lines
