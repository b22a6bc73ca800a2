"""Findings as a whole: the verdict rule, the story the synthetic records tell, one seed deciding nothing, the
headlines a person can repeat, and every number finite."""

import math

import factories

from reportgen.findings import Verdict, decide, findings
from reportgen.findings.data_scale import ONE_SEED

S, C, I, N = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
DENSE = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def verdicts(results):
    return {f.key: f.verdict for f in findings(results)}


def by_key(results):
    return {f.key: f for f in findings(results)}


def data(*args, **kwargs):
    return by_key(factories.results(data=factories.data_scale(*args, **kwargs)))


def acts(**kwargs):
    return by_key(factories.results(acts=factories.activations(**kwargs)))


def test_decide_needs_two_seeds_and_one_test_holding():
    assert decide(True, False, 2) is S and decide(False, True, 2) is C and decide(False, False, 2) is I
    assert decide(True, True, 2) is I
    assert decide(True, False, seeds=1) is I and decide(False, True, seeds=1) is I


def test_the_story_told_by_the_data():
    v = verdicts(factories.results())
    assert v["large_net_rising"] is S and v["nets_win_at_scale"] is S
    assert v["sigmoid_vanishing"] is S and v["relu_keeps_gradients"] is S and v["activation_not_init"] is S
    assert v["relu_faster"] is S and v["relu_vs_tanh"] is S
    assert v["threads_speedup"] is S and v["iteration_loop"] is N  # CPU only: the loop repeats the thread pair
    assert v["gpu_speedup"] is N


# --- one seed settles nothing ----------------------------------------------------------------------------------

def test_a_single_seed_never_supports_or_contradicts():
    one = factories.results(data=factories.data_scale(seeds=(0,)), acts=factories.activations(seeds=(0,)))
    for f in findings(one):
        if f.driver in ("data", "algorithms"):
            assert f.verdict is (N if f.key == "power_law" else I), f.key
            assert ONE_SEED in f.why or "too few points" in f.evidence, f.key
    # ... but it still states the direction it measured
    f = by_key(one)["large_net_rising"]
    assert "gain of 16.0 points (one seed)" in f.evidence

def test_every_finding_number_is_finite():
    for f in findings(factories.results(data=factories.data_scale({**factories.STORY, "mlp_large": factories.power_law_curve(DENSE)}, m=DENSE))):
        assert all(math.isfinite(v) for v in f.numbers.values()), f.key
