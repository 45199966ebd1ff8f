"""The pages that look across conditions: methods, how to cite, evidence map, dosing,
safety, mechanism and the claims audit. Each function is one section of one page."""

from __future__ import annotations

import re

import pandas as pd

from . import cite, figures, grade, notebooks, schema, tables, words
from .load import Dataset, load
from .output import Block, Download, Bullets, Code, DocLink, Emphasis, Link, Paragraph, Prose, Span, Strong, join, table


def _data(data: Dataset | None) -> Dataset:
    return data or load()


def _save(fig, name: str, caption: str, alt: str) -> Block:
    if fig is None:
        return Paragraph(f"Not enough data for the {name.replace('-', ' ')} figure.")
    return figures.save(fig, name, caption, alt)


def _chapter_link(condition: str, name: str) -> DocLink:
    docname = f"book/conditions/{condition}"
    return DocLink(docname, name, cite.book_meta().page_url(docname))

def _cites(rows: pd.DataFrame, empty: str = "–") -> Span | str:
    """Studies as a comma-separated list of citations."""
    pieces = [piece for i, (_, r) in enumerate(rows.iterrows()) for piece in ((", " if i else ""), tables.cite(r))]
    return Span(*pieces) if pieces else empty


# -- methods ---------------------------------------------------------------------------

def search_summary(data: Dataset | None = None) -> Block:
    d = _data(data)
    last = d.conditions["last_search"].max()
    chapters = notebooks.chapter_conditions(d.conditions)
    return Paragraph(
        f"Searches for all {len(chapters)} conditions were last run on ", Strong(last), ". "
        f"The dataset holds {len(d.studies)} verified records: "
        + ", ".join(words.count(n, tables.DESIGN_NAMES[k])
                    for k, n in d.studies["design"].value_counts().reindex(list(tables.DESIGN_NAMES)).dropna().astype(int).items())
        + "."
    )


def searches_table(data: Dataset | None = None) -> Block:
    d = _data(data)
    counts = d.studies["condition"].value_counts()
    rows = [[r.display_name, int(counts.get(r.condition, 0)), r.last_search,
             "; ".join(s.strip() for s in r.search_terms.split("|"))]
            for r in d.conditions.sort_values("display_name", kind="stable").itertuples()]
    return table(["Condition", "Records", "Last search", "Queries run"], rows)


def levels_table() -> Block:
    return table(["Rank", "Evidence level", "Rule"], [[lv.rank, lv.label, lv.rule] for lv in grade.LEVELS])


def certainty_rules() -> Block:
    return Prose(
        "Certainty of the evidence of benefit is rated for each condition from its clinical studies, in the spirit of GRADE "
        "and from coded fields only (never from free text). The rules are applied by `ldnreview.grade.certainty`; every "
        "reason is recorded, even once the floor is reached:\n\n"
        "1. **Deciding studies**: the randomised trials if there are any; otherwise the non-randomised studies with a "
        "concurrent comparison group; otherwise the uncontrolled studies. Secondary reports of a trial are never counted again; "
        "studies whose main outcome is a laboratory measure are not clinical evidence.\n"
        "2. **Start** at *high* for randomised trials and *low* for non-randomised controlled studies. A body of evidence with "
        "no concurrent comparison group (single-arm trials, before-after studies, case series and reports) is *very low* and "
        "can never be rated higher.\n"
        f"3. **Risk of bias** (from the per-study judgements): rate down twice if at least {grade.ROB_SERIOUS_SHARE:.0%} of the "
        "deciding participants are in studies at high (RoB 2) or serious or critical (ROBINS-I) risk of bias, once if that share "
        "is reached counting studies with some concerns or no information.\n"
        f"4. **Imprecision**: rate down twice if the deciding studies have fewer than {grade.RANDOMISED_POOL_VERY_SERIOUS} "
        f"participants in all, once if fewer than {grade.RANDOMISED_POOL_SERIOUS}; once more for a single study.\n"
        f"5. **Indirectness**: rate down once if most deciding participants are in studies whose main outcome is a biomarker or "
        f"drugs dispensed, once if most are in studies whose population only partly matches, and once if no randomised trial "
        f"lasted longer than {grade.SHORT_TRIAL_WEEKS} weeks.\n"
        "6. **Inconsistency and publication bias** need effect estimates per outcome and are not judged by counting studies "
        "with significant results; per-outcome ratings are the next step of this review.\n"
        "7. The rating never goes below *very low*. Reviews and mechanism papers are shown but never counted.\n\n"
        + "\n".join(f"- **{w}**: {m}." for w, m in grade.CERTAINTY_MEANING.items())
        + "\n"
    )


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
    return tables.flow_table(_data(data))


def excluded_studies(data: Dataset | None = None) -> Block:
    d = _data(data)
    counts = d.excluded["reason"].value_counts()
    summary = Paragraph(f"{words.count(len(d.excluded), 'study')} were read and excluded: "
                        + ", ".join(f"{n} {tables.EXCLUSION_WORDS[r]}" for r, n in counts.sort_index().items()) + ".")
    # The "Area" column reads as the chapters name their conditions, never as a file-name key.
    names = words.condition_names(d.conditions)
    shown = d.excluded.assign(condition=d.excluded["condition"].map(lambda c: names.get(c, c) if isinstance(c, str) else c))
    return join(summary, tables.excluded_table(shown))


def awaiting_all(data: Dataset | None = None) -> Block:
    d = _data(data)
    return tables.awaiting_table(d.awaiting)


# -- how to cite -----------------------------------------------------------------------

def book_cite_box() -> Block:
    meta = cite.book_meta()
    return join(
        Paragraph("This is version ", Strong(meta.version), f", released {meta.date_released}, under the {meta.license} licence."),
        cite.cite_box(cite.book_work(meta), heading="Cite the whole book"),
    )


def chapter_citations(data: Dataset | None = None) -> Block:
    d = _data(data)
    rows = []
    for r in notebooks.chapter_conditions(d.conditions).sort_values("display_name", kind="stable").itertuples():
        rows.append([_chapter_link(r.condition, r.display_name), Code(f"ldnbook{cite.book_meta().year}-{r.condition}"),
                     cite.book_meta().page_url(f"book/conditions/{r.condition}")])
    return table(["Chapter", "BibTeX key", "Living URL (always the newest version)"], rows)


# -- evidence map ----------------------------------------------------------------------

def certainty_frame(data: Dataset | None = None) -> pd.DataFrame:
    d = _data(data)
    rows = []
    for r in notebooks.chapter_conditions(d.conditions).itertuples():
        c = grade.certainty(d.studies[d.studies["condition"] == r.condition], d.risk_of_bias)
        rows.append({"condition": r.condition, "display_name": r.display_name, "certainty": c.rating,
                     "studies": c.n_clinical, "participants": c.participants, "randomised": c.n_randomised,
                     "best": c.best_level or "–", "reasons": "; ".join(c.reasons)})
    order = {w: i for i, w in enumerate(("high", "moderate", "low", "very low", "no evidence"))}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["certainty"].map(order)
    return frame.sort_values(["_order", "participants", "display_name"], ascending=[True, False, True], kind="stable").drop(columns="_order")


def certainty_table(data: Dataset | None = None) -> Block:
    frame = certainty_frame(data)
    rows = [[_chapter_link(r.condition, r.display_name), r.certainty, r.studies, f"{r.participants:,}", r.randomised, r.best, r.reasons]
            for r in frame.itertuples()]
    return table(["Condition", "Certainty", "Clinical studies", "Participants", "Randomised trials", "Best design", "Rated down for"], rows)


def certainty_summary(data: Dataset | None = None) -> Block:
    frame = certainty_frame(data)
    counts = frame["certainty"].value_counts()
    listed = ", ".join(f"{counts[w]} {w}" for w in ("high", "moderate", "low", "very low", "no evidence") if counts.get(w, 0))
    return Paragraph(f"Across {len(frame)} conditions, the certainty of the evidence is: {listed}.")


def evidence_map_figure(data: Dataset | None = None) -> Block:
    d = _data(data)
    clinical = grade.primary_clinical(d.studies)
    fig = figures.evidence_map(d.studies, notebooks.chapter_conditions(d.conditions),
                               "Clinical studies of LDN by condition and evidence level")
    return _save(fig, "evidence-map",
                 "Each bubble is one condition at one evidence level: its area grows with participants, the number inside is the "
                 "count of studies, and its colour is the share of those studies reporting benefit. Source: data/studies.csv.",
                 f"Bubble chart of {len(clinical)} clinical studies across {clinical['condition'].nunique()} conditions and five evidence levels.")


# -- dosing ----------------------------------------------------------------------------

# The book's own tiers for reading the dose figure (not guideline categories). The "low" tier is wider
# than the usual LDN band (words.USUAL_BAND_MG), which it names rather than restating.
DOSE_TIERS = (
    ("ultra-low", 0.0, 0.001, "below 1 microgram a day"),
    ("very low", 0.001, 1.0, "1 microgram to under 1 mg a day"),
    ("low", 1.0, 6.0, f"1 mg to under 6 mg a day (takes in the usual LDN band, {words.band_text()})"),
    ("above low-dose", 6.0, 1000.0, "6 mg a day or more"),
)


def dose_tier(mg: float) -> str:
    for name, lo, hi, _ in DOSE_TIERS:
        if lo <= mg < hi:
            return name
    return DOSE_TIERS[-1][0]


def dose_tier_table(data: Dataset | None = None) -> Block:
    d = _data(data)
    dosed = d.studies[d.studies["dose_max_mg"].notna()]
    rows = []
    for name, lo, hi, text in DOSE_TIERS:
        in_tier = dosed[dosed["dose_max_mg"].map(dose_tier) == name]
        rows.append([name, text, len(in_tier), _cites(tables.sort_studies(in_tier))])
    return table(["Tier", "Daily dose", "Studies (by highest dose)", "Studies"], rows)


def dose_summary(data: Dataset | None = None) -> Block:
    d = _data(data)
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
    d = _data(data)
    clinical = grade.primary_clinical(d.studies)
    fig = figures.dose_ranges(clinical, "Daily doses in every clinical study, all conditions", label_with_condition=True,
                              condition_names=words.condition_names(d.conditions))
    dosed = clinical[clinical["dose_max_mg"].notna()]
    low = dosed["dose_min_mg"].fillna(dosed["dose_max_mg"]).min() if len(dosed) else None
    return _save(fig, "dose-ranges-all",
                 f"Daily naltrexone dose in each clinical study with a reported dose, across all conditions, against the usual LDN band "
                 f"({words.band_text()}). Source: data/studies.csv.",
                 f"Dose ranges of {len(dosed)} clinical studies on a log scale, from {tables.fmt_number(low, 4)} to "
                 f"{tables.fmt_number(dosed['dose_max_mg'].max(), 4)} mg per day, against the usual {words.band_text(' to ')} band.")


_TITRATION = re.compile(r"titrat|increas|escalat|start|mg/kg|taper|step", re.I)


def titration_table(data: Dataset | None = None) -> Block:
    d = _data(data)
    names = words.condition_names(d.conditions)
    rows = [[tables.cite(r), names.get(r["condition"], r["condition"]), tables.dose_text(r), r["dose_note"]]
            for _, r in tables.sort_studies(d.studies).iterrows()
            if isinstance(r["dose_note"], str) and _TITRATION.search(r["dose_note"])]
    return table(["Study", "Condition", "Dose (mg/day)", "Titration or scheme, as reported"], rows)


# -- safety ----------------------------------------------------------------------------

# The practical facts the studies do not cover, in the order the page shows them (data/safety_facts.csv).
SAFETY_TOPICS = (
    ("opioids", "Opioids: naltrexone blocks them and can bring on withdrawal (naltrexone label)"),
    ("pregnancy", "Pregnancy: what is known and what is not"),
    ("compounding", "Compounding: LDN is made up by a pharmacy"),
)

ARTICLE_SIDE_EFFECTS = {
    "vivid dreams": r"dream|nightmare",
    "insomnia": r"insomnia|sleep",
    "headache": r"headache",
}


def _arm(events, n) -> str:
    """'2/10' when the study gave a count and a denominator, else a dash: never a total across studies."""
    if pd.isna(n) or pd.isna(events):
        return words.BLANK
    return f"{tables.fmt_number(events)}/{tables.fmt_number(n)}"


def safety_facts(data: Dataset | None = None) -> Block:
    """One table per topic: each fact in our words, with the page it was read on."""
    d = _data(data)
    facts = d.safety_facts.sort_values("fact_id", kind="stable")
    parts = []
    for topic, title in SAFETY_TOPICS:
        sub = facts[facts["topic"] == topic]
        if sub.empty:
            continue
        rows = [[r.fact_id, r.statement, Link(r.source_url, r.source_title)] for r in sub.itertuples()]
        parts.append(Paragraph(Strong(title)))
        parts.append(table(["Fact", "What we read (in our words)", "Source page"], rows))
    return join(*parts)


def safety_summary(data: Dataset | None = None) -> Block:
    d = _data(data)
    ae = d.adverse_events
    counted = ae[ae["ldn_events"].notna() & ae["ldn_n"].notna()]
    return Paragraph(
        f"{words.count(ae['study_id'].nunique(), 'study')} report adverse events that we could verify, in {words.count(len(ae), 'row')}; "
        f"{words.count(len(counted), 'row')} give a count and a denominator for the LDN group, and "
        f"{int(counted['comparator_n'].notna().sum())} of those also for a comparison group."
    )


def adverse_events_table(data: Dataset | None = None) -> Block:
    d = _data(data)
    events = d.adverse_events.merge(d.studies[["study_id", "condition"]], on="study_id", how="left")
    events = events.sort_values(["condition", "study_id", "ae_id"], kind="stable")
    by_id = d.studies.set_index("study_id")
    names = words.condition_names(d.conditions)
    rows = []
    for _, r in events.iterrows():
        rows.append([tables.cite(by_id.loc[r["study_id"]]), names.get(r["condition"], r["condition"]), r["event"],
                     _arm(r["ldn_events"], r["ldn_n"]), _arm(r["comparator_events"], r["comparator_n"]), r["note"]])
    return table(["Study", "Condition", "Event", "LDN (events/N)", "Comparator (events/N)", "How reported"], rows)


def article_side_effects(data: Dataset | None = None) -> Block:
    """Each study that reports a side effect the article names, with both arms' counts and denominators
    as that study gave them. Counts from different studies are never added up: their designs, doses,
    follow-up and ways of asking differ, and most rows have no count at all."""
    d = _data(data)
    ae = d.adverse_events
    by_id = d.studies.set_index("study_id")
    lines, rows = [], []
    for name, pattern in ARTICLE_SIDE_EFFECTS.items():
        hits = ae[ae["event"].str.contains(pattern, case=False, regex=True)].sort_values(["study_id", "ae_id"], kind="stable")
        counted = hits[hits["ldn_events"].notna() & hits["ldn_n"].notna()]
        compared = counted[counted["comparator_n"].notna()]
        lines.append(Span(Strong(name), ": ", words.count(hits["study_id"].nunique(), "study"), " report it; ",
                          f"{len(counted)} with a count and a denominator on LDN, ",
                          f"{len(compared)} of them also for a comparison group."))
        for _, r in hits.iterrows():
            rows.append([name, tables.cite(by_id.loc[r["study_id"]]), r["event"], _arm(r["ldn_events"], r["ldn_n"]),
                         _arm(r["comparator_events"], r["comparator_n"]), r["note"]])
    return join(Bullets(lines),
                table(["Side effect the article names", "Study", "Event as reported", "LDN (events/N)",
                       "Comparator (events/N)", "How reported"], rows))


# -- mechanism -------------------------------------------------------------------------

MECHANISMS = (
    ("opioid-growth-factor", "Opioid growth factor and its receptor (OGF–OGFr)"),
    ("immune-cell-receptors", "Opioid receptors on immune cells"),
    ("tlr4-microglia", "Toll-like receptor 4 and microglia"),
    ("regulatory-t-cells", "Regulatory T cells"),
    ("contrary-findings", "Null and contrary findings"),
    ("pharmacology", "Pharmacology, dosing and safety reviews"),
)


def _tier(study: pd.Series) -> str:
    """A paper's evidence tier: as recorded, else 'review' for syntheses and 'human' for clinical studies."""
    if isinstance(study["mechanism_tier"], str):
        return study["mechanism_tier"]
    return "review" if study["design"] in grade.SYNTHESIS else "human"


def mechanism_papers(mechanism: str, data: Dataset | None = None) -> Block:
    d = _data(data)
    sub = d.studies[d.studies["mechanism"].fillna("").str.split(";").map(lambda xs: mechanism in [x.strip() for x in xs])]
    if sub.empty:
        return Paragraph("No paper in the dataset addresses this mechanism.")
    tiers = sub.apply(_tier, axis=1)
    rows = [[tables.cite(r), tables.DESIGN_NAMES[r["design"]], tiers[i].replace("_", " "), r["result_summary"], tables.links(r)]
            for i, r in sub.sort_values(["year", "study_id"], kind="stable").iterrows()]
    tiers = tiers.value_counts()
    summary = "Evidence tiers: " + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in tiers.sort_index().items()) + "."
    return join(summary, table(["Paper", "Design", "Tier", "What it found", "Links"], rows))


# -- claims audit ----------------------------------------------------------------------

def verdict_counts(data: Dataset | None = None) -> Block:
    d = _data(data)
    counts = d.claims["verdict"].value_counts()
    rows = [[tables.badge(v), int(counts.get(v, 0))] for v in schema.VERDICTS]
    return join(
        f"The article makes {len(d.claims)} factual claims that we could check.",
        table(["Verdict", "Claims"], rows),
    )


def verdict_figure(data: Dataset | None = None) -> Block:
    d = _data(data)
    fig = figures.verdicts(d.claims, schema.VERDICTS, "Verdicts on the popular article's claims, by section")
    counts = d.claims["verdict"].value_counts()
    return _save(fig, "claims-verdicts",
                 "Claims of the popular article in each of its sections, by verdict (colour and hatching). Source: data/claims.csv.",
                 "Stacked bar chart of claims per article section: " + ", ".join(
                     f"{int(counts.get(v, 0))} {v.replace('_', ' ')}" for v in schema.VERDICTS) + ".")


def claims_full_table(data: Dataset | None = None) -> Block:
    d = _data(data)
    return tables.claims_table(d.claims, d.studies, show_section=True)


def consequential_claims(data: Dataset | None = None) -> Block:
    """The misattributed and contradicted claims, spelled out."""
    d = _data(data)
    bad = d.claims[d.claims["verdict"].isin(("misattributed", "contradicted", "not_found"))]
    items = [Span(Strong(r.claim_id), f" ({tables.VERDICT_BADGES[r.verdict][1]}): ", Emphasis(r.claim), " ", r.explanation)
             for r in bad.itertuples()]
    return Bullets(items) if items else Paragraph("No claim was misattributed, contradicted or unsupported.")
