"""Tables the chapters show, built from the validated data (never typed into a notebook)."""

from __future__ import annotations

import pandas as pd

from . import grade
from . import words
from .output import Badge, Cite, Link, Span, Table, table, url_part

DESIGN_NAMES, DIRECTION_NAMES = words.DESIGN_NAMES, words.DIRECTION_NAMES
fmt_number, dose_text = words.fmt_number, words.dose_text

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI = "https://doi.org/{}"


def links(row: pd.Series) -> Span:
    """Links built only from the validated identifier columns."""
    parts = []
    if not pd.isna(row["pmid"]):
        parts.append(Link(PUBMED.format(url_part(row["pmid"])), f"PMID {row['pmid']}"))
    if not pd.isna(row["doi"]):
        parts += [" · "] if parts else []
        parts.append(Link(DOI.format(url_part(row["doi"])), "DOI"))
    return Span(*parts)


def cite(row: pd.Series, textual: bool = True) -> Cite:
    return Cite(row["bibkey"], words.study_label(row), textual)


def sort_studies(studies: pd.DataFrame) -> pd.DataFrame:
    """Strongest evidence first, then larger, then older, then by id: the same order every run."""
    graded = grade.with_levels(studies)
    graded["_size"] = graded["size"].fillna(-1)
    return graded.sort_values(["level_rank", "_size", "year", "study_id"], ascending=[True, False, True, True], kind="stable").drop(columns="_size")


def study_table(studies: pd.DataFrame, caption: str | None = None, show_condition: bool = False) -> Table:
    columns = ["Study", "Design (evidence level)", "N", "Dose (mg/day)", "Weeks", "Comparator", "Result", "Direction", "Links"]
    if show_condition:
        columns.insert(1, "Condition")
    rows = []
    by_id = studies.set_index("study_id")
    for _, row in sort_studies(studies).iterrows():
        design = Span(f"{DESIGN_NAMES[row['design']]} ({row['level_rank']}: {row['level'].lower()})")
        if isinstance(row["secondary_to"], str):
            main = cite(by_id.loc[row["secondary_to"]]) if row["secondary_to"] in by_id.index else row["secondary_to"]
            design = Span(design, "; secondary report of ", main)
        values = [
            cite(row),
            design,
            fmt_number(row["size"]),
            dose_text(row),
            fmt_number(row["duration_weeks"]),
            row["comparator"],
            row["result_summary"],
            DIRECTION_NAMES[row["direction"]],
            links(row),
        ]
        if show_condition:
            values.insert(1, row["condition"])
        rows.append(values)
    return table(columns, rows, caption=caption)


def design_counts(studies: pd.DataFrame) -> pd.DataFrame:
    """Studies and participants per design, in the schema's design order."""
    graded = grade.with_levels(studies)
    rows = []
    for design, name in DESIGN_NAMES.items():
        sub = graded[graded["design"] == design]
        if len(sub):
            sizes = sub["size"].dropna()
            rows.append({"design": name, "studies": len(sub), "participants": int(sizes.sum()) if len(sizes) else 0,
                         "without_size": int(sub["size"].isna().sum())})
    return pd.DataFrame(rows, columns=["design", "studies", "participants", "without_size"])


def design_count_table(studies: pd.DataFrame) -> Table:
    counts = design_counts(studies)
    rows = []
    for r in counts.itertuples():
        if r.design in (DESIGN_NAMES[d] for d in grade.SYNTHESIS + ("preclinical",)):
            participants = "not counted (summarises other studies or is not clinical)"
        else:
            participants = fmt_number(r.participants) + (f" ({r.without_size} without a reported size)" if r.without_size else "")
        rows.append([r.design, r.studies, participants])
    return table(["Design", "Studies", "Participants"], rows)


def outcomes_table(outcomes: pd.DataFrame, studies: pd.DataFrame) -> Table:
    by_id = studies.set_index("study_id")
    rows = []
    for _, row in outcomes.sort_values(["study_id", "outcome_id"], kind="stable").iterrows():
        ci = "–" if pd.isna(row["ci_low"]) else f"{fmt_number(row['ci_low'], 3)} to {fmt_number(row['ci_high'], 3)}"
        rows.append([
            cite(by_id.loc[row["study_id"]]),
            row["outcome"],
            row["scale"],
            fmt_number(row["timepoint_weeks"]),
            fmt_number(row["ldn_value"], 3),
            fmt_number(row["comparator_value"], 3),
            row["effect_measure"],
            fmt_number(row["effect"], 3),
            ci,
            fmt_number(row["p_value"], 3),
            DIRECTION_NAMES[row["direction"]],
            row["note"],
        ])
    return table(["Study", "Outcome", "Scale", "Week", "LDN", "Comparator", "Measure", "Effect", "95% CI", "p", "Direction", "Note"], rows)


def harms_table(events: pd.DataFrame, studies: pd.DataFrame) -> Table:
    by_id = studies.set_index("study_id")
    rows = []
    for _, row in events.sort_values(["study_id", "ae_id"], kind="stable").iterrows():
        ldn = "–" if pd.isna(row["ldn_n"]) else f"{fmt_number(row['ldn_events'])}/{fmt_number(row['ldn_n'])}"
        comp = "–" if pd.isna(row["comparator_n"]) else f"{fmt_number(row['comparator_events'])}/{fmt_number(row['comparator_n'])}"
        rows.append([cite(by_id.loc[row["study_id"]]), row["event"], ldn, comp, row["note"]])
    return table(["Study", "Event", "LDN (events/N)", "Comparator (events/N)", "How reported"], rows)


# The words carry the verdict; the badge colour only repeats it.
VERDICT_BADGES = {
    "supported": ("success", "supported"),
    "partly_supported": ("info", "partly supported"),
    "misattributed": ("warning", "misattributed"),
    "contradicted": ("danger", "contradicted"),
    "not_found": ("secondary", "not found"),
}


def badge(verdict: str) -> Badge:
    colour, text = VERDICT_BADGES[verdict]
    return Badge(text, colour)


def claims_table(claims: pd.DataFrame, studies: pd.DataFrame, show_section: bool = True) -> Table:
    by_id = studies.set_index("study_id")
    rows = []
    for _, row in claims.sort_values("claim_id", kind="stable").iterrows():
        ids = [] if pd.isna(row["study_ids"]) else [s.strip() for s in row["study_ids"].split(";") if s.strip()]
        refs = Span(*[piece for i, s in enumerate(ids) for piece in ((", " if i else ""), cite(by_id.loc[s]))]) if ids else None
        values = [row["claim_id"], row["claim"], row["cited_journal"], badge(row["verdict"]), row["explanation"], refs]
        if show_section:
            values.insert(1, row["section"].replace("-", " "))
        rows.append(values)
    columns = ["Claim", "What the article says", "Journal it names", "Verdict", "What the evidence shows", "Studies"]
    if show_section:
        columns.insert(1, "Section")
    return table(columns, rows)
