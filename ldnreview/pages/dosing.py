"""Doses studied across conditions. Each function is one section of the page."""

from __future__ import annotations

import re

from .. import export, grade, tables, words
from ..load import Dataset
from ..output import Block, Paragraph, table
from .common import cite_box, cites, dataset, save_figure


# The book's own tiers for reading the dose figure (not guideline categories). The "low" tier is wider
# than the usual LDN band (words.USUAL_BAND_MG), which it names rather than restating.
DOSE_TIERS = (
    ("ultra-low", 0.0, 0.001, "up to 1 microgram a day"),
    ("very low", 0.001, 0.999, "over 1 microgram and under 1 mg a day"),
    ("low", 1.0, 6.0, f"1 to 6 mg a day, both included (takes in the usual LDN band, {words.band_text()})"),
    ("above low-dose", 6.0, 1000.0, "more than 6 mg a day"),
)


def dose_tier(mg: float) -> str:
    """The tier a daily dose falls in; each tier includes its upper bound (so 6 mg is low, 6.5 mg is not)."""
    for name, _, hi, _ in DOSE_TIERS:
        if mg <= hi:
            return name
    return DOSE_TIERS[-1][0]


def dose_tier_table(data: Dataset | None = None) -> Block:
    d = dataset(data)
    dosed = d.studies[d.studies["dose_max_mg"].notna()]
    rows = []
    for name, lo, hi, text in DOSE_TIERS:
        in_tier = dosed[dosed["dose_max_mg"].map(dose_tier) == name]
        rows.append([name, text, len(in_tier), cites(tables.sort_studies(in_tier))])
    return table(["Tier", "Daily dose", "Studies (by highest dose)", "Studies"], rows)


def dose_summary(data: Dataset | None = None) -> Block:
    d = dataset(data)
    clinical = grade.primary_clinical(d.studies)
    dosed = clinical[clinical["dose_max_mg"].notna()]
    top = words.USUAL_BAND_MG[1]
    fixed_top = int(((dosed["dose_min_mg"] == top) & (dosed["dose_max_mg"] == top)).sum())
    in_band = int(dosed["dose_max_mg"].map(words.in_usual_band).sum())
    return Paragraph(
        f"{len(dosed)} of {len(clinical)} clinical studies report a daily dose we could verify. Their doses run from "
        f"{tables.fmt_number(dosed['dose_min_mg'].min(), 4)} to {tables.fmt_number(dosed['dose_max_mg'].max(), 4)} mg a day; "
        f"{in_band} have a highest dose inside the usual {words.band_text()} band, "
        f"and {fixed_top} used a fixed {top:g} mg."
    )


def all_doses_figure(data: Dataset | None = None) -> Block:
    d = dataset(data)
    clinical = grade.primary_clinical(d.studies)
    draw = export.drawing("figures", "dose_ranges", clinical, "Daily doses in every clinical study, all conditions", label_with_condition=True,
                              condition_names=words.condition_names(d.conditions))
    dosed = clinical[clinical["dose_max_mg"].notna()]
    low = dosed["dose_min_mg"].fillna(dosed["dose_max_mg"]).min() if len(dosed) else None
    return save_figure(draw, "dose-ranges-all",
                 f"Daily naltrexone dose in each clinical study with a reported dose, across all conditions, against the usual LDN band "
                 f"({words.band_text()}). Source: data/studies.csv.",
                 f"Dose ranges of {len(dosed)} clinical studies on a log scale, from {tables.fmt_number(low, 4)} to "
                 f"{tables.fmt_number(dosed['dose_max_mg'].max(), 4)} mg per day, against the usual {words.band_text(' to ')} band.")


_TITRATION = re.compile(r"titrat|increas|escalat|start|mg/kg|taper|step", re.I)


def titration_table(data: Dataset | None = None) -> Block:
    d = dataset(data)
    names = words.condition_names(d.conditions)
    rows = [[tables.cite(r), names.get(r["condition"], r["condition"]), tables.dose_text(r), r["dose_note"]]
            for _, r in tables.sort_studies(d.studies).iterrows()
            if isinstance(r["dose_note"], str) and _TITRATION.search(r["dose_note"])]
    return table(["Study", "Condition", "Dose (mg/day)", "Titration or scheme, as reported"], rows)


TITLE, DOCNAME = "Dosing", "book/dosing"


def cite_this() -> Block:
    """The cite box that ends this chapter."""
    return cite_box(TITLE, DOCNAME)
