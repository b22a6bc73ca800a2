"""Findings on lower precision: bf16 hardware (a GPU's tensor cores, a CPU's AMX tiles, or the bf16 dot-product
instructions of AVX-512 BF16 and Arm) makes a training step faster in bf16 than in fp32, and what that bf16 training
costs in accuracy. Each: check, verdict, words."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from reportgen.findings.data_scale import across
from reportgen.findings.gains import (
    GPU_GAIN,
    TWICE_BARS,
    TWICE_FLOOR,
    TWICE_RULE,
    Gain,
    near_twice,
    pairs_words,
    speedup,
    twice_at_every_batch,
    twice_open,
)
from reportgen.findings.verdicts import Finding, Verdict, decide
from reportgen.fmt import and_list, points, said_points, times, times_beside
from reportgen.learners import LABELS
from reportgen.records.compute import ComputeResult
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import Spread, mean_interval

MATRIX_CLAIM = "Matrix hardware makes a training step much faster: bf16 at least twice as fast as fp32."
BARS = TWICE_BARS
KEEP_MARGIN = 0.01  # the most test accuracy bf16 training may cost against fp32 for the claim to hold
MARGIN_WORDS = "1 point"  # KEEP_MARGIN in words
ACCURACY_CLAIM = f"Training under bf16 autocast costs at most {MARGIN_WORDS} of fp32's test accuracy."
TILE_UNITS = ("AMX",)  # CPU units that multiply tiles of numbers per instruction; AVX-512 BF16 and Arm BF16 are
# vector instructions (dot products along a vector), not tile units


@dataclass(frozen=True)
class MatrixCheck:
    """bf16 against fp32 on one device: the step gains per batch and model, and the matrix-product peaks."""

    device: str  # "cpu" or the GPU
    unit_name: str | None  # the CPU's bf16 unit (AMX, AVX-512 BF16, Arm BF16); None on a GPU or where not recorded
    gains: dict[int, dict[str, Gain]]  # batch -> model -> fp32 time / bf16 time, same-round pairs
    peaks: dict[str, float]  # precision -> the highest GFLOP/s of its matrix-product sweep on that device

    @property
    def unit(self) -> str:
        """What multiplies in bf16 there, in words: 'tensor cores', 'AMX unit'."""
        return "tensor cores" if self.device != "cpu" else f"{self.unit_name or 'bf16'} unit"

    @property
    def tiles(self) -> bool:
        """Whether the unit multiplies whole tiles of numbers per instruction (tensor cores, AMX), rather than dot
        products along a vector."""
        return self.device != "cpu" or self.unit_name in TILE_UNITS

    @property
    def peak_ratio(self) -> float | None:
        """The matrix product's bf16 peak over its fp32 peak (None: not both timed)."""
        fp32, bf16 = self.peaks.get("fp32"), self.peaks.get("bf16")
        return bf16 / fp32 if fp32 and bf16 is not None else None


def matrix_check(r: ComputeResult) -> MatrixCheck | None:
    """The GPU where it was timed in bf16 (its tensor cores), else the CPU on all its threads (its bf16 unit);
    None where neither was timed in both precisions."""
    gpu = next((d for d in r.devices if d != "cpu"
                and any(s.device == d and s.precision == "bf16" and s.timing for s in r.steps)), None)
    device, threads = (gpu, None) if gpu else ("cpu", r.threads)
    models = sorted({s.model for s in r.steps}, key=lambda m: max(s.parameters for s in r.steps if s.model == m))
    gains: dict[int, dict[str, Gain]] = {}
    for b in sorted({s.batch_size for s in r.steps}):
        for m in models:
            fp32, bf16 = r.step(m, b, device, "fp32", threads), r.step(m, b, device, "bf16", threads)
            if fp32 and bf16 and fp32.timing and bf16.timing:
                gains.setdefault(b, {})[m] = speedup(fp32.timing, bf16.timing)
    if not gains:
        return None
    peaks = {}
    for p in ("fp32", "bf16"):
        found = [x.gflops for x in r.matmuls if x.device == device and x.precision == p
                 and x.threads == threads and x.gflops is not None]
        if found:
            peaks[p] = max(found)
    return MatrixCheck(device, None if gpu else r.bf16_unit, gains, peaks)


def matrix_finding(r: ComputeResult, check: MatrixCheck | None) -> Finding | None:
    """check: matrix_check(r), made once for this finding and the section's lesson."""
    if not r.steps:
        return None
    biggest = r.largest_model
    if check is None:
        reason = r.bf16_not_timed or "bf16 was not timed in both precisions on one device in this run"
        return Finding(
            key="matrix_hardware", driver="computation", role="claim", claim=MATRIX_CLAIM, verdict=Verdict.NOT_TESTED,
            headline="Not tested: nothing here was timed in bf16 on a native matrix unit, so bf16 against fp32 "
                     "could not be compared.",
            evidence=f"{reason}.",  # reasons begin with "bf16", written in lower case as its name is
            why=f"The claim is judged on the {LABELS[biggest]} at each batch size, bf16 against fp32: {TWICE_RULE}.",
            how_to_test=("Run reportgen build on a CPU with a bf16 matrix unit (amx_bf16 or avx512_bf16 in "
                         "/proc/cpuinfo: Intel Xeon from Sapphire Rapids on, AMD Zen 4; bf16 on Arm), or "
                         "reportgen build --device cuda on an NVIDIA GPU with tensor cores. A bf16 step of the "
                         f"{LABELS[biggest]} at least {GPU_GAIN:g}× faster than fp32 at every batch would support it; "
                         "vendors describe these units as running bf16 matrix products several times faster than "
                         "fp32, and small matrices gain less."))
    big = {b: by.get(biggest) for b, by in check.gains.items()}
    by_batch, verdict = twice_at_every_batch(big)
    # A clean split: decided both ways at different batches, every batch decided. Matrix units gain with bigger
    # matrices, so this is the common outcome on a CPU, and the words say where each way came out.
    split = set(by_batch.values()) == {Verdict.SUPPORTED, Verdict.CONTRADICTED}
    where = "the CPU" if check.device == "cpu" else check.device
    said = and_list([f"{times_beside(g.median, BARS)} at batch {b}" for b, g in big.items() if g])
    headline = {
        Verdict.SUPPORTED: f"bf16 on {where}'s {check.unit} ran the {LABELS[biggest]}'s training step at least "
                           f"twice as fast as fp32: {said}.",
        Verdict.CONTRADICTED: f"bf16 on {where} did not make the {LABELS[biggest]}'s training step twice as fast as "
                              f"fp32: {said}.",
        Verdict.INCONCLUSIVE: (f"bf16 on {where} doubled the {LABELS[biggest]}'s training speed at "
                               f"{_batches(by_batch, Verdict.SUPPORTED)} but not at "
                               f"{_batches(by_batch, Verdict.CONTRADICTED)}: {said}." if split else
                               f"Not settled whether bf16 on {where} doubles the {LABELS[biggest]}'s training speed: "
                               + (f"{said}, " if said else "") + f"and {twice_open(by_batch, big)}."),
    }[verdict]
    listing = "; ".join(f"at batch {b}: " + ", ".join(f"{LABELS[m]} {pairs_words(g, BARS)}" for m, g in by.items())
                        for b, by in check.gains.items())
    evidence = (f"Speed-up of one training step in bf16 (autocast) over fp32 on {where}"
                + (f" with {r.threads} threads" if check.device == "cpu" else "") + f", {listing}." + _peaks(check))
    why = (f"The verdict is the {LABELS[biggest]}'s at each batch size and must be the same at all of them: "
           f"{TWICE_RULE} (the rule of the GPU claim). Both precisions ran on {where}, side by side in each round; "
           "bf16 means the forward pass under autocast, with weights, gradients and Adam in fp32.")
    undecided = [b for b, v in by_batch.items() if v is Verdict.INCONCLUSIVE]
    if undecided and verdict is Verdict.INCONCLUSIVE:
        near = [b for b in undecided if near_twice(big[b])]
        rest = [b for b in undecided if b not in near]
        if near:
            why += (" Undecided at " + and_list([f"batch {b}" for b in near]) + f": the median pair lies between "
                    f"{TWICE_FLOOR:g}× and {GPU_GAIN:g}×, within the noise of the bar.")
        if rest:
            why += (" Undecided at " + and_list([f"batch {b}" for b in rest])
                    + ": a single round, rounds that could not be paired, or the model untimed.")
    numbers = {f"bf16_speedup_{m}_batch_{b}": g.median for b, by in check.gains.items() for m, g in by.items()}
    numbers.update({f"{p}_peak_gflops": v for p, v in check.peaks.items()})
    return Finding(key="matrix_hardware", driver="computation", role="claim", claim=MATRIX_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers=numbers,
                   because=(f"bf16 on {where}'s {check.unit} made the {LABELS[biggest]}'s training step faster "
                            f"than fp32 by {said}" if verdict is Verdict.SUPPORTED else ""))


def _peaks(check: MatrixCheck) -> str:
    if len(check.peaks) < 2:
        return ""
    fp32, bf16 = check.peaks["fp32"], check.peaks["bf16"]
    return (f" The matrix product peaked at {fp32:,.0f} GFLOP/s in fp32 and {bf16:,.0f} GFLOP/s in bf16 "
            f"({times_beside(bf16 / fp32, BARS) if fp32 > 0 else 'n/a'}).")


@dataclass(frozen=True)
class AccuracyCheck:
    """bf16 test accuracy minus fp32's, paired by seed at one m (the same examples, initialisation and
    minibatches), and the 95% interval of the mean difference from the seeds' spread of it (Student's t): the noise
    of the paired difference, in which what the two nets share cancels, not that of one accuracy."""

    label: str
    m: int
    diff: Spread  # the per-seed differences
    low: float  # the interval of their mean; the mean itself with one seed
    high: float
    fp32: Spread
    bf16: Spread
    sd: float = 0.0  # the per-seed differences' standard deviation, the seeds' spread the interval is made from


def accuracy_check(r: DataScaleResult) -> AccuracyCheck | None:
    """None where no bf16 fit has an fp32 pair."""
    m, learner = r.bf16_fits[0].m, r.bf16_fits[0].learner
    fp32 = {f.seed: f for f in r.fits if f.learner == learner and f.m == m}
    pairs = [(b, fp32[b.seed]) for b in r.bf16_fits if (b.learner, b.m) == (learner, m) and b.seed in fp32]
    if not pairs:
        return None
    diffs = [b.test_accuracy - a.test_accuracy for b, a in pairs]
    diff = Spread.of(diffs)
    sd = statistics.stdev(diffs) if len(diffs) > 1 else 0.0
    low, high = mean_interval(diffs) or (diff.mean, diff.mean)
    return AccuracyCheck(LABELS.get(learner, learner), m, diff, low, high,
                         Spread.of([a.test_accuracy for _, a in pairs]), Spread.of([b.test_accuracy for b, _ in pairs]),
                         sd)


def accuracy_verdict(c: AccuracyCheck) -> Verdict:
    """One-sided, as the claim is: kept (bf16 cost at most KEEP_MARGIN) where the interval's low end is above
    -KEEP_MARGIN, lost (it cost more) where its high end is below it. One bound and one margin both ways, so each side
    needs the same clearance from it, a steady loss in every seed is lost however small its spread, and a gain is
    no cost. A single seed has no spread and decides nothing."""
    return decide(c.low > -KEEP_MARGIN, c.high < -KEEP_MARGIN, c.diff.n)


def _signed(x: float) -> str:
    """A difference of accuracies with its sign: '+0.3 points', '-2.2 points', never '-0.0 points'."""
    text = points(x)
    return text if text.startswith("-") else f"+{text}"


def _beside_margin(x: float) -> str:
    """An end of the interval in points with two decimals, or more where two would put it on the other side of
    -KEEP_MARGIN from where it lies ('-1.004', not '-1.00'); never '-0.00'."""
    bar = -100 * KEEP_MARGIN
    for digits in (2, 3, 4):
        text = f"{100 * x:.{digits}f}"
        if (float(text) > bar) == (100 * x > bar) and (float(text) < bar) == (100 * x < bar):
            break
    return "0.00" if float(text) == 0 else text


def bf16_accuracy_finding(r: DataScaleResult) -> Finding | None:
    if not r.bf16_fits and not r.bf16_not_run:
        return None
    if not r.bf16_fits:
        return Finding(key="bf16_accuracy", driver="computation", role="control", claim=ACCURACY_CLAIM,
                       verdict=Verdict.NOT_TESTED,
                       headline="Not tested: the large MLP was not trained in bf16 here.",
                       evidence=f"The bf16 accuracy check was {r.bf16_not_run}.",
                       how_to_test=("Run reportgen build on a CPU with a bf16 matrix unit (amx_bf16 or avx512_bf16, "
                                    "or bf16 on Arm), with data_scale.bf16_m set in the profile. A 95% interval of "
                                    "the mean paired difference (bf16 minus fp32, by seed) whose low end is above "
                                    f"-{MARGIN_WORDS} would support it; mixed precision is widely reported to match "
                                    "fp32 accuracy."))
    c = accuracy_check(r)
    if c is None:
        return None
    verdict = accuracy_verdict(c)
    change = _signed(c.diff.mean)
    at = f"against fp32 at m = {c.m:,}"
    headline = {
        Verdict.SUPPORTED: f"Training the {c.label} under bf16 autocast cost at most {MARGIN_WORDS} of test accuracy: "
                           f"{change} {at}.",
        Verdict.CONTRADICTED: f"Training the {c.label} under bf16 autocast cost more than {MARGIN_WORDS} of test "
                              f"accuracy: {change} {at}.",
        Verdict.INCONCLUSIVE: f"Not settled whether bf16 training costs the {c.label} more than {MARGIN_WORDS} of "
                              f"accuracy: {change} {at}.",
    }[verdict]
    spread = (f"; the differences' standard deviation across seeds is {100 * c.sd:.2f} points, and the 95% "
              "interval of their mean from it is "
              f"{_beside_margin(c.low)} to {_beside_margin(c.high)} points" if c.diff.n > 1 else "")
    evidence = (f"Test accuracy of the {c.label} at m = {c.m:,}: fp32 {100 * c.fp32.mean:.1f}%, bf16 autocast "
                f"{100 * c.bf16.mean:.1f}%; bf16 minus fp32 {change}{across(c.diff)}, paired by seed (the same "
                f"examples, initialisation and minibatches){spread}."
                + (f" The check was {r.bf16_not_run}." if r.bf16_not_run else ""))
    why = (f"The claim is one-sided: kept means the low end of the 95% interval of the mean paired difference "
           f"(Student's t over the seeds' differences) is above -{MARGIN_WORDS}, so bf16 cost at most that; lost "
           f"means its high end is below -{MARGIN_WORDS}, so it cost more; one bound both ways, and a gain is no "
           "cost. A single seed decides nothing. The pairing cancels what the two nets share, so the interval is the "
           "difference's own noise, not that of one accuracy, and a loss steady in every seed counts as a loss. "
           + (f"Its half-width is t times the seeds' standard deviation over the square root of their number, here "
              f"{100 * (c.high - c.low) / 2:.2f} points with {c.diff.n} seeds, so the seeds' spread decides how near "
              f"-{MARGIN_WORDS} a verdict can be made. " if c.diff.n > 1 else "")
           + "The seeds share one test set, so the interval holds for these nets on it. Both nets are evaluated in "
           "fp32.")
    return Finding(key="bf16_accuracy", driver="computation", role="control", claim=ACCURACY_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={"bf16_minus_fp32": c.diff.mean, "interval_low": c.low, "interval_high": c.high,
                            "seed_sd": c.sd},
                   because=(f"bf16 training cost the {c.label} at most {MARGIN_WORDS} of accuracy ({change})"
                            if verdict is Verdict.SUPPORTED else ""))


def cost_words(lost: Finding) -> str:
    """What bf16 training cost, from a contradicted bf16_accuracy finding, to be said beside a speed it bought:
    'bf16 training lost 2.2 points of test accuracy'."""
    return f"bf16 training lost {said_points(-lost.numbers['bf16_minus_fp32'])} of test accuracy"


def _batches(by_batch: dict[int, Verdict], verdict: Verdict) -> str:
    found = [b for b, v in by_batch.items() if v is verdict]
    return ("batch " if len(found) == 1 else "batches ") + and_list([str(b) for b in found])


def matrix_lesson(r: ComputeResult, check: MatrixCheck | None, verdict: Verdict | None,
                  busy: float | None = None) -> str:
    """Two to four plain sentences for the computation section: what the bf16 unit is and why lower precision can
    be faster, told with this run's numbers, each chosen by what they show. verdict: the matrix finding's, which
    picks what the step's gain is said to show; busy: the share of the CPUs other processes used where the busy
    rule left it undecided, said before the numbers ("" where nothing was timed in both precisions on one
    device)."""
    if check is None or not r.steps:
        return ""
    words = [_unit_words(check)]
    if busy is not None:
        words.append(f"Other processes used {busy:.0%} of the CPUs while this run's numbers were timed, so those that "
                     "follow are of a shared machine and decide nothing.")
    ratio = check.peak_ratio
    why = ("bf16 keeps fp32's range but only 8 bits of precision, so a number takes half the memory and the unit can "
           "fit more multiplications into each step of its clock")
    peaks = (f"{check.peaks['bf16']:,.0f} GFLOP/s in bf16 against {check.peaks['fp32']:,.0f} in fp32 ({times(ratio)})"
             if ratio is not None else "")
    words.append(why + ("." if ratio is None else f": here a matrix product peaked at {peaks}." if ratio > 1 else
                        f"; here, though, a matrix product was no faster in bf16: it peaked at {peaks}."))
    biggest = r.largest_model
    gains = {b: by[biggest] for b, by in check.gains.items() if biggest in by}
    if gains:
        low, high = min(g.median for g in gains.values()), max(g.median for g in gains.values())
        span = times(low) if times(low) == times(high) else f"{times(low)} to {times(high)}"
        less = (", less than the matrix product alone gained: a step also applies activations, the loss and the Adam "
                "update, which stay in fp32" if ratio is not None and 1 < ratio and high < ratio else "")
        words.append(f"A whole training step of the {LABELS[biggest]} ran {span} as fast in bf16" + {
            Verdict.SUPPORTED: f"{less}.",
            Verdict.CONTRADICTED: f", short of the {GPU_GAIN:g}× the claim asks{less}.",
        }.get(verdict, f"{less}; the matrix finding does not decide whether that is twice as fast at every batch."))
    return " ".join(words)


def _unit_words(check: MatrixCheck) -> str:
    """What the unit is: a tile unit (tensor cores, AMX) or vector dot-product instructions."""
    if check.device != "cpu":
        return ("A matrix unit is circuitry that multiplies whole tiles of numbers in one instruction, rather than a "
                f"row of numbers at a time; on {check.device} they are its tensor cores.")
    if check.tiles:
        return ("A matrix unit is circuitry that multiplies whole tiles of numbers in one instruction, rather than a "
                f"row of numbers at a time; this CPU's is its {check.unit}.")
    return (f"This CPU multiplies bf16 with {check.unit_name or 'its bf16'} instructions: each multiplies pairs of "
            "numbers along a vector and adds the products into fp32 (dot products), more multiplications per "
            "instruction than in fp32, though not the whole tiles of a matrix unit.")
