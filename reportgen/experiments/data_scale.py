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
                chosen = {}
                if name in TRADITIONAL:
                    test, train, seconds, chosen = _fit_traditional(name, x, y, data, s, threads)
                else:
                    test, train, seconds = _fit_net(name, torch.from_numpy(x).to(device),
                                                    torch.from_numpy(y).to(device), x_test, y_test, settings, s,
                                                    classes)
                fits.append(Fit(learner=name, m=m, seed=s, test_accuracy=test, train_accuracy=train,
                                fit_seconds=seconds, chosen=chosen))
                advance(f"{LABELS[name]}, m={m}")
    learners = [Learner(name=n, label=LABELS[n], kind="traditional" if n in TRADITIONAL else "neural",
                        parameters=None if n in TRADITIONAL
                        else parameter_count(build_model(n, data.info.features, classes)))
                for n in p.learners]
    rates = {n: settings.learning_rates[n] for n in p.learners if n not in TRADITIONAL}
    budget = (f"neural nets: {settings.steps:,} Adam steps (batch {settings.batch_size}) at every m, no early "
              "stopping; logistic regression fitted to convergence with scikit-learn's defaults; "
              + (SVM_SELECTION if "svm_rbf" in p.learners else "no SVM"))
    return DataScaleResult(m_values=p.m_values, seeds=seeds, learners=learners, fits=fits, budget=budget,
                           svm_max_m=settings.svm_max_m, test_size=len(data.y_test), device=device, threads=threads,
                           data=data.info, learning_rates=rates, target_accuracy=settings.target_accuracy,
                           notes=p.notes, learning_rate_selection=settings.learning_rate_selection)


def _order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool that starts with one example of each class, so every subset has them all.

    Subsets are nested: for one seed, the examples at m are among those at every larger m.
    """
    order = rng.permutation(len(y))
    _, first = np.unique(y[order], return_index=True)
    return np.concatenate([order[np.sort(first)], np.delete(order, first)])


SVM_C = (1.0, 10.0, 100.0)  # the RBF SVM's C and gamma (as multiples of scikit-learn's "scale") are chosen
SVM_GAMMA = (1 / 3, 1.0, 3.0)  # by 3-fold cross-validation on the training subset: a small grid, but a fair one
SVM_CV_MAX_M = 1000  # above this the choice made on the subset's first 1,000 examples (a nested subset) is reused
SVM_SELECTION = (f"RBF SVM: C of {' or '.join(f'{c:g}' for c in SVM_C)} and gamma of "
                 f"{' or '.join(f'{g:.2g}' for g in SVM_GAMMA)} × scikit-learn's 'scale', by 3-fold cross-validation "
                 f"on the training subset, up to m = {SVM_CV_MAX_M:,}; above it the choice made on the subset's first "
                 f"{SVM_CV_MAX_M:,} examples is reused, since a search there would cost more than the fits")
_CHOSEN: dict[tuple, dict[str, float]] = {}  # cross-validation results by subset, so a reuse does not search again


def _fit_traditional(name: str, x: np.ndarray, y: np.ndarray, data: Dataset, seed: int, threads: int):
    with threadpool_limits(threads):  # keep BLAS from oversubscribing the cores torch also uses
        chosen = _svm_settings(x[:SVM_CV_MAX_M], y[:SVM_CV_MAX_M], seed) if name == "svm_rbf" else {}
        model = (LogisticRegression(max_iter=2000) if name == "logistic" else
                 SVC(kernel="rbf", C=chosen["C"], gamma=chosen["gamma"], random_state=seed))
        start = time.perf_counter()
        model.fit(x, y)
        seconds = time.perf_counter() - start  # the final fit only: the search is model selection, not cost
        return model.score(data.x_test, data.y_test), model.score(x, y), seconds, chosen


def _svm_settings(x: np.ndarray, y: np.ndarray, seed: int) -> dict[str, float]:
    """C and gamma by 3-fold stratified cross-validation on (x, y) alone; the test set is never seen."""
    import warnings

    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    key = (seed, len(y), hash(x.tobytes()), hash(y.tobytes()))
    if key not in _CHOSEN:
        scale = 1 / (x.shape[1] * x.var())  # scikit-learn's gamma="scale"
        search = GridSearchCV(SVC(kernel="rbf", random_state=seed),
                              {"C": list(SVM_C), "gamma": [g * scale for g in SVM_GAMMA]},
                              cv=StratifiedKFold(3, shuffle=True, random_state=seed))
        with warnings.catch_warnings():  # a class with fewer than 3 examples at the smallest m: folds miss it
            warnings.simplefilter("ignore", UserWarning)
            search.fit(x, y)
        _CHOSEN[key] = {"C": float(search.best_params_["C"]), "gamma": float(search.best_params_["gamma"])}
    return _CHOSEN[key]


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
