"""What every cross-cutting page shares: the dataset, figure export, links to chapters, lists of citations
and the cite box that ends each page."""

from __future__ import annotations

import pandas as pd

from .. import cite, export, tables
from ..load import Dataset, load
from ..output import Block, DocLink, Paragraph, Span


def dataset(data: Dataset | None) -> Dataset:
    return data or load()


def save_figure(draw, name: str, caption: str, alt: str) -> Block:
    """``draw`` returns the figure (or None); it is called only when the figure is not already current."""
    shown = export.save(draw, name, caption, alt)
    return Paragraph(f"Not enough data for the {name.replace('-', ' ')} figure.") if shown is None else shown


def chapter_link(condition: str, name: str) -> DocLink:
    docname = f"book/conditions/{condition}"
    return DocLink(docname, name, cite.book_meta().page_url(docname))


def cites(rows: pd.DataFrame, empty: str = "–") -> Span | str:
    """Studies as a comma-separated list of citations."""
    pieces = [piece for i, (_, r) in enumerate(rows.iterrows()) for piece in ((", " if i else ""), tables.cite(r))]
    return Span(*pieces) if pieces else empty


def cite_box(title: str, docname: str) -> Block:
    return cite.chapter_cite_box(title, docname)
