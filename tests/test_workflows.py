"""The GitHub workflows are checked here, offline, so a mistake fails this suite and not a push."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ldnreview import cite, paths

ROOT = paths.root()
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
FILES = sorted(WORKFLOWS.glob("*.yml"))


def test_both_workflows_exist():
    assert {p.name for p in FILES} >= {"deploy.yml", "release.yml"}


def test_workflows_match_the_github_schema():
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_above_low():
    # Pedantic persona: every audit runs; findings of low severity or below are tolerated.
    result = subprocess.run([str(BIN / "zizmor"), "--offline", "--persona", "pedantic", "--format", "json", str(WORKFLOWS)],
                            capture_output=True, text=True)
    findings = json.loads(result.stdout)
    serious = [(f["ident"], f["determinations"]["severity"]) for f in findings
               if f["determinations"]["severity"] not in ("Unknown", "Informational", "Low")]
    assert serious == [], result.stderr[-3000:]


def _steps(name):
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return workflow, [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_deploy_runs_the_readme_commands_and_publishes_the_site():
    workflow, steps = _steps("deploy.yml")
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    runs = [s.get("run", "") for s in steps]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("make book", "make test"):
        assert command in readme and command in runs
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    assert any(cite.SITE_PDF in r and "_build/html" in r for r in runs), "citation_pdf_url needs the PDF on the site"
    assert workflow["permissions"] == {}


def test_release_attaches_exactly_the_assets_the_cite_boxes_link_to():
    workflow, steps = _steps("release.yml")
    assert workflow[True]["push"]["tags"] == ["v*"]
    script = "\n".join(s.get("run", "") for s in steps)
    for command in ("make book", "make test", "make pdf"):
        assert command in script
    for kind, name in cite.ASSETS.items():
        assert f"dist/{name.format(version='${version}')}" in script, f"release.yml must build the {kind} asset {name}"
    assert "gh release create" in script
    assert workflow["permissions"] == {}
    assert [job["permissions"] for job in workflow["jobs"].values()] == [{"contents": "write"}]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_actions_are_pinned_to_a_commit(path):
    _, steps = _steps(path.name)
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_release_notes_come_from_the_changelog():
    version = cite.book_meta().version
    result = subprocess.run([sys.executable, "-m", "ldnreview", "release-notes", version], capture_output=True, text=True)
    assert result.returncode == 0 and "Conclusions:" in result.stdout
