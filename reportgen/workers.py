"""Independent fits side by side: how many worker processes, how many threads each, and running them.

The pool is joblib's, with its loky backend (scikit-learn brings both): its workers survive between experiments,
so a build pays their start-up once; a worker that dies (killed for memory, say) surfaces as an error rather than
a hung build; and Ctrl-C stops the workers cleanly.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass
from typing import Any

import torch
from joblib import Parallel, delayed, parallel_config
from threadpoolctl import threadpool_limits

from reportgen.cpus import allowed_cpus
from reportgen.training import prepare_cpu

Task = tuple[Callable[..., Any], tuple]  # a module-level function and its arguments: picklable
_pool_started = False  # whether this process has started joblib's worker processes


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask), not all the machine has."""
    allowed = allowed_cpus()
    return len(allowed) if allowed else os.cpu_count() or 1


@dataclass(frozen=True)
class Schedule:
    workers: int  # processes fitting side by side
    threads: int  # torch and BLAS threads in each

    def describe(self) -> str:
        if self.workers == 1:
            return f"one fit at a time on {self.threads} thread{'s' if self.threads > 1 else ''}"
        return (f"fits ran side by side on {self.workers} worker processes of {self.threads} "
                f"thread{'s' if self.threads > 1 else ''} each")


def schedule(threads: int, tasks: int, workers: int | None = None) -> Schedule:
    """One single-threaded worker per CPU the run may use (its --threads, within this process's CPUs), no more
    workers than tasks. Independent fits scale with the cores; the battery's small nets ran slower on 2 threads
    than on 1, and the largest gained 1.2x to 1.4x from a second thread.
    """
    cpus = max(1, min(threads, usable_cpus()))
    n = max(1, min(workers or cpus, cpus, tasks))
    return Schedule(n, max(1, cpus // n))


def run_tasks(plan: Schedule, tasks: Sequence[Task], done: Callable[[int, Any], None],
              failed: Callable[[int, BaseException], Any], here: Sequence[Task] = ()) -> list:
    """Run `tasks` on the plan's workers (in this process when it has one), and `here` in this process meanwhile
    (nets on an accelerator while the CPU fits the rest); returns their results in order, tasks then `here`.

    `done(i, result)` is called in this process as each finishes (progress, and the place a stop request is
    honoured); a task that raised, or whose worker died, gets `failed(i, error)` as its result. A dead worker
    breaks the whole pool, so the tasks it took down run again one at a time. Ctrl-C stops the workers (joblib
    aborts the pool).
    """
    results: list = [None] * (len(tasks) + len(here))

    def finish(i: int, outcome: tuple[Any, BaseException | None]) -> None:
        results[i] = failed(i, outcome[1]) if outcome[1] else outcome[0]
        done(i, results[i])

    if plan.workers == 1 and not here:
        threads = torch.get_num_threads()
        try:
            for i, (fn, args) in enumerate(tasks):
                finish(i, _call(plan.threads, fn, args))
        finally:
            torch.set_num_threads(threads)
        return results
    global _pool_started
    _pool_started = True
    unfinished = set(range(len(tasks)))
    pool = _pool(plan.workers, return_as="generator_unordered", batch_size=1)
    try:
        outputs = pool(delayed(_numbered)(i, plan.threads, fn, args) for i, (fn, args) in enumerate(tasks))
        for k, (fn, args) in enumerate(here):
            finish(len(tasks) + k, (fn(*args), None))
        for i, outcome in outputs:
            unfinished.discard(i)
            finish(i, outcome)
    except BrokenExecutor:  # a worker died (killed for memory, say), and every task in the pool with it
        pass
    for i in sorted(unfinished):  # again, one at a time, so that a task that kills its worker takes only itself
        try:
            ((_, outcome),) = _pool(plan.workers)([delayed(_numbered)(i, plan.threads, *tasks[i])])
        except BrokenExecutor as error:
            outcome = (None, error)
        finish(i, outcome)
    return results


def release() -> None:
    """Stop the idle worker processes now, rather than at exit, where waiting for each to tear torch down cost a
    build about a second here (and their memory is free for rendering)."""
    from joblib.externals.loky import get_reusable_executor

    global _pool_started
    if _pool_started:  # asking for the executor would otherwise start one
        get_reusable_executor().shutdown(wait=False, kill_workers=True)
        _pool_started = False


def _pool(workers: int, **options) -> Parallel:
    """joblib's loky pool, each worker started with a watch on this process (see _die_with_parent)."""
    with parallel_config(backend="loky", initializer=_die_with_parent, initargs=(os.getpid(),)):
        return Parallel(n_jobs=workers, **options)


def _numbered(i: int, threads: int, fn: Callable[..., Any], args: tuple):
    return i, _call(threads, fn, args)


def _die_with_parent(build: int) -> None:
    """In a new worker, before its first task: a thread that ends the worker once the build `build` is gone.

    A build killed with SIGKILL cannot stop its workers: they lived on for up to 27 minutes, with about 700 MB and
    their /dev/shm entries. The kernel gives an orphan a new parent, so a parent id other than the build's means
    it is gone (already, if it died while the worker was starting). prctl's parent-death signal would follow the
    thread that forked the worker, not the process.
    """
    def watch():
        while os.getppid() == build:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="reportgen-parent-watch", daemon=True).start()


WATCH_SECONDS = 0.5


def _call(threads: int, fn: Callable[..., Any], args: tuple) -> tuple[Any, BaseException | None]:
    """Run one task with the worker's thread count pinned for torch and for scikit-learn's BLAS; (result, None),
    or (None, the error) when it raised."""
    prepare_cpu(threads)
    with threadpool_limits(threads):
        try:
            return fn(*args), None
        except Exception as error:  # noqa: BLE001 - handed to the caller's `failed`, in its process
            return None, error
