"""Resuming a run folder: what an interrupted build left in it, and whether a resume may finish it.

A build keeps its results so far in the run folder's checkpoint.json, saved after every phase; the finished
build's results.json replaces it. A resume must run on the same machine with the same profile, seed, device and
thread count, or its numbers could not stand beside the ones already measured.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from dataclasses import dataclass
from pathlib import Path

from reportgen import results as results_file
from reportgen.data import Dataset
from reportgen.devices import resolve_device
from reportgen.errors import UserError
from reportgen.limits import MAX_SEED, MAX_THREADS
from reportgen.profile import Profile, load_profile, parse_profile
from reportgen.results import Results, ResultsError
from reportgen.system import describe_system
from reportgen.user_data import load_user_dataset

CHECKPOINT = "checkpoint.json"
RESULTS = "results.json"


class ResumeError(UserError):
    """A run folder that cannot be resumed as asked."""


@contextlib.contextmanager
def run_lock(folder: Path):
    """Hold the run folder for one build at a time.

    Two builds writing one folder would both time their workloads on a machine the other is loading (a step timed
    at three times its real length) and overwrite each other's checkpoint. An advisory lock on the folder itself
    (flock: released by the kernel when the process ends, however it ends; nothing is left in the folder) makes
    the second one stop before it runs anything.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise ResumeError(f"cannot open the run folder {folder}: {error.strerror or error}") from error
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ResumeError(f"{folder} is in use by another reportgen build; wait for it to finish, "
                              "then resume it if it did not") from None
        yield
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Resumable:
    folder: Path
    so_far: Results
    profile: Profile | None  # None when results.json is complete: only the report is left to write
    user_data: Dataset | None = None  # the run's --dataset, read again while its data-scale experiment is to run


def plan_resume(folder: Path, profile: str | None = None, device: str | None = None, seed: int | None = None,
                threads: int | None = None, dataset: Path | None = None, label: str | None = None) -> Resumable:
    """Read `folder` and check the options given again (None: not given) against those it was started with.

    A finished build (results.json) is only rendered again, unless it records failed experiments: those run again.
    """
    if not folder.is_dir():
        raise ResumeError(f"cannot resume {folder}: no such run folder")
    complete = (folder / RESULTS).exists()
    path = folder / (RESULTS if complete else CHECKPOINT)
    if not path.exists():
        raise ResumeError(f"cannot resume {folder}: it has no {CHECKPOINT} or {RESULTS}")
    try:
        so_far = results_file.load(path)
    except ResultsError as error:
        raise ResumeError(f"cannot resume: {error}")
    started = so_far.settings
    if started.threads < 1:  # a file edited by hand: torch cannot run on no threads
        raise ResumeError(f"cannot resume {folder}: its {path.name} records {started.threads} CPU threads; "
                          "a run needs at least 1")
    if started.threads > MAX_THREADS or started.seed > MAX_SEED:  # edited by hand, or from before these bounds
        raise ResumeError(f"cannot resume {folder}: its {path.name} records "
                          + (f"{started.threads} CPU threads, more than {MAX_THREADS}" if started.threads > MAX_THREADS
                             else f"seed {started.seed}, more than {MAX_SEED}"))
    recorded = {"seed": started.seed, "threads": started.threads, "device": started.device,
                "profile": started.profile_table}
    asked = {"seed": seed, "threads": threads, "device": resolve_device(device).name if device else None,
             "profile": load_profile(profile)[1] if profile else None}
    differ = [name for name, value in asked.items() if value is not None and value != recorded[name]]
    if differ:
        was = ", ".join(f"profile '{started.profile}' as recorded" if name == "profile"
                        else f"{name} {recorded[name]}" for name in differ)
        raise ResumeError(f"cannot resume {folder} with another {' or '.join(differ)}: it was started with "
                          f"{was} (leave these options out to use the recorded ones)")
    if complete and not so_far.failures:
        return Resumable(folder, so_far, None)
    # A finished build with failed experiments is resumed as an unfinished one: those experiments run again.
    if not re.fullmatch(r"cpu|mps|cuda:\d+", started.device):  # "CPU" passed resolve_device; torch refused it
        raise ResumeError(f"cannot resume {folder}: its {path.name} records the device {started.device!r}, not "
                          "a device name reportgen writes (cpu, cuda:N or mps)")
    resolve_device(started.device)  # still there?
    here, there = describe_system(started.device), so_far.system
    if (here.cpu_model, [g.name for g in here.gpus]) != (there.cpu_model, [g.name for g in there.gpus]):
        raise ResumeError(f"cannot resume {folder} here: it was started on another machine "
                          f"({there.hostname}, {there.cpu_model}); resume it there")
    return Resumable(folder, so_far, parse_profile(started.profile_table, str(path)),
                     _dataset(folder, so_far, dataset, label))


def _dataset(folder: Path, so_far: Results, path: Path | None, label: str | None) -> Dataset | None:
    """The run's --dataset, read again and checked to be the same file, when its data-scale experiment is to run."""
    recorded = so_far.settings.dataset
    if recorded is None:
        if path is not None:
            raise ResumeError(f"cannot resume {folder} with --dataset: it was started on MNIST-1D")
        return None
    if so_far.done("data_scale") and path is None:
        return None
    if path is None:
        raise ResumeError(f"cannot resume {folder} without its dataset: give --dataset {recorded.name} again")
    again = load_user_dataset(path, label or recorded.generator_args["label"], so_far.settings.seed)
    if again.info != recorded:
        raise ResumeError(f"cannot resume {folder} with dataset {path}: it is not the {recorded.name} the run "
                          f"started with (contents or label differ)")
    return again

