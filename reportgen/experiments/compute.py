"""Computation: how long one training step and one matrix product take, per device, precision and threads."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch
from torch import nn

from reportgen.devices import is_out_of_memory, synchronizer
from reportgen.models import INPUT_LENGTH, build_model, parameter_count
from reportgen.profile import ComputeSettings
from reportgen.timing import Timing, measure

LEARNING_RATE = 1e-3  # any rate will do: the step's cost does not depend on it


@dataclass(frozen=True)
class StepTime:
    """One full training step (forward, backward, Adam update) of a model on a batch."""

    model: str
    parameters: int
    batch_size: int
    device: str
    precision: str  # "fp32" (TF32 off), "tf32", "bf16" (autocast)
    threads: int | None  # CPU threads; None on an accelerator
    timing: Timing | None
    skipped: str | None = None  # why there is no timing (out of memory, failure)

    @property
    def examples_per_second(self) -> float | None:
        return self.batch_size / self.timing.median_s if self.timing else None


@dataclass(frozen=True)
class MatmulTime:
    n: int  # square matrices n x n
    device: str
    precision: str
    threads: int | None
    timing: Timing | None
    skipped: str | None = None

    @property
    def gflops(self) -> float | None:
        return 2 * self.n**3 / self.timing.median_s / 1e9 if self.timing else None


@dataclass(frozen=True)
class ComputeResult:
    devices: list[str]
    threads: int  # the run's thread count; the CPU is also timed on one thread
    max_seconds: float
    steps: list[StepTime]
    matmuls: list[MatmulTime]
    loop_steps: int = 0  # training steps of one experiment, to put step times in terms of the research loop

    @property
    def largest_model(self) -> str:
        return max(self.steps, key=lambda s: s.parameters).model

    def step(self, model: str, batch_size: int, device: str, precision: str = "fp32",
             threads: int | None = None) -> StepTime | None:
        return next((s for s in self.steps if (s.model, s.batch_size, s.device, s.precision, s.threads)
                     == (model, batch_size, device, precision, threads)), None)


def configurations(device: str, threads: int) -> list[tuple[str, str, int | None]]:
    """(device, precision, threads) to time: the CPU on one and on all threads, the accelerator per precision."""
    configs = [("cpu", "fp32", t) for t in sorted({1, threads})]
    if device.startswith("cuda"):
        configs += [(device, p, None) for p in ("fp32", "tf32", "bf16")]
    elif device == "mps":
        configs += [(device, "fp32", None)]
    return configs


def units(settings: ComputeSettings, device: str, threads: int) -> int:
    return len(configurations(device, threads)) * (
        len(settings.models) * len(settings.batch_sizes) + len(settings.matmul_sizes))


def run(settings: ComputeSettings, device: str, threads: int, advance) -> ComputeResult:
    steps, matmuls = [], []
    try:
        for dev, precision, n_threads in configurations(device, threads):
            if n_threads:
                torch.set_num_threads(n_threads)
            label = f"{dev} {precision}" + (f", {n_threads} thread(s)" if n_threads else "")
            for model in settings.models:
                for batch in settings.batch_sizes:
                    timing, skipped = _guarded(_time_step, model, batch, dev, precision, settings.max_seconds)
                    params = parameter_count(build_model(model))
                    steps.append(StepTime(model, params, batch, dev, precision, n_threads, timing, skipped))
                    advance(f"{model} step, batch {batch}, {label}")
            for n in settings.matmul_sizes:
                timing, skipped = _guarded(_time_matmul, n, dev, precision, settings.max_seconds)
                matmuls.append(MatmulTime(n, dev, precision, n_threads, timing, skipped))
                advance(f"matmul {n}, {label}")
    finally:
        torch.set_num_threads(threads)
    return ComputeResult([d for d in dict.fromkeys(c[0] for c in configurations(device, threads))], threads,
                         settings.max_seconds, steps, matmuls, settings.loop_steps)


def _guarded(measurement, *args) -> tuple[Timing | None, str | None]:
    """A workload that fails is recorded with its reason; the sweep goes on."""
    try:
        return measurement(*args), None
    except RuntimeError as error:
        if is_out_of_memory(error):
            torch.cuda.empty_cache()
            return None, "out of memory"
        return None, f"failed: {str(error).splitlines()[0][:200]}"


@contextlib.contextmanager
def precision_mode(device: str, precision: str):
    """fp32 means true fp32 (TF32 off) so that it is the baseline; tf32 and bf16 are opted into."""
    if not device.startswith("cuda"):
        yield
        return
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = precision == "tf32"
    try:
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16"):
            yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def _time_step(model_name: str, batch: int, device: str, precision: str, max_seconds: float) -> Timing:
    return measure(training_step(model_name, batch, device, precision), synchronizer(device), max_seconds=max_seconds)


def training_step(model_name: str, batch: int, device: str, precision: str = "fp32"):
    """One full training step of the model on a fixed random batch, as a function to time."""
    torch.manual_seed(0)
    model = build_model(model_name).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    x = torch.randn(batch, INPUT_LENGTH, device=device)
    y = torch.randint(0, 10, (batch,), device=device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        with precision_mode(device, precision):
            loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()

    return step


def _time_matmul(n: int, device: str, precision: str, max_seconds: float) -> Timing:
    dtype = torch.bfloat16 if precision == "bf16" else torch.float32
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=generator).to(device, dtype)
    b = torch.randn(n, n, generator=generator).to(device, dtype)
    with precision_mode(device, "tf32" if precision == "tf32" else "fp32"):
        return measure(lambda: a @ b, synchronizer(device), max_seconds=max_seconds)
