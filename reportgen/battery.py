"""The battery runner: data first, then each experiment the profile names, timed phase by phase.

It hands the results so far to a keeper after every phase (the build saves them as the run's checkpoint), and it
runs only what those results lack, so an interrupted run can be finished without repeating anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone

from reportgen import __version__
from reportgen.data import mnist1d
from reportgen.devices import DeviceChoice, is_out_of_memory
from reportgen.experiments import activations, compute, data_scale
from reportgen.profile import EXPERIMENTS, Profile
from reportgen.results import SCHEMA_VERSION, Results, RunSettings
from reportgen.system import describe_system
from reportgen.training import prepare_cpu

NEEDS_DATA = ("data_scale", "activations")


class Progress:
    """What the runner tells whoever watches it. This one tells nobody (tests, library use)."""

    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass

    def kept(self, name: str) -> None:
        """An experiment finished before the run was interrupted: kept, not run again."""


def start(profile: Profile, profile_table: dict, device: DeviceChoice, seed: int, threads: int,
          command: str) -> Results:
    """A run before its first phase: the envelope every checkpoint of the run shares."""
    created = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    settings = RunSettings(profile.name, profile_table, device.name, device.reason, seed, threads, command)
    return Results(SCHEMA_VERSION, "reportgen", __version__, created, describe_system(), settings, {})


def run_battery(profile: Profile, so_far: Results, progress: Progress | None = None,
                keep: Callable[[Results], None] | None = None) -> Results:
    """Run what `so_far` lacks and hand the results to `keep` after each phase.

    An experiment that raises is recorded with its reason and the battery goes on; Ctrl-C is not caught.
    """
    progress = progress or Progress()
    keep = keep or (lambda results: None)
    run = so_far.settings
    prepare_cpu(run.threads)
    results = so_far
    todo = [name for name in EXPERIMENTS if getattr(profile, name) and not so_far.done(name)]
    data = None
    if set(todo) & set(NEEDS_DATA):
        pool = max([*(profile.data_scale.m if profile.data_scale else []),
                    *([profile.activations.train_examples] if profile.activations else [])])
        progress.phase("data", 1)
        begin = time.perf_counter()
        data = _data(pool, profile.data.test_size, progress)
        results = replace(results, data=data.info, phases=_with(results.phases, "data", begin))
        keep(results)
    for name in EXPERIMENTS:
        if name not in todo:
            if getattr(profile, name):
                progress.kept(name)
            continue
        units, work = _plan(name, getattr(profile, name), data, run, progress.advance)
        progress.phase(name, units)
        begin = time.perf_counter()
        failures = {k: v for k, v in results.failures.items() if k != name}
        try:
            found = {name: work()}
        except Exception as error:  # noqa: BLE001 - one failed experiment must not cost the others theirs
            found, failures = {}, {**failures, name: _reason(error)}
        results = replace(results, **found, failures=failures, phases=_with(results.phases, name, begin))
        keep(results)
    return results


def _plan(name: str, settings, data, run: RunSettings, advance) -> tuple[int, Callable[[], object]]:
    """How many progress units an experiment has, and the call that runs it."""
    if name == "compute":
        return (compute.units(settings, run.device, run.threads),
                lambda: compute.run(settings, run.device, run.threads, advance))
    module = data_scale if name == "data_scale" else activations
    return module.units(settings), lambda: module.run(settings, data, run.device, run.seed, run.threads, advance)


def _with(phases: dict[str, float], name: str, begin: float) -> dict[str, float]:
    return {**phases, name: round(time.perf_counter() - begin, 3)}


def _reason(error: Exception) -> str:
    if is_out_of_memory(error):
        return "out of memory"
    message = str(error).splitlines()[0][:200] if str(error) else ""
    return f"failed: {type(error).__name__}" + (f": {message}" if message else "")


def _data(pool: int, test_size: int, progress: Progress):
    data = mnist1d(pool, test_size)
    progress.advance("MNIST-1D from cache" if data.info.from_cache else "MNIST-1D generated")
    return data
