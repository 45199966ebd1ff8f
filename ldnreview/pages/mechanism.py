"""Proposed mechanisms and how well each is supported. Each function is one section of the page."""

from __future__ import annotations

import pandas as pd

from .. import grade, schema, tables
from ..load import Dataset
from ..output import Block, Paragraph, join, table
from .common import cite_box, dataset




def _tier(study: pd.Series) -> str:
    """A paper's evidence tier: as recorded, else 'review' for syntheses and 'human' for clinical studies."""
    if isinstance(study["mechanism_tier"], str):
        return study["mechanism_tier"]
    return "review" if study["design"] in grade.SYNTHESIS else "human"


def mechanism_papers(mechanism: str, data: Dataset | None = None) -> Block:
    if mechanism not in schema.MECHANISMS:
        raise KeyError(f"unknown mechanism {mechanism!r}: one of {', '.join(schema.MECHANISMS)}")
    d = dataset(data)
    sub = d.studies[d.studies["mechanism"].fillna("").str.split(";").map(lambda xs: mechanism in [x.strip() for x in xs])]
    if sub.empty:
        return Paragraph("No paper in the dataset addresses this mechanism.")
    tiers = sub.apply(_tier, axis=1)
    rows = [[tables.cite(r), tables.DESIGN_NAMES[r["design"]], tiers[i].replace("_", " "), r["result_summary"], tables.links(r)]
            for i, r in sub.sort_values(["year", "study_id"], kind="stable").iterrows()]
    tiers = tiers.value_counts()
    summary = "Evidence tiers: " + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in tiers.sort_index().items()) + "."
    return join(summary, table(["Paper", "Design", "Tier", "What it found", "Links"], rows))


TITLE, DOCNAME = "Mechanism", "book/mechanism"


def cite_this() -> Block:
    """The cite box that ends this chapter."""
    return cite_box(TITLE, DOCNAME)
