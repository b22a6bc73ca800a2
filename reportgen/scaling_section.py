"""The report's section on data-parallel training: what the scaling experiment measured, its finding, the
all-reduce bandwidth and the DDP step times, every number formatted. A view model, like context.py's sections."""

from __future__ import annotations

from reportgen import charts
from reportgen.findings import Finding
from reportgen.findings.compute import BUSY_SHARE
from reportgen.fmt import bandwidth, counted, duration, message_size, pct
from reportgen.learners import LABELS
from reportgen.records.scaling import SCALINGS, ScalingResult
from reportgen.results import Results
from reportgen.section import Section
from reportgen.tables import Figure, Table

MODE = {"single": "no DDP", "weak": "weak", "strong": "strong"}


# The findings this section shows; the computation section, the same driver's, leaves them out.
KEYS = ("data_parallel", "data_parallel_split")


def scaling_section(results: Results, found: list[Finding]) -> Section | None:
    r = results.scaling
    if not r:
        return None
    mine = [f for f in found if f.key in KEYS]
    return Section(
        "scaling", "Faster networks: data-parallel training",
        [Figure("busbw", "All-reduce bus bandwidth against message size (nccl-tests' busbw: algbw × 2(n−1)/n, "
                "comparable with a link's peak); each operation the slowest rank's time.",
                charts.busbw_vs_size(r), _allreduce_table(r)),
         Figure("scaling_steps", "Training examples per second against world size: weak scaling (a batch of "
                f"{r.batch_size} on each worker) and strong scaling (one batch of {r.batch_size} split among them); "
                + ("the dashed line is the ideal on a split of one CPU, one process's examples per second without "
                   "DDP at every world size: the same cores." if r.split else
                   "the dashed line is the ideal, one process's examples per second without DDP times n."),
                charts.throughput_vs_world_size(r), _steps_table(r))],
        _sentences(r), [f for f in mine if f.is_claim], checks=[f for f in mine if not f.is_claim], notes=_notes(r))


def _sentences(r: ScalingResult) -> list[str]:
    """What the two figures show here: the link's bandwidth at the largest message, and the large model's step
    without DDP and under DDP alone, then the finding's comparison at the most workers: on GPUs its throughput with
    a batch on each, on a CPU's split the same batch split among them."""
    n = r.largest
    per = next((s.threads_per_worker for s in r.steps if s.world_size == n and s.threads_per_worker), None)
    said = [("Each of this machine's GPUs ran one worker process, NCCL between them." if not r.split else
             "The workers are processes on this one CPU, gloo between them"
             + (f": at world size {n} each of them had {counted(per, 'thread')} of the run's {r.threads}"
                if per and n > 1 else "") + ", a split of one machine rather than added hardware.")]
    link = r.sizes(n)[-1] if n > 1 and r.sizes(n) else None
    if link:
        said.append(f"At world size {n} an all-reduce of {message_size(link.bytes)} took {duration(link.median_s)}: "
                    f"busbw {bandwidth(link.busbw)}.")
    model = r.models[-1] if r.models else None
    single = r.step(model, 1, "single") if model else None
    judged = "strong" if r.split else "weak"
    ddp, spread = (r.step(model, 1, "weak"), r.step(model, n, judged)) if model else (None, None)
    if single:
        said.append(f"One training step of the {LABELS.get(model, model)} took {duration(single.timing.median_s)} in "
                    "one process without DDP"
                    + (f" and {duration(ddp.timing.median_s)} under DDP at world size 1" if ddp else "") + ".")
        if spread and n > 1 and spread.examples_per_second and single.examples_per_second:
            said.append((f"With the batch of {spread.global_batch} split among {n} workers" if r.split else
                         f"With a batch of {spread.batch_per_worker} on each of {n} workers")
                        + f" a step took {duration(spread.timing.median_s)}: {spread.examples_per_second:,.0f} "
                        f"examples per second, against {single.examples_per_second:,.0f} in one process.")
    return said


def scaling_method(r: ScalingResult) -> str:
    """How the scaling experiment measured, for Appendix C."""
    return (f"Worker processes are started with {r.launcher}; a worker that makes no progress for {r.timeout_s:g} s "
            f"is taken as hung. World sizes {', '.join(map(str, r.world_sizes))} share one launch, the other ranks "
            "waiting at a barrier. All-reduce of float32 messages: warm-up, then timed repeats, each operation "
            "started after a barrier and timed as its slowest rank; the median with its interquartile range, "
            "algbw = size / time and busbw = algbw × 2(n−1)/n. A training step (forward, backward, Adam) of "
            f"{', '.join(LABELS.get(m, m) for m in r.models)} under DistributedDataParallel, in {counted(r.rounds, 'round')} "
            f"interleaved across the configurations: {SCALINGS['single']}; DDP at world size 1 (its own cost); "
            f"{SCALINGS['weak']}; {SCALINGS['strong']}. Each configuration also runs its steps under no_sync(), "
            "without the gradient exchange, to give the share of a step that exchange adds: exposed communication, "
            "what computation does not hide, with DDP's hooks. The launch took "
            f"{duration(r.seconds)}, the workers' start-up included"
            + (f"; other processes used {r.others_busy:.0%} of the run's CPUs meanwhile (a verdict needs "
               f"{BUSY_SHARE:.0%} or less)." if r.others_busy is not None else "."))


def _allreduce_table(r: ScalingResult) -> Table:
    rows = [[str(a.world_size), message_size(a.bytes), duration(a.median_s), duration(a.iqr_s), str(a.repeats),
             bandwidth(a.algbw), bandwidth(a.busbw) if a.world_size > 1 else "none (one rank)"]
            for n in r.world_sizes for a in r.sizes(n)]
    return Table(f"All-reduce ({r.backend}) by world size and message size: median of the slowest rank's time, its "
                 "interquartile range, the timed repeats, algbw and busbw (GB/s are 10⁹ bytes per second).",
                 ["World size", "Message", "Median", "IQR", "Repeats", "algbw", "busbw"], rows)


def _steps_table(r: ScalingResult) -> Table:
    rows = []
    for model in r.models:
        for n in r.world_sizes:
            for mode in ("single", "weak", "strong"):
                s = r.step(model, n, mode)
                if not s or (n == 1 and mode == "strong"):
                    continue
                share, efficiency = s.exposed_share, r.efficiency(s)
                rows.append([LABELS.get(model, model), MODE[s.scaling] if n > 1 or mode == "single" else "DDP",
                             str(n), str(s.batch_per_worker), str(s.global_batch),
                             str(s.threads_per_worker) if s.threads_per_worker else "one GPU",
                             duration(s.timing.median_s), duration(s.timing.iqr_s),
                             pct(share) if share is not None else "",
                             pct(efficiency) if efficiency is not None else "",
                             {True: "yes", False: "NO", None: ""}[s.parameters_equal]])
    ideal = ("the split's ideal, one process without DDP on the same cores (strong: T(1) / T(n); weak: "
             "n × T(1) / T(n))" if r.split else
             "the ideal, one process without DDP times n (strong: T(1) / (n × T(n)); weak: T(1) / T(n))")
    return Table("Training step by model, scaling mode and world size: median of the slowest rank's time per step "
                 "(median of the rounds' medians) and its IQR; exposed communication, 1 − the same step under "
                 "no_sync() / the step (the exchange not hidden behind computation, with DDP's hooks); the "
                 f"efficiency against {ideal}; whether every rank's parameters were equal after the steps.",
                 ["Model", "Scaling", "World size", "Batch per worker", "Global batch", "Threads per worker",
                  "Median", "IQR", "Exposed communication", "Efficiency", "Parameters equal"], rows)


def _notes(r: ScalingResult) -> list[str]:
    notes = []
    if r.device == "cuda" and r.largest == 1:
        notes.append("This machine has one GPU: more GPUs are needed to scale. World size 1 (NCCL) shows what DDP "
                     "itself costs.")
    if r.interconnect:
        notes.append(f"Links between the GPUs: {r.interconnect}.")
    if r.others_busy is not None and r.others_busy > BUSY_SHARE:
        notes.append(f"Other processes used {r.others_busy:.0%} of this run's CPUs while the workers ran: no "
                     "verdict is made from these timings.")
    unequal = [s for s in r.steps if s.parameters_equal is False]
    if unequal:
        notes.append(f"{len(unequal)} configuration(s) ended with parameters that differ between ranks: the "
                     "gradient exchange did not keep the replicas equal, so treat their timings with care.")
    return notes
