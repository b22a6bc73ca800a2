"""The controls the findings rest on: the SVM's settings chosen by cross-validation on the training subset alone,
and each activation run under PyTorch's default initialisation and under the one designed for it."""

import numpy as np
import pytest
import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.experiments import activations, data_scale
from reportgen.models import mlp
from reportgen.profile import ActivationsSettings, DataScaleSettings
from reportgen.records.data import DataInfo


def _blobs(n, seed=0, features=4):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = (rng.normal(size=(n, features)) + 1.5 * y[:, None]).astype(np.float32)
    return x, y


def _dataset(n=200):
    x, y = _blobs(n)
    x_test, y_test = _blobs(100, seed=1)
    info = DataInfo(name="blobs", generator="test", generator_args={}, pool_size=n, test_size=100,
                    from_cache=False, features=4, classes=2, sequence=False)
    return Dataset(x, y, x_test, y_test, info)


def _fit(name, data, seed=0, rows=slice(None)):
    x, y = data.x_pool[rows], data.y_pool[rows]
    return data_scale.fit_traditional(name, [seed], x, y, data.x_test, data.y_test,
                                      data_scale.search(name, seed, x[:data_scale.SEARCH_MAX_M],
                                                        y[:data_scale.SEARCH_MAX_M]))[0]


def test_the_traditional_learners_take_their_settings_from_their_grids_by_cross_validation():
    data = _dataset()
    fit = _fit("svm_rbf", data)
    grid = data_scale.GRIDS["svm_rbf"]
    assert set(fit.chosen) == {"C", "gamma_scale"} and 0.5 < fit.test_accuracy <= 1 and fit.fit_seconds > 0
    assert fit.chosen["C"] in grid["C"] and fit.chosen["gamma_scale"] in grid["gamma_scale"]
    fit = _fit("logistic", data)
    assert set(fit.chosen) == {"C"} and fit.chosen["C"] in data_scale.GRIDS["logistic"]["C"]


def test_the_search_finds_the_setting_that_scores_best_on_the_folds(monkeypatch):
    """A gamma of 10,000 × 'scale' makes every training point an island of its own, which predicts nothing on a
    held-out fold: the search picks 1 × 'scale' whichever comes first in the grid."""
    data = _dataset()
    for gammas in ([1e4, 1.0], [1.0, 1e4]):
        monkeypatch.setattr(data_scale, "GRIDS", {"svm_rbf": {"C": [1.0], "gamma_scale": gammas}})
        assert data_scale.search("svm_rbf", 1, data.x_pool, data.y_pool) == {"C": 1.0, "gamma_scale": 1.0}, gammas


def test_a_failed_search_fails_its_fits_with_the_reason():
    data = _dataset()
    (fit,) = data_scale.fit_traditional("svm_rbf", [0], data.x_pool, data.y_pool, data.x_test, data.y_test,
                                        ValueError("only one class"))
    assert fit.reason == "failed: ValueError: only one class" and not hasattr(fit, "test_accuracy")


def test_each_subset_is_searched_once_and_above_the_cap_on_its_first_examples(monkeypatch):
    monkeypatch.setattr(data_scale, "SEARCH_MAX_M", 80)
    data = _dataset()
    searched = []
    real = data_scale.search
    monkeypatch.setattr(data_scale, "search", lambda name, seed, x, y: searched.append((name, seed, len(y))) or
                        real(name, seed, x, y))
    plan = data_scale.Plan([50, 80, 120, 200], ["svm_rbf"], [], 200)
    orders = {s: np.arange(200) for s in (0, 1)}
    found = data_scale._search_all(["svm_rbf"], plan, [0, 1], orders, data, threads=1, workers=1)
    assert sorted(searched) == [("svm_rbf", s, k) for s in (0, 1) for k in (50, 80)]  # not again at 120 and 200
    assert set(found) == {("svm_rbf", s, k) for s in (0, 1) for k in (50, 80)}


def test_seeds_share_a_traditional_fit_only_where_each_trains_on_the_whole_pool_with_the_same_settings():
    c, other = {"C": 1.0}, {"C": 10.0}
    assert data_scale._fit_groups([0, 1, 2], [c, c, c], whole_pool=False) == [[0], [1], [2]]
    assert data_scale._fit_groups([0, 1, 2], [c, other, c], whole_pool=True) == [[0, 2], [1]]
    assert data_scale._fit_groups([0, 1], [ValueError("x"), ValueError("x")], whole_pool=True) == [[0], [1]]


def test_a_shared_fit_is_each_seeds_fit_at_the_whole_pool_and_said_so(monkeypatch):
    """Two seeds, the whole pool at the largest m: the SVM is fitted once there and both seeds carry that fit (the
    same settings, accuracies and time); below it each seed fits its own subset. The notes say which were shared."""
    monkeypatch.setattr(data_scale, "GRIDS", {"svm_rbf": {"C": [1.0], "gamma_scale": [1.0]}})
    data = _dataset()
    settings = DataScaleSettings(m=[50, 200], seeds=2, learners=["svm_rbf"], steps=1, batch_size=10, svm_max_m=200,
                                 learning_rates={})
    r = data_scale.run(settings, data, "cpu", 0, 1, lambda _: None, workers=1)
    at = {m: [f for f in r.fits if f.m == m] for m in (50, 200)}
    assert [f.seed for f in at[200]] == [0, 1] and len(r.fits) == 4
    first, second = at[200]
    assert (first.chosen, first.test_accuracy, first.fit_seconds) == (
        second.chosen, second.test_accuracy, second.fit_seconds)
    assert any("share one fit: SVM (RBF kernel) for seeds 0, 1." in n for n in r.notes), r.notes
    assert at[50][0].fit_seconds != at[50][1].fit_seconds


@pytest.mark.parametrize("init, variance", [("he", lambda i, o: 2 / i), ("glorot", lambda i, o: 2 / (i + o)),
                                            ("glorot4", lambda i, o: 32 / (i + o)),
                                            ("default", lambda i, o: 1 / (3 * i))])
def test_each_initialisation_draws_the_variance_it_was_designed_for(init, variance):
    torch.manual_seed(0)
    model = activations.initialise(mlp([256, 256], "relu"), init)
    for layer in (x for x in model if isinstance(x, nn.Linear)):
        fan_out, fan_in = layer.weight.shape
        assert float(layer.weight.detach().var()) == pytest.approx(variance(fan_in, fan_out), rel=0.15)
        if init != "default":
            assert float(layer.bias.detach().abs().max()) == 0


def test_the_experiment_runs_every_activation_under_both_initialisations():
    settings = ActivationsSettings(["sigmoid", "relu"], width=16, depths=[2, 3], gradient_batch=20, trained_steps=5,
                                   train_depth=2, train_examples=90, target_accuracy=0.99, max_steps=10,
                                   learning_rates=[0.1], seeds=2, eval_every=5)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(90, 40)).astype(np.float32), rng.integers(0, 10, 90)
    data = Dataset(x, y, x[:10], y[:10], DataInfo(name="noise", generator="test", generator_args={}, pool_size=90,
                                                  test_size=10, from_cache=False))
    ticks = []
    r = activations.run(settings, data, "cpu", 0, 1, ticks.append)
    assert len(ticks) == activations.units(settings)
    assert {(x.activation, x.init) for x in r.runs} == {("sigmoid", "default"), ("sigmoid", "glorot4"),
                                                        ("relu", "default"), ("relu", "he")}
    profile = r.gradient("relu", 3, init="he")
    assert len(profile.ratios) == 2 * activations.GRADIENT_BATCHES  # two seeds, three probe batches each
    assert profile.ratio == pytest.approx(np.exp(np.mean(np.log(profile.ratios))))
