"""The timing core every measurement shares.

Protocol (agrees with torch.utils.benchmark's blocked_autorange): warm up, size the blocks of calls on warm
blocks so that each is long enough to swamp clock overhead, then time blocks, synchronising the device before each
clock read; keep adding blocks for at least a minimum time, then until the relative spread (IQR / median of the
per-call block times) is small or the time cap is hit. The cap holds except for a single block: a workload whose
one call outlasts it is timed on one call per visit. A spread that stays large is recorded, not hidden.

A sweep visits its workloads in rounds, interleaved (the argument of Google Benchmark's random interleaving),
and a timing's median is the median of its rounds' medians: a slow second of a shared machine then spoils one
round, not the timing, and workloads that are compared were timed at nearly the same moments.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass, field

TARGET_SPREAD = 0.05  # IQR / median under which we stop repeating
UNSTABLE_SPREAD = 2 * TARGET_SPREAD  # a timing whose spread stays above this is flagged as not to be trusted
MIN_BLOCKS = 5  # fewer blocks give no meaningful IQR
BLOCK_SECONDS = 0.02  # each block long enough that perf_counter's resolution does not matter
REESTIMATES = 3  # warm blocks to settle the calls per block: each multiplies it by the error of the last guess
ROUND_DRIFT = 0.10  # round medians further apart than this (relative): the machine changed speed mid-run


@dataclass(frozen=True, kw_only=True)
class Timing:
    median_s: float  # seconds per call: the median of the rounds' medians (of the blocks', with one round)
    iqr_s: float  # of the per-call times of every block, all rounds together
    blocks: int
    calls_per_block: int
    warmup_calls: int
    total_s: float  # time spent in the visits once warm (timed blocks, and the block re-warming each later visit)
    round_medians_s: list[float] = field(default_factory=list)  # per round, in order; empty before rounds existed

    @property
    def relative_spread(self) -> float:
        return self.iqr_s / self.median_s if self.median_s > 0 else math.inf

    @property
    def stable(self) -> bool:
        return self.relative_spread <= UNSTABLE_SPREAD

    @property
    def round_drift(self) -> float:
        """How far the per-round medians moved, relative to the median: the machine changing speed mid-run."""
        rounds = self.round_medians_s
        return (max(rounds) - min(rounds)) / self.median_s if len(rounds) > 1 and self.median_s > 0 else 0.0


class Sampler:
    """One workload, warmed up once and then timed in one or more visits whose blocks are pooled."""

    def __init__(self, fn, sync=lambda: None, warmup_seconds: float = 0.1, clock=time.perf_counter):
        self.fn, self.sync, self.clock = fn, sync, clock
        self.warmup_calls, start = 0, clock()
        while self.warmup_calls < 1 or clock() - start < warmup_seconds:
            fn()
            self.warmup_calls += 1
            sync()
        # The first calls pay for lazy initialisation (CUDA context, cuDNN autotuning, the allocator), so the
        # warm-up's mean overstates a call and would leave a fast workload with one call, and a synchronisation,
        # per block. As torch.utils.benchmark does, the calls per block come from warm blocks instead.
        self.calls = _calls_for(max((clock() - start) / self.warmup_calls, 1e-9))
        for _ in range(REESTIMATES):
            seconds = self._block() * self.calls
            self.warmup_calls += self.calls
            if seconds >= BLOCK_SECONDS / 2:
                break
            self.calls = max(self.calls + 1, _calls_for(seconds / self.calls))
        self.samples: list[float] = []
        self.round_medians: list[float] = []
        self.total = 0.0

    def visit(self, min_seconds: float, max_seconds: float, min_blocks: int = MIN_BLOCKS) -> None:
        """Take at least `min_blocks` blocks and `min_seconds`, then more until the spread of all blocks so far
        is small or `max_seconds` is up. `max_seconds` is a cap: past it the visit stops even short of
        `min_blocks`, so that a workload whose one call is slower than the cap takes a single block. After other
        work ran, one untimed block first brings caches and threads back (when a block is short next to the cap)."""
        begin = self.clock()
        if self.samples and self.calls * self.samples[-1] < max_seconds / 2:
            self._block()
        taken = []
        while True:
            taken.append(self._block())
            elapsed = self.clock() - begin
            if elapsed >= max_seconds or (len(taken) >= min_blocks and elapsed >= min_seconds
                                          and self._settled(self.samples + taken)):
                break
        self.samples += taken
        self.round_medians.append(statistics.median(taken))
        self.total += self.clock() - begin

    def timing(self) -> Timing:
        _, iqr = median_iqr(self.samples)
        return Timing(median_s=statistics.median(self.round_medians), iqr_s=iqr, blocks=len(self.samples),
                      calls_per_block=self.calls, warmup_calls=self.warmup_calls, total_s=self.total,
                      round_medians_s=list(self.round_medians))

    @staticmethod
    def _settled(pooled: list[float]) -> bool:
        """Small spread; too few blocks to tell (an early round of several) counts as settled for now."""
        if len(pooled) < MIN_BLOCKS:
            return True
        median, iqr = median_iqr(pooled)
        return iqr / median <= TARGET_SPREAD

    def _block(self) -> float:
        self.sync()
        t0 = self.clock()
        for _ in range(self.calls):
            self.fn()
        self.sync()
        return (self.clock() - t0) / self.calls


def _calls_for(per_call: float) -> int:
    return max(1, math.ceil(BLOCK_SECONDS / per_call))


def median_iqr(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:  # one block (a call slower than the cap): no spread to measure
        return values[0], 0.0
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return median, q3 - q1
