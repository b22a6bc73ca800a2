"""Sigmoid, tanh and ReLU: gradient magnitude per layer across depth, saturation, and time to a target."""

from __future__ import annotations

import time

import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.devices import synchronizer
from reportgen.models import mlp
from reportgen.profile import ActivationsSettings
from reportgen.records.activations import (
    SATURATION,
    ActivationsResult,
    ConvergenceRun,
    CurvePoint,
    GradientProfile,
    best_learning_rate,
)
from reportgen.training import accuracy, seed_everything, train_steps

INIT = "PyTorch default: weights uniform in +-1/sqrt(fan-in), the same draw for every activation"
BATCH = 100
MOMENTUM = 0.9






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
    return ActivationsResult(activations=list(settings.activations), width=settings.width,
                             depths=list(settings.depths), train_depth=settings.train_depth, train_examples=n,
                             target_accuracy=settings.target_accuracy, max_steps=settings.max_steps,
                             learning_rates=list(settings.learning_rates),
                             seeds=list(range(seed, seed + settings.seeds)), init=INIT, optimizer=optimizer,
                             gradients=gradients, runs=runs, device=device, threads=threads,
                             trained_steps=settings.trained_steps)


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
    return GradientProfile(activation=activation, depth=depth, stage=stage, mean_abs_grad=grads, saturated=saturated)


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
    curve = [CurvePoint(step=0, seconds=0.0, train_accuracy=accuracy(model, x, y))]
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
        curve.append(CurvePoint(step=step, seconds=seconds,
                                train_accuracy=0.0 if diverged else accuracy(model, x, y)))
    reached = curve[-1].train_accuracy >= settings.target_accuracy
    return ConvergenceRun(activation=activation, learning_rate=lr, seed=seed, steps_to_target=step if reached else None,
                          seconds_to_target=seconds if reached else None, curve=curve, diverged=diverged)
