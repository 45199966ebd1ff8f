"""The evidence map: every condition side by side. Each function is one section of the page."""

from __future__ import annotations

import pandas as pd

from .. import export, grade, sof, tables
from ..load import Dataset
from ..output import Block, Paragraph, Span, Strong, table
from .common import cite_box, chapter_link, dataset, save_figure


def certainty_frame(data: Dataset | None = None) -> pd.DataFrame:
    """One row per condition: how much evidence it has and the certainty of its critical outcomes (per-outcome
    GRADE; 'no evidence' where no human study was found)."""
    d = dataset(data)
    rows = []
    for r in d.chapter_conditions.itertuples():
        c = grade.evidence(d.studies[d.studies["condition"] == r.condition])
        findings = sof.findings(d, r.condition)
        reasons = "; ".join(f"{f['outcome'].lower()}: {', '.join(f['rating'].rated_down) or 'nothing'}" for f in findings)
        rows.append({"condition": r.condition, "display_name": r.display_name,
                     "certainty": sof.headline(findings) or "no evidence",
                     "studies": c.n_clinical, "participants": c.participants, "randomised": c.n_randomised,
                     "best": c.best_level or "–", "reasons": reasons or "–"})
    order = {w: i for i, w in enumerate(("high", "moderate", "low", "very low", "no evidence"))}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["certainty"].map(order)
    return frame.sort_values(["_order", "participants", "display_name"], ascending=[True, False, True], kind="stable").drop(columns="_order")


def best_evidence(d: Dataset, condition: str) -> tuple[str, str]:
    """The strongest evidence for a condition and, in a few plain words, what it found: the GRADE statement of its
    first rated outcome where randomised trials were rated, else the design and reported result of its best study."""
    studies = d.studies[d.studies["condition"] == condition]
    clinical = grade.primary_clinical(studies)
    if clinical.empty:
        return "none found", "No published human study."
    best = tables.sort_studies(clinical).iloc[0]
    design = f"{tables.DESIGN_NAMES[best['design']]}, n={tables.fmt_number(best['size'])}"
    findings = [r for r in sof.findings(d, condition) if r["design"] != "uncontrolled"]
    if findings:
        return design, " ".join(f"{r['statement'].rstrip('.')} ({r['certainty']} certainty)." for r in findings[:2])
    found = {"benefit": "reported improvement", "no_difference": "found no difference", "mixed": "reported mixed results",
             "harm": "reported harm", "not_applicable": "reported no efficacy result"}[best["direction"]]
    control = "with no comparison group" if best["level_rank"] >= 4 else "against a comparison group"
    return design, f"The strongest study {found} {control}; we are very uncertain whether LDN helps."


def condition_summary(data: Dataset | None = None) -> Block:
    """One row per condition: certainty, best evidence and what it found, linking to the chapter."""
    d = dataset(data)
    rows = []
    for r in certainty_frame(d).itertuples():
        design, found = best_evidence(d, r.condition)
        rows.append([chapter_link(r.condition, r.display_name), r.certainty, design, found])
    return table(["Condition", "Certainty of critical outcomes", "Best evidence", "What it found"], rows)


def cross_condition_findings(data: Dataset | None = None) -> Block:
    """Every rated outcome of every condition, in one table."""
    d = dataset(data)
    names = d.conditions.set_index("condition")["display_name"]
    rows = [[chapter_link(r["condition"], names[r["condition"]]), r["outcome"], r["participants_studies"], r["effect"],
             Span(r["certainty_symbols"], " ", Strong(r["certainty"])), r["statement"]]
            for r in sof.cross_condition(d)]
    if not rows:
        return Paragraph("No randomised placebo-controlled trial reported an outcome we could rate.")
    return table(["Condition", "Outcome", "Participants (studies)", "Effect (95% CI)", "Certainty", "What this means"], rows)


def certainty_table(data: Dataset | None = None) -> Block:
    frame = certainty_frame(data)
    rows = [[chapter_link(r.condition, r.display_name), r.certainty, r.studies, f"{r.participants:,}", r.randomised, r.best, r.reasons]
            for r in frame.itertuples()]
    return table(["Condition", "Certainty of critical outcomes", "Clinical studies", "Participants", "Randomised trials",
                  "Best design", "Rated down for, by outcome"], rows)


def certainty_summary(data: Dataset | None = None) -> Block:
    frame = certainty_frame(data)
    counts = frame["certainty"].value_counts()
    listed = ", ".join(f"{counts[w]} {w}" for w in ("high", "moderate", "low", "very low", "no evidence") if counts.get(w, 0))
    return Paragraph(f"Across {len(frame)} conditions, the certainty of the critical outcomes (the lowest among each "
                     f"condition's critical outcomes) is: {listed}.")


def evidence_map_figure(data: Dataset | None = None) -> Block:
    d = dataset(data)
    clinical = grade.primary_clinical(d.studies)
    ratings = dict(zip(*[certainty_frame(d)[c] for c in ("condition", "certainty")]))
    draw = export.drawing("figures", "evidence_map", d.studies, d.chapter_conditions, ratings,
                               "Clinical studies of LDN by condition and evidence level")
    return save_figure(draw, "evidence-map",
                 "Each bubble is one condition at one evidence level: its area grows with participants and the number inside is "
                 "the count of studies. Its colour and pattern give the certainty of that condition's critical outcomes, rated "
                 "outcome by outcome as the methods page describes; no study is counted as a vote. Source: data/studies.csv and data/risk_of_bias.csv.",
                 f"Bubble chart of {len(clinical)} clinical studies across {clinical['condition'].nunique()} conditions and five "
                 "evidence levels, each condition's bubbles shaded by the certainty of its evidence: "
                 + ", ".join(f"{n} {w}" for w, n in pd.Series(ratings).value_counts().items()) + ".")


TITLE, DOCNAME = "Evidence map", "book/evidence-map"


def cite_this() -> Block:
    """The cite box that ends this chapter."""
    return cite_box(TITLE, DOCNAME)
