"""The notebooks are thin, follow one skeleton, were executed top to bottom, and match the data and the toc."""

import json
import re
from importlib.metadata import version

import nbformat
import pytest

from ldnreview import load, notebooks, paths
from ldnreview.chapter import fingerprint_line
from ldnreview.load import chapter_conditions
from ldnreview.notebooks import SECTIONS

ROOT = paths.root()
ALL = notebooks.notebooks()
CHAPTERS = sorted((ROOT / "book" / "conditions").glob("*.ipynb"))


def ids(paths_):
    return [p.relative_to(ROOT).as_posix() for p in paths_]


def test_jupyter_book_is_major_version_1():
    # 2.x ignores _config.yml and _toc.yml; the whole build depends on 1.x.
    assert version("jupyter-book").split(".")[0] == "1"


def test_every_condition_has_a_chapter_in_the_toc():
    data = load()
    expected = {f"book/conditions/{c}" for c in chapter_conditions(data.conditions)["condition"]}
    listed = {d for d in notebooks.toc_docs() if d.startswith("book/conditions/")}
    on_disk = {p.relative_to(ROOT).with_suffix("").as_posix() for p in CHAPTERS}
    assert listed == expected == on_disk


def test_toc_is_generated_from_data():
    assert (ROOT / "_toc.yml").read_text(encoding="utf-8") == notebooks.toc(load().conditions)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_executed_in_order_from_a_fresh_kernel(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: run `make execute` (counts {counts})"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_outputs_are_clean(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name} cell {index} stored an error"
            assert output.get("name") != "stderr", f"{path.name} cell {index} wrote to stderr"
            text = json.dumps(output.get("data", {})) + output.get("text", "")
            assert not re.search(r"0x[0-9a-f]{6,}|<Figure size", text), f"{path.name} cell {index}: unstable output"


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_provenance_cell_prints_current_data_fingerprint(path):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "fingerprint()" in c.source)
    printed = "".join(o.get("text", "") for o in cell.outputs).strip()
    assert printed == fingerprint_line(load()), f"{path.name} was executed against other data: run `make execute`"
    # Out of the reader's way: collapsed, and after everything the page is for.
    assert "hide-output" in cell.metadata.get("tags", [])
    assert nb.cells.index(cell) > len(nb.cells) - 5


CHAPTER_PAGES = CHAPTERS + [ROOT / "book" / f"{name}.ipynb" for name in
                            ("evidence-map", "dosing", "safety", "mechanism", "claims-audit")]


@pytest.mark.parametrize("path", CHAPTER_PAGES, ids=ids(CHAPTER_PAGES))
def test_every_chapter_ends_with_its_cite_box(path):
    nb = nbformat.read(path, as_version=4)
    last = [c for c in nb.cells if c.cell_type == "code"][-1]
    assert "cite_box(" in last.source or "cite_this(" in last.source
    assert any("Cite this chapter" in o.get("data", {}).get("text/markdown", "") for o in last.outputs)


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_notebooks_are_thin(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 4, f"{path.name}: logic belongs in ldnreview, not a notebook cell"
            assert "sys.path" not in cell.source and "def " not in cell.source


@pytest.mark.parametrize("path", CHAPTERS, ids=ids(CHAPTERS))
def test_condition_chapters_share_one_skeleton(path):
    nb = nbformat.read(path, as_version=4)
    key = path.stem
    expected = notebooks.condition_notebook(key, load().conditions.set_index("condition").loc[key, "display_name"])
    assert [c.source for c in nb.cells] == [c.source for c in expected.cells], f"{path.name} departs from the chapter skeleton"
    assert [c.metadata.get("tags") for c in nb.cells] == [c.metadata.get("tags") for c in expected.cells]
    headings = [c.source.split("\n")[0] for c in nb.cells if c.cell_type == "markdown"][1:]
    sections = [f"## {h}" for h, _, _ in SECTIONS]
    assert [h for h in headings if h in sections] == sections
    assert headings[-3:] == ["## Rerun this chapter", "## Provenance", "## How to cite this chapter"]
