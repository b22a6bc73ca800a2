"""Two or more runs side by side: what differs between the machines, how much faster each ran every workload than
a baseline run, and whether the accuracy findings agree. A view model, built from results alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from reportgen import compare_charts, methods
from reportgen.errors import UserError
from reportgen.files import write_atomically
from reportgen.findings import Finding, findings
from reportgen.fmt import bandwidth, duration, message_size, pct, times
from reportgen.folders import missing, new_run_folder, remove_empty
from reportgen.learners import LABELS
from reportgen.overview import hardware
from reportgen.records.compute import ComputeResult
from reportgen.records.scaling import ScalingResult
from reportgen.render import render_page
from reportgen.results import Results
from reportgen.tables import Figure, Table

ABSENT = "none"


@dataclass(frozen=True)
class Run:
    label: str  # "1. host, device": unique, numbered as given on the command line
    created: str
    machine: str
    results: Results


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[str]  # one per run

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass(frozen=True)
class Workload:
    """One timed workload across the runs: each run's median and its speed-up over the baseline."""

    label: str
    seconds: list[float | None]  # None: the run did not time it
    speedups: list[float | None]  # baseline time / this run's time: above 1 is faster than the baseline

    def cell(self, run: int, baseline: int) -> str:
        seconds, speedup = self.seconds[run], self.speedups[run]
        if seconds is None:
            return "not timed"
        if run == baseline or speedup is None:
            return duration(seconds)
        return f"{duration(seconds)} ({times(speedup)})"


@dataclass(frozen=True)
class Agreement:
    """One finding across the runs: its verdict in each (None where a run did not test it)."""

    key: str
    claim: str
    verdicts: list[str | None]

    @property
    def agrees(self) -> bool:
        return len(set(self.verdicts)) == 1


@dataclass
class Comparison:
    title: str
    runs: list[Run]
    baseline: int  # index into runs
    system: list[Row]
    settings: list[Row]
    steps: list[Workload]
    matmuls: list[Workload]
    findings: list[Agreement]
    figures: list[Figure]

    @property
    def differences(self) -> list[Row]:
        return [r for r in self.system + self.settings if r.differs]

    @property
    def disagreements(self) -> list[Agreement]:
        return [a for a in self.findings if not a.agrees]


def compare(runs: list[Results], baseline: int = 0) -> Comparison:
    """Compare `runs` (two or more; one alone compares with nothing) against `runs[baseline]`."""
    labelled = [Run(f"{i + 1}. {r.system.hostname}, {r.settings.device}", r.created_utc, machine(r), r)
                for i, r in enumerate(runs)]
    steps = _workloads([_step_times(r.compute) for r in runs], baseline)
    matmuls = _workloads([_matmul_times(r.compute) for r in runs], baseline)
    labels = [r.label for r in labelled]
    figures = []
    if any(r.compute for r in runs):
        figures += [
            Figure("step_time", "Median time per training step against model size, by machine (colour) and "
                   "device (dash).", compare_charts.step_times(runs, labels),
                   _workload_table("Training step time; in brackets the speed-up over the baseline run.", steps,
                                   labelled, baseline)),
            Figure("gflops", "Matrix-product throughput against matrix size, by machine (colour) and device "
                   "(dash).", compare_charts.gflops(runs, labels),
                   _workload_table("Matrix product time; in brackets the speed-up over the baseline run.",
                                   matmuls, labelled, baseline))]
    if any(r.scaling for r in runs):
        figures += [
            Figure("busbw", "All-reduce bus bandwidth (nccl-tests' busbw) against message size, by machine (colour) "
                   "and world size (dash).", compare_charts.busbw(runs, labels), _busbw_table(runs, labelled)),
            Figure("scaling_steps", "Strong-scaling training step time against world size, by machine (colour) and "
                   "model (dash).", compare_charts.scaling_steps(runs, labels),
                   _workload_table("Data-parallel training step time (the slowest rank's); in brackets the speed-up "
                                   "over the baseline run.",
                                   _workloads([_ddp_times(r.scaling) for r in runs], baseline), labelled, baseline))]
    if any(r.data_scale for r in runs):
        figures.append(Figure("accuracy_vs_m", "Test accuracy against the number of labelled examples m, one "
                              "panel per learner, by machine (colour).", compare_charts.accuracy(runs, labels),
                              _accuracy_table(runs, labelled)))
    for number, figure in enumerate(figures, 1):
        figure.number = figure.table.number = number
    return Comparison(
        title=f"{len(runs)} runs compared", runs=labelled, baseline=baseline,
        system=_rows([_system_values(r) for r in runs]),
        settings=_rows([_settings_values(r) for r in runs]),
        steps=steps, matmuls=matmuls,
        findings=_agreements([findings(r) for r in runs]),
        figures=figures)


def machine(r: Results) -> str:
    """The CPU and the GPUs in a few words: "AMD EPYC with 2 × NVIDIA H100"."""
    gpus = Counter(g.name for g in r.system.gpus)
    names = ", ".join(name if n == 1 else f"{n} × {name}" for name, n in gpus.items())
    return r.system.cpu_model + (f" with {names}" if names else "")


# --- machines --------------------------------------------------------------------------------------------------

def _system_values(r: Results) -> dict[str, str]:
    """The hardware box each run's report opens with, then the rest of its system description (host, software)."""
    values = dict(hardware(r).rows)
    values.update((k, v) for k, v in methods.system_rows(r) if k not in values)
    return values


def _settings_values(r: Results) -> dict[str, str]:
    st = r.settings
    return {"Profile": st.profile, "Device": st.device, "Seed": str(st.seed), "CPU threads": str(st.threads)}


def _rows(values: list[dict[str, str]]) -> list[Row]:
    labels = list(dict.fromkeys(k for v in values for k in v))
    return [Row(label, [v.get(label, ABSENT) for v in values]) for label in labels]


# --- workloads -------------------------------------------------------------------------------------------------

def _config(device: str, precision: str, threads: int | None, run_threads: int) -> list[str]:
    """The configurations a timing stands for, named so that they match across machines with other core counts."""
    if device != "cpu":
        return [f"GPU, {precision}"]
    cpu = "CPU" if precision == "fp32" else f"CPU {precision}"  # a bf16 timing is never set beside an fp32 one
    return ([f"{cpu}, 1 thread"] if threads == 1 else []) + ([f"{cpu}, all threads"] if threads == run_threads else [])


def _step_times(r: ComputeResult | None) -> dict[str, float]:
    if not r:
        return {}
    return {f"{LABELS.get(s.model, s.model)}, batch {s.batch_size}, {config}": s.timing.median_s
            for s in r.steps if s.timing for config in _config(s.device, s.precision, s.threads, r.threads)}


def _matmul_times(r: ComputeResult | None) -> dict[str, float]:
    if not r:
        return {}
    return {f"{m.n} × {m.n}, {config}": m.timing.median_s
            for m in r.matmuls if m.timing for config in _config(m.device, m.precision, m.threads, r.threads)}


def _ddp_times(r: ScalingResult | None) -> dict[str, float]:
    if not r:
        return {}
    return {f"{LABELS.get(s.model, s.model)}, " + ("no DDP" if s.scaling == "single" else f"{s.scaling} scaling")
            + f", world size {s.world_size}": s.timing.median_s for s in r.steps}


def _busbw_table(runs: list[Results], labelled: list[Run]) -> Table:
    rows = {}
    for i, r in enumerate(runs):
        for a in r.scaling.allreduce if r.scaling else []:
            if a.world_size > 1:
                rows.setdefault((a.world_size, a.bytes), [ABSENT] * len(runs))[i] = bandwidth(a.busbw)
    return Table("All-reduce busbw by world size and message size.", ["World size", "Message",
                 *(r.label for r in labelled)],
                 [[str(n), message_size(b), *cells] for (n, b), cells in sorted(rows.items())])


def _workloads(times_by_run: list[dict[str, float]], baseline: int) -> list[Workload]:
    labels = list(dict.fromkeys(k for t in times_by_run for k in t))
    out = []
    for label in labels:
        seconds = [t.get(label) for t in times_by_run]
        base = seconds[baseline]
        out.append(Workload(label, seconds, [base / s if base is not None and s else None for s in seconds]))
    return out


def _workload_table(caption: str, workloads: list[Workload], runs: list[Run], baseline: int) -> Table:
    columns = ["Workload", *(r.label + (" (baseline)" if i == baseline else "") for i, r in enumerate(runs))]
    return Table(caption, columns, [[w.label, *(w.cell(i, baseline) for i in range(len(runs)))] for w in workloads])


def _accuracy_table(runs: list[Results], labelled: list[Run]) -> Table:
    rows = {}
    for i, r in enumerate(runs):
        for learner in r.data_scale.learners if r.data_scale else []:
            for m in r.data_scale.m_run(learner.name):
                key = (learner.label, m)
                rows.setdefault(key, [ABSENT] * len(runs))[i] = pct(r.data_scale.accuracy(learner.name, m).mean)
    return Table("Test accuracy (mean over seeds) by learner and m.", ["Learner", "m", *(r.label for r in labelled)],
                 [[label, f"{m:,}", *cells] for (label, m), cells in rows.items()])


# --- findings --------------------------------------------------------------------------------------------------

def _agreements(found: list[list[Finding]]) -> list[Agreement]:
    by_key = [{f.key: f for f in run} for run in found]
    claims = {f.key: f.claim for run in found for f in run}
    return [Agreement(key, claim, [run[key].verdict.value if key in run else None for run in by_key])
            for key, claim in claims.items()]


# --- the command -----------------------------------------------------------------------------------------------

class CompareError(UserError):
    """A comparison that cannot be made as asked."""


def pick_baseline(choice: str, paths: list[Path]) -> int:
    """--baseline: a position among the files compared (1 is the first) or one of their paths."""
    if re.fullmatch(r"\s*[0-9]{1,9}\s*", choice):  # ASCII digits: isdigit() passed '²', which int() refuses
        if 1 <= int(choice) <= len(paths):
            return int(choice) - 1
        raise CompareError(f"baseline {choice.strip()} is not one of the runs compared (1 to {len(paths)})")
    same = [i for i, p in enumerate(paths) if choice and p.resolve() == Path(choice).resolve()]
    if not same:
        raise CompareError(f"baseline '{choice}' is not one of the results files compared (give its position, 1 to "
                           f"{len(paths)}, or its path)")
    return same[0]


def write_comparison(runs: list[Results], out: Path, baseline: int) -> Path:
    """compare.html in a new folder under `out`, like a build's: nothing is overwritten."""
    page = render_page("compare.html", charts=True, c=compare(runs, baseline), index_href=None, run_hrefs=None)
    made = missing(out)
    folder = new_run_folder(out, host="compare")
    try:
        write_atomically(folder / "compare.html", page)
    except BaseException as error:  # a full disk, Ctrl-C: no empty folder is left, neither the run's nor --out
        remove_empty([folder, *made])
        if isinstance(error, OSError):
            raise CompareError(f"could not write the comparison into {out}: {error.strerror or error}") from error
        raise
    return folder / "compare.html"
