"""Figures are byte-stable, carry no timestamps, and the committed copies in figures/ are current."""

import inspect

import pytest

from ldnreview import Chapter, crosscut, figures, load, paths
from ldnreview.notebooks import chapter_conditions

ROOT = paths.root()


def produce_all(target):
    with pytest.MonkeyPatch.context() as monkeypatch:
        # SVG only: an identical SVG means the committed PNG beside it is current (see figures.save).
        monkeypatch.setattr(paths, "figures_dir", lambda: target)
        original = figures.save
        monkeypatch.setattr(figures, "save", lambda *a, **k: original(*a, **k, svg_only=True))
        render_every_figure()
    return {p.name: p.read_bytes() for p in sorted(target.iterdir())}


def render_every_figure():
    data = load()
    for key in chapter_conditions(data.conditions)["condition"]:
        chapter = Chapter(key, data)
        chapter.evidence_figure()
        chapter.dose_figure()
        chapter.outcome_results()
    for name in ("evidence_map_figure", "all_doses_figure", "verdict_figure"):
        getattr(crosscut, name)(data)


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    return produce_all(tmp_path_factory.mktemp("figures"))


def test_committed_figures_are_current(produced):
    committed = {p.name: p.read_bytes() for p in sorted((ROOT / "figures").iterdir()) if p.suffix == ".svg"}
    stale = sorted(name for name in produced if committed.get(name) != produced[name])
    orphans = sorted(set(committed) - set(produced))
    assert not stale, f"figures/ out of date (run `make execute`): {stale}"
    assert not orphans, f"figures/ holds files no chapter produces: {orphans}"
    pngs = sorted(p.name for p in (ROOT / "figures").glob("*.png"))
    assert pngs == sorted(n.replace(".svg", ".png") for n in produced), "every SVG needs its PNG and no PNG may be orphaned"


def test_figures_are_byte_stable(monkeypatch, tmp_path, produced):
    """A fresh render, PNG included, is identical to the committed files."""
    data = load()
    monkeypatch.setattr(paths, "figures_dir", lambda: tmp_path)
    Chapter("fibromyalgia", data).evidence_figure()
    for suffix in (".svg", ".png"):
        name = f"fibromyalgia-evidence-strength{suffix}"
        assert (tmp_path / name).read_bytes() == (ROOT / "figures" / name).read_bytes(), name


def test_svg_metadata_is_pinned(produced):
    for name, content in produced.items():
        if name.endswith(".svg"):
            text = content.decode()
            assert "<dc:date>" not in text, name
            assert "Matplotlib v" not in text, name


def test_every_figure_has_caption_and_alt_text(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "figures_dir", lambda: tmp_path)
    out = Chapter("fibromyalgia").evidence_figure().text
    assert ":alt: " in out and "Source: data/studies.csv" in out
    alt = out.split(":alt: ", 1)[1].split("\n", 1)[0]
    assert len(alt) > 40


def test_direction_is_never_colour_alone():
    markers = [style[1] for style in figures.DIRECTION_STYLE.values()]
    assert len(set(markers)) == len(markers)


def test_figure_functions_are_one_per_kind():
    kinds = {name for name, fn in inspect.getmembers(figures, inspect.isfunction) if fn.__module__ == figures.__name__}
    assert {"evidence_strength", "dose_ranges", "forest", "evidence_map", "verdicts", "save"} <= kinds
