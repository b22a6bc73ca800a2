"""How the data-scale fits are run: batched ensembles, side-by-side workers, the stop rule and failed fits."""

import os
from dataclasses import replace
from functools import partial

import numpy as np
import pytest
import torch

from reportgen import workers
from reportgen.data import DataInfo, Dataset
from reportgen.ensemble import Member, train_ensemble
from reportgen.experiments import activations, data_scale
from reportgen.models import build_model
from reportgen.profile import ActivationsSettings, DataScaleSettings
from reportgen.training import StopRule, index_generator, seed_everything, train_steps

SETTINGS = DataScaleSettings(m=[50, 120, 300], seeds=2, learners=["logistic", "mlp_small", "mlp_large"], steps=60,
                             batch_size=50, learning_rates={"mlp_small": 1e-2, "mlp_large": 1e-3}, svm_max_m=0)


def dataset(n=400, test=200, separable=False) -> Dataset:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, n + test).astype(np.int64)
    x = rng.normal(size=(n + test, 40)).astype(np.float32) + (3 * np.eye(10, 40, dtype=np.float32)[y] if separable
                                                             else 0)
    info = DataInfo(name="synthetic", generator="test", generator_args={}, pool_size=n, test_size=test,
                    from_cache=True, features=40, classes=10, sequence=True)
    return Dataset(x[:n], y[:n], x[n:], y[n:], info)


def alone(name, seed, x, y, steps, batch, lr, stop=None):
    seed_everything(seed)
    net = build_model(name)
    taken = train_steps(net, torch.optim.Adam(net.parameters(), lr), x, y, steps, batch, index_generator("cpu", seed), stop)
    return net, taken


@pytest.mark.parametrize("name", ["mlp_small", "cnn"])
def test_an_ensemble_trains_the_nets_the_plain_loop_trains(name):
    data = dataset(separable=True)
    x, y = torch.from_numpy(data.x_pool), torch.from_numpy(data.y_pool)
    members = [Member(seed, torch.arange(m)) for seed, m in [(0, 100), (1, 250), (0, 400)]]
    stop = StopRule(window=20, check_every=10)
    for steps in (3, 150):  # after a few steps the same weights; after many, rounding has grown but not the fit
        together = train_ensemble(partial(build_model, name), members, x, y, steps, 50, 1e-2, stop)
        for member, (net, taken) in zip(members, together):
            ref, ref_taken = alone(name, member.seed, x[member.rows], y[member.rows], steps, 50, 1e-2, stop)
            assert taken == ref_taken
            if steps == 3:
                for a, b in zip(net.parameters(), ref.parameters()):
                    torch.testing.assert_close(a, b, atol=1e-3, rtol=1e-3)
            with torch.no_grad():
                assert (net(x).argmax(1) == ref(x).argmax(1)).float().mean() > 0.97
    assert together[0][1] < 150  # the easy, small member stopped early and left the ensemble


def test_the_stop_rule_stops_a_net_that_fits_its_examples_and_no_other():
    easy, noise = dataset(separable=True), dataset()
    stop = StopRule(window=30, check_every=10)
    fitted = alone("mlp_large", 0, torch.from_numpy(easy.x_pool[:100]), torch.from_numpy(easy.y_pool[:100]), 500, 50,
                   1e-3, stop)[1]
    unfit = alone("mlp_small", 0, torch.from_numpy(noise.x_pool), torch.from_numpy(noise.y_pool), 200, 50, 1e-3,
                  stop)[1]
    assert fitted < 500 and fitted % 10 == 0
    assert unfit == 200


def test_fits_side_by_side_match_fits_one_at_a_time():
    data = dataset()
    serial = data_scale.run(SETTINGS, data, "cpu", 0, 2, lambda label: None, workers=1)
    labels = []
    parallel = data_scale.run(SETTINGS, data, "cpu", 0, 2, labels.append, workers=2)
    assert (serial.workers, parallel.workers, parallel.worker_threads) == (1, 2, 1)
    assert [(f.learner, f.m, f.seed, f.test_accuracy, f.steps) for f in serial.fits] == \
        [(f.learner, f.m, f.seed, f.test_accuracy, f.steps) for f in parallel.fits]
    assert len(labels) == len(parallel.fits) == 2 * 3 * 3
    assert all(f.cpu_seconds is not None and f.cpu_seconds >= 0 for f in parallel.fits)
    assert parallel.batched == ["mlp_small"] and not parallel.failed


def test_a_failed_fit_is_recorded_and_the_others_still_run(monkeypatch):
    def out_of_memory(*args, **kwargs):  # the 512x3 MLP trains in the plain loop on a CPU
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(data_scale, "train_steps", out_of_memory)
    settings = replace(SETTINGS, learners=["logistic", "mlp_large"])
    r = data_scale.run(settings, dataset(), "cpu", 0, 1, lambda label: None, workers=1)
    assert {(f.learner, f.m, f.seed, f.reason) for f in r.failed} == \
        {("mlp_large", m, s, "out of memory") for m in settings.m for s in (0, 1)}
    assert {f.learner for f in r.fits} == {"logistic"} and len(r.fits) == 6


def test_an_ensemble_that_fails_falls_back_to_the_plain_loop(monkeypatch):
    data = dataset()
    batched = data_scale.run(SETTINGS, data, "cpu", 0, 1, lambda label: None, workers=1)

    def out_of_memory(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(data_scale, "train_ensemble", out_of_memory)
    looped = data_scale.run(SETTINGS, data, "cpu", 0, 1, lambda label: None, workers=1)
    assert not looped.failed
    for a, b in zip(batched.fits, looped.fits):
        assert (a.learner, a.m, a.seed, a.steps) == (b.learner, b.m, b.seed, b.steps)
        assert a.test_accuracy == pytest.approx(b.test_accuracy, abs=0.02)


def _exit_worker():
    os._exit(3)


def test_a_worker_that_dies_costs_its_task_only():
    plan = workers.Schedule(2, 1)
    found = workers.run_tasks(plan, [(_exit_worker, ()), (sum, ([1, 2],))], lambda i, r: None,
                              lambda i, error: f"failed: {type(error).__name__}")
    assert found[1] == 3 and found[0].startswith("failed: ")


def test_the_schedule_uses_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.setattr(workers, "usable_cpus", lambda: 2)
    assert workers.schedule(8, 100) == workers.Schedule(2, 1)  # --threads beyond the affinity mask
    assert workers.schedule(1, 100) == workers.Schedule(1, 1)
    assert workers.schedule(2, 1) == workers.Schedule(1, 2)  # one task: one worker with both threads
    assert workers.schedule(2, 100, workers=1) == workers.Schedule(1, 2)


def test_a_failed_activation_run_is_recorded(monkeypatch):
    real = activations.mlp
    settings = ActivationsSettings(activations=["relu"], width=16, depths=[2], gradient_batch=50, trained_steps=5,
                                   train_depth=2, train_examples=200, target_accuracy=0.9, max_steps=20,
                                   learning_rates=[0.1, 0.01], seeds=1, eval_every=10)

    def build(hidden, activation="relu", *args, **kwargs):
        if len(hidden) == settings.train_depth and torch.initial_seed() == 0 and build.calls == 0:
            build.calls += 1
            raise RuntimeError("out of memory")
        return real(hidden, activation, *args, **kwargs)

    build.calls = 0
    monkeypatch.setattr(activations, "mlp", build)
    r = activations.run(settings, dataset(), "cpu", 0, 1, lambda label: None)
    first, other = activations.search_order(settings.learning_rates)  # the first run built is the one that fails
    assert [(f.activation, f.init, f.learning_rate, f.reason) for f in r.failed] == [
        ("relu", "default", first, "out of memory")]
    assert [run.learning_rate for run in r.runs if run.init == "default"] == [other]  # He-initialised runs too
    assert r.best_learning_rate("relu") == other


def test_the_bf16_check_trains_the_large_mlp_again_on_its_fp32_pairs_examples():
    settings = replace(SETTINGS, learners=["mlp_large"], m=[120], bf16_m=120, steps=20)
    r = data_scale.run(settings, dataset(), "cpu", 0, 1, lambda label: None, workers=1, bf16_unit="AMX")
    assert [(f.learner, f.m, f.seed) for f in r.bf16_fits] == [("mlp_large", 120, 0), ("mlp_large", 120, 1)]
    assert [(f.learner, f.m, f.seed) for f in r.fits] == [("mlp_large", 120, 0), ("mlp_large", 120, 1)]  # apart
    assert r.bf16_not_run == "" and all(f.steps == 20 for f in r.bf16_fits)
    fp32 = {f.seed: f.train_accuracy for f in r.fits}
    assert all(abs(f.train_accuracy - fp32[f.seed]) < 0.2 for f in r.bf16_fits)  # the same fit, rounded otherwise


@pytest.mark.parametrize("device, unit, learners, m, why", [
    ("cpu", None, ["mlp_large"], 120, "no native bf16 unit"),
    ("cuda:0", "AMX", ["mlp_large"], 120, "only where the nets train on the CPU"),
    ("cpu", "AMX", ["mlp_small"], 120, "was not trained at m = 120"),
    ("cpu", "AMX", ["mlp_large"], 200, "was not trained at m = 200"),  # not on the grid
])
def test_the_bf16_check_says_why_it_did_not_run(device, unit, learners, m, why):
    data = dataset()
    settings = replace(SETTINGS, learners=learners, bf16_m=m)
    p = data_scale.plan(settings, data.info, device, unit)
    assert p.bf16_m == 0 and why in p.bf16_not_run and p.bf16_not_run.startswith("not run: ")
    assert p.units(2) == 2 * sum(len(p.runs_for(x)) for x in p.learners)


def test_a_bf16_fit_that_fails_is_said_so(monkeypatch):
    real = data_scale._train_one

    def bf16_fails(*args):
        if args[-1] == "bf16":
            raise RuntimeError("out of memory")
        return real(*args)

    monkeypatch.setattr(data_scale, "_train_one", bf16_fails)
    settings = replace(SETTINGS, learners=["mlp_large"], m=[120], bf16_m=120, steps=5)
    r = data_scale.run(settings, dataset(), "cpu", 0, 1, lambda label: None, workers=1, bf16_unit="AMX")
    assert r.bf16_fits == [] and not r.failed and len(r.fits) == 2
    assert r.bf16_not_run.startswith("not complete: the bf16 fit of seed 0 failed (out of memory)")
