"""The battery runner: data first, then each experiment the profile names, timed phase by phase."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from reportgen import __version__
from reportgen.data import Dataset, mnist1d
from reportgen.devices import DeviceChoice
from reportgen.experiments import activations, compute, data_scale
from reportgen.profile import Profile
from reportgen.results import SCHEMA_VERSION, Baseline, Results, RunSettings
from reportgen.system import describe_system
from reportgen.training import prepare_cpu


class Progress:
    """What the runner tells whoever watches it. This one tells nobody (tests, library use)."""

    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass


def run_battery(profile: Profile, profile_table: dict, device: DeviceChoice, seed: int, threads: int,
                command: str, progress: Progress | None = None, user_data: Dataset | None = None,
                baseline: Results | None = None) -> Results:
    """Run the profile's experiments.

    `user_data`, when given, replaces MNIST-1D in the data-scale experiment; `baseline`, another machine's
    results, is kept beside this run's computation results for comparison.
    """
    progress = progress or Progress()
    prepare_cpu(threads)
    created = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    phases: dict[str, float] = {}
    found: dict = {}

    def phase(name: str, total: int, work):
        progress.phase(name, total)
        start = time.perf_counter()
        found[name] = work()
        phases[name] = round(time.perf_counter() - start, 3)

    pool = max([*(profile.data_scale.m if profile.data_scale and user_data is None else []),
                *([profile.activations.train_examples] if profile.activations else [])], default=0)
    data = None
    if pool:
        phase("data", 1, lambda: _data(pool, profile.data.test_size, progress))
        data = found["data"]
    if profile.data_scale:
        curves_on = user_data or data
        plan = data_scale.plan(profile.data_scale, curves_on.info)
        phase("data_scale", plan.units(profile.data_scale.seeds),
              lambda: data_scale.run(profile.data_scale, curves_on, device.name, seed, threads, progress.advance))
    if profile.activations:
        phase("activations", activations.units(profile.activations),
              lambda: activations.run(profile.activations, data, device.name, seed, threads, progress.advance))
    if profile.compute:
        phase("compute", compute.units(profile.compute, device.name, threads),
              lambda: compute.run(profile.compute, device.name, threads, progress.advance))

    settings = RunSettings(profile.name, profile_table, device.name, device.reason, seed, threads, command)
    return Results(SCHEMA_VERSION, "reportgen", __version__, created, describe_system(), settings, phases,
                   data.info if data else None, found.get("data_scale"), found.get("activations"),
                   found.get("compute"), _baseline(baseline))


def _baseline(other: Results | None) -> Baseline | None:
    if other is None or other.compute is None:
        return None
    return Baseline(other.system.summary, other.created_utc, other.compute)


def _data(pool: int, test_size: int, progress: Progress):
    data = mnist1d(pool, test_size)
    progress.advance("MNIST-1D from cache" if data.info.from_cache else "MNIST-1D generated")
    return data
