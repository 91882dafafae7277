"""How long the closest passage of a quote takes to find in a long archive.

Builds a synthetic archive of about 60,000 words from the shipped articles' sentences in
a shuffled order, with one sentence of its own in the middle, and times the two searches
a long archive makes slow: the "closest passage" reported for a quote that is not found
(Archive.closest) and ``summitry quote`` (passages.find).

    python bench/quotes.py [--words N]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from builder.authoring.quote import find
from builder.authoring.sentences import split
from builder.resolve.quotes import Archive

REPO = Path(__file__).resolve().parent.parent
PLANTED = "In the end they recalled their summit in Geneva in June 2021, when both leaders met for hours."
QUOTES = (
    "Remember their summit in Geneva in June 2021 when both leaders met.",
    "Biden issued a stern warning to Putin about the consequences of a further invasion",
)


def archive(words: int) -> str:
    sentences = [s.text for p in sorted((REPO / "content" / "sources").glob("*.txt")) for s in split(p.read_text())]
    rng = random.Random(13)
    out: list[str] = []
    count = 0
    while count < words:
        out.append(rng.choice(sentences))
        count += len(out[-1].split())
    out.insert(len(out) // 2, PLANTED)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=60_000)
    args = parser.parse_args()
    text = archive(args.words)
    print(f"archive: {len(text.split()):,} words")
    folded = Archive(text)
    for quote in QUOTES:
        start = time.perf_counter()
        passage = folded.closest(quote)
        print(f"closest  {time.perf_counter() - start:7.3f} s  {passage!r}")
        start = time.perf_counter()
        found = find(text, quote, limit=1)
        print(f"quote    {time.perf_counter() - start:7.3f} s  {found[0].text if found else None!r}")


if __name__ == "__main__":
    main()
