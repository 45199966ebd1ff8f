"""Hostile cells, through the real pipeline: validate, execute the chapter, strict book build. The built
page must hold no live element from data, no build-machine file, and _downloads no stray file."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import set_cell, read_rows
from ldnreview import paths

ROOT = paths.root()
EVIL = "https://evil.example"
PAYLOADS = {
    ("studies.csv", "result_summary"): f'<script>alert(1)</script> <img src=x onerror=alert(2)> <iframe src="{EVIL}/"></iframe>',
    ("studies.csv", "comparator"): f'placebo <a href="{EVIL}">x</a> [click]({EVIL}/) ![img]({EVIL}/x.png) ClinicalTrials.gov',
    ("outcomes.csv", "note"): "{download}`../../../../etc/hostname` {literalinclude} /etc/passwd {{ usual_band }} $x$ <b>bold</b>",
}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("hostile") / "book"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv*", "_build", ".git", "__pycache__"))
    studies, outcomes = read_rows(copy / "data" / "studies.csv")[1], read_rows(copy / "data" / "outcomes.csv")[1]
    row = next(i for i, r in enumerate(studies, 1) if r["study_id"] == "Bruun2024")
    out = next(i for i, r in enumerate(outcomes, 1) if r["study_id"] == "Bruun2024")
    for (table, column), payload in PAYLOADS.items():
        set_cell(copy / "data" / table, row if table == "studies.csv" else out, column, payload)
    env = {"LDNREVIEW_ROOT": str(copy), "LDNREVIEW_FIGURES_DIR": str(copy / "figures"), "PATH": "/usr/bin:/bin"}
    bin_ = Path(sys.executable).parent
    for command in ([sys.executable, "-m", "ldnreview", "validate"],
                    [sys.executable, "-m", "ldnreview", "execute", str(copy / "book" / "conditions" / "fibromyalgia.ipynb")],
                    [str(bin_ / "jupyter-book"), "build", str(copy), "-W", "-n", "--keep-going"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=copy)
        assert result.returncode == 0, f"{command[-1]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return copy / "_build" / "html"


def test_payloads_are_inert_in_the_built_page(hostile_site):
    page = (hostile_site / "book" / "conditions" / "fibromyalgia.html").read_text(encoding="utf-8")
    body = page.split('<main', 1)[1]
    assert "alert(1)" in body, "the payload should be shown, as text"
    assert not re.search(r"<(script|iframe)\b[^>]*>\s*alert|<iframe\b|<img\b[^>]*\bsrc=\"?x\b|<[^>]*onerror", body)
    assert f'href="{EVIL}' not in page and f'src="{EVIL}' not in page
    # The bare word in a cell must not become a link; the registry links the package draws (/study/NCT...) are fine.
    assert not re.search(r'<a [^>]*href="https?://(www\.)?ClinicalTrials\.gov/?"', page, flags=re.I)
    assert "root:x:0:0" not in page and "{download}" in body  # the role is shown as text, not run


def test_no_build_machine_file_is_published(hostile_site):
    host = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else None
    downloads = sorted(p.name for p in (hostile_site / "_downloads").rglob("*") if p.is_file())
    assert not [n for n in downloads if n in ("hostname", "passwd")], downloads
    published = (hostile_site / "book" / "conditions" / "fibromyalgia.html").read_text(encoding="utf-8")
    assert not host or f">{host}<" not in published
