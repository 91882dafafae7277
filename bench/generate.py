"""Synthetic knowledge bases in the real record format, for benchmarks.

    python bench/generate.py DIR --meetings 10000 [--leaders 500] [--issues 300] [--commits 3000]

In proportion to the meetings: leaders, issues and sources (with archived texts that the
citations quote, so the quote check runs), [[links]] in summaries, positions and
developments, each sentence marked with its citation ([@q]). The same arguments give the same files.

``--commits N`` makes the folder a git repository: the records committed, then N commits
that each retitle one to three meetings, an hour apart (pages are dated from git's log).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "summit talks treaty border trade energy security sanctions envoy ceasefire accord dialogue "
    "pipeline grain visit council declaration tension reform alliance exchange delegation"
).split()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def _write(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True), encoding="utf-8")


def generate(root: Path, meetings: int, leaders: int | None = None, issues: int | None = None, seed: int = 1) -> None:
    rng = random.Random(seed)
    leaders = leaders or max(3, meetings // 20)
    issues = issues or max(2, meetings // 33)
    sources = max(1, meetings // 50)
    for name in ("mkdocs.yml",):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "overrides", root / "overrides", dirs_exist_ok=True)
    shutil.copytree(REPO / "content/pages", root / "content/pages", dirs_exist_ok=True)

    sentences: dict[str, list[str]] = {}
    for s in range(sources):
        sid = f"source-{s:04d}"
        lines = [" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(40)]
        sentences[sid] = lines
        (root / "content/sources").mkdir(parents=True, exist_ok=True)
        (root / f"content/sources/{sid}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _write(root / f"content/sources/{sid}.yaml", {"title": f"Report {s}", "archive": f"{sid}.txt"})

    def cite(key: str = "q") -> list[dict[str, str]]:
        """One citation, named ``key``: every sentence of the synthetic records ends with [@key]."""
        sid = rng.choice(list(sentences))
        return [{"key": key, "source": sid, "quote": rng.choice(sentences[sid])}]

    lids = [f"leader-{n:04d}" for n in range(leaders)]
    iids = [f"issue-{n:04d}" for n in range(issues)]
    for n, lid in enumerate(lids):
        _write(
            root / f"leaders/{lid}.yaml",
            {
                "name": f"Leader {n}",
                "country": f"Country {n % 97}",
                "roles": [{"title": f"President of Country {n % 97}", "from": 1990 + n % 30, "cite": ["q"]}],
                "summary": f"Head of state who met [[{rng.choice(lids)}]]. [@q]",
                "citations": cite(),
            },
        )
    for n, iid in enumerate(iids):
        _write(
            root / f"content/issues/{iid}.yaml",
            {
                "title": f"Issue {n}",
                "summary": f"A question between [[{rng.choice(lids)}]] and others. [@q]",
                "related": sorted({rng.choice(iids) for _ in range(2)} - {iid}),
                "developments": [
                    {"date": str(rng.randint(1990, 2024)), "text": "Something happened. [@d]", "citations": cite("d")}
                ],
                "positions": {
                    # a key names one citation of a record: each position's is its leader's id
                    lid: {"text": f"Holds a view. [@{lid}]", "citations": cite(lid)}
                    for lid in sorted(rng.sample(lids, 2))
                },
                "citations": cite(),
            },
        )
    for n in range(meetings):
        year, month, day = rng.randint(1990, 2024), rng.randint(1, 12), rng.randint(1, 28)
        date = [str(year), f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"][n % 3]
        who = rng.sample(lids, 2 if n % 10 else 3)
        _write(
            root / f"content/meetings/{date}-talks-{n:05d}.yaml",
            {
                "title": f"Talks {n}",
                "date": date,
                "kind": rng.choice(["summit", "bilateral", "call"]),
                "location": f"City {n}",  # a place of its own: no two meetings are one event (check)
                "participants": who,
                "issues": rng.sample(iids, 2),
                "summary": f"Meeting of [[{who[0]}]] and [[{who[1]}]] on [[{rng.choice(iids)}]]. [@q]",
                "outcomes": ["An agreement to meet again. [@q]"],
                "citations": cite(),
            },
        )


def history(root: Path, commits: int, seed: int = 1) -> None:
    """Make ``root`` a git repository: everything committed, then ``commits`` commits that
    each retitle one to three meetings (through git fast-import: seconds, not minutes)."""
    rng = random.Random(seed)
    when = 1_700_000_000
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{when} +0000", "GIT_COMMITTER_DATE": f"{when} +0000"}
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "records"], cwd=root, check=True, env=env)
    meetings = sorted(p.relative_to(root).as_posix() for p in (root / "content/meetings").glob("*.yaml"))
    texts: dict[str, str] = {}
    stream = ["reset refs/heads/main\nfrom HEAD^0\n"]
    for n in range(commits):
        stream.append(f"commit refs/heads/main\ncommitter bench <bench@example.org> {when + 3600 * (n + 1)} +0000\n")
        stream.append("data 7\nretitle\n")
        for rel in rng.sample(meetings, rng.randint(1, 3)):
            text = texts.get(rel) or (root / rel).read_text(encoding="utf-8")
            texts[rel] = text = text.replace("title: ", f"title: Edit {n} of ", 1)
            data = text.encode("utf-8")
            stream.append(f"M 100644 inline {rel}\ndata {len(data)}\n{text}\n")
    subprocess.run([*git, "fast-import", "--quiet"], cwd=root, input="".join(stream), text=True, check=True)
    subprocess.run([*git, "reset", "-q", "--hard", "main"], cwd=root, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--meetings", type=int, required=True)
    parser.add_argument("--leaders", type=int)
    parser.add_argument("--issues", type=int)
    parser.add_argument(
        "--commits", type=int, default=0, help="a git repository with this many commits after the first"
    )
    args = parser.parse_args()
    args.root.mkdir(parents=True, exist_ok=True)
    generate(args.root, args.meetings, args.leaders, args.issues)
    if args.commits:
        history(args.root, args.commits)


if __name__ == "__main__":
    main()
