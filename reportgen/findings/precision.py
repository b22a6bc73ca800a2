"""Findings on lower precision: a matrix unit (a CPU's AMX or AVX-512 BF16, a GPU's tensor cores) makes a training
step faster in bf16 than in fp32, and what that bf16 training costs in accuracy. Each: check, verdict, words."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.findings.curves import noise
from reportgen.findings.data_scale import across, noise_words
from reportgen.findings.gains import GPU_GAIN, TWICE_RULE, Gain, pairs_words, speedup, twice_verdict
from reportgen.findings.verdicts import Finding, Verdict, decide
from reportgen.fmt import and_list, points, times, times_beside
from reportgen.learners import LABELS
from reportgen.records.compute import ComputeResult
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import Spread

MATRIX_CLAIM = "Matrix hardware makes a training step much faster: bf16 at least twice as fast as fp32."
ACCURACY_CLAIM = "Training under bf16 autocast keeps the test accuracy of fp32."
BARS = (GPU_GAIN, 1.0)


@dataclass(frozen=True)
class MatrixCheck:
    """bf16 against fp32 on one device: the step gains per batch and model, and the matrix-product peaks."""

    device: str  # "cpu" or the GPU
    unit: str  # what multiplies in bf16 there, in words
    gains: dict[int, dict[str, Gain]]  # batch -> model -> fp32 time / bf16 time, same-round pairs
    peaks: dict[str, float]  # precision -> the highest GFLOP/s of its matrix-product sweep on that device


def matrix_check(r: ComputeResult) -> MatrixCheck | None:
    """The GPU where it was timed in bf16 (its tensor cores), else the CPU on all its threads (its bf16 unit);
    None where neither was timed in both precisions."""
    gpu = next((d for d in r.devices if d != "cpu"
                and any(s.device == d and s.precision == "bf16" and s.timing for s in r.steps)), None)
    device, threads = (gpu, None) if gpu else ("cpu", r.threads)
    unit = "tensor cores" if gpu else f"its {r.bf16_unit} unit" if r.bf16_unit else "the CPU"
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
    return MatrixCheck(device, unit, gains, peaks)


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
    by_batch = {b: twice_verdict(g) for b, g in big.items()}
    verdicts = set(by_batch.values())
    verdict = verdicts.pop() if len(verdicts) == 1 else Verdict.INCONCLUSIVE
    # A clean split: decided both ways at different batches, every batch decided. Matrix units gain with bigger
    # matrices, so this is the common outcome on a CPU, and the words say where each way came out.
    split = set(by_batch.values()) == {Verdict.SUPPORTED, Verdict.CONTRADICTED}
    where = "the CPU" if check.device == "cpu" else check.device
    said = and_list([f"{times_beside(g.median, BARS)} at batch {b}" for b, g in big.items() if g])
    headline = {
        Verdict.SUPPORTED: f"bf16 on {where}'s {_unit(check)} ran the {LABELS[biggest]}'s training step at least "
                           f"twice as fast as fp32: {said}.",
        Verdict.CONTRADICTED: f"bf16 on {where} did not make the {LABELS[biggest]}'s training step twice as fast as "
                              f"fp32: {said}.",
        Verdict.INCONCLUSIVE: (f"bf16 on {where} doubled the {LABELS[biggest]}'s training speed at "
                               f"{_batches(by_batch, Verdict.SUPPORTED)} but not at "
                               f"{_batches(by_batch, Verdict.CONTRADICTED)}: {said}." if split else
                               f"Not settled whether bf16 on {where} doubles the {LABELS[biggest]}'s training speed: "
                               + (f"{said}, " if said else "") + "and the rounds do not decide it."),
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
        why += (" Undecided at " + and_list([f"batch {b}" for b in undecided])
                + ": a single round, rounds that could not be paired, or the model untimed.")
    numbers = {f"bf16_speedup_{m}_batch_{b}": g.median for b, by in check.gains.items() for m, g in by.items()}
    numbers.update({f"{p}_peak_gflops": v for p, v in check.peaks.items()})
    return Finding(key="matrix_hardware", driver="computation", role="claim", claim=MATRIX_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers=numbers,
                   because=(f"a matrix unit made the {LABELS[biggest]}'s training step in bf16 faster than in fp32 "
                            f"by {said}"
                            if verdict is Verdict.SUPPORTED else ""))


def _unit(check: MatrixCheck) -> str:
    return check.unit.removeprefix("its ")


def _peaks(check: MatrixCheck) -> str:
    if len(check.peaks) < 2:
        return ""
    fp32, bf16 = check.peaks["fp32"], check.peaks["bf16"]
    return (f" The matrix product peaked at {fp32:,.0f} GFLOP/s in fp32 and {bf16:,.0f} GFLOP/s in bf16 "
            f"({times_beside(bf16 / fp32, BARS) if fp32 > 0 else 'n/a'}).")


def bf16_accuracy_finding(r: DataScaleResult) -> Finding | None:
    """bf16 test accuracy minus fp32's, paired by seed at the check's m (same examples, initialisation and
    minibatches): kept where every seed lies within the noise margin, lost where every seed falls below it."""
    if not r.bf16_fits and not r.bf16_not_run:
        return None
    if not r.bf16_fits:
        return Finding(key="bf16_accuracy", driver="computation", role="control", claim=ACCURACY_CLAIM,
                       verdict=Verdict.NOT_TESTED,
                       headline="Not tested: the large MLP was not trained in bf16 here.",
                       evidence=f"The bf16 accuracy check was {r.bf16_not_run}.",
                       how_to_test=("Run reportgen build on a CPU with a bf16 matrix unit (amx_bf16 or avx512_bf16, "
                                    "or bf16 on Arm), with data_scale.bf16_m set in the profile. Every seed's bf16 "
                                    "accuracy within the noise margin of its fp32 pair would support it; mixed "
                                    "precision is widely reported to match fp32 accuracy."))
    m = r.bf16_fits[0].m
    fp32 = {f.seed: f for f in r.fits if f.learner == r.bf16_fits[0].learner and f.m == m}
    pairs = [(f, fp32[f.seed]) for f in r.bf16_fits if f.seed in fp32]
    if not pairs:
        return None
    label = LABELS.get(r.bf16_fits[0].learner, r.bf16_fits[0].learner)
    diff = Spread.of([b.test_accuracy - a.test_accuracy for b, a in pairs])
    margin = noise(r)
    kept = diff.above(-margin) and diff.below(margin)
    lost = diff.below(-margin)
    verdict = decide(kept, lost, len(pairs))
    change = f"{'+' if diff.mean >= 0 else ''}{points(diff.mean)}"
    headline = {
        Verdict.SUPPORTED: f"Training the {label} under bf16 autocast kept its test accuracy: {change} against fp32 "
                           f"at m = {m:,}, within the noise.",
        Verdict.CONTRADICTED: f"Training the {label} under bf16 autocast cost accuracy: {change} against fp32 at "
                              f"m = {m:,}.",
        Verdict.INCONCLUSIVE: f"Not settled whether bf16 training costs the {label} accuracy: {change} against fp32 "
                              f"at m = {m:,}.",
    }[verdict]
    fp32_acc, bf16_acc = (Spread.of([a.test_accuracy for _, a in pairs]), Spread.of([b.test_accuracy for b, _ in pairs]))
    evidence = (f"Test accuracy of the {label} at m = {m:,}: fp32 {100 * fp32_acc.mean:.1f}%, bf16 autocast "
                f"{100 * bf16_acc.mean:.1f}%; bf16 minus fp32 {change}{across(diff)}, paired by seed (the same "
                "examples, initialisation and minibatches)."
                + (f" The check was {r.bf16_not_run}." if r.bf16_not_run else ""))
    why = (f"Kept means every seed's difference lies within the noise margin of {noise_words(r)}; lost means every "
           "seed's bf16 accuracy is below its fp32 pair by more than it. Both nets are evaluated in fp32.")
    return Finding(key="bf16_accuracy", driver="computation", role="control", claim=ACCURACY_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={"bf16_minus_fp32": diff.mean, "low": diff.low, "high": diff.high},
                   because=(f"bf16 training kept the {label}'s accuracy ({change})"
                            if verdict is Verdict.SUPPORTED else ""))


def _batches(by_batch: dict[int, Verdict], verdict: Verdict) -> str:
    found = [b for b, v in by_batch.items() if v is verdict]
    return ("batch " if len(found) == 1 else "batches ") + and_list([str(b) for b in found])


def matrix_lesson(r: ComputeResult, check: MatrixCheck | None) -> str:
    """Two or three plain sentences for the computation section: what a matrix unit is and why lower precision
    is faster, told with this run's numbers ("" where nothing was timed in both precisions on one device)."""
    if check is None or not r.steps:
        return ""
    biggest = r.largest_model
    unit = (f"this CPU's is its {_unit(check).removesuffix(' unit')} unit" if check.device == "cpu"
            else f"on {check.device} they are its tensor cores")
    words = [(f"A matrix unit is circuitry that multiplies whole tiles of numbers in one instruction, rather than a "
              f"row of numbers at a time; {unit}.")]
    ratio = check.peaks["bf16"] / check.peaks["fp32"] if len(check.peaks) == 2 and check.peaks["fp32"] > 0 else None
    words.append("bf16 keeps fp32's range but only 8 bits of precision, so a number takes half the memory and the "
                 "unit fits more multiplications into each step of its clock"
                 + (f": here a matrix product peaked at {check.peaks['bf16']:,.0f} GFLOP/s in bf16 against "
                    f"{check.peaks['fp32']:,.0f} in fp32 ({times(ratio)})" if ratio else "") + ".")
    gains = {b: by[biggest] for b, by in check.gains.items() if biggest in by}
    if gains:
        low, high = min(g.median for g in gains.values()), max(g.median for g in gains.values())
        span = times(low) if times(low) == times(high) else f"{times(low)} to {times(high)}"
        less = ratio is not None and high < ratio
        words.append(f"A whole training step of the {LABELS[biggest]} ran {span} as fast in bf16"
                     + (", less than the matrix product alone gained: a step also applies activations, the loss and "
                        "the Adam update, which stay in fp32" if less else "") + ".")
    return " ".join(words)
