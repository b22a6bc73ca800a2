"""The computation findings: same-round pairs, the median pair deciding, the training batch, the loop, the GPU."""

import dataclasses

import factories
import pytest

from reportgen.findings import Verdict, findings
from reportgen.findings.gains import speedup
from reportgen.timing import Timing

S, C, I, N = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
DENSE = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def verdicts(results):
    return {f.key: f.verdict for f in findings(results)}


def by_key(results):
    return {f.key: f for f in findings(results)}


def comp(**kwargs):
    return by_key(factories.results(comp=factories.compute(**kwargs)))


# --- paired timings ----------------------------------------------------------------------------------------------

def _timing(rounds_ms):
    return Timing(median_s=sorted(rounds_ms)[1] / 1e3, iqr_s=0.0, blocks=9, calls_per_block=1, warmup_calls=3,
                  total_s=1.0, round_medians_s=[ms / 1e3 for ms in rounds_ms])


def test_speedup_pairs_rounds_timed_side_by_side():
    g = speedup(_timing([3.3, 3.9, 4.0]), _timing([2.6, 3.0, 3.6]))
    assert (g.median, g.low, g.high) == (pytest.approx(3.3 / 2.6), pytest.approx(4.0 / 3.6), pytest.approx(3.9 / 3.0))
    assert g.pairs == 3
    old = dataclasses.replace(_timing([3.3, 3.9, 4.0]), round_medians_s=[])
    unpaired = speedup(old, _timing([2.6, 3.0, 3.6]))
    assert (unpaired.median, unpaired.low, unpaired.high) == (pytest.approx(1.3),) * 3 and not unpaired.paired


def _with_rounds(c, model, threads, rounds_ms):
    steps = [dataclasses.replace(s, timing=_timing(rounds_ms)) if (s.model, s.threads) == (model, threads) else s
             for s in c.steps]
    return dataclasses.replace(c, steps=steps)


def test_thread_verdicts_need_every_model_at_the_training_batch():
    assert comp()["threads_speedup"].verdict is S
    none = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2, ("mlp_large", 2): 4.0})
    assert none["threads_speedup"].verdict is C
    mixed = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.21,
                          ("mlp_large", 2): 2.6})
    f = mixed["threads_speedup"]
    assert f.verdict is I
    assert "the median pair is at least 1.2× for Large MLP (512x3); under 1.05× for Small MLP (32)." in f.why
    between = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.18,
                            ("mlp_large", 2): 2.6})["threads_speedup"]  # the small MLP gains 1.11x
    assert between.verdict is I and "between the two for Small MLP (32)" in between.why
    assert between.headline.endswith("and the gain depends on the model.")
    both = comp(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.18,
                         ("mlp_large", 2): 3.6})["threads_speedup"]  # both gain 1.11x: no model differs
    assert both.verdict is I and both.headline.endswith("and the gain lies between 1.05× and 1.2×.")


def test_the_median_same_round_pair_decides():
    c = factories.compute()
    steady = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.8, 3.9, 4.0]), "mlp_large", 2, [2.95, 3.0, 3.05])
    f = by_key(factories.results(comp=steady))["threads_speedup"]
    assert f.verdict is S and "Large MLP (512x3) 1.30× (same-round pairs 1.29× to 1.31×)" in f.evidence
    moving = _with_rounds(_with_rounds(c, "mlp_large", 1, [3.3, 3.9, 4.0]), "mlp_large", 2, [3.2, 3.0, 3.6])
    f = by_key(factories.results(comp=moving))["threads_speedup"]  # pairs 1.03, 1.30, 1.11
    assert f.verdict is I and "(same-round pairs 1.03× to 1.30×)" in f.evidence
    assert "a median same-round pair of at least 1.2× for all of them, or under 1.05× for all of them" in f.why


def test_one_disturbed_round_does_not_decide_a_thread_gain():
    """As in a real run: round 3 of the 2-thread timings ran 36% slow, its pair 1.13x against 1.54x in the others."""
    f = comp(rounds={("mlp_large", 1): (1.0,) * 3, ("mlp_large", 2): (1.0, 1.0, 1.36)})["threads_speedup"]
    assert f.verdict is S and "Large MLP (512x3) 1.54× (same-round pairs 1.13× to 1.54×)" in f.evidence
    once_fast = comp(rounds={("mlp_large", 1): (1.0,) * 3, ("mlp_large", 2): (1.36, 1.36, 1.0)})["threads_speedup"]  # one good pair, median 1.13x
    assert once_fast.verdict is I and "between the two for Large MLP (512x3)" in once_fast.why
    flat = {("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2, ("mlp_large", 2): 4.0}
    spike = comp(step_ms=flat, rounds={("mlp_large", 2): (1.0, 1.0, 0.7)})["threads_speedup"]  # one 1.43x pair
    assert spike.verdict is C


def test_more_rounds_of_a_steady_gain_do_not_make_it_harder_to_show():
    wobble = (1.0, 1.1, 0.95, 1.05, 1.3, 0.9, 1.0, 1.1, 0.95, 1.0)  # ten rounds, one of them 30% slow
    f = comp(rounds={("mlp_large", 2): wobble, ("mlp_large", 1): (1.0,) * 10, ("mlp_small", 1): (1.0,) * 10,
                     ("mlp_small", 2): (1.0,) * 10})["threads_speedup"]
    assert f.verdict is S and "(same-round pairs 1.18× to 1.71×)" in f.evidence


def test_gains_are_written_with_the_digits_their_bars_need():
    from reportgen.fmt import times_beside as _gain_text

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
    assert "the battery's training batch (100)" in f.why and "at batch 1000" in f.evidence


def _sweep(fits_steps=None, gpu_ms=None):
    """Results whose computation experiment timed the learning curve's own largest net at its own budget."""
    ds = factories.data_scale()
    if fits_steps is not None:
        ds = dataclasses.replace(ds, fits=[dataclasses.replace(f, steps=fits_steps(f)) for f in ds.fits])
    r = factories.results(data=ds, comp=factories.compute(gpu_ms=gpu_ms))
    table = {"name": "quick", "data_scale": {"steps": 2000, "batch_size": 100}}
    return by_key(dataclasses.replace(r, settings=dataclasses.replace(r.settings, profile_table=table)))


def test_the_loop_counts_the_learning_curves_fits_and_their_steps():
    f = _sweep(gpu_ms={"mlp_small": 0.1, "mlp_large": 0.26})["iteration_loop"]  # 15 fits at 5.2 s or 0.52 s each
    assert "The learning curve's 15 fits of this net (30,000 steps in all) take 78 s against 7.8 s." in f.evidence
    early = _sweep(lambda fit: 1000 if fit.m >= 3000 else None)["iteration_loop"]  # the stop rule ended 6 at 1,000
    assert "15 fits of this net (24,000 steps in all, not 30,000: the stop rule ended some fits early) take 62.4 s." \
        in early.evidence
    other = factories.results()  # no profile table: the computation experiment's budget is not the curve's
    assert "learning curve" not in by_key(other)["iteration_loop"].evidence


def test_a_cpu_only_loop_is_not_counted_as_a_second_test_of_the_thread_pairs():
    cpu_only = _sweep()["iteration_loop"]
    assert cpu_only.verdict is N and "the thread finding already judges" in cpu_only.why
    assert "CPU, 1 thread: 8 s, CPU, 2 threads: 5.2 s." in cpu_only.why  # the loop table, as a measurement
    with_gpu = _sweep(gpu_ms={"mlp_small": 0.15, "mlp_large": 0.26})["iteration_loop"]
    assert "5.2 s on CPU, 2 threads and 520 ms on cuda:0 fp32" in with_gpu.headline
    assert with_gpu.numbers["loop_gain"] == pytest.approx(10)  # against all threads, not 1 thread (15.4x)


@pytest.mark.parametrize("gpu_large_ms", [2.6 / 1.6, 0.26, 4.0])  # the GPU 1.6x, 10x and 0.65x the CPU's threads
def test_the_loop_restates_the_gpu_pair_and_is_not_counted_as_a_claim_of_its_own(gpu_large_ms):
    """A GPU at 1.6x was once 'not much faster' (gpu_speedup contradicted) and yet 'shortened the loop' (supported
    at 1.2x): one ratio counted twice on page one, at two bars. The loop is the mechanism in the loop's units."""
    found = _sweep(gpu_ms={"mlp_small": 0.1, "mlp_large": gpu_large_ms})
    loop = found["iteration_loop"]
    assert loop.role == "mechanism" and not loop.is_claim and loop.verdict is N and loop.because == ""
    assert "takes no verdict of its own, so that one measurement is not counted twice" in loop.why
    assert len(loop.headline.split()) <= 30
    assert found["gpu_speedup"].verdict is (C if gpu_large_ms > 0.26 else S)


# --- GPU: much faster is a median same-round pair of at least GPU_GAIN ----------------------------------------------

def test_gpu_slower_than_cpu_is_contradicted_and_faster_is_supported():
    slow = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 5.0})
    f = by_key(factories.results(comp=slow))["gpu_speedup"]
    assert f.verdict is C
    assert "faster for none" in f.why
    fast = factories.compute(gpu_ms={"mlp_small": 0.5, "mlp_large": 0.26})
    f = by_key(factories.results(comp=fast))["gpu_speedup"]
    assert f.verdict is S
    assert "Large MLP (512x3): 10.0×" in f.evidence
    assert "faster from the Large MLP (512x3) on" in f.why


def test_a_slightly_faster_gpu_is_not_much_faster():
    f = comp(gpu_ms={"mlp_small": 0.5, "mlp_large": 2.0})["gpu_speedup"]  # 1.3x over 2.6 ms on the CPU
    assert f.verdict is C and "a median under 1.9× (5% under the bar) contradicts it" in f.why
    steady = comp(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.6 / 1.6})["gpu_speedup"]  # 1.6x in every round
    assert steady.verdict is C and "Large MLP (512x3): 1.6×." in steady.evidence


def _gpu_rounds(pairs):
    """The large MLP's GPU rounds set so that its same-round pairs against 2.6 ms on the CPU are `pairs`."""
    mid = sorted(pairs)[1]
    return comp(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.6 / mid},
                rounds={("mlp_large", 2): (1.0,) * 3, ("mlp_large", None): tuple(mid / p for p in pairs)})


def test_the_median_gpu_pair_decides_much_faster():
    f = _gpu_rounds([1.8, 2.1, 2.2])["gpu_speedup"]
    assert f.verdict is S and "(same-round pairs 1.80× to 2.20×)" in f.evidence
    f = _gpu_rounds([1.5, 1.8, 2.3])["gpu_speedup"]  # one pair reaches 2x, the median does not reach 1.9x
    assert f.verdict is C and "(same-round pairs 1.50× to 2.30×)" in f.evidence
    f = _gpu_rounds([1.5, 1.8, 1.996])["gpu_speedup"]  # no pair reaches 2x, though one rounds to 2.00
    assert f.verdict is C and "(same-round pairs 1.50× to 1.996×)" in f.evidence


@pytest.mark.parametrize("pairs, verdict", [([1.98, 2.01, 2.03], S), ([1.97, 1.99, 2.02], I),
                                            ([1.88, 1.89, 1.93], C), ([1.9, 1.92, 1.95], I)])
def test_the_2x_bar_has_a_band_of_noise_under_it(pairs, verdict):
    """Pairs of 1.98, 2.01 and 2.03 once read 'much faster' and 1.97, 1.99 and 2.02 'not much faster': noise
    decided. A median under 1.9x, 5% under the bar, contradicts; between 1.9x and 2x is left open, and says why."""
    f = _gpu_rounds(pairs)["gpu_speedup"]
    assert f.verdict is verdict, f.why
    if verdict is I:
        assert f.headline.endswith("and within 5% under 2× decides nothing.")
        assert "lies between 1.9× and 2×, within the noise of the bar" in f.why
        assert len(f.headline.split()) <= 30


@pytest.mark.parametrize("pairs, verdict", [([2.4, 2.5, 1.95], S), ([1.6, 1.5, 2.05], C)])
def test_the_2x_bar_is_as_easy_to_contradict_as_to_support(pairs, verdict):
    """Mirror images: two pairs of three on one side of 2x decide it that way, whichever side it is."""
    f = _gpu_rounds(pairs)["gpu_speedup"]
    assert f.verdict is verdict and "a median under 1.9× (5% under the bar) contradicts it" in f.why


def test_a_single_gpu_round_decides_nothing():
    f = comp(gpu_ms={"mlp_small": 0.1, "mlp_large": 0.26}, rounds={("mlp_large", None): (1.0,)})["gpu_speedup"]
    assert f.verdict is I and "a single round or rounds that could not be paired" in f.why


def test_gpu_batches_that_disagree_are_said_to():
    c = factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.0})  # 1.3x at batch 100
    big = [dataclasses.replace(s, batch_size=1000, timing=factories._timing(
        s.timing.median_s * (10 if s.device == "cpu" else 1))) for s in c.steps]  # 13x at batch 1,000
    f = by_key(factories.results(comp=dataclasses.replace(c, steps=c.steps + big)))["gpu_speedup"]
    assert f.verdict is I and "must be the same at both batches" in f.why
    assert ("The batches disagree: contradicted at batch 100 (the smallest timed), supported at batch 1000 "
            "(the largest timed).") in f.why


def test_the_gpu_is_judged_at_the_battery_s_training_batch_not_the_smallest_timed():
    c = factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.0})  # 1.3x at batch 100

    def at(batch):  # the CPU's steps as at batch 100, the GPU's ten times as fast: 13x
        return [dataclasses.replace(s, batch_size=batch, timing=factories._timing(
            s.timing.median_s * (1 if s.device == "cpu" else 0.1))) for s in c.steps]

    r = factories.results(comp=dataclasses.replace(c, steps=c.steps + at(50) + at(1000)))
    f = by_key(r)["gpu_speedup"]  # no training batch recorded: the smallest timed, said as such
    assert f.verdict is S and "batch 50 (the smallest timed)" in f.evidence and "training batch" not in f.evidence
    r = dataclasses.replace(r, settings=dataclasses.replace(
        r.settings, profile_table={"name": "quick", "data_scale": {"batch_size": 100}}))
    f = by_key(r)["gpu_speedup"]
    assert f.verdict is I and "contradicted at batch 100 (the battery's training batch)" in f.why
    assert "at batch 50" not in f.evidence
