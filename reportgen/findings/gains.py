"""Speed-ups of one timing over another, judged on same-round pairs, and how they read.

The sweep interleaves configurations, so round i of each was timed side by side; a verdict is made on the median
pair, so one disturbed round does not decide.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from reportgen.findings.verdicts import Verdict
from reportgen.fmt import times_beside
from reportgen.stats import paired_ratios
from reportgen.timing import Timing

GPU_GAIN = 2.0  # "much faster": a GPU (or a matrix unit) under twice the other's speed does not make the point
TWICE_RULE = (f"a median same-round pair of at least {GPU_GAIN:g}× supports it and a median under {GPU_GAIN:g}× "
              "contradicts it, on two pairs or more")


@dataclass(frozen=True)
class Gain:
    """slow / fast over same-round pairs: the median, lowest and highest, and how many pairs there were. Timings
    without rounds (older files), or with different numbers of rounds, give the ratio of medians, one unpaired
    comparison."""

    median: float
    low: float
    high: float
    pairs: int  # 0: the rounds could not be paired, and the three numbers are the ratio of the medians

    @property
    def paired(self) -> bool:
        return self.pairs > 0


def speedup(slow: Timing, fast: Timing) -> Gain:
    pairs = paired_ratios(slow.round_medians_s, fast.round_medians_s)
    if not pairs or len(slow.round_medians_s) != len(fast.round_medians_s):
        ratio = slow.median_s / fast.median_s if fast.median_s > 0 else math.inf
        return Gain(ratio, ratio, ratio, 0)
    return Gain(statistics.median(pairs), min(pairs), max(pairs), len(pairs))


def pairs_words(gain: Gain, bars: tuple[float, ...]) -> str:
    """The median pair, then the pairs' range where they differ: '1.54× (same-round pairs 1.13× to 1.54×)'. The
    median takes the range's digits, so that it never reads as lying outside it."""
    spread = spread_words(gain, bars)
    return times_beside(gain.median, bars, 2 if spread.startswith(" (same-round") else 1) + spread


def spread_words(gain: Gain, bars: tuple[float, ...]) -> str:
    """Where a speed-up's same-round pairs differ, their range and median, with the digits the bars need; where
    they could not be paired, that it is a ratio of medians."""
    if not gain.paired:
        return " (ratio of medians; rounds unpaired)"
    lo, hi = times_beside(gain.low, bars, 2), times_beside(gain.high, bars, 2)
    return "" if lo == hi else f" (same-round pairs {lo} to {hi})"


def twice_verdict(gain: Gain | None) -> Verdict:
    """Much faster (a GPU over the CPU, bf16 over fp32) where the median same-round pair reaches GPU_GAIN, not
    much faster where it is under it: one quantifier both ways, so the claim is as easy to contradict as to
    support, and one disturbed round does not decide. A single round, or rounds that cannot be paired, decide
    nothing."""
    if gain is None or gain.pairs < 2:
        return Verdict.INCONCLUSIVE
    return Verdict.SUPPORTED if gain.median >= GPU_GAIN else Verdict.CONTRADICTED
