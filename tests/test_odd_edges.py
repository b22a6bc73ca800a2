"""Odd inputs a hostile user fed the commands, each once a bug: headlines past their word limit, ratios printed
as 0.0x, files whose fits contradict each other, and the like."""

from __future__ import annotations

import dataclasses

import factories

from reportgen.findings import Verdict, findings
from reportgen.findings.verdicts import HEADLINE_WORDS

I, N = Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
SIX = {"logistic": [0.25, 0.30, 0.32, 0.325, 0.326], "svm_rbf": [0.36, 0.45, 0.55, 0.60, 0.65],
       "mlp_small": [0.22, 0.27, 0.31, 0.33, 0.34], "mlp_medium": [0.23, 0.3, 0.4, 0.5, 0.6],
       "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.651], "cnn": [0.3, 0.4, 0.5, 0.6, 0.7]}
factories.PARAMETERS.setdefault("mlp_medium", 17_000)
factories.PARAMETERS.setdefault("cnn", 5_000)


def by_key(ds):
    return {f.key: f for f in findings(factories.results(data=ds))}


def _set(r, learner, m, seed, accuracy):
    fits = [dataclasses.replace(f, test_accuracy=accuracy) if (f.learner, f.m, f.seed) == (learner, m, seed) else f
            for f in r.fits]
    return dataclasses.replace(r, fits=fits)


def test_an_open_win_over_the_svm_keeps_its_headline_within_the_word_limit():
    f = by_key(factories.data_scale(SIX))["nets_win_at_scale"]
    assert f.verdict is I and "SVM (RBF kernel)" in f.headline, f.headline
    assert len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    missing = factories.data_scale({k: v if k != "svm_rbf" else [*v[:-1], None] for k, v in SIX.items()})
    f = by_key(missing)["nets_win_at_scale"]
    assert f.verdict is I and "not every traditional learner" in f.headline
    assert len(f.headline.split()) <= HEADLINE_WORDS, f.headline


def test_an_open_late_gain_split_across_seeds_keeps_its_headline_within_the_word_limit():
    r = factories.data_scale({**SIX, "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.70]})
    r = _set(r, "mlp_large", 10000, 2, 0.645)  # seed 2 gains half a point, seeds 0 and 1 six points
    f = by_key(r)["large_net_rising"]
    assert f.verdict is I and "the seeds do not agree on either bar" in f.headline, f.headline
    assert "m = 3,000 to 10,000" in f.headline and len(f.headline.split()) <= HEADLINE_WORDS, f.headline


def test_a_claim_missing_every_learner_at_the_smallest_m_keeps_its_headline_within_the_word_limit():
    r = factories.data_scale({k: [None, *v[1:]] for k, v in SIX.items()})
    f = by_key(r)["small_m_ranking"]
    assert f.verdict is N and len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    assert "CNN" in f.evidence and "Logistic regression" in f.evidence  # the evidence still names them all


def test_a_ratio_far_under_one_is_not_printed_as_zero():
    from reportgen.fmt import times, times_beside

    assert times(0.046) == "0.046×" and times_beside(0.046, (1.2, 1.1)) == "0.046×"
    assert times(0.0012) == "0.0012×" and times(0.5) == "0.5×" and times(0.0) == "0.0×"
    # all threads 20 times slower than one (a loaded machine): the headline gives the ratio, not '0.0×'
    comp = factories.compute({("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 4.3,
                              ("mlp_large", 2): 80.0})
    f = {f.key: f for f in findings(factories.results(comp=comp))}["threads_speedup"]
    assert "0.0×" not in f.headline and "0.047× to 0.05×" in f.headline, f.headline


def test_two_models_whose_thread_gains_round_alike_are_said_once():
    comp = factories.compute({("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.105,
                              ("mlp_large", 2): 2.1})
    f = {f.key: f for f in findings(factories.results(comp=comp))}["threads_speedup"]
    assert "1.9× faster" in f.headline and "1.9× to 1.9×" not in f.headline, f.headline


def _edited(edit):
    import json

    from reportgen import results as R

    raw = json.loads(R.dumps(factories.results()))
    edit(raw["data_scale"])
    return lambda: R.loads(json.dumps(raw), "results.json")


def test_a_second_fit_of_one_learner_m_and_seed_is_refused_at_load_in_one_line():
    import pytest

    from reportgen.results import ResultsError

    def twice(ds):  # the same fit again, with another accuracy: which one a seed's pair took was arbitrary
        ds["fits"].append({**ds["fits"][0], "test_accuracy": 0.9})

    with pytest.raises(ResultsError, match=r"fits\[\d+\]: a second fit of 'logistic' at m = 100 in seed 0"):
        _edited(twice)()

    def stray(ds):  # a seed the file does not list: counted in a mean, never paired
        ds["fits"][0]["seed"] = 99

    with pytest.raises(ResultsError, match=r"fits\[0\]\.seed: 99 is not among \$\.data_scale\.seeds"):
        _edited(stray)()
    _edited(lambda ds: None)()  # the file as written loads


def _bf16(ds, at):
    """ds with the large MLP's fits at each (m, seed) of `at` again as bf16 fits, a point lower."""
    fp32 = {(f.m, f.seed): f for f in ds.fits if f.learner == "mlp_large"}
    bf16 = [dataclasses.replace(fp32[m, s], test_accuracy=fp32[m, s].test_accuracy - 0.001, m=m_said)
            for (m, s), m_said in at]
    return dataclasses.replace(ds, bf16_fits=bf16)


def test_bf16_fits_are_paired_with_fp32_at_their_own_m():
    ds = factories.data_scale(SIX)
    # seed 0's bf16 fit at m = 300, seeds 1 and 2 at 1,000: each pairs with the fp32 fit at its own m
    mixed = _bf16(ds, [((300, 0), 300), ((1000, 1), 1000), ((1000, 2), 1000)])
    f = {f.key: f for f in findings(factories.results(data=mixed))}["bf16_accuracy"]
    assert "-0.1 points" in f.headline, f.headline  # not bf16 at 1,000 against fp32 at 300 (+18 points)


TINY_SCALE = ('name = "x"\ndescription = "x"\n[data]\ntest_size = 500\n[data_scale]\nm = [100, 300]\nseeds = 1\n'
              'steps = 5\nbatch_size = 50\n')


def test_a_profile_whose_svm_would_never_run_is_refused_and_a_missing_rate_is_named(tmp_path):
    import pytest

    from reportgen.profile import ProfileError, load_profile

    path = tmp_path / "p.toml"
    path.write_text(TINY_SCALE + 'learners = ["logistic", "svm_rbf"]\nsvm_max_m = 50\nlearning_rates = {}\n')
    with pytest.raises(ProfileError, match=r"svm_max_m \(50\) is below every m, so the RBF SVM would never run: set "
                                           "it to at least 100"):
        load_profile(str(path))
    path.write_text(TINY_SCALE + 'learners = ["logistic", "svm_rbf"]\nsvm_max_m = 100\nlearning_rates = {}\n')
    load_profile(str(path))  # run at m = 100 only: fine
    path.write_text(TINY_SCALE + 'learners = ["mlp_small", "mlp_large"]\nsvm_max_m = 0\n'
                    'learning_rates = { mlp_small = 0.001 }\n')
    with pytest.raises(ProfileError, match="has none for mlp_large$"):
        load_profile(str(path))


def test_a_loop_a_little_shorter_on_other_hardware_states_both_times_as_they_are():
    """Once read 'did not shorten: 12.6 s ... 12.5 s'; the loop now states the measurement in its units, with no
    verdict of its own (the hardware findings judge the pair)."""
    comp = factories.compute(gpu_ms={"mlp_small": 0.2, "mlp_large": 2.55})  # 2.6 ms on the CPU's 2 threads
    f = {f.key: f for f in findings(factories.results(comp=comp))}["iteration_loop"]
    assert f.verdict is N and not f.is_claim and "shorten" not in f.headline, f.headline
    assert f.numbers["fastest_seconds"] < f.numbers["base_seconds"]


def test_benchmarks_refuse_a_bad_file_profile_or_count_in_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    for args, said in [(["verdicts.py", str(tmp_path / "missing.json")], "cannot read"),
                       (["repeatability.py", "no-such-profile"], "profile 'no-such-profile' not found"),
                       (["render_time.py", str(tmp_path / "r.json"), "--repeats", "0"], "must be at least 1, not 0"),
                       (["match_serial.py", str(tmp_path / "a.json"), str(tmp_path / "b.json")], "cannot compare")]:
        done = subprocess.run([sys.executable, str(root / "benchmarks" / args[0]), *args[1:]], check=False,
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)


def test_page_one_says_both_of_two_decided_claims_not_all_2():
    from reportgen.overview import _how_many

    assert [_how_many(k, of) for k, of in [(1, 1), (2, 2), (3, 3), (2, 3)]] == ["it", "both", "all 3", "2"]


def test_sigmoid_left_open_under_its_own_initialisation_keeps_its_headline_within_the_word_limit():
    own = {**factories.OWN_RATIOS, "sigmoid": {2: 60.0, 5: 62.5}}  # past the bar at both depths, not growing
    acts = factories.activations(seeds=(0, 1, 2), own_ratios=own)
    f = {f.key: f for f in findings(factories.results(acts=acts))}["sigmoid_vanishing"]
    assert f.verdict is I and "undecided under Glorot with gain 4" in f.headline, f.headline
    assert len(f.headline.split()) <= HEADLINE_WORDS, f.headline
    assert "62.5×" in f.evidence


def test_gradients_that_are_all_zero_leave_no_undefined_ratio_in_the_algorithms_sentences():
    """A file whose gradients are all 0 (0/0: no ratio) read 'the output layer's exceeded the input layer's
    undefined for sigmoid'; the sentence now names only ratios there are, and none where there are none."""
    from reportgen.context import _algorithm_sentences

    r = factories.activations()
    zero = [dataclasses.replace(g, mean_abs_grad=[0.0] * len(g.mean_abs_grad), ratios=[]) for g in r.gradients]
    said = " ".join(_algorithm_sentences(dataclasses.replace(r, gradients=zero)))
    assert "undefined" not in said and "Behind the race" not in said, said
    said = " ".join(_algorithm_sentences(r))
    assert "the output layer's gradient was " in said and "the input layer's for sigmoid" in said, said


def test_computation_claims_whose_timings_are_missing_are_counted_as_not_tested_never_left_out():
    """With no 1-thread timings, one thread, no step timed at all, or no scaling step, the thread, GPU, matrix and
    data-parallel claims vanished and page one's count of claims moved between 10, 9 and 6 (odd-inputs pass)."""
    r = factories.results(scal=factories.scaling())
    c = r.compute
    keys = {"threads_speedup", "gpu_speedup", "matrix_hardware", "data_parallel"}
    full = {f.key for f in findings(r) if f.is_claim}
    assert keys <= full
    for comp, reason in [(dataclasses.replace(c, steps=[]), "the computation experiment timed no training step"),
                         (dataclasses.replace(c, threads=1), "this run had 1 CPU thread"),
                         (dataclasses.replace(c, steps=[s for s in c.steps if s.threads != 1]),
                          "no training step was timed both on 1 thread and on all 2 at batch 100")]:
        found = {f.key: f for f in findings(dataclasses.replace(r, compute=comp)) if f.is_claim}
        assert set(found) == full, reason
        assert found["threads_speedup"].verdict is N and reason in found["threads_speedup"].headline
    scal = dataclasses.replace(r.scaling, steps=[])
    found = {f.key: f for f in findings(dataclasses.replace(r, scaling=scal)) if f.is_claim}
    assert set(found) == full and found["data_parallel"].verdict is N
    assert "timed no training step" in found["data_parallel"].headline
