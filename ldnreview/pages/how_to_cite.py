"""How to cite the book and each chapter. Each function is one section of the page."""

from __future__ import annotations

from .. import cite
from ..load import Dataset
from ..output import Block, Code, Paragraph, Strong, join, table
from .common import chapter_link, dataset


def book_cite_box() -> Block:
    meta = cite.book_meta()
    return join(
        Paragraph("This is version ", Strong(meta.version), f", released {meta.date_released}, under the {meta.license} licence."),
        cite.cite_box(cite.book_work(meta), heading="Cite the whole book"),
    )


def chapter_citations(data: Dataset | None = None) -> Block:
    d = dataset(data)
    rows = []
    for r in d.chapter_conditions.sort_values("display_name", kind="stable").itertuples():
        rows.append([chapter_link(r.condition, r.display_name), Code(f"ldnbook{cite.book_meta().year}-{r.condition}"),
                     cite.book_meta().page_url(f"book/conditions/{r.condition}")])
    return table(["Chapter", "BibTeX key", "Living URL (always the newest version)"], rows)
