"""The report's section on data-parallel training: what the scaling experiment measured, its finding, the
all-reduce bandwidth and the DDP step times, every number formatted. A view model, like context.py's sections."""

from __future__ import annotations

from reportgen import charts
from reportgen.context import Figure, Section, Table
from reportgen.findings import Finding
from reportgen.findings.compute import BUSY_SHARE
from reportgen.fmt import bandwidth, duration, message_size, pct
from reportgen.learners import LABELS
from reportgen.records.scaling import SCALINGS, ScalingResult
from reportgen.results import Results

MODE = {"single": "no DDP", "weak": "weak", "strong": "strong"}


def scaling_section(results: Results, found: list[Finding]) -> Section | None:
    r = results.scaling
    if not r:
        return None
    return Section(
        "scaling", "Data-parallel training", _intro(r), [f for f in found if f.key == "data_parallel"],
        [Figure("busbw", "All-reduce bus bandwidth against message size (nccl-tests' busbw: algbw × 2(n−1)/n, "
                "comparable with a link's peak); each operation the slowest rank's time.",
                charts.busbw_vs_size(r), _allreduce_table(r)),
         Figure("scaling_steps", "Strong-scaling training step time against world size (the same global batch "
                "spread over more workers); the dashed line is the ideal, one process without DDP divided by n.",
                charts.step_time_vs_world_size(r), _steps_table(r))],
        notes=_notes(r))


def _intro(r: ScalingResult) -> str:
    where = ("one process per GPU, NCCL between them" if r.device == "cuda" else
             f"gloo over the loopback; world size n gives each worker {r.threads} / n of the run's {r.threads} CPU "
             "threads, so that every world size uses the same cores: a split of one machine, not added hardware")
    return (f"Worker processes started with {r.launcher}, a worker that makes no progress for {r.timeout_s:g} s "
            f"taken as hung: {where}. World sizes {', '.join(map(str, r.world_sizes))} share one launch, the other ranks "
            f"waiting at a barrier. All-reduce of float32 messages: warm-up, then timed repeats, each operation "
            "started after a barrier and timed as its slowest rank; the median with its interquartile range, "
            "algbw = size / time and busbw = algbw × 2(n−1)/n. A training step (forward, backward, Adam) of "
            f"{', '.join(LABELS.get(m, m) for m in r.models)} under DistributedDataParallel, in {r.rounds} rounds "
            f"interleaved across the configurations: {SCALINGS['single']}; DDP at world size 1 (its own cost); "
            f"{SCALINGS['weak']}; {SCALINGS['strong']}. Each configuration also runs its steps under no_sync(), "
            "without the gradient exchange, to give the share of a step spent communicating.")


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
                share, efficiency = s.communication_share, r.efficiency(s)
                rows.append([LABELS.get(model, model), MODE[s.scaling] if n > 1 or mode == "single" else "DDP",
                             str(n), str(s.batch_per_worker), str(s.global_batch),
                             str(s.threads_per_worker) if s.threads_per_worker else "one GPU",
                             duration(s.timing.median_s), duration(s.timing.iqr_s),
                             pct(share) if share is not None else "",
                             pct(efficiency) if efficiency is not None else "",
                             {True: "yes", False: "NO", None: ""}[s.parameters_equal]])
    return Table("Training step by model, scaling mode and world size: median of the slowest rank's time per step "
                 "(median of the rounds' medians) and its IQR; the share of a step spent communicating (against the "
                 "same step under no_sync()); the scaling efficiency against one process without DDP (strong: "
                 "T(1) / (n × T(n)); weak: T(1) / T(n)); whether every rank's parameters were equal after the steps.",
                 ["Model", "Scaling", "World size", "Batch per worker", "Global batch", "Threads per worker",
                  "Median", "IQR", "Communicating", "Efficiency", "Parameters equal"], rows)


def _notes(r: ScalingResult) -> list[str]:
    notes = []
    if r.device == "cuda" and r.largest == 1:
        notes.append("This machine has one GPU: more GPUs are needed to scale. World size 1 (NCCL) shows what DDP "
                     "itself costs.")
    if r.interconnect:
        notes.append(f"Links between the GPUs: {r.interconnect}.")
    if r.others_busy is not None:
        notes.append(f"Other processes used {r.others_busy:.0%} of this run's CPUs while the workers ran"
                     + (": no verdict is made from these timings." if r.others_busy > BUSY_SHARE else
                        f" (a verdict needs {BUSY_SHARE:.0%} or less)."))
    unequal = [s for s in r.steps if s.parameters_equal is False]
    if unequal:
        notes.append(f"{len(unequal)} configuration(s) ended with parameters that differ between ranks: the "
                     "gradient exchange did not keep the replicas equal, so treat their timings with care.")
    notes.append(f"The launch took {duration(r.seconds)}, start-up of the workers included.")
    return notes
