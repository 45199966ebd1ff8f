"""Exporting a figure: one style, one helper, and no matplotlib until something has to be drawn.

A chapter asks for a figure by handing :func:`save` a deferred :class:`Drawing`. A figure is a function of its
inputs and the drawing code, so its SVG carries a key made of both; while neither changes, the exported file is
used as it is, nothing is drawn and matplotlib is never imported, which keeps executing a chapter close to the
cost of starting its kernel, in a fresh clone too.
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


# The modules whose code decides how a drawing looks, given its inputs.
_DRAWING_MODULES = ("export.py", "figures.py", "forest.py", "words.py", "output.py", "grade.py")
_KEY_LINE = b"<!-- ldnreview drawing %s -->\n"


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the drawing code and matplotlib's version."""
    digest = hashlib.sha256(version("matplotlib").encode())
    for module in _DRAWING_MODULES:
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def _feed(digest, value) -> None:
    """Add a drawing input to a digest, the same in every process (pickle is not: it records object identity)."""
    import pandas as pd

    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value if isinstance(value, pd.DataFrame) else value.to_frame()
        digest.update(repr((type(value).__name__, list(frame.columns), [str(t) for t in frame.dtypes])).encode())
        digest.update(pd.util.hash_pandas_object(value, index=True).values.tobytes())
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}[{len(value)}]".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(f"dict[{len(value)}]".encode())
        for item in value.items():
            _feed(digest, item)
    else:
        digest.update(repr(value).encode())  # strings, numbers and frozen dataclasses of them


class Drawing:
    """A deferred call of a figure-kind function (``drawing("figures", "dose_ranges", studies, title)``): its module,
    and so matplotlib, is imported only if the figure has to be drawn. Its key digests the function, its inputs and
    the drawing code, so an exported SVG carrying the same key is that drawing, and nothing needs redrawing."""

    def __init__(self, module: str, function: str, *args, **kwargs):
        self.module, self.function, self.args, self.kwargs = module, function, args, kwargs
        digest = hashlib.sha256(f"{module}.{function}|{_code_digest()}".encode())
        for value in (*args, *sorted(kwargs.items())):
            _feed(digest, value)
        self.key = digest.hexdigest()[:24]

    def __call__(self):
        from importlib import import_module

        return getattr(import_module(f"ldnreview.{self.module}"), self.function)(*self.args, **self.kwargs)


def drawing(module: str, function: str, *args, **kwargs) -> Drawing:
    return Drawing(module, function, *args, **kwargs)


def save(draw, name: str, caption, alt: str) -> Figure | None:
    """Write ``<figures>/<name>.svg`` with metadata that never changes; None when ``draw`` (a figure, a
    :class:`Drawing`, or a function returning a figure or None) has nothing to draw. The book, Jupyter and the PDF
    all show this one vector file: a raster copy would weigh several times more and blur when zoomed.

    A :class:`Drawing`'s key is written as the SVG's last line; when the exported file already ends with it, the file
    is the drawing and is used as it is (a fresh clone re-executes its chapters without drawing anything).
    """
    out = paths.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    svg = out / f"{name}.svg"
    key_line = _KEY_LINE % draw.key.encode() if isinstance(draw, Drawing) else b""
    if key_line and svg.exists():
        content = svg.read_bytes()
        if content.endswith(key_line):
            return Figure(name=name, caption=caption, alt=alt, svg=content)
    fig = draw() if callable(draw) else draw
    if fig is None:
        return None
    import matplotlib

    with matplotlib.rc_context(STYLE):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    content = buffer.getvalue() + key_line
    if not (svg.exists() and svg.read_bytes() == content):
        partial = svg.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(content)
        partial.replace(svg)  # atomic: parallel kernels never read half a file
    return Figure(name=name, caption=caption, alt=alt, svg=content)
