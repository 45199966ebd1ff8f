"""The pages that look across conditions: methods, how to cite, evidence map, dosing,
safety, mechanism and the claims audit. Each function is one section of one page."""

from __future__ import annotations

import re

import pandas as pd

from . import cite, figures, grade, notebooks, schema, tables
from .load import Dataset, load
from .output import Markdown, join, table


def _data(data: Dataset | None) -> Dataset:
    return data or load()


def _save(fig, name: str, caption: str, alt: str) -> Markdown:
    if fig is None:
        return Markdown(f"Not enough data for the {name.replace('-', ' ')} figure.\n")
    return figures.save(fig, name, caption, alt).markdown()


def _chapter_link(condition: str, name: str) -> str:
    return f"{{doc}}`{name} </book/conditions/{condition}>`"


# -- methods ---------------------------------------------------------------------------

def search_summary(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    last = d.conditions["last_search"].max()
    chapters = notebooks.chapter_conditions(d.conditions)
    return Markdown(
        f"Searches for all {len(chapters)} conditions were last run on **{last}**. "
        f"The dataset holds {len(d.studies)} verified records: "
        + ", ".join(f"{n} {tables.DESIGN_NAMES[k]}{'' if n == 1 else 's'}"
                    for k, n in d.studies["design"].value_counts().reindex(list(tables.DESIGN_NAMES)).dropna().astype(int).items())
        + ".\n"
    )


def searches_table(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    counts = d.studies["condition"].value_counts()
    rows = [[r.display_name, int(counts.get(r.condition, 0)), r.last_search,
             "; ".join(s.strip() for s in r.search_terms.split("|"))]
            for r in d.conditions.sort_values("display_name", kind="stable").itertuples()]
    return table(["Condition", "Records", "Last search", "Queries run"], rows)


def levels_table() -> Markdown:
    return table(["Rank", "Evidence level", "Rule"], [[lv.rank, lv.label, lv.rule] for lv in grade.LEVELS])


def certainty_rules() -> Markdown:
    return Markdown(
        "Certainty is rated for each condition from its clinical studies (levels 1 to 5), in the spirit of GRADE "
        "but with rules simple enough to check by hand. They are applied by `ldnreview.grade.certainty`:\n\n"
        "1. **Start** at *high* if there is at least one randomised trial (the rating then looks only at the randomised trials), "
        "at *low* if the best studies are non-randomised trials or observational studies, and at *very low* if there are only case reports and series.\n"
        f"2. **Imprecision**: rate down twice if the randomised trials have fewer than {grade.RANDOMISED_POOL_VERY_SERIOUS} participants in all, "
        f"once if fewer than {grade.RANDOMISED_POOL_SERIOUS}; for non-randomised evidence, once if fewer than {grade.RANDOMISED_POOL_VERY_SERIOUS}.\n"
        "3. **Replication**: rate down once if there is a single randomised trial.\n"
        f"4. **Indirectness**: rate down once if no randomised trial lasted longer than {grade.SHORT_TRIAL_WEEKS} weeks.\n"
        "5. **Non-randomised evidence**: rate down once if no study had a comparison group (risk of bias), once if every "
        "study is a prescription-register study (indirectness: drugs dispensed, not disease activity), and once if there is "
        "a single study.\n"
        "6. **Inconsistency**: rate down once if the studies that decide the rating disagree in direction (some report benefit, others no difference or harm).\n"
        "7. The rating never goes below *very low*. Reviews and mechanism papers are shown but never counted.\n\n"
        + "\n".join(f"- **{w}**: {m}." for w, m in grade.CERTAINTY_MEANING.items())
        + "\n"
    )


def data_dictionary() -> Markdown:
    parts = []
    for name in schema.LOAD_ORDER:
        t = schema.TABLES[name]
        rows = []
        for c in t.columns:
            rules = []
            if c.required:
                rules.append("required")
            if c.unique:
                rules.append("unique")
            if c.allowed:
                rules.append("one of: " + ", ".join(f"`{a}`" for a in c.allowed))
            if c.pattern:
                rules.append(f"pattern `{c.pattern}`")
            if c.minimum is not None:
                rules.append(f"≥ {c.minimum:g}")
            if c.maximum is not None:
                rules.append(f"≤ {c.maximum:g}")
            if c.name == "year":
                rules.append("≤ the current year")
            if c.references:
                rules.append(f"must exist in `{c.references[0]}.{c.references[1]}`")
            rows.append([f"`{c.name}`", c.kind, c.description, "; ".join(rules)])
        for rule, *_ in t.row_rules:
            rows.append(["(row rule)", "", rule, "checked on every row"])
        parts.append(Markdown(f"### `{t.filename}`\n\n{t.description}\n"))
        parts.append(table(["Column", "Type", "Meaning", "Rules"], rows))
    return join(*parts)


def downloads() -> Markdown:
    items = [f"- {{download}}`{t.filename} </data/{t.filename}>`: {t.description}" for t in
             (schema.TABLES[n] for n in schema.LOAD_ORDER)]
    items.append("- {download}`datapackage.json </data/datapackage.json>`: the machine-readable data dictionary "
                 "(Frictionless Data Package), generated from the same schema the validator uses.")
    items.append("- {download}`references.bib </book/references.bib>`: every study as BibTeX, generated from `studies.csv`.")
    return Markdown("\n".join(items) + "\n")


# -- how to cite -----------------------------------------------------------------------

def book_cite_box() -> Markdown:
    meta = cite.book_meta()
    return join(
        f"This is version **{meta.version}**, released {meta.date_released}, under the {meta.license} licence.",
        cite.cite_box(cite.book_work(meta), heading="Cite the whole book"),
    )


def chapter_citations(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    rows = []
    for r in notebooks.chapter_conditions(d.conditions).sort_values("display_name", kind="stable").itertuples():
        rows.append([_chapter_link(r.condition, r.display_name), f"`ldnbook{cite.book_meta().year}-{r.condition}`",
                     cite.book_meta().page_url(f"book/conditions/{r.condition}")])
    return table(["Chapter", "BibTeX key", "Living URL (always the newest version)"], rows)


# -- evidence map ----------------------------------------------------------------------

def certainty_frame(data: Dataset | None = None) -> pd.DataFrame:
    d = _data(data)
    rows = []
    for r in notebooks.chapter_conditions(d.conditions).itertuples():
        c = grade.certainty(d.studies[d.studies["condition"] == r.condition])
        rows.append({"condition": r.condition, "display_name": r.display_name, "certainty": c.rating,
                     "studies": c.n_clinical, "participants": c.participants, "randomised": c.n_randomised,
                     "best": c.best_level or "–", "reasons": "; ".join(c.reasons)})
    order = {w: i for i, w in enumerate(("high", "moderate", "low", "very low", "no evidence"))}
    frame = pd.DataFrame(rows)
    frame["_order"] = frame["certainty"].map(order)
    return frame.sort_values(["_order", "participants", "display_name"], ascending=[True, False, True], kind="stable").drop(columns="_order")


def certainty_table(data: Dataset | None = None) -> Markdown:
    frame = certainty_frame(data)
    rows = [[_chapter_link(r.condition, r.display_name), r.certainty, r.studies, f"{r.participants:,}", r.randomised, r.best, r.reasons]
            for r in frame.itertuples()]
    return table(["Condition", "Certainty", "Clinical studies", "Participants", "Randomised trials", "Best design", "Rated down for"], rows)


def certainty_summary(data: Dataset | None = None) -> Markdown:
    frame = certainty_frame(data)
    counts = frame["certainty"].value_counts()
    listed = ", ".join(f"{counts[w]} {w}" for w in ("high", "moderate", "low", "very low", "no evidence") if counts.get(w, 0))
    return Markdown(f"Across {len(frame)} conditions, the certainty of the evidence is: {listed}.\n")


def evidence_map_figure(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    clinical = grade.primary_clinical(d.studies)
    fig = figures.evidence_map(d.studies, notebooks.chapter_conditions(d.conditions),
                               "Clinical studies of LDN by condition and evidence level")
    return _save(fig, "evidence-map",
                 "Each bubble is one condition at one evidence level: its area grows with participants, the number inside is the "
                 "count of studies, and its colour is the share of those studies reporting benefit. Source: data/studies.csv.",
                 f"Bubble chart of {len(clinical)} clinical studies across {clinical['condition'].nunique()} conditions and five evidence levels.")


# -- dosing ----------------------------------------------------------------------------

DOSE_TIERS = (
    ("ultra-low", 0.0, 0.001, "below 1 microgram a day"),
    ("very low", 0.001, 1.0, "1 microgram to under 1 mg a day"),
    ("low", 1.0, 6.0, "1 to 6 mg a day (the usual 'LDN' range)"),
    ("above low-dose", 6.0, 1000.0, "above 6 mg a day"),
)


def dose_tier(mg: float) -> str:
    for name, lo, hi, _ in DOSE_TIERS:
        if lo <= mg < hi:
            return name
    return DOSE_TIERS[-1][0]


def dose_tier_table(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    dosed = d.studies[d.studies["dose_max_mg"].notna()]
    rows = []
    for name, lo, hi, words in DOSE_TIERS:
        in_tier = dosed[dosed["dose_max_mg"].map(dose_tier) == name]
        rows.append([name, words, len(in_tier), ", ".join(tables.cite(r) for _, r in tables.sort_studies(in_tier).iterrows()) or "–"])
    return table(["Tier", "Daily dose", "Studies (by highest dose)", "Studies"], rows)


def dose_summary(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    clinical = grade.primary_clinical(d.studies)
    dosed = clinical[clinical["dose_max_mg"].notna()]
    fixed45 = int(((dosed["dose_min_mg"] == 4.5) & (dosed["dose_max_mg"] == 4.5)).sum())
    in_band = int(((dosed["dose_max_mg"] >= figures.USUAL_BAND_MG[0]) & (dosed["dose_max_mg"] <= figures.USUAL_BAND_MG[1])).sum())
    return Markdown(
        f"{len(dosed)} of {len(clinical)} clinical studies report a daily dose we could verify. Their doses run from "
        f"{tables.fmt_number(dosed['dose_min_mg'].min(), 4)} to {tables.fmt_number(dosed['dose_max_mg'].max(), 4)} mg a day; "
        f"{in_band} have a highest dose inside the usual {figures.USUAL_BAND_MG[0]}–{figures.USUAL_BAND_MG[1]} mg band, "
        f"and {fixed45} used a fixed 4.5 mg.\n"
    )


def all_doses_figure(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    clinical = grade.primary_clinical(d.studies)
    fig = figures.dose_ranges(clinical, "Daily doses in every clinical study, all conditions", label_with_condition=True)
    n = int(clinical["dose_max_mg"].notna().sum())
    return _save(fig, "dose-ranges-all",
                 "Daily naltrexone dose in each clinical study with a reported dose, across all conditions, against the usual LDN band. Source: data/studies.csv.",
                 f"Dose ranges of {n} clinical studies on a log scale from 0.0001 to 50 mg per day.")


_TITRATION = re.compile(r"titrat|increas|escalat|start|mg/kg|taper|step", re.I)


def titration_table(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    rows = [[tables.cite(r), r["condition"], tables.dose_text(r), r["dose_note"]]
            for _, r in tables.sort_studies(d.studies).iterrows()
            if isinstance(r["dose_note"], str) and _TITRATION.search(r["dose_note"])]
    return table(["Study", "Condition", "Dose (mg/day)", "Titration or scheme, as reported"], rows)


# -- safety ----------------------------------------------------------------------------

ARTICLE_SIDE_EFFECTS = {
    "vivid dreams": r"dream|nightmare",
    "insomnia": r"insomnia|sleep",
    "headache": r"headache",
}


def safety_summary(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    ae = d.adverse_events
    counted = ae[ae["ldn_events"].notna() & ae["ldn_n"].notna()]
    return Markdown(
        f"{ae['study_id'].nunique()} studies report adverse events that we could verify, in {len(ae)} rows; "
        f"{len(counted)} rows give a count and a denominator for the LDN group, and "
        f"{int(counted['comparator_n'].notna().sum())} of those also for a comparison group.\n"
    )


def adverse_events_table(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    events = d.adverse_events.merge(d.studies[["study_id", "condition"]], on="study_id", how="left")
    events = events.sort_values(["condition", "study_id", "ae_id"], kind="stable")
    keys = d.studies.set_index("study_id")["bibkey"]
    rows = []
    for _, r in events.iterrows():
        ldn = "–" if pd.isna(r["ldn_n"]) else f"{tables.fmt_number(r['ldn_events'])}/{tables.fmt_number(r['ldn_n'])}"
        comp = "–" if pd.isna(r["comparator_n"]) else f"{tables.fmt_number(r['comparator_events'])}/{tables.fmt_number(r['comparator_n'])}"
        rows.append([f"{{cite:t}}`{keys[r['study_id']]}`", r["condition"], r["event"], ldn, comp, r["note"]])
    return table(["Study", "Condition", "Event", "LDN (events/N)", "Comparator (events/N)", "How reported"], rows)


def article_side_effects(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    ae = d.adverse_events
    keys = d.studies.set_index("study_id")["bibkey"]
    rows = []
    for name, pattern in ARTICLE_SIDE_EFFECTS.items():
        hits = ae[ae["event"].str.contains(pattern, case=False, regex=True)]
        counted = hits[hits["ldn_events"].notna() & hits["ldn_n"].notna()]
        ldn = f"{int(counted['ldn_events'].sum())}/{int(counted['ldn_n'].sum())}" if len(counted) else "–"
        both = counted[counted["comparator_n"].notna()]
        comp = f"{int(both['comparator_events'].sum())}/{int(both['comparator_n'].sum())}" if len(both) else "–"
        studies = ", ".join(f"{{cite:t}}`{keys[s]}`" for s in sorted(hits["study_id"].unique())) or "none found"
        rows.append([name, len(hits), ldn, comp, studies])
    return table(["Side effect the article names", "Rows reporting it", "LDN events/N (rows with counts)",
                  "Comparator events/N (same rows, where reported)", "Studies"], rows)


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


def mechanism_papers(mechanism: str, data: Dataset | None = None) -> Markdown:
    d = _data(data)
    sub = d.studies[d.studies["mechanism"].fillna("").str.split(";").map(lambda xs: mechanism in [x.strip() for x in xs])]
    if sub.empty:
        return Markdown("No paper in the dataset addresses this mechanism.\n")
    tiers = sub.apply(_tier, axis=1)
    rows = [[tables.cite(r), tables.DESIGN_NAMES[r["design"]], tiers[i].replace("_", " "), r["result_summary"], tables.links(r)]
            for i, r in sub.sort_values(["year", "study_id"], kind="stable").iterrows()]
    tiers = tiers.value_counts()
    summary = "Evidence tiers: " + ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in tiers.sort_index().items()) + "."
    return join(summary, table(["Paper", "Design", "Tier", "What it found", "Links"], rows))


# -- claims audit ----------------------------------------------------------------------

def verdict_counts(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    counts = d.claims["verdict"].value_counts()
    rows = [[tables.badge(v), int(counts.get(v, 0))] for v in schema.VERDICTS]
    return join(
        f"The article makes {len(d.claims)} factual claims that we could check.",
        table(["Verdict", "Claims"], rows),
    )


def verdict_figure(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    fig = figures.verdicts(d.claims, schema.VERDICTS, "Verdicts on the popular article's claims, by section")
    counts = d.claims["verdict"].value_counts()
    return _save(fig, "claims-verdicts",
                 "Claims of the popular article in each of its sections, by verdict (colour and hatching). Source: data/claims.csv.",
                 "Stacked bar chart of claims per article section: " + ", ".join(
                     f"{int(counts.get(v, 0))} {v.replace('_', ' ')}" for v in schema.VERDICTS) + ".")


def claims_full_table(data: Dataset | None = None) -> Markdown:
    d = _data(data)
    return tables.claims_table(d.claims, d.studies, show_section=True)


def consequential_claims(data: Dataset | None = None) -> Markdown:
    """The misattributed and contradicted claims, spelled out."""
    d = _data(data)
    bad = d.claims[d.claims["verdict"].isin(("misattributed", "contradicted", "not_found"))]
    lines = [f"- **{r.claim_id}** ({tables.VERDICT_BADGES[r.verdict][1]}): *{r.claim}* {r.explanation}" for r in bad.itertuples()]
    return Markdown("\n".join(lines) + "\n" if lines else "No claim was misattributed, contradicted or unsupported.\n")
