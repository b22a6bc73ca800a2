"""Scale of data: test accuracy against the number of labelled training examples m, per learner."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from reportgen.data import Dataset
from reportgen.devices import synchronizer
from reportgen.models import LABELS, TRADITIONAL, build_model, parameter_count
from reportgen.profile import DataScaleSettings
from reportgen.stats import Spread
from reportgen.training import accuracy, seed_everything, train_steps


@dataclass(frozen=True)
class Learner:
    name: str
    label: str
    kind: str  # "traditional" or "neural"
    parameters: int | None  # trainable parameters of a neural net


@dataclass(frozen=True)
class Fit:
    learner: str
    m: int
    seed: int
    test_accuracy: float
    train_accuracy: float
    fit_seconds: float


@dataclass(frozen=True)
class DataScaleResult:
    m_values: list[int]
    seeds: list[int]
    learners: list[Learner]
    fits: list[Fit]
    budget: str  # the training budget policy, in words
    svm_max_m: int
    test_size: int
    device: str
    threads: int

    def accuracy(self, learner: str, m: int) -> Spread | None:
        values = [f.test_accuracy for f in self.fits if f.learner == learner and f.m == m]
        return Spread.of(values) if values else None

    def fit_seconds(self, learner: str, m: int) -> Spread | None:
        values = [f.fit_seconds for f in self.fits if f.learner == learner and f.m == m]
        return Spread.of(values) if values else None

    def learner(self, name: str) -> Learner:
        return next(x for x in self.learners if x.name == name)

    def m_run(self, learner: str) -> list[int]:
        """The m values this learner was fitted at (the SVM stops at its cap)."""
        return [m for m in self.m_values if self.accuracy(learner, m) is not None]


def runs_for(settings: DataScaleSettings, learner: str) -> list[int]:
    if learner == "svm_rbf":
        return [m for m in settings.m if m <= settings.svm_max_m]
    return list(settings.m)


def units(settings: DataScaleSettings) -> int:
    return settings.seeds * sum(len(runs_for(settings, x)) for x in settings.learners)


def run(settings: DataScaleSettings, data: Dataset, device: str, seed: int, threads: int, advance) -> DataScaleResult:
    x_test = torch.from_numpy(data.x_test).to(device)
    y_test = torch.from_numpy(data.y_test).to(device)
    seeds = [seed + i for i in range(settings.seeds)]
    fits = []
    for s in seeds:
        # Nested subsets: for one seed, the examples at m are among those at every larger m.
        order = np.random.default_rng(s).permutation(len(data.y_pool))
        for m in settings.m:
            x, y = data.x_pool[order[:m]], data.y_pool[order[:m]]
            for name in settings.learners:
                if m not in runs_for(settings, name):
                    continue
                if name in TRADITIONAL:
                    fit = _fit_traditional(name, x, y, data, s, threads)
                else:
                    fit = _fit_net(name, torch.from_numpy(x).to(device), torch.from_numpy(y).to(device),
                                   x_test, y_test, settings, s)
                fits.append(Fit(name, m, s, *fit))
                advance(f"{LABELS[name]}, m={m}")
    learners = [Learner(n, LABELS[n], "traditional" if n in TRADITIONAL else "neural",
                        None if n in TRADITIONAL else parameter_count(build_model(n))) for n in settings.learners]
    budget = (f"neural nets: {settings.steps} Adam steps (learning rate {settings.learning_rate:g}, batch "
              f"{settings.batch_size}) at every m, no early stopping; logistic regression and SVM fitted to "
              f"convergence with scikit-learn defaults")
    return DataScaleResult(list(settings.m), seeds, learners, fits, budget, settings.svm_max_m,
                           len(data.y_test), device, threads)


def _fit_traditional(name: str, x: np.ndarray, y: np.ndarray, data: Dataset, seed: int, threads: int):
    model = LogisticRegression(max_iter=2000) if name == "logistic" else SVC(kernel="rbf", random_state=seed)
    with threadpool_limits(threads):  # keep BLAS from oversubscribing the cores torch also uses
        start = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - start
        return model.score(data.x_test, data.y_test), model.score(x, y), seconds


def _fit_net(name, x, y, x_test, y_test, settings: DataScaleSettings, seed: int):
    seed_everything(seed)
    model = build_model(name).to(x.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rate)
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    train_steps(model, optimizer, x, y, settings.steps, settings.batch_size, generator)
    synchronizer(str(x.device))()
    seconds = time.perf_counter() - start
    return accuracy(model, x_test, y_test), accuracy(model, x, y), seconds
