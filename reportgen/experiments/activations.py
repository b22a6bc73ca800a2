"""Sigmoid, tanh and ReLU: gradient magnitude per layer across depth, saturation, and time to a target."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.devices import synchronizer
from reportgen.models import mlp
from reportgen.profile import ActivationsSettings
from reportgen.training import accuracy, seed_everything, train_steps

# Each activation is run under PyTorch's default initialisation and under the one designed for it, so that what
# the activation does can be told apart from what the initial weights' scale does.
INITS = {
    "default": "PyTorch's default (weights uniform in ±1/sqrt(fan-in), a sixth of He's variance)",
    "he": "He/Kaiming (normal, variance 2/fan-in, biases 0; He et al. 2015, for ReLU)",
    "glorot": "Glorot/Xavier (uniform, variance 2/(fan-in + fan-out), biases 0; Glorot and Bengio 2010)",
}
DESIGNED = {"relu": "he", "sigmoid": "glorot", "tanh": "glorot"}  # the initialisation each activation was made for
INIT = "; ".join(f"{name}: {words}" for name, words in INITS.items())
GRADIENT_BATCHES = 3  # disjoint probe batches per seed: a ratio from one batch of one draw of weights can mislead
SATURATION = 0.1  # a unit counts as saturated where its slope is below this fraction of the maximum slope
BATCH = 100
MOMENTUM = 0.9


@dataclass(frozen=True)
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
        geometric mean over the samples where there are several)."""
        if self.ratios and all(r > 0 for r in self.ratios):
            return math.exp(statistics.fmean(math.log(r) for r in self.ratios))
        return self.mean_abs_grad[-1] / self.mean_abs_grad[0] if self.mean_abs_grad[0] else math.inf

    @property
    def samples(self) -> list[float]:
        return self.ratios or [self.ratio]


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
    init: str = "default"  # a key of INITS


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

    def gradient(self, activation: str, depth: int, stage: str = "init", init: str = "default") -> GradientProfile | None:
        return next((g for g in self.gradients if (g.activation, g.depth, g.stage, g.init)
                     == (activation, depth, stage, init)), None)

    def best_learning_rate(self, activation: str, init: str = "default") -> float:
        return best_learning_rate(self.runs, activation, self.learning_rates, init)

    def best_runs(self, activation: str, init: str = "default") -> list[ConvergenceRun]:
        lr = self.best_learning_rate(activation, init)
        return [r for r in self.runs if (r.activation, r.learning_rate, r.init) == (activation, lr, init)]

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
                -max(r.curve[-1].train_accuracy for r in mine))
    return min(rates, key=cost)


def units(settings: ActivationsSettings) -> int:
    return len(settings.activations) * 2 * (2 * len(settings.depths) + len(settings.learning_rates) * settings.seeds)


def initialise(model: nn.Sequential, init: str) -> nn.Sequential:
    """The weights of every linear layer drawn as `init` says (PyTorch's own draw for "default")."""
    if init != "default":
        for layer in model:
            if isinstance(layer, nn.Linear):
                if init == "he":
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                else:
                    nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
    return model


def run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
        advance) -> ActivationsResult:
    n = min(settings.train_examples, len(data.y_pool))
    x = torch.from_numpy(data.x_pool[:n]).to(device)
    y = torch.from_numpy(data.y_pool[:n]).to(device)
    size = min(settings.gradient_batch, n // GRADIENT_BATCHES)
    probes = [slice(i * size, (i + 1) * size) for i in range(GRADIENT_BATCHES)]
    seeds = list(range(seed, seed + settings.seeds))
    gradients, runs = [], []
    for activation in settings.activations:
        for init in ("default", DESIGNED[activation]):
            for lr in settings.learning_rates:
                for s in seeds:
                    seed_everything(s)
                    model = initialise(mlp([settings.width] * settings.train_depth, activation), init).to(device)
                    runs.append(_train_to_target(model, activation, lr, s, x, y, settings, init))
                    advance(f"training: {activation}, {init} init, learning rate {lr:g}")
            best = best_learning_rate(runs, activation, settings.learning_rates, init)
            for depth in settings.depths:
                models = []
                for s in seeds:
                    seed_everything(s)  # the same draw for every activation at this depth and seed
                    models.append(initialise(mlp([settings.width] * depth, activation), init).to(device))
                samples = [_gradient_profile(m, activation, depth, "init", x[p], y[p], init)
                           for m in models for p in probes]
                gradients.append(_pooled(samples))
                advance(f"gradients: {activation}, {init} init, {depth} layers")
                model = models[0]
                optimizer = torch.optim.SGD(model.parameters(), lr=best, momentum=MOMENTUM)
                train_steps(model, optimizer, x, y, settings.trained_steps, BATCH, torch.Generator().manual_seed(seed))
                if all(bool(torch.isfinite(p).all()) for p in model.parameters()):
                    gradients.append(_gradient_profile(model, activation, depth, "trained", x[probes[0]],
                                                       y[probes[0]], init))
                advance(f"gradients after training: {activation}, {init} init, {depth} layers")
    optimizer = f"SGD with momentum {MOMENTUM}, batch {BATCH}"
    return ActivationsResult(list(settings.activations), settings.width, list(settings.depths),
                             settings.train_depth, n, settings.target_accuracy, settings.max_steps,
                             list(settings.learning_rates), seeds, INIT,
                             optimizer, gradients, runs, device, threads, settings.trained_steps)


def _pooled(samples: list[GradientProfile]) -> GradientProfile:
    """One profile from several (seed, batch) samples: per-layer means, and each sample's own ratio."""
    first = samples[0]
    mean = lambda rows: [statistics.fmean(col) for col in zip(*rows)]
    return GradientProfile(first.activation, first.depth, first.stage, mean([g.mean_abs_grad for g in samples]),
                           mean([g.saturated for g in samples]), first.init, [g.ratio for g in samples])


def _gradient_profile(model: nn.Sequential, activation: str, depth: int, stage: str, x, y,
                      init: str = "default") -> GradientProfile:
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
    return GradientProfile(activation, depth, stage, grads, saturated, init)


_MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def _slope(activation: str, z: torch.Tensor) -> torch.Tensor:
    if activation == "sigmoid":
        s = torch.sigmoid(z)
        return s * (1 - s)
    if activation == "tanh":
        return 1 - torch.tanh(z) ** 2
    return (z > 0).float()


def _train_to_target(model, activation, lr, seed, x, y, settings: ActivationsSettings, init: str) -> ConvergenceRun:
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
                          diverged, init)
