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
from reportgen.learners import LABELS, TRADITIONAL
from reportgen.models import build_model, parameter_count
from reportgen.profile import DataScaleSettings
from reportgen.records.data import DataInfo
from reportgen.records.data_scale import DataScaleResult, Fit, Learner
from reportgen.training import accuracy, seed_everything, train_steps


@dataclass(frozen=True)
class Plan:
    m_values: list[int]
    learners: list[str]
    notes: list[str]
    svm_max_m: int

    def runs_for(self, learner: str) -> list[int]:
        return [m for m in self.m_values if learner != "svm_rbf" or m <= self.svm_max_m]

    def units(self, seeds: int) -> int:
        return seeds * sum(len(self.runs_for(x)) for x in self.learners)


def plan(settings: DataScaleSettings, info: DataInfo) -> Plan:
    """The grid and learners that fit this data: m no larger than the pool, a CNN only for sequences."""
    notes = []
    m_values = [m for m in settings.m if m <= info.pool_size]
    if len(m_values) < len(settings.m):
        if not m_values or m_values[-1] < info.pool_size:
            m_values.append(info.pool_size)
        if len(m_values) < 4:
            m_values = sorted({round(float(m)) for m in np.geomspace(min(100, info.pool_size // 8), info.pool_size, 6)})
        notes.append(f"The pool holds {info.pool_size:,} training examples, so m runs up to {m_values[-1]:,}.")
    learners = list(settings.learners)
    if "cnn" in learners and not info.sequence:
        learners.remove("cnn")
        notes.append("The CNN was left out: it needs examples that are 1-D sequences, and this data is a table.")
    if "svm_rbf" in learners and m_values[-1] > settings.svm_max_m:
        notes.append(f"The RBF SVM was run only up to m = {settings.svm_max_m:,}: its fit time grows faster than m.")
    return Plan(m_values, learners, notes, settings.svm_max_m)


def run(settings: DataScaleSettings, data: Dataset, device: str, seed: int, threads: int, advance) -> DataScaleResult:
    p = plan(settings, data.info)
    classes = data.info.classes
    x_test = torch.from_numpy(data.x_test).to(device)
    y_test = torch.from_numpy(data.y_test).to(device)
    seeds = [seed + i for i in range(settings.seeds)]
    fits = []
    for s in seeds:
        order = _order(data.y_pool, np.random.default_rng(s))
        for m in p.m_values:
            x, y = data.x_pool[order[:m]], data.y_pool[order[:m]]
            for name in p.learners:
                if m not in p.runs_for(name):
                    continue
                if name in TRADITIONAL:
                    test, train, seconds = _fit_traditional(name, x, y, data, s, threads)
                else:
                    test, train, seconds = _fit_net(name, torch.from_numpy(x).to(device),
                                                    torch.from_numpy(y).to(device), x_test, y_test, settings, s,
                                                    classes)
                fits.append(Fit(learner=name, m=m, seed=s, test_accuracy=test, train_accuracy=train,
                                fit_seconds=seconds))
                advance(f"{LABELS[name]}, m={m}")
    learners = [Learner(name=n, label=LABELS[n], kind="traditional" if n in TRADITIONAL else "neural",
                        parameters=None if n in TRADITIONAL
                        else parameter_count(build_model(n, data.info.features, classes)))
                for n in p.learners]
    rates = {n: settings.learning_rates[n] for n in p.learners if n not in TRADITIONAL}
    budget = (f"neural nets: {settings.steps:,} Adam steps (batch {settings.batch_size}) at every m, no early "
              f"stopping; logistic regression and SVM fitted to convergence with scikit-learn defaults")
    return DataScaleResult(m_values=p.m_values, seeds=seeds, learners=learners, fits=fits, budget=budget,
                           svm_max_m=settings.svm_max_m, test_size=len(data.y_test), device=device, threads=threads,
                           data=data.info, learning_rates=rates, target_accuracy=settings.target_accuracy,
                           notes=p.notes)


def _order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool that starts with one example of each class, so every subset has them all.

    Subsets are nested: for one seed, the examples at m are among those at every larger m.
    """
    order = rng.permutation(len(y))
    _, first = np.unique(y[order], return_index=True)
    return np.concatenate([order[np.sort(first)], np.delete(order, first)])


def _fit_traditional(name: str, x: np.ndarray, y: np.ndarray, data: Dataset, seed: int, threads: int):
    model = LogisticRegression(max_iter=2000) if name == "logistic" else SVC(kernel="rbf", random_state=seed)
    with threadpool_limits(threads):  # keep BLAS from oversubscribing the cores torch also uses
        start = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - start
        return model.score(data.x_test, data.y_test), model.score(x, y), seconds


def _fit_net(name, x, y, x_test, y_test, settings: DataScaleSettings, seed: int, classes: int):
    seed_everything(seed)
    model = build_model(name, x.shape[1], classes).to(x.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.learning_rates[name])
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    train_steps(model, optimizer, x, y, settings.steps, settings.batch_size, generator)
    synchronizer(str(x.device))()
    seconds = time.perf_counter() - start
    return accuracy(model, x_test, y_test), accuracy(model, x, y), seconds
