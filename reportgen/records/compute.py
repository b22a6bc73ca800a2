"""The computation experiment's records: one training step's time and one matrix product's, per configuration."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.timing import Timing


@dataclass(frozen=True, kw_only=True)
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
        return self.batch_size / self.timing.median_s if self.timing and self.timing.median_s > 0 else None


@dataclass(frozen=True, kw_only=True)
class MatmulTime:
    n: int  # square matrices n x n
    device: str
    precision: str
    threads: int | None
    timing: Timing | None
    skipped: str | None = None

    @property
    def gflops(self) -> float | None:
        return 2 * self.n**3 / self.timing.median_s / 1e9 if self.timing and self.timing.median_s > 0 else None


@dataclass(frozen=True, kw_only=True)
class ComputeResult:
    devices: list[str]
    threads: int  # the run's thread count; the CPU is also timed on one thread
    max_seconds: float
    steps: list[StepTime]
    matmuls: list[MatmulTime]
    loop_steps: int = 0  # training steps of one experiment, to put step times in terms of the research loop
    min_seconds: float = 0.0  # each workload was timed at least this long (0 in files from before it was recorded)
    rounds: int = 1  # interleaved visits per workload (1 in files from before there were rounds)
    others_busy: float | None = None  # share of the run's CPUs other processes used while timing (None: unknown)
    bf16_unit: str | None = None  # the CPU's bf16 unit (AMX, AVX-512 BF16, Arm BF16) its bf16 timings ran on
    bf16_not_timed: str = ""  # why the CPU was not timed in bf16 ("": it was, or a file before version 5)

    @property
    def largest_model(self) -> str | None:
        return max(self.steps, key=lambda s: s.parameters).model if self.steps else None

    def step(self, model: str, batch_size: int, device: str, precision: str = "fp32",
             threads: int | None = None) -> StepTime | None:
        return next((s for s in self.steps if (s.model, s.batch_size, s.device, s.precision, s.threads)
                     == (model, batch_size, device, precision, threads)), None)

    def timed_steps(self, model: str, batch_size: int | None = None) -> list[StepTime]:
        """The model's timed steps (at one batch size, when given) on every configuration, slowest first."""
        return sorted((s for s in self.steps if s.model == model and s.timing
                       and batch_size in (None, s.batch_size)), key=lambda s: -s.timing.median_s)

    def fastest_step(self, model: str, batch_size: int | None = None) -> StepTime | None:
        """The model's fastest timed step, whatever the configuration."""
        return min(self.timed_steps(model, batch_size), key=lambda s: s.timing.median_s, default=None)

    def speedups(self) -> list[tuple[StepTime, float]]:
        """Each timed step with its speed-up over the same model and batch on the CPU on one thread."""
        found = []
        for s in self.steps:
            one = self.step(s.model, s.batch_size, "cpu", threads=1)
            if s.timing and s.timing.median_s > 0 and one and one.timing and s is not one:
                found.append((s, one.timing.median_s / s.timing.median_s))
        return found
