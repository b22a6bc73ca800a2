"""Stopping a build with Ctrl-C or SIGTERM (a scheduler, `kill`), keeping what finished.

The stop is raised at once, as KeyboardInterrupt, and again at the next step of work: Python drops a
KeyboardInterrupt that lands in a finalizer (a temporary file's, say), which would otherwise let the build run on.
"""

from __future__ import annotations

import contextlib
import signal

from reportgen.listener import Listener


@contextlib.contextmanager
def stop_on_signals():
    """Within: SIGINT and SIGTERM raise KeyboardInterrupt; yields the list of signals received."""
    requested: list[int] = []

    def stop(signum, frame):
        requested.append(signum)
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield requested
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class StopPoints(Listener):
    """Passes progress on, and raises the stop again at every step once one was requested."""

    def __init__(self, inner: Listener, requested: list[int]):
        self._inner, self._requested = inner, requested

    def phase(self, name: str, total: int) -> None:
        self._check()
        self._inner.phase(name, total)

    def advance(self, label: str) -> None:
        self._check()
        self._inner.advance(label)

    def kept(self, name: str) -> None:
        self._inner.kept(name)

    def _check(self) -> None:
        if self._requested:
            raise KeyboardInterrupt
