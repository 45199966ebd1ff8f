"""How studies were found, checked and graded: the methods page. Each function is one section of the page."""

from __future__ import annotations

from .. import certainty, export, grade, schema, sof, tables, words
from ..load import Dataset
from ..output import Block, Bullets, Code, Download, Link, Paragraph, Prose, Span, Strong, join, table
from .common import dataset, save_figure


def search_summary(data: Dataset | None = None) -> Block:
    d = dataset(data)
    last = d.searches["date"].max()
    chapters = d.chapter_conditions
    logged = int(chapters["condition"].isin(set(d.searches["condition"])).sum())
    return Paragraph(
        f"{logged} of the {len(chapters)} conditions with a chapter have queries in the search log; its most recent query "
        "was run on ", Strong(last),
        " (each condition's last search is in the table below). "
        f"The dataset holds {len(d.studies)} verified records: "
        + ", ".join(words.count(n, tables.DESIGN_NAMES[k])
                    for k, n in d.studies["design"].value_counts().reindex(list(tables.DESIGN_NAMES)).dropna().astype(int).items())
        + "."
    )


def searches_table(data: Dataset | None = None) -> Block:
    d = dataset(data)
    counts = d.studies["condition"].value_counts()
    logged = d.searches.groupby("condition")["date"].agg(["max", "size"])
    rows = [[r.display_name, int(counts.get(r.condition, 0)),
             logged.loc[r.condition, "max"] if r.condition in logged.index else r.first_search,
             int(logged.loc[r.condition, "size"]) if r.condition in logged.index else 0,
             "; ".join(s.strip() for s in r.search_terms.split("|"))]
            for r in d.conditions.sort_values("display_name", kind="stable").itertuples()]
    return table(["Condition", "Records", "Last search", "Logged queries", "First edition's queries"], rows)


def levels_table() -> Block:
    return table(["Rank", "Evidence level", "Rule"], [[lv.rank, lv.label, lv.rule] for lv in grade.LEVELS])


def certainty_rules() -> Block:
    """The GRADE rules as the package applies them (printed from ldnreview.certainty.RULES, the one source)."""
    return Prose(
        "Certainty of evidence is rated per outcome and comparison with GRADE, from coded fields only (never from "
        "free text), by `ldnreview.certainty`; the same rules below are the ones the code applies:\n\n"
        + "\n".join(f"{i}. {rule}" for i, rule in enumerate(certainty.RULES, 1))
        + "\n\nWhat each level means:\n\n"
        + "\n".join(f"- **{w}**: {m}." for w, m in grade.CERTAINTY_MEANING.items())
        + "\n"
    )


def guidance_sources() -> Block:
    """The GRADE and Cochrane guidance the certainty rules follow, each with the page it was read on."""
    # Only https addresses become links; a page read over plain http is named, not linked.
    return Bullets([Span(Strong(topic), ": ", Link(url, citation) if url.startswith("https://")
                         else Span(citation, " (read at ", Code(url), ")"), ".")
                    for topic, citation, url in certainty.GUIDANCE])


def thresholds_table(data: Dataset | None = None) -> Block:
    """Each condition's critical and important outcomes with their MIDs and sources (data/outcome_thresholds.csv)."""
    d = dataset(data)
    names = d.conditions.set_index("condition")["display_name"]
    frame = d.outcome_thresholds.sort_values(["condition", "importance", "outcome_domain"], kind="stable")
    if frame.empty:
        return Paragraph("No outcome thresholds are recorded yet: every outcome uses the documented fallback of SMD "
                         f"{certainty.FALLBACK_MID_SMD:g} (continuous) or a relative change of 25% (dichotomous).")
    rows = []
    for _, r in frame.iterrows():
        t = certainty.threshold_for(r["outcome_domain"], r)
        mid = (f"{certainty.fmt(r['mid'])} (SMD {t.high:.2f})" if t.measure == "SMD" and not t.fallback
               else t.text() + (" (fallback)" if t.fallback else ""))
        url = r["mid_source_url"].split(" ; ")[0] if isinstance(r["mid_source_url"], str) else None
        source = (Link(url, "source") if url and url.startswith("https://") else Code(url) if url else "–")
        rows.append([names.get(r["condition"], r["condition"]), sof.OUTCOME_NAMES.get(r["outcome_domain"], r["outcome_domain"]),
                     r["importance"], r["instrument"] if isinstance(r["instrument"], str) else "–", mid, source,
                     r["rationale"]])
    return table(["Condition", "Outcome", "Importance", "Instrument", "Minimal important difference", "Source", "Rationale"],
                 rows)


def data_dictionary() -> Block:
    parts = []
    for name in schema.LOAD_ORDER:
        t = schema.TABLES[name]
        rows = []
        for c in t.columns:
            rules: list = []
            if c.required:
                rules.append("required")
            if c.unique:
                rules.append("unique")
            if c.allowed:
                rules.append(Span("one of: ", *[piece for i, a in enumerate(c.allowed) for piece in ((", " if i else ""), Code(a))]))
            if c.pattern:
                rules.append(Span("pattern ", Code(c.pattern)))
            if c.minimum is not None:
                rules.append(f"≥ {c.minimum:g}")
            if c.maximum is not None:
                rules.append(f"≤ {c.maximum:g}")
            if c.name == "year":
                rules.append("≤ the current year")
            if c.references:
                rules.append(Span("must exist in ", Code(f"{c.references[0]}.{c.references[1]}")))
            rows.append([Code(c.name), c.kind, c.description, Span(*[p for i, r in enumerate(rules) for p in (("; " if i else ""), r)])])
        for rule, *_ in t.row_rules:
            rows.append(["(row rule)", "", rule, "checked on every row"])
        parts.append(Paragraph(Strong(Code(t.filename)), ": ", t.description))
        parts.append(table(["Column", "Type", "Meaning", "Rules"], rows))
    return join(*parts)


def downloads() -> Block:
    items = [Span(Download(f"data/{t.filename}"), ": ", t.description) for t in (schema.TABLES[n] for n in schema.LOAD_ORDER)]
    items.append(Span(Download("data/datapackage.json"), ": the machine-readable data dictionary "
                      "(Frictionless Data Package), generated from the same schema the validator uses."))
    items.append(Span(Download("book/references.bib"), ": every study as BibTeX, generated from ", Code("studies.csv"), "."))
    return Bullets(items)


def study_flow(data: Dataset | None = None) -> Block:
    d = dataset(data)
    counts = tables.flow_counts(d)
    draw = export.drawing("figures", "prisma_flow", counts, "Study flow (PRISMA 2020), all conditions")
    alt = (f"PRISMA 2020 flow diagram: {counts['identified']:,} records from {counts['searches']:,} queries, {counts['relevant']:,} "
           f"relevant records logged, {counts['duplicates']:,} duplicates, {counts['assessed']:,} reports assessed, "
           f"{counts['excluded']:,} excluded, {counts['awaiting']:,} awaiting classification, {counts['ongoing']:,} ongoing, "
           f"{counts['included']:,} studies in the review.")
    return join(save_figure(draw, "prisma-flow", "How the logged searches led to the studies in the review. Every number is computed "
                      "from data/searches.csv, data/records.csv and the study tables. Source: data/.", alt),
                tables.flow_table(d))


def excluded_studies(data: Dataset | None = None) -> Block:
    d = dataset(data)
    counts = d.excluded["reason"].value_counts()
    summary = Paragraph(f"{words.count(len(d.excluded), 'study')} were read and excluded: "
                        + ", ".join(f"{n} {tables.EXCLUSION_WORDS[r]}" for r, n in counts.sort_index().items()) + ".")
    # The "Area" column reads as the chapters name their conditions, never as a file-name key.
    names = words.condition_names(d.conditions)
    shown = d.excluded.assign(condition=d.excluded["condition"].map(lambda c: names.get(c, c) if isinstance(c, str) else c))
    return join(summary, tables.excluded_table(shown))


def review_accounting(data: Dataset | None = None) -> Block:
    """Where each study that a review in the data included is accounted for."""
    d = dataset(data)
    words_for = {"included": "in the review's tables", "awaiting": "awaiting classification", "excluded": "excluded",
                 "unknown_list": "list not shown on any page"}
    rows = [[r["review_id"], r["included_citation"], r["matched_id"], words_for[r["decision"]], r["note"]]
            for _, r in d.review_studies.sort_values(["review_id", "decision"], kind="stable").iterrows()]
    return table(["Review", "Study it included, as described", "Our record", "Where it is", "Note"], rows)


def awaiting_all(data: Dataset | None = None) -> Block:
    d = dataset(data)
    return tables.awaiting_table(d.awaiting)
