"""GRADE certainty per outcome and comparison: the book's one certainty system.

:func:`rate` takes the studies that measured one outcome of one comparison and, when one exists, the pooled or
single-study estimate from :mod:`ldnreview.synthesis` (else a :class:`Narrative` of their between-group results),
and returns a :class:`CertaintyRating`: high, moderate, low or very low, each GRADE domain judged not serious,
serious or very serious with a footnote, the rating-up considerations, the answer (benefit, little or no
difference, harm) against the outcome's own minimal important difference (MID), and a statement in the wording of
Santesso et al. 2020. A condition's headline is the certainty of its critical outcomes (:func:`overall`).

Every rule is a short, checkable function; the methods page prints :data:`RULES` and the thresholds table from
``data/outcome_thresholds.csv``. Effects follow :mod:`ldnreview.synthesis`: SMDs and log risk ratios, negative
favours LDN.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from statistics import NormalDist

import pandas as pd

from . import synthesis

LEVELS = ("not_serious", "serious", "very_serious", "extremely_serious")  # 0 to 3 levels down (GRADE 34: three for very wide CIs)
RATINGS = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
SCORES = {v: k for k, v in RATINGS.items()}
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}
ANSWERS = ("benefit", "little_or_no_difference", "harm", "uncertain")

RANDOMISED_CONTROLS = ("randomised_placebo", "randomised_active", "randomised_usual_care")
NONRANDOMISED_CONTROLS = ("concurrent_nonrandomised", "historical")
UNCONTROLLED = ("before_after", "none")
RANDOMISED_DESIGNS = ("rct", "crossover_rct")

# Overall risk-of-bias judgements (RoB 2 and ROBINS-I, per their algorithms; uncontrolled designs are critical):
# at high risk, and with some concerns. A study with no judgement counts as at high risk.
HIGH_RISK = ("high", "serious", "critical")
SOME_CONCERNS = ("some_concerns", "moderate", "no_information")
# Share of the weight at which studies with limitations decide the answer unless lower-risk studies show otherwise.
DECIDING_SHARE = 0.5

# Guidance these rules follow, with the page each was read on (the methods page prints them).
GUIDANCE = (
    ("Overall certainty across outcomes: the lowest among the critical outcomes",
     "ACIP GRADE Handbook, chapter 10: Overall certainty of evidence (CDC)",
     "https://cdc.gov/acip-grade-handbook/hcp/chapter-10-overall-certainty-of-evidence/index.html"),
    ("Risk of bias across studies: weigh by contribution, rate down when high-risk studies move the answer",
     "Cochrane Handbook 5.1, table 12.2.d: from risk of bias to study limitations in GRADE",
     "http://handbook-5-1.cochrane.org/chapter_12/table_12_2_d_further_guidelines_for_factor_1_of_5_in_a_grade.htm"),
    ("Risk of bias and publication bias, compare high- and low-risk studies",
     "Guyatt G, Wang Y, Eachempati P, et al. Core GRADE 4: risk of bias, publication bias, and rating up. BMJ 2025;389:e083864",
     "https://researchportal.plymouth.ac.uk/en/publications/core-grade-4-rating-certainty-of-evidencerisk-of-bias-publication"),
    ("Imprecision: the CI against thresholds, the optimal information size, RR 0.75 and 1.25",
     "Guyatt GH, Oxman AD, Kunz R, et al. GRADE guidelines 6: imprecision. J Clin Epidemiol 2011;64(12):1283-93",
     "https://www.jclinepi.com/article/S0895-4356(11)00206-X/fulltext"),
    ("Imprecision, minimally contextualised: the MID as threshold; two or three levels for very wide intervals",
     "GRADE guidance 34: rating imprecision using a minimally contextualized approach. J Clin Epidemiol 2022;150:216-24",
     "https://pubmed.ncbi.nlm.nih.gov/35934265/?dopt=Abstract"),
    ("Target of certainty and precision",
     "Guyatt G, Zeng L, Brignardello-Petersen R, et al. Core GRADE 2: target and precision. BMJ 2025;389:e081904",
     "https://suppr.wilddata.cn/browses/detail/pubmed/40300802"),
    ("Informative statements by certainty and size of effect",
     "Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements. J Clin Epidemiol 2020;119:126-35",
     "https://pubmed.ncbi.nlm.nih.gov/31711912/?dopt=Abstract"),
    ("Rating certainty without a single estimate (narrative)",
     "Murad MH, Mustafa RA, Schünemann HJ, Sultan S, Santesso N. Rating the certainty in evidence in the absence of a "
     "single estimate of effect. Evid Based Med 2017;22(3):85",
     "http://ebm.bmj.com/content/early/2017/03/20/ebmed-2017-110668"),
    ("Summary-of-findings tables",
     "Schünemann HJ, Higgins JPT, Vist GE, et al. Cochrane Handbook chapter 14: Completing 'Summary of findings' tables "
     "and grading the certainty of the evidence (version 6.4, 2023)",
     "https://training.cochrane.org/handbook/current/chapter-14"),
    ("Re-expressing an SMD on a familiar instrument (SMD x a typical SD)",
     "Cochrane Handbook 5.1, 12.6.4: Re-expressing SMDs using a familiar instrument (chapter 15 in version 6)",
     "http://handbook-5-1.cochrane.org/chapter_12/12_6_4_re_expressing_smds_using_a_familiar_instrument.htm"),
    ("The RoB 2 overall judgement",
     "Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in randomised trials. BMJ "
     "2019;366:l4898; Cochrane RoB 2 FAQs", "https://methods.cochrane.org/risk-bias-2-faqs"),
    ("Fallback MID: half a standard deviation",
     "Norman GR, Sloan JA, Wyrwich KW. Interpretation of changes in health-related quality of life: the remarkable "
     "universality of half a standard deviation. Med Care 2003;41(5):582-92",
     "https://journals.lww.com/lww-medicalcare/Fulltext/2003/05000/Interpretation_of_Changes_in_Health_related.4.aspx"),
)
SOURCES = tuple(url for _, _, url in GUIDANCE)

Z_ALPHA = NormalDist().inv_cdf(0.975)
Z_BETA = NormalDist().inv_cdf(0.8)
# When no page gives an MID for an outcome's instrument: half a standard deviation (Norman et al. 2003), the
# documented fallback; the methods page names which outcomes use it.
FALLBACK_MID_SMD = 0.5
# Dichotomous outcomes without a decision threshold: a relative change of 25% (GRADE 6's rough guide).
FALLBACK_RR = 0.75
FAR_BELOW_OIS = 0.25  # a body with less than a quarter of the optimal information size is 'far below' it
I2_SERIOUS = 0.5
I2_VERY_SERIOUS = 0.75
LARGE_EFFECT_SMD = 0.8
LARGE_EFFECT_RR = 2.0  # GRADE: a risk ratio above 2 (or below 0.5) is a large effect
SLIGHT_UP_TO = 2.0  # an effect beyond the MID but within twice it is 'slight' (Santesso's small effect)
MISSING_RESULTS_SHARE = 0.25  # missing participants (trials without results) relative to the body


def optimal_information_size(mid_smd: float) -> int:
    """Participants in one adequately powered two-arm trial (two-sided 5%, 80% power) to detect ``mid_smd``
    (GRADE 6's OIS): 2 x ceil(2 (z_alpha/2 + z_beta)^2 / d^2); 126 for an SMD of 0.5, 786 for 0.2."""
    return 2 * math.ceil(2 * (Z_ALPHA + Z_BETA) ** 2 / mid_smd**2)


def optimal_information_size_events(comparator_risk: float, relative_reduction: float = 1 - FALLBACK_RR) -> int:
    """OIS for a dichotomous outcome: both arms of a trial powered to detect the relative change from
    ``comparator_risk``."""
    p1 = min(max(comparator_risk, 1e-3), 0.999)
    p2 = p1 * (1 - relative_reduction)
    per_arm = (Z_ALPHA + Z_BETA) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
    return 2 * math.ceil(per_arm)


@dataclass(frozen=True)
class Threshold:
    """The smallest effect that matters to patients for one outcome, on the analysis scale (SMD, or log risk
    ratio): an estimate at or below ``low`` is an important benefit of LDN, at or above ``high`` an important harm.
    ``mid`` and ``sd`` are in the instrument's own units; ``fallback`` says no page gave an MID."""

    domain: str
    low: float
    high: float
    basis: str
    measure: str = "SMD"
    instrument: str | None = None
    mid: float | None = None
    sd: float | None = None
    fallback: bool = True
    source_url: str | None = None
    importance: str = "critical"

    @property
    def mid_smd(self) -> float | None:
        return self.high if self.measure == "SMD" else None

    def shown(self, x: float) -> float:
        return math.exp(x) if self.measure == "RR" else x

    def text(self) -> str:
        if self.measure == "RR":
            return f"RR {self.shown(self.low):.2f} and {self.shown(self.high):.2f}"
        if self.mid is not None and self.sd and self.instrument:
            return f"{fmt(self.mid)} on {self.instrument} (SMD {self.high:.2f})"
        return f"SMD {self.high:g}"

    def native(self, smd: float) -> float | None:
        """An SMD put back on the instrument's scale (Cochrane Handbook 15.5.3.2): SMD x the instrument's SD."""
        return smd * self.sd if self.sd and self.measure == "SMD" else None


def fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{round(x):d}"


def threshold_for(domain: str, row=None, comparator_risk: float | None = None) -> Threshold:
    """The outcome's threshold from its ``outcome_thresholds.csv`` row (or the documented fallback)."""
    importance = _text(row, "importance") or ("important" if domain == "adverse_events" else "critical")
    instrument, source = _text(row, "instrument"), _text(row, "mid_source_url")
    mid, sd = _number(row, "mid"), _number(row, "sd")
    published = _text(row, "basis") == "published_mid"
    if domain in synthesis.DICHOTOMOUS_DOMAINS or domain == "remission":
        change = 1 - FALLBACK_RR
        basis = "a relative change of 25% (GRADE 6's rough guide to appreciable benefit or harm)"
        if published and mid and comparator_risk:
            change = min(0.95, mid / 1000 / comparator_risk)
            basis = f"{fmt(mid)} per 1000 people, as a risk ratio from the comparator risk"
        return Threshold(domain, math.log(1 - change), math.log(1 + change), basis, "RR",
                         instrument or "participants with the event",
                         mid, None, not (published and mid and comparator_risk), source, importance)
    if published and mid and sd:
        smd = mid / sd
        return Threshold(domain, -smd, smd, f"MID {fmt(mid)} on {instrument} / SD {fmt(sd)}", "SMD", instrument, mid, sd,
                         False, source, importance)
    return Threshold(domain, -FALLBACK_MID_SMD, FALLBACK_MID_SMD,
                     "no MID found for the instrument: half a standard deviation (the documented fallback)", "SMD",
                     instrument, None, sd, True, source, importance)


def _text(row, name):
    if row is None:
        return None
    value = row.get(name) if hasattr(row, "get") else None
    return value if isinstance(value, str) and value else None


def _number(row, name):
    if row is None:
        return None
    value = row.get(name)
    return None if value is None or pd.isna(value) else float(value)


# What a favourable (negative) or unfavourable (positive) effect means in words, per domain.
WORDING = {
    "pain": ("reduce", "increase", "pain"),
    "fatigue": ("reduce", "increase", "fatigue"),
    "disease_activity": ("reduce", "increase", "disease activity"),
    "depression": ("reduce", "worsen", "depressive symptoms"),
    "quality_of_life": ("improve", "worsen", "quality of life"),
    "function": ("improve", "worsen", "physical function"),
    "withdrawal_adverse_events": ("reduce", "increase", "withdrawals because of adverse events"),
    "adverse_events": ("reduce", "increase", "adverse events"),
    "biomarker": ("improve", "worsen", "the laboratory measure"),
    "other": ("improve", "worsen", "this outcome"),
}

RULES = (
    "Each outcome of each comparison is rated; a condition's headline is the lowest certainty among its critical "
    "outcomes (the GRADE handbook's overall certainty).",
    "Start: randomised comparisons high; non-randomised comparisons with a concurrent or historical control low; "
    "a body with no concurrent comparison (before-after, case series, case reports) very low, and never above it. "
    "When randomised trials measured the outcome, only they are rated.",
    "Thresholds belong to outcomes: each is judged against its minimal important difference (MID) in its own "
    "instrument's units, from data/outcome_thresholds.csv, expressed as an SMD by dividing by the instrument's "
    f"typical SD; where no MID was found, half a standard deviation (SMD {FALLBACK_MID_SMD:g}); dichotomous outcomes "
    "use a stated decision threshold per 1000 people or a relative change of 25%.",
    "The answer is benefit when the estimate lies beyond the MID in LDN's favour, harm beyond it the other way, and "
    "little or no difference within it (the minimally contextualised approach, GRADE guidance 34).",
    "Risk of bias is judged, not counted: studies at high risk, or with some concerns, that carry at least half the "
    "weight rate down once unless the estimate restricted to the lower-risk studies gives the same answer (shown in "
    "the footnote); twice only when every deciding study is at high risk and one at critical risk. Overall "
    "judgements follow the RoB 2 and ROBINS-I algorithms. A study not assessed counts as at high risk.",
    f"Inconsistency: from I² and the study estimates, never from how many were significant: serious when I² >= "
    f"{I2_SERIOUS:.0%} and the estimates point to different answers; very serious when I² >= {I2_VERY_SERIOUS:.0%} and "
    "the estimates fall on both sides of no effect with non-overlapping intervals. Without an estimate, directions "
    "that disagree are serious. Not assessable with one study (not rated down).",
    "Indirectness: a biomarker or a dispensing proxy for a clinical outcome is serious; a population that matches the "
    "condition only partly for at least half the weight is serious (no match: very serious).",
    "Imprecision: the 95% CI against the outcome's thresholds. Crossing both the benefit and the harm threshold is "
    "very serious, and rates down three levels when the body also has less than a quarter of the optimal "
    "information size; crossing one is serious, and very serious when the body also has less than a quarter of the "
    "optimal information size (OIS, one trial powered at 80% for the MID). A CI that crosses neither is serious "
    "only when the body is below the OIS. Without a single estimate, imprecision is judged from the participants "
    "against the OIS (Murad 2017).",
    f"Publication bias concerns missing results only: registered trials finished without results anywhere, rated "
    f"down when their planned participants are at least {MISSING_RESULTS_SHARE:.0%} of the body's; with ten or more "
    "studies a funnel plot would be read. A trial whose results are in the data is evidence, never a reason to rate down.",
    "No single estimate is not no rating: when trials report between-group results that cannot be pooled, the "
    "body is rated narratively from their directions, sizes and participants.",
    f"Rating up: only a non-randomised controlled body, not rated down, with |SMD| >= {LARGE_EFFECT_SMD} (or RR above "
    f"{LARGE_EFFECT_RR:g} or below {1 / LARGE_EFFECT_RR:g}) and its whole CI beyond the threshold; randomised bodies and "
    "bodies with no concurrent comparison are not rated up.",
    "Each row names the judgement that decides it and the rating under the nearest defensible alternative (the "
    "fallback threshold in place of the MID, or the estimate without the studies at high risk).",
)


@dataclass(frozen=True)
class StudyInput:
    """What certainty needs to know about one study contributing to one outcome."""

    study_id: str
    design: str
    control: str | None
    rob_overall: str | None = None
    outcome_kind: str | None = None
    population_match: str | None = None
    secondary_to: str | None = None
    participants: int | None = None
    label: str | None = None  # how readers see the study ("Bruun et al. 2024")

    @property
    def name(self) -> str:
        return self.label or self.study_id


@dataclass(frozen=True)
class NarrativeResult:
    """One trial's between-group result that cannot be pooled: its coded direction and what the page gave."""

    study_id: str
    direction: str  # benefit, no_difference, harm, mixed
    participants: int | None
    text: str = ""


@dataclass(frozen=True)
class Narrative:
    """Between-group results without a single estimate (Murad 2017)."""

    results: tuple[NarrativeResult, ...]

    @property
    def answer(self) -> str:
        weights: dict[str, float] = {}
        for r in self.results:
            key = {"no_difference": "little_or_no_difference"}.get(r.direction, r.direction)
            weights[key] = weights.get(key, 0) + float(r.participants or 1)
        if not weights:
            return "uncertain"
        return max(sorted(weights), key=lambda k: weights[k])

    @property
    def agree(self) -> bool:
        kinds = {r.direction for r in self.results}
        return len(kinds) == 1 and "mixed" not in kinds


@dataclass(frozen=True)
class Judgement:
    level: str
    footnote: str

    @property
    def downgrade(self) -> int:
        return LEVELS.index(self.level)


@dataclass(frozen=True)
class CertaintyRating:
    outcome: str
    domain: str
    rating: str
    start: str
    judgements: dict[str, Judgement]
    rating_up: str
    statement: str
    threshold: Threshold
    n_studies: int
    participants: int | None
    study_ids: tuple[str, ...]
    answer: str
    kind: str  # randomised, nonrandomised, uncontrolled
    estimate: synthesis.Pooled | None = field(default=None, repr=False)
    narrative: Narrative | None = field(default=None, repr=False)
    restricted: synthesis.Pooled | None = field(default=None, repr=False)  # lower-risk studies only

    @property
    def footnotes(self) -> list[str]:
        return [f"{DOMAIN_LABELS[name]}: {j.level.replace('_', ' ')}. {j.footnote}" for name, j in self.judgements.items()]

    @property
    def symbols(self) -> str:
        score = SCORES[self.rating]
        return "⊕" * score + "◯" * (4 - score)

    @property
    def rated_down(self) -> list[str]:
        """Domains rated down, as readers name them ('risk of bias', 'imprecision (twice)')."""
        return [DOMAIN_LABELS[d].lower() + {1: "", 2: " (twice)", 3: " (three levels)"}[j.downgrade]
                for d, j in self.judgements.items() if j.downgrade]


# --- the five domains ---------------------------------------------------------------------------------------------

def _weights(studies: list[StudyInput], estimate: synthesis.Pooled | None) -> dict[str, float]:
    """Share of the evidence per study: inverse-variance weights when an estimate exists, else participants."""
    ids = {s.study_id for s in studies}
    if estimate is not None and estimate.effects:
        tau2 = estimate.tau2 or 0.0
        raw = {e.study_id: 1 / (e.se**2 + tau2) for e in estimate.effects if e.study_id in ids}
    else:
        raw = {s.study_id: float(s.participants or 1) for s in studies}
    raw = raw or {s.study_id: 1.0 for s in studies}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def answer_of(estimate: float, threshold: Threshold) -> str:
    """'benefit', 'little_or_no_difference' or 'harm' (negative favours LDN, on the analysis scale)."""
    if estimate <= threshold.low:
        return "benefit"
    if estimate >= threshold.high:
        return "harm"
    return "little_or_no_difference"


def _crosses(estimate: synthesis.Pooled, threshold: Threshold) -> tuple[bool, bool]:
    low, high = estimate.ci
    return low < threshold.low < high, low < threshold.high < high


def _names(studies, judged: bool = True) -> str:
    return "; ".join(f"{s.name} {(s.rob_overall or 'not assessed').replace('_', ' ')}" if judged else s.name
                     for s in studies)


def _est_text(est: synthesis.Pooled) -> str:
    g = est.shown
    return f"{est.measure} {g(est.estimate):.2f} ({g(est.ci_low):.2f} to {g(est.ci_high):.2f})"


def judge_risk_of_bias(studies: list[StudyInput], estimate, narrative, threshold: Threshold, kind: str
                       ) -> tuple[Judgement, synthesis.Pooled | None]:
    """Rate down when the studies with limitations carry enough weight to move the answer."""
    if kind == "uncontrolled":
        return Judgement("very_serious", "No concurrent comparison: change from baseline cannot be separated from "
                                         "placebo response, regression to the mean or the natural course."), None
    weights = _weights(studies, estimate)
    high = [s for s in studies if s.rob_overall in HIGH_RISK or s.rob_overall is None]
    limited = [s for s in studies if s.rob_overall in HIGH_RISK + SOME_CONCERNS or s.rob_overall is None]
    lower = [s for s in studies if s not in limited]
    high_share = sum(weights.get(s.study_id, 0) for s in high)
    share = sum(weights.get(s.study_id, 0) for s in limited)
    listing = _names(studies)
    if kind == "nonrandomised":
        critical = [s for s in studies if s.rob_overall == "critical"]
        if critical:
            return Judgement("serious", f"At least one non-randomised study at critical risk of bias ({listing})."), None
        return Judgement("not_serious", f"Non-randomised evidence already starts at low certainty ({listing})."), None
    if not limited:
        return Judgement("not_serious", f"Every study is at low risk of bias ({listing})."), None
    if len(high) == len(studies) and any(s.rob_overall == "critical" for s in studies):
        return Judgement("very_serious", f"Every study is at high risk of bias and one at critical risk ({listing})."), None
    if share < DECIDING_SHARE:
        return Judgement("not_serious", f"Studies with limitations carry {share:.0%} of the weight, too little to move "
                                        f"the answer ({listing})."), None
    restricted = None
    if estimate is not None and lower:
        kept = tuple(e for e in estimate.effects if e.study_id in {s.study_id for s in lower})
        restricted = synthesis.pool(kept) if kept else None
    what = "at high risk of bias" if high_share >= DECIDING_SHARE else "with some concerns or at high risk of bias"
    if restricted is not None:
        low_ci, high_ci = _crosses(restricted, threshold)
        same = answer_of(restricted.estimate, threshold) == answer_of(estimate.estimate, threshold)
        if same and not (low_ci and high_ci):
            return Judgement("not_serious", f"Studies {what} carry {share:.0%} of the weight ({listing}), but the "
                                            f"estimate from the lower-risk studies alone, {_est_text(restricted)}, gives "
                                            "the same answer, so the limitations are unlikely to have changed it."), restricted
        why = ("is too imprecise to show that the answer is unchanged" if low_ci and high_ci else "gives a different answer")
        return Judgement("serious", f"Studies {what} carry {share:.0%} of the weight ({listing}); the estimate from the "
                                    f"lower-risk studies alone, {_est_text(restricted)}, {why}."), restricted
    return Judgement("serious", f"Studies {what} carry {share:.0%} of the weight and no lower-risk study can show the "
                                f"answer is unchanged ({listing})."), None


def judge_inconsistency(estimate: synthesis.Pooled | None, threshold: Threshold, narrative: Narrative | None = None,
                        labels: dict[str, str] | None = None) -> Judgement:
    labels = labels or {}
    if estimate is None:
        if narrative is not None and len(narrative.results) >= 2:
            if narrative.agree:
                return Judgement("not_serious", "The trials' between-group results point the same way.")
            ways = ", ".join(f"{labels.get(r.study_id, r.study_id)} {r.direction.replace('_', ' ')}" for r in narrative.results)
            return Judgement("serious", f"The trials' between-group results point different ways ({ways}).")
        return Judgement("not_serious", "One study, or no comparable results: inconsistency cannot be assessed.")
    if estimate.k < 2:
        return Judgement("not_serious", "One study only: inconsistency cannot be assessed, so not rated down.")
    i2 = estimate.i2 or 0.0
    ests = [e.estimate for e in estimate.effects]
    both_sides = min(ests) < 0 < max(ests)
    cis = [e.ci for e in estimate.effects]
    disjoint = any(a[1] < b[0] or b[1] < a[0] for a in cis for b in cis)
    answers = {answer_of(x, threshold) for x in ests}
    points = ", ".join(f"{labels.get(e.study_id, e.study_id)} {estimate.shown(e.estimate):.2f}" for e in estimate.effects)
    text = f"I² = {i2:.0%}, tau² = {estimate.tau2:.3f}; study estimates {points}."
    if i2 >= I2_VERY_SERIOUS and both_sides and disjoint:
        return Judgement("very_serious", text + " Estimates on both sides of no effect with non-overlapping intervals.")
    if i2 >= I2_SERIOUS and len(answers) > 1:
        return Judgement("serious", text + " Substantial heterogeneity, and the studies point to different answers.")
    return Judgement("not_serious", text + " Estimates and intervals overlap; heterogeneity does not change the answer.")


def judge_indirectness(domain: str, studies: list[StudyInput], estimate) -> Judgement:
    weights = _weights(studies, estimate)
    problems = []
    level = 0
    proxy = domain == "biomarker"
    if proxy:
        problems.append("a biomarker measured in place of how patients feel, function or survive")
        level += 1
    dispensing = [s.name for s in studies if s.outcome_kind == "dispensing_proxy"]
    if dispensing:
        problems.append(f"prescription counts stand in for the clinical outcome ({', '.join(dispensing)})")
        level = max(level, 1) if not proxy else level + 1
    partial = sum(weights.get(s.study_id, 0) for s in studies if s.population_match == "partial")
    none = sum(weights.get(s.study_id, 0) for s in studies if s.population_match == "no")
    if none >= 0.5:
        problems.append(f"{none:.0%} of the weight from populations that do not match the condition")
        level += 2
    elif partial + none >= 0.5:
        problems.append(f"{partial + none:.0%} of the weight from populations that match the condition only partly")
        level += 1
    level = min(level, 2)
    if not problems:
        return Judgement("not_serious", "Population, intervention, comparison and outcome match the question.")
    return Judgement(LEVELS[level], "; ".join(problems).capitalize() + ".")


def information_size(threshold: Threshold, estimate: synthesis.Pooled | None) -> int:
    if threshold.measure == "RR":
        risk = estimate.comparator_risk if estimate is not None else None
        return optimal_information_size_events(risk if risk else 0.1, 1 - math.exp(threshold.low))
    return optimal_information_size(threshold.high)


def judge_imprecision(estimate: synthesis.Pooled | None, threshold: Threshold, participants: int | None,
                      narrative: Narrative | None = None) -> Judgement:
    ois = information_size(threshold, estimate)
    n = f"{participants:,} participants" if participants else "participants not known"
    if estimate is None:
        if narrative is None or not narrative.results:
            return Judgement("very_serious", "No study gave a between-group result for this outcome.")
        if participants is None or participants < FAR_BELOW_OIS * ois:
            return Judgement("very_serious", f"No single estimate; {n}, far below the optimal information size of {ois}.")
        if participants < ois:
            return Judgement("serious", f"No single estimate; {n}, below the optimal information size of {ois}.")
        return Judgement("not_serious", f"No single estimate, but {n}, above the optimal information size of {ois}.")
    crosses_benefit, crosses_harm = _crosses(estimate, threshold)
    g = threshold.shown
    ci = f"95% CI {g(estimate.ci_low):.2f} to {g(estimate.ci_high):.2f} against thresholds of {threshold.text()}"
    if threshold.measure == "SMD":
        ci = (f"95% CI {estimate.ci_low:.2f} to {estimate.ci_high:.2f} against the MID of SMD ±{threshold.high:.2f}"
              + (f" ({fmt(threshold.mid)} on {threshold.instrument})" if threshold.mid and threshold.instrument else ""))
    if crosses_benefit and crosses_harm:
        if participants is None or participants < FAR_BELOW_OIS * ois:
            return Judgement("extremely_serious", f"{ci}: the interval includes both important benefit and important "
                                                  f"harm, and {n} is far below the optimal information size of {ois}: "
                                                  "rated down three levels (GRADE guidance 34).")
        return Judgement("very_serious", f"{ci}: the interval includes both important benefit and important harm ({n}).")
    if crosses_benefit or crosses_harm:
        if participants is None or participants < FAR_BELOW_OIS * ois:
            return Judgement("very_serious", f"{ci}: the interval crosses a threshold, and {n} is far below the optimal "
                                             f"information size of {ois}.")
        return Judgement("serious", f"{ci}: the interval crosses a threshold ({n}).")
    if participants is None or participants < ois:
        return Judgement("serious", f"{ci}: the interval crosses no threshold, but {n} is below the optimal "
                                    f"information size of {ois}.")
    return Judgement("not_serious", f"{ci}: the interval crosses no threshold; {n}, above the optimal information "
                                    f"size of {ois}.")


def judge_publication_bias(n_studies: int, participants: int | None, missing: tuple[tuple[str, int | None], ...] = ()
                           ) -> Judgement:
    """Missing results only: registered trials finished without results anywhere (``missing``: (name, planned n))."""
    if missing:
        known = sum(n for _, n in missing if n)
        names = ", ".join(f"{name} ({f'{n} planned' if n else 'size not known'})" for name, n in missing)
        if participants and known >= MISSING_RESULTS_SHARE * participants:
            return Judgement("serious", f"Registered trials finished without results anywhere: {names}, against "
                                        f"{participants:,} participants with results.")
        return Judgement("not_serious", f"Registered trials without results ({names}) are too small, or of unknown size, "
                                        "to suggest that missing results changed the answer.")
    funnel = ("a funnel plot could be read" if n_studies >= 10 else
              f"with {n_studies} stud{'y' if n_studies == 1 else 'ies'} a funnel plot cannot be read")
    return Judgement("not_serious", f"No registered trial finished without results was found; {funnel}.")


# --- statements ---------------------------------------------------------------------------------------------------

def statement(rating: str, domain: str, answer: str, size: float | None, threshold: Threshold,
              outcome: str | None = None, uncontrolled: bool = False) -> str:
    """Santesso 2020 informative statement for LDN compared with placebo, sized against the MID."""
    good, bad, thing = WORDING.get(domain, WORDING["other"])
    thing = outcome or thing
    if uncontrolled:
        verb = _s(good) if domain != "other" else "helps"
        what = f" {thing}" if domain != "other" else ""
        return (f"We are very uncertain whether LDN {verb}{what}: no study compared it with a concurrent control group.")
    if rating == "very low":
        verb = _s(good) if answer == "benefit" else _s(bad) if answer == "harm" else "affects"
        return f"We are very uncertain whether LDN {verb} {thing} compared with placebo."
    if answer in ("little_or_no_difference", "uncertain"):
        verb = {"high": "results", "moderate": "probably results", "low": "may result"}[rating]
        return f"LDN {verb} in little or no difference in {thing} compared with placebo."
    slight = ("slightly " if size is not None and threshold.measure == "SMD" and abs(size) < SLIGHT_UP_TO * threshold.high
              else "")
    word = good if answer == "benefit" else bad
    if rating == "high":
        return f"LDN {_s(word)} {thing} {slight}compared with placebo.".replace("  ", " ")
    if rating == "moderate":
        return f"LDN probably {_s(word)} {thing} {slight}compared with placebo.".replace("  ", " ")
    return f"LDN may {word} {thing} {slight}compared with placebo.".replace("  ", " ")


def _s(verb: str) -> str:
    return verb + "s"


# --- the rating -----------------------------------------------------------------------------------------------------

def _kind(study: StudyInput) -> str:
    if study.control in RANDOMISED_CONTROLS:
        return "randomised"
    if study.control in NONRANDOMISED_CONTROLS:
        return "nonrandomised"
    if study.control in UNCONTROLLED:
        return "uncontrolled"
    return "randomised" if study.design in RANDOMISED_DESIGNS else "uncontrolled"


STARTS = {"randomised": ("high (randomised comparisons)", 4), "nonrandomised": ("low (non-randomised comparisons)", 2),
          "uncontrolled": ("very low (no concurrent comparison)", 1)}


def rate(domain: str, studies: list[StudyInput], estimate: synthesis.Pooled | None, *, outcome: str | None = None,
         threshold: Threshold | None = None, narrative: Narrative | None = None,
         missing_results: tuple[tuple[str, int | None], ...] = ()) -> CertaintyRating:
    """GRADE certainty for one outcome of LDN versus placebo (or another comparator).

    ``studies`` are every study that measured the outcome; ``estimate`` the pooled or single-study estimate (None
    when none could be computed); ``narrative`` their between-group results when no estimate exists;
    ``missing_results`` registered trials of the comparison finished without results, with their planned sizes.
    """
    threshold = threshold or threshold_for(domain)
    primary = [s for s in studies if not s.secondary_to]  # a secondary report never changes a count
    kinds = {s.study_id: _kind(s) for s in primary}
    kind = next((k for k in ("randomised", "nonrandomised", "uncontrolled") if k in kinds.values()), "uncontrolled")
    body = [s for s in primary if kinds[s.study_id] == kind]
    start, score = STARTS[kind]
    if estimate is not None:
        ids = {s.study_id for s in body}
        kept = tuple(e for e in estimate.effects if e.study_id in ids)
        estimate = (synthesis.pool(kept) if kept and len(kept) != len(estimate.effects) else estimate) if kept else None
    if narrative is not None:
        ids = {s.study_id for s in body}
        kept_results = tuple(r for r in narrative.results if r.study_id in ids)
        narrative = Narrative(kept_results) if kept_results else None
    pooled_ids = {e.study_id for e in estimate.effects} if estimate is not None else set()
    if estimate is not None:
        counted = [s for s in body if s.study_id in pooled_ids]
    elif narrative is not None:
        counted = [s for s in body if s.study_id in {r.study_id for r in narrative.results}]
    else:
        counted = body
    sizes = [s.participants for s in counted if s.participants]
    participants = int(sum(sizes)) if sizes else None
    labels = {s.study_id: s.name for s in body}
    rob, restricted = judge_risk_of_bias(counted, estimate, narrative, threshold, kind)
    j = {
        "risk_of_bias": rob,
        "inconsistency": judge_inconsistency(estimate, threshold, narrative, labels),
        "indirectness": judge_indirectness(domain, counted, estimate),
        "imprecision": (judge_imprecision(estimate, threshold, participants, narrative) if kind != "uncontrolled"
                        or estimate is not None else Judgement("very_serious", "No comparative effect estimate exists.")),
        "publication_bias": judge_publication_bias(len(counted), participants, missing_results if kind == "randomised" else ()),
    }
    down = sum(x.downgrade for x in j.values())
    up, rating_up = 0, ""
    if kind == "randomised":
        rating_up = "None applies: randomised evidence is not rated up."
    elif kind == "uncontrolled":
        rating_up = "None applies: without a concurrent comparison no effect size can justify rating up."
    elif (down == 0 and estimate is not None and abs(estimate.estimate) >= _large(threshold)
          and (estimate.ci_high < threshold.low or estimate.ci_low > threshold.high)):
        up, rating_up = 1, "Large effect (whole interval beyond the threshold): rated up once."
    else:
        rating_up = "None applies: no large effect, dose-response gradient or opposing plausible confounding shown."
    final = max(1, min(4, score - down + up))
    if kind == "uncontrolled" or (estimate is None and narrative is None):
        final = 1
    rating = RATINGS[final]
    if estimate is not None:
        answer = answer_of(estimate.estimate, threshold)
    elif narrative is not None:
        answer = narrative.answer
    else:
        answer = "uncertain"
    if rating == "very low":
        answer = "uncertain"
    size = estimate.estimate if estimate is not None else None
    shown_answer = answer_of(estimate.estimate, threshold) if estimate is not None else (narrative.answer if narrative else "uncertain")
    return CertaintyRating(
        outcome=outcome or WORDING.get(domain, WORDING["other"])[2], domain=domain, rating=rating, start=start,
        judgements=j, rating_up=rating_up,
        statement=statement(rating, domain, shown_answer if rating == "very low" else answer, size, threshold, outcome,
                            uncontrolled=kind == "uncontrolled"),
        threshold=threshold, n_studies=len(counted), participants=participants,
        study_ids=tuple(s.study_id for s in counted), answer=answer, kind=kind, estimate=estimate,
        narrative=narrative, restricted=restricted)


def _large(threshold: Threshold) -> float:
    return math.log(LARGE_EFFECT_RR) if threshold.measure == "RR" else LARGE_EFFECT_SMD


def decisive(rating: CertaintyRating, studies: list[StudyInput], **kwargs) -> str:
    """The judgement that decides the rating, and the rating under the nearest defensible alternative."""
    worst = max(rating.judgements.items(), key=lambda kv: kv[1].downgrade)
    parts = []
    if worst[1].downgrade:
        parts.append(f"Decided by {DOMAIN_LABELS[worst[0]].lower()} ({worst[1].level.replace('_', ' ')}).")
    else:
        parts.append("Not rated down in any domain.")
    if rating.kind == "uncontrolled":
        return parts[0] + " No alternative judgement changes it: without a concurrent comparison the certainty is very low."
    t = rating.threshold
    if t.measure == "SMD":
        alt_mid = 0.2 if not t.fallback else (t.mid / t.sd if t.mid and t.sd else 0.2)
        alt = replace(t, low=-alt_mid, high=alt_mid, fallback=not t.fallback)
        other = rate(rating.domain, studies, rating.estimate, outcome=rating.outcome, threshold=alt,
                     narrative=rating.narrative, **kwargs)
        parts.append(f"With an MID of SMD {alt_mid:.2f} instead: {other.rating}"
                     + (f", {other.answer.replace('_', ' ')}" if other.answer != "uncertain" else "") + ".")
    if rating.estimate is not None:
        lower = [s for s in studies if s.rob_overall not in HIGH_RISK and s.rob_overall is not None]
        if lower and len(lower) < len([s for s in studies if s.study_id in rating.study_ids]):
            kept = tuple(e for e in rating.estimate.effects if e.study_id in {s.study_id for s in lower})
            if kept:
                other = rate(rating.domain, lower, synthesis.pool(kept), outcome=rating.outcome, threshold=t, **kwargs)
                parts.append(f"Without the studies at high risk of bias: {other.rating}"
                             + (f", {other.answer.replace('_', ' ')}" if other.answer != "uncertain" else "") + ".")
    return " ".join(parts)


def overall(ratings: list[CertaintyRating]) -> str | None:
    """A condition's headline: the lowest certainty among its critical outcomes (GRADE handbook, overall certainty
    across outcomes); None when no outcome is rated."""
    critical = [r for r in ratings if r.threshold.importance == "critical"] or ratings
    if not critical:
        return None
    return RATINGS[min(SCORES[r.rating] for r in critical)]
