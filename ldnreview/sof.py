"""Summary-of-findings rows (Cochrane Handbook chapter 14 layout) as plain data for the output layer.

:func:`summary_of_findings` returns one dict per outcome that matters to patients, for LDN compared with placebo
in one condition: outcome; participants (studies); effect with 95% CI; certainty; plain statement; comment; and a
footnote for every GRADE judgement. Nothing here renders: the lead's output layer turns the rows into a table.
"""

from __future__ import annotations

import pandas as pd

from . import certainty as ce
from . import grade
from . import synthesis as sy

# The outcomes a summary-of-findings table shows, in order (the few that matter to patients come first).
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
    "other": "Other outcomes",
}
KEYS = ("outcome", "participants_studies", "effect", "certainty", "statement", "comment", "footnotes")


def _design_word(rating: ce.CertaintyRating, n: int) -> str:
    start = rating.start
    if start.startswith("high"):
        return "RCT" if n == 1 else "RCTs"
    if start.startswith("low"):
        return "non-randomised study" if n == 1 else "non-randomised studies"
    return "uncontrolled study" if n == 1 else "uncontrolled studies"


def _scales(outcomes: pd.DataFrame, effects) -> str:
    ids = {e.outcome_id for e in effects}
    rows = outcomes[outcomes["outcome_id"].isin(ids)]
    parts = []
    for e in effects:
        r = rows[rows["outcome_id"] == e.outcome_id]
        scale = r["scale"].iloc[0] if not r.empty and not pd.isna(r["scale"].iloc[0]) else "scale not stated"
        parts.append(f"{e.study_id}: {scale}")
    return "; ".join(parts)


def sof_row(result: sy.Synthesis, rating: ce.CertaintyRating, outcomes: pd.DataFrame) -> dict:
    """One summary-of-findings row from a synthesis and its certainty rating."""
    main = result.main
    pooled_ids = set(main.study_ids) if main is not None else set()
    n_pooled = len(pooled_ids) if main is not None else 0
    n_people = rating.participants
    if main is not None:
        people = f"{n_people}" if n_people else "not known"
        participants = f"{people} ({n_pooled} {_design_word(rating, n_pooled)})"
    else:
        participants = f"no estimate ({rating.n_studies} {_design_word(rating, rating.n_studies)} measured it)"
    g = main.shown if main is not None else (lambda x: x)
    if main is not None:
        effect = (f"{main.measure} {ce_fmt(g(main.estimate))} (95% CI {ce_fmt(g(main.ci_low))} to "
                  f"{ce_fmt(g(main.ci_high))})" + ("" if main.k >= 2 else ", single study"))
        risk = main.comparator_risk
        if risk is not None:
            per = [round(1000 * risk * g(x)) for x in (main.estimate, main.ci_low, main.ci_high)]
            effect += (f"; {round(1000 * risk)} per 1000 with placebo, {per[0]} per 1000 with LDN "
                       f"({per[1]} to {per[2]})")
    else:
        effect = "not estimable"
    comments = []
    if main is not None:
        if main.measure == "RR":
            comments.append("A risk ratio below 1 favours LDN; RR 0.75 and 1.25 are the thresholds used for an "
                            "important difference. Risk with placebo is the pooled placebo-arm risk.")
        else:
            comments.append("Negative SMD favours LDN; an SMD of 0.2 is the threshold used for an important "
                            "difference.")
            comments.append(f"Scales: {_scales(outcomes, main.effects)}.")
        if main.k >= 2:
            comments.append(f"{main.method[0].upper()}{main.method[1:]}; I² = {100 * (main.i2 or 0):.0f}%, tau² = {main.tau2:.3f}"
                            + (f"; 95% prediction interval {ce_fmt(g(main.pi_low))} to {ce_fmt(g(main.pi_high))}"
                               if main.pi_low is not None else "") + ".")
        for name, alt in result.sensitivity.items():
            if alt is not None:
                comments.append(f"Sensitivity ({name}): {alt.measure} {ce_fmt(alt.shown(alt.estimate))} "
                                f"({ce_fmt(alt.shown(alt.ci_low))} to {ce_fmt(alt.shown(alt.ci_high))}).")
        if main.missing_n:
            comments.append(f"Analysed numbers not reported by {', '.join(main.missing_n)}; randomised or enrolled "
                            "numbers are counted for it.")
        derived = sorted({a for e in main.effects for a in e.assumptions})
        if derived:
            comments.append("Assumptions: " + "; ".join(derived) + ".")
    if result.note:
        comments.append(result.note)
    for sid, why in result.not_pooled:
        comments.append(f"{sid} measured this outcome but is not in the estimate: {why}.")
    footnotes = rating.footnotes + [f"Rating up: {rating.rating_up}"]
    return {
        "outcome": OUTCOME_NAMES.get(result.domain, result.domain),
        "participants_studies": participants,
        "effect": effect,
        "certainty": rating.rating,
        "certainty_symbols": rating.symbols,
        "statement": rating.statement,
        "comment": " ".join(comments),
        "footnotes": footnotes,
        "domain": result.domain,
        "study_ids": rating.study_ids,
    }


def ce_fmt(x: float) -> str:
    return f"{x:.2f}".replace("-", "−")


def summary_of_findings(condition: str, outcomes: pd.DataFrame, studies: pd.DataFrame,
                        coding: pd.DataFrame | None = None, rob: pd.DataFrame | None = None,
                        domains=SOF_DOMAINS, unpublished: dict[str, tuple[str, ...]] | None = None,
                        adverse_events: pd.DataFrame | None = None) -> list[dict]:
    """Rows for every outcome domain that randomised placebo-controlled trials of the condition measured.

    Continuous outcomes come from ``outcomes``; withdrawals and adverse events with counts per arm from
    ``adverse_events``. ``unpublished`` maps a domain to registered trials finished without results.
    """
    unpublished = unpublished or {}
    ids = sy.randomised_study_ids(studies, condition, coding)
    # Every domain a trial measured gets a row, even when no number converts: the row then says why.
    measured = set(outcomes.loc[outcomes["study_id"].isin(ids), "outcome_domain"].dropna())
    if adverse_events is not None and "event_domain" in adverse_events:
        measured |= set(adverse_events.loc[adverse_events["study_id"].isin(ids), "event_domain"].dropna())
    rows = []
    for domain in domains:
        if domain not in measured:
            continue
        result = sy.synthesise(outcomes, studies, condition, domain, coding, adverse_events)
        rating = ce.rate_synthesis(result, studies, coding, rob, unpublished=tuple(unpublished.get(domain, ())))
        rows.append(sof_row(result, rating, outcomes))
    return rows


def cross_condition(data) -> list[dict]:
    """The same rows for every condition with randomised placebo-controlled trials, each with a ``condition`` key,
    for the cross-condition table on the evidence map page."""
    return [{"condition": condition, **row} for condition in data.chapter_conditions["condition"]
            for row in findings(data, condition)]


def findings(data, condition: str) -> list[dict]:
    """The summary-of-findings rows of one condition from the validated dataset. Randomised trials that answer
    the question but await classification (their results are not verifiable, so not in any estimate) count as
    missing evidence for every outcome: publication bias is judged with them in view."""
    awaiting = grade.unverified_trials(data.awaiting[data.awaiting["condition"] == condition])
    missing = tuple(f"{r.awaiting_id} ({grade.participants_phrase(pd.Series([r.n], dtype='Float64'))}, awaiting classification)"
                    for r in awaiting.itertuples())
    unpublished = {domain: missing for domain in SOF_DOMAINS} if missing else None
    return summary_of_findings(condition, data.outcomes, data.studies, data.coding, data.risk_of_bias,
                               unpublished=unpublished, adverse_events=data.adverse_events)
