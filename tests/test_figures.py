"""Figures are byte-stable, carry no timestamps, and the committed copies in figures/ are current."""

import base64
import inspect
import re
import os
import subprocess
import sys

import pytest

from ldnreview import Chapter, figures, load, paths
from ldnreview.pages import claims_audit, dosing, evidence_map, methods
from ldnreview.load import chapter_conditions

ROOT = paths.root()


def produce_all(target):
    with pytest.MonkeyPatch.context() as monkeypatch:
        # An empty folder, so a committed figure that no chapter produces any more shows up as an orphan.
        monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(target))
        render_every_figure()
    return {p.name: p.read_bytes() for p in sorted(target.iterdir())}


def render_every_figure():
    data = load()
    for key in chapter_conditions(data.conditions)["condition"]:
        chapter = Chapter(key, data)
        chapter.evidence_figure()
        chapter.dose_figure()
        chapter.risk_of_bias_section()
        chapter.outcome_results()
    for page_figure in (evidence_map.evidence_map_figure, dosing.all_doses_figure, claims_audit.verdict_figure,
                        methods.study_flow):
        page_figure(data)


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_all(tmp_path_factory.mktemp("figures"))


def test_committed_figures_are_current(produced):
    committed = {p.name: p.read_bytes() for p in sorted((ROOT / "figures").iterdir())}
    stale = sorted(name for name in produced if committed.get(name) != produced[name])
    orphans = sorted(set(committed) - set(produced))
    assert not stale, f"figures/ out of date (run `make execute`): {stale}"
    assert not orphans, f"figures/ holds files no chapter produces: {orphans}"
    assert all(n.endswith(".svg") for n in produced), "figures are vector only: no raster copy to weigh pages down"


def test_figures_are_byte_stable(monkeypatch, tmp_path, produced):
    """A fresh render is identical to the committed file."""
    data = load()
    monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(tmp_path))
    Chapter("fibromyalgia", data).evidence_figure()
    name = "fibromyalgia-evidence-strength.svg"
    assert (tmp_path / name).read_bytes() == (ROOT / "figures" / name).read_bytes(), name


def test_svg_metadata_is_pinned(produced):
    for name, content in produced.items():
        if name.endswith(".svg"):
            text = content.decode()
            assert "<dc:date>" not in text, name
            assert "Matplotlib v" not in text, name


def test_figure_renders_for_book_and_jupyter(monkeypatch, tmp_path):
    monkeypatch.setenv("LDNREVIEW_FIGURES_DIR", str(tmp_path))
    figure = Chapter("fibromyalgia").evidence_figure()
    book = figure.myst()
    assert ":alt: " in book and "Source: data/studies.csv" in figure.plain()
    assert len(book.split(":alt: ", 1)[1].split("\n", 1)[0]) > 40
    # Jupyter gets the image itself, decodable, with the same alt text and caption.
    page = figure.html()
    encoded = page.split('src="data:image/svg+xml;base64,', 1)[1].split('"', 1)[0]
    assert base64.b64decode(encoded).startswith(b"<?xml")
    assert 'alt="Scatter plot of' in page and "<figcaption>" in page


def test_importing_the_package_changes_no_matplotlib_state():
    code = ("import matplotlib; before = (matplotlib.get_backend(), dict(matplotlib.rcParams)); "
            "import ldnreview, ldnreview.figures, ldnreview.chapter, ldnreview.pages.evidence_map; "
            "from ldnreview import Chapter; Chapter('fibromyalgia').evidence_figure; "
            "assert matplotlib.get_backend() == before[0], 'backend changed'; "
            "changed = {k for k, v in matplotlib.rcParams.items() if before[1].get(k) != v}; "
            "assert not changed, changed")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "MPLBACKEND": "svg"})


def test_direction_is_never_colour_alone():
    markers = [style[1] for style in figures.DIRECTION_STYLE.values()]
    assert len(set(markers)) == len(markers)


def test_every_figure_kind_is_drawn_by_some_page():
    """One function per figure kind, and none left behind: each is asked for by a chapter or a page."""
    kinds = {name for name, fn in inspect.getmembers(figures, inspect.isfunction)
             if fn.__module__ == figures.__name__ and not name.startswith("_") and name not in ("styled", "new_figure")}
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "ldnreview").rglob("*.py"))
    asked = set(re.findall(r'drawing\(\s*"figures", "([a-z_]+)"', sources))
    assert kinds == asked, f"drawn but not defined: {asked - kinds}; defined but never drawn: {kinds - asked}"


NOTHING_DRAWN = """
import sys
from ldnreview import export
draw = export.Drawing.__call__
def refuse(self):
    fig = draw(self)
    if fig is not None:
        sys.exit(f"drew {self.function}{self.args[1:]!r}: no exported SVG carries key {self.key} (run `make execute`)")
export.Drawing.__call__ = refuse
sys.path.insert(0, sys.argv[1])
from test_figures import render_every_figure
render_every_figure()
"""


def test_a_fresh_process_draws_nothing_the_committed_figures_hold(tmp_path):
    """Each committed SVG ends with its drawing's key (inputs and drawing code), computed the same in every process,
    so re-executing the chapters in a fresh clone (nbval) reuses the files and never draws."""
    import shutil

    shutil.copytree(ROOT / "figures", tmp_path / "figures")
    env = dict(os.environ, LDNREVIEW_FIGURES_DIR=str(tmp_path / "figures"))
    result = subprocess.run([sys.executable, "-c", NOTHING_DRAWN, str(ROOT / "tests")], env=env, capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    for svg in sorted((ROOT / "figures").glob("*.svg")):
        assert re.search(rb"<!-- ldnreview drawing [0-9a-f]{24} -->\n$", svg.read_bytes()), svg.name
