"""The activations experiment's records: gradients per layer across depth, and runs to a target accuracy."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

SATURATION = 0.1  # a unit counts as saturated where its slope is below this fraction of the maximum slope
# Each activation is run under PyTorch's default initialisation and under the one designed for it, so that what
# the activation does can be told apart from what the initial weights' scale does.
INITS = {
    "default": "PyTorch's default (weights uniform in ±1/sqrt(fan-in), a sixth of He's variance)",
    "he": "He/Kaiming (normal, variance 2/fan-in, biases 0; He et al. 2015, for ReLU)",
    "glorot": "Glorot/Xavier (uniform, gain 1, variance 2/(fan-in + fan-out), biases 0; Glorot and Bengio 2010)",
    "glorot4": ("Glorot/Xavier with gain 4 (uniform, variance 16 × 2/(fan-in + fan-out), biases 0): the scale for "
                "sigmoid, whose slope at zero is 1/4 where tanh's is 1"),
}
# The initialisation each activation was made for. Sigmoid's is Glorot's with gain 4: gain 1 is derived for a slope
# of 1 at zero, and sigmoid's is 1/4, so under gain 1 each layer shrinks the backward signal by about 4 on top of
# whatever the activation does (files before schema 4 ran sigmoid under gain 1: LEGACY_DESIGNED).
DESIGNED = {"relu": "he", "sigmoid": "glorot4", "tanh": "glorot"}
LEGACY_DESIGNED = {"sigmoid": "glorot"}


@dataclass(frozen=True, kw_only=True)
class GradientProfile:
    activation: str
    depth: int  # hidden layers
    stage: str  # "init" or "trained"
    mean_abs_grad: list[float]  # mean |dL/dW| per weight matrix, input layer first (mean over the samples)
    saturated: list[float]  # fraction of (unit, example) pairs with a slope below SATURATION, per hidden layer
    init: str = "default"  # a key of INITS
    ratios: list[float] = field(default_factory=list)  # output/input ratio per (seed, probe batch), seeds outer

    @property
    def ratio(self) -> float:
        """Output-layer gradient over input-layer gradient: how much the signal shrinks on its way down (the
        geometric mean over the samples where there are several).

        Infinite when the input layer's gradient underflowed to zero (it vanished entirely); NaN when there is no
        signal to compare (no layers, or no gradient at the output either).
        """
        grads = self.mean_abs_grad
        if not grads or grads[-1] == 0:
            return math.nan
        if grads[0] <= 0:
            return math.inf
        if self.ratios and all(r > 0 and math.isfinite(r) for r in self.ratios):
            return math.exp(statistics.fmean(math.log(r) for r in self.ratios))
        return grads[-1] / grads[0]

    @property
    def samples(self) -> list[float]:
        """Each (seed, batch) sample's ratio; the pooled ratio alone where it is not finite or none were kept."""
        return self.ratios if self.ratios and math.isfinite(self.ratio) else [self.ratio]


@dataclass(frozen=True, kw_only=True)
class CurvePoint:
    step: int
    seconds: float  # training time so far, evaluation excluded
    train_accuracy: float


@dataclass(frozen=True, kw_only=True)
class ConvergenceRun:
    activation: str
    learning_rate: float
    seed: int
    steps_to_target: int | None  # None: not reached within the budget, or before the run was stopped (outpaced_by)
    seconds_to_target: float | None
    curve: list[CurvePoint]
    diverged: bool  # the weights went non-finite: the rate is too high for this activation
    init: str = "default"  # a key of INITS
    # The rate whose runs all reached the target in no more steps together than this run took without reaching
    # it, where it was stopped: its own rate could no longer be the best (reportgen/experiments/activations.py, cap).
    outpaced_by: float | None = None  # the rate that outpaced this run, which stopped there (None: not stopped)


@dataclass(frozen=True, kw_only=True)
class FailedRun:
    activation: str
    learning_rate: float
    seed: int
    reason: str  # "out of memory", or the error in one line
    init: str | None = None  # a key of INITS (None: not recorded, in files before schema 7)


@dataclass(frozen=True, kw_only=True)
class ActivationsResult:
    activations: list[str]
    width: int
    depths: list[int]
    train_depth: int
    train_examples: int
    target_accuracy: float
    max_steps: int
    learning_rates: list[float]
    seeds: list[int]
    init: str
    optimizer: str
    gradients: list[GradientProfile]  # at initialisation, and after `trained_steps` at the best rate
    runs: list[ConvergenceRun]
    device: str
    threads: int
    trained_steps: int = 0
    precision: str | None = None  # "fp32": TF32 off on CUDA; None: not recorded (files before schema v3)
    failed: list[FailedRun] = field(default_factory=list)  # training runs that raised; the others still ran
    workers: int = 1  # processes running the training runs side by side
    worker_threads: int | None = None  # torch threads in each (None: not recorded, the run's threads)

    def gradient(self, activation: str, depth: int, stage: str = "init", init: str = "default") -> GradientProfile | None:
        return next((g for g in self.gradients if (g.activation, g.depth, g.stage, g.init)
                     == (activation, depth, stage, init)), None)

    def best_learning_rate(self, activation: str, init: str = "default") -> float | None:
        return best_learning_rate(self.runs, activation, self.learning_rates, init) if self.learning_rates else None

    def best_runs(self, activation: str, init: str = "default") -> list[ConvergenceRun]:
        lr = self.best_learning_rate(activation, init)
        return [r for r in self.runs if (r.activation, r.learning_rate, r.init) == (activation, lr, init)]

    @property
    def stopped(self) -> bool:
        """Some run was stopped once its rate could no longer be the best (ConvergenceRun.outpaced_by)."""
        return any(run.outpaced_by is not None for run in self.runs)

    def has_init(self, activation: str, init: str) -> bool:
        return any(r.activation == activation and r.init == init for r in self.runs)


def best_learning_rate(runs: list[ConvergenceRun], activation: str, rates: list[float], init: str = "default") -> float:
    """The rate whose runs reach the target in the fewest steps (not reached counts as never)."""
    def cost(lr):
        mine = [r for r in runs if r.activation == activation and r.learning_rate == lr and r.init == init]
        if not mine:
            return (1, 0.0, 0.0)
        reached = [r.steps_to_target for r in mine if r.steps_to_target is not None]
        return (-len(reached), sum(reached) / len(reached) if reached else 0.0,
                -max((r.curve[-1].train_accuracy for r in mine if r.curve), default=0.0))
    return min(rates, key=cost)
