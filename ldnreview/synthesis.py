"""Effect sizes, conversions and random-effects pooling, each with the page its formula was read on.

Sign convention: every standardised effect returned here is oriented so that a **negative value favours LDN**
(the usual "lower is better" layout of a pain or depression forest plot). A row whose stored values have
``lower_is_better = no`` (a "reduction" or "improvement" stored as a positive number) is flipped.

Formula sources (pages looked at; the methods page cites the same addresses):

* Cochrane Handbook for Systematic Reviews of Interventions v6.4, chapter 6 (choosing effect measures and
  computing estimates of effect), :data:`HANDBOOK_CH6`: SE from a confidence interval or a P value for a
  difference, SD from an SE, the standardised mean difference (Hedges' adjusted g) and its SE. Section numbers in
  the docstrings below are those of that chapter as we know them; only the chapter's opening was read on the page.
* The SE-from-P rule and its worked example used in the tests (P = 0.008, groups of 25 and 22, t = 2.78 on 45
  degrees of freedom, MD 3.8, SE 1.37), and the SD-from-SE rule for a difference, in the text of Handbook 5.1
  section 7.7.3.3 as reproduced on :data:`HANDBOOK51_7733_COPY`.
* Cross-over trials: Handbook 5.1 section 16.4.6 and its worked example 16.4.6.4 (n = 10, means 7.0 and 6.5,
  SDs 2.38 and 2.21, imputed correlation 0.68: SE(MD) 0.583, SMD 0.218, SE(SMD) 0.256), :data:`HANDBOOK51_16464`;
  the current chapter 23 keeps the approach, :data:`HANDBOOK_CH23`.
* Checked against statsmodels rather than a page: Hedges' g (``effectsize_smd``) and the log risk ratio and its
  variance (``effectsize_2proportions``).
* Pooling: DerSimonian-Laird (or Paule-Mandel) tau² from :func:`statsmodels.stats.meta_analysis.combine_effects`,
  bounded at zero; the random-effects mean, SE, CI, I² and the prediction interval
  mu +/- t(k-2) sqrt(tau² + SE(mu)²) (Higgins, Thompson and Spiegelhalter 2009) are computed here and tested
  against examples worked by hand.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HANDBOOK_CH6 = "https://training-noproxy.cochrane.org/de/handbook/archive/v6.4/chapter-06"
HANDBOOK51_7733_COPY = "http://miliebay.blogg.se/2023/july/7-permute-2.html"
HANDBOOK51_16464 = "http://handbook-5-1.cochrane.org/chapter_16/16_4_6_4_example.htm"
HANDBOOK_CH23 = "https://training.cochrane.org/de/handbook/current/chapter-23"
FORMULA_SOURCES = (HANDBOOK_CH6, HANDBOOK51_7733_COPY, HANDBOOK51_16464, HANDBOOK_CH23)

# Within-person correlation assumed for a cross-over trial that reports no paired SD; the Handbook's worked example
# (16.4.6.4) asks for other values as a sensitivity analysis, hence the second value.
ASSUMED_CORRELATION = 0.5
SENSITIVITY_CORRELATION = 0.8
RE_METHOD = "dl"  # DerSimonian-Laird
RE_METHOD_LABEL = "random effects (DerSimonian-Laird)"
COMPARISONS = ("randomised_placebo",)  # what "LDN vs comparator" means in a pooled estimate here


# --- conversions ------------------------------------------------------------------------------------------------

def quantile(q: float, df: float | None = None) -> float:
    """The q-quantile of the standard normal (``df`` None) or of Student's t on ``df``. The normal comes from the
    standard library; the t quantile from scipy.special, imported only when needed (scipy.stats would pull in
    most of scipy: twice the import time, paid by every chapter kernel)."""
    if df is None:
        return NormalDist().inv_cdf(q)
    from scipy.special import stdtrit

    return float(stdtrit(df, q))


def critical_value(level: float = 0.95, df: float | None = None) -> float:
    """Two-sided critical value: normal when ``df`` is None (large samples), else Student's t on ``df``."""
    return quantile(1 - (1 - level) / 2, df)


def se_from_ci(low: float, high: float, level: float = 0.95, df: float | None = None) -> float:
    """SE of a difference from its confidence interval: (upper - lower) / (2 x critical value).

    Handbook chapter 6, section 6.3.1: 3.92 (= 2 x 1.96) for a 95% CI from a large sample; for a small sample
    replace 1.96 by the t value on n1 + n2 - 2 degrees of freedom. Source: :data:`HANDBOOK_CH6`.
    """
    if high < low:
        raise ValueError("upper limit below lower limit")
    return (high - low) / (2 * critical_value(level, df))


def se_from_p(estimate: float, p: float, df: float | None = None) -> float:
    """SE of a difference from its two-sided P value: |estimate| / (critical value for P).

    Handbook chapter 6, section 6.3.1 (and 5.1 section 7.7.3.3): find the t (or z) value that corresponds to the
    P value, then SE = MD / t. A P reported as "< x" gives, at x, the conservative (larger) SE.
    Source: :data:`HANDBOOK_CH6`; worked example on :data:`HANDBOOK51_7733_COPY`.
    """
    if not 0 < p < 1:
        raise ValueError("P must be strictly between 0 and 1")
    if estimate == 0:
        raise ValueError("an estimate of exactly zero carries no information about its SE")
    crit = quantile(1 - p / 2, df)
    return abs(estimate) / crit


def sd_from_se(se: float, n1: int, n2: int | None = None) -> float:
    """SD from an SE: of one group's mean, SD = SE x sqrt(n) (section 6.5.2.2); of a difference between two
    independent groups, the common within-group SD = SE / sqrt(1/n1 + 1/n2) (section 6.5.2.3).

    Source: :data:`HANDBOOK_CH6`.
    """
    if n2 is None:
        return se * math.sqrt(n1)
    return se / math.sqrt(1 / n1 + 1 / n2)


def hedges_correction(n1: int, n2: int) -> float:
    """Small-sample correction of the SMD, 1 - 3 / (4N - 9) with N = n1 + n2 (Handbook 6.5.1.2)."""
    return 1 - 3 / (4 * (n1 + n2) - 9)


def pooled_sd(sd1: float, n1: int, sd2: float, n2: int) -> float:
    return math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))


def se_smd(smd: float, n1: int, n2: int) -> float:
    """SE of Hedges' adjusted g, sqrt(N / (n1 n2) + g^2 / (2 (N - 3.94))) (Handbook 6.5.1.2)."""
    n = n1 + n2
    return math.sqrt(n / (n1 * n2) + smd**2 / (2 * (n - 3.94)))


def hedges_g(mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int) -> tuple[float, float]:
    """Hedges' adjusted g of group 1 minus group 2 for two parallel arms, and its SE (Handbook 6.5.1.2).

    g = (mean1 - mean2) / pooled SD x (1 - 3 / (4N - 9)). Source: :data:`HANDBOOK_CH6`.
    """
    g = (mean1 - mean2) / pooled_sd(sd1, n1, sd2, n2) * hedges_correction(n1, n2)
    return g, se_smd(g, n1, n2)


def smd_from_md(md: float, se_md: float, n1: int, n2: int) -> tuple[float, float]:
    """Hedges' g from a mean difference and its SE in two parallel arms.

    The common SD is recovered from the SE (:func:`sd_from_se`, section 6.5.2.3), then g and its SE follow
    :func:`hedges_g`. Source: :data:`HANDBOOK_CH6`.
    """
    sd = sd_from_se(se_md, n1, n2)
    g = md / sd * hedges_correction(n1, n2)
    return g, se_smd(g, n1, n2)


def paired_md_se(sd_e: float, sd_c: float, n: int, corr: float) -> float:
    """SE of a within-person mean difference from the two periods' SDs and an imputed correlation.

    SD_diff = sqrt(SD_E^2 + SD_C^2 - 2 Corr SD_E SD_C); SE = SD_diff / sqrt(n) (Handbook 5.1 16.4.6.2).
    Source: :data:`HANDBOOK51_16464`.
    """
    sd_diff = math.sqrt(sd_e**2 + sd_c**2 - 2 * corr * sd_e * sd_c)
    return sd_diff / math.sqrt(n)


def paired_smd(md: float, n: int, corr: float, *, sd_e: float | None = None, sd_c: float | None = None,
               se_md: float | None = None) -> tuple[float, float]:
    """SMD and its SE for a within-person (cross-over) comparison of n people, at an assumed correlation.

    With the two periods' SDs: SMD = MD / SD, SD = sqrt((SD_E^2 + SD_C^2) / 2). With only the SE of the paired
    difference (e.g. from a paired P value): SD_diff = SE x sqrt(n), and SD = SD_diff / sqrt(2 (1 - Corr)),
    assuming equal SDs in the two periods. In both cases SE(SMD) = sqrt(1/n + SMD^2 / (2n)) x sqrt(2 (1 - Corr))
    (Handbook 5.1 16.4.6.3, worked in 16.4.6.4). No small-sample correction is applied, as in the Handbook.
    Source: :data:`HANDBOOK51_16464`; current guidance :data:`HANDBOOK_CH23`.
    """
    if not -1 < corr < 1:
        raise ValueError("correlation must be strictly between -1 and 1")
    if sd_e is not None and sd_c is not None:
        sd = math.sqrt((sd_e**2 + sd_c**2) / 2)
    elif se_md is not None:
        sd = se_md * math.sqrt(n) / math.sqrt(2 * (1 - corr))
    else:
        raise ValueError("need both periods' SDs or the SE of the paired difference")
    smd = md / sd
    se = math.sqrt(1 / n + smd**2 / (2 * n)) * math.sqrt(2 * (1 - corr))
    return smd, se


def log_risk_ratio(events1: int, n1: int, events2: int, n2: int) -> tuple[float, float]:
    """Natural-log risk ratio of group 1 vs group 2 and its SE, sqrt(1/a - 1/n1 + 1/c - 1/n2).

    The usual large-sample formula, as implemented by
    :func:`statsmodels.stats.meta_analysis.effectsize_2proportions` (``statistic="rr"``), against which it is
    tested. A zero cell adds 0.5 to every cell of that study (the usual continuity correction).
    Source: :data:`HANDBOOK_CH6` (ratio measures are analysed on the log scale).
    """
    a, c = float(events1), float(events2)
    if a == 0 or c == 0:
        a, c, n1, n2 = a + 0.5, c + 0.5, n1 + 1, n2 + 1
    return math.log((a / n1) / (c / n2)), math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)


# --- one study's effect from one outcome row --------------------------------------------------------------------

@dataclass(frozen=True)
class StudyEffect:
    """One study's standardised effect for one outcome; negative favours LDN."""

    study_id: str
    outcome_id: str
    estimate: float
    se: float
    n_ldn: int | None
    n_comparator: int | None
    analysis: str
    method: str  # how it was derived, in words, for a footnote
    assumptions: tuple[str, ...] = ()
    measure: str = "SMD"  # "SMD", or "RR" (estimate and se then on the natural-log scale)
    events: tuple[int, int] | None = None  # (LDN events, comparator events) for a risk ratio
    value_kind: str | None = None  # "final" or "change" when the row says so

    @property
    def ci(self) -> tuple[float, float]:
        z = critical_value()
        return self.estimate - z * self.se, self.estimate + z * self.se

    @property
    def participants(self) -> int | None:
        """People contributing: both arms of a parallel trial, once for a cross-over."""
        if self.analysis == "paired":
            return self.n_ldn
        if self.n_ldn is None or self.n_comparator is None:
            return None
        return self.n_ldn + self.n_comparator


def _num(row, name) -> float | None:
    value = row.get(name) if hasattr(row, "get") else row[name]
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return float(value)


def _int(row, name) -> int | None:
    value = _num(row, name)
    return None if value is None else int(value)


def _is_mean_difference(effect_type) -> bool:
    return effect_type == "mean_difference"


def _is_standardised(effect_type) -> bool:
    return effect_type == "standardised_mean_difference"


def equal_split(randomised: int) -> tuple[int, int]:
    """Arm sizes of a 1:1 trial that reports only the number randomised: the odd participant goes to the comparator."""
    return randomised // 2, randomised - randomised // 2


def study_effect(row, corr: float = ASSUMED_CORRELATION, randomised: int | None = None) -> StudyEffect | None:
    """The standardised effect of one outcome row, or None when the row lacks what a conversion needs.

    Tried in order, per ``analysis``:

    parallel: per-arm means and SDs (Hedges' g); a mean difference with its 95% CI, or with its P value, and both
    arm sizes (SE from the CI or P, SD from the SE, then g).
    paired: both periods' SDs; or both periods' means, or the within-person mean difference, with a P value and n
    (SE of the paired difference from P on n - 1 degrees of freedom), each at the assumed within-person correlation
    ``corr``; or a reported standardised effect size with a P value (SE from P, normal approximation), used as it
    stands.

    A row whose ``arm_sizes`` is ``equal_allocation`` gets its arms from ``randomised`` (the study's number
    randomised) split by :func:`equal_split`, and carries that as an assumption.
    """
    analysis = row.get("analysis")
    lib = row.get("lower_is_better")
    if analysis not in ("parallel", "paired") or lib not in ("yes", "no"):
        return None
    sign = 1.0 if lib == "yes" else -1.0
    n1, n2 = _int(row, "n_ldn"), _int(row, "n_comparator")
    m1, s1 = _num(row, "ldn_mean"), _num(row, "ldn_sd")
    m2, s2 = _num(row, "comparator_mean"), _num(row, "comparator_sd")
    effect, low, high = _num(row, "effect"), _num(row, "ci_low"), _num(row, "ci_high")
    p, se_reported = _num(row, "p_value"), _num(row, "se")
    measure = row.get("effect_type")  # the coded field, never the free-text effect_measure
    kind = row.get("value_kind")
    split: tuple[str, ...] = ()
    if row.get("arm_sizes") == "equal_allocation" and randomised:
        n1, n2 = equal_split(randomised)
        split = (f"arm sizes not reported: the {randomised} randomised split {n1} and {n2} by the trial's 1:1 allocation",)
    base = dict(study_id=row["study_id"], outcome_id=row["outcome_id"], n_ldn=n1, n_comparator=n2, analysis=analysis,
                value_kind=kind if kind in ("final", "change") else None)

    if analysis == "parallel":
        if None not in (m1, s1, m2, s2, n1, n2) and s1 > 0 and s2 > 0:
            g, se = hedges_g(m1, s1, n1, m2, s2, n2)
            return StudyEffect(estimate=sign * g, se=se, method="Hedges' g from arm means and SDs", assumptions=split,
                               **base)
        if n1 and n2 and effect is not None and _is_mean_difference(measure):
            if se_reported is not None:
                se_md, how = se_reported, "reported SE"
            elif low is not None and high is not None:
                se_md, how = se_from_ci(low, high), "SE from the 95% CI"
            elif p is not None and effect != 0:
                se_md, how = se_from_p(effect, p, df=n1 + n2 - 2), "SE from the P value (t distribution)"
            else:
                return None
            g, se = smd_from_md(effect, se_md, n1, n2)
            return StudyEffect(estimate=sign * g, se=se, method=f"Hedges' g from the mean difference ({how}; SD from SE)",
                               assumptions=split, **base)
        return None

    # paired (cross-over analysed within person)
    n = n1 or n2
    note = (f"within-person correlation assumed {corr:g}",)
    if n and m1 is not None and m2 is not None:
        md = m1 - m2
        if s1 is not None and s2 is not None:
            smd, se = paired_smd(md, n, corr, sd_e=s1, sd_c=s2)
            return StudyEffect(estimate=sign * smd, se=se, method="SMD from both periods' means and SDs", assumptions=note,
                               **base)
        if p is not None and md != 0:
            se_md = se_from_p(md, p, df=n - 1)
            smd, se = paired_smd(md, n, corr, se_md=se_md)
            return StudyEffect(estimate=sign * smd, se=se,
                               method="SMD from both periods' means and the paired P value (SE from P, t on n - 1 df)",
                               assumptions=note, **base)
    if n and effect and _is_mean_difference(measure) and p is not None:
        se_md = se_reported if se_reported is not None else se_from_p(effect, p, df=n - 1)
        smd, se = paired_smd(effect, n, corr, se_md=se_md)
        return StudyEffect(estimate=sign * smd, se=se,
                           method="SMD from the within-person mean difference and its P value (SE from P, t on n - 1 df)",
                           assumptions=note, **base)
    if effect and _is_standardised(measure) and p is not None:
        se = se_reported if se_reported is not None else se_from_p(effect, p)
        return StudyEffect(estimate=sign * effect, se=se, method="reported standardised effect size (SE from the P value)",
                           assumptions=("effect-size metric not stated; used as an SMD",), **base)
    return None


def _priority(row) -> tuple:
    return (row.get("is_primary") != "yes", row.get("outcome_id"))


def study_effects(outcomes: pd.DataFrame, study_ids, domain: str, corr: float = ASSUMED_CORRELATION,
                  randomised: dict[str, int] | None = None) -> tuple[list[StudyEffect], list[tuple[str, str]]]:
    """One effect per study for one outcome domain: the study's primary outcome row of that domain when it can be
    converted, else its first other convertible row. ``randomised`` maps study_id to the number randomised, for rows
    whose arm sizes come from an equal allocation. Returns (effects, [(study_id, why not usable)])."""
    randomised = randomised or {}
    effects: list[StudyEffect] = []
    unusable: list[tuple[str, str]] = []
    rows = outcomes[outcomes["study_id"].isin(list(study_ids)) & (outcomes["outcome_domain"] == domain)]
    for study_id, group in rows.groupby("study_id", sort=True):
        candidates = sorted((r for _, r in group.iterrows()), key=_priority)
        chosen = next((e for e in (study_effect(r, corr, randomised.get(study_id)) for r in candidates)
                       if e is not None), None)
        if chosen is None:
            unusable.append((study_id, "no row gives numbers that convert to an SMD (arm means with SDs, or a mean "
                                       "difference or standardised effect with a CI or P value, and arm sizes); "
                                       "proportions without denominators are not pooled"))
        else:
            effects.append(chosen)
    return effects, unusable


DICHOTOMOUS_DOMAINS = ("withdrawal_adverse_events", "adverse_events")


def event_effects(adverse_events: pd.DataFrame, studies: pd.DataFrame, study_ids, domain: str) -> tuple[
        list[StudyEffect], list[tuple[str, str]]]:
    """One log risk ratio per parallel randomised trial from adverse_events.csv (events and participants per arm)."""
    effects: list[StudyEffect] = []
    unusable: list[tuple[str, str]] = []
    if adverse_events is None or adverse_events.empty or "event_domain" not in adverse_events:
        return effects, unusable
    designs = dict(zip(studies["study_id"], studies["design"]))
    rows = adverse_events[adverse_events["study_id"].isin(list(study_ids)) & (adverse_events["event_domain"] == domain)]
    for study_id, group in rows.groupby("study_id", sort=True):
        chosen = None
        for _, r in group.sort_values("ae_id").iterrows():
            counts = [_int(r, c) for c in ("ldn_events", "ldn_n", "comparator_events", "comparator_n")]
            if None in counts:
                continue
            if designs.get(study_id) == "crossover_rct":
                unusable.append((study_id, "paired (cross-over) event counts are not pooled as parallel arms"))
                chosen = False
                break
            if counts[0] == 0 and counts[2] == 0:
                # No events in either arm: the trial says nothing about the ratio of risks, so it is not pooled.
                unusable.append((study_id, "no events in either arm, so no risk ratio can be estimated"))
                chosen = False
                break
            lrr, se = log_risk_ratio(*counts)
            chosen = StudyEffect(study_id, r["ae_id"], lrr, se, counts[1], counts[3], "parallel",
                                 "risk ratio from events per arm", measure="RR", events=(counts[0], counts[2]))
            break
        if chosen is None:
            unusable.append((study_id, "events per arm not reported"))
        elif chosen:
            effects.append(chosen)
    return effects, unusable


# --- pooling ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pooled:
    """A pooled (k >= 2) or single-study (k = 1) estimate on the SMD scale; negative favours LDN."""

    estimate: float
    ci_low: float
    ci_high: float
    k: int
    se: float
    tau2: float | None = None
    i2: float | None = None
    q: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    method: str = ""
    study_ids: tuple[str, ...] = ()
    participants: int | None = None  # sum over the studies whose analysed numbers are known
    missing_n: tuple[str, ...] = ()  # studies whose analysed numbers no page gave
    effects: tuple[StudyEffect, ...] = field(default=(), repr=False)
    measure: str = "SMD"  # for "RR", estimate, CI, tau² and prediction interval are on the log scale

    def shown(self, x: float) -> float:
        """A value on the scale readers see: ratios exponentiated."""
        return math.exp(x) if self.measure == "RR" else x

    @property
    def ci(self) -> tuple[float, float]:
        return self.ci_low, self.ci_high

    def text(self, digits: int = 2) -> str:
        f = f"{{:.{digits}f}}"
        g = self.shown
        out = (f"{self.measure} {f.format(g(self.estimate))} (95% CI {f.format(g(self.ci_low))} to "
               f"{f.format(g(self.ci_high))})")
        if self.k >= 2 and self.i2 is not None:
            out += f"; I² = {100 * self.i2:.0f}%, tau² = {self.tau2:.3f}"
        if self.pi_low is not None:
            out += f"; 95% prediction interval {f.format(g(self.pi_low))} to {f.format(g(self.pi_high))}"
        return out

    @property
    def comparator_risk(self) -> float | None:
        """Risk with the comparator: pooled comparator events over comparator participants (risk ratios only)."""
        if self.measure != "RR":
            return None
        events = sum(e.events[1] for e in self.effects if e.events)
        people = sum(e.n_comparator or 0 for e in self.effects if e.events)
        return events / people if people else None


def pool(effects, *, method_re: str = RE_METHOD) -> Pooled:
    """Random-effects pooled estimate with tau², I² and, for k >= 3, a 95% prediction interval.

    Uses :func:`statsmodels.stats.meta_analysis.combine_effects` (``method_re="dl"`` DerSimonian-Laird, or
    ``"pm"`` Paule-Mandel, which statsmodels calls "iterated"). The prediction interval is
    mu +/- t(k - 2) sqrt(tau² + SE(mu)²). One study is returned as it stands.
    """
    effects = tuple(effects)
    if not effects:
        raise ValueError("nothing to pool")
    if len({e.measure for e in effects}) > 1:
        raise ValueError("one measure per pooled estimate")
    known = [e.participants for e in effects if e.participants is not None]
    participants = int(sum(known)) if known else None
    missing_n = tuple(e.study_id for e in effects if e.participants is None)
    ids = tuple(e.study_id for e in effects)
    if len(effects) == 1:
        e = effects[0]
        low, high = e.ci
        return Pooled(e.estimate, low, high, 1, e.se, method="single study", study_ids=ids,
                      participants=participants, missing_n=missing_n, effects=effects, measure=e.measure)
    from statsmodels.stats.meta_analysis import combine_effects

    y = np.array([e.estimate for e in effects], dtype=float)
    v = np.array([e.se**2 for e in effects], dtype=float)
    with np.errstate(all="ignore"):  # identical estimates give Q = 0; statsmodels then divides by zero for I²
        res = combine_effects(y, v, method_re={"dl": "dl", "pm": "iterated"}[method_re], use_t=False)
    # statsmodels 0.15 returns the DerSimonian-Laird moment estimate unclipped, so a Q below its degrees of
    # freedom gives a negative tau² and weights that are not inverse variances. tau² is bounded at zero, as
    # DerSimonian and Laird define it, and the random-effects mean and SE are recomputed from those weights.
    tau2 = max(0.0, float(res.tau2))
    w = 1.0 / (v + tau2)
    mu = float(np.sum(w * y) / np.sum(w))
    se = math.sqrt(1.0 / float(np.sum(w)))
    low, high = mu - critical_value() * se, mu + critical_value() * se
    k = len(effects)
    q = float(res.q)
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    pi_low = pi_high = None
    if k >= 3:
        half = quantile(0.975, k - 2) * math.sqrt(tau2 + se**2)
        pi_low, pi_high = mu - half, mu + half
    label = {"dl": RE_METHOD_LABEL, "pm": "random effects (Paule-Mandel)"}[method_re]
    return Pooled(mu, low, high, k, se, tau2=tau2, i2=i2, q=q, pi_low=pi_low, pi_high=pi_high, method=label,
                  study_ids=ids, participants=participants, missing_n=missing_n, effects=effects,
                  measure=effects[0].measure)


# --- a comparison as the book uses it ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Synthesis:
    """LDN vs placebo for one condition and one outcome domain: the main estimate and its sensitivity analyses."""

    condition: str
    domain: str
    main: Pooled | None
    sensitivity: dict[str, Pooled | None]
    not_pooled: tuple[tuple[str, str], ...]  # (study_id, reason)
    note: str = ""


def randomised_study_ids(studies: pd.DataFrame, condition: str, coding: pd.DataFrame | None = None) -> list[str]:
    """Primary reports of randomised placebo-controlled trials of a condition (secondary reports left out).

    The coded ``control`` of study_coding.csv decides when the study is coded; otherwise the randomised design in
    studies.csv (every randomised trial in the data is placebo-controlled; coding makes that explicit).
    """
    frame = studies[(studies["condition"] == condition) & studies["secondary_to"].isna()]
    coded = {}
    if coding is not None and not coding.empty:
        coded = dict(zip(coding["study_id"], coding["control"]))  # the last row for a study wins
    keep = []
    for sid, design in zip(frame["study_id"], frame["design"]):
        if sid in coded:
            if coded[sid] in COMPARISONS:
                keep.append(sid)
        elif design in ("rct", "crossover_rct"):
            keep.append(sid)  # not coded yet: the randomised design decides until study_coding.csv has the study
    return sorted(keep)


def synthesise(outcomes: pd.DataFrame, studies: pd.DataFrame, condition: str, domain: str,
               coding: pd.DataFrame | None = None, adverse_events: pd.DataFrame | None = None) -> Synthesis:
    """Pool every randomised placebo comparison of a condition on one outcome domain.

    Continuous domains come from outcomes.csv as SMDs; withdrawals and adverse events from adverse_events.csv as
    risk ratios. Sensitivity analyses: the second within-person correlation for cross-over trials, Paule-Mandel
    tau², and leaving out effects that rest on an unstated effect-size metric.
    """
    ids = randomised_study_ids(studies, condition, coding)
    if domain in DICHOTOMOUS_DOMAINS:
        effects, unusable = event_effects(adverse_events, studies, ids, domain)
        main = pool(effects) if effects else None
        sensitivity = {"Paule-Mandel tau²": pool(effects, method_re="pm")} if len(effects) >= 2 else {}
        return Synthesis(condition, domain, main, sensitivity, tuple(unusable))
    enrolled = studies["n_enrolled"] if "n_enrolled" in studies else pd.Series(pd.NA, index=studies.index)
    randomised = {sid: int(n) for sid, n in zip(studies["study_id"], enrolled) if not pd.isna(n)}
    effects, unusable = study_effects(outcomes, ids, domain, ASSUMED_CORRELATION, randomised)
    main = pool(effects) if effects else None
    sensitivity: dict[str, Pooled | None] = {}
    if effects:
        alt, _ = study_effects(outcomes, ids, domain, SENSITIVITY_CORRELATION, randomised)
        if any(e.analysis == "paired" and e.assumptions for e in effects):
            sensitivity[f"within-person correlation {SENSITIVITY_CORRELATION:g}"] = pool(alt)
        if len(effects) >= 2:
            sensitivity["Paule-Mandel tau²"] = pool(effects, method_re="pm")
        plain = [e for e in effects if not any("metric not stated" in a for a in e.assumptions)]
        if 0 < len(plain) < len(effects):
            sensitivity["without effect sizes of unstated metric"] = pool(plain)
        reported = [e for e in effects if not any(a.startswith("arm sizes not reported") for a in e.assumptions)]
        if 0 < len(reported) < len(effects):
            sensitivity["without trials whose arm sizes are assumed"] = pool(reported)
    note = ""
    kinds = {e.value_kind for e in effects}
    if {"final", "change"} <= kinds:
        # An SMD of change scores is standardised by the SD of changes, an SMD of final values by the SD of final
        # values; the two are not on the same scale, so each kind is also pooled alone.
        note = ("Combines SMDs of final values with SMDs of changes from baseline, which are standardised by different "
                "SDs; each kind is also pooled alone.")
        for kind in ("change", "final"):
            subset = [e for e in effects if e.value_kind == kind]
            if subset:
                sensitivity[f"{kind} scores only"] = pool(subset)
    elif None in kinds and len(kinds) > 1 and len(effects) > 1:
        unknown = ", ".join(e.study_id for e in effects if e.value_kind is None)
        known = " and ".join(sorted(k for k in kinds if k))
        note = (f"Whether {unknown} reported final values or changes is not stated; the others report {known} "
                "values.")
    return Synthesis(condition, domain, main, sensitivity, tuple(unusable), note)


# --- reviews' own estimates (shown apart from the trials, never pooled with them) ---------------------------------

REVIEW_DESIGNS = ("systematic_review", "meta_analysis")


@dataclass(frozen=True)
class ReviewEstimate:
    """A systematic review's own pooled estimate, on the review's own measure."""

    label: str
    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    note: str = ""


def review_estimates(outcomes: pd.DataFrame, studies: pd.DataFrame, condition: str, domain: str) -> list[ReviewEstimate]:
    """Pooled estimates that reviews of a condition report for an outcome domain (from outcomes.csv)."""
    ids = set(studies.loc[(studies["condition"] == condition) & studies["design"].isin(REVIEW_DESIGNS), "study_id"])
    rows = outcomes[outcomes["study_id"].isin(ids) & (outcomes["outcome_domain"] == domain)]
    out = []
    for _, r in rows.iterrows():
        if pd.isna(r["effect"]) or pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]) or pd.isna(r["effect_type"]):
            continue
        measure = str(r["effect_type"]).replace("_", " ")  # grouped by the coded type: one measure per axis
        if not pd.isna(r["scale"]):
            measure += f" ({r['scale']})"
        out.append(ReviewEstimate(f"{r['study_id']} (review)", measure, float(r["effect"]),
                                  float(r["ci_low"]), float(r["ci_high"]), str(r["outcome"])))
    return out
