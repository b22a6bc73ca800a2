"""Sigmoid, tanh and ReLU: gradient magnitude per layer across depth, saturation, and time to a target."""

from __future__ import annotations

import math
import statistics
import time
from functools import partial

import numpy as np
import torch
from torch import nn

from reportgen.data import Dataset
from reportgen.devices import failure_reason, synchronizer
from reportgen.models import mlp
from reportgen.precision import tf32_mode
from reportgen.profile import ActivationsSettings
from reportgen.records.activations import (
    DESIGNED,
    INITS,
    SATURATION,
    ActivationsResult,
    ConvergenceRun,
    CurvePoint,
    FailedRun,
    GradientProfile,
    best_learning_rate,
)
from reportgen.records.precision import TRAINING_PRECISION
from reportgen.training import accuracy, index_generator, seed_everything, sgd, train_steps
from reportgen.workers import Schedule, run_tasks, schedule

INIT = "; ".join(f"{name}: {INITS[name]}" for name in dict.fromkeys(["default", *DESIGNED.values()]))  # those run
GRADIENT_BATCHES = 3  # disjoint probe batches per seed: a ratio from one batch of one draw of weights can mislead
BATCH = 100
MOMENTUM = 0.9


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
                    nn.init.xavier_uniform_(layer.weight, gain=4.0 if init == "glorot4" else 1.0)
                nn.init.zeros_(layer.bias)
    return model


def run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
        advance) -> ActivationsResult:
    """The training runs side by side on the CPUs the run may use (one at a time, in this process, on an
    accelerator), then the gradient profiles likewise, which need each activation's best rate."""
    with tf32_mode(device, TRAINING_PRECISION):
        return _run(settings, data, device, seed, threads, advance)


def _run(settings: ActivationsSettings, data: Dataset, device: str, seed: int, threads: int,
         advance) -> ActivationsResult:
    n = min(settings.train_examples, len(data.y_pool))
    seeds = list(range(seed, seed + settings.seeds))
    groups = [(activation, init) for activation in settings.activations for init in ("default", DESIGNED[activation])]
    outcomes, chosen = _race(groups, seeds, data.x_pool[:n], data.y_pool[:n], settings, device, threads, advance)
    rank = {(activation, init, lr): i for i, (activation, init, lr) in enumerate(
        (activation, init, lr) for activation, init in groups for lr in settings.learning_rates)}
    outcomes.sort(key=lambda o: (rank[o.activation, o.init, o.learning_rate], o.seed))  # the grid's order
    runs = [o for o in outcomes if isinstance(o, ConvergenceRun)]
    blocks = [(activation, init, depth, best_learning_rate(runs, activation, settings.learning_rates, init))
              for activation, init in groups for depth in settings.depths]
    probes = [(gradient_profiles, (activation, init, depth, best, seeds, data.x_pool[:n], data.y_pool[:n],
                                   settings, device)) for activation, init, depth, best in blocks]

    def probed(i: int, _) -> None:
        activation, init, depth, _ = blocks[i]
        advance(f"gradients: {activation}, {init} init, {depth} layers")
        advance(f"gradients after training: {activation}, {init} init, {depth} layers")
    found = run_tasks(schedule(threads, len(probes), None if device == "cpu" else 1), probes, probed,
                      lambda i, error: error)
    gradients = []
    for profiles in found:
        if isinstance(profiles, BaseException):
            raise profiles
        gradients += profiles
    optimizer = f"SGD with momentum {MOMENTUM}, batch {BATCH}"
    return ActivationsResult(activations=list(settings.activations), width=settings.width,
                             depths=list(settings.depths), train_depth=settings.train_depth, train_examples=n,
                             target_accuracy=settings.target_accuracy, max_steps=settings.max_steps,
                             learning_rates=list(settings.learning_rates),
                             seeds=seeds, init=INIT, optimizer=optimizer,
                             gradients=gradients, runs=runs, device=device, threads=threads,
                             trained_steps=settings.trained_steps, precision=TRAINING_PRECISION,
                             failed=[o for o in outcomes if isinstance(o, FailedRun)], workers=chosen.workers,
                             worker_threads=chosen.threads)


def _race(groups: list[tuple[str, str]], seeds: list[int], x: np.ndarray, y: np.ndarray,
          settings: ActivationsSettings, device: str, threads: int,
          advance) -> tuple[list[ConvergenceRun | FailedRun], Schedule]:
    """Every (activation, init) group's runs towards the target, one round per rate in search_order, each round's
    runs side by side; a run is capped by the rounds before it (cap)."""
    outcomes: list[ConvergenceRun | FailedRun] = []
    # The schedule of all the runs, as when they ran in one go: a round's fewer runs would get fewer workers of
    # more threads each, and so timings and rounding unlike earlier builds'.
    chosen = schedule(threads, len(groups) * len(seeds) * len(settings.learning_rates),
                      None if device == "cpu" else 1)
    for lr in search_order(settings.learning_rates):
        runs = [o for o in outcomes if isinstance(o, ConvergenceRun)]
        caps = {group: cap(runs, *group, seeds, settings.max_steps) for group in groups}  # one per group, all seeds
        keys = [(activation, init, lr, s) for activation, init in groups for s in seeds]
        tasks = [(train_run, (*key, x, y, settings, device, *caps[key[:2]])) for key in keys]
        outcomes += run_tasks(chosen, tasks, partial(_trained, keys, advance), partial(_failed_task, keys))
    return outcomes, chosen


def _trained(keys: list[tuple], advance, i: int, _) -> None:
    advance(f"training: {keys[i][0]}, {keys[i][1]} init, learning rate {keys[i][2]:g}")


def _failed_task(keys: list[tuple], i: int, error: BaseException) -> FailedRun:
    return _failed(*keys[i], error)


def search_order(rates: list[float]) -> list[float]:
    """The grid from its middle outwards, in log rate (the lower first on a tie): a rate near the middle usually
    wins, and the sooner one brings every seed to the target, the sooner the runs at other rates can stop (cap)."""
    centre = statistics.fmean(math.log(x) for x in rates)
    return sorted(rates, key=lambda x: (round(abs(math.log(x) - centre), 9), x))  # rounded: a tie stays one


def cap(runs: list[ConvergenceRun], activation: str, init: str, seeds: list[int],
        max_steps: int) -> tuple[int, float | None]:
    """The steps a further run of (activation, init) may take, and the rate that set that cap (None: the budget).

    The cap is the fewest steps that one rate's runs took together where every seed reached the target. A run
    still short of the target after that many steps would leave its own rate's mean steps above that rate's, so
    its rate cannot be the best (best_learning_rate: every seed reached first, then the fewest mean steps), and
    stopping it there changes no choice of rate, nor anything measured at the best rate."""
    totals = {}
    for lr in dict.fromkeys(r.learning_rate for r in runs if (r.activation, r.init) == (activation, init)):
        mine = [r for r in runs if (r.activation, r.init, r.learning_rate) == (activation, init, lr)]
        if sorted(r.seed for r in mine if r.steps_to_target is not None) == sorted(seeds):
            totals[lr] = sum(r.steps_to_target for r in mine)
    best = min(totals, key=totals.get, default=None)
    return (totals[best], best) if best is not None and totals[best] < max_steps else (max_steps, None)


def train_run(activation: str, init: str, lr: float, seed: int, x: np.ndarray, y: np.ndarray,
              settings: ActivationsSettings, device: str, limit: int | None = None,
              rival: float | None = None) -> ConvergenceRun | FailedRun:
    """One net of `activation`, initialised as `init`, trained at rate `lr` towards the target for at most `limit`
    steps (the profile's max_steps when None; a cap set by the rate `rival` otherwise); a failure is recorded, not
    raised."""
    try:
        seed_everything(seed)
        model = initialise(mlp([settings.width] * settings.train_depth, activation), init).to(device)
        return _train_to_target(model, activation, lr, seed, torch.tensor(x, device=device),  # copies of
                                torch.tensor(y, device=device), settings, init,  # a worker's read-only arrays
                                settings.max_steps if limit is None else limit, rival)
    except Exception as error:  # noqa: BLE001 - one failed run is recorded; the experiment goes on
        return _failed(activation, init, lr, seed, error)


def gradient_profiles(activation: str, init: str, depth: int, rate: float, seeds: list[int], x: np.ndarray,
                      y: np.ndarray, settings: ActivationsSettings, device: str) -> list[GradientProfile]:
    """The gradient profile of one (activation, init, depth) at initialisation, pooled over seeds and disjoint
    probe batches, then again after `trained_steps` at the activation's best rate (first seed; left out should
    training diverge)."""
    x, y = torch.tensor(x, device=device), torch.tensor(y, device=device)  # copies of a worker's read-only arrays
    size = min(settings.gradient_batch, len(y) // GRADIENT_BATCHES)
    probes = [slice(i * size, (i + 1) * size) for i in range(GRADIENT_BATCHES)]
    models = []
    for s in seeds:
        seed_everything(s)  # the same draw for every activation at this depth and seed
        models.append(initialise(mlp([settings.width] * depth, activation), init).to(device))
    with tf32_mode(device, TRAINING_PRECISION):
        out = [_pooled([_gradient_profile(m, activation, depth, "init", x[p], y[p], init)
                        for m in models for p in probes])]
        model = models[0]
        optimizer = sgd(model.parameters(), rate, MOMENTUM)
        train_steps(model, optimizer, x, y, settings.trained_steps, BATCH, index_generator(x.device, seeds[0]))
        if all(bool(torch.isfinite(p).all()) for p in model.parameters()):
            out.append(_gradient_profile(model, activation, depth, "trained", x[probes[0]], y[probes[0]], init))
    return out


def _pooled(samples: list[GradientProfile]) -> GradientProfile:
    """One profile from several (seed, batch) samples: per-layer means, and each sample's own ratio.

    Where a sample's ratio is not finite (its input-layer gradient underflowed to 0) no sample ratios are kept, as
    JSON cannot hold them and dropping that sample would hide the vanishing: the profile's ratio is then the pooled
    means' (infinite where they underflowed too)."""
    first = samples[0]
    mean = lambda rows: [statistics.fmean(col) for col in zip(*rows)]
    ratios = [g.ratio for g in samples]
    return GradientProfile(activation=first.activation, depth=first.depth, stage=first.stage,
                           mean_abs_grad=mean([g.mean_abs_grad for g in samples]),
                           saturated=mean([g.saturated for g in samples]), init=first.init,
                           ratios=ratios if all(math.isfinite(r) and r > 0 for r in ratios) else [])


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
    return GradientProfile(activation=activation, depth=depth, stage=stage, mean_abs_grad=grads, saturated=saturated,
                           init=init)


_MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}


def _slope(activation: str, z: torch.Tensor) -> torch.Tensor:
    if activation == "sigmoid":
        s = torch.sigmoid(z)
        return s * (1 - s)
    if activation == "tanh":
        return 1 - torch.tanh(z) ** 2
    return (z > 0).float()


def _train_to_target(model, activation, lr, seed, x, y, settings: ActivationsSettings, init: str, limit: int,
                     rival: float | None) -> ConvergenceRun:
    optimizer = sgd(model.parameters(), lr, MOMENTUM)
    draws = index_generator(x.device, seed)
    sync = synchronizer(device=str(x.device))
    curve = [CurvePoint(step=0, seconds=0.0, train_accuracy=accuracy(model, x, y))]
    step, seconds = 0, 0.0
    diverged = False
    while step < limit and curve[-1].train_accuracy < settings.target_accuracy and not diverged:
        chunk = min(settings.eval_every, limit - step)
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
                          seconds_to_target=seconds if reached else None, curve=curve, diverged=diverged, init=init,
                          outpaced_by=rival if not (reached or diverged) and step < settings.max_steps else None)


def _failed(activation: str, init: str, lr: float, seed: int, error: BaseException) -> FailedRun:
    return FailedRun(activation=activation, learning_rate=lr, seed=seed, reason=failure_reason(error), init=init)
