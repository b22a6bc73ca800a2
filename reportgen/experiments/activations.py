"""Sigmoid, tanh and ReLU: gradient magnitude per layer across depth, saturation, and time to a target."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.devices import synchronizer
from reportgen.models import mlp
from reportgen.profile import ActivationsSettings
from reportgen.training import accuracy, seed_everything, train_steps

INIT = "PyTorch default: weights uniform in +-1/sqrt(fan-in), the same draw for every activation"
SATURATION = 0.1  # a unit counts as saturated where its slope is below this fraction of the maximum slope
BATCH = 100
MOMENTUM = 0.9


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class CurvePoint:
    step: int
    seconds: float  # training time so far, evaluation excluded
    train_accuracy: float


@dataclass(frozen=True)
class ConvergenceRun:
    activation: str
    learning_rate: float
    seed: int
    steps_to_target: int | None  # None: not reached within the budget
    seconds_to_target: float | None
    curve: list[CurvePoint]
    diverged: bool  # the weights went non-finite: the rate is too high for this activation


@dataclass(frozen=True)
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
        reached = [r.steps_to_target for r in mine if r.steps_to_target is not None]
        return (-len(reached), sum(reached) / len(reached) if reached else 0.0,
                -max((r.curve[-1].train_accuracy for r in mine if r.curve), default=0.0))
    return min(rates, key=cost)


def units(settings: ActivationsSettings) -> int:
    return len(settings.activations) * (2 * len(settings.depths) + len(settings.learning_rates) * settings.seeds)


def run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
        advance) -> ActivationsResult:
    n = min(settings.train_examples, len(data.y_pool))
    x = torch.from_numpy(data.x_pool[:n]).to(device)
    y = torch.from_numpy(data.y_pool[:n]).to(device)
    probe = slice(0, min(settings.gradient_batch, n))
    gradients, runs = [], []
    for activation in settings.activations:
        for lr in settings.learning_rates:
            for s in range(seed, seed + settings.seeds):
                seed_everything(s)
                model = mlp([settings.width] * settings.train_depth, activation).to(device)
                runs.append(_train_to_target(model, activation, lr, s, x, y, settings))
                advance(f"training: {activation}, learning rate {lr:g}")
        best = best_learning_rate(runs, activation, settings.learning_rates)
        for depth in settings.depths:
            seed_everything(seed)  # the same weights for every activation at this depth
            model = mlp([settings.width] * depth, activation).to(device)
            gradients.append(_gradient_profile(model, activation, depth, "init", x[probe], y[probe]))
            advance(f"gradients: {activation}, {depth} layers")
            optimizer = torch.optim.SGD(model.parameters(), lr=best, momentum=MOMENTUM)
            train_steps(model, optimizer, x, y, settings.trained_steps, BATCH, torch.Generator().manual_seed(seed))
            if all(bool(torch.isfinite(p).all()) for p in model.parameters()):
                gradients.append(_gradient_profile(model, activation, depth, "trained", x[probe], y[probe]))
            advance(f"gradients after training: {activation}, {depth} layers")
    optimizer = f"SGD with momentum {MOMENTUM}, batch {BATCH}"
    return ActivationsResult(list(settings.activations), settings.width, list(settings.depths),
                             settings.train_depth, n, settings.target_accuracy, settings.max_steps,
                             list(settings.learning_rates), list(range(seed, seed + settings.seeds)), INIT,
                             optimizer, gradients, runs, device, threads, settings.trained_steps)


def _gradient_profile(model: nn.Sequential, activation: str, depth: int, stage: str, x, y) -> GradientProfile:
    model.zero_grad(set_to_none=True)
    saturated = []
    h = x
    for layer in model:
        if isinstance(layer, nn.Linear):
            h = layer(h)
        else:
            saturated.append(float((_slope(activation, h.detach()) < SATURATION * _MAX_SLOPE[activation])
                                   .float().mean()))
            h = layer(h)
    nn.functional.cross_entropy(h, y).backward()
    grads = [float(layer.weight.grad.abs().mean()) for layer in model if isinstance(layer, nn.Linear)]
    model.zero_grad(set_to_none=True)
    return GradientProfile(activation, depth, stage, grads, saturated)


_MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def _slope(activation: str, z: torch.Tensor) -> torch.Tensor:
    if activation == "sigmoid":
        s = torch.sigmoid(z)
        return s * (1 - s)
    if activation == "tanh":
        return 1 - torch.tanh(z) ** 2
    return (z > 0).float()


def _train_to_target(model, activation, lr, seed, x, y, settings: ActivationsSettings) -> ConvergenceRun:
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
    generator = torch.Generator().manual_seed(seed)
    sync = synchronizer(device=str(x.device))
    curve = [CurvePoint(0, 0.0, accuracy(model, x, y))]
    step, seconds = 0, 0.0
    diverged = False
    while step < settings.max_steps and curve[-1].train_accuracy < settings.target_accuracy and not diverged:
        chunk = min(settings.eval_every, settings.max_steps - step)
        start = time.perf_counter()
        train_steps(model, optimizer, x, y, chunk, BATCH, generator)
        sync()
        seconds += time.perf_counter() - start
        step += chunk
        diverged = not all(bool(torch.isfinite(p).all()) for p in model.parameters())
        curve.append(CurvePoint(step, seconds, 0.0 if diverged else accuracy(model, x, y)))
    reached = curve[-1].train_accuracy >= settings.target_accuracy
    return ConvergenceRun(activation, lr, seed, step if reached else None, seconds if reached else None, curve,
                          diverged)
