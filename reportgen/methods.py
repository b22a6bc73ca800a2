"""How each experiment was measured, the machine and the settings, and what the battery cannot show: the report's
methods, in words built from the records (never what came out)."""

from __future__ import annotations

from reportgen.findings.compute import BUSY_SHARE
from reportgen.fmt import and_list, config_label, count, duration, pct
from reportgen.learners import LABELS
from reportgen.profile import EXPERIMENTS
from reportgen.records.compute import ComputeResult, MatmulTime, StepTime
from reportgen.records.precision import MEANINGS
from reportgen.results import Results
from reportgen.timing import ROUND_DRIFT, TARGET_SPREAD, UNSTABLE_SPREAD

# What the report and the comparison call each field of the system description.
SYSTEM_LABELS = {"hostname": "Host", "cpu_model": "CPU", "physical_cores": "Physical cores",
                 "logical_cores": "Logical cores", "memory_gib": "Memory, GiB", "os": "OS", "kernel": "Kernel",
                 "python": "Python", "torch": "PyTorch", "torch_cuda": "CUDA (torch built for)", "cudnn": "cuDNN",
                 "sklearn": "scikit-learn", "numpy": "NumPy", "blas": "BLAS", "tool_version": "reportgen",
                 "git_commit": "reportgen commit", "threads": "Threads (torch)",
                 "cpu_features": "CPU features for training", "bf16_unit": "Native bf16 unit",
                 "torch_cpu": "torch CPU kernels"}


def data_method(results: Results) -> str:
    r = results.data_scale
    return (f"Each learner is trained on m labelled {r.data.name if r.data else 'MNIST-1D'} examples drawn from a "
            "pool, " + (f"for m from {min(r.m_values):,} to {max(r.m_values):,} on a log grid" if r.m_values else
                        "for no value of m (the run recorded none)")
            + f", and scored on {r.test_size:,} held-out test examples that no "
            f"training touches; {len(r.seeds)} seed(s) per point{_pool_words(r)}. Budget: {r.budget}. {_scheduling(r)}"
            + (f" The nets' learning rates: {r.learning_rate_selection}." if r.learning_rate_selection else ""))


def data_notes(results: Results) -> list[str]:
    r = results.data_scale
    return [*r.notes, *[f"The fit of {LABELS.get(f.learner, f.learner)} at m = {f.m:,} (seed {f.seed}) did not "
                        f"finish ({f.reason}); its point stands on the other seeds, if any." for f in r.failed]]


def _pool_words(r) -> str:
    """Where the largest m is the whole pool, the seeds there share their examples: say so, since 'in every seed'
    then repeats the initialisation and the minibatch order, not the draw of the data."""
    pool = r.data.pool_size if r.data else None
    if not pool or not r.m_values or max(r.m_values) < pool:
        return ""
    return (f"; at m = {max(r.m_values):,} every seed trains on the whole pool of {pool:,}, so there the seeds differ "
            "in initialisation and minibatch order only, not in the examples drawn (at half that m, two seeds share "
            "about half their examples)")


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


def activations_method(results: Results) -> str:
    r = results.activations
    return (f"The same MLP ({r.width} units per hidden layer) is built with {and_list(r.activations) or 'no'} units, "
            f"each under the initialisations {r.init}; the same seed gives every activation the same draw. Gradients "
            f"are measured at initialisation for {', '.join(map(str, r.depths))} hidden layers over "
            f"{max((len(g.samples) for g in r.gradients), default=0)} (seed, batch) sample(s); then a "
            f"{r.train_depth}-hidden-layer net is trained on {r.train_examples:,} examples ({r.optimizer}) until it "
            f"reaches {pct(r.target_accuracy)} training accuracy or {r.max_steps:,} steps, at each learning rate "
            f"of the grid and each seed. "
            + ("The rates are run in rounds from the middle of the grid outwards; once a rate has brought every "
               "seed to the target, a later run still short of it stops after as many steps as the fastest such "
               "rate's runs took together, as its own rate's mean could then no longer be the lowest: the best rate, "
               "and the steps and accuracies of its runs, are what running every run out would give. "
               if r.stopped else "")
            + (f"{r.workers} worker processes of {r.worker_threads or r.threads} thread(s) each ran these training "
               "runs side by side." if r.workers > 1 else
               f"The training runs ran one at a time on {r.worker_threads or r.threads} thread(s)."))


def activations_notes(results: Results) -> list[str]:
    return [f"The run of {f.activation}{f' ({f.init} init)' if f.init else ''} at learning rate "
            f"{f.learning_rate:g} (seed {f.seed}) did not finish ({f.reason})." for f in results.activations.failed]


def compute_method(results: Results) -> str:
    r = results.compute
    return ("Each workload is warmed up, then timed in blocks of calls with the device synchronised before every "
            "clock read, " + (f"in {r.rounds} rounds interleaved with the other workloads (so that a slow moment of "
                              "the machine spoils one round, not a whole timing), " if r.rounds > 1 else "")
            + (f"for at least {r.min_seconds:g} s in all and " if r.min_seconds else "")
            + f"until the interquartile range is under {TARGET_SPREAD:.0%} of the median, up to {r.max_seconds:g} s "
            f"once warm (a workload whose single call takes longer than a round's share of that is timed on one call "
            f"per round{_longest(r)}). The CPU "
            + (f"is timed on 1 thread and on {r.threads} threads" if r.threads > 1 else "is timed on 1 thread")
            + (", with denormals flushed to zero and freed memory kept for reuse, so that a timed step does not "
               "fault it in again." if results.settings.allocator else ", with denormals flushed to zero.")
            + _bf16_timed(r) + _busy(r))


def _bf16_timed(r: ComputeResult) -> str:
    """Whether the CPU is timed in bf16 as well: on which unit, or why not (nothing for a file from before)."""
    return (f" In bf16 (autocast) it is timed on {r.threads} thread{'s' if r.threads != 1 else ''} as well, on its "
            f"{r.bf16_unit} unit, in the same rounds as fp32." if r.bf16_unit else
            f" {r.bf16_not_timed}." if r.bf16_not_timed else "")  # "bf16 not timed ...": its name in lower case


def _busy(r: ComputeResult) -> str:
    """How busy the rest of the machine was while timing: the body warns only when it was too busy for a verdict."""
    if r.others_busy is None:
        return ""
    return (f" Other processes used {r.others_busy:.0%} of this run's CPUs while these were timed (a verdict needs "
            f"{BUSY_SHARE:.0%} or less).")


def _longest(r: ComputeResult) -> str:
    """The longest a workload was timed, so that the reader sees what the cap came to."""
    spent = [w.timing.total_s for w in [*r.steps, *r.matmuls] if w.timing]
    return f"; the longest workload took {duration(max(spent))} once warm" if spent else ""


def _workloads(timed: list[StepTime | MatmulTime]) -> str:
    """Step and matmul records, named as in the tables."""
    names = [(f"{LABELS.get(w.model, w.model)}, batch {w.batch_size}" if isinstance(w, StepTime) else f"matmul {w.n}")
             + f" on {config_label(w.device, w.precision, w.threads)}" for w in timed]
    return "; ".join(names)


def compute_notes(results: Results) -> list[str]:
    r, notes = results.compute, []
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
    if r.others_busy is not None and r.others_busy > BUSY_SHARE:
        notes.append(f"Other processes used {r.others_busy:.0%} of this run's CPUs while these were timed: the "
                     "timings are of a shared machine, and no computation verdict is made from them.")
    return notes


def limits(results: Results) -> list[str]:
    """What the battery cannot show, stated with this run's own sizes."""
    ds = results.data_scale
    data = (f"{ds.data.name} ({ds.data.features} features, {ds.data.pool_size + ds.data.test_size:,} rows)"
            if ds and ds.data and ds.data.name != "MNIST-1D" else "MNIST-1D sequences of 40 samples")
    nets = [x.parameters for x in ds.learners if x.parameters] if ds else []
    size = f", nets of at most {count(max(nets))} parameters" if nets else ""
    found = [(f"The battery is small by design: {data}{size}, a fixed training budget. Its curves show the shape of "
              "the argument on this machine, not the accuracy of state-of-the-art models."),
             ("Neural nets are trained for a fixed number of steps at every m, without tuning per m; a tuned budget "
              "could change the small-m ranking."),
             ("The data-scale argument is about large perceptual data: on tabular data of about ten thousand rows, "
              "trees still beat deep nets (Grinsztajn et al. 2022)."),
             "Timings hold for this machine, its load and its software versions at the time of the run."]
    if results.system.virtual:
        found.append("This machine is a virtual machine: its host may share or move its CPUs, so compare two builds before "
                     "trusting a small difference in time.")
    return found


def system_rows(results: Results) -> list[tuple[str, str]]:
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
    if s.cpu_features is not None:
        rows.append((label["cpu_features"], ", ".join(s.cpu_features) or "none of those that decide training speed"))
        rows.append((label["bf16_unit"], s.bf16_unit or "none: bf16 would be emulated"))
    if s.torch_cpu:
        rows.append((label["torch_cpu"], s.torch_cpu))
    rows.append((label["tool_version"], s.tool_version + (f" (commit {s.git_commit})" if s.git_commit else "")))
    return rows


def settings_rows(results: Results) -> list[tuple[str, str]]:
    st = results.settings
    rows = [("Profile", st.profile), ("Device", f"{st.device}: {st.device_reason}"), ("Seed", str(st.seed)),
            ("CPU threads", f"{st.threads}" + (f", {st.threads_reason}" if st.threads_reason else "")
             + " (flush-to-zero for denormals on)"),
            ("Memory allocator", st.allocator or "the platform's default")]
    if results.data:
        d = results.data
        rows.append(("Data", (f"{d.name}, generated locally by {d.generator} (pool {d.pool_size:,}, test "
                              f"{d.test_size:,})")))
    return rows + _precision_rows(results)


def _precision_rows(results: Results) -> list[tuple[str, str]]:
    """The precision of every experiment, and what each name in the report means."""
    rows = [(f"{EXPERIMENTS[name]}: precision", record.precision)
            for name in ("data_scale", "activations") if (record := getattr(results, name)) and record.precision]
    if results.compute:
        used = dict.fromkeys(x.precision for x in [*results.compute.steps, *results.compute.matmuls])
        rows.append((f"{EXPERIMENTS['compute']}: precision", ", ".join(used)))
    named = dict.fromkeys(name.strip() for _, value in rows for name in value.split(","))
    return rows + [(f"{name} means", MEANINGS[name]) for name in named if name in MEANINGS]
