"""Summary-of-findings rows (Cochrane Handbook chapter 14 layout) as plain data for the output layer.

:func:`findings` returns one dict per outcome that matters to patients, for LDN compared with placebo in one
condition (or, for a condition without randomised or controlled comparisons, for LDN as studied without a
comparison): outcome; participants (studies); effect with 95% CI, on the SMD scale and back on the outcome's
familiar instrument; certainty; the answer and its Santesso statement; a short comment; the details a reader opens
(assumptions, sensitivity analyses, scales); the decisive judgement; and a footnote for every GRADE judgement.
The keys are listed in :data:`KEYS`. Nothing here renders: the output layer turns the rows into tables and maps.
"""

from __future__ import annotations

import pandas as pd

from . import certainty as ce
from . import grade, words
from . import synthesis as sy

# The outcomes a summary-of-findings table shows, in order (benefits first, then harms).
SOF_DOMAINS = ("pain", "fatigue", "disease_activity", "quality_of_life", "depression", "function",
               "withdrawal_adverse_events", "adverse_events")
OUTCOME_NAMES = {
    "pain": "Pain",
    "fatigue": "Fatigue",
    "disease_activity": "Disease activity",
    "quality_of_life": "Quality of life",
    "depression": "Depressive symptoms",
    "function": "Physical function",
    "withdrawal_adverse_events": "Withdrawals because of adverse events",
    "adverse_events": "Adverse events",
    "biomarker": "Laboratory measures",
    "other": "Benefit, as each study measured it",
}
KEYS = ("condition", "domain", "outcome", "importance", "n_studies", "participants", "participants_studies", "design",
        "measure", "estimate", "ci_low", "ci_high", "effect", "effect_native", "comparator_risk", "risk_ldn",
        "risk_ldn_low", "risk_ldn_high", "mid_text", "mid_smd", "certainty", "certainty_symbols", "answer",
        "statement", "comment", "decisive", "details", "footnotes", "anchor", "study_ids")
DESIGN_WORDS = {"randomised": ("RCT", "RCTs"), "nonrandomised": ("non-randomised study", "non-randomised studies"),
                "uncontrolled": ("uncontrolled study", "uncontrolled studies")}
BETWEEN_GROUP = ("parallel", "paired")
NARRATIVE_DIRECTIONS = ("benefit", "no_difference", "harm", "mixed")


def ce_fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def _num(x: float, digits: int = 1) -> str:
    return f"{abs(x):.{digits}f}"


def _scales(outcomes: pd.DataFrame, effects, labels) -> str:
    rows = outcomes.set_index("outcome_id")
    parts = []
    for e in effects:
        scale = rows["scale"].get(e.outcome_id) if e.outcome_id in rows.index else None
        parts.append(f"{labels.get(e.study_id, e.study_id)}: {scale if isinstance(scale, str) else 'scale not stated'}")
    return "; ".join(parts)


def native_text(threshold: ce.Threshold, est: sy.Pooled, lower_is_better: bool = True) -> str | None:
    """The SMD back on the instrument's scale (SMD x its typical SD), as 'x points lower (a lower to b higher)'."""
    if est.measure != "SMD" or not threshold.sd or not threshold.instrument:
        return None
    values = [threshold.native(x) for x in (est.estimate, est.ci_low, est.ci_high)]
    # Negative favours LDN; for an outcome where higher is better that is a higher score.
    sign = -1 if not lower_is_better else 1
    def word(v):
        v = sign * v
        return f"{_num(v)} {'lower' if v < 0 else 'higher'}"
    point = sign * values[0]
    return (f"{_num(point)} points {'lower' if point < 0 else 'higher'} on {threshold.instrument} "
            f"({word(values[1])} to {word(values[2])})")


HIGHER_IS_BETTER = ("quality_of_life", "function")


def _study_inputs(ids, studies: pd.DataFrame, rob_overall: dict, effects=()) -> list[ce.StudyInput]:
    by_effect = {e.study_id: e for e in effects}
    frame = studies.set_index("study_id", drop=False)
    out = []
    for sid in ids:
        st = frame.loc[sid]
        size = by_effect[sid].participants if sid in by_effect and by_effect[sid].participants else None
        if size is None:
            size = next((int(st[c]) for c in ("n_analysed", "n_enrolled") if not pd.isna(st[c])), None)
        out.append(ce.StudyInput(
            study_id=sid, design=st["design"], control=None if pd.isna(st["control"]) else st["control"],
            rob_overall=rob_overall.get(sid), outcome_kind=None if pd.isna(st["outcome_kind"]) else st["outcome_kind"],
            population_match=None if pd.isna(st["population_match"]) else st["population_match"],
            secondary_to=None if pd.isna(st["secondary_to"]) else st["secondary_to"], participants=size,
            label=words.study_label(st)))
    return out


def _narrative(outcomes: pd.DataFrame, ids, domain: str, inputs) -> ce.Narrative | None:
    """Between-group results that cannot be pooled: each trial's coded direction for the domain."""
    rows = outcomes[outcomes["study_id"].isin(list(ids)) & (outcomes["outcome_domain"] == domain)
                    & outcomes["analysis"].isin(BETWEEN_GROUP) & outcomes["direction"].isin(NARRATIVE_DIRECTIONS)]
    sizes = {s.study_id: s.participants for s in inputs}
    results = []
    for sid, group in rows.groupby("study_id", sort=True):
        first = sorted((r for _, r in group.iterrows()), key=lambda r: (r["is_primary"] != "yes", r["outcome_id"]))[0]
        p = "" if pd.isna(first["p_value"]) else f", P = {first['p_value']:g}"
        results.append(ce.NarrativeResult(sid, first["direction"], sizes.get(sid),
                                          f"{first['outcome']}: {words.DIRECTION_NAMES.get(first['direction'], first['direction'])}{p}"))
    return ce.Narrative(tuple(results)) if results else None


def _thresholds(data, condition: str) -> dict[str, pd.Series]:
    frame = data.outcome_thresholds[data.outcome_thresholds["condition"] == condition]
    return {r["outcome_domain"]: r for _, r in frame.iterrows()}


def missing_results(data, condition: str) -> tuple[tuple[str, int | None], ...]:
    """Registered randomised trials of the condition finished without results anywhere: those awaiting
    classification whose result no page showed (a trial with a known result is evidence, not missing)."""
    awaiting = grade.unverified_trials(data.awaiting[data.awaiting["condition"] == condition])
    awaiting = awaiting[awaiting["direction"].isna()]
    return tuple((r.awaiting_id, None if pd.isna(r.n) else int(r.n)) for r in awaiting.itertuples())


def rate_outcome(data, condition: str, domain: str, thresholds: dict | None = None):
    """(Synthesis or None, CertaintyRating, study inputs) for one outcome of one condition."""
    thresholds = _thresholds(data, condition) if thresholds is None else thresholds
    studies = data.studies
    rob = grade.overall_risk_of_bias(data.risk_of_bias)
    ids = sy.randomised_study_ids(studies, condition, data.coding)
    result = sy.synthesise(data.outcomes, studies, condition, domain, data.coding, data.adverse_events) if ids else None
    effects = result.main.effects if result is not None and result.main is not None else ()
    if result is not None:
        measured = [e.study_id for e in effects] + [sid for sid, _ in result.not_pooled]
        measured += _measured_ids(data, ids, domain, exclude=measured)
    else:
        measured = _measured_ids(data, _clinical_ids(data, condition), domain)
    inputs = _study_inputs(sorted(set(measured)), studies, rob, effects)
    risk = result.main.comparator_risk if result is not None and result.main is not None else None
    threshold = ce.threshold_for(domain, thresholds.get(domain), risk)
    narrative = _narrative(data.outcomes, measured, domain, inputs) if result is None or result.main is None else None
    rating = ce.rate(domain, inputs, result.main if result is not None else None, outcome=OUTCOME_NAMES[domain].lower()
                     if domain != "other" else "benefit", threshold=threshold, narrative=narrative,
                     missing_results=missing_results(data, condition))
    return result, rating, inputs


def _clinical_ids(data, condition: str) -> list[str]:
    clinical = grade.primary_clinical(data.studies[data.studies["condition"] == condition])
    return list(clinical["study_id"])


def _measured_ids(data, ids, domain: str, exclude=()) -> list[str]:
    ids = [i for i in ids if i not in set(exclude)]
    if domain == "other":
        return ids  # every clinical study: 'benefit as each study measured it'
    found = set(data.outcomes.loc[data.outcomes["study_id"].isin(ids) & (data.outcomes["outcome_domain"] == domain), "study_id"])
    found |= set(data.adverse_events.loc[data.adverse_events["study_id"].isin(ids)
                                         & (data.adverse_events["event_domain"] == domain), "study_id"])
    return sorted(found)


def sof_row(result: sy.Synthesis | None, rating: ce.CertaintyRating, outcomes: pd.DataFrame, inputs,
            condition: str = "") -> dict:
    """One summary-of-findings row from a synthesis (or none) and its certainty rating."""
    main = rating.estimate
    labels = {s.study_id: s.name for s in inputs}
    t = rating.threshold
    word = DESIGN_WORDS[rating.kind]
    n = rating.n_studies
    people = f"{rating.participants:,}" if rating.participants else "not known"
    participants = f"{people} ({n} {word[0] if n == 1 else word[1]})"
    row = {k: None for k in KEYS}
    details: list[str] = []
    effect_native = None
    if main is not None:
        g = main.shown
        effect = (f"{main.measure} {ce_fmt(g(main.estimate))} (95% CI {ce_fmt(g(main.ci_low))} to "
                  f"{ce_fmt(g(main.ci_high))})" + ("" if main.k >= 2 else ", one study"))
        row.update(measure=main.measure, estimate=g(main.estimate), ci_low=g(main.ci_low), ci_high=g(main.ci_high))
        risk = main.comparator_risk
        if risk is not None:
            per = [risk * g(x) for x in (main.estimate, main.ci_low, main.ci_high)]
            row.update(comparator_risk=risk, risk_ldn=min(per[0], 1), risk_ldn_low=min(per[1], 1), risk_ldn_high=min(per[2], 1))
            effect_native = (f"{round(1000 * risk)} per 1000 with placebo, {round(1000 * min(per[0], 1))} per 1000 with LDN "
                             f"({round(1000 * min(per[1], 1))} to {round(1000 * min(per[2], 1))})")
        else:
            effect_native = native_text(t, main, lower_is_better=rating.domain not in HIGHER_IS_BETTER)
            details.append(f"Scales: {_scales(outcomes, main.effects, labels)}.")
        if main.k >= 2:
            details.append(f"{main.method[0].upper()}{main.method[1:]}; I² = {100 * (main.i2 or 0):.0f}%, tau² = {main.tau2:.3f}"
                           + (f"; 95% prediction interval {ce_fmt(g(main.pi_low))} to {ce_fmt(g(main.pi_high))}"
                              if main.pi_low is not None else "") + ".")
        if result is not None:
            for name, alt in result.sensitivity.items():
                if alt is not None:
                    details.append(f"Sensitivity ({name}): {alt.measure} {ce_fmt(alt.shown(alt.estimate))} "
                                   f"({ce_fmt(alt.shown(alt.ci_low))} to {ce_fmt(alt.shown(alt.ci_high))}).")
        if main.missing_n:
            details.append(f"Analysed numbers not reported by {', '.join(labels.get(s, s) for s in main.missing_n)}; "
                           "randomised or enrolled numbers are counted.")
        derived = sorted({a for e in main.effects for a in e.assumptions})
        if derived:
            details.append("Assumptions: " + "; ".join(derived) + ".")
        comment = ("A risk ratio below 1 favours LDN." if main.measure == "RR" else
                   "A negative SMD favours LDN.") + f" Important difference: {t.text()}."
    elif rating.narrative is not None:
        effect = "No single estimate: " + "; ".join(f"{labels.get(r.study_id, r.study_id)}, {r.text}"
                                                   for r in rating.narrative.results)
        comment = "Rated from the trials' between-group results, which could not be pooled."
    else:
        effect = "No comparative estimate" if rating.kind == "uncontrolled" else "Not reported in a usable form"
        comment = ("Changes on LDN without a comparison group cannot be attributed to LDN."
                   if rating.kind == "uncontrolled" else "No trial reported a between-group result for this outcome.")
    if result is not None:
        if result.note:
            details.append(result.note)
        narrated = {r.study_id for r in rating.narrative.results} if rating.narrative else set()
        for sid, why in result.not_pooled:
            if sid not in narrated:
                details.append(f"{labels.get(sid, sid)} measured this outcome but is not in the estimate: {why}.")
    if t.fallback and t.measure == "SMD":
        details.append(f"No MID was found for this outcome's instrument; the fallback of SMD {ce.FALLBACK_MID_SMD:g} "
                       "(half a standard deviation) is used.")
    row.update(
        condition=condition, domain=rating.domain, outcome=OUTCOME_NAMES.get(rating.domain, rating.domain),
        importance=t.importance, n_studies=n, participants=rating.participants, participants_studies=participants,
        design=rating.kind, effect=effect, effect_native=effect_native, mid_text=t.text(), mid_smd=t.mid_smd,
        certainty=rating.rating, certainty_symbols=rating.symbols, answer=rating.answer, statement=rating.statement,
        comment=comment, details=details,
        footnotes=rating.footnotes + [f"Rating up: {rating.rating_up}"],
        anchor=f"sof-{rating.domain.replace('_', '-')}", study_ids=rating.study_ids)
    return row


def findings(data, condition: str) -> list[dict]:
    """The summary-of-findings rows of one condition from the validated dataset: every outcome its randomised
    trials measured, or, without randomised trials, every outcome its clinical studies measured (rated without a
    comparison when none had one)."""
    ids = sy.randomised_study_ids(data.studies, condition, data.coding)
    pool_ids = ids or _clinical_ids(data, condition)
    if not pool_ids:
        return []
    measured = set(data.outcomes.loc[data.outcomes["study_id"].isin(pool_ids), "outcome_domain"].dropna())
    measured |= set(data.adverse_events.loc[data.adverse_events["study_id"].isin(pool_ids), "event_domain"].dropna())
    domains = [d for d in SOF_DOMAINS if d in measured] or (["other"] if not ids else [])
    thresholds = _thresholds(data, condition)
    rows = []
    for domain in domains:
        result, rating, inputs = rate_outcome(data, condition, domain, thresholds)
        row = sof_row(result, rating, data.outcomes, inputs, condition)
        row["decisive"] = ce.decisive(rating, inputs, missing_results=missing_results(data, condition))
        row["rating"] = rating
        rows.append(row)
    return rows


def summary_of_findings(data, condition: str) -> list[dict]:
    return findings(data, condition)


def cross_condition(data) -> list[dict]:
    """The same rows for every chapter condition, each with its ``condition`` key."""
    return [row for condition in data.chapter_conditions["condition"] for row in findings(data, condition)]


def headline(rows: list[dict]) -> str | None:
    """The condition's overall certainty: the lowest among its critical outcomes."""
    return ce.overall([r["rating"] for r in rows])
