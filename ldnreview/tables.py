"""Tables the chapters show, built from the validated data (never typed into a notebook)."""

from __future__ import annotations

import pandas as pd

from . import grade
from .output import Markdown, table

DESIGN_NAMES = {
    "rct": "randomised trial",
    "crossover_rct": "randomised crossover trial",
    "open_label": "open-label trial",
    "cohort": "cohort study",
    "register": "register study",
    "case_series": "case series",
    "case_report": "case report",
    "systematic_review": "systematic review",
    "meta_analysis": "meta-analysis",
    "narrative_review": "narrative review",
    "preclinical": "laboratory or animal study",
}
DIRECTION_NAMES = {
    "benefit": "benefit",
    "no_difference": "no difference",
    "mixed": "mixed",
    "harm": "harm",
    "not_applicable": "n/a",
}


def fmt_number(value, digits: int = 2) -> str:
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.{digits}g}" if abs(value) < 0.01 else f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def dose_text(row: pd.Series) -> str:
    lo, hi = row["dose_min_mg"], row["dose_max_mg"]
    if pd.isna(lo) and pd.isna(hi):
        return "–"
    if pd.isna(lo) or pd.isna(hi) or lo == hi:
        return fmt_number(hi if pd.isna(lo) else lo, 4)
    return f"{fmt_number(lo, 4)}–{fmt_number(hi, 4)}"


def links(row: pd.Series) -> str:
    parts = []
    if not pd.isna(row["pmid"]):
        parts.append(f"[PMID {row['pmid']}](https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/)")
    if not pd.isna(row["doi"]):
        parts.append(f"[DOI](<https://doi.org/{row['doi']}>)")
    return " · ".join(parts)


def cite(row: pd.Series, textual: bool = True) -> str:
    return f"{{cite:{'t' if textual else 'p'}}}`{row['bibkey']}`"


def sort_studies(studies: pd.DataFrame) -> pd.DataFrame:
    """Strongest evidence first, then larger, then older, then by id: the same order every run."""
    graded = grade.with_levels(studies)
    graded["_size"] = graded["size"].fillna(-1)
    return graded.sort_values(["level_rank", "_size", "year", "study_id"], ascending=[True, False, True, True], kind="stable").drop(columns="_size")


def study_table(studies: pd.DataFrame, caption: str | None = None, show_condition: bool = False) -> Markdown:
    columns = ["Study", "Design (evidence level)", "N", "Dose (mg/day)", "Weeks", "Comparator", "Result", "Direction", "Links"]
    if show_condition:
        columns.insert(1, "Condition")
    rows = []
    keys = studies.set_index("study_id")["bibkey"]
    for _, row in sort_studies(studies).iterrows():
        design = f"{DESIGN_NAMES[row['design']]} ({row['level_rank']}: {row['level'].lower()})"
        if isinstance(row["secondary_to"], str):
            main = keys.get(row["secondary_to"])
            design += f"; secondary report of {{cite:t}}`{main}`" if main else f"; secondary report of {row['secondary_to']}"
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


def design_count_table(studies: pd.DataFrame) -> Markdown:
    counts = design_counts(studies)
    rows = []
    for r in counts.itertuples():
        if r.design in (DESIGN_NAMES[d] for d in grade.SYNTHESIS + ("preclinical",)):
            participants = "not counted (summarises other studies or is not clinical)"
        else:
            participants = fmt_number(r.participants) + (f" ({r.without_size} without a reported size)" if r.without_size else "")
        rows.append([r.design, r.studies, participants])
    return table(["Design", "Studies", "Participants"], rows)


def outcomes_table(outcomes: pd.DataFrame, studies: pd.DataFrame) -> Markdown:
    keys = studies.set_index("study_id")["bibkey"]
    rows = []
    for _, row in outcomes.sort_values(["study_id", "outcome_id"], kind="stable").iterrows():
        ci = "–" if pd.isna(row["ci_low"]) else f"{fmt_number(row['ci_low'], 3)} to {fmt_number(row['ci_high'], 3)}"
        rows.append([
            f"{{cite:t}}`{keys[row['study_id']]}`",
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


def harms_table(events: pd.DataFrame, studies: pd.DataFrame) -> Markdown:
    keys = studies.set_index("study_id")["bibkey"]
    rows = []
    for _, row in events.sort_values(["study_id", "ae_id"], kind="stable").iterrows():
        ldn = "–" if pd.isna(row["ldn_n"]) else f"{fmt_number(row['ldn_events'])}/{fmt_number(row['ldn_n'])}"
        comp = "–" if pd.isna(row["comparator_n"]) else f"{fmt_number(row['comparator_events'])}/{fmt_number(row['comparator_n'])}"
        rows.append([f"{{cite:t}}`{keys[row['study_id']]}`", row["event"], ldn, comp, row["note"]])
    return table(["Study", "Event", "LDN (events/N)", "Comparator (events/N)", "How reported"], rows)


# sphinx-design badge role and words: the words carry the verdict, the colour only repeats it.
VERDICT_BADGES = {
    "supported": ("bdg-success", "supported"),
    "partly_supported": ("bdg-info", "partly supported"),
    "misattributed": ("bdg-warning", "misattributed"),
    "contradicted": ("bdg-danger", "contradicted"),
    "not_found": ("bdg-secondary", "not found"),
}


def badge(verdict: str) -> str:
    role, words = VERDICT_BADGES[verdict]
    return f"{{{role}}}`{words}`"


def claims_table(claims: pd.DataFrame, studies: pd.DataFrame, show_section: bool = True) -> Markdown:
    keys = studies.set_index("study_id")["bibkey"]
    rows = []
    for _, row in claims.sort_values("claim_id", kind="stable").iterrows():
        ids = [] if pd.isna(row["study_ids"]) else [s.strip() for s in row["study_ids"].split(";") if s.strip()]
        refs = ", ".join(f"{{cite:t}}`{keys[s]}`" for s in ids) or "–"
        values = [row["claim_id"], row["claim"], row["cited_journal"], badge(row["verdict"]), row["explanation"], refs]
        if show_section:
            values.insert(1, row["section"].replace("-", " "))
        rows.append(values)
    columns = ["Claim", "What the article says", "Journal it names", "Verdict", "What the evidence shows", "Studies"]
    if show_section:
        columns.insert(1, "Section")
    return table(columns, rows)
