"""One build: run the battery, keep its results, render the report, each into a run folder of its own.

The results so far are saved to the run folder's checkpoint after every phase, so Ctrl-C, SIGTERM or a full disk
loses nothing that finished, and `reportgen build --resume RUN_DIR` finishes the rest.
"""

from __future__ import annotations

import contextlib
import shlex
from dataclasses import dataclass
from pathlib import Path

from reportgen import results as results_file
from reportgen.battery import run_battery
from reportgen.context import build_report
from reportgen.data import Dataset
from reportgen.files import write_atomically
from reportgen.listener import Listener
from reportgen.profile import BUILT_IN, EXPERIMENTS, Profile
from reportgen.render import render_html, render_pdf
from reportgen.results import Results, ResultsError
from reportgen.resume import CHECKPOINT, RESULTS, Resumable, run_lock
from reportgen.text import printable


class Stopped(Exception):
    """The build stopped part-way: what finished is kept in its run folder, and the message says how to finish."""

    def __init__(self, folder: Path, reason: str):
        super().__init__(f"{reason}; {_kept(folder)}")
        self.folder = folder


class Interrupted(Stopped):
    """Ctrl-C or SIGTERM."""


@dataclass(frozen=True)
class BuildOutput:
    folder: Path
    results: Path
    html: Path
    pdf: Path
    failures: dict[str, str]  # experiment -> why it has no record (also in results.json)


def reproduce_command(device: str, profile: str, seed: int, threads: int, dataset: Path | None = None,
                      label: str = "label", target_accuracy: float | None = None,
                      baseline: Path | None = None) -> str:
    """The command line that repeats a build, recorded in results.json, shell-quoted. Files by name only: no
    private paths; a name that is not UTF-8 is recorded readably (\\xe9 for the byte 0xe9), so that it encodes."""
    profile = profile if profile in BUILT_IN else printable(Path(profile).name)
    args = ["reportgen", "build", "--device", device, "--profile", profile, "--seed", str(seed), "--threads",
            str(threads)]
    if dataset:
        args += ["--dataset", printable(dataset.name), "--label", printable(label)]
    if target_accuracy:
        args += ["--target-accuracy", f"{target_accuracy:g}"]
    if baseline:
        args += ["--baseline", printable(baseline.name)]
    return shlex.join(args)  # a name with spaces, ; or $(...) must stay one argument when the line is pasted


def build(folder: Path, profile: Profile, so_far: Results, progress: Listener | None = None,
          user_data: Dataset | None = None, page_size: str = "A4") -> BuildOutput:
    """Run what `so_far` lacks (all of it, for a new run), saving a checkpoint after every phase, then render.

    The run folder is locked while it runs: a second build or resume of it is refused (ResumeError).
    """
    with run_lock(folder):
        return _build(folder, profile, so_far, progress, user_data, page_size)


def _build(folder: Path, profile: Profile, so_far: Results, progress: Listener | None, user_data: Dataset | None,
           page_size: str) -> BuildOutput:
    with _stopping(folder):
        checkpoint = folder / CHECKPOINT
        _write(checkpoint, results_file.dumps(so_far))
        results = run_battery(profile, so_far, progress, lambda r: _write(checkpoint, results_file.dumps(r)),
                              user_data)
        saved = results_file.dumps(results)
        _write(folder / RESULTS, saved)  # first, so that a failed render loses no measurement
        checkpoint.unlink()
        # The report is rendered from what was saved, read back as `render` would read it: text from outside (a
        # file name, a label) is made printable on the way, so a build's report is its results file's report.
        return _render(folder, results_file.loads(saved, str(folder / RESULTS)), progress or Listener(), page_size)


def resume(plan: Resumable, progress: Listener | None = None, page_size: str = "A4") -> BuildOutput:
    """Finish an interrupted build: the experiments it lacks (a finished build's failed ones), or only its report
    when results.json is complete."""
    if plan.profile is not None:
        return build(plan.folder, plan.profile, plan.so_far, progress, plan.user_data, page_size)
    with run_lock(plan.folder), _stopping(plan.folder):
        # results.json is complete: a checkpoint beside it is one a build stopped before removing
        (plan.folder / CHECKPOINT).unlink(missing_ok=True)
        return _render(plan.folder, plan.so_far, progress or Listener(), page_size)


def _render(folder: Path, results: Results, progress: Listener, page_size: str) -> BuildOutput:
    paths = BuildOutput(folder, folder / RESULTS, folder / "report.html", folder / "report.pdf", results.failures)
    progress.phase("render", 2)
    report = build_report(results)  # once, for both formats
    _write(paths.html, render_html(results, report))
    progress.advance("report.html")
    _write(paths.pdf, render_pdf(results, report, page_size=page_size))
    progress.advance("report.pdf")
    return paths


def _write(path: Path, content: str | bytes) -> None:
    try:
        write_atomically(path, content)
    except OSError as error:  # a full disk, a folder removed under us: say so, keep what is already there
        raise Stopped(path.parent, f"could not write {path.name}: {error.strerror or error}") from error


@contextlib.contextmanager
def _stopping(folder: Path):
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(folder, "interrupted") from None


def _kept(folder: Path) -> str:
    """What a stopped build leaves behind, and how to finish it."""
    finish = f"finish it with: reportgen build --resume {folder}"
    if (folder / RESULTS).exists():
        return f"{RESULTS} in {folder} is intact; {finish}"
    try:
        so_far = results_file.load(folder / CHECKPOINT)
    except ResultsError:
        return f"nothing was finished, nothing is kept in {folder}"
    done = [name for name in EXPERIMENTS if so_far.done(name)]
    return f"finished experiments ({', '.join(done) or 'none yet'}) are kept in {folder / CHECKPOINT}; {finish}"
