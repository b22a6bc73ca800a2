"""The activations experiment's race to the target: rates tried from the middle out, and runs stopped once their
rate can no longer be the best, without changing which rate is."""

import json

import factories
import pytest
import torch
from test_fits import dataset

from reportgen import results as R
from reportgen import tables
from reportgen.experiments import activations
from reportgen.profile import ActivationsSettings, ProfileError, load_profile, parse_profile
from reportgen.records.activations import ConvergenceRun, CurvePoint


def run(rate, seed, steps, activation="relu", init="he", reached=True) -> ConvergenceRun:
    curve = [CurvePoint(step=0, seconds=0.0, train_accuracy=0.1),
             CurvePoint(step=steps, seconds=steps * 1e-3, train_accuracy=0.9 if reached else 0.3)]
    return ConvergenceRun(activation=activation, learning_rate=rate, seed=seed,
                          steps_to_target=steps if reached else None, seconds_to_target=steps * 1e-3 if reached else None,
                          curve=curve, diverged=False, init=init)


def test_rates_are_tried_from_the_middle_of_the_grid_outwards():
    assert activations.search_order([0.01, 0.03, 0.1, 0.3, 1.0]) == [0.1, 0.3, 0.03, 0.01, 1.0]
    assert activations.search_order([0.1, 0.01]) == [0.01, 0.1]  # a tie: the lower first
    assert activations.search_order([3.0, 0.3, 0.03, 0.003]) == [0.03, 0.3, 0.003, 3.0]  # ties in rounded logs
    assert activations.search_order([0.5]) == [0.5]


def test_the_cap_is_the_fewest_steps_a_rate_took_together_with_every_seed_at_the_target():
    seeds = [0, 1, 2]
    runs = [run(0.1, s, n) for s, n in zip(seeds, (100, 120, 110))]  # 330 together
    runs += [run(0.3, s, n) for s, n in zip(seeds, (50, 60, 70))][:2]  # a seed short: no cap from it
    runs += [run(1.0, 0, 40), run(1.0, 1, 40), run(1.0, 2, 3000, reached=False)]  # a seed missed
    runs += [run(0.01, s, 10, activation="tanh") for s in seeds]  # another group's runs
    assert activations.cap(runs, "relu", "he", seeds, 3000) == (330, 0.1)
    assert activations.cap(runs + [run(0.03, s, 100) for s in seeds], "relu", "he", seeds, 3000) == (300, 0.03)
    assert activations.cap(runs, "relu", "he", seeds, 330) == (330, None)  # no fewer than the budget: no cap
    assert activations.cap([], "relu", "he", seeds, 3000) == (3000, None)
    assert activations.cap(runs, "relu", "default", seeds, 3000) == (3000, None)


SETTINGS = ActivationsSettings(activations=["sigmoid", "relu"], width=16, depths=[2], gradient_batch=50,
                               trained_steps=5, train_depth=2, train_examples=300, target_accuracy=0.8, max_steps=400,
                               learning_rates=[0.003, 0.03, 0.3, 3.0], seeds=2, eval_every=10)


def test_stopping_outpaced_runs_changes_no_best_rate_nor_any_run_at_it(monkeypatch):
    data = dataset(separable=True)
    capped = activations.run(SETTINGS, data, "cpu", 0, 1, lambda label: None)
    monkeypatch.setattr(activations, "cap", lambda runs, activation, init, seeds, budget: (budget, None))
    full = activations.run(SETTINGS, data, "cpu", 0, 1, lambda label: None)
    stopped = [r for r in capped.runs if r.outpaced_by is not None]
    assert stopped, "no run was stopped: the test shows nothing"
    for r in stopped:
        out = next(x for x in full.runs if (x.activation, x.init, x.learning_rate, x.seed)
                   == (r.activation, r.init, r.learning_rate, r.seed))
        assert r.curve[-1].step < SETTINGS.max_steps and r.steps_to_target is None
        assert out.curve[-1].step > r.curve[-1].step  # ran out, it went on
    for activation in SETTINGS.activations:
        for init in ("default", activations.DESIGNED[activation]):
            best = full.best_learning_rate(activation, init)
            assert capped.best_learning_rate(activation, init) == best
            assert ([(x.seed, x.steps_to_target) for x in capped.best_runs(activation, init)]
                    == [(x.seed, x.steps_to_target) for x in full.best_runs(activation, init)])
    assert [(x.activation, x.init, x.learning_rate, x.seed) for x in capped.runs] == [
        (x.activation, x.init, x.learning_rate, x.seed) for x in full.runs]  # the grid's order, either way


def test_the_runs_table_says_a_stopped_run_was_outpaced():
    r = factories.activations()
    first = r.runs[0]
    stopped = ConvergenceRun(activation=first.activation, learning_rate=0.3, seed=0, steps_to_target=None,
                             seconds_to_target=None, curve=[CurvePoint(step=0, seconds=0.0, train_accuracy=0.1),
                                                            CurvePoint(step=475, seconds=0.5, train_accuracy=0.3)],
                             diverged=False, init=first.init, outpaced_by=0.1)
    r.runs.append(stopped)
    rows = tables.runs_table(r).rows
    assert rows[-1][4] == "stopped at 475 (rate 0.1 faster)"
    assert "not reached" not in rows[-1][4]


def test_the_workers_are_chosen_for_all_the_runs_not_for_one_round(monkeypatch):
    plans = []

    def serial(plan, tasks, done, failed, here=()):  # the runs in this process, noting the plan they were given
        plans.append(plan)
        return [fn(*args) for fn, args in tasks]

    monkeypatch.setattr(activations, "run_tasks", serial)
    monkeypatch.setattr("reportgen.workers.usable_cpus", lambda: 16)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        r = activations.run(SETTINGS, dataset(separable=True), "cpu", 0, 16, lambda label: None)
    finally:
        torch.set_num_threads(threads)
    # 32 runs in rounds of 8: one round's 8 would have got 8 workers of 2 threads, unlike a build of old
    assert (r.workers, r.worker_threads) == (16, 1)
    assert {(p.workers, p.threads) for p in plans[:len(SETTINGS.learning_rates)]} == {(16, 1)}


def _with_stopped_run(edit=lambda run: None, failed_init="he"):
    """A results file whose ReLU (default init) has a run at 0.3 stopped by rate 0.1's runs (175 + 185 = 360
    steps together), after `edit`; and a failed run under `failed_init`."""
    raw = json.loads(R.dumps(factories.results()))
    a = raw["activations"]
    run = {"activation": "relu", "learning_rate": 0.3, "seed": 0, "steps_to_target": None,
           "seconds_to_target": None, "diverged": False, "init": "default", "outpaced_by": 0.1,
           "curve": [{"step": 0, "seconds": 0.0, "train_accuracy": 0.1},
                     {"step": 400, "seconds": 0.2, "train_accuracy": 0.3}]}
    edit(run)
    a["runs"].append(run)
    a["failed"] = [{"activation": "relu", "learning_rate": 0.03, "seed": 1, "reason": "out of memory",
                    "init": failed_init}]
    return json.dumps(raw)


def test_a_stopped_run_loads_and_reads_as_stopped():
    r = R.loads(_with_stopped_run(), "results.json").activations
    assert tables.runs_table(r).rows[-1][4] == "stopped at 400 (rate 0.1 faster)"


@pytest.mark.parametrize("edit, failed_init, message", [
    (lambda run: run.update(outpaced_by=0.5), "he", "outpaced_by: 0.5 is not another rate"),
    (lambda run: run.update(outpaced_by=0.3), "he", "outpaced_by: 0.3 is not another rate"),
    (lambda run: run.update(steps_to_target=400, seconds_to_target=0.2), "he", "reached the target, diverged or ran"),
    (lambda run: run.update(diverged=True), "he", "reached the target, diverged or ran its whole budget"),
    (lambda run: run["curve"][-1].update(step=800), "he", "ran its whole budget was not stopped"),
    (lambda run: run["curve"][-1].update(step=300), "he",
     "the runs at rate 0.1 did not all reach the target in at most 300 steps together"),
    (lambda run: run.update(outpaced_by=0.03), "he", "the runs at rate 0.03 did not all reach the target"),
    (lambda run: None, "nonsense", "$.activations.failed[0].init: 'nonsense' is not an initialisation"),
    (lambda run: run.update(init="nonsense", outpaced_by=None), "he", "runs[12].init: 'nonsense' is not an"),
])
def test_a_run_the_report_would_misstate_is_refused_at_load_in_one_line(edit, failed_init, message):
    with pytest.raises(R.ResultsError) as refused:
        R.loads(_with_stopped_run(edit, failed_init), "results.json")
    assert message in str(refused.value) and len(str(refused.value).splitlines()) == 1


@pytest.mark.parametrize("rate", [0.0, 1e-320, 1e-39])
def test_a_learning_rate_training_would_flush_to_zero_is_refused(rate):
    raw = load_profile("quick")[1]
    raw["activations"]["learning_rates"] = [rate, 0.1]
    with pytest.raises(ProfileError, match=r"activations.learning_rates must be positive \(at least 1.2e-38\)"):
        parse_profile(raw, "p.toml")
    raw = load_profile("quick")[1]
    raw["data_scale"]["learning_rates"]["mlp_small"] = rate
    with pytest.raises(ProfileError, match=r"needs a positive rate \(at least 1.2e-38\) for each net, and has none "
                                           r"for mlp_small"):
        parse_profile(raw, "p.toml")
