"""Conversions against published worked examples, pooling against examples worked by hand."""

import math

import pandas as pd
import pytest

from ldnreview import synthesis as sy

KNOWT = "https://knowt.com/note/890af7c2-eb12-49cd-8a44-c2abdfa493ae/Standard-Error-t-test-and-Confidence-I"


# --- conversions: published worked examples ----------------------------------------------------------------------

def test_se_from_p_handbook_example():
    # Cochrane Handbook 5.1, section 7.7.3.3 (text as reproduced on sy.HANDBOOK51_7733_COPY): P = 0.008 from a
    # comparison of 25 with 22 participants; t on 45 degrees of freedom is 2.78; the standard error of the
    # difference in means is 3.8 / 2.78 = 1.37.
    assert sy.critical_value(1 - 0.008, df=45) == pytest.approx(2.78, abs=0.005)
    assert sy.se_from_p(3.8, 0.008, df=45) == pytest.approx(1.37, abs=0.005)


def test_se_from_ci_worked_example():
    # KNOWT worked example: mean difference 8.9 with SE 1.63 and t* = 2.57 (5 df) gives the 95% CI 4.7 to 13.1;
    # going back from the interval recovers the SE.
    assert sy.se_from_ci(4.7, 13.1, df=5) == pytest.approx(1.63, abs=0.01)
    # Handbook 6.3.1, large sample: SE = (upper - lower) / 3.92 (Bruun 2024's -0.95 to 0.27 gives 0.311).
    assert sy.se_from_ci(-0.95, 0.27) == pytest.approx(1.22 / 3.92, rel=1e-3)


def test_sd_from_se_worked_examples():
    # KNOWT: SD 4.0 with n = 6 gives SE 4.0 / sqrt(6) = 1.63; back again, 1.63 x sqrt(6) = 3.99.
    assert sy.sd_from_se(1.63, 6) == pytest.approx(4.0, abs=0.02)
    # Handbook 6.5.2.3 applied to the Handbook's own numbers above (SE 1.37, groups of 25 and 22), worked by hand:
    # 1.37 / sqrt(1/25 + 1/22) = 1.37 / 0.29233 = 4.686.
    assert sy.sd_from_se(1.37, 25, 22) == pytest.approx(4.686, abs=0.002)


def test_crossover_handbook_example():
    # Cochrane Handbook 5.1, section 16.4.6.4 (sy.HANDBOOK51_16464): cross-over trial, n = 10, ME 7.0 (SD 2.38),
    # MC 6.5 (SD 2.21), imputed correlation 0.68: SE(MD) = 0.583; SMD = 0.218 with SE 0.256. With a typical SD of
    # differences of 2, SE(MD) = 2 / sqrt(10) = 0.632.
    assert sy.paired_md_se(2.38, 2.21, 10, 0.68) == pytest.approx(0.583, abs=0.0005)
    smd, se = sy.paired_smd(0.5, 10, 0.68, sd_e=2.38, sd_c=2.21)
    assert smd == pytest.approx(0.218, abs=0.0005)
    assert se == pytest.approx(0.256, abs=0.0005)
    assert 2 / math.sqrt(10) == pytest.approx(0.632, abs=0.0005)


def test_crossover_from_paired_se_agrees_with_the_sd_route():
    # Same example, entering only the SE of the paired difference (0.583): the equal-SD assumption gives nearly
    # the Handbook's 0.218, and the same SE formula.
    smd, se = sy.paired_smd(0.5, 10, 0.68, se_md=sy.paired_md_se(2.38, 2.21, 10, 0.68))
    assert smd == pytest.approx(0.218, abs=0.002)
    assert se == pytest.approx(0.256, abs=0.001)


def test_crossover_correlation_changes_the_standardised_scale():
    # The paired SE converts to a larger between-person SD as the correlation rises, so the SMD shrinks.
    low, _ = sy.paired_smd(10.8, 28, 0.5, se_md=4.0)
    high, _ = sy.paired_smd(10.8, 28, 0.8, se_md=4.0)
    assert high < low
    assert high / low == pytest.approx(math.sqrt(0.4), rel=1e-9)


def test_hedges_g_by_hand_and_against_statsmodels():
    # Mischoulon 2017 HAM-D-17 end scores, worked by hand: pooled SD sqrt((5 x 7.7² + 5 x 5.9²) / 10) = 6.8593;
    # d = (11.7 - 17.8) / 6.8593 = -0.8893; J = 1 - 3 / (4 x 12 - 9) = 0.92308; g = -0.8209;
    # SE = sqrt(12 / 36 + g² / (2 x (12 - 3.94))) = 0.6125.
    g, se = sy.hedges_g(11.7, 7.7, 6, 17.8, 5.9, 6)
    assert g == pytest.approx(-0.8209, abs=0.0005)
    assert se == pytest.approx(0.6125, abs=0.0005)
    from statsmodels.stats.meta_analysis import effectsize_smd

    sm_g, sm_var = effectsize_smd(11.7, 7.7, 6, 17.8, 5.9, 6)
    assert (g, se**2) == pytest.approx((float(sm_g), float(sm_var)), rel=1e-6)


def test_smd_from_md_and_ci():
    # Bruun 2024 worked by hand: SE = 1.22 / 3.92 = 0.31122; SD = 0.31122 / sqrt(1/49 + 1/50) = 1.5482;
    # d = -0.34 / 1.5482 = -0.2196; J = 1 - 3/387 = 0.99225; g = -0.2179 (the paper reports Cohen's d 0.23).
    g, _ = sy.smd_from_md(-0.34, sy.se_from_ci(-0.95, 0.27), 49, 50)
    assert g == pytest.approx(-0.2179, abs=0.0005)


def test_p_value_must_be_a_probability():
    with pytest.raises(ValueError):
        sy.se_from_p(1.0, 0.0)
    with pytest.raises(ValueError):
        sy.paired_smd(1.0, 10, 1.0, se_md=1.0)


# --- pooling: worked by hand ---------------------------------------------------------------------------------------

def effect(study, estimate, se, n=None, analysis="parallel"):
    return sy.StudyEffect(study, f"{study}-x", estimate, se, n, n, analysis, "test")


def test_pool_two_studies_by_hand():
    # y = (0, 3), variances (1, 1). Fixed-effect weights 1 and 1: mean 1.5; Q = 1.5² + 1.5² = 4.5 on 1 df;
    # C = 2 - 2/2 = 1; DerSimonian-Laird tau² = (4.5 - 1) / 1 = 3.5. Random-effects weights 1 / (1 + 3.5) each:
    # mean 1.5, SE = sqrt(1 / (2 / 4.5)) = 1.5; 95% CI 1.5 -/+ 1.95996 x 1.5 = -1.43995 to 4.43995;
    # I² = (4.5 - 1) / 4.5 = 0.7778. No prediction interval with k = 2.
    res = sy.pool([effect("A", 0.0, 1.0), effect("B", 3.0, 1.0)])
    assert res.k == 2
    assert res.estimate == pytest.approx(1.5)
    assert res.tau2 == pytest.approx(3.5)
    assert res.se == pytest.approx(1.5)
    assert res.ci_low == pytest.approx(-1.43995, abs=1e-4)
    assert res.ci_high == pytest.approx(4.43995, abs=1e-4)
    assert res.i2 == pytest.approx(0.7778, abs=1e-4)
    assert res.pi_low is None


def test_pool_three_studies_by_hand():
    # y = (0, 2, 4), variances (1, 1, 1). Fixed-effect mean 2; Q = 4 + 0 + 4 = 8 on 2 df; C = 3 - 3/3 = 2;
    # tau² = (8 - 2) / 2 = 3. Random-effects weights 1/4 each: mean 2, SE = sqrt(1 / 0.75) = 1.15470;
    # 95% CI 2 -/+ 2.26317 = -0.26317 to 4.26317; I² = 6 / 8 = 0.75.
    # Prediction interval: t(0.975, 1 df) = 12.7062; sqrt(3 + 4/3) = 2.08167; 2 -/+ 26.4503 = -24.4503 to 28.4503.
    res = sy.pool([effect("A", 0.0, 1.0), effect("B", 2.0, 1.0), effect("C", 4.0, 1.0)])
    assert res.estimate == pytest.approx(2.0)
    assert res.tau2 == pytest.approx(3.0)
    assert res.se == pytest.approx(1.15470, abs=1e-5)
    assert (res.ci_low, res.ci_high) == pytest.approx((-0.26317, 4.26317), abs=1e-4)
    assert res.i2 == pytest.approx(0.75)
    assert (res.pi_low, res.pi_high) == pytest.approx((-24.4503, 28.4503), abs=1e-3)


def test_pool_with_less_variation_than_chance_has_tau2_zero():
    # y = (1, 1.1, 0.9), SE 0.5 each: Q = 3 x 0.01 / 0.25 = 0.08 < 2 df, so tau² = 0 (bounded) and the result is
    # the fixed-effect one: mean 1.0, SE = sqrt(0.25 / 3) = 0.288675, I² = 0.
    res = sy.pool([effect("A", 1.0, 0.5), effect("B", 1.1, 0.5), effect("C", 0.9, 0.5)])
    assert res.tau2 == 0
    assert res.estimate == pytest.approx(1.0)
    assert res.se == pytest.approx(0.288675, abs=1e-6)
    assert res.i2 == 0


def test_pool_paule_mandel_runs_and_agrees_when_homogeneous():
    effects = [effect("A", 1.0, 0.5), effect("B", 1.1, 0.5), effect("C", 0.9, 0.5)]
    assert sy.pool(effects, method_re="pm").estimate == pytest.approx(1.0)


def test_single_study_is_returned_as_it_stands():
    res = sy.pool([effect("A", -0.3, 0.1, n=20)])
    assert res.k == 1 and res.tau2 is None and res.i2 is None
    assert res.ci == pytest.approx((-0.3 - 0.195996, -0.3 + 0.195996), abs=1e-5)
    assert res.participants == 40


# --- rows to effects -------------------------------------------------------------------------------------------------

def row(**cells):
    base = dict(study_id="S2020", outcome_id="S2020-x", analysis="parallel", lower_is_better="yes", n_ldn=None,
                n_comparator=None, ldn_mean=None, ldn_sd=None, comparator_mean=None, comparator_sd=None, effect=None,
                ci_low=None, ci_high=None, p_value=None, se=None, effect_type=None, is_primary="yes")
    base.update(cells)
    return pd.Series(base)


def test_orientation_negative_favours_ldn():
    lower_better = sy.study_effect(row(ldn_mean=3.0, ldn_sd=1.0, comparator_mean=4.0, comparator_sd=1.0, n_ldn=20,
                                       n_comparator=20))
    higher_better = sy.study_effect(row(ldn_mean=4.0, ldn_sd=1.0, comparator_mean=3.0, comparator_sd=1.0, n_ldn=20,
                                        n_comparator=20, lower_is_better="no"))
    assert lower_better.estimate < 0 and higher_better.estimate < 0
    assert lower_better.estimate == pytest.approx(higher_better.estimate)


def test_rows_without_enough_numbers_give_no_effect():
    assert sy.study_effect(row(ldn_mean=3.0, comparator_mean=4.0, n_ldn=20, n_comparator=20)) is None
    assert sy.study_effect(row(analysis="single_arm", ldn_mean=3.0, ldn_sd=1.0)) is None
    assert sy.study_effect(row(effect=-1.0, ci_low=-2.0, ci_high=0.0, effect_type="median_difference", n_ldn=5,
                               n_comparator=5)) is None
    assert sy.study_effect(row(lower_is_better=None, ldn_mean=3.0, ldn_sd=1.0, comparator_mean=4.0,
                               comparator_sd=1.0, n_ldn=20, n_comparator=20)) is None


def test_equal_allocation_splits_the_number_randomised_and_says_so():
    values = dict(ldn_mean=10.5, ldn_sd=5.6, comparator_mean=9.8, comparator_sd=5.9, lower_is_better="no",
                  arm_sizes="equal_allocation")
    assert sy.equal_split(37) == (18, 19)
    assert sy.study_effect(row(**values)) is None, "no arm sizes and no number randomised: nothing to pool"
    e = sy.study_effect(row(**values), randomised=37)
    g, se = sy.hedges_g(10.5, 5.6, 18, 9.8, 5.9, 19)
    assert (e.n_ldn, e.n_comparator, e.participants) == (18, 19, 37)
    assert e.estimate == pytest.approx(-g) and e.se == pytest.approx(se)
    assert e.assumptions == ("arm sizes not reported: the 37 randomised split 18 and 19 by the trial's 1:1 allocation",)
    reported = sy.study_effect(row(**dict(values, arm_sizes="reported", n_ldn=18, n_comparator=19)), randomised=37)
    assert reported.assumptions == () and reported.estimate == pytest.approx(e.estimate)


def test_paired_row_uses_the_assumed_correlation():
    r = row(analysis="paired", lower_is_better="no", ldn_mean=28.8, comparator_mean=18.0, p_value=0.016, n_ldn=28,
            n_comparator=28)
    main, sens = sy.study_effect(r, 0.5), sy.study_effect(r, 0.8)
    assert main.estimate < sens.estimate < 0
    assert main.participants == 28
    assert "0.5" in main.assumptions[0]


# --- the book's data ---------------------------------------------------------------------------------------------------

def test_fibromyalgia_pain_pools_three_placebo_controlled_trials():
    from ldnreview import load

    data = load()
    result = sy.synthesise(data.outcomes, data.studies, "fibromyalgia", "pain")
    assert result.main is not None and result.main.k == 3
    assert set(result.main.study_ids) == {"Bruun2024", "Bested2023", "Younger2013"}
    assert "Bruun2025" not in result.main.study_ids  # secondary report of Bruun2024, never counted again
    assert result.main.pi_low is not None and result.main.i2 is not None
    assert result.main.ci_low < result.main.estimate < result.main.ci_high
    assert any("correlation" in name for name in result.sensitivity)


# --- forest plot -------------------------------------------------------------------------------------------------------

def test_forest_plot_returns_a_figure_without_touching_pyplot_state():
    import matplotlib
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    from ldnreview import forest

    before_rc = dict(matplotlib.rcParams)
    before_figs = plt.get_fignums()
    res = sy.pool([effect("A2020", -0.4, 0.2, n=30), effect("B2021", -0.1, 0.15, n=50),
                   effect("C2022", -0.3, 0.25, n=20)])
    review = forest.ReviewEstimate("R2024 (review)", "mean difference", -0.86, -1.2, -0.51)
    fig = forest.forest_plot(res, outcome="pain", threshold=0.2, reviews=[review])
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before_figs
    assert dict(matplotlib.rcParams) == before_rc
    axes = [ax for ax in fig.axes if ax.get_xlabel()]
    # one measure per axis: the trials' SMD and the review's mean difference never share an axis
    assert len(axes) == 2
    assert "Standardised mean difference" in axes[0].get_xlabel()
    assert axes[1].get_xlabel().startswith("mean difference")
    texts = [t.get_text() for ax in axes for t in ax.texts]
    assert texts.count("← favours LDN") == 2 and texts.count("favours placebo →") == 2
    assert any(isinstance(p, matplotlib.patches.Polygon) for p in axes[0].patches)  # the pooled diamond
    assert "R2024 (review)" not in [t.get_text() for t in axes[0].get_yticklabels()]


def test_zero_estimate_with_p_value_gives_no_effect():
    with pytest.raises(ValueError):
        sy.se_from_p(0.0, 0.78)
    r = row(analysis="paired", ldn_mean=-1.1, comparator_mean=-1.1, p_value=0.78, n_ldn=23, n_comparator=23)
    assert sy.study_effect(r) is None


def test_paired_mean_difference_with_p_value():
    # Cree 2010 SF-36 MCS: 3.3 points better on LDN, P = 0.04, 60 completers. d_z = t(0.98, 59 df) / sqrt(60)
    # = 2.1002 / 7.7460 = 0.2711; at correlation 0.5 the SMD equals d_z (and SE = sqrt(1/60 + 0.2711²/120) = sqrt(0.017279) = 0.1315).
    r = row(analysis="paired", lower_is_better="no", effect=3.3, p_value=0.04, n_ldn=60, n_comparator=60,
            effect_type="mean_difference")
    e = sy.study_effect(r, 0.5)
    assert e.estimate == pytest.approx(-0.2711, abs=0.0005)
    assert e.se == pytest.approx(0.1315, abs=0.0005)
    assert e.participants == 60


def test_log_risk_ratio_by_hand_and_against_statsmodels():
    # Bruun 2024 withdrawals for side effects, 4 of 49 on LDN and 3 of 50 on placebo, worked by hand:
    # RR = (4/49) / (3/50) = 1.3605, ln RR = 0.3079; SE = sqrt(1/4 - 1/49 + 1/3 - 1/50) = sqrt(0.542925) = 0.7368;
    # 95% CI exp(0.3079 -/+ 1.96 x 0.7368) = 0.32 to 5.77.
    lrr, se = sy.log_risk_ratio(4, 49, 3, 50)
    assert math.exp(lrr) == pytest.approx(1.3605, abs=1e-4)
    assert se == pytest.approx(0.7368, abs=1e-4)
    from statsmodels.stats.meta_analysis import effectsize_2proportions

    sm_lrr, sm_var = effectsize_2proportions(4, 49, 3, 50, statistic="risk-ratio")
    assert (lrr, se**2) == pytest.approx((float(sm_lrr), float(sm_var)))
    res = sy.pool([sy.StudyEffect("B", "B-x", lrr, se, 49, 50, "parallel", "t", measure="RR", events=(4, 3))])
    assert (res.shown(res.ci_low), res.shown(res.ci_high)) == pytest.approx((0.32, 5.77), abs=0.01)
    assert res.comparator_risk == pytest.approx(0.06)


def test_zero_cell_gets_a_continuity_correction():
    lrr, se = sy.log_risk_ratio(0, 20, 1, 20)
    # 0.5 added to each cell: (0.5/21) / (1.5/21) = 1/3
    assert math.exp(lrr) == pytest.approx(1 / 3)


def test_measures_are_never_pooled_together():
    with pytest.raises(ValueError):
        sy.pool([effect("A", 0.1, 0.2), sy.StudyEffect("B", "B-x", 0.1, 0.2, 9, 9, "parallel", "t", measure="RR")])


def test_forest_plot_draws_ratios_on_a_log_axis_around_one():
    from ldnreview import forest

    lrr, se = sy.log_risk_ratio(4, 49, 3, 50)
    res = sy.pool([sy.StudyEffect("B", "B-x", lrr, se, 49, 50, "parallel", "t", measure="RR", events=(4, 3))])
    fig = forest.forest_plot(res, outcome="withdrawals", threshold=(0.75, 1.25))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert ax.get_xlabel().startswith("Risk ratio")
    assert any(abs(line.get_xdata()[0] - 1.0) < 1e-12 for line in ax.lines if len(set(line.get_xdata())) == 1)


def test_final_and_change_scores_are_flagged_and_split():
    outcomes = pd.DataFrame([
        dict(row(study_id="A2020", outcome_id="A2020-p", value_kind="final", ldn_mean=3.0, ldn_sd=1.0,
                 comparator_mean=4.0, comparator_sd=1.0, n_ldn=20, n_comparator=20)),
        dict(row(study_id="B2021", outcome_id="B2021-p", value_kind="change", ldn_mean=-2.0, ldn_sd=1.0,
                 comparator_mean=-1.5, comparator_sd=1.0, n_ldn=30, n_comparator=30)),
    ])
    outcomes["outcome_domain"] = "pain"
    studies = pd.DataFrame({"study_id": ["A2020", "B2021"], "condition": ["x", "x"], "design": ["rct", "rct"],
                            "secondary_to": [None, None]})
    result = sy.synthesise(outcomes, studies, "x", "pain")
    assert "standardised by different SDs" in result.note
    assert {"change scores only", "final scores only"} <= set(result.sensitivity)
