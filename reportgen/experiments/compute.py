"""Computation: how long one training step and one matrix product take, per device, precision and threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn

from reportgen.cpu_features import bf16_not_timed
from reportgen.devices import device_type, failure_reason, release_memory, synchronizer
from reportgen.learners import INPUT_LENGTH
from reportgen.models import build_model, parameter_count
from reportgen.others import OthersMeter
from reportgen.precision import autocast, tf32_capable, tf32_mode
from reportgen.profile import ComputeSettings
from reportgen.records.compute import ComputeResult, MatmulTime, StepTime
from reportgen.timing import Sampler, Timing
from reportgen.training import adam

LEARNING_RATE = 1e-3  # any rate will do: the step's cost does not depend on it
ROUNDS = 3  # visits per workload, interleaved with the other workloads' visits
ROUND_BLOCKS = 3  # timed blocks per visit at least: a round's median needs a few


def configurations(device: str, threads: int, bf16_unit: str | None = None) -> list[tuple[str, str, int | None]]:
    """(device, precision, threads) to time: the CPU on one and on all threads, and in bf16 on all threads where
    it has a bf16 unit (`bf16_unit`; emulated bf16 would time the emulation); the accelerator per precision (TF32
    only where the GPU has it: elsewhere the row would be fp32 under another name)."""
    configs = [("cpu", "fp32", t) for t in sorted({1, threads})] + ([("cpu", "bf16", threads)] if bf16_unit else [])
    if device_type(device) == "cuda":
        configs += [(device, p, None) for p in ("fp32", "tf32", "bf16") if p != "tf32" or tf32_capable(device)]
    elif device_type(device) == "mps":
        configs += [(device, "fp32", None)]
    return configs


def units(settings: ComputeSettings, device: str, threads: int, bf16_unit: str | None = None) -> int:
    return ROUNDS * len(configurations(device, threads, bf16_unit)) * (
        len(settings.models) * len(settings.batch_sizes) + len(settings.matmul_sizes))


@dataclass
class Workload:
    """One timed function, built on its first visit and kept (with its memory) until the sweep ends, and the
    record its timing becomes."""

    make: Callable[[], Callable[[], object]]
    device: str
    precision: str
    threads: int | None
    record: Callable[[Timing | None, str | None], StepTime | MatmulTime]
    label: str
    group: tuple  # the workload whatever the configuration: visited side by side, so comparisons are fair
    sampler: Sampler | None = None
    skipped: str | None = None

    def visit(self, settings: ComputeSettings) -> None:
        """One round: a share of the time budget. A failure (out of memory, say) is kept as data."""
        if self.skipped:
            return
        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            with tf32_mode(self.device, self.precision):
                if self.sampler is None:
                    self.sampler = Sampler(self.make(), synchronizer(self.device))
                self.sampler.visit(settings.min_seconds / ROUNDS, settings.max_seconds / ROUNDS,
                                   min_blocks=ROUND_BLOCKS)
            return
        except RuntimeError as error:
            reason = failure_reason(error)
        # Out of the except block: the exception and its traceback, which hold the workload's tensors, are gone.
        self.sampler, self.skipped = None, reason
        release_memory(self.device)

    def result(self) -> StepTime | MatmulTime:
        return self.record(timing=self.sampler.timing() if self.sampler else None, skipped=self.skipped)


def workloads(settings: ComputeSettings, device: str, threads: int, bf16_unit: str | None = None) -> list[Workload]:
    """Every workload, in the order of the records: configuration by configuration."""
    found = []
    for dev, precision, n_threads in configurations(device, threads, bf16_unit):
        label = f"{dev} {precision}" + (f", {n_threads} thread(s)" if n_threads else "")
        for model in settings.models:
            params = parameter_count(build_model(model))
            for batch in settings.batch_sizes:
                found.append(Workload(
                    partial(training_step, model, batch, dev, precision), dev, precision, n_threads,
                    partial(StepTime, model=model, parameters=params, batch_size=batch, device=dev,
                            precision=precision, threads=n_threads),
                    f"{model} step, batch {batch}, {label}", ("step", model, batch)))
        for n in settings.matmul_sizes:
            found.append(Workload(partial(matmul, n, dev, precision), dev, precision, n_threads,
                                  partial(MatmulTime, n=n, device=dev, precision=precision, threads=n_threads),
                                  f"matmul {n}, {label}",
                                  ("matmul", n)))
    return found


def visit_order(sweep: list[Workload]) -> list[Workload]:
    """The profile's order of workloads, each with all its configurations in a row."""
    rank = {group: i for i, group in enumerate(dict.fromkeys(w.group for w in sweep))}
    return sorted(sweep, key=lambda w: rank[w.group])


def run(settings: ComputeSettings, device: str, threads: int, advance, bf16_unit: str | None = None,
        cpu_features: list[str] | None = None) -> ComputeResult:
    """Every workload in ROUNDS interleaved visits (see reportgen.timing for why); the configurations of one
    workload (1 and all threads, bf16 on a CPU with `bf16_unit`, each GPU precision) side by side, so that what is
    compared was timed together. `cpu_features` (the system's) say why bf16 was not timed, where it was not."""
    sweep = workloads(settings, device, threads, bf16_unit)
    others = OthersMeter()
    try:
        for round_ in range(ROUNDS):
            for workload in visit_order(sweep):
                workload.visit(settings)
                advance(f"{workload.label} (round {round_ + 1} of {ROUNDS})")
    finally:
        torch.set_num_threads(threads)
    busy = others.share()
    records = [w.result() for w in sweep]
    del sweep  # every workload's memory, before the device's cache is emptied
    release_memory(device)  # never raises: a sticky CUDA error must not cost the records
    return ComputeResult(devices=list(dict.fromkeys(c[0] for c in configurations(device, threads, bf16_unit))),
                         threads=threads, max_seconds=settings.max_seconds,
                         steps=[r for r in records if isinstance(r, StepTime)],
                         matmuls=[r for r in records if isinstance(r, MatmulTime)], loop_steps=settings.loop_steps,
                         min_seconds=settings.min_seconds, rounds=ROUNDS, others_busy=busy, bf16_unit=bf16_unit,
                         bf16_not_timed="" if bf16_unit else bf16_not_timed(cpu_features))


def training_step(model_name: str, batch: int, device: str, precision: str = "fp32"):
    """One full training step of the model on a fixed random batch, as a function to time."""
    torch.manual_seed(0)
    model = build_model(model_name).to(device)
    optimizer = adam(model.parameters(), LEARNING_RATE)
    x = torch.randn(batch, INPUT_LENGTH, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        # The whole step in the TF32 mode; bf16 autocast around the forward pass only, as in mixed-precision
        # training. Autocast is entered here, outermost, so its cache of bf16 weights is dropped after each step.
        with tf32_mode(device, precision):
            optimizer.zero_grad(set_to_none=True)
            with autocast(device, precision):
                loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()

    return step


def matmul(n: int, device: str, precision: str):
    """The product of two fixed random n x n matrices, as a function to time (bf16: in the operands' dtype)."""
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=generator).to(device, dtype)
    b = torch.randn(n, n, generator=generator).to(device, dtype)
    return lambda: a @ b
