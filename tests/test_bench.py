"""The benchmark scripts still run against the builder as it is (they import its internals)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import commit_all

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.slow
def test_page_cost_times_every_page_and_every_template(small: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "page_cost.py"), str(small), "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    pages = int(re.search(r"^([\d,]+) page jobs", done.stdout, re.M)[1].replace(",", ""))  # type: ignore[index]
    rows = dict(re.findall(r"^\| (\S+\.md\.j2) \| ([\d,]+) \|", done.stdout, re.M))
    made = sum(int(count.replace(",", "")) for count in rows.values())
    # every kind of record page is timed, and no page twice
    assert {"meeting.md.j2", "leader.md.j2", "issue.md.j2", "relation.md.j2", "source.md.j2"} <= rows.keys()
    assert 0 < made <= pages, done.stdout
    assert "| made, each page's reads tracked" in done.stdout
    # the least a run from nothing could take: the sum of its parts, each against the floor
    table = done.stdout.partition("\nThe least a run from nothing could take on ")[2].partition("\n\nBy template")[0]
    rows = re.findall(r"^\| (.+?) \| ([\d.]+) \| \**([\d.]+)x\** \|$", table, re.M)
    assert [what for what, _, _ in rows][::4] == [
        "the floor (every record parsed, CSafeLoader, best of 3)",
        "the least, in all",
    ]
    seconds = [float(s) for _, s, _ in rows]
    assert len(rows) == 5 and abs(sum(seconds[1:4]) - seconds[4]) <= 0.002, table
    # every export job is timed, from nothing and from kept parts
    exported = re.findall(r"^\| (data/\S+|searchindex/\S+) \| ([\d.]+) \| ([\d.]+) \|", done.stdout, re.M)
    assert [name for name, _, _ in exported] == [
        "data/summitry.json",
        "data/leaders.csv",
        "data/meetings.ics",
        "data/meetings.atom",
        "searchindex/t00.json",
    ], done.stdout
    assert not list(small.glob("build")), "the benchmark wrote into the knowledge base"


@pytest.mark.slow
def test_floor_times_each_run_with_its_cpu_and_leaves_nothing_beside_the_knowledge_base(small: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=small, check=True)
    commit_all(small, "2026-01-01")  # and the retitles are committed, then one more run timed
    (small / "build").mkdir()  # a last run's output, moved aside for the run from nothing
    (small / "build" / "left.txt").write_text("from a run before", "utf-8")
    done = subprocess.run(
        [sys.executable, str(BENCH / "floor.py"), str(small)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    timed = r"^\| ([^|]+) \| ([\d.]+) s \| ([\d.]+)x \| ([\d.]+) \+ ([\d.]+) s \| (\d+) \|"
    rows = re.findall(timed, done.stdout, re.M)
    first = [what for what, *_ in rows][:3]
    assert first == ["check", "generate from nothing", "generate, nothing changed"], done.stdout
    assert len(rows) == 1 + 1 + 3 + 5 + 1, done.stdout  # and the median of the retitles, which has no CPU of its own
    assert rows[-1][0] == "generate, the retitles committed"
    for _, seconds, _, user, system, peak in rows:
        assert float(user) + float(system) > 0 and int(peak) > 0 and float(seconds) > 0
    assert not (small / "build" / "left.txt").exists()
    assert sorted(p.name for p in small.parent.iterdir()) == ["kb"], "the moved-aside output is removed at the end"


@pytest.mark.slow
def test_stages_times_each_stage_of_a_run_from_nothing_and_after_an_edit(small: Path) -> None:
    def stages(*how: str) -> dict[str, tuple[float, float]]:
        done = subprocess.run(
            [sys.executable, str(BENCH / "stages.py"), str(small), *how], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        rows = re.findall(r"^\| (?:&nbsp;)*([^|]+) \| ?(?:[\d.]+ s)? ?\| ([\d.]+) s \| ([\d.]+)x \|", done.stdout, re.M)
        return {what: (float(seconds), float(ratio)) for what, seconds, ratio in rows}

    (small / "build").mkdir()  # a last run's output, moved aside for the run from nothing
    (small / "build" / "left.txt").write_text("from a run before", "utf-8")
    cold = stages("--cold", "--jobs", "1")
    assert "every record read (a run from nothing)" in cold and "the changed records read" not in cold, cold
    assert cold["render and write (the exports here, the pages in workers)"][0] > 0
    assert (
        cold["the whole command"][0]
        >= cold["the imports"][0] + cold["render and write (the exports here, the pages in workers)"][0]
    )
    assert sorted(p.name for p in small.parent.iterdir()) == ["kb"], "the moved-aside output is removed at the end"
    edited = stages("--edit")
    assert "the changed records read" in edited and "every record read (a run from nothing)" not in edited, edited
    assert "the state's body and its parts, read and checked" in edited
    quiet = stages()  # nothing changed: the run stops after it began
    assert (
        "the state's body and its parts, read and checked" not in quiet
        and "begin: the last run's head, git's dates, the inputs scanned" in quiet
    )


@pytest.mark.slow
def test_generate_makes_a_history_of_retitles(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    command = [sys.executable, str(BENCH / "generate.py"), str(kb), "--meetings", "40", "--commits", "5"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=kb, capture_output=True, text=True)
    assert count.stdout.strip() == "6"  # the records, then five retitles
    status = subprocess.run(["git", "status", "--porcelain"], cwd=kb, capture_output=True, text=True).stdout
    assert status == ""  # the work tree is the last commit
    assert "title: Edit 4 of " in "".join(p.read_text() for p in (kb / "content/meetings").glob("*.yaml"))
