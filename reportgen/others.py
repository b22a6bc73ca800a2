"""How busy the rest of the machine was while we timed: timings of a machine that other processes share say
nothing about its hardware (here, another job on both cores once made 2 threads 75x slower than 1)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def _busy_seconds() -> float | None:
    """CPU-seconds all CPUs of the machine have been busy since boot (Linux /proc/stat), or None elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = sum(fields[3:5])  # idle and iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # user to steal; guest time is inside user


class OthersMeter:
    """The share of the machine's CPU capacity used by processes other than this one between start and stop."""

    def __init__(self) -> None:
        self._start = (_busy_seconds(), time.process_time(), time.perf_counter())

    def share(self) -> float | None:
        busy, own, wall = _busy_seconds(), time.process_time(), time.perf_counter()
        if busy is None or self._start[0] is None or wall <= self._start[2]:
            return None
        others = (busy - self._start[0]) - (own - self._start[1])
        return min(1.0, max(0.0, others / ((wall - self._start[2]) * (os.cpu_count() or 1))))
