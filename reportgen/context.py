"""The report context: view models with every number already formatted, built from results and findings.

Templates only lay these out; they make no decisions about what the data means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen import charts
from reportgen.findings import Analysis, Finding, Verdict, analyse
from reportgen.findings.activations import steps_to_target
from reportgen.findings.compute import BUSY_SHARE
from reportgen.findings.curves import LATE_SHARE, SMALL_DATA_SHARE, level_words
from reportgen.findings.projection import projection_words
from reportgen.fmt import (
    accuracy_spread,
    and_list,
    config_label,
    count,
    duration,
    pct,
    points,
    power_of_m,
    sci,
    times,
)
from reportgen.learners import LABELS
from reportgen.profile import EXPERIMENTS
from reportgen.records.activations import DESIGNED, SATURATION
from reportgen.records.compute import MatmulTime, StepTime
from reportgen.records.precision import MEANINGS
from reportgen.references import (
    MNIST1D_PUBLISHED,
    MNIST1D_PUBLISHED_M,
    MNIST1D_PUBLISHED_NETS,
    MNIST1D_PUBLISHED_PROTOCOL,
    REFERENCES,
)
from reportgen.results import Results
from reportgen.timing import ROUND_DRIFT, TARGET_SPREAD, UNSTABLE_SPREAD

# What the report and the comparison call each field of the system description.
SYSTEM_LABELS = {"hostname": "Host", "cpu_model": "CPU", "physical_cores": "Physical cores",
                 "logical_cores": "Logical cores", "memory_gib": "Memory, GiB", "os": "OS", "kernel": "Kernel",
                 "python": "Python", "torch": "PyTorch", "torch_cuda": "CUDA (torch built for)", "cudnn": "cuDNN",
                 "sklearn": "scikit-learn", "numpy": "NumPy", "blas": "BLAS", "tool_version": "reportgen",
                 "git_commit": "reportgen commit", "threads": "Threads (torch)"}

# The summary opens with one headline finding per driver of the lecture (data, algorithms, computation, the
# loop): the first of each group that this run has. Every contradicted finding follows, whatever its rank.
HEADLINES = (("nets_win_at_scale", "large_net_rising", "traditional_plateau"), ("relu_faster", "sigmoid_vanishing"),
             ("gpu_speedup", "threads_speedup"), ("iteration_loop",), ("data_parallel",))


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
    table: Table  # the data behind the chart, for readers and screen readers
    number: int = 0
    svg: str | None = None  # filled in for the PDF


@dataclass
class Section:
    key: str
    title: str
    intro: str  # what is measured and how; never what came out
    findings: list[Finding]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    title: str
    machine: str
    device: str
    device_reason: str
    created: str
    tool_version: str
    profile: str
    summary: list[Finding]
    counts: dict[str, int]  # verdicts of the claims this run could test
    sections: list[Section]
    system: list[tuple[str, str]]
    settings: list[tuple[str, str]]
    phases: list[tuple[str, str]]
    command: str
    references: list
    failures: list[str] = field(default_factory=list)  # experiments that failed, in words
    untested: list[str] = field(default_factory=list)  # claims this run could not test at all
    limits: list[str] = field(default_factory=list)  # what the battery cannot show

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]


def build_report(results: Results) -> Report:
    analysis = analyse(results)
    found = analysis.findings
    # Imported here, not at the top: scaling_section builds on this module's Section, Table and Figure.
    from reportgen.scaling_section import scaling_section

    sections = [s for s in (_data_section(results, analysis), _algorithms_section(results, found),
                            _compute_section(results, found), _loop_section(results, analysis),
                            scaling_section(results, found)) if s]
    figure_no = table_no = 0
    for section in sections:
        for item in section.figures:
            figure_no += 1
            item.number = figure_no
            table_no += 1
            item.table.number = table_no
        for table in section.tables:
            table_no += 1
            table.number = table_no
    by_key = {f.key: f for f in found}
    summary = [next(by_key[k] for k in group if k in by_key) for group in HEADLINES if any(k in by_key for k in group)]
    summary += [f for f in found if f.verdict is Verdict.CONTRADICTED and f not in summary]
    s = results.system
    return Report(
        title="Why deep learning is taking off: measured on this machine",
        machine=s.summary_for(results.settings.device),
        device=results.settings.device,
        device_reason=results.settings.device_reason,
        created=results.created_utc,
        tool_version=results.tool_version,
        profile=results.settings.profile,
        summary=summary,
        counts={v.value: sum(f.verdict is v for f in found) for v in Verdict if v.tested},
        untested=[f.claim.rstrip(".") for f in found if not f.verdict.tested],
        sections=sections,
        system=_system_rows(results),
        settings=_settings_rows(results),
        phases=[(name, duration(sec)) for name, sec in results.phases.items()],
        command=results.settings.command,
        references=REFERENCES,
        limits=_limits(results),
        failures=[f"{EXPERIMENTS.get(name, name)}: the experiment failed ({reason}), so its section is missing; "
                  "`reportgen build --resume` on the run folder tries it again." for name, reason in
                  results.failures.items()],
    )


def _limits(results: Results) -> list[str]:
    """What the battery cannot show, stated with this run's own sizes."""
    ds = results.data_scale
    data = (f"{ds.data.name} ({ds.data.features} features, {ds.data.pool_size + ds.data.test_size:,} rows)"
            if ds and ds.data and ds.data.name != "MNIST-1D" else "MNIST-1D sequences of 40 samples")
    nets = [x.parameters for x in ds.learners if x.parameters] if ds else []
    size = f", nets of at most {count(max(nets))} parameters" if nets else ""
    limits = [(f"The battery is small by design: {data}{size}, a fixed training budget. Its curves show the shape of "
            "the argument on this machine, not the accuracy of state-of-the-art models."),
            ("Neural nets are trained for a fixed number of steps at every m, without tuning per m; a tuned budget "
            "could change the small-m ranking."),
            ("The data-scale argument is about large perceptual data. On tabular data of about ten thousand rows, "
            "tree-based models still beat deep nets (Grinsztajn et al. 2022); nothing here tests that setting."),
            "Timings hold for this machine, its load and its software versions at the time of the run."]
    if results.system.virtual:
        limits.append("This machine is a virtual machine (its CPU reports a hypervisor): the host may share or move "
                      "its CPUs while the battery runs, so a repeated build can time differently. Compare two builds "
                      "before trusting a small difference.")
    return limits


def _of(found: list[Finding], section: str) -> list[Finding]:
    return [f for f in found if f.driver == section and f.key not in ("iteration_loop", "data_parallel")]


def _data_section(results: Results, analysis: Analysis) -> Section | None:
    r, found = results.data_scale, analysis.findings
    if not r:
        return None
    table = Table("Test accuracy by learner and m: mean over seeds (lowest to highest seed).",
                  ["Learner", *[f"m = {m:,}" for m in r.m_values]],
                  [[x.label, *[accuracy_spread(s.mean, s.low, s.high, s.n) if (s := r.accuracy(x.name, m)) else "not run" for m in r.m_values]] for x in r.learners])
    fit_times = Table("Fit time by learner and m (mean over seeds).",
                  ["Learner", *[f"m = {m:,}" for m in r.m_values]],
                  [[x.label, *[duration(s.mean) if (s := r.fit_seconds(x.name, m)) else "not run"
                               for m in r.m_values]] for x in r.learners])
    section = Section(
        "data", "Scale of data",
        f"Each learner is trained on m labelled {r.data.name if r.data else 'MNIST-1D'} examples drawn from a pool, "
        + (f"for m from {min(r.m_values):,} to {max(r.m_values):,} on a log grid" if r.m_values else
           "for no value of m (the run recorded none)")
        + f", and scored on {r.test_size:,} held-out test examples that no "
        f"training touches; {len(r.seeds)} seed(s) per point. Budget: {r.budget}. {_scheduling(r)}"
        + (f" The nets' learning rates: {r.learning_rate_selection}." if r.learning_rate_selection else ""),
        _of(found, "data"),
        [Figure("accuracy_vs_m", "Test accuracy against the number of labelled examples m. Bands span the "
                "lowest to the highest seed.", charts.accuracy_vs_m(r), table),
         Figure("fit_time_vs_m", "Fit time against m (log-log): the cost side of more data.",
                charts.fit_time_vs_m(r), fit_times)])
    measured = analysis.data_scale.trends
    section.tables.append(_trend_table(r, measured))
    table = results.settings.profile_table.get("data_scale")
    table = table if isinstance(table, dict) else {}
    published = _published_table(r, table)
    if published:
        section.tables.append(published)
    section.notes += r.notes
    section.notes += [f"The fit of {LABELS.get(f.learner, f.learner)} at m = {f.m:,} (seed {f.seed}) failed "
                      f"({f.reason}); its point stands on the other seeds, if any." for f in r.failed]
    if analysis.data_scale.projection:
        section.notes.append(projection_words(r, analysis.data_scale.projection, measured, table.get("steps")))
    return section


def _trend_table(r, measured) -> Table:
    rows = []
    for t in measured:
        x, c = r.learner(t.learner), t.check
        rows.append([x.label, count(x.parameters) if x.parameters else "",
                     points(t.late_gain.gain) if t.late_gain is not None else "",
                     {True: "plateau", False: "rising", None: "unclear" if t.late_gain else ""}[t.plateaued],
                     (f"{c.fit.b:.2f}" + (f" ({c.exponent[0]:.2f} to {c.exponent[1]:.2f})" if c.exponent else ""))
                     if c else "no fit",
                     level_words(c) if c else "",
                     f"{points(c.miss)} at m = {c.held_out_m:,}" if c else "",
                     power_of_m(t.time_exponent.mean) if t.time_exponent is not None else ""])
    return Table(f"How each learner moves with m: accuracy gained over the last {LATE_SHARE:.0%} of its m range (log scale, "
                 "mean of the seeds' paired gains); the power law of test error err = a·m^b + c fitted past the "
                 f"small-data region (m from {SMALL_DATA_SHARE:.0%} of the way along each learner's log-m range): "
                 "exponent b with its spread over resamples of the seeds, the accuracy 1 - c it levels off at with "
                 "its lowest and highest over every resample (none found where any puts the floor at its bound 0), "
                 "and how far the largest m landed from the fit made without it (measured minus predicted); and "
                 "how its fit time grows with m.",
                 ["Learner", "Parameters", "Late gain", "Trend", "b", "Levels off at", "Held-out miss", "Fit time"],
                 rows)


def _scheduling(r) -> str:
    """How the fits were scheduled, and so what their times mean."""
    how = (f"{r.workers} worker processes of {r.worker_threads or r.threads} thread(s) each ran the fits side by "
           "side" if r.workers > 1 else f"One fit ran at a time on {r.worker_threads or r.threads} thread(s)")
    if r.batched:
        how += (f"; the {and_list([LABELS.get(n, n) for n in r.batched])} trained each seed's nets at every m as one "
                "batched ensemble, with the initial weights and minibatches each net gets alone")
    if any(f.cpu_seconds is not None for f in r.fits):
        how += ("; fit times are CPU seconds per fit, which fits running side by side do not inflate"
                + (" (an ensemble's shared among its nets by the steps each took)" if r.batched else ""))
    return how + "."


def _published_table(r, table: dict) -> Table | None:
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
                mine = r.learner(ours).parameters
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


def _algorithms_section(results: Results, found: list[Finding]) -> Section | None:
    r = results.activations
    if not r:
        return None
    gradient_rows = [[g.activation, g.init, str(g.depth),
                      "initialisation" if g.stage == "init" else f"{r.trained_steps} steps",
                      *([sci(g.mean_abs_grad[0]), sci(g.mean_abs_grad[-1])] if g.mean_abs_grad else ["none", "none"]),
                      times(g.ratio),
                      f"{times(min(g.samples))} to {times(max(g.samples))}" if len(g.samples) > 1 else ""]
                     for g in r.gradients]
    gradients = Table("Mean |dL/dW| of the input and output weight layers, and their ratio (geometric mean over the "
                      "seed and batch samples, with its range), at initialisation and after "
                      f"{r.trained_steps} training steps at each activation's best learning rate.",
                      ["Activation", "Initialisation", "Hidden layers", "Measured", "Input layer", "Output layer",
                       "Output / input", "Range"], gradient_rows)
    speed_rows = []
    for activation, init in dict.fromkeys((x.activation, x.init) for x in r.runs):
        relu_steps = steps_to_target(r, "relu", _init_for("relu", init))[0] if "relu" in r.activations else None
        steps, seconds = steps_to_target(r, activation, init)
        ratio = (times(steps / relu_steps) if steps is not None and relu_steps else
                 f"more than {times(r.max_steps / relu_steps)}" if relu_steps else "")
        rate = r.best_learning_rate(activation, init)
        speed_rows.append([activation, init, f"{rate:g}" if rate is not None else "none tried",
                           f"{steps:,.0f}" if steps is not None else f"not reached in {r.max_steps:,}",
                           duration(seconds) if seconds is not None else "not reached", ratio])
    speed = Table(f"Steps and training time to {pct(r.target_accuracy)} training accuracy at each activation's "
                  "best learning rate (median over seeds), and the steps it took relative to ReLU under the "
                  "matching initialisation (PyTorch's default against default, the designed one against He).",
                  ["Activation", "Initialisation", "Best learning rate", "Steps", "Time", "Steps relative to ReLU"],
                  speed_rows)
    deepest = max(r.depths, default=0)
    profiles = [g for g in r.gradients if g.depth == deepest]
    layers = max((len(g.saturated) for g in profiles), default=0)  # as recorded, whatever the depth says
    saturation_rows = [[g.activation, g.init, "initialisation" if g.stage == "init" else f"{r.trained_steps} steps",
                        *[pct(v) for v in g.saturated], *[""] * (layers - len(g.saturated))] for g in profiles]
    saturation = Table(f"Saturated units per hidden layer of the {deepest}-hidden-layer net: the share of "
                       f"(unit, example) pairs whose slope is below {SATURATION:.0%} of the activation's largest "
                       "slope (a ReLU unit counts when it is off).",
                       ["Activation", "Initialisation", "Measured", *[f"Layer {i + 1}" for i in range(layers)]],
                       saturation_rows)
    curve_rows = [[f"{run.activation}", run.init, f"{run.learning_rate:g}", str(run.seed),
                   f"{run.steps_to_target:,}" if run.steps_to_target is not None else
                   ("diverged" if run.diverged else "not reached"),
                   pct(run.curve[-1].train_accuracy) if run.curve else "not measured"] for run in r.runs]
    curves = Table("Every training run: activation, initialisation, learning rate, seed, steps to target, final "
                   "training accuracy.",
                   ["Activation", "Initialisation", "Learning rate", "Seed", "Steps to target", "Final accuracy"],
                   curve_rows)
    return Section(
        "algorithms", "Algorithms: sigmoid against ReLU",
        f"The same MLP ({r.width} units per hidden layer) is built with {and_list(r.activations)} units, each under "
        f"the initialisations {r.init}; the same seed gives every activation the same draw. Gradients are "
        f"measured at initialisation for {', '.join(map(str, r.depths))} hidden layers over "
        f"{max((len(g.samples) for g in r.gradients), default=0)} (seed, batch) sample(s); then a {r.train_depth}-hidden-layer net is trained on "
        f"{r.train_examples:,} examples ({r.optimizer}) until it reaches {pct(r.target_accuracy)} training "
        f"accuracy or {r.max_steps:,} steps. "
        + (f"{r.workers} worker processes of {r.worker_threads or r.threads} thread(s) each ran these training runs "
           "side by side, every run under the same conditions." if r.workers > 1 else
           f"The training runs ran one at a time on {r.worker_threads or r.threads} thread(s)."),
        _of(found, "algorithms"),
        [Figure("gradients", "Mean absolute weight gradient per layer, at initialisation (solid) and after "
                f"{r.trained_steps} training steps (dashed), log scale. A line that falls to the left means "
                "gradients vanish on their way to the input.",
                charts.gradients_by_layer(r), gradients),
         Figure("accuracy_vs_time", "Training accuracy against training time for each activation at its best "
                "learning rate; the dashed line is the target.", charts.accuracy_vs_time(r), curves)],
        [speed, saturation],
        [f"The run of {f.activation} at learning rate {f.learning_rate:g} (seed {f.seed}) failed ({f.reason})."
         for f in r.failed])


def _init_for(activation: str, init: str) -> str:
    """ReLU's counterpart of `init`: the default against the default, He against a designed one."""
    return "default" if init == "default" else DESIGNED.get(activation, init)


def _workloads(timed: list[StepTime | MatmulTime]) -> str:
    """Step and matmul records, named as in the tables."""
    names = [(f"{LABELS.get(w.model, w.model)}, batch {w.batch_size}" if isinstance(w, StepTime) else f"matmul {w.n}")
             + f" on {config_label(w.device, w.precision, w.threads)}" for w in timed]
    return "; ".join(names)


def _compute_section(results: Results, found: list[Finding]) -> Section | None:
    r = results.compute
    if not r:
        return None
    step_rows = [[LABELS.get(s.model, s.model), count(s.parameters), str(s.batch_size),
                  config_label(s.device, s.precision, s.threads),
                  duration(s.timing.median_s) if s.timing else s.skipped or "",
                  duration(s.timing.iqr_s) if s.timing else "",
                  f"{s.examples_per_second:,.0f}" if s.examples_per_second is not None else ""] for s in r.steps]
    steps = Table("Median time of one training step (forward, backward, Adam update), its interquartile range and "
                  "throughput.", ["Model", "Parameters", "Batch", "Device", "Median", "IQR", "Examples/s"],
                  step_rows)
    mm_rows = [[str(m.n), config_label(m.device, m.precision, m.threads),
                f"{m.gflops:,.1f}" if m.gflops is not None else m.skipped or "",
                duration(m.timing.median_s) if m.timing else ""] for m in r.matmuls]
    matmul = Table("Matrix product throughput.", ["n", "Device", "GFLOP/s", "Median time"], mm_rows)
    speed_rows = [[LABELS.get(s.model, s.model), str(s.batch_size), config_label(s.device, s.precision, s.threads),
                   times(gain)] for s, gain in r.speedups()]
    speedup = Table("Speed-up of one training step over the CPU on one thread.",
                    ["Model", "Batch", "Device", "Speed-up"], speed_rows)
    notes = []
    if not [d for d in r.devices if d != "cpu"]:
        notes.append(f"No GPU was used ({results.settings.device_reason}): this section shows the CPU only."
                     + ("" if results.baseline else " Pass --baseline RESULTS.json from a GPU machine to set its "
                                                    "timings beside these."))
    timed = [w for w in [*r.steps, *r.matmuls] if w.timing]
    unstable = [w for w in timed if not w.timing.stable]
    if unstable:
        notes.append(f"{len(unstable)} timing(s) kept a spread (IQR/median) above {UNSTABLE_SPREAD:.0%} after "
                     f"{r.max_seconds:g} s of repeats, so treat them with care: {_workloads(unstable)}.")
    drifted = [w for w in timed if w.timing.round_drift > ROUND_DRIFT]
    if drifted:
        worst = max(w.timing.round_drift for w in drifted)
        notes.append(f"{len(drifted)} timing(s) moved by more than {ROUND_DRIFT:.0%} between rounds (at most "
                     f"{worst:.0%}), so they may not repeat: {_workloads(drifted)}.")
    if r.others_busy is not None:
        notes.append(f"Other processes used {r.others_busy:.0%} of this run's CPUs while these were timed"
                     + (": the timings are of a shared machine, and no computation verdict is made from them."
                        if r.others_busy > BUSY_SHARE else f" (a verdict needs {BUSY_SHARE:.0%} or less)."))
    return Section(
        "computation", "Computation",
        "Each workload is warmed up, then timed in blocks of calls with the device synchronised before every clock "
        "read, " + (f"in {r.rounds} rounds interleaved with the other workloads (so that a slow moment of the machine "
                    "spoils one round, not a whole timing), " if r.rounds > 1 else "")
        + (f"for at least {r.min_seconds:g} s in all and " if r.min_seconds else "")
        + f"until the interquartile range is under {TARGET_SPREAD:.0%} of the median, up to {r.max_seconds:g} s once "
        f"warm (a workload whose single call takes longer than a round's share of that is timed on one call per "
        f"round{_longest(r)}). The CPU "
        + (f"is timed on 1 thread and on {r.threads} threads" if r.threads > 1 else "is timed on 1 thread")
        + (", with denormals flushed to zero and freed memory kept for reuse, so that a timed step does not fault "
           "it in again." if results.settings.allocator else ", with denormals flushed to zero."),
        _of(found, "computation"),
        [Figure("step_time", "Median time per training step against model size (log-log).",
                charts.step_time_vs_size(r), steps),
         Figure("speedups", "Speed-up of one training step over the CPU on one thread, per workload; the dashed "
                "line marks no gain.", charts.speedups(r), speedup),
         Figure("gflops", "Matrix-product throughput against matrix size.", charts.gflops_vs_size(r), matmul)],
        [t for t in [_baseline_table(results)] if t], notes=notes)


def _loop_section(results: Results, analysis: Analysis) -> Section | None:
    r = results.compute
    mine = [f for f in analysis.findings if f.key == "iteration_loop"]
    if not r or not mine:
        return None
    model = r.largest_model
    rows = [[label, duration(seconds)] for label, seconds in analysis.compute.loop_times]
    table = Table(f"Wall time of one experiment ({r.loop_steps:,} training steps of the {LABELS[model]}) on each "
                  "configuration measured, from its median step time.", ["Device", "One experiment"], rows)
    return Section(
        "loop", "The idea, code, experiment loop",
        "Progress in deep learning comes from trying many ideas: the faster an experiment runs, the more ideas a "
        "person can test in a day. This section turns the measured step times into the wall time of one "
        "experiment of this battery.", mine, tables=[table])


def _baseline_table(results: Results) -> Table | None:
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


def _system_rows(results: Results) -> list[tuple[str, str]]:
    s, label = results.system, SYSTEM_LABELS
    rows = [(label["hostname"], s.hostname), (label["cpu_model"], s.cpu_model),
            ("Cores", f"{s.physical_cores or '?'} physical, {s.logical_cores} logical"
                      + (", virtual machine" if s.virtual else "")),
            ("Memory", f"{s.memory_gib:g} GiB" if s.memory_gib else "unknown"),
            (label["os"], f"{s.os} (kernel {s.kernel})"),
            *[(label[key], getattr(s, key)) for key in ("python", "torch", "sklearn", "numpy", "blas")]]
    if s.torch_cuda:
        rows.append(("CUDA / cuDNN", f"{s.torch_cuda} / {s.cudnn or 'n/a'}"))
    for i, g in enumerate(s.gpus):
        rows.append((f"GPU {i}", f"{g.name}, {g.memory_gib:g} GiB"
                     + (f", compute capability {g.compute_capability}" if g.compute_capability else "")
                     + (f", driver {g.driver}" if g.driver else "")))
    rows.append((label["tool_version"], s.tool_version + (f" (commit {s.git_commit})" if s.git_commit else "")))
    return rows


def _settings_rows(results: Results) -> list[tuple[str, str]]:
    st = results.settings
    rows = [("Profile", st.profile), ("Device", f"{st.device}: {st.device_reason}"), ("Seed", str(st.seed)),
            ("CPU threads", f"{st.threads}" + (f", {st.threads_reason}" if st.threads_reason else "")
             + " (flush-to-zero for denormals on)"),
            ("Memory allocator", st.allocator or "the platform's default")]
    if results.data:
        d = results.data
        source = f"{d.name}, generated locally by {d.generator} (pool {d.pool_size:,}, test {d.test_size:,})"
        rows.append(("Data", source))
    rows += _precision_rows(results)
    return rows


def _precision_rows(results: Results) -> list[tuple[str, str]]:
    """The precision of every experiment, and what each name in the report means."""
    rows = [(f"{EXPERIMENTS[name]}: precision", record.precision)
            for name in ("data_scale", "activations") if (record := getattr(results, name)) and record.precision]
    if results.compute:
        used = dict.fromkeys(x.precision for x in [*results.compute.steps, *results.compute.matmuls])
        rows.append((f"{EXPERIMENTS['compute']}: precision", ", ".join(used)))
    named = dict.fromkeys(name.strip() for _, value in rows for name in value.split(","))
    return rows + [(f"{name} means", MEANINGS[name]) for name in named if name in MEANINGS]


def _longest(r) -> str:
    """The longest a workload was timed, so that the reader sees what the cap came to."""
    spent = [w.timing.total_s for w in [*r.steps, *r.matmuls] if w.timing]
    return f"; the longest workload took {duration(max(spent))} once warm" if spent else ""
