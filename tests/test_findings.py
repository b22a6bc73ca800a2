"""Findings on synthetic records: each finding driven to each of its verdicts, and the ways a run can contradict
the lecture (a capped SVM still rising, a pinned floor, a settled small-m ranking, an init that explains a ratio)."""

import dataclasses
import math

import factories
import pytest

from reportgen.findings import (
    CLEAR_MARGIN,
    ONE_SEED,
    PROJECT_FACTOR,
    Verdict,
    _bounds,
    _fold,
    data_needed,
    decide,
    findings,
    noise,
    speedup,
    stable_from,
    trends,
)
from reportgen.fmt import pct, points
from reportgen.timing import Timing

S, C, I = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE
DENSE = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def verdicts(results):
    return {f.key: f.verdict for f in findings(results)}


def by_key(results):
    return {f.key: f for f in findings(results)}


def data(*args, **kwargs):
    return by_key(factories.results(data=factories.data_scale(*args, **kwargs)))


def acts(**kwargs):
    return by_key(factories.results(acts=factories.activations(**kwargs)))


def comp(**kwargs):
    return by_key(factories.results(comp=factories.compute(**kwargs)))


def _set(r, learner, m, seed, accuracy):
    """r with one (learner, m, seed) accuracy replaced."""
    fits = [dataclasses.replace(f, test_accuracy=accuracy) if (f.learner, f.m, f.seed) == (learner, m, seed) else f
            for f in r.fits]
    return dataclasses.replace(r, fits=fits)


def test_decide_needs_two_seeds_and_one_test_holding():
    assert decide(True, False) is S and decide(False, True) is C and decide(False, False) is I
    assert decide(True, True) is I
    assert decide(True, False, seeds=1) is I and decide(False, True, seeds=1) is I


def test_the_story_told_by_the_data():
    v = verdicts(factories.results())
    assert v["large_net_rising"] is S and v["nets_win_at_scale"] is S
    assert v["sigmoid_vanishing"] is S and v["relu_keeps_gradients"] is S and v["activation_not_init"] is S
    assert v["relu_faster"] is S and v["relu_vs_tanh"] is S
    assert v["threads_speedup"] is S and v["iteration_loop"] is I  # CPU only: the loop repeats the thread pair
    assert v["gpu_speedup"] is I


# --- one seed settles nothing ----------------------------------------------------------------------------------

def test_a_single_seed_never_supports_or_contradicts():
    one = factories.results(data=factories.data_scale(seeds=(0,)), acts=factories.activations(seeds=(0,)))
    for f in findings(one):
        if f.section in ("data", "algorithms"):
            assert f.verdict is I, f.key
            assert ONE_SEED in f.detail or "too few points" in f.summary, f.key
    # ... but it still states the direction it measured
    f = by_key(one)["large_net_rising"]
    assert "gain of 16.0 points (one seed)" in f.summary


# --- traditional learners plateau -------------------------------------------------------------------------------

FLAT_SVM = {**factories.STORY, "svm_rbf": [0.36, 0.45, 0.55, 0.555, None]}


def test_every_traditional_learner_flat_supports_the_plateau():
    assert data(FLAT_SVM)["traditional_plateau"].verdict is S


def test_a_capped_svm_still_rising_contradicts_the_plateau_and_says_it_was_capped():
    f = data()["traditional_plateau"]  # STORY: the SVM gains 5 points from 1,000 to 3,000, its cap
    assert f.verdict is C
    assert "SVM (RBF kernel) gained 5.0 points" in f.summary
    assert "where the SVM (RBF kernel) stopped (its cap; the grid goes on to 10,000)" in f.summary
    assert "SVM (RBF kernel) gained at least 2.0 points in every seed" in f.detail
    assert "logistic_late_gain" in f.numbers and "svm_rbf_late_gain" in f.numbers


def test_seeds_on_both_sides_of_the_plateau_threshold_are_inconclusive():
    r = factories.data_scale(FLAT_SVM)
    r = _set(r, "logistic", 10000, 2, r.accuracy("logistic", 10000).high + 0.03)  # one seed still rising
    f = by_key(factories.results(data=r))["traditional_plateau"]
    assert f.verdict is I and "do not all fall on one side" in f.detail


# --- the largest net keeps rising ------------------------------------------------------------------------------

def test_rising_net_supported_flat_net_contradicted_and_mixed_seeds_inconclusive():
    assert data()["large_net_rising"].verdict is S
    flat = {**factories.STORY, "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.645]}
    assert data(flat)["large_net_rising"].verdict is C
    r = _set(factories.data_scale(flat), "mlp_large", 10000, 1, 0.70)
    assert by_key(factories.results(data=r))["large_net_rising"].verdict is I


def test_a_rise_must_pass_the_test_sets_noise_as_well_as_the_plateau_threshold():
    """A gain of 3 points is a rise on 4,000 test examples, but within the noise (5.7 points) on 300: neither a
    rise nor a plateau there. The traditional learners' rise is judged the same way."""
    rising = {**factories.STORY, "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.67],
              "logistic": [0.25, 0.30, 0.32, 0.325, 0.355]}
    big = factories.data_scale(rising)
    assert by_key(factories.results(data=big))["large_net_rising"].verdict is S
    assert by_key(factories.results(data=big))["traditional_plateau"].verdict is C
    small = by_key(factories.results(data=dataclasses.replace(big, test_size=300)))
    assert small["large_net_rising"].verdict is I
    assert "at least 5.7 points" in small["large_net_rising"].detail
    assert "on 300 test examples the 95% half-width of one accuracy, 5.7 points" in small["large_net_rising"].detail
    assert small["traditional_plateau"].verdict is I


def test_summaries_quote_the_measured_numbers():
    f = data()["large_net_rising"]
    assert f"{pct(0.802)} at m = 10,000" in f.summary
    assert "gain of 16.0 points (in each of 3 seeds)" in f.summary


# --- the large net beats traditional learners, like with like ---------------------------------------------------

def test_the_net_is_compared_with_a_capped_svm_where_the_svm_stopped():
    f = data()["nets_win_at_scale"]
    assert f.verdict is S
    assert "at m = 3,000, where the SVM (RBF kernel) stopped" in f.summary
    assert f"scored {pct(0.642)} against {pct(0.602)} for SVM (RBF kernel): a lead of 4.0 points" in f.summary
    assert f.numbers["lead_over_svm_rbf"] == pytest.approx(0.04)


def test_a_traditional_learner_ahead_in_every_seed_contradicts_and_a_tie_is_inconclusive():
    svm_ahead = {**factories.STORY, "svm_rbf": [0.36, 0.45, 0.55, 0.70, None]}
    f = data(svm_ahead)["nets_win_at_scale"]
    assert f.verdict is C and "behind by 6.0 points" in f.summary
    tie = {"logistic": [0.3, 0.4, 0.5, 0.6, 0.70], "mlp_large": [0.2, 0.3, 0.5, 0.6, 0.71]}
    assert data(tie)["nets_win_at_scale"].verdict is I


# --- with little data the ranking is not settled -----------------------------------------------------------------

def test_one_learner_ahead_in_every_seed_settles_the_small_m_ranking():
    f = data()["small_m_ranking"]  # the SVM leads by 11 points at m = 100 in every seed
    assert f.verdict is C
    assert "led in 3 of 3 seed(s)" in f.summary and "11.0 points" in f.summary
    assert "the ranking is settled" in f.detail


def test_a_verdict_counts_the_seeds_actually_paired_not_the_seeds_run():
    """Two of three seeds' large nets failed at the largest m: what is left is one seed, which settles nothing."""
    r = factories.data_scale()
    r = dataclasses.replace(r, fits=[f for f in r.fits if not (f.learner == "mlp_large" and f.m == 10000
                                                               and f.seed in (1, 2))])
    found = by_key(factories.results(data=r))
    for key in ("large_net_rising", "nets_win_at_scale"):
        assert found[key].verdict is I and "(one seed)" in found[key].summary, key


def test_seeds_that_disagree_leave_it_unsettled_and_a_small_steady_lead_decides_nothing():
    close = {**factories.STORY, "svm_rbf": [0.26, 0.45, 0.55, 0.60, None]}  # 1 point over logistic, every seed
    f = data(close)["small_m_ranking"]
    assert f.verdict is I and "led in every seed, but not by more than 2.0 points" in f.detail
    r = factories.data_scale({**factories.STORY, "svm_rbf": [0.28, 0.45, 0.55, 0.60, None]})
    r = _set(r, "logistic", 100, 1, 0.30)  # seed 1: logistic regression leads
    f = by_key(factories.results(data=r))["small_m_ranking"]
    assert f.verdict is S and "seeds disagree on the leader" in f.detail


def test_a_lead_clear_on_average_but_not_in_every_seed_is_inconclusive():
    r = factories.data_scale({**factories.STORY, "svm_rbf": [0.29, 0.45, 0.55, 0.60, None]})
    r = _set(r, "svm_rbf", 100, 2, 0.262)  # still the leader, by under 2 points, in seed 2
    assert by_key(factories.results(data=r))["small_m_ranking"].verdict is I


def test_ranking_stability_across_seeds():
    r = factories.data_scale(seeds=(0, 1), jitter=0.001)
    assert stable_from(r) == 3000  # the SVM leads up to 1000 in STORY, then the large net takes over


def test_no_ranking_finding_with_a_single_learner():
    assert "small_m_ranking" not in data({"logistic": [0.25, 0.30, 0.32, 0.325, 0.326]})


# --- the power law, fitted past the small-data region and checked on a held-out point ---------------------------

def _law(**kwargs):
    """A net on err = 3·m^-0.3 + 0.05 (unless told otherwise): it gains 3.1 points from 16,000 to 32,000, more than
    the noise, so a curve that stopped rising at 16,000 misses the held-out point."""
    return {"logistic": [0.3, 0.31, 0.315, 0.316, 0.316, 0.316, 0.316, 0.316, 0.316],
            "mlp_large": factories.power_law_curve(DENSE, **{"a": 3.0, "b": -0.3, **kwargs})}


def test_a_curve_that_follows_the_law_predicts_its_held_out_point():
    f = data(_law(), m=DENSE)["power_law"]
    assert f.verdict is S
    assert "Fitted on m = 1,000 to 32,000" in f.summary  # the lowest third of the log-m range left out
    assert "Fitted without m = 32,000" in f.summary and "a miss of 0.0 points" in f.summary
    assert "over resamples of the seeds" in f.summary
    # The seeds score 0, 0.2 and 0.4 points above the curve: the level, with its spread over resamples of them.
    assert "levelling off at 95.2% (95.0% to 95.4% over resamples of the seeds)" in f.summary


def test_a_held_out_point_off_the_curve_contradicts_the_law():
    f = data(_law(bend_at=32000, bend=0.06), m=DENSE)["power_law"]
    assert f.verdict is C
    assert "a miss of 6.0 points, against a noise of 2.0 points" in f.summary
    assert "does not follow one power law" in f.detail


def test_a_pinned_floor_is_reported_as_no_level_found_not_as_no_level():
    f = data(_law(c=0.0), m=DENSE)["power_law"]
    assert "floor sits at the bound 0" in f.summary and "levelling off" not in f.summary
    assert "the same curve as the power law without a floor" in f.summary


def _seed_curve(r, learner, seed, curve):
    """r with one seed's accuracies of `learner` replaced by `curve` (over DENSE)."""
    for m, accuracy in zip(DENSE, curve):
        r = _set(r, learner, m, seed, accuracy)
    return r


def test_a_floor_that_some_resample_of_the_seeds_puts_at_0_is_pinned():
    # Two seeds level off at 96%, one follows a law without a floor through about the same points at m = 1,000 and
    # 32,000: their mean fit finds a floor of 2.6 points, but the resample of that seed alone finds none.
    r = dataclasses.replace(_seed_curve(factories.data_scale(_law(c=0.04), m=DENSE), "mlp_large", 0,
                                        factories.power_law_curve(DENSE, a=2.4, b=-0.25, c=0.0)), target_accuracy=0.85)
    f = by_key(factories.results(data=r))["power_law"]
    assert "levelling off" not in f.summary
    assert "its floor sits at the bound 0 in some resamples of the seeds (levels of 96." in f.summary
    assert "% to 100.0%), so the fit finds no level" in f.summary
    p = data_needed(r, trends(r))
    assert not p.made and "floor sits at its bound 0 in some resamples of the seeds" in p.withheld


def test_the_law_must_beat_a_curve_that_stopped_rising():
    f = data(_law(), m=DENSE)["power_law"]
    assert ("No gain after m = 16,000 (its 78.8% carried forward) misses the held-out point by 3.1 points, more than "
            "the noise.") in f.summary
    assert f.numbers["no_gain_miss"] == pytest.approx(0.031, abs=5e-4)


def test_a_curve_that_stopped_rising_within_the_noise_leaves_the_law_untested():
    # 1.5 points gained over the last doubling: the law predicts the held-out point, and so does carrying the last
    # fitted point forward (the mean of the fitted points, 70.8%, would not have).
    stopped = [0.24, 0.30, 0.39, 0.52, 0.64, 0.72, 0.80, 0.86, 0.875]
    f = data({**_law(), "mlp_large": stopped}, m=DENSE)["power_law"]
    assert f.verdict is I
    assert ("No gain after m = 16,000 (its 86.2% carried forward) misses the held-out point by 1.5 points, within "
            "the noise as the law's 1.3 points is: this check cannot tell a power law from a curve that stopped "
            "rising.") in f.summary
    assert "gains too little after its last fitted point" in f.detail
    r = dataclasses.replace(factories.data_scale({**_law(), "mlp_large": stopped}, m=DENSE), target_accuracy=0.9)
    p = data_needed(r, trends(r))
    assert not p.made and "gains too little after m = 16,000" in p.withheld


def test_noisier_seeds_at_the_held_out_m_do_not_make_the_law_easier_to_support():
    # The same curve with one seed at 80% and one at 90% at m = 32,000: a noise of 10 points takes in the law's
    # miss, and the curve that stopped rising at 16,000 as well.
    r = factories.data_scale(_law(), m=DENSE)
    for seed, accuracy in ((0, 0.80), (2, 0.90)):
        r = _set(r, "mlp_large", 32000, seed, accuracy)
    f = by_key(factories.results(data=r))["power_law"]
    assert f.verdict is I and "against a noise of 10.0 points" in f.summary
    assert "cannot tell a power law from a curve that stopped rising" in f.summary


def test_a_flat_curve_cannot_support_the_law():
    # The error falls 1.2 points over m = 1,000 to 32,000 (b = -1.2 with a small a): a law that predicts no fall.
    f = data(_law(c=0.04, a=50.0, b=-1.2), m=DENSE)["power_law"]
    assert f.verdict is I
    assert "falls by only 1.2 points from m = 1,000 to 32,000, within the noise" in f.summary
    assert "cannot tell a power law from a curve that stopped rising" in f.summary and "moves too little" in f.detail
    still = data({**_law(), "mlp_large": [0.9] * len(DENSE)}, m=DENSE)["power_law"]  # a = 0: nothing to fit
    assert still.verdict is I and "predicts no fall" in still.summary


def test_a_flat_curve_off_its_held_out_point_still_contradicts():
    f = data(_law(c=0.04, a=50.0, b=-1.2, bend_at=32000, bend=-0.06), m=DENSE)["power_law"]
    assert f.verdict is C


def test_the_noise_margin_grows_as_the_test_set_shrinks():
    assert noise(factories.data_scale()) == CLEAR_MARGIN  # 4,000 examples: 1.55 points, under the 2-point floor
    small = dataclasses.replace(factories.data_scale(), test_size=300)
    assert noise(small) == pytest.approx(1.96 * math.sqrt(0.25 / 300)) and points(noise(small)) == "5.7 points"
    # A 4-point miss contradicts the law on 4,000 test examples and is within the noise on 300.
    bent = factories.data_scale(_law(bend_at=32000, bend=0.04), m=DENSE)
    assert by_key(factories.results(data=bent))["power_law"].verdict is C
    f = by_key(factories.results(data=dataclasses.replace(bent, test_size=300)))["power_law"]
    assert f.verdict is S and "against a noise of 5.7 points" in f.summary and "300 test examples" in f.detail


def test_leads_are_judged_against_the_test_sets_noise():
    close = {**factories.STORY, "svm_rbf": [0.29, 0.45, 0.55, 0.60, None], "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.35]}
    r = factories.data_scale(close)  # the SVM leads by 4 points at m = 100; the net by 2.4 over logistic at 10,000
    found = by_key(factories.results(data=r))
    assert found["small_m_ranking"].verdict is C and found["nets_win_at_scale"].verdict is S
    small = by_key(factories.results(data=dataclasses.replace(r, test_size=300)))
    assert small["small_m_ranking"].verdict is I and "not by more than 5.7 points" in small["small_m_ranking"].detail
    assert small["nets_win_at_scale"].verdict is I and "more than 5.7 points" in small["nets_win_at_scale"].detail
    assert "the 95% half-width of one accuracy on the 300 test examples" in small["nets_win_at_scale"].detail


def test_ranges_over_resamples_are_never_called_confidence_intervals():
    f = data(_law(), m=DENSE)["power_law"]
    assert "10 distinct resamples of the 3 seeds" in f.detail and "not a confidence interval" in f.detail
    for g in findings(factories.results(data=factories.data_scale(_law(), m=DENSE))):
        assert "confidence interval" not in (g.summary + g.detail).replace("not a confidence interval", ""), g.key


def test_too_few_points_past_the_small_data_region_are_inconclusive():
    f = data()["power_law"]  # five grid points: three past the small-data region
    assert f.verdict is I and "too few points" in f.summary


def _projection(curves, steps=None, budget=None, **changes):
    r = factories.data_scale(curves, m=DENSE, seeds=changes.pop("seeds", (0, 1, 2)), steps=steps)
    r = dataclasses.replace(r, **changes)
    return data_needed(r, trends(r), budget)


def test_a_projection_states_its_spread_and_stays_near_the_grid():
    p = _projection(_law(), target_accuracy=0.85)  # 8.4e4 examples: within 4 times 32,000
    assert p.made and p.learner == "mlp_large" and 32000 < p.m <= PROJECT_FACTOR * 32000 and p.reach is None
    assert p.interval and p.interval[0] <= p.m <= p.interval[1]
    # 3.4e5 examples for 90%, 4 times past the largest m, and never for 97%, above the level of 95.2%: both are said
    # as the accuracy the fit reaches at 4 times the largest m, never as what unlimited data would do.
    for target in (0.90, 0.97):
        p = _projection(_law(), target_accuracy=target)
        assert p.made and p.m is None and p.interval is None
        at, low, high = p.reach
        assert low <= at <= high and pct(at) == "86.4%"  # 1 - (3 · 128,000^-0.3 + 0.05), seeds 0.2 points above


def test_a_projection_says_where_the_nets_ran_out_their_step_budget():
    p = _projection(_law(), steps=2000, budget=2000, target_accuracy=0.97)
    assert p.ran_out is not None and pct(p.ran_out.high) == "81.6%"  # the curve's training accuracy at 32,000
    assert _projection(_law(), steps=2000, target_accuracy=0.97).ran_out is None  # no budget recorded
    assert _projection(_law(), steps=1650, budget=2000, target_accuracy=0.97).ran_out is None  # stopped early
    r = factories.data_scale(_law(), m=DENSE, steps=2000)
    fitted = [dataclasses.replace(f, train_accuracy=1.0) if f.learner == "mlp_large" and f.m == 32000 else f
              for f in r.fits]  # every seed fitted its training set: the data, not the budget, sets the top
    r = dataclasses.replace(r, fits=fitted, target_accuracy=0.97)
    assert data_needed(r, trends(r), 2000).ran_out is None


def test_no_projection_without_a_law_that_passed_every_check():
    p = _projection(_law(c=0.04, a=50.0, b=-1.2))
    assert not p.made and "has levelled" in p.withheld
    p = _projection(_law(bend_at=32000, bend=0.06))
    assert not p.made and "missed its held-out point" in p.withheld
    p = _projection(_law(c=0.0), target_accuracy=0.97)
    assert not p.made and "floor sits at its bound 0" in p.withheld
    p = _projection(_law(), target_accuracy=0.85, seeds=(0,))
    assert not p.made and "one seed" in p.withheld
    # The best learner's own law holds, but the largest net's does not: the power-law finding is not supported.
    cnn = factories.power_law_curve(DENSE, a=3.0, b=-0.3, c=0.02)
    best_ok = {**_law(bend_at=32000, bend=-0.06), "cnn": cnn}
    p = _projection(best_ok, target_accuracy=0.88)
    assert p.learner == "cnn" and not p.made and "power-law finding is not supported" in p.withheld
    p = _projection({**_law(), "cnn": cnn}, target_accuracy=0.88)
    assert p.learner == "cnn" and p.made and p.m is not None


# --- the SVM's cost -----------------------------------------------------------------------------------------------

def test_svm_cost_each_verdict_and_a_faster_growing_rival_is_named():
    f = data()["svm_cost"]
    assert f.verdict is S and "m^1.5" in f.summary
    assert data(svm_power=0.8)["svm_cost"].verdict is C
    f = data(svm_power=1.1)["svm_cost"]
    assert f.verdict is I and "Logistic regression" in f.summary
    assert "grew faster than the SVM" not in f.summary  # logistic regression grows like m^1.0 < 1.1
    assert "Logistic regression grew faster than the SVM here." in data(svm_power=0.8)["svm_cost"].summary


def test_svm_cost_sets_only_traditional_learners_beside_the_svm():
    # The nets' fit times grow like m here too, but a net's cost is set by its steps: they are named apart.
    f = by_key(factories.results(data=factories.data_scale(svm_power=0.8, steps=400)))["svm_cost"]
    assert "(others: Logistic regression m^1.0)" in f.summary
    assert "Small MLP (32) m^" not in f.summary and "Small MLP (32) and Large MLP (512x3) grew" not in f.summary
    assert ("The Small MLP (32) and Large MLP (512x3) are not listed: a net trains for a budget of steps whatever m "
            "is, so its cost is set by its steps, not by m (from m = 3,000 to 10,000 every net's fit took 400 Adam "
            "steps).") in f.summary
    alone = data({k: v for k, v in factories.STORY.items() if k in ("logistic", "svm_rbf")})["svm_cost"]
    assert "not listed" not in alone.summary


# --- gradients, and the initialisation as a control -------------------------------------------------------------

def test_gradient_findings_each_verdict():
    f = acts()
    assert f["sigmoid_vanishing"].verdict is S and "this run agrees" in f["sigmoid_vanishing"].detail
    low = acts(ratios={"sigmoid": {2: 2.0, 5: 5.0}, "relu": {2: 3.0, 5: 150.0}},
               own_ratios={"sigmoid": {2: 2.0, 5: 4.0}, "relu": {2: 3.0, 5: 60.0}})
    assert low["sigmoid_vanishing"].verdict is C and "does not reproduce" in low["sigmoid_vanishing"].detail
    assert low["relu_keeps_gradients"].verdict is C
    middling = acts(ratios={"sigmoid": {2: 2.0, 5: 40.0}, "relu": {2: 3.0, 5: 15.0}},
                    own_ratios={"sigmoid": {2: 2.0, 5: 40.0}, "relu": {2: 3.0, 5: 15.0}})
    assert middling["sigmoid_vanishing"].verdict is I and middling["relu_keeps_gradients"].verdict is I


def test_a_relu_ratio_under_ten_that_grows_with_depth_is_not_kept_across_depth():
    growing = acts(own_ratios={"sigmoid": {2: 20.0, 5: 900.0}, "tanh": {2: 1.5, 5: 1.6}, "relu": {2: 1.05, 5: 9.0}})
    f = growing["relu_keeps_gradients"]
    assert f.verdict is I
    assert "From 2 to 5 hidden layers the ratio changed by 8.6×" in f.summary
    assert "under 10× at 5 hidden layers but grew with depth by 2× or more in the median pair" in f.detail
    assert acts()["relu_keeps_gradients"].verdict is S  # 2.0x to 3.0x under He: 1.5x with depth


def test_the_init_explains_the_relu_ratio():
    f = acts(ratios={"sigmoid": {2: 80.0, 5: 4.1e4}, "relu": {2: 10.0, 5: 150.0}})
    relu = f["relu_keeps_gradients"]
    assert relu.verdict is S  # under He, 3.0x: the default init's 150x was the weights' scale
    assert "Under He initialisation" in relu.summary and "Under PyTorch's default initialisation: 150×" in relu.summary
    assert "He's initialisation lowered ReLU's ratio 50.0×, from 150× under PyTorch's default to 3.0× under He" \
        in relu.detail and "came from the weights' scale (a sixth of He's variance per layer), not from ReLU" in relu.detail
    assert "not from ReLU" not in acts()["relu_keeps_gradients"].detail  # default 8.9x: nothing to explain
    split = f["activation_not_init"]
    assert split.verdict is S and split.numbers["relu_init_effect"] == pytest.approx(50.0)
    assert "the standard one (gain 1)" in split.detail and "was not tried" in split.detail
    assert "ratio was 273 times ReLU's under PyTorch's default initialisation, and 300 times ReLU's" in split.summary
    assert _fold(1.2e5) == "1.2×10⁵ times" and _fold(30) == "30.0 times"  # a multiple in words, never "1.2×10⁵ ReLU's"
    assert "moved the ratio from 4.1×10⁴ to 900× for sigmoid and from 150× to 3.0× for ReLU." in split.summary


def test_the_init_effect_is_told_by_its_measured_size():
    lowered = acts()["relu_keeps_gradients"].detail  # 8.9x under the default, 3.0x under He: no overlap
    assert "lowered ReLU's ratio 3.0×, from 8.9× under PyTorch's default to 3.0× under He." in lowered
    same = acts(ratios={"sigmoid": {2: 80.0, 5: 4.1e4}, "relu": {2: 2.0, 5: 3.1}})["relu_keeps_gradients"].detail
    assert "made no clear difference to ReLU's ratio" in same and "lowered" not in same
    raised = acts(ratios={"sigmoid": {2: 80.0, 5: 4.1e4}, "relu": {2: 1.0, 5: 1.5}})["relu_keeps_gradients"].detail
    assert "He's initialisation raised ReLU's ratio 2.0×" in raised and "did not help" in raised


def test_an_init_that_cures_sigmoid_contradicts_the_activation_story():
    f = acts(own_ratios={"sigmoid": {2: 2.0, 5: 4.0}, "tanh": {2: 1.5, 5: 1.6}, "relu": {2: 2.0, 5: 3.0}})
    assert f["activation_not_init"].verdict is C
    assert "the initialisation, not the activation, decided it" in f["activation_not_init"].detail
    middling = acts(own_ratios={"sigmoid": {2: 2.0, 5: 40.0}, "tanh": {2: 1.5, 5: 1.6}, "relu": {2: 2.0, 5: 3.0}})
    assert middling["activation_not_init"].verdict is I


def test_older_files_without_designed_inits_still_give_findings():
    f = acts(designed=False)
    assert "activation_not_init" not in f
    assert "no He-initialised nets" in f["relu_keeps_gradients"].detail
    assert f["relu_faster"].verdict is S


def _with_samples(r, activation, depth, samples):
    """r with the default-init gradient profile at `depth` given these (seed, batch) sample ratios."""
    gradients = [dataclasses.replace(g, ratios=samples) if (g.activation, g.depth, g.stage, g.init) == (
        activation, depth, "init", "default") else g for g in r.gradients]
    return dataclasses.replace(r, gradients=gradients)


def test_vanishing_must_grow_with_depth():
    f = acts()["sigmoid_vanishing"]
    assert f.verdict is S and "From 2 to 5 hidden layers it grew from 80.0× to 4.1×10⁴, by 512× to 513× sample by " \
        "sample (median 512×)." in f.summary and "at least 2 times what it is at 2 in the median pair" in f.detail
    already = acts(ratios={"sigmoid": {2: 5e4, 5: 4.1e4}, "relu": {2: 3.8, 5: 8.9}})["sigmoid_vanishing"]
    assert already.verdict is C and "it fell from 5.0×10⁴ to 4.1×10⁴" in already.summary
    little = acts(ratios={"sigmoid": {2: 3e4, 5: 4.1e4}, "relu": {2: 3.8, 5: 8.9}})["sigmoid_vanishing"]
    assert little.verdict is I  # 1.4x in every sample: growing, but by under DEPTH_GROWTH
    one_depth = acts(ratios={"sigmoid": {5: 4.1e4}, "relu": {5: 8.9}}, own_ratios={"sigmoid": {5: 900.0},
                                                                                   "relu": {5: 3.0}})
    assert one_depth["sigmoid_vanishing"].verdict is I
    assert "growth with depth is not measured" in one_depth["sigmoid_vanishing"].detail


def test_growth_is_paired_sample_by_sample():
    r = factories.activations()
    one = _with_samples(r, "sigmoid", 2, [80.0, 80.0, 80.0, 80.0, 80.0, 5e4])  # one pair does not grow: a noisy pair
    assert by_key(factories.results(acts=one))["sigmoid_vanishing"].verdict is S
    mixed = _with_samples(r, "sigmoid", 2, [80.0, 80.0, 5e4, 5e4, 5e4, 5e4])  # most pairs do not grow
    f = by_key(factories.results(acts=mixed))["sigmoid_vanishing"]
    assert f.verdict is C and "by 0.8× to 484× sample by sample (median 0.9×)" in f.summary
    none = _with_samples(r, "sigmoid", 2, [5e4] * 6)  # shallowest above the deepest in every pair
    assert by_key(factories.results(acts=none))["sigmoid_vanishing"].verdict is C


def test_gradient_ratios_carry_their_spread_over_samples():
    assert "over 6 seed and batch samples" in acts()["sigmoid_vanishing"].summary


# --- time to target: ReLU against sigmoid and tanh --------------------------------------------------------------

def test_relu_against_sigmoid_each_verdict():
    assert acts()["relu_faster"].verdict is S  # 600 against 150 steps under each one's own init
    both = lambda **steps: {"steps": steps, "own_steps": steps}  # the same race under both initialisations
    slower = acts(**both(sigmoid=100, relu=400))
    assert slower["relu_faster"].verdict is C and "0.3×" in slower["relu_faster"].summary
    assert acts(own_steps={"sigmoid": 110, "relu": 100})["relu_faster"].verdict is I
    assert acts(**both(sigmoid=300, relu=None))["relu_faster"].verdict is C
    assert acts(own_steps={"sigmoid": None, "relu": None})["relu_faster"].verdict is I


def test_a_one_sided_race_applies_its_threshold():
    # ReLU reached the target in 700 steps, sigmoid not within 800: at least 1.14x, short of the 1.2x needed.
    f = acts(own_steps={"sigmoid": None, "relu": 700}, seed_step=0)["relu_faster"]
    assert f.verdict is I and "more than 1.1×" in f.summary
    assert acts(own_steps={"sigmoid": None, "relu": 300})["relu_faster"].verdict is S


def _run(steps, checks):
    from reportgen.records.activations import ConvergenceRun, CurvePoint
    return ConvergenceRun(activation="x", learning_rate=0.1, seed=0, steps_to_target=steps, seconds_to_target=None,
                          curve=[CurvePoint(step=c, seconds=0.0, train_accuracy=0.0) for c in checks], diverged=False)


def test_steps_to_target_are_known_to_within_one_check():
    # ReLU reached it by its check at 50 (after 25), the other by 75 (after 50): between 1x and 3x.
    assert _bounds(_run(50, [0, 25, 50]), _run(75, [0, 25, 50, 75]), 800) == (1.0, 3.0)
    assert _bounds(_run(50, [0, 25, 50]), _run(None, [0, 800]), 800) == (16.0, math.inf)
    assert _bounds(_run(25, [0, 25]), _run(75, [0, 50, 75]), 800) == (2.0, math.inf)  # reached at the first check
    assert _bounds(_run(0, [0]), _run(0, [0]), 800) == (0.0, math.inf)  # both met it untrained: nothing to say
    assert _bounds(_run(0, [0]), _run(50, [0, 25, 50]), 800) == (math.inf, math.inf)


def test_a_ratio_is_a_gain_only_at_its_unfavourable_end():
    # 125 against 100 steps is 1.25x as counted, but the checks every 25 steps allow 100/100 = 1.0x.
    f = acts(own_steps={"tanh": 125, "relu": 100}, seed_step=0)["relu_vs_tanh"]
    assert f.verdict is I and "1.0× to 1.7×" in f.summary and "unfavourable end" in f.detail


def test_a_best_rate_at_the_grids_edge_is_flagged_and_can_hold_the_verdict():
    edge = acts(rates={"sigmoid": 0.3})["relu_faster"]  # the slower sigmoid might be faster at a higher rate
    assert edge.verdict is I
    assert "Sigmoid's best rate, 0.3, is the highest of the grid: a rate outside the grid might be faster." in edge.detail
    assert "That could make sigmoid the faster one" in edge.detail
    winner = acts(rates={"relu": 0.03})["relu_faster"]  # the faster ReLU at its edge: it could only gain
    assert winner.verdict is S and "ReLU's best rate, 0.03, is the lowest of the grid" in winner.detail
    race = {"sigmoid": 100, "relu": 400}
    slower = acts(steps=race, own_steps=race, rates={"relu": 0.3})["relu_faster"]
    assert slower.verdict is I and "That could make ReLU the faster one" in slower.detail
    assert acts(steps=race, own_steps=race, rates={"sigmoid": 0.3})["relu_faster"].verdict is C
    one_rate = dataclasses.replace(factories.activations(), learning_rates=[0.1])
    f = by_key(factories.results(acts=one_rate))["relu_faster"]
    assert f.verdict is I and "sigmoid was run at one rate only (0.1)" in f.detail


def test_relu_against_tanh_stands_beside_krizhevsky():
    f = acts()["relu_vs_tanh"]
    assert f.verdict is S and "Krizhevsky et al. (2012) published 6×" in f.detail
    assert "here, an MLP on MNIST-1D counted in steps, it was 1.3× to 1.7× under the same initialisation" in f.detail
    assert "6" not in f.claim  # the published size is set beside the measured one, not claimed
    assert "He for ReLU, Glorot for tanh" in f.summary and "Under PyTorch's default initialisation for both" in f.summary
    race = {"tanh": 100, "relu": 200}
    assert acts(steps=race, own_steps=race)["relu_vs_tanh"].verdict is C
    assert acts(own_steps={"tanh": 160, "relu": 150})["relu_vs_tanh"].verdict is I


def test_a_race_won_only_under_each_ones_own_initialisation_is_not_credited_to_relu():
    f = acts(steps={"tanh": 160, "relu": 150}, own_steps={"tanh": 240, "relu": 100})["relu_vs_tanh"]
    assert f.verdict is I
    assert ("ReLU was 1.2× faster in every seed each with its own initialisation (He for ReLU, Glorot for tanh) but "
            "not under PyTorch's default initialisation for both: the gain went with the initialisation") in f.detail
    older = factories.activations(steps={"tanh": 240, "relu": 100}, designed=False)
    assert by_key(factories.results(acts=older))["relu_vs_tanh"].verdict is S  # one race only: no He/Glorot runs


# --- paired timings ----------------------------------------------------------------------------------------------

def _timing(rounds_ms):
    return Timing(median_s=sorted(rounds_ms)[1] / 1e3, iqr_s=0.0, blocks=9, calls_per_block=1, warmup_calls=3,
                  total_s=1.0, round_medians_s=[ms / 1e3 for ms in rounds_ms])


def test_speedup_pairs_rounds_timed_side_by_side():
    gain, low, high = speedup(_timing([3.3, 3.9, 4.0]), _timing([2.6, 3.0, 3.6]))
    assert (gain, low, high) == (pytest.approx(3.3 / 2.6), pytest.approx(4.0 / 3.6), pytest.approx(3.9 / 3.0))
    old = dataclasses.replace(_timing([3.3, 3.9, 4.0]), round_medians_s=[])
    assert speedup(old, _timing([2.6, 3.0, 3.6])) == (pytest.approx(1.3),) * 3


def _with_rounds(c, model, threads, rounds_ms):
    steps = [dataclasses.replace(s, timing=_timing(rounds_ms)) if (s.model, s.threads) == (model, threads) else s
             for s in c.steps]
    return dataclasses.replace(c, steps=steps)


def test_thread_and_loop_verdicts_need_every_model_at_the_training_batch():
    assert comp()["threads_speedup"].verdict is S
    none = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2, ("mlp_large", 2): 4.0})
    assert none["threads_speedup"].verdict is C
    mixed = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.21,
                          ("mlp_large", 2): 2.6})
    f = mixed["threads_speedup"]
    assert f.verdict is I
    assert "the median pair is at least 1.2× for Large MLP (512x3); under 1.05× for Small MLP (32)." in f.detail
    between = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.18,
                            ("mlp_large", 2): 2.6})["threads_speedup"]  # the small MLP gains 1.11x
    assert between.verdict is I and "between the two for Small MLP (32)" in between.detail


def test_the_median_same_round_pair_decides():
    c = factories.compute()
    steady = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.8, 3.9, 4.0]), "mlp_large", 2, [2.95, 3.0, 3.05])
    f = by_key(factories.results(comp=steady))["threads_speedup"]
    assert f.verdict is S and "Large MLP (512x3) 1.3×" in f.summary
    moving = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.3, 3.9, 4.0]), "mlp_large", 2, [3.2, 3.0, 3.6])
    f = by_key(factories.results(comp=moving))["threads_speedup"]  # pairs 1.03, 1.30, 1.11
    assert f.verdict is I and "(1.03× to 1.30× across same-round pairs, median 1.11×)" in f.summary
    assert "a median same-round pair of at least 1.2× for all of them, or under 1.05× for all of them" in f.detail


def test_one_disturbed_round_does_not_decide_a_thread_gain():
    """As in a real run: round 3 of the 2-thread timings ran 36% slow, its pair 1.13x against 1.54x in the others."""
    f = comp(rounds={("mlp_large", 1): (1.0,) * 3, ("mlp_large", 2): (1.0, 1.0, 1.36)})["threads_speedup"]
    assert f.verdict is S and "Large MLP (512x3) 1.5× (1.13× to 1.54× across same-round pairs, median 1.54×)" in f.summary
    once_fast = comp(rounds={("mlp_large", 1): (1.0,) * 3, ("mlp_large", 2): (1.36, 1.36, 1.0)})["threads_speedup"]  # one good pair, median 1.13x
    assert once_fast.verdict is I and "between the two for Large MLP (512x3)" in once_fast.detail
    flat = {("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2, ("mlp_large", 2): 4.0}
    spike = comp(step_ms=flat, rounds={("mlp_large", 2): (1.0, 1.0, 0.7)})["threads_speedup"]  # one 1.43x pair
    assert spike.verdict is C


def test_more_rounds_of_a_steady_gain_do_not_make_it_harder_to_show():
    wobble = (1.0, 1.1, 0.95, 1.05, 1.3, 0.9, 1.0, 1.1, 0.95, 1.0)  # ten rounds, one of them 30% slow
    f = comp(rounds={("mlp_large", 2): wobble, ("mlp_large", 1): (1.0,) * 10, ("mlp_small", 1): (1.0,) * 10,
                     ("mlp_small", 2): (1.0,) * 10})["threads_speedup"]
    assert f.verdict is S and "(1.18× to 1.71× across same-round pairs, median 1.54×)" in f.summary


def test_gains_are_written_with_the_digits_their_bars_need():
    from reportgen.findings import _gain_text

    bars = (1.2, 1.05)
    assert _gain_text(1.196, bars, 1) == "1.196×" and _gain_text(1.57, bars, 1) == "1.6×"
    assert _gain_text(1.16, bars, 2) == "1.16×" and _gain_text(1.0499, bars, 2) == "1.049×"
    assert _gain_text(1.2, bars, 1) == "1.2×" and _gain_text(250.0, bars, 1) == "250×"


def test_the_training_batch_decides_not_the_most_favourable_one():
    big = factories.compute()
    steps = big.steps + [dataclasses.replace(s, batch_size=1000, timing=factories._timing(
        s.timing.median_s * (5 if s.threads == 1 else 2.5))) for s in big.steps]
    slow_small = [dataclasses.replace(s, timing=factories._timing(0.2e-3)) if (s.model, s.batch_size) == (
        "mlp_small", 100) else s for s in steps]
    r = factories.results(comp=dataclasses.replace(big, steps=slow_small))
    r = dataclasses.replace(r, settings=dataclasses.replace(
        r.settings, profile_table={"name": "quick", "data_scale": {"batch_size": 100}}))
    f = by_key(r)["threads_speedup"]
    assert f.verdict is I  # batch 1,000 gains 2x for both, but at the training batch the small MLP gains nothing
    assert "the battery's training batch (100)" in f.detail and "at batch 1000" in f.summary


def _sweep(fits_steps=None, gpu_ms=None):
    """Results whose computation experiment timed the learning curve's own largest net at its own budget."""
    ds = factories.data_scale()
    if fits_steps is not None:
        ds = dataclasses.replace(ds, fits=[dataclasses.replace(f, steps=fits_steps(f)) for f in ds.fits])
    r = factories.results(data=ds, comp=factories.compute(gpu_ms=gpu_ms))
    table = {"name": "quick", "data_scale": {"steps": 2000, "batch_size": 100}}
    return by_key(dataclasses.replace(r, settings=dataclasses.replace(r.settings, profile_table=table)))


def test_the_loop_counts_the_learning_curves_fits_and_their_steps():
    f = _sweep()["iteration_loop"]  # 5 m values x 3 seeds of the large MLP, 2,000 steps each at 5.2 ms or 8 ms
    assert "The learning curve's 15 fits of this net (30,000 steps in all) take 2 min against 78 s." in f.summary
    early = _sweep(lambda fit: 1000 if fit.m >= 3000 else None)["iteration_loop"]  # the stop rule ended 6 at 1,000
    assert "15 fits of this net (24,000 steps in all, not 30,000: the stop rule ended some fits early)" in early.summary
    other = factories.results()  # no profile table: the computation experiment's budget is not the curve's
    assert "learning curve" not in by_key(other)["iteration_loop"].summary


def test_a_cpu_only_loop_is_not_counted_as_a_second_test_of_the_thread_pairs():
    cpu_only = _sweep()["iteration_loop"]
    assert cpu_only.verdict is I and not cpu_only.tested
    assert "the thread finding already judges" in cpu_only.detail
    with_gpu = _sweep(gpu_ms={"mlp_small": 0.15, "mlp_large": 0.26})["iteration_loop"]
    assert with_gpu.verdict is S and with_gpu.tested and "already judges" not in with_gpu.detail
    assert "the median pair is at least 1.2× for Small MLP (32) and Large MLP (512x3)" in with_gpu.detail
    slow_gpu = _sweep(gpu_ms={"mlp_small": 0.2, "mlp_large": 4.0})["iteration_loop"]  # CPU threads still the ends
    assert slow_gpu.verdict is I and not slow_gpu.tested and "already judges" in slow_gpu.detail


# --- GPU: much faster is a median same-round pair of at least GPU_GAIN ----------------------------------------------

def test_gpu_slower_than_cpu_is_contradicted_and_faster_is_supported():
    slow = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 5.0})
    f = by_key(factories.results(comp=slow))["gpu_speedup"]
    assert f.verdict is C
    assert "faster for none" in f.detail
    fast = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 0.26})
    f = by_key(factories.results(comp=fast))["gpu_speedup"]
    assert f.verdict is S
    assert "Large MLP (512x3): 10.0×" in f.summary
    assert "faster from the Large MLP (512x3) on" in f.detail


def test_a_slightly_faster_gpu_is_not_much_faster():
    f = comp(gpu_ms={"mlp_small": 0.5, "mlp_large": 2.0})["gpu_speedup"]  # 1.3x over 2.6 ms on the CPU
    assert f.verdict is C and "no pair reaching 2× as not much faster" in f.detail
    steady = comp(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.6 / 1.6})["gpu_speedup"]  # 1.6x in every round
    assert steady.verdict is C and "Large MLP (512x3): 1.6×." in steady.summary


def _gpu_rounds(pairs):
    """The large MLP's GPU rounds set so that its same-round pairs against 2.6 ms on the CPU are `pairs`."""
    mid = sorted(pairs)[1]
    return comp(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.6 / mid},
                rounds={("mlp_large", 2): (1.0,) * 3, ("mlp_large", None): tuple(mid / p for p in pairs)})


def test_the_median_gpu_pair_decides_much_faster():
    f = _gpu_rounds([1.8, 2.1, 2.2])["gpu_speedup"]
    assert f.verdict is S and "(1.80× to 2.20× across same-round pairs, median 2.10×)" in f.summary
    f = _gpu_rounds([1.5, 1.9, 2.3])["gpu_speedup"]  # one pair reaches 2x, the median does not
    assert f.verdict is I and "(1.50× to 2.30× across same-round pairs, median 1.90×)" in f.summary
    assert "the Large MLP (512x3)'s same-round pairs fall on both sides of 2×, their median under it" in f.detail
    f = _gpu_rounds([1.5, 1.9, 1.996])["gpu_speedup"]  # no pair reaches 2x, though one rounds to 2.00
    assert f.verdict is C and "(1.50× to 1.996× across same-round pairs, median 1.90×)" in f.summary


def test_gpu_batches_that_disagree_are_said_to():
    c = factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.0})  # 1.3x at batch 100
    big = [dataclasses.replace(s, batch_size=1000, timing=factories._timing(
        s.timing.median_s * (10 if s.device == "cpu" else 1))) for s in c.steps]  # 13x at batch 1,000
    f = by_key(factories.results(comp=dataclasses.replace(c, steps=c.steps + big)))["gpu_speedup"]
    assert f.verdict is I and "must be the same at both batches" in f.detail
    assert ("The batches disagree: contradicted at batch 100 (the training batch), supported at batch 1000 "
            "(the largest batch).") in f.detail


def test_every_finding_number_is_finite():
    for f in findings(factories.results(data=factories.data_scale(_law(), m=DENSE))):
        assert all(math.isfinite(v) for v in f.numbers.values()), f.key
