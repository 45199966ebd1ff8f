import pandas as pd
import pytest

from ldnreview import grade


def study(**fields):
    base = dict(study_id="X2020", design="rct", n_enrolled=None, n_analysed=None, duration_weeks=None, secondary_to=None,
                comparator="placebo", direction="benefit", condition="c")
    base.update(fields)
    return base


def frame(*rows):
    df = pd.DataFrame(rows)
    for col in ("n_enrolled", "n_analysed"):
        df[col] = df[col].astype("Int64")
    df["duration_weeks"] = df["duration_weeks"].astype("Float64")
    return df


@pytest.mark.parametrize("design,n,rank", [
    ("rct", 150, 1), ("crossover_rct", 100, 1), ("rct", 99, 2), ("rct", None, 2), ("open_label", 500, 3),
    ("cohort", 10, 4), ("register", 900, 4), ("case_series", 3, 5), ("case_report", 1, 5),
    ("meta_analysis", None, 6), ("narrative_review", None, 6), ("preclinical", None, 7),
])
def test_level_from_design_and_size(design, n, rank):
    row = frame(study(design=design, n_analysed=n)).iloc[0]
    assert grade.level(row).rank == rank


def test_analysed_preferred_over_enrolled():
    row = frame(study(n_enrolled=120, n_analysed=90)).iloc[0]
    assert grade.study_size(row) == 90 and grade.level(row).rank == 2


def test_no_studies_is_no_evidence():
    assert grade.certainty(frame(study(design="narrative_review"))).rating == "no evidence"


def test_large_consistent_long_trials_stay_high():
    c = grade.certainty(frame(study(study_id="A2020", n_analysed=300, duration_weeks=26),
                              study(study_id="B2021", n_analysed=250, duration_weeks=52)))
    assert c.rating == "high" and c.reasons == ()


def test_small_single_short_trial_is_very_low_with_reasons():
    c = grade.certainty(frame(study(n_analysed=40, duration_weeks=12)))
    assert c.rating == "very low"
    assert any("very serious imprecision" in r for r in c.reasons)
    assert any("single randomised trial" in r for r in c.reasons)
    assert any("indirectness" in r for r in c.reasons)


def test_inconsistency_rates_down():
    consistent = grade.certainty(frame(study(study_id="A2020", n_analysed=250, duration_weeks=26),
                                       study(study_id="B2021", n_analysed=250, duration_weeks=26)))
    mixed = grade.certainty(frame(study(study_id="A2020", n_analysed=250, duration_weeks=26),
                                  study(study_id="B2021", n_analysed=250, duration_weeks=26, direction="no_difference")))
    assert consistent.rating == "high" and mixed.rating == "moderate"
    assert any("inconsistency" in r for r in mixed.reasons)


def test_uncontrolled_observational_evidence_is_very_low():
    c = grade.certainty(frame(study(design="open_label", n_analysed=60, comparator="none")))
    assert c.rating == "very low"
    assert c.start.startswith("low")


def test_case_reports_only():
    c = grade.certainty(frame(study(design="case_report", n_analysed=1)))
    assert c.rating == "very low" and c.best_level == "Case series or report"


def test_reviews_are_never_counted():
    c = grade.certainty(frame(study(design="open_label", n_analysed=30, comparator="none"),
                              study(study_id="R2020", design="meta_analysis", n_analysed=5000)))
    assert c.n_clinical == 1 and c.participants == 30


def test_secondary_reports_are_not_counted_twice():
    c = grade.certainty(frame(study(study_id="A2020", n_analysed=99, duration_weeks=12),
                              study(study_id="A2021", n_analysed=92, duration_weeks=12, secondary_to="A2020")))
    assert c.n_randomised == 1 and c.randomised_participants == 99
