"""Evidence level per study and certainty per condition, each with its reasons.

The rules are simple on purpose, so a reader can check them by hand; the methods
page prints them from :data:`LEVELS` and :func:`certainty` itself.
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
# Share of participants in studies at high (RoB 2) or serious/critical (ROBINS-I) risk of bias that
# makes risk of bias serious for the body of evidence.
ROB_SERIOUS_SHARE = 0.5
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


def risk_of_bias_downgrade(concerns_share: float, every_high_with_critical: bool) -> int:
    """The one risk-of-bias rule, for each outcome (certainty.py) and for a condition's body of evidence: levels to
    rate down. ``concerns_share`` is the share of the weight in studies at high risk or with some concerns (a study
    not assessed counts as at risk); two levels only when every deciding study is at high risk and one is critical."""
    if every_high_with_critical:
        return 2
    return 1 if concerns_share >= ROB_SERIOUS_SHARE else 0


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


def _weighted_share(body: pd.DataFrame, flags: pd.Series) -> float:
    """Share of the body's participants (each study at least 1) in the flagged studies."""
    weights = body["size"].fillna(1).astype(float).clip(lower=1)
    return float(weights[flags].sum() / weights.sum()) if len(body) else 0.0


def certainty(studies: pd.DataFrame, risk_of_bias: pd.DataFrame | None = None,
              serious_below: int = RANDOMISED_POOL_SERIOUS, very_serious_below: int = RANDOMISED_POOL_VERY_SERIOUS,
              awaiting: pd.DataFrame | None = None) -> Certainty:
    """Certainty of the evidence of benefit for one condition's studies (GRADE-like, documented on the methods page).

    The body of evidence is the randomised trials when there are any, else the non-randomised controlled
    studies, else the uncontrolled ones. A body with no concurrent comparison is very low, whatever else.
    Every reason is recorded, including those found once the floor is reached.
    """
    clinical = primary_clinical(studies)
    randomised = clinical[clinical["design"].isin(RANDOMISED)]
    if clinical.empty:
        return Certainty("no evidence", "no evidence", ("no published human study found",), 0, 0, 0, 0, None)
    best = LEVELS[int(clinical["level_rank"].min()) - 1]
    judgements = overall_risk_of_bias(risk_of_bias) if risk_of_bias is not None else {}
    reasons: list[str] = []
    controlled = clinical[clinical["level_rank"] == 3]
    if not randomised.empty:
        start, score, body = "high (randomised trials)", 4, randomised
    elif not controlled.empty:
        start, score, body = "low (non-randomised controlled studies)", 2, controlled
    else:
        start, score, body = "very low (no study had a concurrent comparison group)", 1, clinical
        reasons.append("risk of bias: without a concurrent comparison group, change on LDN cannot be separated "
                       "from chance, placebo response, regression to the mean or the natural course")
    # Risk of bias, from the per-study judgements.
    rated = body["study_id"].map(judgements)
    if not (randomised.empty and controlled.empty):
        at_risk = rated.isna() | rated.isin(HIGH_RISK)  # a study not assessed cannot count as low risk
        high = _weighted_share(body, at_risk)
        some = _weighted_share(body, at_risk | rated.isin(SOME_RISK))
        unassessed = int(rated.isna().sum())
        levels = risk_of_bias_downgrade(some, bool(at_risk.all()) and bool((rated == "critical").any()))
        score -= levels
        if levels == 2:
            reasons.append("very serious risk of bias: every deciding study is at high risk of bias and one is at critical risk")
        elif levels and high >= ROB_SERIOUS_SHARE:
            reasons.append(f"serious risk of bias: {high:.0%} of participants are in studies at high or serious risk of bias")
        elif levels:
            reasons.append(f"serious risk of bias: {some:.0%} of participants are in studies with some concerns or higher")
        if unassessed:
            reasons.append(f"{unassessed} of the deciding studies have no risk-of-bias assessment")
    # Imprecision: too few participants to rule out no effect.
    pool = _participants(body)
    if pool < very_serious_below:
        score -= 2
        reasons.append(f"very serious imprecision: {pool} participants in the deciding studies (fewer than {very_serious_below})")
    elif pool < serious_below:
        score -= 1
        reasons.append(f"serious imprecision: {pool} participants in the deciding studies (fewer than {serious_below})")
    if len(body) == 1:
        score -= 1
        reasons.append("a single study, not yet replicated")
    # Indirectness: outcomes that stand in for benefit, other populations, short follow-up.
    proxy = body["outcome_kind"].isin(INDIRECT_OUTCOMES) if "outcome_kind" in body else pd.Series(False, index=body.index)
    if _weighted_share(body, proxy) >= 0.5:
        score -= 1
        reasons.append("indirectness: most participants are in studies whose main outcome is a biomarker or drugs dispensed, not how patients feel or function")
    mismatch = body["population_match"].isin(("partial", "no")) if "population_match" in body else pd.Series(False, index=body.index)
    if _weighted_share(body, mismatch) >= 0.5:
        score -= 1
        reasons.append("indirectness: most participants are in studies whose population only partly matches the condition")
    durations = body["duration_weeks"].dropna()
    if not randomised.empty and len(durations) and durations.max() <= SHORT_TRIAL_WEEKS:
        score -= 1
        reasons.append(f"indirectness: no randomised trial lasted longer than {SHORT_TRIAL_WEEKS} weeks, short for a chronic disease")
    # Publication bias: randomised trials that answer the question but whose results cannot be verified.
    unverified = unverified_trials(awaiting) if awaiting is not None else None
    if unverified is not None and len(unverified):
        score -= 1
        reasons.append(f"publication bias: {len(unverified)} randomised trial{'s' if len(unverified) > 1 else ''} "
                       f"({participants_phrase(unverified['n'])}) awaiting classification, their results not verifiable")
    score = min(max(score, 1), 1 if controlled.empty and randomised.empty else 4)
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
