"""The GitHub Actions workflow: valid for GitHub's schema, clean under zizmor, deploys only from main."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)


def test_valid_against_githubs_workflow_schema() -> None:
    result = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr


def test_clean_under_zizmor_even_as_an_auditor() -> None:
    result = _run(str(BIN / "zizmor"), "--offline", "--persona", "auditor", str(WORKFLOW))
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
