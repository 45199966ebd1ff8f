"""Tables the chapters show, built from the validated data (never typed into a notebook)."""

from __future__ import annotations

import pandas as pd

from . import grade
from . import words
from .output import BLANK, Badge, Cite, Link, Span, Table, table, url_part

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


SECONDARY = "secondary report of a listed trial"
LABORATORY = "study in patients measuring only laboratory outcomes"


def design_counts(studies: pd.DataFrame) -> pd.DataFrame:
    """Studies and participants per design, in the vocabulary's design order. Secondary reports get a row
    of their own and add no participants, so these counts agree with the bottom line and figures."""
    graded = grade.with_levels(studies)
    secondary = graded["secondary_to"].notna()
    laboratory = graded["design"].isin(grade.CLINICAL_DESIGNS) & (graded["level_rank"] == 7)
    rows = []
    for design, name in [*DESIGN_NAMES.items(), ("secondary", SECONDARY), ("laboratory", LABORATORY)]:
        if design == "secondary":
            sub = graded[secondary]
        elif design == "laboratory":
            sub = graded[laboratory & ~secondary]
        else:
            sub = graded[(graded["design"] == design) & ~secondary & ~laboratory]
        if len(sub):
            sizes = sub["size"].dropna()
            rows.append({"design": name, "studies": len(sub), "participants": int(sizes.sum()) if len(sizes) else 0,
                         "without_size": int(sub["size"].isna().sum())})
    return pd.DataFrame(rows, columns=["design", "studies", "participants", "without_size"])


def design_count_table(studies: pd.DataFrame) -> Table:
    counts = design_counts(studies)
    rows = []
    for r in counts.itertuples():
        if r.design in [DESIGN_NAMES[d] for d in grade.SYNTHESIS + ("preclinical",)] + [SECONDARY, LABORATORY]:
            participants = "not counted (reports on participants counted elsewhere, or is not clinical)"
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
ATTRIBUTION_BADGES = {
    "correct": ("success", "source correct"),
    "wrong_source": ("warning", "wrong source"),
    "source_not_found": ("danger", "source not found"),
    "no_source_named": ("secondary", "no source named"),
}
EVIDENCE_BADGES = {
    "supported": ("success", "supported"),
    "partly_supported": ("info", "partly supported"),
    "not_supported": ("warning", "not supported"),
    "contradicted": ("danger", "contradicted"),
    "no_evidence": ("secondary", "no evidence"),
}


def badge(value: str, kind: str = "evidence") -> Badge:
    colour, text = (EVIDENCE_BADGES if kind == "evidence" else ATTRIBUTION_BADGES)[value]
    return Badge(text, colour)


def evidence_cell(row) -> Span:
    certainty = row["evidence_certainty"]
    return Span(badge(row["evidence"]), "" if certainty == "not_applicable" else f" ({certainty} certainty)")


def outcome_ratings(findings: list[dict]) -> str:
    """A condition's per-outcome certainty in a few words: 'pain high; quality of life very low'."""
    return "; ".join(f"{r['outcome'].lower()} {r['certainty']}" for r in findings) or "–"


def claims_table(claims: pd.DataFrame, studies: pd.DataFrame, show_section: bool = True,
                 ratings: dict[str, str] | None = None) -> Table:
    """The claims with their verdicts; ``ratings`` maps a condition to its per-outcome certainty (outcome_ratings),
    shown beside each claim about that condition."""
    by_id = studies.set_index("study_id")
    ratings = ratings or {}
    rows = []
    for _, row in claims.sort_values("claim_id", kind="stable").iterrows():
        ids = [] if pd.isna(row["study_ids"]) else [s.strip() for s in row["study_ids"].split(";") if s.strip()]
        refs = Span(*[piece for i, s in enumerate(ids) for piece in ((", " if i else ""), cite(by_id.loc[s]))]) if ids else None
        values = [row["claim_id"], row["claim"], row["cited_journal"], badge(row["attribution"], "attribution"),
                  evidence_cell(row), ratings.get(row["condition"], "–"), Span(row["verdict_reason"], " ", row["explanation"]),
                  refs]
        if show_section:
            values.insert(1, row["section"].replace("-", " "))
        rows.append(values)
    columns = ["Claim", "What the article says", "Journal it names", "Attribution", "Evidence",
               "Certainty by outcome (GRADE)", "Why", "Studies"]
    if show_section:
        columns.insert(1, "Section")
    return table(columns, rows)


ROB_DOMAIN_NAMES = {
    "randomisation": "Randomisation",
    "deviations": "Deviations from intended intervention",
    "missing_data": "Missing outcome data",
    "measurement": "Measurement of the outcome",
    "reporting": "Selection of the reported result",
    "period_carryover": "Period and carry-over effects",
    "confounding": "Confounding",
    "selection": "Selection of participants",
    "classification": "Classification of interventions",
    "comparison": "Comparison group",
    "overall": "Overall",
}
ROB_WORDS = {"low": "low", "some_concerns": "some concerns", "high": "high", "moderate": "moderate", "serious": "serious",
             "critical": "critical", "no_information": "no information"}
ROB_TOOL_NAMES = {"rob2": "RoB 2", "rob2_crossover": "RoB 2 (crossover)", "robins_i": "ROBINS-I", "uncontrolled": "no comparison group"}


def risk_of_bias_table(rob: pd.DataFrame, studies: pd.DataFrame) -> Table:
    by_id = studies.set_index("study_id")
    rows = [[cite(by_id.loc[r["study_id"]]), ROB_TOOL_NAMES[r["tool"]], ROB_DOMAIN_NAMES[r["domain"]], ROB_WORDS[r["judgement"]],
             r["support"]] for _, r in rob.iterrows()]
    return table(["Study", "Tool", "Domain", "Judgement", "Support (from abstract and registry pages)"], rows)


def uncontrolled_bias_table(rob: pd.DataFrame, studies: pd.DataFrame) -> Table:
    """One row per study with no comparison group: why it is critical, and what that leaves of it."""
    by_id = studies.set_index("study_id")
    support = rob.set_index(["study_id", "domain"])["support"]
    rows = [[cite(by_id.loc[sid]), DESIGN_NAMES[by_id.loc[sid, "design"]], support.get((sid, "comparison"), BLANK),
             support.get((sid, "overall"), BLANK)] for sid in dict.fromkeys(rob["study_id"])]
    return table(["Study", "Design", "No comparison group", "What the study can show"], rows)


REGISTRIES = (
    (r"^NCT[0-9]{8}$", "https://clinicaltrials.gov/study/{}"),
    (r"^ISRCTN[0-9]+$", "https://www.isrctn.com/{}"),
    (r"^ACTRN[0-9]+$", "https://www.anzctr.org.au/TrialSearch.aspx?searchTxt={}"),
    (r"^EudraCT ?[0-9]{4}-[0-9]{6}-[0-9]{2}$", "https://www.clinicaltrialsregister.eu/ctr-search/search?query={}"),
)


def registry_link(registry_id: str):
    """A registry number as a link to its registry; anything else stays text."""
    import re

    for pattern, url in REGISTRIES:
        if re.match(pattern, registry_id):
            return Link(url.format(url_part(registry_id.replace("EudraCT", "").strip())), registry_id)
    return registry_id


def awaiting_table(awaiting: pd.DataFrame) -> Table:
    rows = [[r["citation"], DESIGN_NAMES.get(r["design"], BLANK) if isinstance(r["design"], str) else BLANK, fmt_number(r["n"]),
             DIRECTION_NAMES.get(r["direction"], BLANK) if isinstance(r["direction"], str) else BLANK,
             registry_link(r["registry_id"]) if isinstance(r["registry_id"], str) else BLANK, r["missing"]]
            for _, r in awaiting.sort_values("awaiting_id", kind="stable").iterrows()]
    return table(["Study as seen", "Design", "N", "Reported result", "Registration", "What could not be verified"], rows)


def ongoing_table(ongoing: pd.DataFrame) -> Table:
    rows = [[registry_link(r["registry_id"]), r["title"], r["design"], fmt_number(r["n_planned"]), r["status"]]
            for _, r in ongoing.sort_values("registry_id", kind="stable").iterrows()]
    return table(["Registration", "Title", "Design", "Planned N", "Status as seen"], rows)


EXCLUSION_WORDS = {
    "not_human": "not in humans", "not_low_dose": "not low-dose naltrexone", "out_of_scope": "condition outside the review",
    "duplicate_or_secondary": "duplicate or secondary report", "not_primary_research": "not primary research",
    "retracted": "retracted", "not_ldn": "not naltrexone", "conference_abstract_only": "conference abstract only",
}


def flow_counts(data, condition: str | None = None) -> dict[str, int]:
    """PRISMA 2020 numbers from the search log and the screening records (one condition, or all)."""
    searches = data.searches if condition is None else data.searches[data.searches["condition"] == condition]
    records = data.records[data.records["search_id"].isin(searches["search_id"])]
    key = records["pmid"].fillna(records["doi"]).fillna(records["citation"].str.lower())
    unique = records.loc[~key.duplicated()]
    studies = data.studies if condition is None else data.studies[data.studies["condition"] == condition]
    return {
        "searches": len(searches),
        "identified": int(searches["hits"].sum()),
        "screened": int(searches["screened"].sum()),
        "relevant": len(records),
        "duplicates": len(records) - len(unique),
        "assessed": len(unique),
        "excluded": int((unique["decision"] == "excluded").sum()),
        "awaiting": len(data.awaiting) if condition is None else int((data.awaiting["condition"] == condition).sum()),
        "ongoing": len(data.ongoing) if condition is None else int((data.ongoing["condition"] == condition).sum()),
        "included": len(studies),
        "clinical": len(grade.primary_clinical(studies)),
    }


def flow_table(data, condition: str | None = None) -> Table:
    c = flow_counts(data, condition)
    rows = [
        ["Identification", "Queries run (search log)", c["searches"]],
        ["Identification", "Records returned by those queries", c["identified"]],
        ["Screening", "Records screened on title and abstract", c["screened"]],
        ["Screening", "Relevant records logged (in records.csv)", c["relevant"]],
        ["Screening", "Duplicates of a record already logged", c["duplicates"]],
        ["Eligibility", "Distinct reports assessed", c["assessed"]],
        ["Eligibility", "Excluded with a reason", c["excluded"]],
        ["Eligibility", "Awaiting classification (facts missing)", c["awaiting"]],
        ["Eligibility", "Registered trials without results", c["ongoing"]],
        ["Included", "Studies in the dataset (all designs, reviews included)", c["included"]],
    ]
    return table(["Stage", "PRISMA 2020 box", "Number"], rows)


def excluded_table(excluded: pd.DataFrame) -> Table:
    rows = [[r["citation"], r["condition"], Span(*(links(r).pieces)) if not (pd.isna(r["pmid"]) and pd.isna(r["doi"])) else BLANK,
             EXCLUSION_WORDS[r["reason"]], r["note"]]
            for _, r in excluded.sort_values(["reason", "excluded_id"], kind="stable").iterrows()]
    return table(["Study as seen", "Area", "Links", "Reason", "Note"], rows)
