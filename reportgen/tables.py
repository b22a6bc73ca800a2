"""The full tables of every experiment, with every number formatted: the report's appendix ("Data"), and the data
behind each figure. Templates only lay them out."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.findings import Analysis
from reportgen.findings.activations import steps_to_target
from reportgen.findings.curves import LATE_SHARE, SMALL_DATA_SHARE, Trend, exponent_words, level_words
from reportgen.fmt import accuracy_spread, config_label, count, duration, pct, points, power_of_m, sci, times
from reportgen.learners import LABELS
from reportgen.records.activations import DESIGNED, SATURATION, ActivationsResult, ConvergenceRun
from reportgen.records.compute import ComputeResult
from reportgen.records.data_scale import DataScaleResult
from reportgen.references import (
    MNIST1D_PUBLISHED,
    MNIST1D_PUBLISHED_M,
    MNIST1D_PUBLISHED_NETS,
    MNIST1D_PUBLISHED_PROTOCOL,
)
from reportgen.results import Results


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    number: int = 0


@dataclass
class Figure:
    key: str
    caption: str
    spec: dict | None  # None: nothing the chart could draw, which the page says in a sentence
    table: Table  # the data behind the chart, for readers and screen readers (in the appendix)
    number: int = 0
    svg: str | None = None  # filled in for the PDF


def accuracy_table(r: DataScaleResult) -> Table:
    return Table("Test accuracy by learner and m: mean over seeds (lowest to highest seed).",
                 ["Learner", *[f"m = {m:,}" for m in r.m_values]],
                 [[x.label, *[accuracy_spread(s.mean, s.low, s.high, s.n) if (s := r.accuracy(x.name, m))
                              else "not run" for m in r.m_values]] for x in r.learners])


def fit_time_table(r: DataScaleResult) -> Table:
    return Table("Fit time by learner and m (mean over seeds).", ["Learner", *[f"m = {m:,}" for m in r.m_values]],
                 [[x.label, *[duration(s.mean) if (s := r.fit_seconds(x.name, m)) else "not run"
                              for m in r.m_values]] for x in r.learners])


def trend_table(r: DataScaleResult, measured: list[Trend]) -> Table:
    rows = []
    for t in measured:
        x, c = r.learner(t.learner), t.check
        rows.append([x.label, count(x.parameters) if x.parameters else "",
                     points(t.late_gain.gain) if t.late_gain is not None else "",
                     {True: "plateau", False: "rising", None: "unclear" if t.late_gain else ""}[t.plateaued],
                     exponent_words(c) if c else "no fit",
                     level_words(c) if c else "",
                     f"{points(c.miss)} at m = {c.held_out_m:,}" if c else "",
                     power_of_m(t.time_exponent.mean) if t.time_exponent is not None else ""])
    return Table(f"How each learner moves with m: accuracy gained over the last {LATE_SHARE:.0%} of its m range (log "
                 "scale, mean of the seeds' paired gains); the power law of test error err = a·m^b + c fitted past the "
                 f"small-data region (m from {SMALL_DATA_SHARE:.0%} of the way along each learner's log-m range): "
                 "exponent b with its spread over resamples of the seeds, the fit's asymptote 1 - c (stated only "
                 "where that learner's law passed its checks and no resample puts the floor at its bound 0, and "
                 "then the fit extrapolated to m without end, not a measurement), and how far the largest m landed from the fit made without it (measured minus predicted); and "
                 "how its fit time grows with m.",
                 ["Learner", "Parameters", "Late gain", "Trend", "b", "Fitted asymptote", "Held-out miss", "Fit time"],
                 rows)


def published_table(r: DataScaleResult, table: dict) -> Table | None:
    """Ours beside the published MNIST-1D figures, at the grid m nearest the published split, with the ways this
    run's protocol differs from the paper's."""
    if (r.data and r.data.name != "MNIST-1D") or not r.m_values:
        return None
    m = min(r.m_values, key=lambda v: abs(v - MNIST1D_PUBLISHED_M))
    pairs = [("Logistic regression", "logistic", "logistic"), ("MLP", "mlp", "mlp_medium"),
             ("CNN", "cnn", "cnn")]
    rows, differs = [], []
    for label, published, ours in pairs:
        s = r.accuracy(ours, m)
        if s:
            rows.append([label, pct(MNIST1D_PUBLISHED[published]), f"{pct(s.mean)} ({LABELS[ours]})"])
            if published in MNIST1D_PUBLISHED_NETS:
                shape, size = MNIST1D_PUBLISHED_NETS[published]
                mine = next((x.parameters for x in r.learners if x.name == ours), None)
                differs.append(f"our {LABELS[ours]}" + (f" has {mine:,} parameters" if mine else "")
                               + f" against the paper's {label} of {shape} ({size:,} parameters)")
    if not rows:
        return None
    paper = MNIST1D_PUBLISHED_PROTOCOL
    if isinstance(table.get("steps"), int):
        differs.append(f"{table['steps']:,} Adam steps per net against {paper['steps']}")
    if r.learning_rates:
        differs.append("learning rates " + ", ".join(f"{LABELS[n]} {lr:g}" for n, lr in r.learning_rates.items())
                       + f" against {paper['learning_rate']:g} for every net"
                       + (f" ({r.learning_rate_selection})" if r.learning_rate_selection else ""))
    if m != MNIST1D_PUBLISHED_M:
        differs.append(f"m = {m:,} against {MNIST1D_PUBLISHED_M:,}")
    if r.data:
        differs.append(f"a sample regenerated here by {r.data.generator} against {paper['data']}")
    differs.append(f"a {r.test_size:,}-example test set against {paper['test_size']:,}")
    if len(r.seeds) > 1:
        differs.append(f"the mean of {len(r.seeds)} seeds")
    return Table(f"Published MNIST-1D test accuracy (Greydanus and Kobak 2020, m = {MNIST1D_PUBLISHED_M:,}) beside "
                 f"ours at m = {m:,}. This run's protocol differs: {'; '.join(differs)}.",
                 ["Learner", "Published", "This run"], rows)


def gradient_table(r: ActivationsResult) -> Table:
    rows = [[g.activation, g.init, str(g.depth), "initialisation" if g.stage == "init" else f"{r.trained_steps} steps",
             *([sci(g.mean_abs_grad[0]), sci(g.mean_abs_grad[-1])] if g.mean_abs_grad else ["none", "none"]),
             times(g.ratio), f"{times(min(g.samples))} to {times(max(g.samples))}" if len(g.samples) > 1 else ""]
            for g in r.gradients]
    return Table("Mean |dL/dW| of the input and output weight layers, and their ratio (geometric mean over the "
                 "seed and batch samples, with its range), at initialisation and after "
                 f"{r.trained_steps} training steps at each activation's best learning rate.",
                 ["Activation", "Initialisation", "Hidden layers", "Measured", "Input layer", "Output layer",
                  "Output / input", "Range"], rows)


def _init_for(activation: str, init: str) -> str:
    """ReLU's counterpart of `init`: the default against the default, He against a designed one."""
    return "default" if init == "default" else DESIGNED.get(activation, init)


def speed_table(r: ActivationsResult) -> Table:
    rows = []
    for activation, init in dict.fromkeys((x.activation, x.init) for x in r.runs):
        relu_steps = steps_to_target(r, "relu", _init_for("relu", init))[0] if "relu" in r.activations else None
        steps, seconds = steps_to_target(r, activation, init)
        ratio = (times(steps / relu_steps) if steps is not None and relu_steps else
                 f"more than {times(r.max_steps / relu_steps)}" if relu_steps else "")
        rate = r.best_learning_rate(activation, init)
        rows.append([activation, init, f"{rate:g}" if rate is not None else "none tried",
                     f"{steps:,.0f}" if steps is not None else f"not reached in {r.max_steps:,}",
                     duration(seconds) if seconds is not None else "not reached", ratio])
    return Table(f"Steps and training time to {pct(r.target_accuracy)} training accuracy at each activation's "
                 "best learning rate (median over seeds), and the steps it took relative to ReLU under the "
                 "matching initialisation (PyTorch's default against default, the designed one against He).",
                 ["Activation", "Initialisation", "Best learning rate", "Steps", "Time", "Steps relative to ReLU"],
                 rows)


def saturation_table(r: ActivationsResult) -> Table:
    deepest = max(r.depths, default=0)
    profiles = [g for g in r.gradients if g.depth == deepest]
    layers = max((len(g.saturated) for g in profiles), default=0)  # as recorded, whatever the depth says
    rows = [[g.activation, g.init, "initialisation" if g.stage == "init" else f"{r.trained_steps} steps",
             *[pct(v) for v in g.saturated], *[""] * (layers - len(g.saturated))] for g in profiles]
    return Table(f"Saturated units per hidden layer of the {deepest}-hidden-layer net: the share of "
                 f"(unit, example) pairs whose slope is below {SATURATION:.0%} of the activation's largest "
                 "slope (a ReLU unit counts when it is off).",
                 ["Activation", "Initialisation", "Measured", *[f"Layer {i + 1}" for i in range(layers)]], rows)


def runs_table(r: ActivationsResult) -> Table:
    rows = [[f"{run.activation}", run.init, f"{run.learning_rate:g}", str(run.seed), _outcome(run),
             pct(run.curve[-1].train_accuracy) if run.curve else "not measured"] for run in r.runs]
    stopped = (" A run marked 'stopped' was outpaced: the rate named had brought every seed to the target in no more "
               "steps together than this run took without reaching it, so its own rate could no longer be the best; "
               "its final accuracy is the one at the stop (run on, it might still have reached the target, or "
               "diverged)."
               if r.stopped else "")
    return Table("Every training run: activation, initialisation, learning rate, seed, steps to target, final "
                 f"training accuracy.{stopped}",
                 ["Activation", "Initialisation", "Learning rate", "Seed", "Steps to target", "Final accuracy"], rows)


def _outcome(run: ConvergenceRun) -> str:
    if run.steps_to_target is not None:
        return f"{run.steps_to_target:,}"
    if run.diverged:
        return "diverged"
    if run.outpaced_by is not None and run.curve:
        return f"stopped at {run.curve[-1].step:,} (rate {run.outpaced_by:g} faster)"
    return "not reached"


def step_table(r: ComputeResult) -> Table:
    rows = [[LABELS.get(s.model, s.model), count(s.parameters), str(s.batch_size),
             config_label(s.device, s.precision, s.threads),
             duration(s.timing.median_s) if s.timing else s.skipped or "",
             duration(s.timing.iqr_s) if s.timing else "",
             f"{s.examples_per_second:,.0f}" if s.examples_per_second is not None else ""] for s in r.steps]
    return Table("Median time of one training step (forward, backward, Adam update), its interquartile range and "
                 "throughput.", ["Model", "Parameters", "Batch", "Device", "Median", "IQR", "Examples/s"], rows)


def matmul_table(r: ComputeResult) -> Table:
    rows = [[str(m.n), config_label(m.device, m.precision, m.threads),
             f"{m.gflops:,.1f}" if m.gflops is not None else m.skipped or "",
             duration(m.timing.median_s) if m.timing else ""] for m in r.matmuls]
    return Table("Matrix product throughput.", ["n", "Device", "GFLOP/s", "Median time"], rows)


def speedup_table(r: ComputeResult) -> Table:
    rows = [[LABELS.get(s.model, s.model), str(s.batch_size), config_label(s.device, s.precision, s.threads),
             times(gain)] for s, gain in r.speedups()]
    return Table("Speed-up of one training step over the CPU on one thread.",
                 ["Model", "Batch", "Device", "Speed-up"], rows)


def loop_table(r: ComputeResult, analysis: Analysis) -> Table | None:
    if not analysis.compute or not analysis.compute.loop_times or not r.loop_steps:
        return None
    rows = [[label, duration(seconds)] for label, seconds in analysis.compute.loop_times]
    return Table(f"Wall time of one experiment ({r.loop_steps:,} training steps of the {LABELS[r.largest_model]}) on "
                 "each configuration measured, from its median step time.", ["Device", "One experiment"], rows)


def baseline_table(results: Results) -> Table | None:
    """This machine beside the --baseline machine: the fastest configuration of each workload on each."""
    if not results.baseline or not results.compute:
        return None
    ours, theirs = results.compute, results.baseline.compute
    rows = []
    for model, batch in dict.fromkeys((s.model, s.batch_size) for s in ours.steps):
        a, b = ours.fastest_step(model, batch), theirs.fastest_step(model, batch)
        if a and b:
            here, there = a.timing.median_s, b.timing.median_s
            rows.append([LABELS.get(model, model), str(batch),
                         f"{duration(here)} ({config_label(a.device, a.precision, a.threads)})",
                         f"{duration(there)} ({config_label(b.device, b.precision, b.threads)})",
                         _compared(here, there)])
    return Table(f"Fastest step time here and on the baseline machine ({results.baseline.machine}, run "
                 f"{results.baseline.created_utc}); the last column says how the baseline compares.",
                 ["Model", "Batch", "This machine", "Baseline", "Baseline is"], rows)


def _compared(here: float, there: float) -> str:
    """How the baseline's time compares with ours, each ratio taken the way round that cannot underflow."""
    if not (here > 0 and there > 0):
        return "not comparable (a time of 0)"
    return f"{times(here / there)} faster" if there <= here else f"{times(there / here)} slower"
