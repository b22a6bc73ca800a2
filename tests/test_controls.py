"""The controls the findings rest on: the SVM's settings chosen by cross-validation on the training subset alone,
and each activation run under PyTorch's default initialisation and under the one designed for it."""

import numpy as np
import pytest
import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.experiments import activations, data_scale
from reportgen.models import mlp
from reportgen.profile import ActivationsSettings
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


def test_the_svm_takes_c_and_gamma_from_the_grid_by_cross_validation(monkeypatch):
    data = _dataset()
    (fit,) = data_scale.fit_traditional("svm_rbf", 0, data.x_pool, data.y_pool, data.x_test, data.y_test)
    chosen = fit.chosen
    assert chosen["C"] in data_scale.SVM_C and 0.5 < fit.test_accuracy <= 1 and fit.fit_seconds > 0
    scale = 1 / (data.x_pool.shape[1] * data.x_pool.var())
    assert any(chosen["gamma"] == pytest.approx(g * scale) for g in data_scale.SVM_GAMMA)
    assert data_scale.fit_traditional("logistic", 0, data.x_pool, data.y_pool, data.x_test, data.y_test)[0].chosen == {}


def test_above_the_cap_the_choice_made_on_the_nested_subset_is_reused(monkeypatch):
    monkeypatch.setattr(data_scale, "SVM_CV_MAX_M", 80)
    data = _dataset()
    searched = []
    real = data_scale._svm_settings
    monkeypatch.setattr(data_scale, "_svm_settings", lambda x, y, seed: searched.append(len(y)) or real(x, y, seed))
    small = data_scale.fit_traditional("svm_rbf", 0, data.x_pool[:80], data.y_pool[:80], data.x_test,
                                       data.y_test)[0].chosen
    large = data_scale.fit_traditional("svm_rbf", 0, data.x_pool, data.y_pool, data.x_test, data.y_test)[0].chosen
    assert searched == [80, 80] and small == large  # the search never saw more than the first 80 examples


@pytest.mark.parametrize("init, variance", [("he", lambda i, o: 2 / i), ("glorot", lambda i, o: 2 / (i + o)),
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
    assert {(x.activation, x.init) for x in r.runs} == {("sigmoid", "default"), ("sigmoid", "glorot"),
                                                        ("relu", "default"), ("relu", "he")}
    profile = r.gradient("relu", 3, init="he")
    assert len(profile.ratios) == 2 * activations.GRADIENT_BATCHES  # two seeds, three probe batches each
    assert profile.ratio == pytest.approx(np.exp(np.mean(np.log(profile.ratios))))
