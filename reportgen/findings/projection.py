"""The projection of how much data a target accuracy needs, from the best learner's power law: the check of whether
one may be made at all (the reasons, in the order the report gives them), then the projection, then its words."""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportgen.findings.curves import (
    LATE_SHARE,
    PLATEAU_GAIN,
    PROJECT_FACTOR,
    RIVAL_NAMES,
    SHORTFALLS,
    CurveCheck,
    Trend,
    largest_net,
)
from reportgen.findings.verdicts import Verdict
from reportgen.fmt import and_list, count, pct, points
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import Spread, bootstrap, fit_power_law, interval

WITHHELD = tuple(dict.fromkeys(("no fit", "one seed", "levelled", *SHORTFALLS, "law unsupported", "pinned")))
# why no projection is made, in the order `withheld` checks them: every one has its words in _withheld_words


@dataclass(frozen=True)
class Projection:
    """How much data the best learner's power law says a target accuracy needs, or why it says nothing."""

    learner: str
    target: float
    m: float | None  # None: the fit stays below the target up to PROJECT_FACTOR times the largest m, or no projection
    interval: tuple[float, float] | None  # spread over resamples of the seeds; math.inf: never, in some of them
    withheld: str | None = None  # why no projection is made: a key of WITHHELD
    reach: tuple[float, float, float] | None = None  # with m None: the fit's accuracy at PROJECT_FACTOR times the
    # largest m, and its spread over resamples of the seeds
    ran_out: Spread | None = None  # training accuracy at the largest m where every seed's fit ran the whole step
    # budget without fitting its training set: the curve's top is then the budget's as much as the data's

    @property
    def made(self) -> bool:
        return self.withheld is None


def withheld(trend: Trend, law: CurveCheck | None) -> str | None:
    """Why no projection may be made from the best learner's curve (`law`: the largest net's check, on which the
    power-law finding rests); None where one may. The reasons are checked in the order the report gives them."""
    c = trend.check
    if c is None:
        return "no fit"
    if c.seeds < 2:
        return "one seed"
    if trend.late_gain and trend.late_gain.flat is True:
        return "levelled"
    if c.shortfall is not None:
        return c.shortfall
    if law is None or law.verdict is not Verdict.SUPPORTED:
        return "law unsupported"
    if c.pinned:
        return "pinned"
    return None


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
    big = largest_net(r)
    trend = next(t for t in measured if t.learner == best)
    reason = withheld(trend, next((t.check for t in measured if t.learner == big), None) if big else None)
    if reason:
        return Projection(best, target, None, None, reason)
    c, limit = trend.check, PROJECT_FACTOR * m_max
    m = c.fit.m_for_error(1 - target)
    if m is None or m > limit:
        reach = lambda error: 1 - f.error(limit) if (f := fit_power_law(c.m_fit, error)) else None
        at = 1 - c.fit.error(limit)
        return Projection(best, target, None, None, reach=(at, *(interval(bootstrap(c.per_seed, reach)) or (at, at))),
                          ran_out=ran_out(r, best, steps))
    needs = lambda error: (f.m_for_error(1 - target) or math.inf) if (f := fit_power_law(c.m_fit, error)) else None
    return Projection(best, target, m, interval(bootstrap(c.per_seed, needs, infinite=True)),
                      ran_out=ran_out(r, best, steps))


# --- the projection --------------------------------------------------------------------------------------------

def _withheld_words(r: DataScaleResult, p: Projection, measured: list[Trend]) -> str:
    """Why no projection is made, in words, from Projection.withheld."""
    label = r.learner(p.learner).label
    c = next(t.check for t in measured if t.learner == p.learner)
    return {
        "no fit": f"the {label}'s curve has too few points past the small-data region to fit and check a power law",
        "one seed": "one seed gives the fit no spread to state",
        "levelled": (f"the {label}'s curve has levelled (every seed gained under {points(PLATEAU_GAIN)} over the "
                     f"last {LATE_SHARE:.0%} of its range), and a power law says nothing past a level"),
        "missed": (f"the {label}'s power law missed its held-out point by {points(abs(c.miss))}, more than the "
                   f"noise of {points(c.tolerance)}") if c else "",
        "flat": (f"the {label}'s curve moves too little past the small-data region: its power law cannot be told "
                 "from no change"),
        "carried": (f"the {label}'s curve gains too little after m = {c.m_fit[-2]:,}: its power law cannot be told "
                    "from a curve that stopped rising there") if c else "",
        "beaten": (f"{and_list(c.forecasts.beaten)} forecast the {label}'s later points better than its power "
                   "law, by more than the noise") if c and c.forecasts else "",
        "rivals": (f"the {label}'s power law did not forecast its later points better than {RIVAL_NAMES} by more "
                   "than the noise, so it cannot be told from them"),
        "floor": (f"the {label}'s fitted floor sits at its bound 0: the fit is the law without a floor, which "
                  "would let the error fall without end"),
        "exponent": f"the {label}'s power-law exponent is not negative in the central 90% of resamples of the seeds",
        "law unsupported": "the power-law finding is not supported on this run",
        "pinned": (f"the {label}'s fitted floor sits at its bound 0"
                   + (" in some resamples of the seeds" if c and not c.pinned_everywhere else "")
                   + ", so the fit finds no level and would let the error fall without end"),
    }[p.withheld]


def projection_words(r: DataScaleResult, p: Projection, measured: list[Trend], steps: int | None) -> str:
    label = r.learner(p.learner).label
    if not p.made:
        return (f"No projection of how much data {pct(p.target)} test accuracy would need: "
                f"{_withheld_words(r, p, measured)}.")
    if p.m is None:
        at, low, high = p.reach
        limit = PROJECT_FACTOR * r.m_values[-1]
        return (f"Projection: up to {limit:,} labelled examples ({PROJECT_FACTOR} times the largest m), the power-law "
                f"fit of the {label}, the best learner at the largest m, stays below {pct(p.target)} test accuracy: "
                f"it reaches {pct(at)} there ({pct(low)} to {pct(high)} over resamples of the seeds)."
                + (_budget(r, p, steps) or " Past that a fitted curve says nothing."))
    spread = ""
    if p.interval:
        low, high = p.interval
        spread = (f" (between {_round_m(low)} and {_round_m(high)} over resamples of the seeds)" if high < math.inf
                  else f" (from {_round_m(low)} to never over resamples of the seeds)" if low < math.inf else
                  " (in some resamples of the seeds, never)")
    return (f"Projection: from its power-law fit, the {label} (best at the largest m) would need about "
            f"{_round_m(p.m)} labelled examples{spread} to reach {pct(p.target)} test accuracy. This extrapolates the "
            f"fitted curve beyond the measured grid (a projection is made only up to {PROJECT_FACTOR} times its largest "
            "m, and only from a power law that passed its held-out check); treat it as an order of magnitude."
            + _budget(r, p, steps))


def _budget(r: DataScaleResult, p: Projection, steps: int | None) -> str:
    """Where the best learner's fits at the largest m ran out their step budget: the projection is one of that
    budget, not of more data alone."""
    if p.ran_out is None:
        return ""
    trained = pct(p.ran_out.low) + (f" to {pct(p.ran_out.high)}" if pct(p.ran_out.high) != pct(p.ran_out.low) else "")
    return (f" This is with {steps:,} Adam steps per fit, not with more data alone: every seed's fit at m = "
            f"{r.m_values[-1]:,} ran all {steps:,} steps without fitting its training set (training accuracy "
            f"{trained}), so the step budget shapes the top of the curve as much as the data.")


def _round_m(m: float) -> str:
    """Two significant figures: a projection is no more precise than that."""
    return count(int(float(f"{m:.2g}"))) if m < 1e12 else "more than 10¹²"
