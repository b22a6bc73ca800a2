"""The scaling experiment's records: all-reduce bandwidth and data-parallel training steps, per world size."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.timing import Timing

SCALINGS = {"single": "one process without DistributedDataParallel (the baseline)",
            "weak": "weak scaling: a fixed batch per worker, so the global batch grows with the workers",
            "strong": "strong scaling: a fixed global batch, split among the workers"}


def bus_factor(world_size: int) -> float:
    """busbw / algbw as nccl-tests defines it for all-reduce: 2(n-1)/n, the share of the data each rank must send
    and receive in a ring, so that busbw can be set beside a link's peak bandwidth whatever the world size."""
    return 2 * (world_size - 1) / world_size


@dataclass(frozen=True, kw_only=True)
class AllReduceTime:
    """One message size's all-reduce at one world size: of each timed operation, the slowest rank's time."""

    world_size: int
    bytes: int  # the message: float32 elements times 4
    median_s: float
    iqr_s: float  # interquartile range of the timed operations
    repeats: int  # timed operations, after the warm-up ones

    @property
    def algbw(self) -> float:
        """Bytes per second: the message size over the time of the operation (nccl-tests' algbw)."""
        return self.bytes / self.median_s if self.median_s > 0 else 0.0

    @property
    def busbw(self) -> float:
        """algbw × 2(n-1)/n (nccl-tests' busbw): 0 at world size 1, where nothing crosses a link."""
        return self.algbw * bus_factor(self.world_size)


@dataclass(frozen=True, kw_only=True)
class DdpStep:
    """One training step (forward, backward, Adam update) at one world size and one scaling mode (SCALINGS).

    At world size 1 weak and strong scaling are the same configuration, recorded once as "weak". timing: of each
    step, the slowest rank's time, per round; local: the same steps under no_sync() (gradients not exchanged), so
    that the difference is what the exchange adds to a step: the communication not hidden behind the backward
    pass, and DDP's hooks.
    """

    model: str
    parameters: int
    world_size: int
    scaling: str  # a key of SCALINGS
    batch_per_worker: int
    threads_per_worker: int | None  # CPU threads of each worker; None on GPUs (one process per GPU)
    timing: Timing
    local: Timing | None = None  # the steps under no_sync(); None without DDP ("single")
    parameters_equal: bool | None = None  # every rank's parameters bitwise equal after the timed steps (None: one rank)

    @property
    def global_batch(self) -> int:
        return self.batch_per_worker * self.world_size

    @property
    def examples_per_second(self) -> float | None:
        """Training examples of the whole world per second (None where the step was not timed), as StepTime's."""
        return self.global_batch / self.timing.median_s if self.timing.median_s > 0 else None

    @property
    def exposed_share(self) -> float | None:
        """The share of a synchronised step that the same step under no_sync() does not take: communication not
        hidden behind computation (exposed) and DDP's hooks' own cost. Not the time spent communicating: the part
        of it that overlaps the backward pass is not counted."""
        if self.local is None or self.timing.median_s <= 0:
            return None
        return min(1.0, max(0.0, 1 - self.local.median_s / self.timing.median_s))


@dataclass(frozen=True, kw_only=True)
class ScalingResult:
    backend: str  # "gloo" (CPU) or "nccl" (CUDA)
    device: str  # "cpu" or "cuda"
    launcher: str  # how the workers were started
    world_sizes: list[int]
    available: int  # GPUs, or the run's CPU threads, the run could spread over
    threads: int  # the run's CPU threads: on a CPU, world size n gives each worker threads // n
    batch_size: int  # the batch per worker (weak scaling) and the global batch (strong scaling)
    rounds: int  # interleaved visits of every configuration
    allreduce: list[AllReduceTime]
    steps: list[DdpStep]
    interconnect: str | None = None  # what torch reported of the links between GPUs (None: not known, or a CPU)
    seconds: float = 0.0  # wall time of the launch, start-up included
    timeout_s: float = 60.0  # a worker making no progress this long was to be taken as hung
    others_busy: float | None = None  # share of the run's CPUs other processes used meanwhile (None: unknown)

    def step(self, model: str, world_size: int, scaling: str) -> DdpStep | None:
        """A step record; at world size 1 the strong series is the weak one (the same configuration)."""
        wanted = "weak" if world_size == 1 and scaling == "strong" else scaling
        return next((s for s in self.steps if (s.model, s.world_size, s.scaling) == (model, world_size, wanted)),
                    None)

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(s.model for s in self.steps))

    @property
    def largest(self) -> int:
        return max(self.world_sizes, default=1)

    def series(self, model: str, scaling: str) -> list[DdpStep]:
        """The DDP steps of one scaling mode, by world size."""
        return [s for n in self.world_sizes if (s := self.step(model, n, scaling))]

    @property
    def split(self) -> bool:
        """The workers share one CPU's cores: world size n adds processes, not devices."""
        return self.device != "cuda"

    def efficiency(self, step: DdpStep) -> float | None:
        """Examples per second against the ideal, one process without DDP times the devices the workers have: on
        GPUs n (strong scaling, T(1) / (n × T(n)); weak, T(1) / T(n)), on a CPU's split 1, the same cores (strong,
        T(1) / T(n); weak, n × T(1) / T(n)). 1 is ideal."""
        single = self.step(step.model, 1, "single")
        if not single or step.timing.median_s <= 0 or step.scaling == "single" or not single.examples_per_second:
            return None
        devices = 1 if self.split else step.world_size
        return step.examples_per_second / (devices * single.examples_per_second)

    def sizes(self, world_size: int) -> list[AllReduceTime]:
        return sorted((a for a in self.allreduce if a.world_size == world_size), key=lambda a: a.bytes)
