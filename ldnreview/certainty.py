"""GRADE certainty per outcome and comparison, with a footnote for every judgement.

Certainty belongs to an effect estimate: :func:`rate` takes the studies that contribute to one outcome of one
comparison (with their coded design and control from ``study_coding.csv`` and their overall risk-of-bias
judgement from ``risk_of_bias.csv``) and the pooled or single-study estimate from :mod:`ldnreview.synthesis`, and
returns a rating (high, moderate, low, very low), the five GRADE domains each judged not serious, serious or very
serious with a footnote, the rating-up considerations, and a plain-language statement in the wording of
Santesso et al. 2020 (J Clin Epidemiol), tied to both the certainty and the size of the effect against the
threshold in :data:`THRESHOLDS`.

Every rule is a short, checkable function; the methods page prints :data:`THRESHOLDS` and :data:`RULES`.
Effects follow :mod:`ldnreview.synthesis`: standardised mean differences, negative favours LDN.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import grade, synthesis

LEVELS = ("not_serious", "serious", "very_serious")
RATINGS = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
}

RANDOMISED_CONTROLS = ("randomised_placebo", "randomised_active", "randomised_usual_care")
NONRANDOMISED_CONTROLS = ("concurrent_nonrandomised", "historical")
UNCONTROLLED = ("before_after", "none")
RANDOMISED_DESIGNS = ("rct", "crossover_rct")
NONRANDOMISED_DESIGNS = ("nonrandomised_trial", "cohort", "register")

# Overall risk-of-bias judgements "at high risk" (RoB 2 high; ROBINS-I serious or critical; every uncontrolled
# study is critical by the data contract) and "with some concerns": the same lists as the body of evidence.
HIGH_RISK, UNCLEAR_RISK = grade.HIGH_RISK, grade.SOME_RISK

# Pages relied on (the methods page cites them): GRADE 6 (imprecision, optimal information size), GRADE 34 (rate
# down more than one level when the CI appreciably crosses thresholds or the sample is far below the OIS), and
# Santesso 2020 (GRADE 26, informative statements).
GRADE6_URL = "https://www.jclinepi.com/article/S0895-4356(11)00206-X/fulltext"
GRADE34_URL = "https://pubmed.ncbi.nlm.nih.gov/35934265/?dopt=Abstract"
SANTESSO_URL = "https://pubmed.ncbi.nlm.nih.gov/31711912/?dopt=Abstract"
SOURCES = (GRADE6_URL, GRADE34_URL, SANTESSO_URL)


def optimal_information_size(smd: float = 0.2, alpha: float = 0.05, power: float = 0.8) -> int:
    """Participants in one adequately powered two-arm trial to detect ``smd`` (GRADE 6's OIS):
    2 x ceil(2 (z_alpha/2 + z_beta)^2 / smd^2); 786 for SMD 0.2, two-sided 5% and 80% power."""
    z = NormalDist().inv_cdf(1 - alpha / 2) + NormalDist().inv_cdf(power)
    return 2 * math.ceil(2 * z**2 / smd**2)


OPTIMAL_INFORMATION_SIZE = optimal_information_size()
VERY_SMALL_BODY = 100  # participants: 'far below' the OIS (about an eighth of it), per GRADE 34 rate down twice
I2_SERIOUS = 0.5
I2_VERY_SERIOUS = 0.75
LARGE_EFFECT_SMD = 0.8


@dataclass(frozen=True)
class Threshold:
    """The smallest effects this review treats as important, on the analysis scale (SMD, or log risk ratio):
    an estimate at or below ``low`` is an important benefit of LDN, at or above ``high`` an important harm."""

    domain: str
    low: float
    high: float
    basis: str
    measure: str = "SMD"

    @property
    def smd(self) -> float | None:
        return self.high if self.measure == "SMD" else None

    def shown(self, x: float) -> float:
        return math.exp(x) if self.measure == "RR" else x

    def text(self) -> str:
        return f"{self.measure} {self.shown(self.low):g} and {self.shown(self.high):g}"


_SMALL = "SMD 0.2, the conventional 'small effect' size, used as the minimal important difference on the SMD scale"
_RR = "RR 0.75 and 1.25, GRADE 6's rough guide to appreciable benefit or harm"
# One documented table. Native-scale MIDs are not used because the pooled scale is the SMD and no MID page was
# checked for each instrument; the same 0.2 is applied to every continuous domain.
THRESHOLDS: dict[str, Threshold] = {
    domain: Threshold(domain, -0.2, 0.2, _SMALL)
    for domain in ("pain", "fatigue", "disease_activity", "quality_of_life", "depression", "function", "biomarker",
                   "other")
}
THRESHOLDS.update({
    domain: Threshold(domain, math.log(0.75), math.log(1.25), _RR, "RR")
    for domain in ("withdrawal_adverse_events", "adverse_events")
})
LARGE_EFFECT_RR = 2.0  # GRADE: a risk ratio above 2 (or below 0.5) is a large effect


# What a favourable (negative) or unfavourable (positive) SMD means in words, per domain.
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
    "Start: randomised comparisons high; non-randomised comparisons with a concurrent or historical control low; "
    "a body with no concurrent comparison (before-after, case series, case reports) very low, and never above it.",
    "The rating rests on the best comparisons available: when randomised trials contribute, only they are rated.",
    "Secondary reports of a trial already counted are left out before anything is counted.",
    "Risk of bias: serious when studies judged at high risk, or with some concerns (or not yet assessed), carry at "
    "least half of the weight (or of the participants when no weights exist); very serious when all of it is at high "
    "risk and a study is at critical risk. "
    "For non-randomised bodies serious ROBINS-I judgements are already reflected in the low start; critical ones rate down.",
    f"Inconsistency: judged from I² and the study estimates, never from how many were significant; serious when "
    f"I² >= {I2_SERIOUS:.0%}, very serious when I² >= {I2_VERY_SERIOUS:.0%} and study estimates fall on both sides of "
    "no effect with non-overlapping confidence intervals. Not assessable with one study (not rated down).",
    "Indirectness: a biomarker or a dispensing proxy for a clinical outcome is serious; a population that matches the "
    "condition only partly for at least half the weight is serious (no match: very serious); both together very serious.",
    f"Imprecision: the 95% CI against the thresholds (THRESHOLDS: SMD -0.2 and 0.2; RR 0.75 and 1.25); crossing both the benefit and the harm threshold is "
    f"very serious, crossing one is serious, and very serious when the body is also far below the optimal "
    f"information size (fewer than {VERY_SMALL_BODY} participants). When the CI does not cross, fewer participants than "
    f"the optimal information size ({OPTIMAL_INFORMATION_SIZE}: one trial powered at 80% for SMD 0.2) is serious. "
    "No estimate at all is very serious.",
    "Publication bias: serious when registered trials of the comparison are known to have finished without results; "
    "with fewer than 10 studies a funnel plot cannot be read, which the footnote says.",
    "Without any effect estimate (studies measured the outcome but no page gave numbers that could be combined) "
    "the certainty is very low: confidence in the side of a threshold needs an estimate.",
    f"Rating up: only a non-randomised controlled body, not rated down, with |SMD| >= {LARGE_EFFECT_SMD} (or RR above "
    f"{LARGE_EFFECT_RR:g} or below {1 / LARGE_EFFECT_RR:g}) and its whole CI beyond the threshold (large effect); randomised bodies and bodies with no concurrent comparison are not rated up.",
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
    estimate: synthesis.Pooled | None = field(default=None, repr=False)

    @property
    def footnotes(self) -> list[str]:
        return [f"{DOMAIN_LABELS[name]}: {j.level.replace('_', ' ')}. {j.footnote}" for name, j in self.judgements.items()]

    @property
    def symbols(self) -> str:
        score = {"high": 4, "moderate": 3, "low": 2, "very low": 1}[self.rating]
        return "⊕" * score + "◯" * (4 - score)


# --- inputs from the coded tables ---------------------------------------------------------------------------------

def read_coding(data_dir: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """study_coding.csv and risk_of_bias.csv from data/ (empty frames when a file is not there yet)."""
    from . import paths

    folder = Path(data_dir) if data_dir is not None else paths.data_dir()
    frames = []
    for name in ("study_coding.csv", "risk_of_bias.csv"):
        path = folder / name
        frames.append(pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None}) if path.exists()
                      else pd.DataFrame())
    return frames[0], frames[1]


def overall_rob(rob: pd.DataFrame, study_id: str) -> str | None:
    """The study's overall judgement; the worst one if the table holds more than one."""
    if rob is None or rob.empty:
        return None
    rows = rob[(rob["study_id"] == study_id) & (rob["domain"] == "overall")]["judgement"].dropna().tolist()
    if not rows:
        return None
    order = ("low", "no_information", "some_concerns", "moderate", "high", "serious", "critical")
    return max(rows, key=lambda j: order.index(j) if j in order else 0)


def study_inputs(study_ids, studies: pd.DataFrame, coding: pd.DataFrame | None = None,
                 rob: pd.DataFrame | None = None, effects=()) -> list[StudyInput]:
    """StudyInput for each study id, from studies.csv, the coded fields and the RoB table."""
    by_effect = {e.study_id: e for e in effects}
    coded = coding.drop_duplicates("study_id", keep="last").set_index("study_id") if coding is not None and not coding.empty else None
    out = []
    for sid in study_ids:
        st = studies[studies["study_id"] == sid].iloc[0]
        c = coded.loc[sid] if coded is not None and sid in coded.index else None
        design = (c["design"] if c is not None and c.get("design") else st["design"])
        control = c["control"] if c is not None else _control_from_design(st)
        size = by_effect[sid].participants if sid in by_effect and by_effect[sid].participants else None
        if size is None:
            for column in ("n_analysed", "n_enrolled"):
                if not pd.isna(st[column]):
                    size = int(st[column])
                    break
        out.append(StudyInput(
            study_id=sid, design=design, control=control, rob_overall=overall_rob(rob, sid),
            outcome_kind=c["outcome_kind"] if c is not None else None,
            population_match=c["population_match"] if c is not None else None,
            secondary_to=None if pd.isna(st["secondary_to"]) else st["secondary_to"], participants=size))
    return out


def _control_from_design(study) -> str | None:
    """No coded control yet: leave it empty, and :func:`_kind` decides from the design alone."""
    return None


# --- the five domains ---------------------------------------------------------------------------------------------

def _weights(studies: list[StudyInput], estimate: synthesis.Pooled | None) -> dict[str, float]:
    """Share of the evidence per study: inverse-variance weights when an estimate exists, else participants."""
    if estimate is not None and estimate.effects:
        tau2 = estimate.tau2 or 0.0
        raw = {e.study_id: 1 / (e.se**2 + tau2) for e in estimate.effects}
    else:
        raw = {s.study_id: float(s.participants or 1) for s in studies}
    raw = {k: v for k, v in raw.items() if k in {s.study_id for s in studies}} or {s.study_id: 1.0 for s in studies}
    total = sum(raw.values())
    return {k: v / total for k, v in raw.items()}


def judge_risk_of_bias(studies: list[StudyInput], estimate, randomised: bool) -> Judgement:
    weights = _weights(studies, estimate)
    # A study whose risk of bias has not been assessed cannot count as low risk.
    high = [s for s in studies if s.rob_overall in HIGH_RISK or s.rob_overall is None]
    concerns = [s for s in studies if s.rob_overall in HIGH_RISK + UNCLEAR_RISK or s.rob_overall is None]
    critical = [s for s in studies if s.rob_overall == "critical"]
    unknown = [s for s in studies if s.rob_overall is None]
    share = sum(weights.get(s.study_id, 0) for s in high)
    concerns_share = sum(weights.get(s.study_id, 0) for s in concerns)
    listing = "; ".join(f"{s.study_id} {s.rob_overall or 'not assessed'}" for s in studies)
    if not randomised:
        if critical:
            return Judgement("serious", f"At least one non-randomised study at critical risk of bias ({listing}).")
        return Judgement("not_serious", f"Non-randomised evidence already starts at low certainty; overall judgements: {listing}.")
    note = " Studies not assessed count as at risk." if unknown else ""
    levels = grade.risk_of_bias_downgrade(concerns_share, len(high) == len(studies) and bool(critical))
    if levels == 2:
        return Judgement("very_serious", f"All the evidence comes from studies at high or critical risk of bias ({listing}).")
    if levels and share >= grade.ROB_SERIOUS_SHARE:
        return Judgement("serious", f"Studies at high risk of bias carry {share:.0%} of the weight ({listing}).{note}")
    if levels:
        return Judgement("serious", f"Studies with some concerns or at high risk of bias carry {concerns_share:.0%} of the "
                                    f"weight ({listing}).{note}")
    return Judgement("not_serious", f"Studies at low risk of bias carry {1 - concerns_share:.0%} of the weight ({listing}).{note}")


def judge_inconsistency(estimate: synthesis.Pooled | None) -> Judgement:
    if estimate is None:
        return Judgement("not_serious", "No effect estimates to compare: inconsistency cannot be assessed (the missing "
                                        "estimate is rated under imprecision).")
    if estimate.k < 2:
        return Judgement("not_serious", "One study only: inconsistency cannot be assessed, so not rated down.")
    i2 = estimate.i2 or 0.0
    ests = [e.estimate for e in estimate.effects]
    both_sides = min(ests) < 0 < max(ests)
    cis = [e.ci for e in estimate.effects]
    disjoint = any(a[1] < b[0] or b[1] < a[0] for a in cis for b in cis)
    points = ", ".join(f"{e.study_id} {e.estimate:.2f}" for e in estimate.effects)
    text = f"I² = {i2:.0%}, tau² = {estimate.tau2:.3f}; study SMDs {points}."
    if i2 >= I2_VERY_SERIOUS and both_sides and disjoint:
        return Judgement("very_serious", text + " Estimates on both sides of no effect with non-overlapping intervals.")
    if i2 >= I2_SERIOUS:
        return Judgement("serious", text + " Substantial unexplained heterogeneity.")
    return Judgement("not_serious", text + " Estimates and intervals overlap; little unexplained heterogeneity.")


def judge_indirectness(domain: str, studies: list[StudyInput], estimate) -> Judgement:
    weights = _weights(studies, estimate)
    problems = []
    level = 0
    proxy = domain == "biomarker"
    if proxy:
        problems.append("a biomarker measured in place of how patients feel, function or survive")
        level += 1
    dispensing = [s.study_id for s in studies if s.outcome_kind == "dispensing_proxy"]
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
        return Judgement("not_serious", "Population, intervention, placebo comparison and outcome match the question.")
    return Judgement(LEVELS[level], "; ".join(problems).capitalize() + ".")


def judge_imprecision(estimate: synthesis.Pooled | None, threshold: Threshold, participants: int | None) -> Judgement:
    if estimate is None:
        return Judgement("very_serious", "No effect estimate with a confidence interval could be obtained.")
    low, high = estimate.ci
    crosses_benefit = low < threshold.low < high
    crosses_harm = low < threshold.high < high
    g = threshold.shown
    ci = (f"95% CI {g(low):.2f} to {g(high):.2f} against thresholds of {threshold.text()}")
    n = f"{participants} participants" if participants else "participants not known"
    if crosses_benefit and crosses_harm:
        return Judgement("very_serious", f"{ci}: the interval includes both important benefit and important harm ({n}).")
    if (crosses_benefit or crosses_harm) and participants is not None and participants < VERY_SMALL_BODY:
        return Judgement("very_serious", f"{ci}: the interval crosses a threshold, and only {n} (fewer than "
                                         f"{VERY_SMALL_BODY}).")
    if crosses_benefit or crosses_harm:
        return Judgement("serious", f"{ci}: the interval crosses a threshold ({n}).")
    if participants is None or participants < OPTIMAL_INFORMATION_SIZE:
        return Judgement("serious", f"{ci}: the interval does not cross a threshold, but {n} is below the optimal "
                                    f"information size of {OPTIMAL_INFORMATION_SIZE}.")
    return Judgement("not_serious", f"{ci}; {n}, above the optimal information size.")


def judge_publication_bias(n_studies: int, unpublished: tuple[str, ...] = (), missing: tuple[str, ...] = ()) -> Judgement:
    """Reporting biases: trials finished without results, and results left out of the synthesis (missing evidence)."""
    if unpublished and missing:
        return Judgement("very_serious", f"Trials finished without results that could be verified or used ({', '.join(unpublished)}) "
                                         f"and trials reporting this outcome without usable numbers ({', '.join(missing)}).")
    if unpublished:
        return Judgement("serious", f"Trials finished without results that could be verified or used: {', '.join(unpublished)}.")
    if missing:
        return Judgement("serious", f"Trials that measured this outcome are missing from the estimate because no page "
                                    f"gave numbers that could be pooled: {', '.join(missing)}.")
    return Judgement("not_serious", f"No completed registered trial without results was found; with {n_studies} "
                                    f"stud{'y' if n_studies == 1 else 'ies'} a funnel plot cannot be read.")


# --- the rating -----------------------------------------------------------------------------------------------------

def _kind(study: StudyInput) -> str:
    if study.control in RANDOMISED_CONTROLS:
        return "randomised"
    if study.control in NONRANDOMISED_CONTROLS:
        return "nonrandomised"
    if study.control in UNCONTROLLED:
        return "uncontrolled"
    # no coded control: the design decides, and an uncoded non-randomised design counts as uncontrolled
    return "randomised" if study.design in RANDOMISED_DESIGNS else "uncontrolled"


def effect_size_words(estimate: float, threshold: Threshold) -> str:
    """'benefit', 'little_or_no_difference' or 'harm' (negative favours LDN, on the analysis scale)."""
    if estimate <= threshold.low:
        return "benefit"
    if estimate >= threshold.high:
        return "harm"
    return "little_or_no_difference"


def statement(rating: str, domain: str, estimate: synthesis.Pooled | None, threshold: Threshold,
              outcome: str | None = None) -> str:
    """Santesso 2020 informative statement for LDN compared with placebo."""
    good, bad, thing = WORDING.get(domain, WORDING["other"])
    thing = outcome or thing
    if estimate is None or rating == "very low":
        if estimate is not None and effect_size_words(estimate.estimate, threshold) == "benefit":
            return f"We are very uncertain whether LDN {_s(good)} {thing} compared with placebo."
        return f"We are very uncertain whether LDN affects {thing} compared with placebo."
    size = effect_size_words(estimate.estimate, threshold)
    slight = ("slightly " if size != "little_or_no_difference" and threshold.measure == "SMD"
              and abs(estimate.estimate) < 0.5 else "")
    if size == "little_or_no_difference":
        verb = {"high": "results", "moderate": "probably results", "low": "may result"}[rating]
        return f"LDN {verb} in little or no difference in {thing} compared with placebo."
    word = good if size == "benefit" else bad
    if rating == "high":
        return f"LDN {slight}{_s(word)} {thing} compared with placebo."
    if rating == "moderate":
        return f"LDN probably {slight}{_s(word)} {thing} compared with placebo."
    return f"LDN may {slight}{word} {thing} compared with placebo."


def _s(verb: str) -> str:
    return verb + "s"


def rate(domain: str, studies: list[StudyInput], estimate: synthesis.Pooled | None, *, outcome: str | None = None,
         threshold: Threshold | None = None, unpublished: tuple[str, ...] = ()) -> CertaintyRating:
    """GRADE certainty for one outcome of LDN versus placebo (or another comparator).

    ``studies`` are every study that measured the outcome; those not in ``estimate`` are treated as missing
    evidence (publication bias domain). ``unpublished`` lists registered trials finished without results.
    """
    threshold = threshold or THRESHOLDS.get(domain, THRESHOLDS["other"])
    primary = [s for s in studies if not s.secondary_to]  # a secondary report never changes a count
    kinds = {s.study_id: _kind(s) for s in primary}
    if any(k == "randomised" for k in kinds.values()):
        body = [s for s in primary if kinds[s.study_id] == "randomised"]
        start, score, randomised, uncontrolled = "high (randomised comparisons)", 4, True, False
    elif any(k == "nonrandomised" for k in kinds.values()):
        body = [s for s in primary if kinds[s.study_id] == "nonrandomised"]
        start, score, randomised, uncontrolled = "low (non-randomised comparisons)", 2, False, False
    else:
        body = primary
        start, score, randomised, uncontrolled = "very low (no concurrent comparison)", 1, False, True
    if estimate is not None:
        ids = {s.study_id for s in body}
        kept = tuple(e for e in estimate.effects if e.study_id in ids)
        if kept and len(kept) != len(estimate.effects):
            estimate = synthesis.pool(kept)
    pooled_ids = {e.study_id for e in estimate.effects} if estimate is not None else set()
    missing = tuple(s.study_id for s in body if s.study_id not in pooled_ids) if estimate is not None else ()
    sizes = [s.participants for s in body if s.participants and (not pooled_ids or s.study_id in pooled_ids)]
    participants = int(sum(sizes)) if sizes else None
    if uncontrolled:
        j = {
            "risk_of_bias": Judgement("very_serious", "No concurrent comparison: change from baseline cannot be separated "
                                                      "from placebo response, regression to the mean or the natural course."),
            "inconsistency": judge_inconsistency(estimate) if estimate is not None and estimate.k >= 2
            else Judgement("not_serious", "Not assessable without comparative estimates."),
            "indirectness": judge_indirectness(domain, body, estimate),
            "imprecision": judge_imprecision(estimate, threshold, participants) if estimate is not None
            else Judgement("very_serious", "No comparative effect estimate exists."),
            "publication_bias": judge_publication_bias(len(body), unpublished, missing),
        }
    else:
        j = {
            "risk_of_bias": judge_risk_of_bias(body, estimate, randomised),
            "inconsistency": judge_inconsistency(estimate),
            "indirectness": judge_indirectness(domain, body, estimate),
            "imprecision": judge_imprecision(estimate, threshold, participants),
            "publication_bias": judge_publication_bias(len(body), unpublished, missing),
        }
    down = sum(x.downgrade for x in j.values())
    up, rating_up = 0, ""
    if randomised:
        rating_up = "None applies: randomised evidence is not rated up."
    elif uncontrolled:
        rating_up = "None applies: without a concurrent comparison no effect size can justify rating up."
    elif (down == 0 and estimate is not None and abs(estimate.estimate) >= _large(threshold)
          and (estimate.ci_high < threshold.low or estimate.ci_low > threshold.high)):
        up, rating_up = 1, "Large effect (whole interval beyond the threshold): rated up once."
    else:
        rating_up = "None applies: no large effect, dose-response gradient or opposing plausible confounding shown."
    final = max(1, min(4, score - down + up))
    if uncontrolled or estimate is None:
        final = 1
    rating = RATINGS[final]
    return CertaintyRating(
        outcome=outcome or WORDING.get(domain, WORDING["other"])[2], domain=domain, rating=rating, start=start,
        judgements=j, rating_up=rating_up, statement=statement(rating, domain, estimate, threshold, outcome),
        threshold=threshold, n_studies=len(body), participants=participants,
        study_ids=tuple(s.study_id for s in body), estimate=estimate)


def _large(threshold: Threshold) -> float:
    return math.log(LARGE_EFFECT_RR) if threshold.measure == "RR" else LARGE_EFFECT_SMD


def rate_synthesis(result: synthesis.Synthesis, studies: pd.DataFrame, coding: pd.DataFrame | None = None,
                   rob: pd.DataFrame | None = None, *, outcome: str | None = None,
                   unpublished: tuple[str, ...] = ()) -> CertaintyRating:
    """Rate a :class:`synthesis.Synthesis`: the studies pooled plus those reporting the domain without usable numbers."""
    effects = result.main.effects if result.main is not None else ()
    ids = [e.study_id for e in effects] + [sid for sid, _ in result.not_pooled]
    inputs = study_inputs(ids, studies, coding, rob, effects)
    return rate(result.domain, inputs, result.main, outcome=outcome, unpublished=unpublished)

