"""Exporting a figure: one style, one helper, and no matplotlib until something has to be drawn.

A chapter asks for a figure by handing :func:`save` a function that draws it. The figure is a function of
the data and the package's code, so its SVG is remembered under a key made of both (``_build/figure-cache``);
while neither changes and the exported files match, nothing is drawn and matplotlib is never imported, which
keeps executing a chapter close to the cost of starting its kernel.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
from importlib.metadata import version
from pathlib import Path

from . import paths
from .output import Figure

STYLE = {
    "figure.dpi": 100,
    # DejaVu Sans ships with matplotlib, so layout is computed with it; the SVG names the sans-serif fallbacks
    # too, so a reader without DejaVu sees a narrower sans-serif face, never a serif default.
    "font.family": ["sans-serif"],
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 10,
    "legend.fontsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "svg.hashsalt": "ldn-evidence-book",  # stable ids inside SVG files
    "svg.fonttype": "none",  # keep text as text: small, sharp at any zoom, searchable and printable as text
    "path.simplify": True,
}


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of everything that decides how a figure looks: the package's code and matplotlib's version."""
    digest = hashlib.sha256(version("matplotlib").encode())
    for source in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _drawing_key(name: str) -> str:
    from .load import fingerprint

    return hashlib.sha256(f"{name}|{fingerprint(paths.data_dir())}|{_code_digest()}".encode()).hexdigest()[:20]


def drawing(module: str, function: str, *args, **kwargs):
    """A deferred call of a figure-kind function (``drawing("figures", "dose_ranges", studies, title)``):
    its module, and so matplotlib, is imported only if the figure has to be drawn."""
    def draw():
        from importlib import import_module

        return getattr(import_module(f"ldnreview.{module}"), function)(*args, **kwargs)

    return draw


def save(draw, name: str, caption, alt: str) -> Figure | None:
    """Write ``<figures>/<name>.svg`` with metadata that never changes; None when ``draw`` (a figure, or a
    function returning one or None) has nothing to draw. The book, Jupyter and the PDF all show this one vector
    file: a raster copy would weigh several times more and blur when zoomed.

    When the remembered SVG for this data and code matches the exported file, nothing is drawn.
    """
    out = paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    svg = out / f"{name}.svg"
    remembered = paths.root() / "_build" / "figure-cache" / f"{name}-{_drawing_key(name)}.svg"
    if callable(draw) and remembered.exists() and svg.exists() and svg.read_bytes() == remembered.read_bytes():
        return Figure(name=name, caption=caption, alt=alt, svg=remembered.read_bytes())
    fig = draw() if callable(draw) else draw
    if fig is None:
        return None
    import matplotlib

    with matplotlib.rc_context(STYLE):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
        content = buffer.getvalue()
        if not (svg.exists() and svg.read_bytes() == content):
            svg.write_bytes(content)
    remembered.parent.mkdir(parents=True, exist_ok=True)
    partial = remembered.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(content)
    partial.replace(remembered)  # atomic: parallel kernels never read half a file
    return Figure(name=name, caption=caption, alt=alt, svg=content)
