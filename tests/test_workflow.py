"""The GitHub Actions workflow: valid for GitHub's schema, clean under zizmor, deploys only from main."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

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
    for command in ("summitry check", "pytest", "summitry build", "builder.linkcheck site"):
        assert command in steps


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
