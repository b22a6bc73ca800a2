"""Start worker processes on this machine with torch's own launcher, and make sure none outlives the experiment.

torch.multiprocessing.start_processes (the engine under torch.multiprocessing.spawn) starts the workers; it never
restarts one (as elastic_launch with max_restarts=0), and a worker that raises or dies makes it stop the others. The
rendezvous is a TCPStore this process serves on 127.0.0.1 on a port the system chooses (port 0): the port is bound
before any worker starts, so two builds on one machine cannot pick the same one. Workers report progress through
the store; one that makes none for `timeout_s` is taken as hung, and every worker is killed. A worker also dies
with this process (Linux's parent-death signal), so that not even a killed build leaves one behind.
"""

from __future__ import annotations

import ctypes
import pickle
import signal
import sys
import time
from collections.abc import Callable
from datetime import timedelta

import torch.distributed as dist
import torch.multiprocessing as mp

HOST = "127.0.0.1"
PROGRESS = "progress"  # the store's counter that rank 0 adds to after each piece of work
RESULT = "result"  # the store's key under which rank 0 leaves what the workers found (pickled)
POLL_SECONDS = 0.1
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


class WorkerError(RuntimeError):
    """A worker raised, died or hung: the experiment fails with this reason, like any failed experiment."""


def rendezvous(timeout_s: float) -> dist.TCPStore:
    """The store the workers meet at, on a port the system chose (its number: `.port`)."""
    return dist.TCPStore(HOST, 0, None, True, timedelta(seconds=timeout_s), wait_for_workers=False)


def join_store(port: int, timeout_s: float) -> dist.TCPStore:
    """A worker's client of the parent's store."""
    return dist.TCPStore(HOST, port, None, False, timedelta(seconds=timeout_s))


def report_progress(store: dist.TCPStore) -> None:
    store.add(PROGRESS, 1)


def hand_back(store: dist.TCPStore, found) -> None:
    """Rank 0's result, for the parent to read once every worker has ended."""
    store.set(RESULT, pickle.dumps(found))


def launch(fn: Callable, nprocs: int, args: tuple, timeout_s: float,
           advance: Callable[[int], None] = lambda done: None, started: Callable[[list[int]], None] = lambda p: None):
    """Run fn(rank, port, *args) in `nprocs` fresh processes, wait for all of them, and return what rank 0 handed
    back (None if nothing).

    Raises WorkerError with the reason when one raises, exits non-zero or makes no progress for `timeout_s`;
    in every case no worker is left running. `advance(done)` is called as rank 0 reports progress; `started`
    gets the workers' process ids (for a test that kills one).
    """
    store = rendezvous(timeout_s)
    context = mp.start_processes(_entry, args=(fn, store.port, *args), nprocs=nprocs, join=False,
                                 start_method="spawn")
    started(context.pids())
    done, last = 0, time.monotonic()
    try:
        while not context.join(timeout=POLL_SECONDS):
            now_done = store.add(PROGRESS, 0)
            if now_done > done:
                advance(now_done)
                done, last = now_done, time.monotonic()
            elif time.monotonic() - last > timeout_s:
                raise WorkerError(f"a worker made no progress for {timeout_s:g} s and was stopped (hung)")
        return pickle.loads(store.get(RESULT)) if store.check([RESULT]) else None
    except mp.ProcessRaisedException as error:
        raise WorkerError(f"worker {error.error_index} failed: {_last_line(str(error))}") from None
    except mp.ProcessExitedException as error:
        raise WorkerError(f"worker {error.error_index} exited with code {error.exit_code}"
                          + (f" (signal {error.signal_name})" if error.signal_name else "")) from None
    finally:
        for process in context.processes:
            if process.is_alive():
                process.kill()
            process.join()
        del store  # the rendezvous port is freed with it


def _entry(rank: int, fn: Callable, port: int, *args) -> None:
    if sys.platform.startswith("linux"):  # die with the parent, even one killed without a chance to clean up
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    fn(rank, port, *args)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no message"
