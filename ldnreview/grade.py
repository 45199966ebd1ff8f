"""Evidence level per study (OCEBM 2011) and how much clinical evidence a condition has.

Certainty of evidence is rated per outcome, in :mod:`ldnreview.certainty`; nothing here rates a condition.
The methods page prints :data:`LEVELS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .schema import CLINICAL_DESIGNS

RANDOMISED = ("rct", "crossover_rct")
SYNTHESIS = ("systematic_review", "meta_analysis", "narrative_review")
LARGE_TRIAL = 100  # participants analysed (or enrolled when analysed is not reported)
# A comparison made at the same time in other people: the only kind that can separate LDN from time and placebo.
CONCURRENT_CONTROLS = ("randomised_placebo", "randomised_active", "randomised_usual_care", "concurrent_nonrandomised")
# Main outcomes that are not clinical benefit: a laboratory measure, or drugs dispensed.
NOT_CLINICAL_OUTCOMES = ("laboratory",)
INDIRECT_OUTCOMES = ("biomarker", "dispensing_proxy")


@dataclass(frozen=True)
class Level:
    rank: int  # 1 is the strongest clinical evidence; 6 and 7 are not clinical evidence
    label: str
    rule: str


# Evidence levels for treatment benefit, after OCEBM 2011: a controlled comparison always ranks above an
# uncontrolled one, whatever the design is called.
LEVELS = (
    Level(1, "Large randomised trial", f"randomised (parallel or crossover) with at least {LARGE_TRIAL} participants"),
    Level(2, "Small randomised trial", f"randomised (parallel or crossover) with fewer than {LARGE_TRIAL} participants, or size not reported"),
    Level(3, "Non-randomised controlled study", "a concurrent comparison group that was not randomised (trial, cohort or register)"),
    Level(4, "Uncontrolled study", "no concurrent comparison: single-arm trials, before-after and historically controlled "
          "studies, uncontrolled cohorts and registers, case series"),
    Level(5, "Case report", "a single patient"),
    Level(6, "Review", "systematic review, meta-analysis or narrative review: summarises studies already counted, never counted itself"),
    Level(7, "Laboratory or mechanism", "laboratory, animal or mechanistic paper, or a study in patients whose main outcome is a "
          "laboratory measure: not clinical evidence"),
)
CLINICAL_RANKS = (1, 2, 3, 4, 5)

# What each certainty level means (GRADE handbook), for every page that explains a rating.
CERTAINTY_MEANING = {
    "high": "further research is very unlikely to change what we think the effect is",
    "moderate": "the true effect is probably close to the estimate, but may be substantially different",
    "low": "the true effect may be substantially different from the estimate",
    "very low": "the true effect is likely to be substantially different from the estimate: we do not know",
}
HIGH_RISK = ("high", "serious", "critical")
SOME_RISK = ("some_concerns", "moderate", "no_information")


def study_size(study: pd.Series) -> float:
    for column in ("n_analysed", "n_enrolled"):
        if not pd.isna(study[column]):
            return float(study[column])
    return float("nan")


def _coded(study: pd.Series, column: str):
    value = study.get(column)
    return value if isinstance(value, str) else None


def level(study: pd.Series) -> Level:
    design = study["design"]
    if design in SYNTHESIS:
        return LEVELS[5]
    if design not in CLINICAL_DESIGNS or _coded(study, "outcome_kind") in NOT_CLINICAL_OUTCOMES:
        return LEVELS[6]
    if design in RANDOMISED:
        size = study_size(study)
        return LEVELS[0] if size == size and size >= LARGE_TRIAL else LEVELS[1]
    if design == "case_report":
        return LEVELS[4]
    if _coded(study, "control") in CONCURRENT_CONTROLS:
        return LEVELS[2]
    return LEVELS[3]


def with_levels(studies: pd.DataFrame) -> pd.DataFrame:
    """Studies plus ``level_rank``, ``level`` and ``size`` columns."""
    out = studies.copy()
    levels = [level(row) for _, row in studies.iterrows()]
    out["level_rank"] = pd.Series([lv.rank for lv in levels], index=studies.index, dtype="Int64")
    out["level"] = pd.Series([lv.label for lv in levels], index=studies.index, dtype=object)
    out["size"] = pd.Series([study_size(row) for _, row in studies.iterrows()], index=studies.index, dtype="Float64")
    return out


def primary_clinical(studies: pd.DataFrame) -> pd.DataFrame:
    """The one definition of 'clinical study': levels 1-5, leaving out secondary reports of trials already listed."""
    graded = with_levels(studies)
    return graded[graded["level_rank"].isin(CLINICAL_RANKS) & graded["secondary_to"].isna()]


def unverified_trials(awaiting: pd.DataFrame) -> pd.DataFrame:
    """Randomised trials that answer the question but await classification: their results cannot be verified, so
    they are in no estimate, and both the body of evidence and each outcome are judged with them in view."""
    return awaiting[awaiting["design"].isin(RANDOMISED)]


def participants_phrase(sizes: pd.Series) -> str:
    """How many people some trials hold, when a page may not have shown every trial's size: a lower bound then."""
    known = sizes.dropna()
    if known.empty:
        return "number of participants not known"
    return f"{'' if len(known) == len(sizes) else 'at least '}{int(known.sum()):,} participants"


def overall_risk_of_bias(risk_of_bias: pd.DataFrame) -> dict[str, str]:
    """Each study's overall risk-of-bias judgement."""
    overall = risk_of_bias[risk_of_bias["domain"] == "overall"]
    return dict(zip(overall["study_id"], overall["judgement"]))


@dataclass(frozen=True)
class Evidence:
    """How much clinical evidence a condition has: counts only. Certainty is rated per outcome (certainty.py)."""

    n_clinical: int
    participants: int
    n_randomised: int
    randomised_participants: int
    best_level: str | None


def _participants(frame: pd.DataFrame) -> int:
    sizes = frame["size"].dropna()
    return int(sizes.sum()) if len(sizes) else 0


def evidence(studies: pd.DataFrame) -> Evidence:
    """Counts of one condition's clinical studies and participants, and its best design."""
    clinical = primary_clinical(studies)
    randomised = clinical[clinical["design"].isin(RANDOMISED)]
    best = LEVELS[int(clinical["level_rank"].min()) - 1].label if len(clinical) else None
    return Evidence(len(clinical), _participants(clinical), len(randomised), _participants(randomised), best)
