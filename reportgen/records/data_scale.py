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
    fit_seconds: float  # wall time; an ensemble's is shared among its nets by their steps
    cpu_seconds: float | None = None  # CPU time of the fit (None: not recorded, or trained on an accelerator)
    steps: int | None = None  # Adam steps a net took (fewer than the budget when the stop rule ended it)
    chosen: dict[str, float] = field(default_factory=dict)  # settings chosen by cross-validation: a traditional
    # learner's C, and the SVM's gamma as a multiple of scikit-learn's 'scale' (gamma_scale)

    @property
    def cost_seconds(self) -> float:
        """What the fit cost: its CPU time where recorded, which side-by-side fits do not inflate."""
        return self.fit_seconds if self.cpu_seconds is None else self.cpu_seconds


@dataclass(frozen=True, kw_only=True)
class FailedFit:
    learner: str
    m: int
    seed: int
    reason: str  # "out of memory", or the error in one line


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
    precision: str | None = None  # of the neural nets ("fp32": TF32 off on CUDA); None: not recorded (before v3)
    failed: list[FailedFit] = field(default_factory=list)  # fits that raised; the others still ran
    workers: int = 1  # processes fitting side by side
    worker_threads: int | None = None  # torch and BLAS threads in each (None: not recorded, the run's threads)
    batched: list[str] = field(default_factory=list)  # nets trained as one batched ensemble per seed
    stopping: str = ""  # the nets' early-stopping rule in words ("": none)
    learning_rate_selection: str = ""  # how the nets' learning rates were chosen (from the profile)
    grids: dict[str, dict[str, list[float]]] = field(default_factory=dict)  # by learner, each setting's values
    # searched by cross-validation (the keys of a fit's `chosen`); a choice at a grid's edge is flagged
    bf16_fits: list[Fit] = field(default_factory=list)  # the large MLP at one m under bf16 autocast, per seed
    # (the same examples, initialisation and minibatches as its fp32 fit there; empty: not run, or before v4)
    bf16_not_run: str = ""  # why the bf16 accuracy check did not run or is short of a seed ("": it ran)

    def accuracy(self, learner: str, m: int) -> Spread | None:
        values = [f.test_accuracy for f in self.fits if f.learner == learner and f.m == m]
        return Spread.of(values) if values else None

    def fit_seconds(self, learner: str, m: int) -> Spread | None:
        """The cost of a fit: CPU seconds where recorded, else wall seconds."""
        values = [f.cost_seconds for f in self.fits if f.learner == learner and f.m == m]
        return Spread.of(values) if values else None

    def learner(self, name: str) -> Learner:
        return next(x for x in self.learners if x.name == name)

    def m_run(self, learner: str) -> list[int]:
        """The m values this learner was fitted at (the SVM stops at its cap)."""
        return [m for m in self.m_values if self.accuracy(learner, m) is not None]
