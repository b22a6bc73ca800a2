"""Findings: a pure function from results to the claims of the lecture, each with a verdict and its numbers.

The report's narrative is assembled from these, never from fixed prose about outcomes: where the data
contradicts the story, the finding says so.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from enum import Enum

from reportgen.fmt import config_label, duration, pct, points, times
from reportgen.learners import LABELS, MLP_SIZES, TRADITIONAL
from reportgen.records.activations import ActivationsResult
from reportgen.records.compute import ComputeResult, StepTime
from reportgen.records.data_scale import DataScaleResult
from reportgen.results import Results
from reportgen.stats import PowerLaw, fit_power_law, growth_exponent
from reportgen.timing import Timing

PLATEAU_GAIN = 0.02  # under 2 points of accuracy over the last quarter of the log-m range counts as a plateau
CLEAR_MARGIN = 0.02  # a lead of accuracy smaller than this is within run-to-run noise on a 4000-example test set
VANISH_RATIO = 100  # output-to-input gradient ratio at which gradients have "vanished" (two orders of magnitude)
KEEP_RATIO = 10  # within one order of magnitude
KEPT_NOT = 30  # three times past it the claim "within one order" is plainly false, not a matter of noise
THREAD_GAIN = 1.2  # a speed-up below this is no real gain from more threads
SPEED_GAIN = 1.2  # ReLU and sigmoid within this factor of each other's steps reach the target about as fast
GPU_GAIN = 2.0  # "much faster": a GPU under twice the CPU's speed does not make the lecture's point
NO_FLOOR = 0.005  # a fitted irreducible error below this is no level at all: the curve is still falling
POWER_LAW_R2 = 0.9  # a power-law fit explaining less of the variance than this does not describe the curve
SUPERLINEAR = 1.2  # a time exponent above this is clearly faster than linear growth


class Verdict(str, Enum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Finding:
    key: str
    section: str  # "data", "algorithms" or "computation"
    claim: str  # what the lecture says, as tested here
    verdict: Verdict
    summary: str  # one sentence with the measured numbers
    detail: str = ""  # why the verdict, and what to keep in mind
    numbers: dict[str, float] = field(default_factory=dict)


def findings(results: Results) -> list[Finding]:
    out: list[Finding] = []
    if results.data_scale:
        out += data_findings(results.data_scale)
    if results.activations:
        out += activation_findings(results.activations)
    if results.compute:
        # The loop finding may put one learning curve's cost in words only where the computation experiment
        # timed the data-scale experiment's own largest net at its own step budget.
        ds, c = results.data_scale, results.compute
        same = (ds and c.steps and largest_net(ds) == c.largest_model
                and results.settings.profile_table.get("data_scale", {}).get("steps") == c.loop_steps)
        out += compute_findings(c, sum(f.learner == c.largest_model for f in ds.fits) if same else 0)
    return out


# --- scale of data -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LateGain:
    """Accuracy gained over the last quarter of the log-m range a learner ran on, with the seeds' spread."""

    m_from: int
    m_to: int
    gain: float
    noise: float  # half the widest seed range (highest minus lowest) at the two ends; 0 with one seed

    @property
    def flat(self) -> bool | None:
        """True: a plateau; False: still rising; None: the seeds' spread leaves it undecided."""
        if self.gain + self.noise < PLATEAU_GAIN:
            return True
        if self.gain - self.noise >= PLATEAU_GAIN:
            return False
        return None


def _late_gain(r: DataScaleResult, learner: str) -> LateGain | None:
    ms = r.m_run(learner)
    if len(ms) < 2:
        return None
    start = math.exp(math.log(ms[-1]) - (math.log(ms[-1]) - math.log(ms[0])) / 4)
    m_from = max(m for m in ms[:-1] if m <= start) if any(m <= start for m in ms[:-1]) else ms[-2]
    a, b = r.accuracy(learner, m_from), r.accuracy(learner, ms[-1])
    return LateGain(m_from, ms[-1], b.mean - a.mean, max(a.high - a.low, b.high - b.low) / 2)


def largest_net(r: DataScaleResult) -> str | None:
    mlps = [x for x in r.learners if x.name in MLP_SIZES]
    return max(mlps, key=lambda x: x.parameters or 0).name if mlps else None  # None: a count not recorded


def data_findings(r: DataScaleResult) -> list[Finding]:
    if not r.m_values or min(r.m_values) < 1:
        return []  # no grid of training-set sizes to read a trend from
    out = []
    traditional = [x.name for x in r.learners if x.name in TRADITIONAL and len(r.m_run(x.name)) >= 2]
    full_range = [x for x in traditional if r.m_run(x)[-1] == r.m_values[-1]]
    if full_range:
        gains = {x: _late_gain(r, x) for x in full_range}
        verdict = (Verdict.SUPPORTED if all(g.flat is True for g in gains.values()) else
                   Verdict.CONTRADICTED if all(g.flat is False for g in gains.values()) else Verdict.INCONCLUSIVE)
        parts = [f"{r.learner(x).label} gained {points(g.gain)} from m = {g.m_from:,} to {g.m_to:,}"
                 for x, g in gains.items()]
        out.append(Finding(
            "traditional_plateau", "data", "Traditional learners plateau as the amount of data m grows.", verdict,
            "; ".join(parts) + ".",
            f"A gain under {points(PLATEAU_GAIN)} over the last quarter of the m range (log scale) counts as a "
            "plateau, once the spread between seeds is allowed for.",
            {f"{x}_late_gain": g.gain for x, g in gains.items()}))

    big = largest_net(r)
    if big and len(r.m_run(big)) >= 2:
        late = _late_gain(r, big)
        m_from, m_to, gain = late.m_from, late.m_to, late.gain
        label = r.learner(big).label
        verdict = {False: Verdict.SUPPORTED, True: Verdict.CONTRADICTED, None: Verdict.INCONCLUSIVE}[late.flat]
        out.append(Finding(
            "large_net_rising", "data", "The largest neural net keeps improving as m grows.", verdict,
            f"The {label} went from {pct(r.accuracy(big, m_from).mean)} at m = {m_from:,} to "
            f"{pct(r.accuracy(big, m_to).mean)} at m = {m_to:,}, a gain of {points(gain)}.",
            "Still rising means more data would likely still help; a plateau would mean the model, not the "
            "data, is the limit." if verdict is Verdict.SUPPORTED else
            "The largest net has stopped gaining from more data on this grid and budget."
            if verdict is Verdict.CONTRADICTED else
            "The gain is within the spread between seeds: more seeds or a wider grid would settle it.",
            {"gain": gain}))

        m_max = r.m_values[-1]
        rivals = [x for x in full_range if r.accuracy(x, m_max)]
        if rivals:
            best = max(rivals, key=lambda x: r.accuracy(x, m_max).mean)
            lead = r.accuracy(big, m_max).mean - r.accuracy(best, m_max).mean
            verdict = (Verdict.SUPPORTED if lead > CLEAR_MARGIN else
                       Verdict.CONTRADICTED if lead < -CLEAR_MARGIN else Verdict.INCONCLUSIVE)
            out.append(Finding(
                "nets_win_at_scale", "data", "With the most data, the large neural net beats traditional learners.",
                verdict,
                f"At m = {m_max:,} the {label} scored {pct(r.accuracy(big, m_max).mean)} against "
                f"{pct(r.accuracy(best, m_max).mean)} for {r.learner(best).label}: "
                f"{'a lead of' if lead >= 0 else 'behind by'} {points(abs(lead))}.",
                f"Leads under {points(CLEAR_MARGIN)} are treated as a tie.",
                {"lead": lead}))

    measured = trends(r)
    out += [f for f in (_small_m_finding(r), _power_law_finding(r, measured), _cost_finding(r, measured)) if f]
    return out


@dataclass(frozen=True)
class Trend:
    """How one learner's accuracy and cost move with m."""

    learner: str
    late_gain: LateGain | None  # accuracy gained over the last quarter of its m range
    fit: PowerLaw | None  # test error against m
    time_exponent: float | None  # fit time grows like m to this power

    @property
    def plateaued(self) -> bool | None:
        return None if self.late_gain is None else self.late_gain.flat


def trends(r: DataScaleResult) -> list[Trend]:
    out = []
    for x in r.learners:
        ms = r.m_run(x.name)
        gain = _late_gain(r, x.name)
        fit = fit_power_law(ms, [1 - r.accuracy(x.name, m).mean for m in ms])
        growth = growth_exponent(ms, [r.fit_seconds(x.name, m).mean for m in ms])
        out.append(Trend(x.name, gain, fit, growth))
    return out


def _power_law_finding(r: DataScaleResult, measured: list[Trend]) -> Finding | None:
    fits = {t.learner: t.fit for t in measured if t.fit}
    big = largest_net(r)
    if big not in fits:
        return None
    fit = fits[big]
    verdict = Verdict.SUPPORTED if fit.r2 >= POWER_LAW_R2 and fit.b < 0 else Verdict.INCONCLUSIVE
    listing = "; ".join(f"{r.learner(n).label} b = {f.b:.2f}, " + (
        f"levelling off at {pct(1 - f.c)}" if f.c >= NO_FLOOR else "no level in sight") + f" (R² {f.r2:.2f})"
        for n, f in fits.items())
    return Finding(
        "power_law", "data", "Test error falls as a power law of m, err = a·m^b + c (Hestness et al. 2017).",
        verdict, f"Fitted exponents, and the accuracy each curve levels off at where the fit finds one: {listing}.",
        f"A fit with R² of at least {POWER_LAW_R2} counts as following the law. Hestness et al. published exponents "
        "between -0.07 and -0.35 on far larger tasks; the levelling-off accuracy is an extrapolation from this "
        "grid, not a measurement.",
        {f"{n}_exponent": f.b for n, f in fits.items()})


def data_needed(r: DataScaleResult, measured: list[Trend]) -> tuple[str, float, float | None] | None:
    """(learner, target accuracy, m its power-law fit needs for it or None) for the best learner at the largest m.

    The target is the run's target accuracy, or else five points above the best accuracy measured.
    """
    if not r.m_values:
        return None
    m_max = r.m_values[-1]
    at_max = [x.name for x in r.learners if r.accuracy(x.name, m_max)]
    if not at_max:
        return None
    best = max(at_max, key=lambda x: r.accuracy(x, m_max).mean)
    fit = next(t.fit for t in measured if t.learner == best)
    if fit is None:
        return None
    target = r.target_accuracy or min(r.accuracy(best, m_max).mean + 0.05, 0.99)
    return best, target, fit.m_for_error(1 - target)


def _cost_finding(r: DataScaleResult, measured: list[Trend]) -> Finding | None:
    growth = {t.learner: t.time_exponent for t in measured if t.time_exponent is not None}
    if "svm_rbf" not in growth or len(r.m_run("svm_rbf")) < 3:
        return None
    k = growth["svm_rbf"]
    verdict = (Verdict.SUPPORTED if k > SUPERLINEAR else
               Verdict.CONTRADICTED if k < 1 else Verdict.INCONCLUSIVE)
    others = ", ".join(f"{r.learner(n).label} m^{abs(v) if abs(v) < 0.05 else v:.1f}"
                       for n, v in growth.items() if n != "svm_rbf")
    return Finding(
        "svm_cost", "data", "A kernel SVM's training cost grows faster than the data.", verdict,
        f"The RBF SVM's fit time grew like m^{k:.1f} over the upper half of its range (others: {others}).",
        ("Nets cost at most their fixed budget of steps at any m (they stop sooner where they fit their examples "
         "early)" if r.stopping else "Nets trained for a fixed number of steps cost the same at every m")
        + "; a kernel SVM compares every pair of examples, which is one reason traditional learners were not run "
        "on ever larger data.",
        {"svm_time_exponent": k})


def winners(r: DataScaleResult, m: int) -> list[str]:
    """The best learner at m for each seed (learners not run at m are left out)."""
    out = []
    for seed in r.seeds:
        scores = {f.learner: f.test_accuracy for f in r.fits if f.m == m and f.seed == seed}
        if scores:
            out.append(max(scores, key=scores.get))
    return out


def stable_from(r: DataScaleResult) -> int | None:
    """The smallest m from which every seed names the same best learner, and that learner stays best."""
    stable = None
    final = winners(r, r.m_values[-1])
    if not final:
        return None
    for m in reversed(r.m_values):
        w = winners(r, m)
        if len(set(w)) == 1 and w[0] == final[0]:
            stable = m
        else:
            break
    return stable


def _small_m_finding(r: DataScaleResult) -> Finding | None:
    m0, m_max = r.m_values[0], r.m_values[-1]
    ranked = sorted((x.name for x in r.learners if r.accuracy(x.name, m0)),
                    key=lambda x: -r.accuracy(x, m0).mean)
    if len(ranked) < 2 or not any(r.accuracy(x.name, m_max) for x in r.learners):
        return None  # a ranking needs two learners
    first, second = ranked[:2]
    gap = r.accuracy(first, m0).mean - r.accuracy(second, m0).mean
    best_at_max = max((x.name for x in r.learners if r.accuracy(x.name, m_max)),
                      key=lambda x: r.accuracy(x, m_max).mean)
    since = stable_from(r)
    changes = first != best_at_max
    verdict = Verdict.SUPPORTED if changes or gap < CLEAR_MARGIN else Verdict.CONTRADICTED
    lead = (f"{points(gap)} ahead of {r.learner(second).label}" if gap > 0 else
            f"tied with {r.learner(second).label}")
    summary = (f"At m = {m0:,} the best learner was {r.learner(first).label} ({pct(r.accuracy(first, m0).mean)}), "
               f"{lead}; at m = {m_max:,} it was {r.learner(best_at_max).label}.")
    if len(r.seeds) > 1 and since is not None:
        summary += f" Every seed agrees on the winner from m = {since:,} on."
    elif len(r.seeds) > 1:
        summary += " The seeds do not agree on the winner even at the largest m."
    detail = ("With little data the ranking of learners depends on the details (features, regularisation, luck "
              "of the sample), not on model size." if verdict is Verdict.SUPPORTED else
              "The same learner led clearly at every scale, so on this data the ranking was settled from the start.")
    if len(r.seeds) == 1:
        detail += " With a single seed, stability of the ranking across seeds is not measured."
    return Finding("small_m_ranking", "data", "With little data, the ranking of learners is not settled.",
                   verdict, summary, detail,
                   {"gap_at_smallest_m": gap, **({"stable_from_m": since} if since is not None else {})})


# --- algorithms ----------------------------------------------------------------------------------------------

def activation_findings(r: ActivationsResult) -> list[Finding]:
    out = []
    for activation, key, claim in (
            ("sigmoid", "sigmoid_vanishing", "Sigmoid gradients vanish on their way back to the input layer."),
            ("relu", "relu_keeps_gradients", "ReLU keeps gradients within one order of magnitude across depth.")):
        profiles = [g for d in r.depths if (g := r.gradient(activation, d)) and not math.isnan(g.ratio)]
        if not profiles:
            continue
        ratios = {g.depth: g.ratio for g in profiles}
        deepest = max(ratios)
        worst = ratios[deepest]
        if activation == "sigmoid":
            verdict = (Verdict.SUPPORTED if worst >= VANISH_RATIO else
                       Verdict.CONTRADICTED if worst < KEEP_RATIO else Verdict.INCONCLUSIVE)
        else:
            verdict = (Verdict.SUPPORTED if worst < KEEP_RATIO else
                       Verdict.CONTRADICTED if worst >= KEPT_NOT else Verdict.INCONCLUSIVE)
        listing = ", ".join(f"{times(v)} at {d} hidden layers" for d, v in ratios.items())
        context = (_compare(r, "sigmoid", deepest) if activation == "relu" else
                   "Glorot and Bengio (2010) published the same shrinking with sigmoid units and the same standard "
                   "initialisation (5 hidden layers of 1,000 units, MNIST and Shapeset); ours is measured on "
                   f"{r.width}-unit layers and MNIST-1D.")
        out.append(Finding(
            key, "algorithms", claim, verdict,
            f"At initialisation the output layer's mean |gradient| exceeded the input layer's by {listing}.",
            "A ratio of 100 or more (two orders of magnitude) means the first layers barely learn; under 10 "
            "means the signal reaches them. " + context,
            {f"ratio_depth_{d}": v for d, v in ratios.items()}))
    speed = _speed_finding(r)
    if speed:
        out.append(speed)
    return out


def _compare(r: ActivationsResult, other: str, depth: int) -> str:
    g = r.gradient(other, depth)
    return f"For comparison, {other} at {depth} hidden layers: {times(g.ratio)}." if g else ""


def steps_to_target(r: ActivationsResult, activation: str) -> tuple[float | None, float | None]:
    """Median steps and seconds to the target over seeds at the best rate; None if any seed missed it."""
    runs = r.best_runs(activation)
    if not runs or any(x.steps_to_target is None for x in runs):
        return None, None
    return (statistics.median(x.steps_to_target for x in runs),
            statistics.median(x.seconds_to_target for x in runs))


def _ever_reached(r: ActivationsResult, activation: str) -> bool:
    return any(x.steps_to_target is not None for x in r.runs if x.activation == activation)


def _speed_finding(r: ActivationsResult) -> Finding | None:
    if not {"sigmoid", "relu"} <= set(r.activations):
        return None
    relu_steps, relu_s = steps_to_target(r, "relu")
    sig_steps, sig_s = steps_to_target(r, "sigmoid")
    target, budget = pct(r.target_accuracy), f"{r.max_steps:,} steps"
    claim = "ReLU reaches a target training accuracy faster than sigmoid."
    numbers: dict[str, float] = {}
    if 0 in (relu_steps, sig_steps):
        return Finding("relu_faster", "algorithms", claim, Verdict.INCONCLUSIVE,
                       f"The untrained net already met the {target} target, so no speed can be compared.",
                       "Raise the target accuracy in the profile.")
    if relu_steps is not None and sig_steps is not None:
        ratio = sig_steps / relu_steps
        numbers = {"relu_steps": relu_steps, "sigmoid_steps": sig_steps, "step_ratio": ratio,
                   "relu_seconds": relu_s, "sigmoid_seconds": sig_s}
        verdict = (Verdict.SUPPORTED if ratio >= SPEED_GAIN else
                   Verdict.CONTRADICTED if ratio <= 1 / SPEED_GAIN else Verdict.INCONCLUSIVE)
        summary = (f"To reach {target} training accuracy ({r.train_depth} hidden layers) ReLU took "
                   f"{relu_steps:,.0f} steps ({duration(relu_s)}) and sigmoid {sig_steps:,.0f} steps "
                   f"({duration(sig_s)}): " + (f"{times(ratio)} fewer steps for ReLU." if ratio >= 1 else
                                                f"{times(1 / ratio)} more steps for ReLU."))
    elif relu_steps is not None:
        numbers = {"relu_steps": relu_steps, "relu_seconds": relu_s}
        verdict = Verdict.SUPPORTED
        summary = f"ReLU reached {target} training accuracy in {relu_steps:,.0f} steps ({duration(relu_s)}); " + (
            f"sigmoid did not reach it within {budget} at any learning rate tried, so the speed-up is more than "
            f"{times(r.max_steps / relu_steps)}." if not _ever_reached(r, "sigmoid") else
            f"sigmoid did not reach it with every seed at its best rate within {budget}.")
    elif sig_steps is not None:
        numbers = {"sigmoid_steps": sig_steps, "sigmoid_seconds": sig_s}
        verdict = Verdict.CONTRADICTED
        summary = (f"Sigmoid reached {target} training accuracy in {sig_steps:,.0f} steps ({duration(sig_s)}); "
                   f"ReLU did not reach it with every seed at its best rate within {budget}.")
    else:
        verdict = Verdict.INCONCLUSIVE
        summary = f"Neither sigmoid nor ReLU reached {target} training accuracy within {budget}."
    detail = ("Each activation used its best learning rate from the grid "
              f"({', '.join(f'{x:g}' for x in r.learning_rates)}). Krizhevsky et al. (2012) published six times "
              "fewer epochs for ReLU than tanh to 25% training error, for a four-layer CNN on CIFAR-10; here it "
              "is an MLP on MNIST-1D, counted in steps, against sigmoid.")
    return Finding("relu_faster", "algorithms", claim, verdict, summary, detail, numbers)


# --- computation ---------------------------------------------------------------------------------------------

def compute_findings(r: ComputeResult, sweep_fits: int = 0) -> list[Finding]:
    if not r.steps:
        return []  # nothing was timed: no claim about computation can be tested
    out = []
    models = sorted({s.model for s in r.steps}, key=lambda m: max(s.parameters for s in r.steps if s.model == m))
    biggest, batch = r.largest_model, max(s.batch_size for s in r.steps)
    one, full = r.step(biggest, batch, "cpu", threads=1), r.step(biggest, batch, "cpu", threads=r.threads)
    if r.threads > 1 and one and full and one.timing and full.timing:
        gain, low, high = speedup(one.timing, full.timing)
        verdict = _cpu_gain_verdict(low, high)
        out.append(Finding(
            "threads_speedup", "computation", "Parallel hardware makes a training step faster.", verdict,
            f"One training step of the {LABELS[biggest]} (batch {batch}) took {duration(one.timing.median_s)} on "
            f"1 CPU thread and {duration(full.timing.median_s)} on {r.threads}: {times(gain)} faster"
            f"{_across_rounds(low, high)}.",
            f"The ideal with {r.threads} threads is {r.threads}×; memory bandwidth and small matrices keep "
            "real speed-ups below it.", {"speedup": gain}))
    gpu = _gpu_finding(r, models, biggest)
    if gpu:
        out.append(gpu)
    loop = _loop_finding(r, biggest, sweep_fits)
    if loop:
        out.append(loop)
    return out


GPU_CLAIM = "A GPU trains large models much faster than a CPU."


def _gpu_finding(r: ComputeResult, models: list[str], biggest: str) -> Finding | None:
    """The GPU against all CPU threads for every model, at the training batch (the smallest timed, as the
    battery trains) and at the largest: a GPU that wins only at a batch nobody trains with has not made the
    lecture's point. The verdict is the largest model's, and it must hold at both batches."""
    gpu = next((d for d in r.devices if d != "cpu"), None)
    if gpu is None:
        return Finding("gpu_speedup", "computation", GPU_CLAIM, Verdict.INCONCLUSIVE,
                       "No GPU was timed in this run, so the claim could not be tested here.",
                       "Run the battery on a machine with a GPU, or compare this report with one from such a machine.")
    batches = sorted({s.batch_size for s in r.steps})
    gains = {}
    for batch in dict.fromkeys([batches[0], batches[-1]]):
        pairs = [(m, r.step(m, batch, "cpu", threads=r.threads), r.step(m, batch, gpu)) for m in models]
        timed = {m: speedup(cpu.timing, acc.timing) for m, cpu, acc in pairs
                 if cpu and acc and cpu.timing and acc.timing}
        if timed:
            gains[batch] = timed
    if not gains:
        return None
    verdicts = {_gpu_verdict(timed.get(biggest)) for timed in gains.values()}
    verdict = verdicts.pop() if len(verdicts) == 1 else Verdict.INCONCLUSIVE
    name = {batches[0]: "training batch", batches[-1]: "largest batch"} if len(gains) > 1 else {}
    at = {b: f"batch {b}" + (f" (the {name[b]})" if b in name else "") for b in gains}
    summary = (f"Speed-up of one fp32 training step on {gpu} over the CPU with {r.threads} threads, "
               + "; ".join(f"at {at[b]}: " + ", ".join(f"{LABELS[m]}: {times(g)}{_across_rounds(low, high)}"
                                                      for m, (g, low, high) in timed.items())
                           for b, timed in gains.items()) + ".")
    detail = " ".join(f"At {at[b]}: {_crossover(models, timed)}" for b, timed in gains.items())
    detail += (f" A speed-up of at least {GPU_GAIN:g}× counts as much faster; the verdict is the "
               f"{LABELS[biggest]}'s" + (" and must hold at both batches." if len(gains) > 1 else "."))
    numbers = {f"speedup_{m}_batch_{b}": g for b, timed in gains.items() for m, (g, _, _) in timed.items()}
    numbers.update({f"speedup_{m}": g for m, (g, _, _) in gains[max(gains)].items()})
    return Finding("gpu_speedup", "computation", GPU_CLAIM, verdict, summary, detail, numbers)


def _gpu_verdict(gain: tuple[float, float, float] | None) -> Verdict:
    if gain is None:
        return Verdict.INCONCLUSIVE
    _, low, high = gain
    return Verdict.SUPPORTED if low >= GPU_GAIN else Verdict.CONTRADICTED if high <= 1 else Verdict.INCONCLUSIVE


def _crossover(models: list[str], timed: dict[str, tuple[float, float, float]]) -> str:
    """From which model size on the GPU was faster (models smallest first)."""
    faster = [m for m in models if m in timed and timed[m][0] > 1]
    if not faster:
        return "the GPU was faster for none of the models timed."
    if all(timed[m][0] > 1 for m in models[models.index(faster[0]):] if m in timed):
        return f"the GPU was faster from the {LABELS[faster[0]]} on."
    return f"the GPU was faster for: {', '.join(LABELS[m] for m in faster)}."


def speedup(slow: Timing, fast: Timing) -> tuple[float, float, float]:
    """slow / fast from the medians, and its lowest and highest over the pairs of round medians: a verdict must
    hold across the rounds, or the machine's changes, not the hardware, could have made it."""
    slow_rounds, fast_rounds = slow.round_medians_s or [slow.median_s], fast.round_medians_s or [fast.median_s]
    if min(fast.median_s, slow.median_s, *slow_rounds, *fast_rounds) <= 0:
        return math.nan, math.nan, math.nan  # a time of zero was not measured: no ratio, so no verdict
    return slow.median_s / fast.median_s, min(slow_rounds) / max(fast_rounds), max(slow_rounds) / min(fast_rounds)


def _cpu_gain_verdict(low: float, high: float) -> Verdict:
    """A gain from more threads, or a faster configuration: real only if every pairing of rounds shows it."""
    return (Verdict.SUPPORTED if low >= THREAD_GAIN else
            Verdict.CONTRADICTED if high < 1.05 else Verdict.INCONCLUSIVE)


def _across_rounds(low: float, high: float) -> str:
    return f" ({times(low)} to {times(high)} across the rounds)" if times(low) != times(high) else ""


def loop_times(r: ComputeResult, model: str) -> list[tuple[str, float]]:
    """(configuration, seconds for one experiment of `loop_steps` steps) at the first batch size, slowest first."""
    return [(config_label(s.device, s.precision, s.threads), r.loop_steps * s.timing.median_s)
            for s in _loop_steps(r, model)]


def _loop_steps(r: ComputeResult, model: str) -> list[StepTime]:
    return r.timed_steps(model, min(s.batch_size for s in r.steps))


def _loop_finding(r: ComputeResult, model: str, sweep_fits: int) -> Finding | None:
    runs, steps = loop_times(r, model), _loop_steps(r, model)
    if len(runs) < 2 or not r.loop_steps:
        return None
    (slow_label, slow), (fast_label, fast) = runs[0], runs[-1]
    gain, low, high = speedup(steps[0].timing, steps[-1].timing)
    verdict = _cpu_gain_verdict(low, high)
    sweep = (f" A learning curve of {sweep_fits} such fits takes {duration(slow * sweep_fits)} against "
             f"{duration(fast * sweep_fits)}." if sweep_fits > 1 else "")
    return Finding(
        "iteration_loop", "loop", "Faster computation shortens the idea, code, experiment loop.", verdict,
        f"One experiment ({r.loop_steps:,} training steps of the {LABELS[model]}) takes {duration(slow)} on "
        f"{slow_label} and {duration(fast)} on {fast_label}: {times(gain)} more ideas tried in the same time"
        f"{_across_rounds(low, high)}.{sweep}",
        "Computed from the measured median step times; data loading and evaluation are not included. "
        + ", ".join(f"{label}: {duration(t)}" for label, t in runs) + ".",
        {"loop_gain": gain, "slowest_seconds": slow, "fastest_seconds": fast})
