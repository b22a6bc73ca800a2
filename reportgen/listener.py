"""What the battery runner tells whoever watches it: phases, steps, and experiments kept from a checkpoint."""

from __future__ import annotations


class Listener:
    """The runner's audience. This one tells nobody (tests, library use); the terminal display and the stop
    points of `stopping` are the others."""

    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass

    def kept(self, name: str) -> None:
        """An experiment finished before the run was interrupted: kept, not run again."""
