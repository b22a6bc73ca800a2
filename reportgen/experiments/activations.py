"""Sigmoid, tanh and ReLU: gradient magnitude per layer across depth, saturation, and time to a target."""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.devices import failure_reason, synchronizer
from reportgen.models import mlp
from reportgen.precision import tf32_mode
from reportgen.profile import ActivationsSettings
from reportgen.records.activations import (
    SATURATION,
    ActivationsResult,
    ConvergenceRun,
    CurvePoint,
    FailedRun,
    GradientProfile,
    best_learning_rate,
)
from reportgen.records.precision import TRAINING_PRECISION
from reportgen.training import accuracy, index_generator, seed_everything, train_steps
from reportgen.workers import run_tasks, schedule

INIT = "PyTorch default: weights uniform in +-1/sqrt(fan-in), the same draw for every activation"
BATCH = 100
MOMENTUM = 0.9


def units(settings: ActivationsSettings) -> int:
    return len(settings.activations) * (2 * len(settings.depths) + len(settings.learning_rates) * settings.seeds)


def run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
        advance) -> ActivationsResult:
    """The training runs side by side on the CPUs the run may use (one at a time, in this process, on an
    accelerator), then the gradient profiles, which need each activation's best rate."""
    with tf32_mode(device, TRAINING_PRECISION):
        return _run(settings, data, device, seed, threads, advance)


def _run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
         advance) -> ActivationsResult:
    n = min(settings.train_examples, len(data.y_pool))
    x = torch.from_numpy(data.x_pool[:n]).to(device)
    y = torch.from_numpy(data.y_pool[:n]).to(device)
    probe = slice(0, min(settings.gradient_batch, n))
    keys = [(activation, lr, s) for activation in settings.activations for lr in settings.learning_rates
            for s in range(seed, seed + settings.seeds)]
    tasks = [(train_run, (*key, data.x_pool[:n], data.y_pool[:n], settings, device)) for key in keys]
    chosen = schedule(threads, len(tasks), None if device == "cpu" else 1)
    outcomes = run_tasks(chosen, tasks, lambda i, _: advance(f"training: {keys[i][0]}, learning rate {keys[i][1]:g}"),
                         lambda i, error: _failed(*keys[i], error))
    runs = [o for o in outcomes if isinstance(o, ConvergenceRun)]
    gradients = []
    for activation in settings.activations:
        best = best_learning_rate(runs, activation, settings.learning_rates)
        for depth in settings.depths:
            seed_everything(seed)  # the same weights for every activation at this depth
            model = mlp([settings.width] * depth, activation).to(device)
            gradients.append(_gradient_profile(model, activation, depth, "init", x[probe], y[probe]))
            advance(f"gradients: {activation}, {depth} layers")
            optimizer = torch.optim.SGD(model.parameters(), lr=best, momentum=MOMENTUM)
            train_steps(model, optimizer, x, y, settings.trained_steps, BATCH, index_generator(x.device, seed))
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
                             trained_steps=settings.trained_steps, precision=TRAINING_PRECISION,
                             failed=[o for o in outcomes if isinstance(o, FailedRun)], workers=chosen.workers,
                             worker_threads=chosen.threads)


def train_run(activation: str, lr: float, seed: int, x: np.ndarray, y: np.ndarray, settings: ActivationsSettings,
              device: str) -> ConvergenceRun | FailedRun:
    """One net of `activation` trained at rate `lr` towards the target; a failure is recorded, not raised."""
    try:
        seed_everything(seed)
        model = mlp([settings.width] * settings.train_depth, activation).to(device)
        return _train_to_target(model, activation, lr, seed, torch.from_numpy(x).to(device),
                                torch.from_numpy(y).to(device), settings)
    except Exception as error:  # noqa: BLE001 - one failed run is recorded; the experiment goes on
        return _failed(activation, lr, seed, error)


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
    draws = index_generator(x.device, seed)
    sync = synchronizer(device=str(x.device))
    curve = [CurvePoint(step=0, seconds=0.0, train_accuracy=accuracy(model, x, y))]
    step, seconds = 0, 0.0
    diverged = False
    while step < settings.max_steps and curve[-1].train_accuracy < settings.target_accuracy and not diverged:
        chunk = min(settings.eval_every, settings.max_steps - step)
        start = time.perf_counter()
        train_steps(model, optimizer, x, y, chunk, BATCH, draws)
        sync()
        seconds += time.perf_counter() - start
        step += chunk
        diverged = not all(bool(torch.isfinite(p).all()) for p in model.parameters())
        curve.append(CurvePoint(step=step, seconds=seconds,
                                train_accuracy=0.0 if diverged else accuracy(model, x, y)))
    reached = curve[-1].train_accuracy >= settings.target_accuracy
    return ConvergenceRun(activation=activation, learning_rate=lr, seed=seed, steps_to_target=step if reached else None,
                          seconds_to_target=seconds if reached else None, curve=curve, diverged=diverged)


def _failed(activation: str, lr: float, seed: int, error: BaseException) -> FailedRun:
    return FailedRun(activation=activation, learning_rate=lr, seed=seed, reason=failure_reason(error))
