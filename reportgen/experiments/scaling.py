"""Data-parallel training: how fast the workers exchange gradients (all-reduce bandwidth, as nccl-tests quotes it),
and how much of an extra worker's speed survives in a DistributedDataParallel training step.

One launch of `largest` workers (reportgen.launcher) serves every world size: the group of ranks 0..n-1 is world
size n, and the other ranks wait at a barrier meanwhile. So every configuration is visited in each round, side by
side with the others, and the rounds pair as in the computation experiment. gloo on a CPU, where world size n
gives each worker threads // n threads (a split of one machine, not added hardware); NCCL on CUDA, one process
per GPU. An operation's time is the slowest rank's: each is started after a barrier, and the ranks' times are
reduced by their maximum.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from reportgen import launcher
from reportgen.devices import device_type
from reportgen.learners import CLASSES, INPUT_LENGTH
from reportgen.models import build_model, parameter_count
from reportgen.others import OthersMeter
from reportgen.profile import ScalingSettings
from reportgen.records.scaling import AllReduceTime, DdpStep, ScalingResult
from reportgen.timing import Timing, median_iqr
from reportgen.training import adam, prepare_cpu

LEARNING_RATE = 1e-3  # any rate will do: the step's cost does not depend on it
LAUNCHER = "torch.multiprocessing.start_processes (spawn), no restarts, TCPStore rendezvous on 127.0.0.1, port 0"


def world_sizes(settings: ScalingSettings, device: str, threads: int) -> list[int]:
    """1, then powers of two, then the largest: at most max_world_size, the GPUs on CUDA, the threads on a CPU."""
    top = min(settings.max_world_size, torch.cuda.device_count() if device_type(device) == "cuda" else threads)
    sizes = [1]
    while sizes[-1] * 2 <= top:
        sizes.append(sizes[-1] * 2)
    return sizes + ([top] if top > sizes[-1] else [])


def configurations(sizes: list[int]) -> list[tuple[int, str]]:
    """(world size, scaling) of each timed step: one process without DDP, DDP at world size 1, then each larger
    world size under weak and strong scaling."""
    return [(1, "single"), (1, "weak"), *((n, mode) for n in sizes[1:] for mode in ("weak", "strong"))]


def units(settings: ScalingSettings, device: str, threads: int) -> int:
    sizes = world_sizes(settings, device, threads)
    return len(sizes) + settings.rounds * len(settings.models) * len(configurations(sizes))


@dataclass(frozen=True)
class Plan:
    """What the workers do: sent to each of them (pickled) at the launch."""

    settings: ScalingSettings
    sizes: list[int]
    backend: str
    cuda: bool
    threads: int


def run(settings: ScalingSettings, device: str, threads: int, advance) -> ScalingResult:
    cuda = device_type(device) == "cuda"
    sizes = world_sizes(settings, device, threads)
    plan = Plan(settings, sizes, "nccl" if cuda else "gloo", cuda, threads)
    labels = [f"all-reduce at world size {n}" for n in sizes] + [
        f"{model}, {mode} at world size {n} (round {r + 1} of {settings.rounds})"
        for r in range(settings.rounds) for model in settings.models for n, mode in configurations(sizes)]
    told = 0

    def tell(done: int) -> None:
        nonlocal told
        for label in labels[told:done]:
            advance(label)
        told = max(told, done)

    others, begin = OthersMeter(children=True), time.perf_counter()
    found = launcher.launch(worker, sizes[-1], (plan,), settings.timeout_seconds, tell)
    seconds = time.perf_counter() - begin
    if found is None:
        raise launcher.WorkerError("the workers ended without a result")
    allreduce, steps = found
    return ScalingResult(backend=plan.backend, device="cuda" if cuda else "cpu", launcher=LAUNCHER,
                         world_sizes=sizes, available=torch.cuda.device_count() if cuda else threads,
                         threads=threads, batch_size=settings.batch_size, rounds=settings.rounds,
                         allreduce=allreduce, steps=steps, interconnect=interconnect() if cuda else None,
                         seconds=round(seconds, 3), timeout_s=settings.timeout_seconds, others_busy=others.share())


def interconnect() -> str | None:
    """Whether the GPUs reach each other directly (NVLink or PCIe peer-to-peer) or only through host memory."""
    count = torch.cuda.device_count()
    if count < 2:
        return None
    pairs = [(a, b) for a in range(count) for b in range(count) if a != b]
    direct = sum(torch.cuda.can_device_access_peer(a, b) for a, b in pairs)
    if direct == len(pairs):
        return "peer-to-peer access between every pair of GPUs (NVLink or PCIe; torch does not say which)"
    return f"peer-to-peer access between {direct // 2} of {len(pairs) // 2} GPU pairs; the others go through the host"


# --- in each worker --------------------------------------------------------------------------------------------

def worker(rank: int, port: int, plan: Plan) -> None:
    s = plan.settings
    store = launcher.join_store(port, s.timeout_seconds)
    if plan.cuda:
        torch.cuda.set_device(rank)
    else:
        prepare_cpu(plan.threads // plan.sizes[-1])
    dist.init_process_group(plan.backend, store=dist.PrefixStore("group", store), rank=rank,
                            world_size=plan.sizes[-1], timeout=timedelta(seconds=s.timeout_seconds),
                            device_id=torch.device(f"cuda:{rank}") if plan.cuda else None)
    try:
        groups = {n: dist.new_group(list(range(n))) for n in plan.sizes}  # every rank makes every group
        ranks = Ranks(rank, plan, groups, store)
        allreduce = [a for n in plan.sizes for a in ranks.allreduce_sweep(n)]
        configs = {(model, n, mode): ranks.configuration(model, n, mode)
                   for model in s.models for n, mode in configurations(plan.sizes)}
        for round_ in range(s.rounds):
            for config in configs.values():  # one step re-warms a configuration after the others ran
                ranks.visit(config, s.warmup_steps if round_ == 0 else 1)
        steps = [ranks.record(config) for config in configs.values()]
        if rank == 0:
            launcher.hand_back(store, (allreduce, steps))
        dist.barrier()
    finally:
        dist.destroy_process_group()


@dataclass
class Configuration:
    """One timed step configuration on this rank; `member`: whether this rank takes part in it."""

    model: str
    parameters: int
    world_size: int
    scaling: str
    batch: int
    threads: int | None
    member: bool
    synced: Callable[[], None] | None = None  # the step, with gradients exchanged
    local: Callable[[], None] | None = None  # the same under no_sync(), on its own copy of the net (whose weights
    # drift apart from the other ranks')
    synced_net: nn.Module | None = None
    timed: list[list[float]] = field(default_factory=list)  # per round, each synchronised step's slowest rank's time
    timed_local: list[list[float]] = field(default_factory=list)


class Ranks:
    """This rank's part in the experiment: the timing protocol every rank follows in the same order."""

    def __init__(self, rank: int, plan: Plan, groups: dict, store):
        self.rank, self.plan, self.groups, self.store = rank, plan, groups, store
        self.device = torch.device(f"cuda:{rank}") if plan.cuda else torch.device("cpu")

    def sync(self) -> None:
        if self.plan.cuda:
            torch.cuda.synchronize(self.device)

    def progress(self) -> None:
        if self.rank == 0:
            launcher.report_progress(self.store)

    def slowest(self, seconds: list[float], group) -> list[float]:
        """Each operation's slowest time over the group's ranks."""
        t = torch.tensor(seconds, dtype=torch.float64, device=self.device)
        dist.all_reduce(t, op=dist.ReduceOp.MAX, group=group)
        return t.tolist()

    def threads_at(self, n: int) -> int | None:
        return None if self.plan.cuda else max(1, self.plan.threads // n)

    def allreduce_sweep(self, n: int) -> list[AllReduceTime]:
        s, group, found = self.plan.settings, self.groups[n], []
        if self.rank < n:
            if not self.plan.cuda:
                torch.set_num_threads(self.threads_at(n))
            for size in s.allreduce_bytes:
                x = torch.zeros(size // 4, dtype=torch.float32, device=self.device)  # zeros: the sum stays finite
                for _ in range(s.allreduce_warmup):
                    dist.all_reduce(x, group=group)
                seconds = []
                for _ in range(s.allreduce_repeats):
                    dist.barrier(group=group)
                    self.sync()
                    start = time.perf_counter()
                    dist.all_reduce(x, group=group)
                    self.sync()
                    seconds.append(time.perf_counter() - start)
                median, iqr = median_iqr(self.slowest(seconds, group))
                found.append(AllReduceTime(world_size=n, bytes=size, median_s=median, iqr_s=iqr,
                                           repeats=len(seconds)))
                del x
        dist.barrier()
        self.progress()
        return found

    def configuration(self, model: str, n: int, mode: str) -> Configuration:
        s = self.plan.settings
        batch = s.batch_size if mode in ("single", "weak") else max(1, s.batch_size // n)
        config = Configuration(model, parameter_count(build_model(model)), n, mode, batch, self.threads_at(n),
                               member=self.rank < n)
        if config.member:
            ddp = mode != "single"
            config.synced, config.synced_net = self.make_step(model, batch, n if ddp else None, sync=True)
            if ddp:
                config.local, _ = self.make_step(model, batch, n, sync=False)
        return config

    def make_step(self, model_name: str, batch: int, n: int | None, sync: bool):
        """A training step on a fixed random batch of this rank's own (seeded by rank), under DDP over the group of
        world size n (None: no DDP). Each rank starts from its own weights: DDP's broadcast from rank 0 must make
        them equal, and the averaged gradients keep them so."""
        generator = torch.Generator().manual_seed(self.rank)
        torch.manual_seed(1000 + self.rank)
        net = build_model(model_name).to(self.device)
        if n is not None:
            net = DistributedDataParallel(net, device_ids=[self.rank] if self.plan.cuda else None,
                                          process_group=self.groups[n])
        optimizer = adam(net.parameters(), LEARNING_RATE)
        x = torch.randn(batch, INPUT_LENGTH, generator=generator).to(self.device)
        y = torch.randint(0, CLASSES, (batch,), generator=generator).to(self.device)

        def step():
            optimizer.zero_grad(set_to_none=True)
            if sync or n is None:
                nn.functional.cross_entropy(net(x), y).backward()
            else:
                with net.no_sync():
                    nn.functional.cross_entropy(net(x), y).backward()
            optimizer.step()

        return step, net

    def visit(self, config: Configuration, warmup: int) -> None:
        """One round of a configuration: warm-up, then its synchronised steps and its steps under no_sync()."""
        if config.member:
            if config.threads:
                torch.set_num_threads(config.threads)
            group = self.groups[config.world_size] if config.scaling != "single" else None
            config.timed.append(self._time(config.synced, warmup, group))
            if config.local:
                config.timed_local.append(self._time(config.local, warmup, group))
        dist.barrier()
        self.progress()

    def _time(self, step, warmup: int, group) -> list[float]:
        for _ in range(warmup):
            step()
        self.sync()
        seconds = []
        for _ in range(self.plan.settings.steps):
            if group is not None:
                dist.barrier(group=group)
            self.sync()
            start = time.perf_counter()
            step()
            self.sync()
            seconds.append(time.perf_counter() - start)
        return self.slowest(seconds, group) if group is not None else seconds

    def record(self, config: Configuration) -> DdpStep | None:
        """The configuration's record (on rank 0, which is in every group); None on the other ranks."""
        equal = None
        if config.member and config.world_size > 1:
            equal = parameters_agree(config.synced_net, self.groups[config.world_size], self.device)
        if self.rank != 0:
            return None
        return DdpStep(model=config.model, parameters=config.parameters, world_size=config.world_size,
                       scaling=config.scaling, batch_per_worker=config.batch, threads_per_worker=config.threads,
                       timing=_timing(config.timed, self.plan.settings.warmup_steps),
                       local=_timing(config.timed_local, self.plan.settings.warmup_steps) if config.local else None,
                       parameters_equal=equal)


def parameters_agree(net: nn.Module, group, device) -> bool:
    """Whether every rank of the group holds bitwise the same parameters: their maximum over the ranks equals their
    minimum."""
    flat = torch.cat([p.detach().reshape(-1) for p in net.parameters()]).to(device)
    high, low = flat.clone(), flat.clone()
    dist.all_reduce(high, op=dist.ReduceOp.MAX, group=group)
    dist.all_reduce(low, op=dist.ReduceOp.MIN, group=group)
    return bool(torch.equal(high, low))


def _timing(rounds: list[list[float]], warmup: int) -> Timing:
    """Per-step times of each round as a Timing: one call per block, the median of the rounds' medians."""
    pooled = [t for r in rounds for t in r]
    _, iqr = median_iqr(pooled)
    medians = [statistics.median(r) for r in rounds]
    return Timing(median_s=statistics.median(medians), iqr_s=iqr, blocks=len(pooled), calls_per_block=1,
                  warmup_calls=warmup + len(rounds) - 1, total_s=sum(pooled), round_medians_s=medians)
