"""Evidence level per study and certainty per condition, each with its reasons.

The rules are simple on purpose, so a reader can check them by hand; the methods
page prints them from :data:`LEVELS` and :func:`certainty` itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

RANDOMISED = ("rct", "crossover_rct")
SYNTHESIS = ("systematic_review", "meta_analysis", "narrative_review")
LARGE_TRIAL = 100  # participants analysed (or enrolled when analysed is not reported)


@dataclass(frozen=True)
class Level:
    rank: int  # 1 is the strongest clinical evidence; 6 and 7 are not clinical evidence
    label: str
    rule: str


LEVELS = (
    Level(1, "Large randomised trial", f"randomised (parallel or crossover) with at least {LARGE_TRIAL} participants"),
    Level(2, "Small randomised trial", f"randomised (parallel or crossover) with fewer than {LARGE_TRIAL} participants, or size not reported"),
    Level(3, "Non-randomised trial", "prospective open-label or single-arm trial"),
    Level(4, "Observational study", "retrospective or prospective cohort, or prescription-register study"),
    Level(5, "Case series or report", "case series (two or more patients) or a single case report"),
    Level(6, "Review", "systematic review, meta-analysis or narrative review: summarises studies already counted, never counted itself"),
    Level(7, "Mechanism", "laboratory, animal or mechanistic paper: not clinical evidence"),
)
CLINICAL_RANKS = (1, 2, 3, 4, 5)

CERTAINTY_WORDS = {
    4: "high",
    3: "moderate",
    2: "low",
    1: "very low",
    0: "no evidence",
}
CERTAINTY_MEANING = {
    "high": "further research is very unlikely to change what we think the effect is",
    "moderate": "further research may well change the estimate of the effect",
    "low": "the true effect may be substantially different from what the studies found",
    "very low": "we do not know whether LDN helps; the studies are too few, too small or too uncontrolled to tell",
    "no evidence": "no published human study was found",
}
RANDOMISED_POOL_SERIOUS = 400  # below this many randomised participants in all: rate down once
RANDOMISED_POOL_VERY_SERIOUS = 100  # below this: rate down twice
SHORT_TRIAL_WEEKS = 12


def study_size(study: pd.Series) -> float:
    for column in ("n_analysed", "n_enrolled"):
        if not pd.isna(study[column]):
            return float(study[column])
    return float("nan")


def level(study: pd.Series) -> Level:
    design = study["design"]
    if design in RANDOMISED:
        size = study_size(study)
        return LEVELS[0] if size == size and size >= LARGE_TRIAL else LEVELS[1]
    if design == "open_label":
        return LEVELS[2]
    if design in ("cohort", "register"):
        return LEVELS[3]
    if design in ("case_series", "case_report"):
        return LEVELS[4]
    if design in SYNTHESIS:
        return LEVELS[5]
    return LEVELS[6]


def with_levels(studies: pd.DataFrame) -> pd.DataFrame:
    """Studies plus ``level_rank``, ``level`` and ``size`` columns."""
    out = studies.copy()
    levels = [level(row) for _, row in studies.iterrows()]
    out["level_rank"] = pd.Series([lv.rank for lv in levels], index=studies.index, dtype="Int64")
    out["level"] = pd.Series([lv.label for lv in levels], index=studies.index, dtype=object)
    out["size"] = pd.Series([study_size(row) for _, row in studies.iterrows()], index=studies.index, dtype="Float64")
    return out


def primary_clinical(studies: pd.DataFrame) -> pd.DataFrame:
    """Clinical studies (levels 1-5) with levels, leaving out secondary reports of trials already listed."""
    graded = with_levels(studies)
    return graded[graded["level_rank"].isin(CLINICAL_RANKS) & graded["secondary_to"].isna()]


@dataclass(frozen=True)
class Certainty:
    rating: str
    start: str
    reasons: tuple[str, ...]
    n_clinical: int
    participants: int
    n_randomised: int
    randomised_participants: int
    best_level: str | None

    @property
    def meaning(self) -> str:
        return CERTAINTY_MEANING[self.rating]


def _participants(frame: pd.DataFrame) -> int:
    sizes = frame["size"].dropna()
    return int(sizes.sum()) if len(sizes) else 0


def certainty(studies: pd.DataFrame) -> Certainty:
    """Certainty of the evidence for one condition's studies (GRADE-like, simplified).

    Start from the best clinical design (randomised: high; non-randomised or observational: low;
    case reports only: very low), then rate down once for each problem found in that body of
    evidence, never below very low.
    """
    # A secondary report of a trial already listed adds no new participants or replication.
    clinical = primary_clinical(studies)
    randomised = clinical[clinical["design"].isin(RANDOMISED)]
    if clinical.empty:
        return Certainty("no evidence", "no evidence", ("no published human study found",), 0, 0, 0, 0, None)
    best = LEVELS[int(clinical["level_rank"].min()) - 1]
    reasons: list[str] = []
    if not randomised.empty:
        start, score, body = "high (randomised trials)", 4, randomised
        pool = _participants(randomised)
        if pool < RANDOMISED_POOL_VERY_SERIOUS:
            score -= 2
            reasons.append(f"very serious imprecision: {pool} randomised participants in all (fewer than {RANDOMISED_POOL_VERY_SERIOUS})")
        elif pool < RANDOMISED_POOL_SERIOUS:
            score -= 1
            reasons.append(f"imprecision: {pool} randomised participants in all (fewer than {RANDOMISED_POOL_SERIOUS})")
        if len(randomised) == 1:
            score -= 1
            reasons.append("a single randomised trial, not yet replicated")
        durations = randomised["duration_weeks"].dropna()
        if len(durations) and durations.max() <= SHORT_TRIAL_WEEKS:
            score -= 1
            reasons.append(f"indirectness: no randomised trial lasted longer than {SHORT_TRIAL_WEEKS} weeks, short for a chronic disease")
    elif best.rank in (3, 4):
        start, score, body = "low (non-randomised studies)", 2, clinical[clinical["level_rank"].isin((3, 4))]
        if _participants(body) < RANDOMISED_POOL_VERY_SERIOUS:
            score -= 1
            reasons.append(f"imprecision: {_participants(body)} participants in the non-randomised studies")
        uncontrolled = body["comparator"].fillna("none").str.lower().str.startswith("none").all()
        if uncontrolled and score > 1:
            score -= 1
            reasons.append("risk of bias: no comparison group in any study")
        if (body["design"] == "register").all() and score > 1:
            score -= 1
            reasons.append("indirectness: prescription registers measure drugs dispensed, not disease activity")
        if len(body) == 1 and score > 1:
            score -= 1
            reasons.append("a single study, not yet replicated")
    else:
        start, score, body = "very low (case reports and series only)", 1, clinical
        reasons.append("case reports and series cannot separate the effect of LDN from chance, placebo response or the natural course")
    directions = set(body["direction"]) - {"not_applicable"}
    if "benefit" in directions and directions & {"no_difference", "harm"}:
        score -= 1
        reasons.append("inconsistency: the studies that decide the rating disagree in direction")
    score = max(score, 1)
    return Certainty(
        rating=CERTAINTY_WORDS[score],
        start=start,
        reasons=tuple(reasons),
        n_clinical=len(clinical),
        participants=_participants(clinical),
        n_randomised=len(randomised),
        randomised_participants=_participants(randomised),
        best_level=best.label,
    )
