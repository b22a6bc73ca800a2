"""Findings of the computation experiment: parallel hardware and GPUs make a training step faster; and, as a
mechanism behind those claims with no verdict of its own, what their step times mean for one experiment of the idea,
code, experiment loop.

Timings are compared as same-round pairs: the sweep interleaves configurations, so round i of each was timed side
by side, and a verdict is made on the median pair. Each finding: the check, then the verdict, then the words.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportgen.findings.gains import (
    GPU_GAIN,
    TWICE_BARS,
    TWICE_FLOOR,
    TWICE_RULE,
    Gain,
    near_twice,
    open_gain,
    pairs_words,
    speedup,
    twice_at_every_batch,
    twice_open,
)
from reportgen.findings.precision import MATRIX_CLAIM, matrix_check, matrix_finding, matrix_lesson
from reportgen.findings.verdicts import Finding, Verdict, decide, untested
from reportgen.fmt import and_list, config_label, duration, times_beside
from reportgen.learners import LABELS
from reportgen.records.compute import ComputeResult, StepTime

THREAD_GAIN = 1.2  # a speed-up below this is no real gain from more threads
NO_GAIN = 1.05  # a median speed-up below this is no gain at all
BUSY_SHARE = 0.15  # other processes using more of the run's CPUs than this while timing: no timing verdict
GAIN_BARS = (THREAD_GAIN, NO_GAIN)
GAIN_RULE = (f"a median same-round pair of at least {THREAD_GAIN:g}× for all of them, or under {NO_GAIN:g}× for all "
             f"of them; otherwise it depends on the model.")
GPU_CLAIM = "A GPU trains large models much faster than a CPU."
THREADS_CLAIM = "Parallel hardware makes a training step faster."
LOOP_CLAIM = ("One experiment of the idea, code, experiment loop takes its steps times the step time, so "
              "a faster step shortens it in proportion.")


@dataclass(frozen=True)
class ComputeFindings:
    """What the findings layer says of the computation experiment: the findings, the wall time of one
    experiment on each configuration, slowest first (the loop table), and the section's lesson on matrix units
    ("" where nothing was timed in both precisions on one device)."""

    findings: list[Finding]
    loop_times: list[tuple[str, float]]
    lesson: str = ""


def compute_findings(r: ComputeResult, sweep: list[int] | None = None,
                     train_batch: int | None = None) -> ComputeFindings:
    """sweep: the steps each fit of the learning curve's largest net took, where the computation experiment timed
    that net at its budget (else empty); train_batch: the batch the battery trains with (the data-scale
    experiment's), where the verdicts are made."""
    if not r.steps:  # nothing was timed: each claim is still counted, as one this run could not test
        none = "the computation experiment timed no training step"
        return ComputeFindings([untested("threads_speedup", THREADS_CLAIM, none),
                                untested("gpu_speedup", GPU_CLAIM, none),
                                untested("matrix_hardware", MATRIX_CLAIM, none)], [])
    models = sorted({s.model for s in r.steps}, key=lambda m: max(s.parameters for s in r.steps if s.model == m))
    matrix = matrix_check(r)
    out = [f for f in (_threads_finding(r, models, train_batch), _gpu_finding(r, models, train_batch),
                       matrix_finding(r, matrix), _loop_finding(r, models, sweep or [], train_batch)) if f]
    busy = r.others_busy is not None and r.others_busy > BUSY_SHARE
    if busy:
        shared = (f"While these steps were timed, other processes used {r.others_busy:.0%} of this run's CPUs "
                  f"(more than {BUSY_SHARE:.0%}): timings of a shared machine say nothing sure about its hardware, "
                  "so this run decides nothing about computation. Rerun on an idle machine. ")
        out = [f if not f.verdict.tested else
               replace(f, verdict=Verdict.INCONCLUSIVE, why=shared + f.why, because="",
                       headline=f"Not decided: other processes used {r.others_busy:.0%} of the CPUs while this "
                                "was timed, so the timings are of a shared machine.")
               for f in out]
    batch = _the_batch(r, train_batch)[0]
    decided = next((f.verdict for f in out if f.key == "matrix_hardware"), None)
    return ComputeFindings(out, loop_times(r, r.largest_model, batch),
                           matrix_lesson(r, matrix, decided, r.others_busy if busy else None))


def _the_batch(r: ComputeResult, train_batch: int | None) -> tuple[int, str]:
    batches = sorted({s.batch_size for s in r.steps})
    if train_batch in batches:
        return train_batch, f"the battery's training batch ({train_batch})"
    return batches[0], f"batch {batches[0]}, the smallest timed"


def _gain_verdict(gains: list[Gain]) -> Verdict:
    """Real where the median same-round pair reaches THREAD_GAIN for every workload compared; no gain where it is
    under NO_GAIN for all of them. The median, not the worst pair: one disturbed round must not decide, and more
    rounds must not make a steady gain harder to show. The pairs are the repeats a verdict rests on: a single
    round decides nothing."""
    return decide(all(g.median >= THREAD_GAIN for g in gains), all(g.median < NO_GAIN for g in gains),
                  min(g.pairs for g in gains))


def _which_won(gains: dict[str, Gain]) -> str:
    """Which models' median same-round pair cleared THREAD_GAIN, which fell under NO_GAIN, and which sat between."""
    won = [LABELS[m] for m, g in gains.items() if g.median >= THREAD_GAIN]
    lost = [LABELS[m] for m, g in gains.items() if g.median < NO_GAIN]
    rest = [LABELS[m] for m, g in gains.items() if NO_GAIN <= g.median < THREAD_GAIN]
    words = []
    if won:
        words.append(f"at least {THREAD_GAIN:g}× for {and_list(won)}")
    if lost:
        words.append(f"under {NO_GAIN:g}× for {and_list(lost)}")
    if rest:
        words.append(f"between the two for {and_list(rest)}")
    return "the median pair is " + "; ".join(words)


def _threads_finding(r: ComputeResult, models: list[str], train_batch: int | None) -> Finding:
    if r.threads < 2:
        return untested("threads_speedup", THREADS_CLAIM, "this run had 1 CPU thread, so no more threads could be "
                        "set against 1", "reportgen build --threads 2 (or more) on a machine with two or more cores")
    batch, words = _the_batch(r, train_batch)
    gains: dict[int, dict[str, Gain]] = {}
    for m in models:
        for b in sorted({s.batch_size for s in r.steps}):
            one, full = r.step(m, b, "cpu", threads=1), r.step(m, b, "cpu", threads=r.threads)
            if one and full and one.timing and full.timing:
                gains.setdefault(b, {})[m] = speedup(one.timing, full.timing)
    if batch not in gains:
        return untested("threads_speedup", THREADS_CLAIM, f"no training step was timed both on 1 thread and on all "
                        f"{r.threads} at batch {batch}")
    at = gains[batch]
    listing = "; ".join(f"at batch {b}: " + ", ".join(f"{LABELS[m]} {pairs_words(gain, GAIN_BARS)}"
                                                      for m, gain in by.items())
                        for b, by in sorted(gains.items(), key=lambda kv: kv[0] != batch))
    verdict = _gain_verdict(list(at.values()))
    lo, hi = min(at.values(), key=lambda g: g.median), max(at.values(), key=lambda g: g.median)
    low, high = times_beside(lo.median, GAIN_BARS), times_beside(hi.median, GAIN_BARS)
    span = low if low == high else f"{low} to {high}"  # not '1.9× to 1.9×' where two models round alike
    headline = {
        Verdict.SUPPORTED: f"{r.threads} CPU threads made a training step {span} faster than 1 thread, for every "
                           f"model at batch {batch}.",
        Verdict.CONTRADICTED: f"{r.threads} CPU threads made a training step no faster than 1 thread ({span}) at "
                              f"batch {batch}.",
        Verdict.INCONCLUSIVE: f"Not settled whether more CPU threads speed up training: {r.threads} threads gave "
                              f"{span} against 1 at batch {batch}, and {open_gain(at.values(), THREAD_GAIN, NO_GAIN)}.",
    }[verdict]
    return Finding(
        key="threads_speedup", driver="computation", role="claim",
        claim=THREADS_CLAIM, verdict=verdict, headline=headline,
        evidence=f"A training step on {r.threads} CPU threads against 1, {listing}.",
        why=f"The verdict is made at {words} over every model: {GAIN_RULE} There, {_which_won(at)}. "
            f"The ideal with {r.threads} threads is {r.threads}×.",
        numbers={f"speedup_{m}": g.median for m, g in at.items()},
        because=f"{r.threads} CPU threads made a training step {span} faster" if verdict is Verdict.SUPPORTED else "")


def _gpu_finding(r: ComputeResult, models: list[str], train_batch: int | None) -> Finding:
    """The GPU against all CPU threads for every model, at the battery's training batch (where it was timed, else
    the smallest timed) and at the largest: a GPU that wins only at a batch nobody trains with has not made the
    lecture's point. The verdict is the largest model's, and it must hold at both batches."""
    biggest = r.largest_model
    gpu = next((d for d in r.devices if d != "cpu"), None)
    if gpu is None:
        return Finding(key="gpu_speedup", driver="computation", role="claim", claim=GPU_CLAIM,
                       verdict=Verdict.NOT_TESTED,
                       headline="No GPU was timed in this run, so whether a GPU trains large models much faster "
                                "was not tested here.",
                       evidence="No GPU was timed in this run, so the claim could not be tested here.",
                       why=f"The claim is judged on the {LABELS[biggest]}, the GPU against all the CPU's threads: "
                           f"{TWICE_RULE}.",
                       how_to_test=(f"Run reportgen build --device cuda on a machine with an NVIDIA GPU (or compare "
                                    "this report with one from such a machine: reportgen compare). A training step of "
                                    f"the {LABELS[biggest]} at least {GPU_GAIN:g}× faster than all the CPU's threads, "
                                    "at the training batch and at the largest, would support it; Raina et al. (2009) "
                                    "published up to 70× for deep belief nets on a GPU against a dual-core CPU, and "
                                    "small nets often gain nothing."))
    train = _the_batch(r, train_batch)[0]
    largest = max(s.batch_size for s in r.steps)
    gains: dict[int, dict[str, Gain]] = {}
    for batch in dict.fromkeys([train, largest]):
        pairs = [(m, r.step(m, batch, "cpu", threads=r.threads), r.step(m, batch, gpu)) for m in models]
        timed = {m: speedup(cpu.timing, acc.timing) for m, cpu, acc in pairs
                 if cpu and acc and cpu.timing and acc.timing}
        if timed:
            gains[batch] = timed
    if not gains:
        return untested("gpu_speedup", GPU_CLAIM, f"no training step was timed both on {gpu} and on the CPU's "
                        f"{r.threads} threads at batch {train} or {largest}")
    by_batch, verdict = twice_at_every_batch({b: timed.get(biggest) for b, timed in gains.items()})
    name = {train: "the battery's training batch" if train == train_batch else "the smallest timed",
            largest: "the largest timed"} if len(gains) > 1 else {}
    at = {b: f"batch {b}" + (f" ({name[b]})" if b in name else "") for b in gains}
    bars = TWICE_BARS
    evidence = (f"Speed-up of one fp32 training step on {gpu} over the CPU with {r.threads} threads, "
                + "; ".join(f"at {at[b]}: " + ", ".join(f"{LABELS[m]}: {pairs_words(gain, bars)}"
                                                        for m, gain in timed.items())
                            for b, timed in gains.items()) + ".")
    why = " ".join(f"At {at[b]}: {_crossover(models, timed)}" for b, timed in gains.items())
    why += (f" The verdict is the {LABELS[biggest]}'s: {TWICE_RULE}"
            + ("; it must be the same at both batches." if len(gains) > 1 else "."))
    why += _gpu_undecided(by_batch, {b: timed.get(biggest) for b, timed in gains.items()}, at, LABELS[biggest])
    big = {b: timed[biggest] for b, timed in gains.items() if biggest in timed}
    said = and_list([f"{times_beside(g.median, bars)} at batch {b}" for b, g in big.items()])
    headline = {
        Verdict.SUPPORTED: f"The GPU trained the {LABELS[biggest]} much faster than the CPU: {said}.",
        Verdict.CONTRADICTED: f"The GPU was not much faster than the CPU for the {LABELS[biggest]}: {said}.",
        Verdict.INCONCLUSIVE: f"Not settled whether the GPU trains the {LABELS[biggest]} much faster: "
                              + (f"{said}, " if said else "") + f"and {twice_open(by_batch, big)}.",
    }[verdict]
    numbers = {f"speedup_{m}_batch_{b}": g.median for b, timed in gains.items() for m, g in timed.items()}
    numbers.update({f"speedup_{m}": g.median for m, g in gains[max(gains)].items()})
    return Finding(key="gpu_speedup", driver="computation", role="claim", claim=GPU_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers=numbers,
                   because=f"a GPU trained the {LABELS[biggest]} {said} faster" if verdict is Verdict.SUPPORTED else "")


def _gpu_undecided(by_batch: dict[int, Verdict], gains: dict[int, Gain | None], at: dict[int, str],
                   model: str) -> str:
    """Why the GPU verdict is inconclusive, where it is: the model untimed, a single round or unpaired rounds, or
    the batches disagreeing."""
    words = []
    for b, v in by_batch.items():
        if gains[b] is None:
            words.append(f"At {at[b]} the {model} was not timed on both devices.")
        elif near_twice(gains[b]):
            words.append(f"At {at[b]} the {model}'s median pair, {times_beside(gains[b].median, TWICE_BARS)}, lies "
                         f"between {TWICE_FLOOR:g}× and {GPU_GAIN:g}×, within the noise of the bar.")
        elif v is Verdict.INCONCLUSIVE:
            words.append(f"At {at[b]} the {model}'s timings are a single round or rounds that could not be "
                         "paired, which decide nothing.")
    decided = {b: v for b, v in by_batch.items() if v is not Verdict.INCONCLUSIVE}
    if len(set(decided.values())) > 1:
        words.append("The batches disagree: " + ", ".join(f"{v.value} at {at[b]}" for b, v in decided.items()) + ".")
    return "".join(" " + w for w in words)


def _crossover(models: list[str], timed: dict[str, Gain]) -> str:
    """From which model size on the GPU was faster (models smallest first)."""
    faster = [m for m in models if m in timed and timed[m].median > 1]
    if not faster:
        return "the GPU was faster for none of the models timed."
    if all(timed[m].median > 1 for m in models[models.index(faster[0]):] if m in timed):
        return f"the GPU was faster from the {LABELS[faster[0]]} on."
    return f"the GPU was faster for: {', '.join(LABELS[m] for m in faster)}."


# --- the idea, code, experiment loop ---------------------------------------------------------------------------

def loop_times(r: ComputeResult, model: str, batch: int | None = None) -> list[tuple[str, float]]:
    """(configuration, seconds for one experiment of `loop_steps` steps) at the batch (default: the smallest timed),
    slowest first."""
    return [(config_label(s.device, s.precision, s.threads), r.loop_steps * s.timing.median_s)
            for s in _loop_steps(r, model, batch)]


def _loop_steps(r: ComputeResult, model: str, batch: int | None = None) -> list[StepTime]:
    return r.timed_steps(model, batch or min(s.batch_size for s in r.steps))


def _loop_ends(r: ComputeResult, model: str, batch: int) -> tuple[StepTime, StepTime | None] | None:
    """The base, the CPU in fp32 on all its threads, and the fastest other kind of hardware timed (a GPU, a bf16
    unit; None where there is none). All threads, not 1: the gain from more threads is the thread finding's, and
    counted here again it would let a bf16 unit no faster than fp32 pass as faster hardware. The fastest other
    kind, not the fastest of all: whether a step of another kind came out a little faster or a little slower than
    the base must not decide whether the claim is tested."""
    base = r.step(model, batch, "cpu", "fp32", r.threads)
    if not base or not base.timing:
        return None
    other = [s for s in _loop_steps(r, model, batch) if (s.device, s.precision) != ("cpu", "fp32")]
    return base, other[-1] if other else None


def _sweep_words(r: ComputeResult, sweep: list[int], slow: float, fast: float | None) -> str:
    """What the learning curve's fits of the largest net cost on the base and on the other kind of hardware (None:
    none was timed), from the steps they took (the stop rule may end a fit before its budget)."""
    if len(sweep) < 2:
        return ""
    total, full = sum(sweep), len(sweep) * r.loop_steps
    steps = (f"{total:,} steps in all" + (f", not {full:,}: the stop rule ended some fits early" if total < full
                                           else ""))
    return (f" The learning curve's {len(sweep)} fits of this net ({steps}) take {duration(slow * total / r.loop_steps)}"
            + (f" against {duration(fast * total / r.loop_steps)}." if fast is not None else "."))


def _loop_finding(r: ComputeResult, models: list[str], sweep: list[int], train_batch: int | None) -> Finding | None:
    """The largest model's experiment in wall time: the CPU in fp32 on all threads against the fastest other kind of
    hardware timed. A mechanism behind the hardware claims that states a measurement and takes no verdict of its
    own (NOT_TESTED, 'a pair judged already'): one experiment's time is its steps times the step time, so its
    ratio between two kinds of hardware is their step's ratio, and that pair is the hardware findings' to judge
    (the GPU finding's, the GPU in fp32 against the CPU's threads; the matrix finding's, bf16 against fp32; the
    thread finding's, on a CPU timed in fp32 alone). Judged here again, at any bar, one measurement would count
    twice, and at a bar of its own it could hold where the claim it restates failed. Inheriting that claim's verdict
    instead would not fit every pair (the GPU in bf16 is the product of two claims' gains) and would put "much
    faster" under words that say "shorter": the loop's words are arithmetic, so they carry no verdict."""
    batch, words = _the_batch(r, train_batch)
    model = r.largest_model
    ends = _loop_ends(r, model, batch)
    if not ends or not r.loop_steps:
        return None
    base, best = ends
    slow_label, slow = config_label("cpu", "fp32", r.threads), r.loop_steps * base.timing.median_s
    experiment = f"one experiment ({r.loop_steps:,} steps of the {LABELS[model]})"
    table = ("Computed from the measured median step times; data loading and evaluation are not included. "
             + ", ".join(f"{label}: {duration(t)}" for label, t in loop_times(r, model, batch)) + ".")
    if best is None:
        return Finding(
            key="iteration_loop", driver="computation", role="mechanism", claim=LOOP_CLAIM,
            verdict=Verdict.NOT_TESTED,
            headline=f"In the loop's units: {experiment} takes {duration(slow)} on {slow_label}; no GPU or bf16 "
                     "unit was timed beside it.",
            evidence=f"One experiment ({r.loop_steps:,} training steps of the {LABELS[model]}, batch {batch}) takes "
                     f"{duration(slow)} on {slow_label}; no GPU or bf16 unit was timed."
                     + _sweep_words(r, sweep, slow, None),
            why="One experiment's time is its steps times the step time, so it adds no test of its own to the step "
                "times it is computed from; only the CPU's thread counts in fp32 were timed here, which the thread "
                "finding already judges. " + table,
            numbers={"base_seconds": slow})
    gain = speedup(base.timing, best.timing)
    fast_label, fast = config_label(best.device, best.precision, best.threads), r.loop_steps * best.timing.median_s
    others = {LABELS[m]: speedup(e[0].timing, e[1].timing) for m in models if m != model
              and (e := _loop_ends(r, m, batch)) and e[1]}
    evidence = (f"One experiment ({r.loop_steps:,} training steps of the {LABELS[model]}, batch {batch}) takes "
                f"{duration(slow)} on {slow_label} and {duration(fast)} on {fast_label}, a ratio of "
                f"{pairs_words(gain, ())}." + _sweep_words(r, sweep, slow, fast)
                + (" Other models, the fastest other kind of hardware against the CPU in fp32 on all threads: "
                   + ", ".join(f"{label} {pairs_words(g, ())}" for label, g in others.items()) + "."
                   if others else ""))
    why = (f"The {LABELS[model]}'s experiment at {words}: the fastest kind of hardware timed other than the CPU in "
           f"fp32 ({fast_label}) against the CPU in fp32 on all {r.threads} threads. One experiment's time is its "
           "steps times the step time, so its ratio is the step's, a pair the hardware findings judge (the GPU "
           "finding the GPU in fp32 against the CPU, the matrix finding bf16 against fp32): this check states it "
           "in the loop's units and takes no verdict of its own, so that one measurement is not counted twice. "
           + table)
    return Finding(key="iteration_loop", driver="computation", role="mechanism", claim=LOOP_CLAIM,
                   verdict=Verdict.NOT_TESTED,
                   headline=f"In the loop's units: {experiment} takes {duration(slow)} on {slow_label} and "
                            f"{duration(fast)} on {fast_label}.",
                   evidence=evidence, why=why,
                   numbers={"loop_gain": gain.median, "base_seconds": slow, "fastest_seconds": fast})
