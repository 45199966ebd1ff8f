"""Grading reads coded fields only, and its invariants hold on small synthetic bodies of evidence."""

import pandas as pd
import pytest

from ldnreview import grade


def study(**fields):
    base = dict(study_id="X2020", design="rct", n_enrolled=None, n_analysed=None, duration_weeks=26.0, secondary_to=None,
                comparator="placebo", direction="benefit", condition="c", control="randomised_placebo", blinding="double",
                outcome_kind="clinical", population_match="yes")
    base.update(fields)
    return base


def frame(*rows):
    df = pd.DataFrame(rows)
    for col in ("n_enrolled", "n_analysed"):
        df[col] = df[col].astype("Int64")
    df["duration_weeks"] = df["duration_weeks"].astype("Float64")
    return df


def rob(**overall):
    return pd.DataFrame([{"study_id": s, "domain": "overall", "judgement": j} for s, j in overall.items()])


@pytest.mark.parametrize("design,control,n,rank", [
    ("rct", "randomised_placebo", 150, 1), ("crossover_rct", "randomised_placebo", 100, 1), ("rct", "randomised_placebo", 99, 2),
    ("rct", "randomised_placebo", None, 2),
    ("open_label", "before_after", 500, 4), ("nonrandomised_trial", "concurrent_nonrandomised", 30, 3),
    ("cohort", "concurrent_nonrandomised", 10, 3), ("cohort", "historical", 10, 4), ("register", "before_after", 900, 4),
    ("case_series", "none", 3, 4), ("case_report", "none", 1, 5),
    ("meta_analysis", None, None, 6), ("narrative_review", None, None, 6), ("preclinical", None, None, 7),
])
def test_level_from_coded_design_and_control(design, control, n, rank):
    row = frame(study(design=design, control=control, n_analysed=n)).iloc[0]
    assert grade.level(row).rank == rank


def test_controlled_cohort_ranks_above_uncontrolled_trial():
    controlled = frame(study(design="cohort", control="concurrent_nonrandomised")).iloc[0]
    uncontrolled = frame(study(design="open_label", control="before_after")).iloc[0]
    assert grade.level(controlled).rank < grade.level(uncontrolled).rank


def test_laboratory_outcome_is_not_clinical_evidence():
    row = frame(study(design="cohort", control="none", outcome_kind="laboratory")).iloc[0]
    assert grade.level(row).rank not in grade.CLINICAL_RANKS


def test_analysed_preferred_over_enrolled():
    row = frame(study(n_enrolled=120, n_analysed=90)).iloc[0]
    assert grade.study_size(row) == 90 and grade.level(row).rank == 2


def test_no_studies_is_no_evidence():
    assert grade.certainty(frame(study(design="narrative_review"))).rating == "no evidence"


def test_large_low_risk_long_trials_stay_high():
    body = frame(study(study_id="A2020", n_analysed=300), study(study_id="B2021", n_analysed=250))
    c = grade.certainty(body, rob(A2020="low", B2021="low"))
    assert c.rating == "high", c.reasons


def test_uncontrolled_evidence_is_never_above_very_low():
    """However many and however large, studies without a concurrent comparison give very low certainty."""
    body = frame(*[study(study_id=f"S{2000 + i}", design=d, control=ctl, n_analysed=5000)
                   for i, (d, ctl) in enumerate([("open_label", "before_after"), ("cohort", "historical"),
                                                 ("register", "before_after"), ("case_series", "none")])])
    c = grade.certainty(body, rob(**{f"S{2000 + i}": "critical" for i in range(4)}))
    assert c.rating == "very low"
    assert any("concurrent comparison" in r for r in c.reasons)


def test_free_text_comparator_is_ignored():
    """Only the coded control counts: a comparator described in words cannot lift an uncontrolled study."""
    body = frame(study(design="cohort", control="before_after", comparator="healthy controls (no LDN)", n_analysed=500))
    assert grade.certainty(body).rating == "very low"


def test_rct_at_high_risk_of_bias_is_rated_down():
    body = frame(study(study_id="A2020", n_analysed=300), study(study_id="B2021", n_analysed=250))
    low = grade.certainty(body, rob(A2020="low", B2021="low"))
    high = grade.certainty(body, rob(A2020="high", B2021="high"))
    concerns = grade.certainty(body, rob(A2020="some_concerns", B2021="low"))
    assert low.rating == "high" and high.rating == "moderate" and concerns.rating == "moderate"
    assert any("serious risk of bias" in r for r in high.reasons)
    assert any("some concerns" in r for r in concerns.reasons)


def test_reasons_are_recorded_below_the_floor():
    c = grade.certainty(frame(study(n_analysed=20, duration_weeks=8.0)), rob(X2020="high"))
    assert c.rating == "very low"
    assert len(c.reasons) >= 4, c.reasons


def test_secondary_report_never_changes_a_count():
    main = study(study_id="A2020", n_analysed=99)
    alone = grade.certainty(frame(main), rob(A2020="low"))
    both = grade.certainty(frame(main, study(study_id="A2021", n_analysed=99, secondary_to="A2020")), rob(A2020="low"))
    assert (alone.n_clinical, alone.n_randomised, alone.participants, alone.rating) == \
           (both.n_clinical, both.n_randomised, both.participants, both.rating)


def test_reviews_are_never_counted():
    body = frame(study(study_id="A2020", n_analysed=40), study(study_id="R2021", design="meta_analysis", control=None, n_analysed=4000))
    assert grade.certainty(body, rob(A2020="low")).participants == 40


def test_indirect_outcomes_rate_down():
    judged = rob(A2020="low", B2021="low")
    base = frame(study(study_id="A2020", n_analysed=500), study(study_id="B2021", n_analysed=500))
    proxy = frame(study(study_id="A2020", n_analysed=500, outcome_kind="biomarker"),
                  study(study_id="B2021", n_analysed=500, outcome_kind="dispensing_proxy"))
    assert grade.certainty(base, judged).rating == "high"
    assert grade.certainty(proxy, judged).rating == "moderate"


def test_participants_of_trials_whose_size_is_not_always_known():
    assert grade.participants_phrase(pd.Series([98, 1200], dtype="Int64")) == "1,298 participants"
    assert grade.participants_phrase(pd.Series([98, None], dtype="Int64")) == "at least 98 participants"
    assert grade.participants_phrase(pd.Series([None], dtype="Int64")) == "number of participants not known"
