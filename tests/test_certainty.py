"""GRADE invariants on small synthetic bodies of evidence."""

import pandas as pd
import pytest

from ldnreview import certainty as ce
from ldnreview import synthesis as sy


def study(sid, control="randomised_placebo", rob="low", design="rct", n=500, **kw):
    return ce.StudyInput(sid, design, control, rob_overall=rob, outcome_kind=kw.pop("outcome_kind", "clinical"),
                         population_match=kw.pop("population_match", "yes"), participants=n, **kw)


def effect(sid, estimate, se, n=250, analysis="parallel"):
    return sy.StudyEffect(sid, f"{sid}-o", estimate, se, n, n, analysis, "test")


def pooled(*effects):
    return sy.pool(effects)


PRECISE_BENEFIT = (effect("A2020", -0.6, 0.06), effect("B2021", -0.6, 0.06))


def test_precise_low_risk_randomised_body_is_high():
    rating = ce.rate("pain", [study("A2020"), study("B2021")], pooled(*PRECISE_BENEFIT))
    assert rating.rating == "high"
    assert all(j.level == "not_serious" for j in rating.judgements.values())
    assert rating.statement == "LDN reduces pain compared with placebo."


def test_uncontrolled_only_is_very_low():
    body = [study("C2019", control="before_after", rob="critical", design="open_label"),
            study("D2018", control="none", rob="critical", design="case_series")]
    rating = ce.rate("pain", body, pooled(effect("C2019", -1.5, 0.05), effect("D2018", -1.5, 0.05)))
    assert rating.rating == "very low"
    assert rating.statement.startswith("We are very uncertain whether LDN")
    assert rating.rating_up.startswith("None applies")


@pytest.mark.parametrize("control", ["before_after", "none"])
def test_no_concurrent_comparison_never_above_very_low(control):
    # Huge, precise, consistent and large: still nothing to compare with.
    body = [study(f"E20{i:02d}", control=control, rob="low", design="open_label", n=5000) for i in range(5)]
    est = pooled(*(effect(s.study_id, -2.0, 0.01, n=2500) for s in body))
    assert ce.rate("pain", body, est).rating == "very low"
    assert ce.rate("pain", body, None).rating == "very low"


def test_randomised_trials_decide_and_uncontrolled_studies_are_set_aside():
    body = [study("A2020"), study("B2021"), study("C2019", control="before_after", rob="critical", design="open_label")]
    rating = ce.rate("pain", body, pooled(*PRECISE_BENEFIT))
    assert rating.study_ids == ("A2020", "B2021")
    assert rating.rating == "high"


def test_rct_at_high_risk_of_bias_is_rated_down():
    low = ce.rate("pain", [study("A2020")], pooled(effect("A2020", -0.6, 0.05, n=500)))
    high = ce.rate("pain", [study("A2020", rob="high")], pooled(effect("A2020", -0.6, 0.05, n=500)))
    assert low.judgements["risk_of_bias"].level == "not_serious"
    assert high.judgements["risk_of_bias"].level == "serious"
    assert ["high", "moderate", "low", "very low"].index(high.rating) == ["high", "moderate", "low", "very low"].index(low.rating) + 1


def test_most_weight_with_some_concerns_is_serious_risk_of_bias():
    """The same rule as the body of evidence (grade.certainty): some concerns count once they carry half the weight."""
    est = pooled(effect("A2020", -0.6, 0.05, n=500), effect("B2021", -0.5, 0.2, n=40))
    concerns = ce.rate("pain", [study("A2020", rob="some_concerns"), study("B2021")], est).judgements["risk_of_bias"]
    assert concerns.level == "serious" and "some concerns" in concerns.footnote
    fine = ce.rate("pain", [study("A2020"), study("B2021", rob="some_concerns")], est).judgements["risk_of_bias"]
    assert fine.level == "not_serious" and "low risk of bias carry" in fine.footnote


def test_high_risk_trial_carrying_little_weight_is_not_rated_down():
    body = [study("A2020"), study("B2021"), study("S2015", rob="high", n=20)]
    est = pooled(*PRECISE_BENEFIT, effect("S2015", -0.6, 0.5, n=10))
    assert ce.rate("pain", body, est).judgements["risk_of_bias"].level == "not_serious"


def test_ci_crossing_the_threshold_is_serious_imprecision():
    # -0.5 to 0.1 crosses -0.2 (the important-benefit threshold) but not +0.2.
    est = pooled(effect("A2020", -0.2, 0.153, n=600))
    assert est.ci_low < -0.2 < est.ci_high < 0.2
    rating = ce.rate("pain", [study("A2020", n=1200)], est)
    assert rating.judgements["imprecision"].level == "serious"
    assert "crosses a threshold" in rating.judgements["imprecision"].footnote


def test_ci_spanning_benefit_and_harm_is_very_serious_imprecision():
    est = pooled(effect("A2020", 0.0, 0.3, n=20))
    assert ce.rate("pain", [study("A2020", n=40)], est).judgements["imprecision"].level == "very_serious"


def test_small_body_is_imprecise_even_when_the_ci_does_not_cross():
    est = pooled(effect("A2020", -1.0, 0.1, n=50))
    j = ce.rate("pain", [study("A2020", n=100)], est).judgements["imprecision"]
    assert j.level == "serious" and "optimal information size" in j.footnote


def test_biomarker_outcome_is_indirect():
    rating = ce.rate("biomarker", [study("A2020"), study("B2021")], pooled(*PRECISE_BENEFIT))
    assert rating.judgements["indirectness"].level == "serious"
    assert rating.rating == "moderate"


def test_population_mostly_other_condition_is_indirect():
    body = [study("A2020", population_match="partial"), study("B2021", population_match="partial")]
    assert ce.rate("pain", body, pooled(*PRECISE_BENEFIT)).judgements["indirectness"].level == "serious"


def test_secondary_report_never_changes_a_count():
    body = [study("A2020"), study("B2021")]
    est = pooled(*PRECISE_BENEFIT)
    before = ce.rate("pain", body, est)
    after = ce.rate("pain", body + [study("A2022", secondary_to="A2020", rob="high", n=999)], est)
    assert (after.n_studies, after.participants, after.rating, after.study_ids) == (
        before.n_studies, before.participants, before.rating, before.study_ids)


def test_inconsistency_from_heterogeneity_not_from_votes():
    # Two trials pointing the same way, one "significant" and one not, are consistent...
    consistent = pooled(effect("A2020", -0.5, 0.1), effect("B2021", -0.4, 0.25))
    assert ce.judge_inconsistency(consistent).level == "not_serious"
    # ... while two precise trials far apart are not.
    apart = pooled(effect("A2020", -1.2, 0.1), effect("B2021", 0.4, 0.1))
    assert ce.judge_inconsistency(apart).level == "very_serious"


def test_trials_without_usable_numbers_count_as_missing_evidence():
    body = [study("A2020"), study("B2021"), study("M2026")]
    rating = ce.rate("pain", body, pooled(*PRECISE_BENEFIT))
    assert rating.judgements["publication_bias"].level == "serious"
    assert "M2026" in rating.judgements["publication_bias"].footnote


def test_every_judgement_has_a_footnote_and_rating_up_is_stated():
    rating = ce.rate("fatigue", [study("A2020", rob="high")], pooled(effect("A2020", -0.1, 0.3, n=30)))
    assert set(rating.judgements) == set(ce.DOMAINS)
    assert all(j.footnote for j in rating.judgements.values())
    assert len(rating.footnotes) == 5
    assert rating.rating_up


@pytest.mark.parametrize("rating, size, expected", [
    ("high", -0.6, "LDN reduces pain compared with placebo."),
    ("high", 0.05, "LDN results in little or no difference in pain compared with placebo."),
    ("moderate", -0.6, "LDN probably reduces pain compared with placebo."),
    ("moderate", -0.3, "LDN probably slightly reduces pain compared with placebo."),
    ("moderate", 0.0, "LDN probably results in little or no difference in pain compared with placebo."),
    ("low", -0.6, "LDN may reduce pain compared with placebo."),
    ("low", 0.1, "LDN may result in little or no difference in pain compared with placebo."),
    ("very low", -0.6, "We are very uncertain whether LDN reduces pain compared with placebo."),
    ("very low", 0.0, "We are very uncertain whether LDN affects pain compared with placebo."),
])
def test_plain_statements_follow_santesso(rating, size, expected):
    est = pooled(effect("A2020", size, 0.05))
    assert ce.statement(rating, "pain", est, ce.THRESHOLDS["pain"]) == expected


def test_quality_of_life_wording_improves():
    est = pooled(effect("A2020", -0.6, 0.05))
    assert ce.statement("moderate", "quality_of_life", est, ce.THRESHOLDS["quality_of_life"]) == (
        "LDN probably improves quality of life compared with placebo.")


def test_non_randomised_large_effect_can_be_rated_up():
    body = [study("N2020", control="concurrent_nonrandomised", rob="moderate", design="cohort", n=600),
            study("N2021", control="concurrent_nonrandomised", rob="moderate", design="cohort", n=600)]
    rating = ce.rate("pain", body, pooled(effect("N2020", -1.0, 0.05, n=300), effect("N2021", -1.0, 0.05, n=300)))
    assert rating.start.startswith("low")
    assert rating.rating == "moderate"
    assert rating.rating_up.startswith("Large effect")


def test_rob_table_worst_overall_wins():
    rob = pd.DataFrame({"study_id": ["A2020", "A2020", "A2020"], "domain": ["overall", "overall", "measurement"],
                        "judgement": ["some_concerns", "high", "low"]})
    assert ce.overall_rob(rob, "A2020") == "high"
    assert ce.overall_rob(rob, "B2021") is None


def test_no_estimate_is_very_low():
    rating = ce.rate("quality_of_life", [study("A2020"), study("B2021")], None)
    assert rating.rating == "very low"
    assert rating.judgements["imprecision"].level == "very_serious"
    assert rating.statement == "We are very uncertain whether LDN affects quality of life compared with placebo."


# --- summary of findings ---------------------------------------------------------------------------------------------

def test_summary_of_findings_rows_are_plain_data_with_every_field():
    from ldnreview import load, sof

    data = load()
    coding = pd.DataFrame({"study_id": ["Bruun2024", "Bested2023", "Younger2013"], "design": ["rct", "crossover_rct",
                           "crossover_rct"], "control": ["randomised_placebo"] * 3, "outcome_kind": ["clinical"] * 3,
                           "population_match": ["yes"] * 3})
    rob = pd.DataFrame({"study_id": ["Bruun2024", "Bested2023", "Younger2013"], "domain": ["overall"] * 3,
                        "judgement": ["low", "high", "high"]})
    rows = sof.summary_of_findings("fibromyalgia", data.outcomes, data.studies, coding, rob)
    pain = next(r for r in rows if r["outcome"] == "Pain")
    assert set(sof.KEYS) <= set(pain)
    assert pain["participants_studies"].endswith("(3 RCTs)")
    assert pain["effect"].startswith("SMD ")
    assert pain["certainty"] in ("high", "moderate", "low", "very low")
    assert len(pain["footnotes"]) == 6  # five domains and the rating-up line
    assert "correlation 0.8" in pain["comment"]
    # every row is built from plain Python values
    for row in rows:
        assert all(isinstance(row[k], (str, list, tuple)) for k in sof.KEYS)


def test_risk_ratio_thresholds():
    import math

    t = ce.THRESHOLDS["withdrawal_adverse_events"]
    assert t.measure == "RR" and t.shown(t.low) == pytest.approx(0.75) and t.shown(t.high) == pytest.approx(1.25)
    wide = sy.pool([sy.StudyEffect("A2020", "A-x", math.log(1.36), 0.74, 49, 50, "parallel", "t", measure="RR",
                                   events=(4, 3))])
    j = ce.judge_imprecision(wide, t, 99)
    assert j.level == "very_serious" and "RR 0.75 and 1.25" in j.footnote
    assert ce.statement("low", "withdrawal_adverse_events", wide, t) == (
        "LDN may increase withdrawals because of adverse events compared with placebo.")


def test_cross_condition_rows_carry_their_condition():
    from ldnreview import load, sof

    data = load()
    rows = sof.cross_condition(data)
    conditions = {r["condition"] for r in rows}
    assert {"fibromyalgia", "depression"} <= conditions
    assert all(r["certainty"] in ("high", "moderate", "low", "very low") for r in rows)
    assert not any("reported benefit" in r["statement"] for r in rows)  # no vote counts anywhere


def test_read_coding_reads_the_contract_files_and_tolerates_their_absence(tmp_path):
    coding, rob = ce.read_coding(tmp_path)
    assert coding.empty and rob.empty
    (tmp_path / "study_coding.csv").write_text(
        "study_id,design,control,blinding,outcome_kind,population_match,population_note,source_url,note\n"
        "A2020,rct,randomised_placebo,double,clinical,yes,,http://x,\n", encoding="utf-8")
    (tmp_path / "risk_of_bias.csv").write_text(
        "study_id,tool,domain,judgement,support,source_url\nA2020,rob2,overall,high,reason,http://x\n", encoding="utf-8")
    coding, rob = ce.read_coding(tmp_path)
    assert coding.loc[0, "control"] == "randomised_placebo" and coding.loc[0, "population_note"] is None
    assert ce.overall_rob(rob, "A2020") == "high"


def test_a_trial_awaiting_classification_is_weighed_as_publication_bias():
    """A null trial whose results cannot be verified is not silently left out: every fibromyalgia outcome is
    rated down for it, and so is the body of evidence as a whole."""
    from ldnreview import Chapter

    chapter = Chapter("fibromyalgia")
    assert any(r["awaiting_id"] == "RodriguezFreireInnova" for _, r in chapter.awaiting.iterrows())
    for row in chapter.findings:
        assert any(f.startswith("Publication bias: serious") and "RodriguezFreireInnova" in f for f in row["footnotes"]), row
    assert any(r.startswith("publication bias") for r in chapter.certainty.reasons)


def test_a_trial_awaiting_classification_with_no_known_size_is_still_weighed():
    """A registered trial whose size no page showed (n empty) is named, not dropped, and the participant count
    is given as a lower bound."""
    from ldnreview import Chapter

    chapter = Chapter("fibromyalgia")
    unsized = chapter.awaiting[chapter.awaiting["design"].isin(("rct", "crossover_rct")) & chapter.awaiting["n"].isna()]
    assert len(unsized), "the fibromyalgia data should hold a randomised trial awaiting classification with no known N"
    name = unsized["awaiting_id"].iloc[0]
    for row in chapter.findings:
        assert any(f"{name} (number of participants not known" in f for f in row["footnotes"]), row
    assert any(r.startswith("publication bias") and "at least" in r for r in chapter.certainty.reasons)
