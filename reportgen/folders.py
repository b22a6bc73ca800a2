"""Where output goes: a destination checked before any work starts, and a fresh folder for each run.

Build, compare and publish all write here; none of them needs the battery to do so.
"""

from __future__ import annotations

import os
import re
import socket
from datetime import UTC, datetime
from pathlib import Path

from reportgen.errors import UserError


class OutputError(UserError):
    """The destination cannot take a new run folder."""


def check_destination(out: Path) -> None:
    """Refuse a destination that is a file or cannot be written, before any work starts."""
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"output path {out} is not a folder (a file is in the way at {probe})")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"output folder {probe} is not writable")


def new_run_folder(out: Path, now: datetime | None = None, host: str | None = None) -> Path:
    """A fresh folder named by UTC time and host; never one that exists (nothing is overwritten)."""
    now = now or datetime.now(UTC)
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", host or socket.gethostname()).strip("-.") or "host"
    stem = f"{now:%Y%m%dT%H%M%SZ}-{host}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        for suffix in ["", *(f"-{i}" for i in range(2, 1000))]:
            folder = out / (stem + suffix)
            try:
                folder.mkdir()
                return folder
            except FileExistsError:
                continue
    except OSError as error:  # what check_destination cannot foresee: a read-only file system, a full disk
        raise OutputError(f"cannot create a run folder in {out}: {error.strerror or error}")
    raise OutputError(f"could not create a new run folder under {out}")


def missing(out: Path) -> list[Path]:
    """`out` and those of its parents that do not exist yet, deepest first: what writing into `out` creates."""
    return [p for p in (out, *out.parents) if not p.exists()]


def remove_empty(folders: list[Path]) -> None:
    """Remove those of `folders` (deepest first) that are empty: what a failed or interrupted command created and
    left nothing in. A folder holding a finished file stays."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass
