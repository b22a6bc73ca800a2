"""The battery runner: data first, then each experiment the profile names, timed phase by phase.

It hands the results so far to a keeper after every phase (the build saves them as the run's checkpoint), and it
runs only what those results lack, so an interrupted run can be finished without repeating anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from reportgen import __version__
from reportgen.data import Dataset, mnist1d
from reportgen.devices import DeviceChoice, failure_reason
from reportgen.experiments import activations, compute, data_scale, scaling
from reportgen.listener import Listener
from reportgen.profile import EXPERIMENTS, Profile
from reportgen.records.system import SystemInfo
from reportgen.results import SCHEMA_VERSION, Baseline, Results, RunSettings
from reportgen.system import describe_system
from reportgen.training import prepare_cpu
from reportgen.workers import release


def start(profile: Profile, profile_table: dict, device: DeviceChoice, seed: int, threads: int, command: str,
          user_data: Dataset | None = None, baseline: Results | None = None,
          threads_reason: str | None = None) -> Results:
    """A run before its first phase: the envelope every checkpoint of the run shares.

    `user_data`, when given, replaces MNIST-1D in the data-scale experiment; `baseline`, another machine's
    results, is kept beside this run's computation results for comparison.
    """
    created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    settings = RunSettings(profile=profile.name, profile_table=profile_table, device=device.name,
                           device_reason=device.reason, seed=seed, threads=threads, command=command,
                           dataset=user_data.info if user_data else None, threads_reason=threads_reason)
    return Results(schema_version=SCHEMA_VERSION, tool="reportgen", tool_version=__version__, created_utc=created,
                   system=describe_system(device.name), settings=settings, phases={}, baseline=_baseline(baseline))


def run_battery(profile: Profile, so_far: Results, progress: Listener | None = None,
                keep: Callable[[Results], None] | None = None, user_data: Dataset | None = None) -> Results:
    """Run what `so_far` lacks and hand the results to `keep` after each phase.

    `user_data` is the run's --dataset, needed while its data-scale experiment is still to run. An experiment
    that raises is recorded with its reason and the battery goes on; Ctrl-C is not caught.
    """
    progress = progress or Listener()
    keep = keep or (lambda results: None)
    run = replace(so_far.settings, allocator=prepare_cpu(so_far.settings.threads))
    results = replace(so_far, settings=run)
    todo = [name for name in EXPERIMENTS if getattr(profile, name) and not so_far.done(name)]
    on_file = run.dataset is not None
    if "data_scale" in todo and on_file and user_data is None:
        raise ValueError(f"the data-scale experiment needs the run's dataset {run.dataset.name}")
    # The pool size picks the MNIST-1D sample, so it comes from the whole profile, whatever is left to run.
    pool = max([*(profile.data_scale.m if profile.data_scale and not on_file else []),
                *([profile.activations.train_examples] if profile.activations else [])], default=0)
    data = None
    if pool and set(todo) & ({"activations"} if on_file else {"data_scale", "activations"}):
        progress.phase("data", 1)
        begin = time.perf_counter()
        data = _data(pool, profile.data.test_size, progress)
        results = replace(results, data=data.info, phases=_with(results.phases, "data", begin))
        keep(results)
    try:
        for name in EXPERIMENTS:
            if name not in todo:
                if getattr(profile, name):
                    progress.kept(name)
                continue
            if name == "scaling":
                release()  # its own workers take the cores: the idle pool's memory would only add to theirs
            units, work = _plan(name, getattr(profile, name), user_data or data, data, run, progress.advance,
                                results.system)
            progress.phase(name, units)
            begin = time.perf_counter()
            failures = {k: v for k, v in results.failures.items() if k != name}
            try:
                found = {name: work()}
            except Exception as error:  # noqa: BLE001 - one failed experiment must not cost the others theirs
                found, failures = {}, {**failures, name: failure_reason(error)}
            results = replace(results, **found, failures=failures, phases=_with(results.phases, name, begin))
            keep(results)
    finally:
        release()  # the worker processes: idle from here on
    return results


def _plan(name: str, settings, curves_on: Dataset | None, mnist: Dataset | None, run: RunSettings,
          advance, system: SystemInfo) -> tuple[int, Callable[[], object]]:
    """How many progress units an experiment has, and the call that runs it."""
    if name == "data_scale":
        return (data_scale.plan(settings, curves_on.info, run.device, system.bf16_unit).units(settings.seeds),
                lambda: data_scale.run(settings, curves_on, run.device, run.seed, run.threads, advance,
                                       bf16_unit=system.bf16_unit))
    if name == "activations":
        return (activations.units(settings),
                lambda: activations.run(settings, mnist, run.device, run.seed, run.threads, advance))
    if name == "scaling":
        return (scaling.units(settings, run.device, run.threads),
                lambda: scaling.run(settings, run.device, run.threads, advance))
    return (compute.units(settings, run.device, run.threads, system.bf16_unit),
            lambda: compute.run(settings, run.device, run.threads, advance, system.bf16_unit,
                                system.cpu_features))


def _with(phases: dict[str, float], name: str, begin: float) -> dict[str, float]:
    return {**phases, name: round(time.perf_counter() - begin, 3)}


def _baseline(other: Results | None) -> Baseline | None:
    if other is None or other.compute is None:
        return None
    return Baseline(machine=other.system.summary_for(other.settings.device), created_utc=other.created_utc,
                    compute=other.compute)


def _data(pool: int, test_size: int, progress: Listener):
    data = mnist1d(pool, test_size)
    progress.advance("MNIST-1D from cache" if data.info.from_cache else "MNIST-1D generated")
    return data
