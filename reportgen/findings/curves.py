"""Learning curves as checks: the late gain of accuracy, the power law of test error and the projection of the data
a target needs. Each rule is written once, here, as properties of a check record; the findings and the tables
read those properties and put them in words."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from reportgen.findings.tuning import Edge, tuning
from reportgen.findings.verdicts import Verdict, decide
from reportgen.fmt import and_list, pct
from reportgen.learners import MLP_SIZES, SEARCH_MAX_M, TRADITIONAL
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import (
    PowerLaw,
    Spread,
    bootstrap,
    fit_exponential,
    fit_log_line,
    fit_log_sigmoid,
    fit_power_law,
    fit_power_law_no_floor,
    growth_exponent,
    interval,
)

PLATEAU_GAIN = 0.02  # under 2 points of accuracy over the last LATE_SHARE of the log-m range counts as a plateau
CLEAR_MARGIN = 0.02  # the least lead of accuracy taken as more than run-to-run noise, whatever the test set
NOISE_Z = 1.96  # the 95% half-width of one accuracy measured on n test examples is NOISE_Z * sqrt(0.25 / n) at worst
NO_FLOOR = 0.005  # a fitted floor below this sits at its bound 0: the fit found no level
LATE_SHARE = 0.25  # a learner's late gain is over this last share of its log-m range
SMALL_DATA_SHARE = 1 / 3  # the power law is fitted past this lowest share of the log-m range (Hestness et al.)
FIT_POINTS = 4  # the power law's three parameters need four points to leave a residual, besides the held-out one
PROJECT_FACTOR = 4  # a projection of the data needed goes at most this many times past the largest m measured


def per_seed(r: DataScaleResult, learner: str, m: int) -> dict[int, float]:
    return {f.seed: f.test_accuracy for f in r.fits if f.learner == learner and f.m == m}


def paired(r: DataScaleResult, a: tuple[str, int], b: tuple[str, int]) -> Spread | None:
    """Accuracy of (learner, m) a minus that of b, seed by seed (the same subsets and test set), over the seeds
    that ran both: a lead or a gain with its spread, not a difference of means."""
    xa, xb = per_seed(r, *a), per_seed(r, *b)
    common = [s for s in r.seeds if s in xa and s in xb]
    return Spread.of([xa[s] - xb[s] for s in common]) if common else None


def noise(r: DataScaleResult) -> float:
    """The margin a lead or a miss of accuracy must pass to be more than noise on this run's test set: the 95%
    half-width of one accuracy at p = 0.5 on `test_size` examples, and never under CLEAR_MARGIN (1.55 points on
    4,000 examples, so 2.0; 5.7 points on 300; CLEAR_MARGIN where no test size was recorded)."""
    return max(CLEAR_MARGIN, NOISE_Z * math.sqrt(0.25 / r.test_size) if r.test_size > 0 else 0.0)


def rise(r: DataScaleResult) -> float:
    """The least gain that counts as rising: PLATEAU_GAIN, or the test set's noise where that is larger."""
    return max(PLATEAU_GAIN, noise(r))


def largest_net(r: DataScaleResult) -> str | None:
    mlps = [x for x in r.learners if x.name in MLP_SIZES]
    return max(mlps, key=lambda x: x.parameters or 0).name if mlps else None  # None: a count not recorded


@dataclass(frozen=True)
class LateGain:
    """Accuracy gained over the grid's window (`window`), seed by seed."""

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


def window(r: DataScaleResult) -> tuple[int, int] | None:
    """The m window every learner's late gain is judged over: from the largest grid m at or below the start of the
    last LATE_SHARE of the grid's log-m range, to the grid's largest m. One window for every learner, so that a
    plateau and a win are judged over the same data for all of them."""
    ms = r.m_values
    if len(ms) < 2:
        return None
    start = math.exp(math.log(ms[-1]) - (math.log(ms[-1]) - math.log(ms[0])) * LATE_SHARE)
    return max((m for m in ms[:-1] if m <= start), default=ms[-2]), ms[-1]


def seed_gains(r: DataScaleResult, learner: str, w: tuple[int, int]) -> dict[int, float]:
    """Each seed's gain over window w, on its own nested subsets, for the seeds that ran both of its ends."""
    start, end = per_seed(r, learner, w[0]), per_seed(r, learner, w[1])
    return {s: end[s] - start[s] for s in r.seeds if s in start and s in end}


def late_gain(r: DataScaleResult, learner: str) -> LateGain | None:
    """The learner's gain over the grid's window; None where it was not run at both of its ends."""
    w = window(r)
    gains = seed_gains(r, learner, w) if w else {}
    return LateGain(w[0], w[1], Spread.of(list(gains.values())), rise(r)) if gains else None


@dataclass(frozen=True)
class Plateau:
    """The traditional learners' late gains over the grid's window, set against the largest net's seed by seed.

    The lecture's plateau is a contrast: traditional learners level off where the net still gains. Two absolute bars
    (under PLATEAU_GAIN for one, at least the least rise for the other) can be met by curves 0.2 points apart, so the
    contrast is judged itself, as the net's gain minus each learner's in each seed, against one margin both ways: more
    than the noise for the plateau, less than minus the noise (the learner gained more) against it. The claim's
    second half, that the net still gains there, is judged by the rising rule: a net that is not rising by it leaves
    the plateau open. Two things can hold a traditional learner level that are not the data, and each leaves a plateau
    that would hold open (a learner still rising despite them contradicts it all the same): a setting chosen at its
    grid's edge inside the window, and settings frozen at the search cap, every fit in the window reusing the
    cross-validation on the subset's first SEARCH_MAX_M examples.
    """

    window: tuple[int, int]
    gains: dict[str, LateGain]  # each traditional learner run at both ends of the window
    missing: list[str]  # traditional learners not run at both ends
    net: str | None  # the largest net
    net_gain: LateGain | None  # None: no net, or not run at both ends
    gaps: dict[str, Spread]  # the net's gain minus each learner's, over the seeds that ran both
    margin: float  # the noise a gap must pass
    edges: list[Edge]  # traditional learners' settings at a grid's edge, chosen at an m inside the window
    frozen: list[str] = field(default_factory=list)  # traditional learners whose every fit in the window reuses
    # settings searched on SEARCH_MAX_M examples (the window starting at or above it)

    @property
    def seeds(self) -> int:
        return min(s.n for s in [*(g.per_seed for g in self.gains.values()), *self.gaps.values()])

    @property
    def levelled(self) -> bool:
        """Every traditional learner was run over the window and gained under PLATEAU_GAIN in every seed."""
        return not self.missing and all(g.flat is True for g in self.gains.values())

    @property
    def rising(self) -> list[str]:
        """Learners that gained at least the least rise in every seed."""
        return [x for x, g in self.gains.items() if g.flat is False]

    @property
    def contrast(self) -> bool:
        """The net gained more than every traditional learner by more than the noise, in every seed."""
        return set(self.gaps) == set(self.gains) and all(d.above(self.margin) for d in self.gaps.values())

    @property
    def outgained(self) -> list[str]:
        """Learners that gained more than the net by more than the noise, in every seed: the contrast reversed."""
        return [x for x, d in self.gaps.items() if d.below(-self.margin)]

    @property
    def net_rising(self) -> bool:
        """The net gained at least the least rise in every seed: rising by the rising rule (`LateGain.flat`)."""
        return self.net_gain is not None and self.net_gain.flat is False

    @property
    def holds(self) -> bool:
        """Levelled, with the contrast, and the net rising: the plateau as measured, before asking whether a grid's
        edge or a frozen search may have held a learner level."""
        return self.levelled and self.contrast and self.net_rising

    @property
    def verdict(self) -> Verdict:
        """SUPPORTED: levelled, with the contrast, the net rising by the rising rule, no setting at a grid's edge
        inside the window and no learner's settings frozen at the search cap over it; CONTRADICTED: a learner still
        rising, or one that out-gained the net beyond the noise."""
        verdict = decide(self.holds, bool(self.rising or self.outgained), self.seeds)
        held_level = self.edges or self.frozen
        return Verdict.INCONCLUSIVE if verdict is Verdict.SUPPORTED and held_level else verdict


def plateau(r: DataScaleResult) -> Plateau | None:
    """The plateau's check; None where the grid has no window or no traditional learner was run over it."""
    w, traditional = window(r), [x.name for x in r.learners if x.name in TRADITIONAL]
    gains = {x: g for x in traditional if (g := late_gain(r, x))} if w else {}
    if not gains:
        return None
    net = largest_net(r)
    own = seed_gains(r, net, w) if net else {}
    gaps = {x: Spread.of(d) for x in gains
            if (d := [own[s] - g for s, g in seed_gains(r, x, w).items() if s in own])}
    t = tuning(r)
    edges = [e for e in (t.edges if t else []) if e.learner in gains and any(w[0] <= m <= w[1] for m, _ in e.where)]
    inside = lambda x: [f for f in r.fits if f.learner == x and w[0] <= f.m <= w[1]]
    frozen = [x for x in gains if w[0] >= SEARCH_MAX_M and all(f.chosen for f in inside(x))] if w else []
    return Plateau(w, gains, [x for x in traditional if x not in gains], net, late_gain(r, net) if net else None,
                   gaps, noise(r), edges, frozen)


LAW = "the power law"
SHORTFALLS = ("one seed", "missed", "beaten", "flat", "carried", "rivals", "floor", "exponent")  # the law's
# conditions, in the order CurveCheck.shortfall checks them and the report explains them
RIVALS = {"a straight line in log m": fit_log_line, "a saturating exponential": fit_exponential,
          "a sigmoid in log m": fit_log_sigmoid}  # rivals a rising curve does not beat for free: one rises for ever
# at a constant rate per doubling, one levels off exponentially fast, one (accuracy logistic in ln m, its midpoint
# inside the fitted range) rises slowly, then fast, then levels off at a ceiling. The sigmoid costs a grid scan of
# about 4,300 (midpoint, width) pairs and a least-squares polish per rolling origin, about 3 ms each: fitted once
# per origin of each learner's curve, never per resample of the seeds. Its cost in power: a true power law with
# 0.7 to 1 point of noise per fit is supported about as often as before (90% and 77% of draws, against 91% and
# 80%); a sigmoid whose midpoint lies below the data is, past it, a power law with a floor, and is not told apart.
RIVAL_NAMES = and_list(list(RIVALS))  # in words, for the findings


@dataclass(frozen=True)
class Rolling:
    """Rolling-origin forecasts: fitted on the first j points past the small-data region (j from FIT_POINTS on, to
    all but the last), the power law and each rival predict every later point. A miss is measured in log error,
    |ln(predicted error / measured error)|, so that a miss of 1 point counts for more where the error is small."""

    targets: list[tuple[int, int]]  # (the largest m fitted, the m predicted)
    misses: dict[str, list[float]]  # by curve, LAW first, one per target
    margin: float  # the noise in log error: ln(1 + tolerance / measured error at the held-out m)

    def mean(self, name: str) -> float:
        return statistics.fmean(self.misses[name])

    @property
    def rivals(self) -> list[str]:
        return [n for n in self.misses if n != LAW]

    @property
    def beaten(self) -> list[str]:
        """Rivals that forecast better than the law by more than the noise, on the mean miss."""
        return [n for n in self.rivals if self.mean(n) + self.margin < self.mean(LAW)]

    @property
    def ahead(self) -> bool:
        """The law forecasts better than every rival by more than the noise, on the mean miss."""
        return all(self.mean(LAW) + self.margin < self.mean(n) for n in self.rivals)


def _log_miss(predicted: float, measured: float) -> float:
    floor = 1e-4  # a rival's straight line can cross zero error; an error measured as 0 is at most this
    return abs(math.log(max(predicted, floor) / max(measured, floor)))


def rolling(m_fit: list[int], error: list[float], tolerance: float) -> Rolling | None:
    """The rolling-origin check of mean test error `error` at `m_fit`; None where a fit of the law fails."""
    targets, misses = [], {LAW: [], **{n: [] for n in RIVALS}}
    for j in range(FIT_POINTS, len(m_fit)):
        fits = {LAW: fit_power_law(m_fit[:j], error[:j])} | {n: f(m_fit[:j], error[:j]) for n, f in RIVALS.items()}
        if fits[LAW] is None:
            return None
        for i in range(j, len(m_fit)):
            targets.append((m_fit[j - 1], m_fit[i]))
            for n, fit in fits.items():
                misses[n].append(_log_miss(fit.error(m_fit[i]), error[i]) if fit else math.nan)
    misses = {n: v for n, v in misses.items() if v and not any(math.isnan(x) for x in v)}
    return Rolling(targets, misses, math.log(1 + tolerance / max(error[-1], 1e-4))) if targets else None


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
    forecasts: Rolling | None = None  # rolling-origin forecasts against the rivals
    early: PowerLaw | None = None  # the fit without the held-out point, which made `predicted`

    @property
    def seeds(self) -> int:
        return len(self.per_seed)

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
    def negative(self) -> bool:
        """The exponent is negative in the central 90% of resamples of the seeds: error falls with m whatever the draw."""
        return self.exponent is not None and self.exponent[1] < 0

    @property
    def pinned(self) -> bool:
        """The floor sits at its bound 0, in the fit or in any resample of the seeds: the fit found no level it can
        state, which does not show there is none."""
        return self.fit.c < NO_FLOOR or self.floor is not None and self.floor[0] < NO_FLOOR

    @property
    def pinned_everywhere(self) -> bool:
        """The main fit's own floor is at its bound, not only some resamples'."""
        return self.fit.c < NO_FLOOR

    @property
    def rival_miss(self) -> float | None:
        return None if self.rival is None else self.measured - self.rival

    @property
    def rival_same(self) -> bool:
        """The fit without the held-out point put its floor at its bound 0: it is the law without one, so that rival
        tells nothing more."""
        return self.rival is not None and self.early is not None and self.early.c < NO_FLOOR

    @property
    def rival_holds(self) -> bool:
        return self.rival_miss is not None and abs(self.rival_miss) <= self.tolerance

    @property
    def floor_better(self) -> bool:
        """The law with a floor lands nearer the held-out point than the law without one."""
        return self.rival_miss is not None and abs(self.miss) < abs(self.rival_miss)

    @property
    def shortfall(self) -> str | None:
        """The first condition of the law's support that fails, in the order the report explains them: "one seed",
        "missed" (the held-out point missed by more than the noise) and "beaten" (a rival forecast better by more
        than the noise), which contradict the law; "flat", "carried" (no better than a curve that stopped rising),
        "rivals" (not better than every rival by more than the noise, or no forecasts to tell), "floor" (the main
        fit's floor at its bound 0: it is the law without a floor, a·m^b, and the three-parameter law is not
        tested), "exponent"; None where all hold."""
        f = self.forecasts
        failed = {"one seed": self.seeds < 2, "missed": not self.holds, "beaten": bool(f and f.beaten),
                  "flat": self.flat, "carried": self.carried_holds, "rivals": not (f and f.ahead),
                  "floor": self.pinned_everywhere, "exponent": not self.negative}
        return next((name for name in SHORTFALLS if failed[name]), None)

    @property
    def states_level(self) -> bool:
        """The fit's asymptote 1 - c may be stated: the law passed its checks and no resample of the seeds puts the
        floor at its bound 0. Even then it is an extrapolation of the fit to m without end, not a measurement."""
        return self.verdict is Verdict.SUPPORTED and not self.pinned

    @property
    def verdict(self) -> Verdict:
        """SUPPORTED: the held-out point predicted within the noise by a law with a floor above its bound 0 that
        falls by more than the noise, which no gain after the last fitted point could not have predicted as well,
        that forecasts better than every rival by more than the noise, with an exponent negative in the central
        90% of resamples of the seeds; CONTRADICTED: the held-out point missed by more than the noise, or a rival forecast better by
        more than it. One margin, the noise, both ways."""
        return decide(self.shortfall is None, self.shortfall in ("missed", "beaten"), self.seeds)


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
    cells = [per_seed(r, learner, m) for m in m_fit]
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
    tolerance = max(max(at_held_out) - min(at_held_out), noise(r))
    return CurveCheck(
        m_fit, fit, interval(bootstrap(curves, lambda error: f.b if (f := fitted(error)) else None)) if many else None,
        m_fit[-1], statistics.fmean(at_held_out), 1 - early.error(m_fit[-1]),
        interval(bootstrap([c[:-1] for c in curves], predict)) if many else None,
        1 - rival.error(m_fit[-1]) if rival else None, 1 - mean[-2], tolerance, curves,
        (min(floors), max(floors)) if floors else None, rolling(m_fit, mean, tolerance), early)


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
        out.append(Trend(x.name, late_gain(r, x.name), curve_check(r, x.name), Spread.of(growth) if growth else None))
    return out


def exponent_words(c: CurveCheck, name: str = "", over: str = "") -> str:
    """b with its spread over resamples of the seeds, or why the fit has none to state. In a sentence, `name`
    ("b = ") goes before b and `over` (" over resamples of the seeds") after the spread; a table's column says both."""
    if not c.fit.falls:
        return "no exponent (no fall fitted)"
    return f"{name}{c.fit.b:.2f}" + (f" ({c.exponent[0]:.2f} to {c.exponent[1]:.2f}{over})" if c.exponent else "")


def level_words(c: CurveCheck) -> str:
    """The fit's asymptote where it may be stated (CurveCheck.states_level), as what it is; else why not."""
    if c.states_level:
        return f"{pct(1 - c.fit.c)} (the fit's asymptote, not a measurement)"
    if c.verdict is not Verdict.SUPPORTED:
        return f"none stated (the law {c.verdict.value})"
    return "none stated (a floor at its bound 0, in the fit or a resample of the seeds)"
