"""Speed-ups of one timing over another, judged on same-round pairs, and how they read.

The sweep interleaves configurations, so round i of each was timed side by side; a verdict is made on the median
pair, so one disturbed round does not decide.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.findings.verdicts import Verdict, decide
from reportgen.fmt import times_beside
from reportgen.stats import paired_ratios
from reportgen.timing import Timing

GPU_GAIN = 2.0  # "much faster": a GPU (or a matrix unit) under twice the other's speed does not make the point
TWICE_FLOOR = 0.95 * GPU_GAIN  # not much faster: a median under this, 5% under the bar, a band of noise between
TWICE_BARS = (GPU_GAIN, TWICE_FLOOR, 1.0)  # the bars a ratio beside them is written against (1×: faster at all)
TWICE_RULE = (f"a median same-round pair of at least {GPU_GAIN:g}× supports it and a median under {TWICE_FLOOR:g}× "
              f"(5% under the bar) contradicts it, on two pairs or more; a median between {TWICE_FLOOR:g}× and "
              f"{GPU_GAIN:g}× is within the noise of the bar and decides nothing")


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
    much faster where it is under TWICE_FLOOR, 5% under it; between the two the bar sits inside the noise of a
    few rounds (pairs of 1.98, 2.01 and 2.03 against 1.97, 1.99 and 2.02), and it is left open. One margin
    both ways on one quantity, so the claim is as easy to contradict as to support, and one disturbed round does not
    decide. A single round, or rounds that cannot be paired, decide nothing."""
    if gain is None:
        return Verdict.INCONCLUSIVE
    return decide(gain.median >= GPU_GAIN, gain.median < TWICE_FLOOR, gain.pairs)


def twice_at_every_batch(gains: dict[int, Gain | None]) -> tuple[dict[int, Verdict], Verdict]:
    """The 2× rule at each batch size (gains: the model's there, None where it was not timed), and the claim's
    verdict: the one every batch gives, else open."""
    by_batch = {b: twice_verdict(g) for b, g in gains.items()}
    verdicts = set(by_batch.values())
    return by_batch, verdicts.pop() if len(verdicts) == 1 else Verdict.INCONCLUSIVE


def near_twice(gain: Gain | None) -> bool:
    """The median pair of a gain on two pairs or more lies in the band between TWICE_FLOOR and GPU_GAIN: why a
    twice_verdict is open, where it is for that reason."""
    return gain is not None and gain.pairs >= 2 and TWICE_FLOOR <= gain.median < GPU_GAIN


def twice_open(by_batch: dict[int, Verdict], gains: dict[int, Gain | None]) -> str:
    """Why a verdict on the 2× bar over several batches is open, in a few words for the end of a headline: the
    batches disagreeing, a median pair within the band under the bar, the model untimed somewhere, or rounds that
    decide nothing (gains: the model's at each batch, None or missing where it was not timed)."""
    if len({v for v in by_batch.values() if v is not Verdict.INCONCLUSIVE}) > 1:
        return "the batches disagree"
    if any(near_twice(g) for g in gains.values()):
        return f"within {1 - TWICE_FLOOR / GPU_GAIN:.0%} under {GPU_GAIN:g}× decides nothing"
    if len(gains) < len(by_batch) or any(g is None for g in gains.values()):
        return "a batch went untimed"
    return "its rounds decide nothing"


def open_gain(gains: Iterable[Gain], up: float, down: float, between: str = "") -> str:
    """Why a verdict on gains against two bars (up supports, under down contradicts) is open, for the end of a
    headline: a single round, every gain between the bars (one gain included), or the gains on both sides of them.
    between: the words for gains between the bars where they are not the gain's in ×, such as an efficiency's in %
    (default: 'the gain lies between {down}× and {up}×')."""
    gains = list(gains)
    if min(g.pairs for g in gains) < 2:
        return "a single round of timings cannot decide it"
    if all(down <= g.median < up for g in gains):
        return between or f"the gain lies between {down:g}× and {up:g}×"
    return "the gain depends on the model"
