"""The progress display on the terminal: which phase, how far, elapsed time (rich, on stderr)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar

from reportgen.listener import Listener
from reportgen.profile import EXPERIMENTS

PHASES = {"data": "Data", **EXPERIMENTS, "render": "Rendering"}


class RichProgress(Listener):
    def __init__(self):
        self._bar = Bar(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), TextColumn("[dim]{task.fields[label]}"),
                             console=Console(stderr=True), transient=False)
        self._task = None
        self._started = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._started:
            self._bar.stop()

    def _start(self) -> None:
        """On the first phase, not before: a build refused at once (its folder in use) prints only its error."""
        if not self._started:
            self._bar.start()
            self._started = True

    def phase(self, name: str, total: int) -> None:
        self._start()
        if self._task is not None:
            self._bar.update(self._task, label="")
        self._task = self._bar.add_task(PHASES.get(name, name), total=total, label="")

    def advance(self, label: str) -> None:
        self._bar.update(self._task, advance=1, label=label)

    def kept(self, name: str) -> None:
        self._start()
        task = self._bar.add_task(PHASES.get(name, name), total=1, label="kept from the checkpoint")
        self._bar.update(task, advance=1)  # done at once: its clock stops at zero
