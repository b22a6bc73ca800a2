"""How many CPUs this process may use, and which limit says so.

os.cpu_count() counts the host's cores: in a container or a scheduler job on a 100-core host, as many threads
oversubscribe the few CPUs granted, the CPU baseline collapses and every GPU speed-up looks larger than it is.
The CPU affinity mask and the cgroup's CPU quota (v2 cpu.max, v1 cfs_quota_us / cfs_period_us) are the limits.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuLimit:
    cpus: int  # threads a run may use by default
    limit: str  # which limit gave that number, in words for the report


def usable_cpus(root: Path = Path("/"), affinity=None, cpu_count=os.cpu_count) -> CpuLimit:
    """The tightest of: all logical cores, the affinity mask, the cgroup quota (rounded down, at least 1).

    `root` (where /proc and /sys are found), `affinity` (a function giving the set of allowed CPUs) and
    `cpu_count` are seams for tests.
    """
    logical = cpu_count() or 1
    found = [(logical, f"all {logical} logical cores")]
    allowed = _affinity(affinity)
    if allowed is not None and allowed < logical:
        found.append((allowed, f"the CPU affinity mask ({allowed} of {logical} logical cores)"))
    quota = cgroup_quota(root)
    if quota is not None:
        cpus, source = quota
        found.append((max(1, math.floor(cpus)), f"the {source} CPU quota ({cpus:g} CPUs)"))
    cpus, limit = min(found, key=lambda f: f[0])
    return CpuLimit(cpus, limit)


def thread_choice(threads: int | None, root: Path = Path("/")) -> tuple[int, str]:
    """The run's thread count and why: as given with --threads, or the CPUs this process may use."""
    if threads:
        return threads, "given with --threads"
    limit = usable_cpus(root)
    return limit.cpus, f"by default, {limit.limit}"


def allowed_cpus(affinity=None) -> set[int] | None:
    """The CPUs the affinity mask lets this process run on; None where the system does not say (macOS, Windows)."""
    getter = affinity or getattr(os, "sched_getaffinity", None)
    if getter is None:
        return None
    try:
        return set(getter(0)) or None
    except OSError:
        return None


def _affinity(affinity) -> int | None:
    allowed = allowed_cpus(affinity)
    return len(allowed) if allowed else None


def cgroup_quota(root: Path = Path("/")) -> tuple[float, str] | None:
    """The CPU quota of this process's cgroup and its ancestors, in CPUs, and which cgroup version set it."""
    try:
        lines = (root / "proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    quotas = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "":  # "0::/path": the v2 unified hierarchy
            for folder in _up_from(root / "sys/fs/cgroup", path):
                quotas.append((_v2_quota(folder / "cpu.max"), "cgroup v2"))
        elif "cpu" in controllers.split(","):
            for mount in (root / "sys/fs/cgroup" / controllers, root / "sys/fs/cgroup/cpu"):
                for folder in _up_from(mount, path):
                    quotas.append((_v1_quota(folder), "cgroup v1"))
    quotas = [(q, source) for q, source in quotas if q is not None]
    return min(quotas, key=lambda q: q[0]) if quotas else None


def _up_from(mount: Path, path: str) -> list[Path]:
    """The cgroup's folder and every ancestor up to the mount point; a container sees only the mount itself."""
    parts = [p for p in path.strip().split("/") if p and p != ".."]
    return [mount.joinpath(*parts[:i]) for i in range(len(parts), -1, -1)]


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _v2_quota(path: Path) -> float | None:
    fields = (_read(path) or "").split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def _v1_quota(folder: Path) -> float | None:
    try:
        quota, period = int(_read(folder / "cpu.cfs_quota_us") or ""), int(_read(folder / "cpu.cfs_period_us") or "")
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None
