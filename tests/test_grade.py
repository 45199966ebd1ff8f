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
    c = grade.evidence(frame(study(design="narrative_review")))
    assert (c.n_clinical, c.participants, c.best_level) == (0, 0, None)


def test_secondary_report_never_changes_a_count():
    main = study(study_id="A2020", n_analysed=99)
    alone = grade.evidence(frame(main))
    both = grade.evidence(frame(main, study(study_id="A2021", n_analysed=99, secondary_to="A2020")))
    assert alone == both and alone.participants == 99


def test_reviews_are_never_counted():
    body = frame(study(study_id="A2020", n_analysed=40), study(study_id="R2021", design="meta_analysis", control=None, n_analysed=4000))
    c = grade.evidence(body)
    assert (c.n_clinical, c.participants, c.n_randomised, c.randomised_participants) == (1, 40, 1, 40)


def test_there_is_no_per_condition_rating():
    """One certainty system: outcomes are rated (certainty.py); grade only counts."""
    assert not hasattr(grade, "certainty") and not hasattr(grade.Evidence, "rating")


def test_participants_of_trials_whose_size_is_not_always_known():
    assert grade.participants_phrase(pd.Series([98, 1200], dtype="Int64")) == "1,298 participants"
    assert grade.participants_phrase(pd.Series([98, None], dtype="Int64")) == "at least 98 participants"
    assert grade.participants_phrase(pd.Series([None], dtype="Int64")) == "number of participants not known"
