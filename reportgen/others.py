"""How busy the rest of the machine was while we timed: timings of a machine that other processes share say
nothing about its hardware (here, another job on both cores once made 2 threads 75x slower than 1)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from reportgen.cpus import allowed_cpus


def _busy_seconds(cpus: set[int] | None) -> tuple[float, int] | None:
    """CPU-seconds the given CPUs have been busy since boot, and how many CPUs that is (Linux /proc/stat); None
    elsewhere. Only our CPUs count: on a large server, jobs on other cores do not disturb our timings."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return None
    busy, found = 0, 0
    for line in lines:
        name, *values = line.split() or [""]
        if not (name.startswith("cpu") and name[3:].isdigit()) or (cpus is not None and int(name[3:]) not in cpus):
            continue
        fields = [int(v) for v in values[:8]]  # user nice system idle iowait irq softirq steal (guest is in user)
        busy, found = busy + sum(fields) - sum(fields[3:5]), found + 1
    return (busy / os.sysconf("SC_CLK_TCK"), found) if found else None


class OthersMeter:
    """The share of our CPUs' capacity used by processes other than this one between start and `share()`.

    children: count this process's children as its own too (those it has waited for by `share()`): the
    workers of the scaling experiment are ours, not others'."""

    def __init__(self, children: bool = False) -> None:
        self._cpus = allowed_cpus()  # None where the system does not say: then every CPU counts
        self._children = children
        self._start = (_busy_seconds(self._cpus), self._own(), time.perf_counter())

    def _own(self) -> float:
        spent = os.times()
        return time.process_time() + (spent.children_user + spent.children_system if self._children else 0.0)

    def share(self) -> float | None:
        busy, own, wall = _busy_seconds(self._cpus), self._own(), time.perf_counter()
        if busy is None or self._start[0] is None or wall <= self._start[2]:
            return None
        others = (busy[0] - self._start[0][0]) - (own - self._start[1])
        return min(1.0, max(0.0, others / ((wall - self._start[2]) * busy[1])))
