"""Findings on synthetic records: the ones that tell the lecture's story, and the ones that contradict it."""

import dataclasses

import factories
import pytest

from reportgen.findings import Verdict, findings, stable_from
from reportgen.fmt import pct


def verdicts(results):
    return {f.key: f.verdict for f in findings(results)}


def by_key(results):
    return {f.key: f for f in findings(results)}


def test_the_story_is_supported_when_the_data_tells_it():
    v = verdicts(factories.results())
    assert v["traditional_plateau"] is Verdict.SUPPORTED
    assert v["large_net_rising"] is Verdict.SUPPORTED
    assert v["nets_win_at_scale"] is Verdict.SUPPORTED
    assert v["small_m_ranking"] is Verdict.SUPPORTED
    assert v["sigmoid_vanishing"] is Verdict.SUPPORTED
    assert v["relu_keeps_gradients"] is Verdict.SUPPORTED
    assert v["relu_faster"] is Verdict.SUPPORTED
    assert v["threads_speedup"] is Verdict.SUPPORTED
    assert v["gpu_speedup"] is Verdict.INCONCLUSIVE


def test_logistic_regression_ahead_everywhere_contradicts_the_story():
    curves = {"logistic": [0.50, 0.60, 0.70, 0.80, 0.90], "mlp_small": [0.2, 0.25, 0.3, 0.32, 0.33],
              "mlp_large": [0.3, 0.40, 0.45, 0.46, 0.46]}
    f = by_key(factories.results(data=factories.data_scale(curves)))
    assert f["traditional_plateau"].verdict is Verdict.CONTRADICTED
    assert f["large_net_rising"].verdict is Verdict.CONTRADICTED
    assert f["nets_win_at_scale"].verdict is Verdict.CONTRADICTED
    assert "behind by 44.0 points" in f["nets_win_at_scale"].summary
    assert f["small_m_ranking"].verdict is Verdict.CONTRADICTED


def test_a_tie_at_the_largest_m_is_inconclusive():
    curves = {"logistic": [0.3, 0.4, 0.5, 0.6, 0.70], "mlp_large": [0.2, 0.3, 0.5, 0.6, 0.71]}
    assert verdicts(factories.results(data=factories.data_scale(curves)))["nets_win_at_scale"] is Verdict.INCONCLUSIVE


def test_summaries_quote_the_measured_numbers():
    f = by_key(factories.results())
    assert f"{pct(0.80)} at m = 10,000" in f["large_net_rising"].summary
    assert "gain of 16.0 points" in f["large_net_rising"].summary


def test_ranking_stability_across_seeds():
    # jitter makes seed 1 a little better for every learner: winners agree across seeds from m=100 already.
    r = factories.data_scale(seeds=(0, 1), jitter=0.001)
    assert stable_from(r) == 3000  # the SVM leads up to 1000 in STORY, then the large net takes over
    curves = {"logistic": [0.3, 0.4, 0.5, 0.6, 0.62], "mlp_large": [0.3, 0.4, 0.5, 0.6, 0.62]}
    assert stable_from(factories.data_scale(curves, seeds=(0, 1))) is not None


def test_relu_slower_than_sigmoid_is_reported_as_contradicted():
    acts = factories.activations(steps={"sigmoid": 100, "relu": 400})
    f = by_key(factories.results(acts=acts))["relu_faster"]
    assert f.verdict is Verdict.CONTRADICTED
    assert "4.0× more steps for ReLU" in f.summary


def test_relu_not_reaching_the_target_while_sigmoid_does_contradicts():
    acts = factories.activations(steps={"sigmoid": 300, "relu": None})
    assert verdicts(factories.results(acts=acts))["relu_faster"] is Verdict.CONTRADICTED


def test_neither_reaching_the_target_is_inconclusive():
    acts = factories.activations(steps={"sigmoid": None, "relu": None})
    assert verdicts(factories.results(acts=acts))["relu_faster"] is Verdict.INCONCLUSIVE


def test_gradients_that_do_not_vanish_contradict_the_sigmoid_claim():
    acts = factories.activations(ratios={"sigmoid": {2: 2.0, 6: 5.0}, "relu": {2: 3.0, 6: 150.0}})
    v = verdicts(factories.results(acts=acts))
    assert v["sigmoid_vanishing"] is Verdict.CONTRADICTED
    assert v["relu_keeps_gradients"] is Verdict.CONTRADICTED


def test_no_thread_gain_is_contradicted():
    comp = factories.compute(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2,
                                      ("mlp_large", 2): 4.0})
    assert verdicts(factories.results(comp=comp))["threads_speedup"] is Verdict.CONTRADICTED


def _with_rounds(comp, threads, rounds_ms):
    """The large MLP's step on `threads` threads, with these round medians (ms) around its median."""
    steps = [dataclasses.replace(s, timing=dataclasses.replace(s.timing, round_medians_s=[ms / 1e3 for ms in rounds_ms]))
             if (s.model, s.threads) == ("mlp_large", threads) else s for s in comp.steps]
    return dataclasses.replace(comp, steps=steps)


def test_a_thread_gain_must_hold_across_the_rounds():
    comp = factories.compute(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 3.9, ("mlp_small", 2): 0.2,
                                      ("mlp_large", 2): 3.0})  # 1.3x from the medians
    steady = _with_rounds(_with_rounds(comp, 1, [3.8, 3.9, 4.0]), 2, [2.95, 3.0, 3.05])
    f = by_key(factories.results(comp=steady))["threads_speedup"]
    assert f.verdict is Verdict.SUPPORTED and "1.3× faster (1.2× to 1.4× across the rounds)" in f.summary
    moving = _with_rounds(_with_rounds(comp, 1, [3.3, 3.9, 4.0]), 2, [2.6, 3.0, 3.6])
    f = by_key(factories.results(comp=moving))["threads_speedup"]
    assert f.verdict is Verdict.INCONCLUSIVE and "1.3× faster (0.9× to 1.5× across the rounds)" in f.summary
    assert by_key(factories.results(comp=moving))["iteration_loop"].verdict is Verdict.INCONCLUSIVE


def test_gpu_slower_than_cpu_is_contradicted_and_faster_is_supported():
    slow = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 5.0})
    f = by_key(factories.results(comp=slow))["gpu_speedup"]
    assert f.verdict is Verdict.CONTRADICTED
    assert "faster for none" in f.detail
    fast = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 0.26})
    f = by_key(factories.results(comp=fast))["gpu_speedup"]
    assert f.verdict is Verdict.SUPPORTED
    assert "Large MLP (512x3): 10.0×" in f.summary
    assert "faster from the Large MLP (512x3) on" in f.detail


def test_power_law_and_cost_findings_on_the_story():
    f = by_key(factories.results())
    assert f["power_law"].verdict is Verdict.SUPPORTED
    assert "Large MLP (512x3) b = " in f["power_law"].summary
    assert f["svm_cost"].verdict is Verdict.SUPPORTED  # the factory's SVM time grows like m^1.5
    assert "m^1.5" in f["svm_cost"].summary


def test_data_needed_projects_from_the_best_learner_fit():
    from reportgen.findings import data_needed, trends

    r = factories.data_scale()
    learner, target, m = data_needed(r, trends(r))
    assert learner == "mlp_large" and target == pytest.approx(0.85)  # five points above the best measured 80%
    assert m is None or m > 10000
    flat = factories.data_scale({"logistic": [0.3, 0.31, 0.315, 0.316, 0.316], "mlp_large": [0.2, 0.25, 0.3, 0.31, 0.31]})
    assert data_needed(flat, trends(flat))[2] is None  # the fit levels off below the target: never reached


def test_a_gain_within_the_seeds_spread_is_undecided():
    # The large net gains 1.5 points on average, but its seeds spread over 4 points (2 either side of their
    # middle): neither a plateau nor a rise.
    curves = {"logistic": [0.25, 0.30, 0.32, 0.325, 0.326], "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.655]}
    r = factories.data_scale(curves, seeds=(0, 1), jitter=0.04)
    f = by_key(factories.results(data=r))["large_net_rising"]
    assert f.verdict is Verdict.INCONCLUSIVE
    assert "within the spread between seeds" in f.detail


def test_no_ranking_finding_with_a_single_learner():
    r = factories.data_scale({"logistic": [0.25, 0.30, 0.32, 0.325, 0.326]})
    assert "small_m_ranking" not in by_key(factories.results(data=r))


def test_a_small_relu_advantage_is_no_clear_win():
    acts = factories.activations(steps={"sigmoid": 110, "relu": 100})
    assert by_key(factories.results(acts=acts))["relu_faster"].verdict is Verdict.INCONCLUSIVE


def test_a_slightly_faster_gpu_is_not_much_faster():
    comp = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 2.0})  # 1.3x over 2.6 ms on the CPU
    assert by_key(factories.results(comp=comp))["gpu_speedup"].verdict is Verdict.INCONCLUSIVE
