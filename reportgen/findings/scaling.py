"""The finding of the scaling experiment: training spread over n devices reaches at least 60% of n times one
device's throughput.

On GPUs each worker adds a device, and the verdict is weak-scaling efficiency, as PyTorch's DDP benchmark reads it:
n workers with a batch each against n times one process without DDP on one such batch, T(1) / T(n), whose ideal is
1; the bars are the thread finding's at n = 2 as shares of the ideal (60% and 52.5%), so the claim is as easy to
support as to contradict at every n. On a CPU the workers split one machine's cores and add no device: the
lecture's claim is not tested there, and the split is a check of its own, judged on strong scaling (the same global
batch, so the same training, on the same cores) against one process on all of them, T(1) / T(n), whose ideal is 1×,
with the thread finding's bars. Both on same-round pairs, a verdict on the median pair for every model, and no
verdict from a machine other processes kept busy. The all-reduce bandwidth is set beside it. Each step: the check,
then the verdict, then the words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportgen.findings.compute import BUSY_SHARE, NO_GAIN, THREAD_GAIN
from reportgen.findings.gains import Gain, open_gain, pairs_words, speedup
from reportgen.findings.verdicts import Finding, Verdict, decide, untested
from reportgen.fmt import bandwidth, counted, duration, message_size, pct, times_beside
from reportgen.learners import LABELS
from reportgen.records.scaling import AllReduceTime, ScalingResult

EFFICIENCY = THREAD_GAIN / 2  # n devices reach this share of n times one's throughput: 1.2x at n = 2
NO_EFFICIENCY = NO_GAIN / 2  # under this share they do not: 1.05x at n = 2
CLAIM = (f"Spread over n devices, training reaches at least {EFFICIENCY:.0%} of n times one device's examples per "
         "second.")
SPLIT_CLAIM = "Splitting one CPU's cores over data-parallel worker processes makes training faster."
UNEQUAL = ("Replicas that end a step with different parameters decide nothing: the exchange did not do its job.")
RULE = (f"a median same-round pair of at least {THREAD_GAIN:g}× for every model supports it, under {NO_GAIN:g}× for "
        f"every model contradicts it; otherwise it is open. {UNEQUAL}")
GPU_RULE = (f"a weak-scaling efficiency (the median same-round pair's throughput gain over n) of at least "
            f"{EFFICIENCY:.0%} for every model supports it, under {NO_EFFICIENCY:.1%} for every model contradicts it, "
            f"on two pairs or more; otherwise it is open. These are the thread finding's bars at n = 2 "
            f"({THREAD_GAIN:g}× and {NO_GAIN:g}×) as shares of the ideal n×, so the claim is as easy to contradict as "
            f"to support at every n. {UNEQUAL}")
HOW_TO_TEST = ("Run reportgen build --device cuda on a machine with 2 or more GPUs: the scaling experiment starts "
               "one worker per GPU. A weak-scaling efficiency (examples per second with the same batch on every GPU, "
               f"against n times one GPU's without DDP) of at least {EFFICIENCY:.0%} for every model would support it, "
               f"under {NO_EFFICIENCY:.1%} would contradict it; PyTorch's DDP benchmark published ResNet-50 at 306 "
               "examples/s per GPU on 16 GPUs against 329 on one without DDP (93% weak-scaling efficiency).")


@dataclass(frozen=True)
class ScalingCheck:
    """What the verdict rests on: each model's throughput gain at the largest world size over same-round pairs
    against one process without DDP (weak scaling on GPUs, n × T(1) / T(n); strong scaling on a CPU's split,
    T(1) / T(n)), whether every replica ended its steps with the same parameters, and the all-reduce that shows the
    link."""

    world_size: int
    mode: str  # the scaling judged: "weak" (GPUs) or "strong" (a CPU's split)
    gains: dict[str, Gain]
    link: AllReduceTime | None  # the largest message at the largest world size
    replicas_equal: bool = True  # False: some configuration's ranks ended with different parameters

    @property
    def ideal(self) -> int:
        """The gain the devices the workers have would give if nothing were lost: n on GPUs, 1 on a CPU's split."""
        return self.world_size if self.mode == "weak" else 1

    @property
    def bars(self) -> tuple[float, float]:
        """The gains that support and that contradict: on GPUs the efficiency bars times n, on a CPU's split the
        thread finding's."""
        return ((EFFICIENCY * self.ideal, NO_EFFICIENCY * self.ideal) if self.mode == "weak" else
                (THREAD_GAIN, NO_GAIN))

    def pair_efficiency(self, gain: Gain) -> float:
        """The verdict's efficiency: a model's median same-round pair over the ideal. Not ScalingResult.efficiency,
        the table's, which sets the rounds' medians of one step against one process's."""
        return gain.median / self.ideal


def check(r: ScalingResult) -> ScalingCheck:
    """On GPUs weak scaling, the way PyTorch's DDP benchmark and MLPerf's throughput figures are read: each added
    device brings its own batch. Strong scaling at the battery's batch of 100 would leave a handful of examples per
    GPU at 8 GPUs, a step bound by kernel launches, and so could only come out one way; it is shown beside it. On a
    CPU's split strong scaling: with no device added, a doubled global batch on the same cores would count a single
    process's poor use of its threads as a gain; weak scaling is shown beside it."""
    n, gains = r.largest, {}
    mode = "strong" if r.split else "weak"
    for model in r.models:
        single, spread = r.step(model, 1, "single"), r.step(model, n, mode)
        if n > 1 and single and spread:
            g = speedup(single.timing, spread.timing)
            work = spread.global_batch / single.global_batch  # n for weak scaling, 1 for strong
            gains[model] = Gain(work * g.median, work * g.low, work * g.high, g.pairs)
    sizes = r.sizes(n)
    return ScalingCheck(n, mode, gains, sizes[-1] if sizes and n > 1 else None,
                        all(s.parameters_equal is not False for s in r.steps))


def verdict(r: ScalingResult, c: ScalingCheck) -> Verdict:
    """Not tested with one worker; no verdict where other processes kept the CPUs busy; otherwise every model's
    median pair at least the supporting bar, or every one under the contradicting bar, on two pairs or more: on
    GPUs weak-scaling efficiency of EFFICIENCY and NO_EFFICIENCY, the thread finding's bars at n = 2 as shares of
    the ideal n, so that one margin holds both ways at every n (a fixed 1.2× would let 8 GPUs at 15% of their ideal
    pass, and leave contradiction all but out of reach); on a CPU's split, whose ideal is 1×, the thread finding's
    own bars."""
    if not c.gains:
        return Verdict.NOT_TESTED
    if r.others_busy is not None and r.others_busy > BUSY_SHARE or not c.replicas_equal:
        return Verdict.INCONCLUSIVE
    gains, (up, down) = list(c.gains.values()), c.bars
    return decide(all(g.median >= up for g in gains), all(g.median < down for g in gains),
                  min(g.pairs for g in gains))


def _open(c: ScalingCheck) -> str:
    """Why a verdict on timings that were not disturbed is open, for a headline: on GPUs an efficiency between its
    bars is said in %, as the headline gives it."""
    return open_gain(c.gains.values(), *c.bars,
                     f"it lies between {NO_EFFICIENCY:.1%} and {EFFICIENCY:.0%}" if c.mode == "weak" else "")


def scaling_findings(r: ScalingResult) -> list[Finding]:
    """On GPUs, the claim. On a CPU the workers split the same cores, so no device was added: the lecture's claim
    is not tested, and what the split measured (DDP's cost on one machine) is a check behind it, verdict and all,
    which cannot count against a claim about added hardware."""
    if not r.steps:  # nothing was timed: the claim is still counted, as one this run could not test
        return [untested("data_parallel", CLAIM, "the scaling experiment timed no training step")]
    c = check(r)
    v = verdict(r, c)
    if v is Verdict.NOT_TESTED:
        return [_untested(r)]
    found = _words(r, c, v)
    if not r.split:
        return [found]
    return [_untested(r), replace(found, key="data_parallel_split", role="mechanism", claim=SPLIT_CLAIM, because="")]


def _devices(r: ScalingResult, n: int) -> str:
    return f"{n} worker processes" if r.split else f"{n} GPUs"


def _one(r: ScalingResult) -> str:
    return f"one process on all {r.threads} threads" if r.split else "one GPU"


def _untested(r: ScalingResult) -> Finding:
    split = r.split and r.largest > 1
    if not r.split and r.largest == 1:
        why = ("This machine has one GPU: more GPUs are needed to scale, so only world size 1 (NCCL) was timed, "
               "which shows DDP's own cost.")
    elif not r.split:
        why = (f"The step without DDP or the weak-scaling step at {r.largest} GPUs was not timed, so there is no "
               "pair to judge.")
    elif r.largest > 1:
        why = (f"On a CPU the {r.largest} workers split the same {r.threads} threads: no device was added, so the "
               "claim is not tested here. What the split measured is the check below it: the same training split "
               "among processes on the same cores, which shows what data parallelism itself costs on one machine.")
    else:
        why = f"The run has {r.threads} CPU thread(s): one worker at most, so nothing was spread."
    return Finding(key="data_parallel", driver="computation", role="claim", claim=CLAIM, verdict=Verdict.NOT_TESTED,
                   headline=("No device was added here (the workers split one CPU), so whether training spread over "
                             f"n devices reaches {EFFICIENCY:.0%} of n times one's throughput was not tested."
                             if split else
                             f"Only one worker could run here, so whether training spread over n devices reaches "
                             f"{EFFICIENCY:.0%} of n times one's throughput was not tested."),
                   evidence=_ddp_cost(r) or "Only world size 1 was timed.", why=why,
                   how_to_test=HOW_TO_TEST)


def _ddp_cost(r: ScalingResult) -> str:
    """DDP at world size 1 against no DDP, per model: what DDP itself costs."""
    words = []
    for model in r.models:
        single, ddp = r.step(model, 1, "single"), r.step(model, 1, "weak")
        if single and ddp and ddp.timing.median_s > 0:
            words.append(f"{LABELS.get(model, model)} {duration(single.timing.median_s)} without DDP, "
                         f"{duration(ddp.timing.median_s)} under DDP at world size 1")
    return f"One step on {_one(r)}: {'; '.join(words)}." if words else ""


def _series(r: ScalingResult, model: str) -> str:
    """Every world size of one model: step time, efficiency and the share of exposed communication, each scaling
    mode named."""
    parts = []
    for n in r.world_sizes[1:]:
        for mode in ("strong", "weak"):
            s = r.step(model, n, mode)
            if not s:
                continue
            share = s.exposed_share
            parts.append(f"{mode} scaling at world size {n} ({s.batch_per_worker} per worker"
                         + (f", {counted(s.threads_per_worker, 'thread')} each" if s.threads_per_worker else "")
                         + f"): {duration(s.timing.median_s)}"
                         + (f", efficiency {pct(e)}" if (e := r.efficiency(s)) is not None else "")
                         + (f", {pct(share)} of it exposed communication" if share is not None else ""))
    return f"{LABELS.get(model, model)}: " + "; ".join(parts)


def _link(r: ScalingResult, c: ScalingCheck) -> str:
    if c.link is None:
        return ""
    a = c.link
    return (f" An all-reduce of {message_size(a.bytes)} at world size {a.world_size} took {duration(a.median_s)} "
            f"(the slowest rank's; IQR {duration(a.iqr_s)}): algbw {bandwidth(a.algbw)}, busbw {bandwidth(a.busbw)}"
            + (f"; the GPUs have {r.interconnect}." if r.interconnect else "."))


def _share(c: ScalingCheck, gain: Gain) -> str:
    """A weak-scaling efficiency as a percentage, with the digits its bars need ('59.96%', not '60.0%')."""
    share = times_beside(100 * c.pair_efficiency(gain), (100 * EFFICIENCY, 100 * NO_EFFICIENCY))
    return share.removesuffix("×") + "%"


def _words(r: ScalingResult, c: ScalingCheck, v: Verdict) -> Finding:
    n, gains = c.world_size, c.gains
    lo, hi = min(gains.values(), key=lambda g: g.median), max(gains.values(), key=lambda g: g.median)
    span = (times_beside(lo.median, c.bars) if lo is hi else
            f"{times_beside(lo.median, c.bars)} to {times_beside(hi.median, c.bars)}")
    share = _share(c, lo) if lo is hi else f"{_share(c, lo)} to {_share(c, hi)}"
    bus = f"; all-reduce busbw {bandwidth(c.link.busbw)}" if c.link else ""
    busy = r.others_busy is not None and r.others_busy > BUSY_SHARE
    unequal = not c.replicas_equal
    same = f"Split among {n} processes on one CPU, the same training (global batch {r.batch_size}) ran"
    of_ideal = f"of {n} times one GPU's examples per second ({span})"
    headline = {
        Verdict.SUPPORTED: (f"{same} {span} as fast as {_one(r)}{bus}." if r.split else
                            f"Spread over {_devices(r, n)}, training reached {share} {of_ideal}{bus}."),
        Verdict.CONTRADICTED: (f"{same} " + (f"slower than {_one(r)} ({span})" if hi.median < 1 else
                                             f"no faster ({span}) than {_one(r)}") + f"{bus}." if r.split else
                               f"Spread over {_devices(r, n)}, training reached only {share} {of_ideal}{bus}."),
        Verdict.INCONCLUSIVE: (f"Not decided: other processes used {r.others_busy:.0%} of the CPUs while the "
                               f"workers were timed{bus}." if busy else
                               "Not decided: the workers' replicas ended with different parameters, so the "
                               f"exchange failed{bus}." if unequal else
                               f"Not settled whether {_devices(r, n)} train faster than {_one(r)}: {span}, and "
                               f"{_open(c)}." if r.split else
                               f"Not settled whether {n} GPUs reach {EFFICIENCY:.0%} of {n} times one GPU's "
                               f"throughput: {share} ({span}), and {_open(c)}."),
    }[v]
    listing = ", ".join(f"{LABELS.get(m, m)} {pairs_words(g, c.bars)}"
                        + ("" if r.split else f", efficiency {_share(c, g)}") for m, g in gains.items())
    judged = (f"Strong scaling (one global batch of {r.batch_size} split among the workers) at world size {n} "
              f"against {_one(r)} on the whole batch" if r.split else
              f"Weak-scaling throughput (a batch of {r.batch_size} on each worker) at world size {n} against "
              f"{_one(r)} on one such batch")
    evidence = (f"{judged}: {listing}. {_ddp_cost(r)} " + " ".join(_series(r, m) + "." for m in r.models)
                + _link(r, c))
    why = _split_rule(r, n) if r.split else _gpu_rule(r, n)
    why += (" Exposed communication is 1 − T(no_sync()) / T(synchronised step): the part of the gradient exchange "
            "not hidden behind the backward pass, with DDP's hooks; the part that overlaps computation is not in "
            "it.")
    if busy:
        why = (f"While the workers were timed, other processes used {r.others_busy:.0%} of this run's CPUs (more "
               f"than {BUSY_SHARE:.0%}): timings of a shared machine say nothing sure about its hardware, so no "
               "verdict is made. Rerun on an idle machine. ") + why
    numbers = {f"{'speedup' if r.split else 'throughput_gain'}_{m}": g.median for m, g in gains.items()}
    if not r.split:
        numbers.update({f"efficiency_{m}": c.pair_efficiency(g) for m, g in gains.items()})
    if c.link:
        numbers["busbw_bytes_per_second"] = c.link.busbw
    return Finding(key="data_parallel", driver="computation", role="claim", claim=CLAIM, verdict=v,
                   headline=headline, evidence=evidence.replace("  ", " "), why=why, numbers=numbers,
                   because=(f"spread over {_devices(r, n)}, training reached {share} {of_ideal}"
                            if v is Verdict.SUPPORTED else ""))


def _gpu_rule(r: ScalingResult, n: int) -> str:
    return (f"The verdict is made on weak scaling at world size {n}, the throughput gain n × T(1) / T(n) of {n} "
            f"workers with a batch each against {_one(r)} without DDP, over every model, and its efficiency, that gain "
            f"over the ideal {n}×: {GPU_RULE} Strong scaling (the "
            "same global batch split among the workers) is shown beside it; it gains less where each worker's share "
            "is small. More examples per second is not yet time to a target accuracy: a larger global batch may "
            "need more steps (MLPerf Training measures time to train for this reason). Efficiency is examples per "
            "second against one process without DDP times n: T(1) / (n × T(n)) for strong scaling and T(1) / T(n) "
            "for weak scaling; 100% is ideal.")


def _split_rule(r: ScalingResult, n: int) -> str:
    return (f"On a CPU this is a split of one machine, not added hardware: world size n gives each of n processes "
            f"{r.threads} / n threads of the same {r.threads}. The verdict is made on strong scaling at world size "
            f"{n}, one global batch of {r.batch_size} split among the workers, so the same training on the same "
            f"cores, T(1) / T(n) against {_one(r)} without DDP, over every model: {RULE} The ideal is 1×: only the "
            "exchange and the smaller work per process change, so a gain would come from the split itself, such as "
            "one process using its threads poorly. Weak scaling (a batch on each worker, n times the work) is shown "
            "beside it but not judged: on the same cores a larger global batch would count that poor use as a gain. "
            "Efficiency is against the split's ideal, one process's examples per second on the same cores: "
            "T(1) / T(n) for strong scaling and n × T(1) / T(n) for weak scaling; 100% is ideal. On a machine with "
            "several GPUs each worker gets a device of its own: reportgen build --device cuda there tests the claim "
            "on added hardware.")
