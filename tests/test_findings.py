"""Findings on synthetic records: each finding driven to each of its verdicts, and the ways a run can contradict
the lecture (a capped SVM still rising, a pinned floor, a settled small-m ranking, an init that explains a ratio)."""

import dataclasses
import math

import factories
import pytest

from reportgen.findings import (
    ONE_SEED,
    Verdict,
    data_needed,
    decide,
    findings,
    speedup,
    stable_from,
    trends,
)
from reportgen.fmt import pct
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
    assert v["threads_speedup"] is S and v["iteration_loop"] is S
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


def test_a_lead_within_the_noise_or_seeds_that_disagree_leave_it_unsettled():
    close = {**factories.STORY, "svm_rbf": [0.26, 0.45, 0.55, 0.60, None]}  # 1 point over logistic regression
    assert data(close)["small_m_ranking"].verdict is S
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
    return {"logistic": [0.3, 0.31, 0.315, 0.316, 0.316, 0.316, 0.316, 0.316, 0.316],
            "mlp_large": factories.power_law_curve(DENSE, **kwargs)}


def test_a_curve_that_follows_the_law_predicts_its_held_out_point():
    f = data(_law(), m=DENSE)["power_law"]
    assert f.verdict is S
    assert "Fitted on m = 1,000 to 32,000" in f.summary  # the lowest third of the log-m range left out
    assert "Fitted without m = 32,000" in f.summary and "a miss of 0.0 points" in f.summary
    assert "over resamples of the seeds" in f.summary
    assert "levelling off at 95.2%" in f.summary  # the seeds score 0, 0.2 and 0.4 points above the curve


def test_a_held_out_point_off_the_curve_contradicts_the_law():
    f = data(_law(bend_at=32000, bend=0.06), m=DENSE)["power_law"]
    assert f.verdict is C
    assert "a miss of 6.0 points, against a noise of 2.0 points" in f.summary
    assert "does not follow one power law" in f.detail


def test_a_pinned_floor_is_reported_as_no_level_found_not_as_no_level():
    f = data(_law(c=0.0), m=DENSE)["power_law"]
    assert "floor sits at the bound 0" in f.summary and "levelling off" not in f.summary
    assert "the same curve as the power law without a floor" in f.summary


def test_too_few_points_past_the_small_data_region_are_inconclusive():
    f = data()["power_law"]  # five grid points: three past the small-data region
    assert f.verdict is I and "too few points" in f.summary


def test_no_projection_past_a_levelled_curve_and_an_interval_otherwise():
    rising = dataclasses.replace(factories.data_scale(_law(), m=DENSE), target_accuracy=0.93)
    p = data_needed(rising, trends(rising))
    assert p.made and p.learner == "mlp_large" and p.m > 32000
    assert p.interval and p.interval[0] <= p.m <= p.interval[1]
    levelled = factories.data_scale(_law(c=0.04, a=50.0, b=-1.2), m=DENSE)
    p = data_needed(levelled, trends(levelled))
    assert not p.made and "has levelled" in p.withheld
    off = factories.data_scale(_law(bend_at=32000, bend=0.06), m=DENSE)
    p = data_needed(off, trends(off))
    assert not p.made and "missed its held-out point" in p.withheld


# --- the SVM's cost -----------------------------------------------------------------------------------------------

def test_svm_cost_each_verdict_and_a_faster_growing_rival_is_named():
    f = data()["svm_cost"]
    assert f.verdict is S and "m^1.5" in f.summary
    assert data(svm_power=0.8)["svm_cost"].verdict is C
    f = data(svm_power=1.1)["svm_cost"]
    assert f.verdict is I and "Logistic regression" in f.summary
    assert "grew faster than the SVM" not in f.summary  # logistic regression grows like m^1.0 < 1.1
    assert "grew faster than the SVM" in data(svm_power=0.8)["svm_cost"].summary


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


def test_the_init_explains_the_relu_ratio():
    f = acts(ratios={"sigmoid": {2: 80.0, 5: 4.1e4}, "relu": {2: 10.0, 5: 150.0}})
    relu = f["relu_keeps_gradients"]
    assert relu.verdict is S  # under He, 3.0x: the default init's 150x was the weights' scale
    assert "Under He initialisation" in relu.summary and "Under PyTorch's default initialisation: 150×" in relu.summary
    assert "changed ReLU's ratio 50.0×" in relu.detail and "came from the weights' scale, not from ReLU" in relu.detail
    assert "not from ReLU" not in acts()["relu_keeps_gradients"].detail  # default 8.9x: nothing to explain
    split = f["activation_not_init"]
    assert split.verdict is S and split.numbers["relu_init_effect"] == pytest.approx(50.0)


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


def test_gradient_ratios_carry_their_spread_over_samples():
    assert "over 6 seed and batch samples" in acts()["sigmoid_vanishing"].summary


# --- time to target: ReLU against sigmoid and tanh --------------------------------------------------------------

def test_relu_against_sigmoid_each_verdict():
    assert acts()["relu_faster"].verdict is S  # 600 against 150 steps under each one's own init
    slower = acts(own_steps={"sigmoid": 100, "relu": 400})
    assert slower["relu_faster"].verdict is C and "0.3×" in slower["relu_faster"].summary
    assert acts(own_steps={"sigmoid": 110, "relu": 100})["relu_faster"].verdict is I
    assert acts(own_steps={"sigmoid": 300, "relu": None})["relu_faster"].verdict is C
    assert acts(own_steps={"sigmoid": None, "relu": None})["relu_faster"].verdict is I


def test_a_one_sided_race_applies_its_threshold():
    # ReLU reached the target in 700 steps, sigmoid not within 800: at least 1.14x, short of the 1.2x needed.
    f = acts(own_steps={"sigmoid": None, "relu": 700}, seed_step=0)["relu_faster"]
    assert f.verdict is I and "more than 1.1×" in f.summary
    assert acts(own_steps={"sigmoid": None, "relu": 300})["relu_faster"].verdict is S


def test_relu_against_tanh_stands_beside_krizhevsky():
    f = acts()["relu_vs_tanh"]
    assert f.verdict is S and "Krizhevsky et al. (2012) published 6×" in f.detail
    assert "He for ReLU, Glorot for tanh" in f.summary and "Under PyTorch's default initialisation" in f.summary
    assert acts(own_steps={"tanh": 100, "relu": 200})["relu_vs_tanh"].verdict is C
    assert acts(own_steps={"tanh": 160, "relu": 150})["relu_vs_tanh"].verdict is I


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
    assert none["threads_speedup"].verdict is C and none["iteration_loop"].verdict is C
    mixed = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.21,
                          ("mlp_large", 2): 2.6})
    f = mixed["threads_speedup"]
    assert f.verdict is I
    assert "at least 1.2× in every round for Large MLP (512x3)" in f.detail
    assert "under 1.05× in every round for Small MLP (32)" in f.detail
    assert mixed["iteration_loop"].verdict is I


def test_a_gain_must_hold_in_every_same_round_pair():
    c = factories.compute()
    steady = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.8, 3.9, 4.0]), "mlp_large", 2, [2.95, 3.0, 3.05])
    f = by_key(factories.results(comp=steady))["threads_speedup"]
    assert f.verdict is S and "Large MLP (512x3) 1.3×" in f.summary
    moving = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.3, 3.9, 4.0]), "mlp_large", 2, [3.2, 3.0, 3.6])
    f = by_key(factories.results(comp=moving))["threads_speedup"]
    assert f.verdict is I and "(1.0× to 1.3× across same-round pairs)" in f.summary


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


# --- GPU (issue 14 owns its logic; kept here as it was) -----------------------------------------------------------

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
    c = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 2.0})  # 1.3x over 2.6 ms on the CPU
    assert by_key(factories.results(comp=c))["gpu_speedup"].verdict is I


def test_every_finding_number_is_finite():
    for f in findings(factories.results(data=factories.data_scale(_law(), m=DENSE))):
        assert all(math.isfinite(v) for v in f.numbers.values()), f.key
