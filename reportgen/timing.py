"""The timing core every measurement shares.

Protocol (agrees with torch.utils.benchmark's blocked_autorange): warm up, then time blocks of calls long
enough to swamp clock overhead, synchronising the device before each clock read; keep adding blocks until the
relative spread (IQR / median of the per-call block times) is small or the time cap is hit. A spread that stays
large is recorded, not hidden.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

TARGET_SPREAD = 0.05  # IQR / median under which we stop repeating
MIN_BLOCKS = 5  # fewer blocks give no meaningful IQR
BLOCK_SECONDS = 0.02  # each block long enough that perf_counter's resolution does not matter


@dataclass(frozen=True)
class Timing:
    median_s: float  # seconds per call
    iqr_s: float
    blocks: int
    calls_per_block: int
    warmup_calls: int
    total_s: float

    @property
    def relative_spread(self) -> float:
        return self.iqr_s / self.median_s if self.median_s > 0 else math.inf

    @property
    def stable(self) -> bool:
        return self.relative_spread <= 2 * TARGET_SPREAD


def measure(fn, sync=lambda: None, max_seconds: float = 1.0, warmup_seconds: float = 0.1,
            clock=time.perf_counter) -> Timing:
    """Time `fn()` per call: warm-up, synchronised blocks, repeats until the spread is small or time is up."""
    warmup_calls, start = 0, clock()
    while warmup_calls < 3 or clock() - start < warmup_seconds:
        fn()
        warmup_calls += 1
        sync()
    per_call = max((clock() - start) / warmup_calls, 1e-9)
    calls = max(1, math.ceil(BLOCK_SECONDS / per_call))

    samples: list[float] = []
    begin = clock()
    while True:
        sync()
        t0 = clock()
        for _ in range(calls):
            fn()
        sync()
        samples.append((clock() - t0) / calls)
        if len(samples) >= MIN_BLOCKS:
            median, iqr = median_iqr(samples)
            if iqr / median <= TARGET_SPREAD or clock() - begin >= max_seconds:
                break
    return Timing(median, iqr, len(samples), calls, warmup_calls, clock() - begin)


def median_iqr(values: list[float]) -> tuple[float, float]:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return median, q3 - q1
