"""The day each record last changed, from git: worked out from the whole log once, then
from the commits made since (builder.records.history), and the same days either way."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import commit_all

from builder.records import history

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
RIVERTON = "content/meetings/2020-03-03-riverton-talks.yaml"
ALPHA = "leaders/alpha.yaml"


def _git(root: Path, *args: str, day: str = "2026-01-01") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
    done = subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True, env=env)
    return done.stdout.strip()


def _edit(root: Path, rel: str, line: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8") + f"# {line}\n", encoding="utf-8")


@pytest.fixture
def repo(small: Path) -> Path:
    _git(small, "init", "-q", "-b", "main")
    commit_all(small, "2026-01-01")
    return small


def _logs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The git commands history runs from now on."""
    ran: list[tuple[str, ...]] = []
    real = history._git

    def counted(root: Path, *args: str) -> Any:
        ran.append(args)
        return real(root, *args)

    monkeypatch.setattr(history, "_git", counted)
    return ran


def test_the_days_follow_the_commits_and_equal_those_of_the_whole_log(repo: Path) -> None:
    """Commits on main, a side branch merged in (keeping main's side of a file the branch
    changed, so the default log would leave the branch out), and a commit after: at each
    step, the days from the last step's and the log since are those of the whole log."""
    kept = history.dated(repo)
    assert kept[1][RIVERTON] == "2026-01-01" and kept[0].split()[0] == _git(repo, "rev-parse", "HEAD")
    _edit(repo, RIVERTON, "one")
    commit_all(repo, "2026-02-01")
    steps = [kept]
    _git(repo, "checkout", "-q", "-b", "side")
    _edit(repo, ALPHA, "on the side")
    commit_all(repo, "2026-03-01")
    assert history.dated(repo, steps[-1]) == history.dated(repo)
    _git(repo, "checkout", "-q", "main")
    _edit(repo, RIVERTON, "two")
    commit_all(repo, "2026-02-15")
    steps.append(history.dated(repo, steps[-1]))
    assert steps[-1] == history.dated(repo)
    _git(repo, "merge", "-q", "-s", "ours", "--no-edit", "side", day="2026-03-10")
    steps.append(history.dated(repo, steps[-1]))
    _edit(repo, RIVERTON, "three")
    commit_all(repo, "2026-04-01")
    steps.append(history.dated(repo, steps[-1]))
    whole = history.dated(repo)
    assert steps[-1] == whole
    assert whole[1][RIVERTON] == "2026-04-01"
    assert whole[1][ALPHA] == "2026-03-01"  # changed on the side branch: its day counts


def test_at_the_same_commit_no_log_is_read_and_after_one_only_the_commits_since(
    repo: Path, monkeypatch: pytest.MonkeyPatch, run
) -> None:
    """The log of every commit read on every run cost seconds at a few thousand commits of a
    large knowledge base, even on a run that changed nothing."""
    assert run("generate", "--root", repo).code == 0
    ran = _logs(monkeypatch)
    _edit(repo, RIVERTON, "saved, not committed")
    assert run("generate", "--root", repo).code == 0
    assert not [args for args in ran if args[0] == "log"]
    first = _git(repo, "rev-parse", "HEAD")
    commit_all(repo, "2026-05-01")
    assert run("generate", "--root", repo).code == 0
    logs = [args for args in ran if args[0] == "log"]
    assert len(logs) == 1 and f"{first}..{_git(repo, 'rev-parse', 'HEAD')}" in logs[0]
    page = (repo / "build/docs/meetings/2020-03-03-riverton-talks.md").read_text(encoding="utf-8")
    assert "2026-05-01" in page or "1 May 2026" in page


def test_a_history_rewritten_is_read_whole(repo: Path, run) -> None:
    """The kept commit is no ancestor of the new one (amended, reset, another branch): the
    whole log, as a run from nothing reads it."""
    _edit(repo, RIVERTON, "one")
    commit_all(repo, "2026-02-01")
    kept = history.dated(repo)
    assert kept[1][RIVERTON] == "2026-02-01"
    _git(repo, "reset", "-q", "--hard", "HEAD~1")
    _edit(repo, ALPHA, "instead")
    commit_all(repo, "2026-01-15")
    assert history.dated(repo, kept) == history.dated(repo)
    assert history.dated(repo, kept)[1][RIVERTON] == "2026-01-01"


def test_a_shallow_clone_made_deeper_is_read_again(repo: Path, tmp_path: Path) -> None:
    """At the same commit, a shallow clone made deeper has more history: its bounds are in
    what the days are of."""
    _edit(repo, RIVERTON, "one")
    commit_all(repo, "2026-02-01")
    _edit(repo, ALPHA, "two")
    commit_all(repo, "2026-03-01")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    shallow = history.dated(clone)
    assert shallow[1][RIVERTON] == "2026-03-01"  # one commit: every file of it
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=clone, check=True)
    deeper = history.dated(clone, shallow)
    assert deeper != shallow and deeper == history.dated(clone)
    assert deeper[1][RIVERTON] == "2026-02-01"


def test_outside_git_there_are_no_days(small: Path, tmp_path: Path) -> None:
    assert history.dated(small) == ("", {})
    assert history.dated(small, ("0" * 40, {RIVERTON: "2026-01-01"})) == ("", {})


def test_a_log_git_cannot_give_is_not_kept(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A partial clone whose remote is away cannot give the log: no dates, and none kept
    under the commit's key, so the next run reads the whole log again (a helper found the
    empty dates kept, and the pages undated for good)."""
    real = history._git

    def refused(root: Path, *args: str) -> Any:
        done = real(root, *args)
        return subprocess.CompletedProcess(done.args, 128, "", "fatal: no remote") if args[0] == "log" else done

    monkeypatch.setattr(history, "_git", refused)
    assert history.dated(repo) == ("", {})
    monkeypatch.setattr(history, "_git", real)
    assert history.dated(repo, ("", {}))[1][RIVERTON] == "2026-01-01"


def test_where_the_knowledge_base_is_in_the_repository_is_part_of_the_key(small: Path, tmp_path: Path) -> None:
    """The paths are relative to the knowledge base's folder: moved within the repository
    (to a folder git does not track, here), its dates are read again, not taken as they were."""
    outer = tmp_path / "outer"
    outer.mkdir()
    shutil.copytree(small, outer / "kb")
    _git(outer, "init", "-q", "-b", "main")
    commit_all(outer, "2026-01-01")
    kept = history.dated(outer / "kb")
    assert kept[1][RIVERTON] == "2026-01-01"
    (outer / "kb").rename(outer / "kb2")
    assert history.dated(outer / "kb2", kept) == history.dated(outer / "kb2")
    assert history.dated(outer / "kb2")[1] == {}  # untracked: no day


def test_replaced_objects_and_odd_names_change_nothing(repo: Path) -> None:
    """`git replace` changes the log and not the commit: it is not followed, in a whole log
    or after. A name that is not UTF-8, in the history of a record folder, stopped the run."""
    _edit(repo, RIVERTON, "one")
    commit_all(repo, "2026-03-01")
    _edit(repo, RIVERTON, "two")
    commit_all(repo, "2026-04-01")
    kept = history.dated(repo)
    _git(repo, "replace", "--graft", "HEAD~1")
    assert history.dated(repo, kept) == history.dated(repo) == kept
    odd = repo / os.fsdecode(b"leaders/old-\xe9.yaml")
    odd.write_text("name: Old\n", encoding="utf-8")
    commit_all(repo, "2026-05-01")
    odd.unlink()
    commit_all(repo, "2026-05-02")
    _git(repo, "config", "core.quotePath", "false")
    days = history.dated(repo)[1]
    assert days[RIVERTON] == "2026-04-01" and all(name.isprintable() for name in days)
