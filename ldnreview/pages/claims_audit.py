"""The audit of the popular article's claims. Each function is one section of the page."""

from __future__ import annotations

from .. import export, schema, sof, tables
from ..load import Dataset
from ..output import Block, Bullets, Emphasis, Paragraph, Span, Strong, join, table
from .common import cite_box, dataset, save_figure


def verdict_counts(data: Dataset | None = None) -> Block:
    d = dataset(data)
    attribution = d.claims["attribution"].value_counts()
    evidence = d.claims["evidence"].value_counts()
    return join(
        f"The article makes {len(d.claims)} factual claims that we could check. Each gets two verdicts: whether the "
        "article cites a real source correctly, and whether the evidence supports the claim, with the certainty of that evidence.",
        table(["Attribution", "Claims"], [[tables.badge(v, "attribution"), int(attribution.get(v, 0))] for v in schema.ATTRIBUTIONS]),
        table(["Evidence", "Claims"], [[tables.badge(v), int(evidence.get(v, 0))] for v in schema.EVIDENCE_VERDICTS]),
    )


def verdict_figure(data: Dataset | None = None) -> Block:
    d = dataset(data)
    draw = export.drawing("figures", "verdicts", d.claims, schema.EVIDENCE_VERDICTS, "Does the evidence support the article's claims? By section")
    counts = d.claims["evidence"].value_counts()
    return save_figure(draw, "claims-verdicts",
                 "Claims of the popular article in each of its sections, by evidence verdict (colour and hatching). Source: data/claims.csv.",
                 "Stacked bar chart of claims per article section by evidence verdict: " + ", ".join(
                     f"{int(counts.get(v, 0))} {v.replace('_', ' ')}" for v in schema.EVIDENCE_VERDICTS) + ".")


def claims_full_table(data: Dataset | None = None) -> Block:
    d = dataset(data)
    conditions = set(d.claims["condition"]) & set(d.chapter_conditions["condition"])
    ratings = {c: tables.outcome_ratings(sof.findings(d, c)) for c in sorted(conditions)}
    return tables.claims_table(d.claims, d.studies, show_section=True, ratings=ratings)


def consequential_claims(data: Dataset | None = None) -> Block:
    """The misattributed and contradicted claims, spelled out."""
    d = dataset(data)
    bad = d.claims[d.claims["attribution"].isin(("wrong_source", "source_not_found"))
                   | d.claims["evidence"].isin(("not_supported", "contradicted", "no_evidence"))]
    items = [Span(Strong(r.claim_id), f" ({tables.ATTRIBUTION_BADGES[r.attribution][1]}; evidence "
                  f"{tables.EVIDENCE_BADGES[r.evidence][1]}): ", Emphasis(r.claim), " ", r.verdict_reason)
             for r in bad.itertuples()]
    return Bullets(items) if items else Paragraph("No claim was misattributed, contradicted or unsupported.")


TITLE, DOCNAME = "Claims audit", "book/claims-audit"


def cite_this() -> Block:
    """The cite box that ends this chapter."""
    return cite_box(TITLE, DOCNAME)
