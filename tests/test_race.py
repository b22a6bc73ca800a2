"""The activations experiment's race to the target: rates tried from the middle out, and runs stopped once their
rate can no longer be the best, without changing which rate is."""

import factories
from test_fits import dataset

from reportgen import tables
from reportgen.experiments import activations
from reportgen.profile import ActivationsSettings
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
