"""The GitHub Actions workflow: valid for GitHub's schema, clean under zizmor, deploys only from main."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from builder.engines.site_folder import OLD

REPO = Path(__file__).parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
LINKS = REPO / ".github" / "workflows" / "links.yml"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)


def test_valid_against_githubs_workflow_schema() -> None:
    assert WORKFLOW in WORKFLOWS and LINKS in WORKFLOWS
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_clean_under_zizmor_even_as_an_auditor() -> None:
    result = _run(str(BIN / "zizmor"), "--offline", "--persona", "auditor", *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_pinned_least_privilege_and_deploys_only_from_main() -> None:
    text = WORKFLOW.read_text()
    flow = yaml.safe_load(text)
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    assert {"actions/upload-pages-artifact", "actions/deploy-pages"} <= {u.split("@")[0] for u in uses}
    assert flow["permissions"] == {"contents": "read"}
    deploy = flow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    steps = " ".join(str(step.get("run", "")) for step in flow["jobs"]["build"]["steps"])
    for command in ("summitry check", "pytest", "summitry build", "builder.linkcheck site", "ruff check", "mypy"):
        assert command in steps
    assert "-c constraints.txt" in steps and "npm ci" in steps


def test_every_python_version_claimed_is_tested_and_one_publishes() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text())
    claimed = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    versions = flow["jobs"]["build"]["strategy"]["matrix"]["python"]
    assert claimed == ">=3.11" and versions[0] == "3.11" and "3.13" in versions
    upload = next(s for s in flow["jobs"]["build"]["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert "matrix.python == '3.11'" in upload["if"]
    assert "matrix.python" in flow["jobs"]["build"]["concurrency"]["group"]  # or the versions cancel each other


def test_dependabot_watches_the_actions_and_the_pins() -> None:
    config = REPO / ".github" / "dependabot.yml"
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    ecosystems = {u["package-ecosystem"] for u in yaml.safe_load(config.read_text())["updates"]}
    assert {"github-actions", "pip", "npm"} <= ecosystems


def test_constraints_pin_every_package_the_project_names() -> None:
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    named = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    for requirement in named:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", requirement).group()).lower()
        assert pins.get(name), f"constraints.txt pins no version of {name}"


def test_link_check_is_weekly_reports_in_an_issue_and_never_fails_a_build() -> None:
    text = LINKS.read_text()
    flow = yaml.safe_load(text)
    triggers = flow[True]  # YAML 1.1 (PyYAML) reads the key 'on' as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}, "it must not run on push"
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", triggers["schedule"][0]["cron"])
    assert flow["permissions"] == {}
    job = flow["jobs"]["links"]
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    uses = re.findall(r"uses: (\S+)", text)
    assert uses and all(re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", u) for u in uses), uses
    lychee = next(step for step in job["steps"] if "lychee-action" in step.get("uses", ""))
    assert lychee["with"]["fail"] is False and "content/sources/*.yaml" in lychee["with"]["args"]
    report = job["steps"][-1]["run"]
    assert "gh issue edit" in report and "gh issue create" in report


def test_the_last_build_is_kept_per_ref_so_a_pull_request_never_feeds_main() -> None:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]["steps"]
    cached = {s["uses"].split("@")[0]: s["with"] for s in steps if s.get("uses", "").startswith("actions/cache/")}
    assert set(cached) == {"actions/cache/restore", "actions/cache/save"}
    for given in cached.values():
        # the key the kept state is signed with travels with it, or the state is foreign
        assert [p for p in given["path"].split() if not p.startswith("!")] == ["build", "site", "~/.cache/summitry"]
        assert given["key"].startswith("site-${{ github.ref }}-")
    # what is saved leaves out the site set aside for removal (builder.engines.site_folder)
    assert f"!build/{OLD}*" in cached["actions/cache/save"]["path"].split()
    assert cached["actions/cache/restore"]["restore-keys"] == "site-${{ github.ref }}-${{ matrix.python }}-"
    names = [s.get("name", "") for s in steps]
    restore, save = (
        names.index("Restore the last build of this ref"),
        names.index("Keep this build for the next run of this ref"),
    )
    builds = [i for i, s in enumerate(steps) if ".venv/bin/summitry build" in str(s.get("run", ""))]
    assert restore < min(builds) and save > max(builds)
    # the wheel's own run comes after: its other packages would make the kept build a full one
    wheel = names.index("Install the wheel outside the checkout and run it on the records")
    assert wheel > save
