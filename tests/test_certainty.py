"""GRADE per outcome on synthetic bodies of evidence: the engine can reach every level and every answer."""

import math

import pytest

from ldnreview import certainty as ce
from ldnreview import synthesis as sy

MID = ce.Threshold("pain", -0.5, 0.5, "test MID", "SMD", "a 0-10 scale", 1.0, 2.0, False, None, "critical")


def study(sid, rob="low", control="randomised_placebo", design="rct", n=500, **kw):
    return ce.StudyInput(sid, design, control, rob_overall=rob, outcome_kind=kw.pop("outcome_kind", "clinical"),
                         population_match=kw.pop("population_match", "yes"), participants=n, **kw)


def effect(sid, estimate, se, n=250, analysis="parallel"):
    return sy.StudyEffect(sid, f"{sid}-o", estimate, se, n, n, analysis, "test")


def rate(studies, effects, **kw):
    return ce.rate("pain", studies, sy.pool(effects) if effects else None, threshold=kw.pop("threshold", MID), **kw)


def test_precise_low_risk_body_with_an_important_effect_is_high():
    r = rate([study("A2020"), study("B2021")], [effect("A2020", -1.2, 0.06), effect("B2021", -1.2, 0.06)])
    assert r.rating == "high" and r.answer == "benefit"
    assert all(j.level == "not_serious" for j in r.judgements.values())
    assert r.statement == "LDN reduces pain compared with placebo."


def test_little_or_no_difference_can_be_said_with_high_certainty():
    r = rate([study("A2020"), study("B2021")], [effect("A2020", -0.05, 0.06), effect("B2021", 0.02, 0.06)])
    assert (r.rating, r.answer) == ("high", "little_or_no_difference")
    assert r.statement == "LDN results in little or no difference in pain compared with placebo."


def test_moderate_when_the_interval_crosses_one_threshold():
    r = rate([study("A2020", n=200)], [effect("A2020", -0.3, 0.15, n=100)])
    assert r.judgements["imprecision"].level == "serious"
    assert r.rating == "moderate"
    assert r.statement == "LDN probably results in little or no difference in pain compared with placebo."


def test_slight_effect_wording_is_sized_by_the_mid():
    r = rate([study("A2020", n=2000)], [effect("A2020", -0.7, 0.05, n=1000)])
    assert r.rating == "high" and r.statement == "LDN reduces pain slightly compared with placebo."


def test_low_with_two_serious_domains():
    r = rate([study("A2020", rob="high", n=200)], [effect("A2020", -0.6, 0.2, n=100)])
    assert r.rating == "low" and r.statement.startswith("LDN may reduce pain")
    assert r.judgements["risk_of_bias"].level == "serious"


def test_very_low_when_the_interval_spans_benefit_and_harm_in_a_tiny_body():
    r = rate([study("A2020", n=20)], [effect("A2020", 0.0, 0.5, n=10)])
    assert r.rating == "very low" and r.answer == "uncertain"
    assert r.statement.startswith("We are very uncertain whether LDN")


def test_risk_of_bias_is_judged_by_the_estimate_from_lower_risk_studies():
    body = [study("A2020", rob="high"), study("B2021", rob="high"), study("C2022", rob="low")]
    same = rate(body, [effect("A2020", -0.1, 0.05), effect("B2021", -0.1, 0.05), effect("C2022", -0.05, 0.08)])
    assert same.judgements["risk_of_bias"].level == "not_serious"
    assert "lower-risk studies alone" in same.judgements["risk_of_bias"].footnote and same.restricted is not None
    moved = rate(body, [effect("A2020", -1.0, 0.05), effect("B2021", -1.0, 0.05), effect("C2022", 0.0, 0.08)])
    assert moved.judgements["risk_of_bias"].level == "serious"


def test_some_concerns_alone_do_not_rate_down_when_low_risk_studies_agree():
    body = [study("A2020", rob="some_concerns"), study("B2021", rob="low")]
    r = rate(body, [effect("A2020", -0.1, 0.05), effect("B2021", -0.1, 0.06)])
    assert r.judgements["risk_of_bias"].level == "not_serious"


def test_a_study_not_assessed_counts_as_at_risk():
    r = rate([study("A2020", rob=None)], [effect("A2020", -0.1, 0.05)])
    assert r.judgements["risk_of_bias"].level == "serious"


def test_thresholds_belong_to_outcomes():
    body, est = [study("A2020", n=300)], [effect("A2020", -0.3, 0.1, n=150)]
    wide = rate(body, est)  # MID SMD 0.5: within it
    narrow = rate(body, est, threshold=ce.Threshold("pain", -0.2, 0.2, "SMD 0.2"))
    assert wide.answer == "little_or_no_difference" and narrow.answer == "benefit"
    assert ce.optimal_information_size(0.5) == 126 and ce.optimal_information_size(0.2) == 786


def test_threshold_from_a_published_mid_row():
    t = ce.threshold_for("pain", {"basis": "published_mid", "mid": 1.0, "sd": 2.5, "instrument": "0-10 NRS",
                                  "importance": "critical", "mid_source_url": "https://example.org/mid"})
    assert math.isclose(t.high, 0.4) and not t.fallback and t.native(-0.4) == pytest.approx(-1.0)
    fallback = ce.threshold_for("fatigue", None)
    assert fallback.fallback and fallback.high == ce.FALLBACK_MID_SMD


def test_publication_bias_only_for_missing_results():
    body, est = [study("A2020", n=100)], [effect("A2020", -0.1, 0.1, n=50)]
    assert rate(body, est).judgements["publication_bias"].level == "not_serious"
    big = rate(body, est, missing_results=(("NCT00000001", 80),))
    assert big.judgements["publication_bias"].level == "serious"
    unknown = rate(body, est, missing_results=(("NCT00000002", None),))
    assert unknown.judgements["publication_bias"].level == "not_serious"


def test_narrative_rating_without_a_single_estimate():
    body = [study("A2020", n=200), study("B2021", n=200)]
    story = ce.Narrative((ce.NarrativeResult("A2020", "no_difference", 200), ce.NarrativeResult("B2021", "no_difference", 200)))
    r = ce.rate("pain", body, None, threshold=MID, narrative=story)
    assert r.rating == "high" and r.answer == "little_or_no_difference"
    mixed = ce.Narrative((ce.NarrativeResult("A2020", "benefit", 60), ce.NarrativeResult("B2021", "no_difference", 40)))
    m = ce.rate("pain", [study("A2020", n=60), study("B2021", n=40)], None, threshold=MID, narrative=mixed)
    assert m.judgements["inconsistency"].level == "serious" and m.judgements["imprecision"].level == "serious"
    assert m.rating == "low"


def test_no_result_at_all_is_very_low():
    assert ce.rate("pain", [study("A2020")], None, threshold=MID).rating == "very low"


@pytest.mark.parametrize("control", ["before_after", "none"])
def test_no_concurrent_comparison_never_above_very_low(control):
    body = [study(f"E20{i:02d}", control=control, design="open_label", n=5000) for i in range(5)]
    r = ce.rate("pain", body, sy.pool([effect(s.study_id, -2.0, 0.01, n=2500) for s in body]), threshold=MID)
    assert r.rating == "very low" and "no study compared it" in r.statement


def test_randomised_trials_decide_and_uncontrolled_studies_are_set_aside():
    body = [study("A2020"), study("B2021"), study("C2019", control="before_after", rob="critical", design="open_label")]
    r = rate(body, [effect("A2020", -1.2, 0.06), effect("B2021", -1.2, 0.06)])
    assert r.study_ids == ("A2020", "B2021") and r.rating == "high"


def test_large_effect_rates_up_a_clean_nonrandomised_body():
    body = [study("N2020", control="concurrent_nonrandomised", design="cohort", rob="moderate", n=3000)]
    r = rate(body, [effect("N2020", -1.5, 0.05, n=1500)])
    assert r.rating == "moderate" and r.rating_up.startswith("Large effect")


def test_inconsistency_judged_from_estimates_not_votes():
    body = [study("A2020"), study("B2021")]
    r = rate(body, [effect("A2020", -1.5, 0.05), effect("B2021", 1.5, 0.05)])
    assert r.judgements["inconsistency"].level == "very_serious"


def test_extremely_wide_interval_rates_down_three_levels():
    t = ce.threshold_for("withdrawal_adverse_events", None)
    e = sy.StudyEffect("A2020", "x", math.log(1.4), 0.75, 50, 50, "parallel", "t", measure="RR", events=(4, 3))
    r = ce.rate("withdrawal_adverse_events", [study("A2020", n=100)], sy.pool([e]), threshold=t)
    assert r.judgements["imprecision"].level == "extremely_serious" and r.rating == "very low"


def test_every_level_is_reachable():
    seen = {rate([study("A2020", n=2000)], [effect("A2020", -1.2, 0.05, n=1000)]).rating,
            rate([study("A2020", n=200)], [effect("A2020", -0.3, 0.15, n=100)]).rating,
            rate([study("A2020", rob="high", n=200)], [effect("A2020", -0.6, 0.2, n=100)]).rating,
            rate([study("A2020", n=20)], [effect("A2020", 0.0, 0.5, n=10)]).rating}
    assert seen == {"high", "moderate", "low", "very low"}


def test_overall_is_the_lowest_critical_outcome():
    high = rate([study("A2020", n=2000)], [effect("A2020", -1.2, 0.05, n=1000)])
    low = rate([study("A2020", rob="high", n=200)], [effect("A2020", -0.6, 0.2, n=100)])
    important = ce.rate("adverse_events", [study("A2020")], None)  # importance 'important' by default
    assert ce.overall([high, low, important]) == "low"
    assert ce.overall([high, important]) == "high"
