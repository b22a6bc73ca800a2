"""One build: run the battery, keep its results, render the report, each into a run folder of its own."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from reportgen import results as results_file
from reportgen.battery import Progress, run_battery
from reportgen.data import Dataset
from reportgen.devices import DeviceChoice
from reportgen.profile import Profile
from reportgen.render import render_html, render_pdf
from reportgen.results import Results, write_atomically


class OutputError(ValueError):
    """The destination cannot take a new run folder."""


@dataclass(frozen=True)
class BuildOutput:
    folder: Path
    results: Path
    html: Path
    pdf: Path


def check_destination(out: Path) -> None:
    """Refuse a destination that is a file or cannot be written, before any work starts."""
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(f"output path {out} is not a folder (a file is in the way at {probe})")
    import os

    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"output folder {probe} is not writable")


def new_run_folder(out: Path, now: datetime | None = None, host: str | None = None) -> Path:
    """A fresh folder named by UTC time and host; never one that exists (nothing is overwritten)."""
    now = now or datetime.now(timezone.utc)
    host = re.sub(r"[^A-Za-z0-9.-]+", "-", host or socket.gethostname()).strip("-.") or "host"
    stem = f"{now:%Y%m%dT%H%M%SZ}-{host}"
    out.mkdir(parents=True, exist_ok=True)
    for suffix in ["", *(f"-{i}" for i in range(2, 1000))]:
        folder = out / (stem + suffix)
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise OutputError(f"could not create a new run folder under {out}")


def build(profile: Profile, profile_table: dict, device: DeviceChoice, seed: int, threads: int, out: Path,
          command: str, progress: Progress | None = None, user_data: Dataset | None = None,
          baseline: Results | None = None, page_size: str = "A4") -> BuildOutput:
    folder = new_run_folder(out)
    results = run_battery(profile, profile_table, device, seed, threads, command, progress, user_data, baseline)
    paths = BuildOutput(folder, folder / "results.json", folder / "report.html", folder / "report.pdf")
    results_file.save(results, paths.results)  # first, so that a failed render loses no measurement
    if progress:
        progress.phase("render", 2)
    write_atomically(paths.html, render_html(results))
    if progress:
        progress.advance("report.html")
    write_atomically(paths.pdf, render_pdf(results, page_size=page_size))
    if progress:
        progress.advance("report.pdf")
    return paths
