"""Safety: practical facts and harms reported. Each function is one section of the page."""

from __future__ import annotations

import pandas as pd

from .. import tables, words
from ..load import Dataset
from ..output import Block, Bullets, Link, Paragraph, Span, Strong, join, table
from .common import cite_box, dataset


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
    d = dataset(data)
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
    d = dataset(data)
    ae = d.adverse_events
    counted = ae[ae["ldn_events"].notna() & ae["ldn_n"].notna()]
    return Paragraph(
        f"{words.count(ae['study_id'].nunique(), 'study')} report adverse events that we could verify, in {words.count(len(ae), 'row')}; "
        f"{words.count(len(counted), 'row')} give a count and a denominator for the LDN group, and "
        f"{int(counted['comparator_n'].notna().sum())} of those also for a comparison group."
    )


def adverse_events_table(data: Dataset | None = None) -> Block:
    d = dataset(data)
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
    d = dataset(data)
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


TITLE, DOCNAME = "Safety", "book/safety"


def cite_this() -> Block:
    """The cite box that ends this chapter."""
    return cite_box(TITLE, DOCNAME)
