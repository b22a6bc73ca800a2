"""The activations experiment's records: gradients per layer across depth, and runs to a target accuracy."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

SATURATION = 0.1  # a unit counts as saturated where its slope is below this fraction of the maximum slope


@dataclass(frozen=True, kw_only=True)
class GradientProfile:
    activation: str
    depth: int  # hidden layers
    stage: str  # "init" or "trained"
    mean_abs_grad: list[float]  # mean |dL/dW| per weight matrix, input layer first
    saturated: list[float]  # fraction of (unit, example) pairs with a slope below SATURATION, per hidden layer

    @property
    def ratio(self) -> float:
        """Output-layer gradient over input-layer gradient: how much the signal shrinks on its way down.

        Infinite when the input layer's gradient underflowed to zero (it vanished entirely); NaN when there is no
        signal to compare (no layers, or no gradient at the output either).
        """
        grads = self.mean_abs_grad
        if not grads or grads[-1] == 0:
            return math.nan
        return grads[-1] / grads[0] if grads[0] > 0 else math.inf


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
    steps_to_target: int | None  # None: not reached within the budget
    seconds_to_target: float | None
    curve: list[CurvePoint]
    diverged: bool  # the weights went non-finite: the rate is too high for this activation


@dataclass(frozen=True, kw_only=True)
class FailedRun:
    activation: str
    learning_rate: float
    seed: int
    reason: str  # "out of memory", or the error in one line


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

    def gradient(self, activation: str, depth: int, stage: str = "init") -> GradientProfile | None:
        return next((g for g in self.gradients
                     if g.activation == activation and g.depth == depth and g.stage == stage), None)

    def best_learning_rate(self, activation: str) -> float | None:
        return best_learning_rate(self.runs, activation, self.learning_rates) if self.learning_rates else None

    def best_runs(self, activation: str) -> list[ConvergenceRun]:
        lr = self.best_learning_rate(activation)
        return [r for r in self.runs if r.activation == activation and r.learning_rate == lr]


def best_learning_rate(runs: list[ConvergenceRun], activation: str, rates: list[float]) -> float:
    """The rate whose runs reach the target in the fewest steps (not reached counts as never)."""
    def cost(lr):
        mine = [r for r in runs if r.activation == activation and r.learning_rate == lr]
        if not mine:  # every run at this rate failed
            return (1, 0.0, 0.0)
        reached = [r.steps_to_target for r in mine if r.steps_to_target is not None]
        return (-len(reached), sum(reached) / len(reached) if reached else 0.0,
                -max((r.curve[-1].train_accuracy for r in mine if r.curve), default=0.0))
    return min(rates, key=cost)
