"""Findings: a pure function from results to the claims of the lecture, each with a verdict and its numbers.

The report's narrative is assembled from these, never from fixed prose about outcomes: where the data
contradicts the story, the finding says so.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace
from enum import Enum

from reportgen.fmt import config_label, duration, pct, points, power_of_m, times
from reportgen.learners import LABELS, MLP_SIZES, TRADITIONAL
from reportgen.records.activations import DESIGNED, ActivationsResult, ConvergenceRun, GradientProfile
from reportgen.records.compute import ComputeResult, StepTime
from reportgen.records.data_scale import DataScaleResult
from reportgen.references import KRIZHEVSKY_RELU_SPEEDUP
from reportgen.results import Results
from reportgen.stats import (
    PowerLaw,
    Spread,
    bootstrap,
    fit_power_law,
    fit_power_law_no_floor,
    growth_exponent,
    interval,
    paired_ratios,
    resamples,
)
from reportgen.timing import Timing

PLATEAU_GAIN = 0.02  # under 2 points of accuracy over the last LATE_SHARE of the log-m range counts as a plateau
CLEAR_MARGIN = 0.02  # the least lead of accuracy taken as more than run-to-run noise, whatever the test set
NOISE_Z = 1.96  # the 95% half-width of one accuracy measured on n test examples is NOISE_Z * sqrt(0.25 / n) at worst
VANISH_RATIO = 100  # output-to-input gradient ratio at which gradients have "vanished" (two orders of magnitude)
KEEP_RATIO = 10  # within one order of magnitude
KEPT_NOT = 30  # three times past it the claim "within one order" is plainly false, not a matter of noise
THREAD_GAIN = 1.2  # a speed-up below this is no real gain from more threads
NO_GAIN = 1.05  # a median speed-up below this is no gain at all
SPEED_GAIN = 1.2  # ReLU and sigmoid within this factor of each other's steps reach the target about as fast
BUSY_SHARE = 0.15  # other processes using more of the run's CPUs than this while timing: no timing verdict
GPU_GAIN = 2.0  # "much faster": a GPU under twice the CPU's speed does not make the lecture's point
NO_FLOOR = 0.005  # a fitted floor below this sits at its bound 0: the fit found no level
LATE_SHARE = 0.25  # a learner's late gain is over this last share of its log-m range
SMALL_DATA_SHARE = 1 / 3  # the power law is fitted past this lowest share of the log-m range (Hestness et al.)
FIT_POINTS = 4  # the power law's three parameters need four points to leave a residual, besides the held-out one
SUPERLINEAR = 1.2  # a time exponent above this is clearly faster than linear growth
PROJECT_FACTOR = 4  # a projection of the data needed goes at most this many times past the largest m measured
DEPTH_GROWTH = 2  # growth with depth: the deepest net's ratio this many times the shallowest's, in the median pair


LATE = f"the last {LATE_SHARE:.0%} of"  # how the late-gain window reads in a sentence
ONE_SEED = "One seed settles nothing: the direction above is measured, the verdict needs more seeds."


class Verdict(str, Enum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"


def decide(supported: bool, contradicted: bool, seeds: int = 2) -> Verdict:
    """A finding's verdict from its two tests. Both holding, or a single seed (which says nothing of how the
    result moves with the sample and the initialisation), leaves it inconclusive."""
    if seeds < 2 or supported == contradicted:
        return Verdict.INCONCLUSIVE
    return Verdict.SUPPORTED if supported else Verdict.CONTRADICTED


def _cap(text: str) -> str:
    """The first letter upper case, the rest as it was ('ReLU' stays 'ReLU')."""
    return text[:1].upper() + text[1:]


def _and(words: list[str]) -> str:
    return "".join(words) if len(words) < 2 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Finding:
    key: str
    section: str  # "data", "algorithms" or "computation"
    claim: str  # what the lecture says, as tested here
    verdict: Verdict
    summary: str  # one sentence with the measured numbers
    detail: str = ""  # why the verdict, and what to keep in mind
    numbers: dict[str, float] = field(default_factory=dict)
    tested: bool = True  # False: the run could not test the claim (no GPU, too few points, or only again)


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
        table = results.settings.profile_table.get("data_scale")
        table = table if isinstance(table, dict) else {}
        same = ds and c.steps and largest_net(ds) == c.largest_model and table.get("steps") == c.loop_steps
        sweep = [f.steps if f.steps is not None else c.loop_steps for f in ds.fits
                 if f.learner == c.largest_model] if same else []
        out += compute_findings(c, sweep, table.get("batch_size"))
    return out


# --- scale of data -------------------------------------------------------------------------------------------

def _per_seed(r: DataScaleResult, learner: str, m: int) -> dict[int, float]:
    return {f.seed: f.test_accuracy for f in r.fits if f.learner == learner and f.m == m}


def paired(r: DataScaleResult, a: tuple[str, int], b: tuple[str, int]) -> Spread | None:
    """Accuracy of (learner, m) a minus that of b, seed by seed (the same subsets and test set), over the seeds
    that ran both: a lead or a gain with its spread, not a difference of means."""
    xa, xb = _per_seed(r, *a), _per_seed(r, *b)
    common = [s for s in r.seeds if s in xa and s in xb]
    return Spread.of([xa[s] - xb[s] for s in common]) if common else None


def _across(s: Spread, fmt=points) -> str:
    """' (x to y across n seeds)', or ' (one seed)'."""
    if s.n < 2:
        return " (one seed)"
    if fmt(s.low) == fmt(s.high):
        return f" (in each of {s.n} seeds)"
    return f" ({fmt(s.low).split()[0]} to {fmt(s.high)} across {s.n} seeds)"


def noise(r: DataScaleResult) -> float:
    """The margin a lead or a miss of accuracy must pass to be more than noise on this run's test set: the 95%
    half-width of one accuracy at p = 0.5 on `test_size` examples, and never under CLEAR_MARGIN (1.55 points on
    4,000 examples, so 2.0; 5.7 points on 300; CLEAR_MARGIN where no test size was recorded)."""
    return max(CLEAR_MARGIN, NOISE_Z * math.sqrt(0.25 / r.test_size) if r.test_size > 0 else 0.0)


def _noise_words(r: DataScaleResult) -> str:
    """How the noise margin was set, for a finding's detail."""
    return (f"{points(noise(r))}, the larger of {points(CLEAR_MARGIN)} and the 95% half-width of one accuracy on "
            f"the {r.test_size:,} test examples ({NOISE_Z:g}·sqrt(0.25/n))")


@dataclass(frozen=True)
class LateGain:
    """Accuracy gained over the last LATE_SHARE of the log-m range a learner ran on, seed by seed."""

    m_from: int
    m_to: int
    per_seed: Spread  # each seed's gain on its own nested subsets
    rise: float  # the least gain that counts as rising: PLATEAU_GAIN, or the test set's noise where larger

    @property
    def gain(self) -> float:
        return self.per_seed.mean

    @property
    def flat(self) -> bool | None:
        """True: every seed gained under PLATEAU_GAIN; False: every seed gained at least `rise`; None: neither
        (the seeds disagree, or the gains lie between the two)."""
        if self.per_seed.below(PLATEAU_GAIN):
            return True
        if self.per_seed.low >= self.rise:
            return False
        return None


def _late_gain(r: DataScaleResult, learner: str) -> LateGain | None:
    ms = r.m_run(learner)
    if len(ms) < 2:
        return None
    start = math.exp(math.log(ms[-1]) - (math.log(ms[-1]) - math.log(ms[0])) * LATE_SHARE)
    m_from = max((m for m in ms[:-1] if m <= start), default=ms[-2])
    gain = paired(r, (learner, ms[-1]), (learner, m_from))
    return LateGain(m_from, ms[-1], gain, _rise(r)) if gain else None


def largest_net(r: DataScaleResult) -> str | None:
    mlps = [x for x in r.learners if x.name in MLP_SIZES]
    return max(mlps, key=lambda x: x.parameters or 0).name if mlps else None  # None: a count not recorded


def _capped(r: DataScaleResult, learner: str) -> str:
    """', where the SVM stopped (its cap)' for a learner whose range ends before the grid's."""
    ms = r.m_run(learner)
    return (f", where the {r.learner(learner).label} stopped (its cap; the grid goes on to {r.m_values[-1]:,})"
            if ms and ms[-1] < r.m_values[-1] else "")


def data_findings(r: DataScaleResult) -> list[Finding]:
    if not r.m_values or min(r.m_values) < 1:
        return []  # no grid of training-set sizes to read a trend from
    measured = trends(r)
    found = [_plateau_finding(r), _rising_finding(r), _win_finding(r), _small_m_finding(r),
             _power_law_finding(r, measured), _cost_finding(r, measured)]
    return [f for f in found if f]


def _plateau_finding(r: DataScaleResult) -> Finding | None:
    gains = {x.name: g for x in r.learners if x.name in TRADITIONAL and (g := _late_gain(r, x.name))}
    if not gains:
        return None
    rising = [x for x, g in gains.items() if g.flat is False]
    verdict = decide(all(g.flat is True for g in gains.values()), bool(rising),
                     min(g.per_seed.n for g in gains.values()))
    parts = [f"{r.learner(x).label} gained {points(g.gain)}{_across(g.per_seed)} from m = {g.m_from:,} to "
             f"{g.m_to:,}{_capped(r, x)}" for x, g in gains.items()]
    detail = {
        Verdict.SUPPORTED: f"Every traditional learner gained under {points(PLATEAU_GAIN)} in every seed over the "
                           f"{LATE} its m range (log scale).",
        Verdict.CONTRADICTED: f"{_and([r.learner(x).label for x in rising])} gained at least "
                              f"{points(_rise(r))} in every seed over {LATE} its m range: no "
                              "plateau there." + (" A capped learner's range ends at its cap, so whether it levels "
                                                  "off later is not measured." if any(_capped(r, x) for x in rising)
                                                  else ""),
        Verdict.INCONCLUSIVE: _undecided(r, f"A plateau is a gain under {points(PLATEAU_GAIN)} in every seed over "
                                            f"{LATE} the m range (log scale); a rise, at least "
                                            f"{points(_rise(r))} in every seed{_rise_why(r)}."),
    }[verdict]
    return Finding("traditional_plateau", "data", "Traditional learners plateau as the amount of data m grows.",
                   verdict, "; ".join(parts) + ".", detail, {f"{x}_late_gain": g.gain for x, g in gains.items()})


def _rise(r: DataScaleResult) -> float:
    return max(PLATEAU_GAIN, noise(r))


def _rise_why(r: DataScaleResult) -> str:
    """Why the least rise is above PLATEAU_GAIN, where it is."""
    return (f" (on {r.test_size:,} test examples the 95% half-width of one accuracy, {points(noise(r))}, is more "
            f"than {points(PLATEAU_GAIN)})" if _rise(r) > PLATEAU_GAIN else "")


def _undecided(r: DataScaleResult, rule: str) -> str:
    """The detail of an inconclusive data finding: the rule, and why it did not decide."""
    return rule + (f" {ONE_SEED}" if len(r.seeds) < 2 else " The seeds do not all fall on one side of it.")


def _rising_finding(r: DataScaleResult) -> Finding | None:
    big = largest_net(r)
    late = _late_gain(r, big) if big else None
    if not late:
        return None
    label = r.learner(big).label
    verdict = decide(late.flat is False, late.flat is True, late.per_seed.n)
    return Finding(
        "large_net_rising", "data", "The largest neural net keeps improving as m grows.", verdict,
        f"The {label} went from {pct(r.accuracy(big, late.m_from).mean)} at m = {late.m_from:,} to "
        f"{pct(r.accuracy(big, late.m_to).mean)} at m = {late.m_to:,}, a gain of {points(late.gain)}"
        f"{_across(late.per_seed)}.",
        {Verdict.SUPPORTED: f"Every seed gained at least {points(late.rise)} over {LATE} the m range "
                            "(log scale): more data was still helping where the grid ends.",
         Verdict.CONTRADICTED: f"Every seed gained under {points(PLATEAU_GAIN)} over {LATE} the m "
                               "range: on this grid and budget the net, not the data, is the limit.",
         Verdict.INCONCLUSIVE: _undecided(r, f"Rising means a gain of at least {points(late.rise)} in every "
                                             f"seed over {LATE} the m range (log scale){_rise_why(r)}; a plateau, "
                                             f"under {points(PLATEAU_GAIN)} in every seed.")}[verdict],
        {"gain": late.gain})


def _win_finding(r: DataScaleResult) -> Finding | None:
    """The largest net against every traditional learner, each at the largest m both reached, seed by seed."""
    big = largest_net(r)
    if not big:
        return None
    leads = {}
    for x in (x.name for x in r.learners if x.name in TRADITIONAL):
        common = [m for m in r.m_run(x) if m in r.m_run(big)]
        if common and (lead := paired(r, (big, common[-1]), (x, common[-1]))):
            leads[x] = (common[-1], lead)
    if not leads:
        return None
    label, margin = r.learner(big).label, noise(r)
    beaten = [x for x, (_, d) in leads.items() if d.below(-margin)]
    verdict = decide(all(d.above(margin) for _, d in leads.values()), bool(beaten),
                     min(d.n for _, d in leads.values()))
    parts = [f"at m = {m:,}{_capped(r, x)}, the {label} scored {pct(r.accuracy(big, m).mean)} against "
             f"{pct(r.accuracy(x, m).mean)} for {r.learner(x).label}: "
             f"{'a lead of' if d.mean >= 0 else 'behind by'} {points(abs(d.mean))}{_across(d)}"
             for x, (m, d) in leads.items()]
    summary = "; ".join(parts)
    return Finding(
        "nets_win_at_scale", "data", "With the most data, the large neural net beats traditional learners.", verdict,
        summary[0].upper() + summary[1:] + ".",
        {Verdict.SUPPORTED: f"The net led every traditional learner by more than {points(margin)} in every "
                            "seed, each compared at the largest m both were run at.",
         Verdict.CONTRADICTED: f"{_and([r.learner(x).label for x in beaten])} led the net by more than "
                               f"{points(margin)} in every seed.",
         Verdict.INCONCLUSIVE: _undecided(r, f"A win is a lead of more than {points(margin)} in every seed over "
                                             "every traditional learner, each at the largest m both were run at.")
         }[verdict] + f" The noise margin is {_noise_words(r)}.",
        {f"lead_over_{x}": d.mean for x, (_, d) in leads.items()})


@dataclass(frozen=True)
class CurveCheck:
    """The power law of test error fitted past the small-data region, and tested on a point it was not fitted to,
    against two rivals: the power law without a floor, and no gain after the last fitted point.

    The tolerance is the seeds' range at the held-out m, never under the test set's noise `noise(r)`: a prediction
    closer than the seeds are to each other cannot be told from it. A wider range makes the law easier to accept
    and, since both are judged against the same tolerance, the curve that stopped rising harder to rule out:
    noisier seeds leave the check inconclusive rather than make it easier to pass."""

    m_fit: list[int]  # the m values past the small-data region
    fit: PowerLaw  # fitted to all of them (mean over seeds)
    exponent: tuple[float, float] | None  # spread of b over resamples of the seeds; None with one seed
    held_out_m: int  # the largest m, left out of the fit that predicts it
    measured: float  # accuracy there, mean over seeds
    predicted: float  # accuracy there by the power law fitted without it
    predicted_range: tuple[float, float] | None  # spread of that prediction over resamples of the seeds
    rival: float | None  # accuracy there by the power law without a floor, fitted likewise
    carried: float  # accuracy there if the curve stopped rising: the last fitted point's mean, carried forward
    tolerance: float  # the noise a prediction must land within: the seeds' range there, at least the test set's
    per_seed: list[list[float]]  # each seed's test error at m_fit, for resamples of what the fit implies
    floor: tuple[float, float] | None = None  # lowest and highest floor c over every resample of the seeds

    @property
    def miss(self) -> float:
        """Measured minus predicted accuracy at the held-out m."""
        return self.measured - self.predicted

    @property
    def holds(self) -> bool:
        return abs(self.miss) <= self.tolerance

    @property
    def fall(self) -> float:
        """How much the fitted error falls over the fitted range: a law that predicts no fall describes nothing."""
        return self.fit.error(self.m_fit[0]) - self.fit.error(self.m_fit[-1])

    @property
    def flat(self) -> bool:
        return self.fall <= self.tolerance

    @property
    def carried_miss(self) -> float:
        """Measured accuracy at the held-out m minus the last fitted point's, carried forward."""
        return self.measured - self.carried

    @property
    def carried_holds(self) -> bool:
        """No gain after the last fitted point predicts the held-out point within the noise too: the check cannot
        tell a power law from a curve that stopped rising."""
        return abs(self.carried_miss) <= self.tolerance

    @property
    def pinned(self) -> bool:
        """The floor sits at its bound 0, in the fit or in any resample of the seeds: the fit found no level it can
        state, which does not show there is none."""
        return self.fit.c < NO_FLOOR or self.floor is not None and self.floor[0] < NO_FLOOR

    def verdict(self, seeds: int) -> Verdict:
        """SUPPORTED: the held-out point predicted within the noise by a law that falls by more than the noise,
        which no gain after the last fitted point could not have predicted as well, with an exponent negative in
        every resample of the seeds; CONTRADICTED: the held-out point missed by more than the noise."""
        negative = self.exponent is not None and self.exponent[1] < 0
        return decide(self.holds and negative and not self.flat and not self.carried_holds, not self.holds, seeds)


def small_data_cut(ms: list[int]) -> float:
    """The smallest m fitted: the lowest SMALL_DATA_SHARE of the log-m range is the small-data region."""
    return math.exp(math.log(ms[0]) + SMALL_DATA_SHARE * (math.log(ms[-1]) - math.log(ms[0])))


def _fitter(m: list[int]):
    """fit_power_law on m, each curve fitted once: the exponent's and the floor's resamples share their fits."""
    seen: dict[tuple[float, ...], PowerLaw | None] = {}

    def fit(error: list[float]) -> PowerLaw | None:
        key = tuple(error)
        if key not in seen:
            seen[key] = fit_power_law(m, error)
        return seen[key]
    return fit


def curve_check(r: DataScaleResult, learner: str) -> CurveCheck | None:
    ms = r.m_run(learner)
    if len(ms) < 2:
        return None
    m_fit = [m for m in ms if m >= small_data_cut(ms) * (1 - 1e-9)]
    cells = [_per_seed(r, learner, m) for m in m_fit]
    seeds = [s for s in r.seeds if all(s in c for c in cells)]
    if len(m_fit) < FIT_POINTS + 1 or not seeds:
        return None
    curves = [[1 - c[s] for c in cells] for s in seeds]
    mean = [statistics.fmean(c[j] for c in curves) for j in range(len(m_fit))]
    fitted = _fitter(m_fit)
    fit, early = fitted(mean), fit_power_law(m_fit[:-1], mean[:-1])
    if fit is None or early is None:
        return None
    rival = fit_power_law_no_floor(m_fit[:-1], mean[:-1])
    many = len(seeds) > 1
    predict = lambda error: 1 - f.error(m_fit[-1]) if (f := fit_power_law(m_fit[:-1], error)) else None
    floors = bootstrap(curves, lambda error: f.c if (f := fitted(error)) else None) if many else []
    at_held_out = [1 - c[-1] for c in curves]
    return CurveCheck(
        m_fit, fit, interval(bootstrap(curves, lambda error: f.b if (f := fitted(error)) else None)) if many else None,
        m_fit[-1], statistics.fmean(at_held_out), 1 - early.error(m_fit[-1]),
        interval(bootstrap([c[:-1] for c in curves], predict)) if many else None,
        1 - rival.error(m_fit[-1]) if rival else None, 1 - mean[-2],
        max(max(at_held_out) - min(at_held_out), noise(r)), curves, (min(floors), max(floors)) if floors else None)


@dataclass(frozen=True)
class Trend:
    """How one learner's accuracy and cost move with m."""

    learner: str
    late_gain: LateGain | None  # accuracy gained over the last LATE_SHARE of its m range
    check: CurveCheck | None  # test error against m, past the small-data region
    time_exponent: Spread | None  # fit time grows like m to this power, per seed

    @property
    def fit(self) -> PowerLaw | None:
        return self.check.fit if self.check else None

    @property
    def plateaued(self) -> bool | None:
        return None if self.late_gain is None else self.late_gain.flat


def trends(r: DataScaleResult) -> list[Trend]:
    out = []
    for x in r.learners:
        ms = r.m_run(x.name)
        seconds = [{f.seed: f.cost_seconds for f in r.fits if f.learner == x.name and f.m == m} for m in ms]
        growth = [g for s in r.seeds if all(s in c for c in seconds)
                  and (g := growth_exponent(ms, [c[s] for c in seconds])) is not None]
        out.append(Trend(x.name, _late_gain(r, x.name), curve_check(r, x.name), Spread.of(growth) if growth else None))
    return out


def _levels(c: CurveCheck) -> str:
    """The level 1 - c over resamples of the seeds, lowest to highest ("" with one seed)."""
    return f"{pct(1 - c.floor[1])} to {pct(1 - c.floor[0])}" if c.floor else ""


def level_words(c: CurveCheck) -> str:
    """The level the fit finds with its spread over resamples of the seeds, or why there is none to state."""
    if not c.pinned:
        return pct(1 - c.fit.c) + (f" ({_levels(c)})" if c.floor else "")
    return "none found (floor at its bound 0" + (
        f" in some resamples of the seeds: levels of {_levels(c)})" if c.fit.c >= NO_FLOOR else ")")


def _level(c: CurveCheck) -> str:
    if not c.pinned:
        return f"levelling off at {pct(1 - c.fit.c)}" + (
            f" ({_levels(c)} over resamples of the seeds)" if c.floor else "")
    some = f" in some resamples of the seeds (levels of {_levels(c)})" if c.fit.c >= NO_FLOOR else ""
    return f"its floor sits at the bound 0{some}, so the fit finds no level (which does not show there is none)"


def _rival(c: CurveCheck) -> str:
    if c.rival is None:
        return ""
    if abs(c.rival - c.predicted) < 5e-4:  # the fit without the held-out point put its floor at 0
        return " Its floor at 0, that fit is the same curve as the power law without a floor."
    rival_miss = c.measured - c.rival
    if abs(rival_miss) <= c.tolerance and c.holds:
        return (f" The power law without a floor predicted {pct(c.rival)}: both are within the noise, so this check "
                "cannot tell them apart.")
    better = "the power law with a floor" if abs(c.miss) < abs(rival_miss) else "the power law without a floor"
    return (f" The power law without a floor predicted {pct(c.rival)} (a miss of {points(abs(rival_miss))}): "
            f"{better} describes the held-out point better.")


def _no_change(c: CurveCheck) -> str:
    """The law against a curve that does not move: its fitted fall, and what no gain after the last fitted point
    predicted."""
    words = ""
    if c.flat:
        words += (f" The fitted error falls by only {points(c.fall)} from m = {c.m_fit[0]:,} to {c.m_fit[-1]:,}, "
                  "within the noise: a law that predicts no fall describes nothing.")
    said = (f"No gain after m = {c.m_fit[-2]:,} (its {pct(c.carried)} carried forward) misses the held-out point by "
            f"{points(abs(c.carried_miss))}")
    words += (f" {said}, within the noise as the law's {points(abs(c.miss))} is: this check cannot tell a power "
              "law from a curve that stopped rising." if c.carried_holds and c.holds
              else f" {said}, {'within' if c.carried_holds else 'more than'} the noise.")
    return words


LAW_RULE = ("Following the law means predicting the held-out point within the noise (the seeds' range there, at "
            "least the test set's noise margin), with a fitted fall over the fitted range larger than the noise, "
            "better than no gain after the last fitted point (its accuracy carried forward) could, and an exponent "
            "negative in every resample of the seeds; missing it by more than the noise contradicts the law.")


def _resampled(seeds: int) -> str:
    """What the ranges 'over resamples of the seeds' are, and are not."""
    if seeds < 2:
        return ""
    distinct = len({tuple(sorted(d)) for d in resamples(seeds)})
    return (f"The ranges over resamples of the seeds come from {distinct} distinct resamples of the {seeds} seeds "
            "(drawn with replacement): they show the spread over seeds, not a confidence interval. ")


def _law_undecided(r: DataScaleResult, c: CurveCheck) -> str:
    """Why a power-law check decided nothing."""
    if len(c.per_seed) < 2:
        return f"{LAW_RULE} {ONE_SEED}"
    if c.flat:
        return f"{LAW_RULE} Here the curve moves too little past the small-data region for the check to mean anything."
    if c.carried_holds:
        return (f"{LAW_RULE} Here the curve gains too little after its last fitted point: carried forward, that "
                "point predicts the held-out one within the noise too.")
    return f"{LAW_RULE} Here the exponent is not negative in every resample of the seeds."


def _power_law_finding(r: DataScaleResult, measured: list[Trend]) -> Finding | None:
    big = largest_net(r)
    if not big:
        return None
    checks = {t.learner: t.check for t in measured if t.check}
    claim = ("Test error falls as a power law of m past the small-data region, err = a·m^b + c "
             "(Hestness et al. 2017).")
    rule = (f"The fit leaves out the lowest {SMALL_DATA_SHARE:.0%} of each learner's log-m range (the small-data "
            f"region) and needs {FIT_POINTS} points besides the largest m, which it is then asked to predict.")
    label = r.learner(big).label
    c = checks.get(big)
    if not c:
        return Finding("power_law", "data", claim, Verdict.INCONCLUSIVE,
                       f"The {label}'s curve has too few points past the small-data region to fit and check.", rule,
                       tested=False)
    verdict = c.verdict(len(c.per_seed))
    b_range = f" ({c.exponent[0]:.2f} to {c.exponent[1]:.2f} over resamples of the seeds)" if c.exponent else ""
    p_range = f" ({pct(c.predicted_range[0])} to {pct(c.predicted_range[1])})" if c.predicted_range else ""
    summary = (f"Fitted on m = {c.m_fit[0]:,} to {c.m_fit[-1]:,}, the {label} has b = {c.fit.b:.2f}{b_range}, "
               f"{_level(c)}. Fitted without m = {c.held_out_m:,}, it predicted {pct(c.predicted)}{p_range} there "
               f"against {pct(c.measured)} measured: a miss of {points(abs(c.miss))}, against a noise of "
               f"{points(c.tolerance)}.{_no_change(c)}{_rival(c)}")
    others = "; ".join(f"{r.learner(n).label}: b = {o.fit.b:.2f}, held-out miss {points(abs(o.miss))}"
                       + f", level: {level_words(o)}"
                       for n, o in checks.items() if n != big)
    detail = {
        Verdict.SUPPORTED: "The fit predicted the held-out point within the noise, no gain after the last fitted "
                           "point could not have, and its exponent is negative in every resample of the seeds.",
        Verdict.CONTRADICTED: "The fit missed the held-out point by more than the noise: past the small-data region "
                              "this curve does not follow one power law on this grid.",
        Verdict.INCONCLUSIVE: _law_undecided(r, c),
    }[verdict] + (f" The noise is the seeds' range at the held-out m, and at least the noise margin of "
                  f"{_noise_words(r)}. {_resampled(len(c.per_seed))}{rule} ") + (
        "Hestness et al. published exponents between -0.07 and -0.35 on far larger tasks.") + (
        f" Other learners: {others}." if others else "")
    numbers = {f"{n}_exponent": o.fit.b for n, o in checks.items()} | {"held_out_miss": c.miss,
                                                                        "no_gain_miss": c.carried_miss}
    return Finding("power_law", "data", claim, verdict, summary, detail, numbers)


@dataclass(frozen=True)
class Projection:
    """How much data the best learner's power law says a target accuracy needs, or why it says nothing."""

    learner: str
    target: float
    m: float | None  # None: the fit stays below the target up to PROJECT_FACTOR times the largest m, or no projection
    interval: tuple[float, float] | None  # spread over resamples of the seeds; math.inf: never, in some of them
    withheld: str = ""  # why no projection is made
    reach: tuple[float, float, float] | None = None  # with m None: the fit's accuracy at PROJECT_FACTOR times the
    # largest m, and its spread over resamples of the seeds
    ran_out: Spread | None = None  # training accuracy at the largest m where every seed's fit ran the whole step
    # budget without fitting its training set: the curve's top is then the budget's as much as the data's

    @property
    def made(self) -> bool:
        return not self.withheld


def _withheld(r: DataScaleResult, measured: list[Trend], best: str) -> str:
    """Why no projection may be made from the best learner's curve, in words; "" where one may."""
    t = next(t for t in measured if t.learner == best)
    c, label = t.check, r.learner(best).label
    if c is None:
        return f"the {label}'s curve has too few points past the small-data region to fit and check a power law"
    if len(c.per_seed) < 2:
        return "one seed gives the fit no spread to state"
    if t.late_gain and t.late_gain.flat is True:
        return (f"the {label}'s curve has levelled (every seed gained under {points(PLATEAU_GAIN)} over the "
                f"{LATE[4:]} its range), and a power law says nothing past a level")
    if not c.holds:
        return (f"the {label}'s power law missed its held-out point by {points(abs(c.miss))}, more than the "
                f"noise of {points(c.tolerance)}")
    if c.flat:
        return (f"the {label}'s curve moves too little past the small-data region: its power law cannot be told "
                "from no change")
    if c.carried_holds:
        return (f"the {label}'s curve gains too little after m = {c.m_fit[-2]:,}: its power law cannot be told "
                "from a curve that stopped rising there")
    if c.verdict(len(c.per_seed)) is not Verdict.SUPPORTED:
        return f"the {label}'s power-law exponent is not negative in every resample of the seeds"
    big = largest_net(r)
    law = next((t.check for t in measured if t.learner == big), None) if big else None
    if law is None or law.verdict(len(law.per_seed)) is not Verdict.SUPPORTED:
        return "the power-law finding is not supported on this run"
    if c.pinned:
        some = " in some resamples of the seeds" if c.fit.c >= NO_FLOOR else ""
        return (f"the {label}'s fitted floor sits at its bound 0{some}, so the fit finds no level and would let the "
                "error fall without end")
    return ""


def ran_out(r: DataScaleResult, learner: str, steps: int | None) -> Spread | None:
    """Training accuracy of the learner's fits at the largest m, where every seed's ran all `steps` (the nets' step
    budget, from the profile) without fitting its training set; None where any stopped early or fitted it."""
    fits = [f for f in r.fits if f.learner == learner and f.m == r.m_values[-1]]
    if steps is None or not fits or any(f.steps != steps or f.train_accuracy >= 1 for f in fits):
        return None
    return Spread.of([f.train_accuracy for f in fits])


def data_needed(r: DataScaleResult, measured: list[Trend], steps: int | None = None) -> Projection | None:
    """The projection for the best learner at the largest m; the target is the run's target accuracy, or else
    five points above the best accuracy measured. Made only where its power law passed every check, its floor is
    not pinned and there are seeds to give it a spread; it speaks of no m past PROJECT_FACTOR times the largest m,
    so a target the fit does not reach by then is said as the accuracy it reaches there. `steps`: the nets' step
    budget, to tell whether the best learner's fits at the largest m all ran it out."""
    if not r.m_values:
        return None
    m_max = r.m_values[-1]
    at_max = [x.name for x in r.learners if r.accuracy(x.name, m_max)]
    if not at_max:
        return None
    best = max(at_max, key=lambda x: r.accuracy(x, m_max).mean)
    target = r.target_accuracy or min(r.accuracy(best, m_max).mean + 0.05, 0.99)
    withheld = _withheld(r, measured, best)
    if withheld:
        return Projection(best, target, None, None, withheld)
    c, limit = next(t.check for t in measured if t.learner == best), PROJECT_FACTOR * m_max
    m = c.fit.m_for_error(1 - target)
    if m is None or m > limit:
        reach = lambda error: 1 - f.error(limit) if (f := fit_power_law(c.m_fit, error)) else None
        at = 1 - c.fit.error(limit)
        return Projection(best, target, None, None, reach=(at, *(interval(bootstrap(c.per_seed, reach)) or (at, at))),
                          ran_out=ran_out(r, best, steps))
    needs = lambda error: (f.m_for_error(1 - target) or math.inf) if (f := fit_power_law(c.m_fit, error)) else None
    return Projection(best, target, m, interval(bootstrap(c.per_seed, needs, infinite=True)),
                      ran_out=ran_out(r, best, steps))


def _cost_finding(r: DataScaleResult, measured: list[Trend]) -> Finding | None:
    growth = {t.learner: t.time_exponent for t in measured if t.time_exponent is not None}
    if "svm_rbf" not in growth or len(r.m_run("svm_rbf")) < 3:
        return None
    k = growth["svm_rbf"]
    verdict = decide(k.above(SUPERLINEAR), k.below(1), k.n)
    traditional = {n: v for n, v in growth.items() if n != "svm_rbf" and r.learner(n).kind == "traditional"}
    others = ", ".join(f"{r.learner(n).label} {power_of_m(v.mean)}" for n, v in traditional.items())
    faster = [r.learner(n).label for n, v in traditional.items() if v.mean > k.mean]
    spread = f" ({k.low:.1f} to {k.high:.1f} across {k.n} seeds)" if k.n > 1 else " (one seed)"
    summary = (f"The RBF SVM's fit time grew like {power_of_m(k.mean)}{spread} over the upper half of its range"
               + (f" (others: {others})" if others else "") + "."
               + (f" {_and(faster)} grew faster than the SVM here." if faster else "")
               + _nets_cost(r, [n for n in growth if r.learner(n).kind == "neural"]))
    return Finding(
        "svm_cost", "data", "A kernel SVM's training cost grows faster than the data.", verdict, summary,
        {Verdict.SUPPORTED: f"Every seed's exponent is above {SUPERLINEAR:g}: clearly faster than linear, so each "
                            "doubling of the data more than doubles the SVM's fit.",
         Verdict.CONTRADICTED: "Every seed's exponent is below 1: the SVM's cost grew no faster than the data here.",
         Verdict.INCONCLUSIVE: _undecided(r, f"Faster than the data means an exponent above {SUPERLINEAR:g} in "
                                             "every seed; below 1 in every seed would contradict it.")}[verdict]
        + " Fit times are of the final fit only (model selection excluded) and depend on the machine's load.",
        {"svm_time_exponent": k.mean})


def _nets_cost(r: DataScaleResult, nets: list[str]) -> str:
    """Why the nets' cost exponents are not set beside the SVM's: a net trains for a number of steps whatever m is,
    so its fit time follows its steps, not m. The steps taken over the upper half of the grid, where recorded."""
    if not nets:
        return ""
    upper = r.m_values[-max(len(r.m_values) // 2, 2):]
    steps = [f.steps for f in r.fits if f.learner in nets and f.m in upper]
    took = ""
    if steps and None not in steps:
        took = f"{min(steps):,} to {max(steps):,}" if min(steps) < max(steps) else f"{steps[0]:,}"
        took = f" (from m = {upper[0]:,} to {upper[-1]:,} every net's fit took {took} Adam steps)"
    return (f" The {_and([r.learner(n).label for n in nets])} are not listed: a net trains for a budget of steps "
            f"whatever m is, so its cost is set by its steps, not by m{took}.")


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
    ranked = sorted((x.name for x in r.learners if r.accuracy(x.name, m0)), key=lambda x: -r.accuracy(x, m0).mean)
    at_max = [x.name for x in r.learners if r.accuracy(x.name, m_max)]
    if len(ranked) < 2 or not at_max:
        return None  # a ranking needs two learners
    first, second = ranked[:2]
    leads = [d for x in ranked[1:] if (d := paired(r, (first, m0), (x, m0)))]
    if not leads:
        return None  # no seed ran both
    lead, margin = leads[0], noise(r)
    leaders = winners(r, m0)
    disagree = len(set(leaders)) > 1 or lead.low <= 0  # another learner led (or tied) in some seed
    settled = not disagree and all(d.above(margin) for d in leads)
    verdict = decide(disagree, settled, min(d.n for d in leads))
    name = lambda x: r.learner(x).label
    best_at_max = max(at_max, key=lambda x: r.accuracy(x, m_max).mean)
    summary = (f"At m = {m0:,} {name(first)} scored {pct(r.accuracy(first, m0).mean)} and led in "
               f"{leaders.count(first)} of {len(leaders)} seed(s); its paired lead over {name(second)} was "
               f"{points(lead.mean)}{_across(lead)}. At m = {m_max:,} the best was {name(best_at_max)}.")
    since = stable_from(r)
    if len(r.seeds) > 1:
        summary += (f" Every seed names that winner from m = {since:,} on." if since is not None else
                    " The seeds do not agree on the winner even at the largest m.")
    detail = {
        Verdict.SUPPORTED: "The seeds disagree on the leader: with this little data the ranking is not settled.",
        Verdict.CONTRADICTED: f"{name(first)} led every other learner by more than {points(margin)} in every "
                              "seed: at this m the ranking is settled.",
        Verdict.INCONCLUSIVE: (f"Settled means one learner leads every other by more than {points(margin)} in "
                               "every seed; not settled, seeds disagreeing on the leader. "
                               + (ONE_SEED if len(leaders) < 2 else
                                  f"{name(first)} led in every seed, but not by more than {points(margin)} over "
                                  "every other learner in every seed: a lead this small and this steady is "
                                  "neither settled nor shown to be unsettled.")),
    }[verdict] + f" The noise margin is {_noise_words(r)}."
    return Finding("small_m_ranking", "data", "With little data, the ranking of learners is not settled.",
                   verdict, summary, detail,
                   {"gap_at_smallest_m": lead.mean, **({"stable_from_m": since} if since is not None else {})})


# --- algorithms ----------------------------------------------------------------------------------------------

def _init_name(init: str) -> str:
    return {"default": "PyTorch's default", "he": "He", "glorot": "Glorot"}.get(init, init)


def _own_init(r: ActivationsResult, activation: str) -> str:
    """The initialisation designed for the activation where this run has it, else the default (older files)."""
    init = DESIGNED.get(activation, "default")
    has = r.has_init(activation, init) or (r.depths and r.gradient(activation, max(r.depths), init=init))
    return init if has else "default"


def _ratio(g: GradientProfile) -> str:
    """The output/input ratio with its range over the (seed, batch) samples."""
    s = g.samples
    return times(g.ratio) + (f" ({times(min(s))} to {times(max(s))} over {len(s)} seed and batch samples)"
                             if len(s) > 1 else " (one sample)")


def activation_findings(r: ActivationsResult) -> list[Finding]:
    found = [_sigmoid_finding(r), _relu_finding(r), _init_finding(r)] if r.depths else []
    found += [_race_finding(r, "sigmoid"), _race_finding(r, "tanh")] if r.learning_rates else []
    return [f for f in found if f]


def _gradient_rule() -> str:
    return (f"A ratio of {VANISH_RATIO} or more ({math.log10(VANISH_RATIO):g} orders of magnitude) in every sample means the first layers "
            f"barely learn; under {KEEP_RATIO} in every sample means the signal reaches them.")


def _listing(r: ActivationsResult, activation: str, init: str) -> str:
    return ", ".join(f"{times(g.ratio)} at {d} hidden layers" for d in r.depths
                     if (g := r.gradient(activation, d, init=init)))


def _undecided_seeds(r: ActivationsResult, rule: str) -> str:
    return rule + (f" {ONE_SEED}" if len(r.seeds) < 2 else " The samples do not all fall on one side of it.")


def _growth(deep: GradientProfile, shallow: GradientProfile) -> tuple[list[float], bool]:
    """The deeper net's ratio over the shallower's, sample by sample: the same (seed, probe batch) paired where both
    kept the same samples, else every pairing of the two. Pairs where the input gradient underflowed to zero at
    both depths have no ratio; the flag says every pair was such (it vanished entirely at both depths)."""
    a, b = deep.samples, shallow.samples
    pairs = list(zip(a, b)) if len(a) == len(b) else [(x, y) for x in a for y in b]
    both = [math.isinf(x) and math.isinf(y) for x, y in pairs]
    return [x / y for (x, y), gone in zip(pairs, both) if not gone and y > 0], bool(pairs) and all(both)


def _pairs_words(growth: list[float]) -> str:
    """Growth with depth over the pairs of samples: '1.5× in every pair', or the range and its median."""
    lo, hi = times(min(growth)), times(max(growth))
    if len(growth) == 1:
        return lo
    if lo == hi:
        return f"{lo} in every pair of samples"
    return f"{lo} to {hi} sample by sample (median {times(statistics.median(growth))})"


def _sigmoid_finding(r: ActivationsResult) -> Finding | None:
    deepest, shallowest = max(r.depths), min(r.depths)
    g = r.gradient("sigmoid", deepest)
    if not g or math.isnan(g.ratio):
        return None  # no signal at all: left out, not guessed
    shallow = r.gradient("sigmoid", shallowest) if shallowest < deepest else None
    growth, gone = _growth(g, shallow) if shallow and not math.isnan(shallow.ratio) else ([], False)
    grows = bool(growth) and statistics.median(growth) >= DEPTH_GROWTH or gone
    verdict = decide(min(g.samples) >= VANISH_RATIO and grows,
                     max(g.samples) < KEEP_RATIO or bool(growth) and statistics.median(growth) <= 1, len(r.seeds))
    own = r.gradient("sigmoid", deepest, init=_own_init(r, "sigmoid"))
    summary = (f"Under PyTorch's default initialisation the output layer's mean |gradient| exceeded the input "
               f"layer's by {_listing(r, 'sigmoid', 'default')}; at {deepest} hidden layers {_ratio(g)}.")
    if gone:
        summary += (f" At {shallowest} hidden layers too the input layer's gradient underflowed to zero: it vanished "
                    "entirely at both depths.")
    elif growth:
        moved = "grew" if g.ratio > shallow.ratio else "fell"
        summary += (f" From {shallowest} to {deepest} hidden layers it {moved} from {times(shallow.ratio)} to "
                    f"{times(g.ratio)}, by {_pairs_words(growth)}.")
    if own and own is not g:
        summary += f" Under Glorot initialisation: {_ratio(own)}."
    rule = (f"{_gradient_rule()} Vanishing also means the ratio grows with depth: at {deepest} hidden layers at "
            f"least {DEPTH_GROWTH:g} times what it is at {shallowest} in the median pair of samples from the same seed "
            "and batch (the nets at two depths are different draws, so single pairs are noisy); no growth in the "
            "median pair contradicts it.")
    if not growth and not gone:
        rule += " This run has one depth (or no signal at the shallowest), so growth with depth is not measured."
    source = ("Glorot and Bengio (2010) published shrinking gradients with sigmoid units and this same standard "
              "initialisation (5 hidden layers of 1,000 units, MNIST and Shapeset); ours is measured on "
              f"{r.width}-unit layers and MNIST-1D")
    detail = {Verdict.SUPPORTED: f"{rule} {source}, and this run agrees.",
              Verdict.CONTRADICTED: f"{rule} {source}; this run does not reproduce it.",
              Verdict.INCONCLUSIVE: _undecided_seeds(r, rule)}[verdict]
    numbers = {f"ratio_depth_{d}": x.ratio for d in r.depths if (x := r.gradient("sigmoid", d))}
    if growth and math.isfinite(min(growth)):
        numbers["growth_low"] = min(growth)
    return Finding("sigmoid_vanishing", "algorithms", "Sigmoid gradients vanish on their way back to the input layer.",
                   verdict, summary, detail, numbers)


def _init_effect(own: GradientProfile, default: GradientProfile) -> str:
    """What He's initialisation did to ReLU's ratio, in words sized by the measurement: a change only where every
    sample under one initialisation lies beyond every sample under the other."""
    change = f"from {times(default.ratio)} under PyTorch's default to {times(own.ratio)} under He"
    if min(default.samples) > max(own.samples):
        words = f"He's initialisation lowered ReLU's ratio {times(default.ratio / own.ratio)}, {change}"
        if max(own.samples) < KEEP_RATIO <= KEPT_NOT <= min(default.samples):
            return (words + f", from {KEPT_NOT}× or more to under {KEEP_RATIO}× in every sample: the default's "
                    "ratio came from the weights' scale (a sixth of He's variance per layer), not from ReLU.")
        return words + "."
    if max(default.samples) < min(own.samples):
        return (f"He's initialisation raised ReLU's ratio {times(own.ratio / default.ratio)}, {change}: here the "
                "initialisation designed for ReLU did not help its gradients.")
    return (f"The initialisation made no clear difference to ReLU's ratio ({change}; the samples under the two "
            "overlap).")


def _relu_finding(r: ActivationsResult) -> Finding | None:
    deepest, init = max(r.depths), _own_init(r, "relu")
    g = r.gradient("relu", deepest, init=init)
    if not g or math.isnan(g.ratio):
        return None  # no signal at all: left out, not guessed
    shallowest = min(r.depths)
    shallow = r.gradient("relu", shallowest, init=init) if shallowest < deepest else None
    growth, _ = _growth(g, shallow) if shallow and not math.isnan(shallow.ratio) else ([], False)
    steady = not growth or statistics.median(growth) < DEPTH_GROWTH  # one depth: growth not measured nor held against
    verdict = decide(max(g.samples) < KEEP_RATIO and steady, min(g.samples) >= KEPT_NOT, len(r.seeds))
    default = r.gradient("relu", deepest)
    summary = (f"Under {_init_name(init)} initialisation the output layer's mean |gradient| exceeded the input "
               f"layer's by {_listing(r, 'relu', init)}; at {deepest} hidden layers {_ratio(g)}.")
    if growth:
        summary += f" From {shallowest} to {deepest} hidden layers the ratio changed by {_pairs_words(growth)}."
    effect = ""
    if default and default is not g:
        summary += f" Under PyTorch's default initialisation: {_ratio(default)}."
        effect = " " + _init_effect(g, default)
    elif init == "default":
        effect = " This results file has no He-initialised nets, so the initialisation is not controlled."
    rule = (f"Within {math.log10(KEEP_RATIO):g} order of magnitude is a ratio under {KEEP_RATIO} in every sample, "
            f"and one that does not grow with depth: under {DEPTH_GROWTH:g} times the shallowest net's in the median "
            "pair of samples, since a ratio that compounds layer by layer leaves the order of magnitude in a deeper "
            "net; "
            f"{KEPT_NOT} or more in every sample plainly is not within it.")
    if not steady and max(g.samples) < KEEP_RATIO:
        rule += (f" Here the ratio is under {KEEP_RATIO}× at {deepest} hidden layers but grew with depth by "
                 f"{DEPTH_GROWTH:g}× or more in the median pair.")
    detail = {Verdict.SUPPORTED: rule, Verdict.CONTRADICTED: rule,
              Verdict.INCONCLUSIVE: _undecided_seeds(r, rule)}[verdict] + effect
    return Finding("relu_keeps_gradients", "algorithms",
                   "ReLU keeps gradients within one order of magnitude across depth.", verdict, summary, detail,
                   {f"ratio_depth_{d}": x.ratio for d in r.depths if (x := r.gradient("relu", d, init=init))}
                   | ({"ratio_default_init": default.ratio} if default else {}))


def _fold(x: float) -> str:
    """A ratio as a multiple in a sentence: '30.0 times', '1.2×10⁵ times'."""
    word = times(x)
    return word.removesuffix("×") + " times"


def _init_finding(r: ActivationsResult) -> Finding | None:
    """What the activation does, told apart from what the initialisation does, at the deepest net."""
    deepest = max(r.depths)
    sig_init, relu_init = _own_init(r, "sigmoid"), _own_init(r, "relu")
    sig, relu = r.gradient("sigmoid", deepest, init=sig_init), r.gradient("relu", deepest, init=relu_init)
    sig0, relu0 = r.gradient("sigmoid", deepest), r.gradient("relu", deepest)
    if not (sig and relu and sig0 and relu0) or sig_init == "default" or relu_init == "default" or any(
            not math.isfinite(g.ratio) or g.ratio == 0 for g in (sig, relu, sig0, relu0)):
        return None
    verdict = decide(min(sig.samples) >= VANISH_RATIO and max(relu.samples) < KEEP_RATIO,
                     max(sig.samples) < KEEP_RATIO, len(r.seeds))
    moved = [f"from {times(sig0.ratio)} to {times(sig.ratio)} for sigmoid",
             f"from {times(relu0.ratio)} to {times(relu.ratio)} for ReLU"]
    if (tanh0 := r.gradient("tanh", deepest)) and (tanh := r.gradient("tanh", deepest, init=_own_init(r, "tanh"))) \
            and tanh is not tanh0:
        moved.append(f"from {times(tanh0.ratio)} to {times(tanh.ratio)} for tanh")
    summary = (f"At {deepest} hidden layers sigmoid's output/input gradient ratio was {_fold(sig0.ratio / relu0.ratio)} "
               f"ReLU's under PyTorch's default initialisation, and {_fold(sig.ratio / relu.ratio)} ReLU's with "
               f"each activation's own (Glorot for sigmoid: {_ratio(sig)}; He for ReLU: {_ratio(relu)}). The "
               f"initialisation alone moved the ratio {_and(moved)}.")
    rule = (f"The activation is the cause if, with each activation's own initialisation, sigmoid still reaches "
            f"{VANISH_RATIO}× in every sample while ReLU stays under {KEEP_RATIO}×; the initialisation is, if Glorot's "
            f"alone brings sigmoid under {KEEP_RATIO}×.")
    detail = {Verdict.SUPPORTED: rule + " Here the activation's effect survives the change of initialisation.",
              Verdict.CONTRADICTED: rule + " Here the initialisation, not the activation, decided it.",
              Verdict.INCONCLUSIVE: _undecided_seeds(r, rule)}[verdict] + (
        " Glorot's initialisation here is the standard one (gain 1), derived for activations of slope 1 at zero; "
        "the four times wider range often used for sigmoid, whose slope at zero is 1/4, was not tried, and would "
        "likely shrink sigmoid's ratio further, so the sigmoid-to-ReLU multiple above is an upper estimate.")
    return Finding("activation_not_init", "algorithms",
                   "Vanishing gradients come from the sigmoid itself: they remain when each activation gets the "
                   "initialisation designed for it.", verdict, summary, detail,
                   {"advantage_default_init": sig0.ratio / relu0.ratio, "advantage_own_init": sig.ratio / relu.ratio,
                    "relu_init_effect": relu0.ratio / relu.ratio, "sigmoid_init_effect": sig0.ratio / sig.ratio})


def steps_to_target(r: ActivationsResult, activation: str, init: str = "default") -> tuple[float | None, float | None]:
    """Median steps and seconds to the target over seeds at the best rate; None if any seed missed it."""
    runs = r.best_runs(activation, init)
    if not runs or any(x.steps_to_target is None for x in runs):
        return None, None
    return (statistics.median(x.steps_to_target for x in runs),
            statistics.median(x.seconds_to_target for x in runs))


def _steps_range(run: ConvergenceRun, budget: int) -> tuple[float, float]:
    """(lo, hi]: where the run reached the target. Training accuracy is only checked at the curve's points, so a run
    that reached it at step s reached it after the check before (s - eval_every) and by s; a run that did not
    reach it took more than the budget."""
    s = run.steps_to_target
    if s is None:
        return float(budget), math.inf
    return float(max((p.step for p in run.curve if p.step < s), default=0)), float(s)


def _bounds(relu: ConvergenceRun, other: ConvergenceRun, budget: int) -> tuple[float, float]:
    """The lowest and highest the other's steps over ReLU's can be, for one seed, given when each was checked."""
    (mine_lo, mine_hi), (theirs_lo, theirs_hi) = _steps_range(relu, budget), _steps_range(other, budget)
    divide = lambda a, b: a / b if b > 0 else math.inf if a > 0 else 0.0  # 0 steps: the target met untrained
    return divide(theirs_lo, mine_hi), divide(theirs_hi, mine_lo) if mine_lo > 0 else math.inf


def _edge(r: ActivationsResult, activation: str, init: str) -> str:
    """Where the activation's best rate sits at the end of the searched grid, the words that say so; else ""."""
    rate, grid = r.best_learning_rate(activation, init), sorted(r.learning_rates)
    activation = "ReLU" if activation == "relu" else activation
    if len(grid) < 2:
        return f"{activation} was run at one rate only ({rate:g})"
    if rate in (grid[0], grid[-1]):
        return (f"{activation}'s best rate, {rate:g}, is the {'lowest' if rate == grid[0] else 'highest'} of the "
                "grid")
    return ""


def _race(r: ActivationsResult, other: str, init_relu: str, init_other: str) -> tuple[list[tuple[float, float]], str]:
    """Per seed, the bounds on (other's steps / ReLU's) at each one's best rate, and the medians in words."""
    relu, rival = r.best_runs("relu", init_relu), r.best_runs(other, init_other)
    by_seed = {x.seed: x for x in rival}
    bounds = [_bounds(x, by_seed[x.seed], r.max_steps) for x in relu if x.seed in by_seed]

    def said(activation, init):
        steps, seconds = steps_to_target(r, activation, init)
        return (f"{activation} {steps:,.0f} steps ({duration(seconds)})" if steps is not None else
                f"{activation} did not reach it in every seed within {r.max_steps:,} steps")
    return bounds, f"{said('relu', init_relu)}, {said(other, init_other)}"


def _bounds_words(bounds: list[tuple[float, float]]) -> str:
    words = [times(lo) if lo == hi else f"more than {times(lo)}" if hi == math.inf else
             f"under {times(hi)}" if lo == 0 else f"{times(lo)} to {times(hi)}" for lo, hi in bounds]
    return ", ".join(words)


def _race_finding(r: ActivationsResult, other: str) -> Finding | None:
    """ReLU against `other` in steps to the target, under each one's own initialisation and under the same one
    (PyTorch's default): a verdict needs both races to agree, so that what the initialisation did is not
    credited to the activation."""
    if not {other, "relu"} <= set(r.activations):
        return None
    own_relu, own_other = _own_init(r, "relu"), _own_init(r, other)
    inits = [(own_relu, own_other)] + ([("default", "default")] if (own_relu, own_other) != ("default",) * 2 else [])
    races = [(pair, *_race(r, other, *pair)) for pair in inits]
    races = [(pair, bounds, medians) for pair, bounds, medians in races if bounds]
    if not races:
        return None
    faster = [all(lo >= SPEED_GAIN for lo, _ in bounds) for _, bounds, _ in races]
    slower = [all(hi <= 1 / SPEED_GAIN for _, hi in bounds) for _, bounds, _ in races]
    verdict = decide(all(faster), all(slower), min(len(bounds) for _, bounds, _ in races))
    edges = {(a, init): words for pair, _, _ in races for a, init in zip(("relu", other), pair)
             if (words := _edge(r, a, init))}
    loser = {Verdict.SUPPORTED: other, Verdict.CONTRADICTED: "relu"}.get(verdict)
    held = any(a == loser for a, _ in edges)  # the slower one might have won at a rate the grid left out
    if held:
        verdict = Verdict.INCONCLUSIVE
    name = lambda a: "ReLU" if a == "relu" else a
    said = [f"{_inits_words(pair, other)}: {medians}; {other}'s steps over ReLU's, seed by seed: "
            f"{_bounds_words(bounds)}" for pair, bounds, medians in races]
    summary = (f"To reach {pct(r.target_accuracy)} training accuracy ({r.train_depth} hidden layers, each activation "
               f"at its best learning rate), median over seeds, {'. '.join(said[:1] + [_cap(x) for x in said[1:]])}.")
    rule = (f"ReLU is faster if it needs at least {SPEED_GAIN:g}× fewer steps in every seed, slower if {other} "
            f"needs {SPEED_GAIN:g}× fewer in every seed, "
            + ("under each activation's own initialisation and under the same one alike, so that the "
               "initialisation's part is not credited to the activation; " if len(races) > 1 else "")
            + f"a run that missed the target counts as taking more than the budget of {r.max_steps:,} steps. "
            "Training accuracy is checked only every few steps, so each count is known to within one check: a ratio "
            "is the range the checks allow, and a gain must hold at its unfavourable end. Each activation took its "
            f"best rate from the grid ({', '.join(f'{x:g}' for x in r.learning_rates)}).")
    if len(races) > 1 and faster[0] != faster[1]:
        rule += (f" ReLU was {SPEED_GAIN:g}× faster in every seed {_inits_words(races[0 if faster[0] else 1][0], other)}"
                 f" but not {_inits_words(races[1 if faster[0] else 0][0], other)}: the gain went with the "
                 "initialisation, not with ReLU alone.")
    if edges:
        rule += f" {_cap(_and(list(dict.fromkeys(edges.values()))))}: a rate outside the grid might be faster."
    detail = {Verdict.SUPPORTED: rule, Verdict.CONTRADICTED: rule,
              Verdict.INCONCLUSIVE: _undecided_seeds(r, rule) if not held else
              f"{rule} That could make {name(loser)} the faster one, so the race waits on a wider grid."}[verdict]
    if other == "tanh":
        detail += (f" Krizhevsky et al. (2012) published {KRIZHEVSKY_RELU_SPEEDUP:g}× fewer epochs for ReLU than "
                   "tanh to 25% training error, for a four-layer CNN on CIFAR-10, both with the same initialisation; "
                   f"here, an MLP on MNIST-1D counted in steps, it was {_span(races[-1][1])} under the same "
                   "initialisation.")
    low = min(lo for _, bounds, _ in races for lo, _ in bounds)
    numbers = {f"{other}_over_relu_low": low} if math.isfinite(low) else {}
    return Finding("relu_faster" if other == "sigmoid" else "relu_vs_tanh", "algorithms",
                   f"ReLU reaches a target training accuracy faster than {other}.", verdict, summary, detail, numbers)


def _inits_words(pair: tuple[str, str], other: str) -> str:
    if pair == ("default", "default"):
        return "under PyTorch's default initialisation for both"
    return f"each with its own initialisation ({_init_name(pair[0])} for ReLU, {_init_name(pair[1])} for {other})"


def _span(bounds: list[tuple[float, float]]) -> str:
    """The other's steps over ReLU's across seeds, from the lowest bound to the highest finite one."""
    lo = min(b[0] for b in bounds)
    hi = max((b[1] for b in bounds if math.isfinite(b[1])), default=math.inf)
    return (f"more than {times(lo)}" if hi == math.inf else times(lo) if lo == hi else f"{times(lo)} to {times(hi)}")


# --- computation ---------------------------------------------------------------------------------------------

def compute_findings(r: ComputeResult, sweep: list[int] | None = None, train_batch: int | None = None) -> list[Finding]:
    """sweep: the steps each fit of the learning curve's largest net took, where the computation experiment timed
    that net at its budget (else empty); train_batch: the batch the battery trains with (the data-scale
    experiment's), where the verdicts are made."""
    if not r.steps:
        return []  # nothing was timed: no claim about computation can be tested
    out = []
    models = sorted({s.model for s in r.steps}, key=lambda m: max(s.parameters for s in r.steps if s.model == m))
    biggest = r.largest_model
    threads = _threads_finding(r, models, train_batch)
    if threads:
        out.append(threads)
    gpu = _gpu_finding(r, models, biggest)
    if gpu:
        out.append(gpu)
    loop = _loop_finding(r, models, sweep or [], train_batch)
    if loop:
        out.append(loop)
    if r.others_busy is not None and r.others_busy > BUSY_SHARE:
        busy = (f"While these steps were timed, other processes used {r.others_busy:.0%} of this run's CPUs "
                f"(more than {BUSY_SHARE:.0%}): timings of a shared machine say nothing sure about its hardware, so "
                "this run decides nothing about computation. Rerun on an idle machine. ")
        out = [replace(f, verdict=Verdict.INCONCLUSIVE, detail=busy + f.detail) for f in out]
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
                       "Run the battery on a machine with a GPU, or compare this report with one from such a machine.",
                       tested=False)
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
    by_batch = {b: _gpu_verdict(timed.get(biggest)) for b, timed in gains.items()}
    verdicts = set(by_batch.values())
    verdict = verdicts.pop() if len(verdicts) == 1 else Verdict.INCONCLUSIVE
    name = {batches[0]: "training batch", batches[-1]: "largest batch"} if len(gains) > 1 else {}
    at = {b: f"batch {b}" + (f" (the {name[b]})" if b in name else "") for b in gains}
    bars = (GPU_GAIN, 1.0)
    summary = (f"Speed-up of one fp32 training step on {gpu} over the CPU with {r.threads} threads, "
               + "; ".join(f"at {at[b]}: " + ", ".join(f"{LABELS[m]}: {_pairs(gain, bars)}" for m, gain in timed.items())
                           for b, timed in gains.items()) + ".")
    detail = " ".join(f"At {at[b]}: {_crossover(models, timed)}" for b, timed in gains.items())
    detail += (f" A median same-round pair of at least {GPU_GAIN:g}× counts as much faster, and no pair reaching "
               f"{GPU_GAIN:g}× as not much faster; the verdict is the {LABELS[biggest]}'s"
               + (" and must be the same at both batches." if len(gains) > 1 else "."))
    detail += _gpu_undecided(by_batch, {b: timed.get(biggest) for b, timed in gains.items()}, at, LABELS[biggest])
    numbers = {f"speedup_{m}_batch_{b}": g for b, timed in gains.items() for m, (g, _, _) in timed.items()}
    numbers.update({f"speedup_{m}": g for m, (g, _, _) in gains[max(gains)].items()})
    return Finding("gpu_speedup", "computation", GPU_CLAIM, verdict, summary, detail, numbers)


def _gpu_verdict(gain: tuple[float, float, float] | None) -> Verdict:
    """Much faster where the median same-round pair reaches GPU_GAIN; not much faster where no pair does. Pairs on
    both sides of it with the median under leave it open: more rounds could move the median either way."""
    if gain is None:
        return Verdict.INCONCLUSIVE
    median, _, high = gain
    return Verdict.SUPPORTED if median >= GPU_GAIN else Verdict.CONTRADICTED if high < GPU_GAIN else Verdict.INCONCLUSIVE


def _gpu_undecided(by_batch: dict[int, Verdict], gains: dict[int, tuple[float, float, float] | None],
                   at: dict[int, str], model: str) -> str:
    """Why the GPU verdict is inconclusive, where it is: the model untimed, pairs on both sides of the bar, or the
    batches disagreeing."""
    words = []
    for b, v in by_batch.items():
        if gains[b] is None:
            words.append(f"At {at[b]} the {model} was not timed on both devices.")
        elif v is Verdict.INCONCLUSIVE:
            words.append(f"At {at[b]} the {model}'s same-round pairs fall on both sides of {GPU_GAIN:g}×, "
                         f"their median under it.")
    decided = {b: v for b, v in by_batch.items() if v is not Verdict.INCONCLUSIVE}
    if len(set(decided.values())) > 1:
        words.append("The batches disagree: " + ", ".join(f"{v.value} at {at[b]}" for b, v in decided.items()) + ".")
    return "".join(" " + w for w in words)


def _crossover(models: list[str], timed: dict[str, tuple[float, float, float]]) -> str:
    """From which model size on the GPU was faster (models smallest first)."""
    faster = [m for m in models if m in timed and timed[m][0] > 1]
    if not faster:
        return "the GPU was faster for none of the models timed."
    if all(timed[m][0] > 1 for m in models[models.index(faster[0]):] if m in timed):
        return f"the GPU was faster from the {LABELS[faster[0]]} on."
    return f"the GPU was faster for: {', '.join(LABELS[m] for m in faster)}."


def speedup(slow: Timing, fast: Timing) -> tuple[float, float, float]:
    """slow / fast: the median, lowest and highest over same-round pairs. The sweep interleaves configurations, so
    round i of each was timed side by side; a ratio of rounds timed apart would mix in the machine's changes.
    Timings without rounds (older files) give the ratio of medians three times."""
    pairs = paired_ratios(slow.round_medians_s, fast.round_medians_s)
    if not pairs or len(slow.round_medians_s) != len(fast.round_medians_s):
        ratio = slow.median_s / fast.median_s if fast.median_s > 0 else math.inf
        return ratio, ratio, ratio
    return statistics.median(pairs), min(pairs), max(pairs)


def _gain_verdict(gains: list[tuple[float, float, float]]) -> Verdict:
    """Real where the median same-round pair reaches THREAD_GAIN for every workload compared; no gain where it is
    under NO_GAIN for all of them. The median, not the worst pair: one disturbed round must not decide, and more
    rounds must not make a steady gain harder to show."""
    return decide(all(g >= THREAD_GAIN for g, _, _ in gains), all(g < NO_GAIN for g, _, _ in gains))


def _gain_text(x: float, bars: tuple[float, ...], digits: int) -> str:
    """A ratio as `times` writes it, with `digits` decimals or more where fewer would round it up to a bar it is
    under (1.196 is '1.196×', not '1.20×', beside a bar of 1.2); past three decimals, cut down instead of rounded."""
    if not math.isfinite(x) or x >= 100:
        return times(x)
    def crosses(text: str) -> bool:
        return any(float(text) >= bar > x for bar in bars)
    while crosses(f"{x:.{digits}f}") and digits < 3:
        digits += 1
    text = f"{x:.{digits}f}"
    return (f"{math.floor(x * 10**digits) / 10**digits:.{digits}f}" if crosses(text) else text) + "×"


def _pairs(gain: tuple[float, float, float], bars: tuple[float, ...]) -> str:
    return _gain_text(gain[0], bars, 1) + _spread(gain, bars)


def _spread(gain: tuple[float, float, float], bars: tuple[float, ...]) -> str:
    """Where a speed-up's same-round pairs differ, their range and median, with the digits the bars need."""
    g, low, high = gain
    lo, hi = _gain_text(low, bars, 2), _gain_text(high, bars, 2)
    return "" if lo == hi else f" ({lo} to {hi} across same-round pairs, median {_gain_text(g, bars, 2)})"


def _which_won(gains: dict[str, tuple[float, float, float]]) -> str:
    """Which models' median same-round pair cleared THREAD_GAIN, which fell under NO_GAIN, and which sat between."""
    won = [LABELS[m] for m, (g, _, _) in gains.items() if g >= THREAD_GAIN]
    lost = [LABELS[m] for m, (g, _, _) in gains.items() if g < NO_GAIN]
    rest = [LABELS[m] for m, (g, _, _) in gains.items() if NO_GAIN <= g < THREAD_GAIN]
    words = []
    if won:
        words.append(f"at least {THREAD_GAIN:g}× for {_and(won)}")
    if lost:
        words.append(f"under {NO_GAIN:g}× for {_and(lost)}")
    if rest:
        words.append(f"between the two for {_and(rest)}")
    return "the median pair is " + "; ".join(words)


GAIN_BARS = (THREAD_GAIN, NO_GAIN)
GAIN_RULE = (f"a median same-round pair of at least {THREAD_GAIN:g}× for all of them, or under {NO_GAIN:g}× for all "
             f"of them; otherwise it depends on the model.")


def _the_batch(r: ComputeResult, train_batch: int | None) -> tuple[int, str]:
    batches = sorted({s.batch_size for s in r.steps})
    if train_batch in batches:
        return train_batch, f"the battery's training batch ({train_batch})"
    return batches[0], f"batch {batches[0]}, the smallest timed"


def _threads_finding(r: ComputeResult, models: list[str], train_batch: int | None) -> Finding | None:
    if r.threads < 2:
        return None
    batch, words = _the_batch(r, train_batch)
    gains: dict[int, dict[str, tuple[float, float, float]]] = {}
    for m in models:
        for b in sorted({s.batch_size for s in r.steps}):
            one, full = r.step(m, b, "cpu", threads=1), r.step(m, b, "cpu", threads=r.threads)
            if one and full and one.timing and full.timing:
                gains.setdefault(b, {})[m] = speedup(one.timing, full.timing)
    if batch not in gains:
        return None
    listing = "; ".join(f"at batch {b}: " + ", ".join(f"{LABELS[m]} {_pairs(gain, GAIN_BARS)}"
                                                      for m, gain in by.items())
                        for b, by in sorted(gains.items(), key=lambda kv: kv[0] != batch))
    verdict = _gain_verdict(list(gains[batch].values()))
    return Finding(
        "threads_speedup", "computation", "Parallel hardware makes a training step faster.", verdict,
        f"A training step on {r.threads} CPU threads against 1, {listing}.",
        f"The verdict is made at {words} over every model: {GAIN_RULE} There, {_which_won(gains[batch])}. "
        f"The ideal with {r.threads} threads is {r.threads}×.",
        {f"speedup_{m}": g for m, (g, _, _) in gains[batch].items()})


def loop_times(r: ComputeResult, model: str, batch: int | None = None) -> list[tuple[str, float]]:
    """(configuration, seconds for one experiment of `loop_steps` steps) at the batch (default: the smallest timed),
    slowest first."""
    return [(config_label(s.device, s.precision, s.threads), r.loop_steps * s.timing.median_s)
            for s in _loop_steps(r, model, batch)]


def _loop_steps(r: ComputeResult, model: str, batch: int | None = None) -> list[StepTime]:
    return r.timed_steps(model, batch or min(s.batch_size for s in r.steps))


def _sweep_words(r: ComputeResult, sweep: list[int], slow: float, fast: float) -> str:
    """What the learning curve's fits of the largest net cost on the slowest and fastest configuration, from the
    steps they took (the stop rule may end a fit before its budget)."""
    if len(sweep) < 2:
        return ""
    total, full = sum(sweep), len(sweep) * r.loop_steps
    steps = (f"{total:,} steps in all" + (f", not {full:,}: the stop rule ended some fits early" if total < full
                                           else ""))
    return (f" The learning curve's {len(sweep)} fits of this net ({steps}) take {duration(slow * total / r.loop_steps)}"
            f" against {duration(fast * total / r.loop_steps)}.")


def _loop_finding(r: ComputeResult, models: list[str], sweep: list[int], train_batch: int | None) -> Finding | None:
    batch, words = _the_batch(r, train_batch)
    model = r.largest_model
    runs = loop_times(r, model, batch)
    if len(runs) < 2 or not r.loop_steps:
        return None
    gains = {m: speedup(st[0].timing, st[-1].timing) for m in models if len(st := _loop_steps(r, m, batch)) > 1}
    (slow_label, slow), (fast_label, fast) = runs[0], runs[-1]
    gain = gains[model][0]
    ends = _loop_steps(r, model, batch)
    threads_only = ends[0].device == ends[-1].device == "cpu"  # the slowest and fastest: the thread finding's pair
    verdict = Verdict.INCONCLUSIVE if threads_only else _gain_verdict(list(gains.values()))
    others = ", ".join(f"{LABELS[m]} {_pairs(g, GAIN_BARS)}" for m, g in gains.items() if m != model)
    return Finding(
        "iteration_loop", "loop", "Faster computation shortens the idea, code, experiment loop.", verdict,
        f"One experiment ({r.loop_steps:,} training steps of the {LABELS[model]}, batch {batch}) takes "
        f"{duration(slow)} on {slow_label} and {duration(fast)} on {fast_label}: {_gain_text(gain, GAIN_BARS, 1)} more "
        f"ideas tried in the same time{_spread(gains[model], GAIN_BARS)}.{_sweep_words(r, sweep, slow, fast)}"
        + (f" Other models, fastest against slowest configuration: {others}." if others else ""),
        ("The slowest and fastest configurations are the CPU's thread counts (no accelerator was faster), which the "
         "thread finding already judges: this claim is not tested a second time on the same pairs, and is left "
         "inconclusive and out of the count of claims tested. " if threads_only else
         f"The verdict is made at {words} over every model, fastest configuration against slowest: {GAIN_RULE} "
         f"There, {_which_won(gains)}. ")
        + "Computed from the measured median step times; data loading and evaluation are not included. "
        + ", ".join(f"{label}: {duration(t)}" for label, t in runs) + ".",
        {"loop_gain": gain, "slowest_seconds": slow, "fastest_seconds": fast}, tested=not threads_only)
