"""The command line: parses and validates, then calls. User errors are one line and a non-zero exit."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from functools import partial
from pathlib import Path

import click
from click.core import ParameterSource

from reportgen import __version__


class UsageFault(click.ClickException):
    """Bad input from the user: one line on stderr, exit code 2, nothing written."""

    exit_code = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main():
    """Measure, on this machine, why deep learning took off, and write it up as a report (HTML, PDF, JSON)."""


@main.command()
@click.option("--device", default="auto", show_default=True,
              help="auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N or mps.")
@click.option("--profile", default="standard", show_default=True,
              help="Battery to run: quick (about a minute), standard, full (for GPU machines), or a .toml path.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Destination; each build writes a new folder inside it and overwrites nothing.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed for data subsets, initialisation and minibatches.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="CPU threads for torch and BLAS  [default: all logical cores]")
@click.option("--resume", "resume_dir", type=click.Path(path_type=Path), metavar="RUN_DIR",
              help="Finish an interrupted build in its run folder, skipping the experiments it finished.")
@click.pass_context
def build(ctx, device, profile, out, seed, threads, resume_dir):
    """Run the battery on this machine and write report.html, report.pdf and results.json.

    Ctrl-C keeps every finished experiment in the run folder; --resume finishes the rest.

    Example: reportgen build --device auto --profile quick
    """
    from reportgen.battery import start
    from reportgen.build import Interrupted, OutputError, Stopped, check_destination, new_run_folder, resume
    from reportgen.build import build as run_build
    from reportgen.devices import DeviceError, resolve_device
    from reportgen.profile import ProfileError, load_profile
    from reportgen.progress import RichProgress
    from reportgen.resume import ResumeError, plan_resume

    given = [name for name in ("device", "profile", "seed", "threads", "out")
             if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT]
    try:
        if resume_dir is not None:
            if "out" in given:
                raise UsageFault("--out does not go with --resume: a resumed build finishes in its own folder")
            plan = plan_resume(resume_dir, **{name: ctx.params[name] for name in given})
            work = partial(resume, plan)
        else:
            threads = threads or os.cpu_count() or 1
            choice = resolve_device(device)
            loaded, table = load_profile(profile)
            check_destination(out)
            command = f"reportgen build --device {choice.name} --profile {profile} --seed {seed} --threads {threads}"
            so_far = start(loaded, table, choice, seed, threads, command)
            work = partial(run_build, new_run_folder(out), loaded, so_far)
    except (DeviceError, ProfileError, OutputError, ResumeError) as error:
        raise UsageFault(str(error))
    with _sigterm_as_interrupt(), RichProgress() as progress:
        try:
            paths = work(progress)
        except Stopped as stop:
            raise BuildStopped(str(stop), 130 if isinstance(stop, Interrupted) else 1)
    click.echo(f"Run folder: {paths.folder}")
    for label, path in (("Report (HTML)", paths.html), ("Report (PDF)", paths.pdf), ("Results", paths.results)):
        click.echo(f"  {label:<14} {path}")
    for experiment, reason in paths.failures.items():
        click.echo(f"Warning: experiment {experiment} {reason}; the others ran (see results.json)", err=True)


class BuildStopped(click.ClickException):
    """A build stopped part-way (Ctrl-C, SIGTERM, a full disk): one line saying what is kept and how to finish."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """SIGTERM (a scheduler, `kill`) stops a build the way Ctrl-C does, keeping what finished."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
