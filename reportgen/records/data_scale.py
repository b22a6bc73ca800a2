"""The scale-of-data experiment's records: every learner's fit at every m and seed."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.records.data import DataInfo
from reportgen.stats import Spread


@dataclass(frozen=True, kw_only=True)
class Learner:
    name: str
    label: str
    kind: str  # "traditional" or "neural"
    parameters: int | None  # trainable parameters of a neural net


@dataclass(frozen=True, kw_only=True)
class Fit:
    learner: str
    m: int
    seed: int
    test_accuracy: float
    train_accuracy: float
    fit_seconds: float


@dataclass(frozen=True, kw_only=True)
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
    data: DataInfo | None = None  # which data the curves are on (MNIST-1D or the user's file)
    learning_rates: dict[str, float] = field(default_factory=dict)
    target_accuracy: float | None = None  # the accuracy whose data needs the report projects
    notes: list[str] = field(default_factory=list)  # learners or points left out, and why

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
