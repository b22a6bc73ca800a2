"""The command line: parses and validates, then calls. User errors are one line and a non-zero exit."""

from __future__ import annotations

import errno
import gc
import math
import os
import re
import signal
import sys
from functools import partial
from pathlib import Path

import click
from click.core import ParameterSource

from reportgen import __version__
from reportgen.errors import UserError
from reportgen.limits import MAX_NAME_BYTES, MAX_PATH_BYTES, MAX_SEED, MAX_THREADS
from reportgen.stopping import stop_on_signals
from reportgen.text import printable


class OneLine(click.ClickException):
    """An error said in one line: a control character in it (a path given with a newline, say) or a byte of a file
    name that is not UTF-8 is shown escaped."""

    def __init__(self, message: str):
        super().__init__(re.sub(r"[\t\n\r]", lambda c: repr(c.group())[1:-1], printable(message)))


class UsageFault(OneLine):
    """Bad input from the user: one line on stderr, exit code 2, nothing written."""

    exit_code = 2


def say(text: str) -> None:
    """Print a result line. Standard output on a full disk (or /dev/full) was a traceback; a closed pipe is left to
    click, which exits quietly."""
    try:
        click.echo(printable(text))  # a path that is not UTF-8 could not be printed on a UTF-8 terminal
    except OSError as error:
        if error.errno == errno.EPIPE:
            raise
        raise OneLine(f"could not print to standard output ({error.strerror or error}); the work itself is done, "
                      f"this line was to say: {text}") from None


def _check_environment() -> None:
    """SOURCE_DATE_EPOCH (reproducible builds) is read by libraries we import, which fail at import with a
    traceback when it is not an integer: say so in one line first. Called by each command, so that --help works."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and not re.fullmatch(r"\s*-?\d{1,18}\s*", epoch):
        raise UserError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch[:40]!r}")


class PathArg(click.Path):
    """A path option or argument. An empty one is refused: Path("") is the current folder, so `--out ''` (an unset
    shell variable, say) wrote a run into whatever folder the command happened to be started in."""

    def __init__(self, folder: bool = False):
        super().__init__(path_type=Path)
        self.folder = folder

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value:
            self.fail("the path is empty" + (" (give . for the current folder)" if self.folder else ""), param, ctx)
        if isinstance(value, str):  # the first stat of it said "File name too long", as if writing had failed
            raw = os.fsencode(value)
            if len(raw) >= MAX_PATH_BYTES or max(map(len, raw.split(b"/"))) > MAX_NAME_BYTES:
                self.fail(f"the path is too long: at most {MAX_NAME_BYTES} bytes a name and {MAX_PATH_BYTES - 1} "
                          f"in all ({printable(value[:60])}...)", param, ctx)
        return super().convert(value, param, ctx)


def _finite(param, value):
    """FloatRange lets NaN through (every comparison with it is false); it then broke writing results.json."""
    if value is not None and math.isnan(value):
        raise click.BadParameter(f"{value} is not a number", param=param)
    return value


class Signalled(OneLine):
    """Ctrl-C or SIGTERM: what was being written is removed (temporary files, staging and empty new folders), and
    the exit code says which signal (128 + its number), where click would print "Aborted!" and exit 1."""

    def __init__(self, signum: signal.Signals):
        super().__init__(f"stopped by {signum.name}; nothing half-written is left")
        self.exit_code = 128 + signum

    def show(self, file=None):
        click.echo(self.message[0].upper() + self.message[1:], err=True)


def _open_closed_streams() -> None:
    """Put /dev/null on any of the standard streams the caller closed (cron, CI, a service manager may).

    A closed stdin made vl-convert's embedded JavaScript engine abort at start ("initStdin"), so no PDF; a closed
    stdout left the worker processes with `sys.stdout` None, and each fit failed on its flush. A closed descriptor
    is also the next one any open returns, so a report file could have become someone's "standard output".
    """
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            if getattr(sys, name) is None:
                setattr(sys, name, open(fd, mode, closefd=False))  # noqa: SIM115 - the stream, for the process's life


class Commands(click.Group):
    """Every command's user errors, whichever module raised them, leave as one line and exit code 2."""

    def main(self, *args, **kwargs):
        _open_closed_streams()
        try:
            return super().main(*args, **kwargs)
        except OSError as error:  # what click lets through: --help or --version into a full /dev/full, say
            click.echo(f"Error: could not write the output: {error.strerror or error}", err=True)
            sys.exit(1)

    def invoke(self, ctx):
        try:
            with stop_on_signals() as requested:  # SIGTERM too: each command cleans up as on Ctrl-C
                return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Signalled(signal.Signals(requested[0] if requested else signal.SIGINT)) from None
        except UserError as error:
            raise UsageFault(str(error)) from None
        except click.UsageError as error:  # a bad option value: one line, without click's usage block
            if ctx.resilient_parsing:
                raise
            raise UsageFault(error.format_message()) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def main():
    """Measure, on this machine, why deep learning took off, and write it up as a report (HTML, PDF, JSON)."""


@main.command()
@click.option("--device", default="auto", show_default=True,
              help="auto (CUDA, then MPS, then CPU), cpu, cuda, cuda:N or mps.")
@click.option("--profile", default="standard", show_default=True,
              help="Battery to run: quick (about half a minute on 2 cores), standard (about 5 minutes), full (for "
                   "GPU machines), or a .toml path.")
@click.option("--out", type=PathArg(folder=True), default=Path("output"), show_default=True,
              help="Destination; each build writes a new folder inside it and overwrites nothing.")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), default=0, show_default=True,
              help="Seed for data subsets, initialisation and minibatches.")
@click.option("--threads", type=click.IntRange(min=1, max=MAX_THREADS), default=None,
              help="CPU threads for torch and BLAS  [default: the CPUs this process may use: its affinity mask "
                   "and cgroup quota]")
@click.option("--dataset", type=PathArg(), default=None,
              help="Your own labelled data (.csv with a header row, or .npz with arrays X and y) for the "
                   "data-scale experiment, instead of MNIST-1D.")
@click.option("--label", default="label", show_default=True, help="The label column of a --dataset CSV.")
@click.option("--target-accuracy", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=None,
              callback=lambda ctx, param, value: _finite(param, value),
              help="Test accuracy whose data needs the report projects from the learning curves.")
@click.option("--baseline", type=PathArg(), default=None,
              help="results.json of another machine (a GPU server, say) whose timings the report sets beside "
                   "these.")
@click.option("--page-size", type=click.Choice(["A4", "Letter"], case_sensitive=False), default="A4",
              show_default=True, help="Paper size of the PDF.")
@click.option("--resume", "resume_dir", type=PathArg(folder=True), metavar="RUN_DIR",
              help="Finish an interrupted build in its run folder, skipping the experiments it finished.")
@click.pass_context
def build(ctx, device, profile, out, seed, threads, dataset, label, target_accuracy, baseline, page_size,
          resume_dir):
    """Run the battery on this machine and write report.html, report.pdf and results.json.

    Ctrl-C keeps every finished experiment in the run folder; --resume finishes the rest.

    Example: reportgen build --device auto --profile quick
    """
    _check_environment()
    from reportgen.battery import start
    from reportgen.build import Interrupted, Stopped, reproduce_command, resume
    from reportgen.build import build as run_build
    from reportgen.cpus import thread_choice
    from reportgen.devices import resolve_device
    from reportgen.folders import check_destination, new_run_folder
    from reportgen.profile import load_profile, with_target
    from reportgen.progress import RichProgress
    from reportgen.results import ResultsError, load
    from reportgen.resume import plan_resume
    from reportgen.stopping import StopPoints, stop_on_signals
    from reportgen.user_data import load_user_dataset

    given = {name: ctx.params[name] for name in ("device", "profile", "seed", "threads", "out", "dataset", "label",
                                                 "target_accuracy", "baseline")
             if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT}
    if resume_dir is not None:
        fixed = [f"--{name.replace('_', '-')}" for name in ("out", "target_accuracy", "baseline") if name in given]
        if fixed:
            raise UserError(f"{fixed[0]} does not go with --resume: a resumed build finishes in its own folder "
                             "with the settings it started with")
        plan = plan_resume(resume_dir, **given)
        work = partial(resume, plan, page_size=page_size)
    else:
        threads, threads_reason = thread_choice(threads)
        choice = resolve_device(device)
        loaded, table = with_target(*load_profile(profile), target_accuracy)
        check_destination(out)  # before a large dataset is read, not after
        other = load(baseline) if baseline else None
        if other and other.compute is None:
            raise ResultsError(f"baseline {baseline} has no computation results to compare with")
        user_data = load_user_dataset(dataset, label, seed, _reading) if dataset else None
        command = reproduce_command(choice.name, profile, seed, threads, dataset, label, target_accuracy, baseline)
        so_far = start(loaded, table, choice, seed, threads, command, user_data, other, threads_reason)
        work = partial(run_build, new_run_folder(out), loaded, so_far, user_data=user_data, page_size=page_size)
    with stop_on_signals() as requested, RichProgress() as progress:
        try:
            paths = work(StopPoints(progress, requested))
        except Stopped as stop:
            signalled = 128 + (requested[0] if requested else signal.SIGINT)  # 143 for SIGTERM, as the others
            raise BuildStopped(str(stop), signalled if isinstance(stop, Interrupted) else 1)
    say(f"Run folder: {paths.folder}")
    for kind, path in (("Report (HTML)", paths.html), ("Report (PDF)", paths.pdf), ("Results", paths.results)):
        say(f"  {kind:<14} {path}")
    for experiment, reason in paths.failures.items():
        click.echo(f"Warning: experiment {experiment} {reason}; the others ran (see results.json)", err=True)
    gc.freeze()  # all is written: the interpreter's last collection of a build's heap cost 1.2 s at exit here


def _reading(file, size: int, name: str):
    """A bar by bytes read on a terminal; elsewhere (a log) one line, as a bar redrawn there would fill it."""
    from contextlib import nullcontext

    from rich.console import Console
    from rich.progress import wrap_file

    console = Console(stderr=True)
    if console.is_terminal:
        return wrap_file(file, size, description=f"Reading {name}", console=console, transient=True)
    click.echo(f"Reading {name} ({size / 1e6:,.0f} MB)...", err=True)
    return nullcontext(file)


class BuildStopped(OneLine):
    """A build stopped part-way (Ctrl-C, SIGTERM, a full disk): one line saying what is kept and how to finish."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@main.command()
@click.argument("results", type=PathArg())
@click.option("--out", type=PathArg(folder=True), default=None,
              help="Folder to write the report into  [default: the results file's folder]")
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Comma-separated: html, pdf or both.")
@click.option("--page-size", type=click.Choice(["A4", "Letter"], case_sensitive=False), default="A4",
              show_default=True, help="Paper size of the PDF.")
def render(results, out, formats, page_size):
    """Render report.html and report.pdf again from a results.json alone, running nothing.

    RESULTS may also be a report.pdf: its embedded results.json is read.

    Example: reportgen render output/20260101T120000Z-host/results.json --format html
    """
    _check_environment()
    from reportgen.folders import check_destination, missing, remove_empty
    from reportgen.render import FORMATS, write_report
    from reportgen.results import load

    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UserError(f"unknown format '{unknown[0] if unknown else formats}'; choose from {', '.join(FORMATS)}")
    loaded = load(results)
    out = out or results.parent
    check_destination(out)
    made = missing(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # what check_destination cannot foresee: /proc, a looping link
        raise UserError(f"cannot write the report into {out}: {error.strerror or error}")
    try:
        written = write_report(loaded, out, list(dict.fromkeys(chosen)), page_size)
    except BaseException as error:  # a full disk, Ctrl-C: no half-written report, no empty folder of ours
        remove_empty(made)
        if not isinstance(error, OSError):
            raise
        raise OneLine(f"could not write the report into {out}: {error.strerror or error}; "
                                   f"{results} is untouched")
    for path in written:
        say(str(path))


@main.command(name="compare")
@click.argument("files", nargs=-1, required=True, type=PathArg())
@click.option("--out", type=PathArg(folder=True), default=Path("output"), show_default=True,
              help="Destination; each comparison writes a new folder inside it and overwrites nothing.")
@click.option("--baseline", default="1", show_default=True,
              help="The run the speed-ups are relative to: its position among FILES (1 is the first) or its path.")
def compare_runs(files, out, baseline):
    """Set two or more runs side by side in one page: machines, step times and speed-ups, findings.

    Example: reportgen compare laptop/results.json server/results.json --baseline 1
    """
    _check_environment()
    from reportgen.compare import pick_baseline, write_comparison
    from reportgen.folders import check_destination
    from reportgen.results import load

    if len(files) < 2:
        raise UserError("compare needs two or more results files")
    base = pick_baseline(baseline, list(files))
    check_destination(out)
    say(str(write_comparison([load(f) for f in files], out, base)))


@main.command()
@click.argument("runs", nargs=-1, required=True, type=PathArg())
@click.option("--site", type=PathArg(folder=True), required=True,
              help="The site's folder: created, or updated when it exists (runs already there stay as they are).")
def publish(runs, site):
    """Publish runs (run folders, results files or report PDFs) to a static site: an index, each report, a comparison.

    Example: reportgen publish output/* --site site
    """
    _check_environment()
    from reportgen.publish import publish as publish_site

    done = publish_site(list(runs), site)
    say(f"{len(done.added)} run(s) added, {done.runs} on the site: {done.index}")


if __name__ == "__main__":
    sys.exit(main())
