"""The ranking of learners as m grows, as a check record: at each m, which learner each seed names best, how far
the seeds agree on it, and whether the ranking is settled or not settled by more than the noise.

Both sides are decided on one interval against one margin: the 95% interval of the best learner on average's lead
over the best other learner, seed by seed (mean ± t·SD/√n). Settled: its low end is above the margin (the leader is
ahead by more than the noise). Not settled: its high end is below the margin (no learner leads by more than the
noise). Otherwise the run does not decide it. The interval narrows as seeds are added, and it narrows towards both
bars alike, so neither side gets easier with more seeds. How many seeds name the same leader is described, not
judged: it moves with the number of seeds, and a leader named in every seed by a lead within the noise settles
nothing."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from itertools import combinations

from reportgen.findings.curves import noise
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import mean_interval


def scores(r: DataScaleResult, m: int) -> dict[int, dict[str, float]]:
    """Each seed's test accuracy of every learner run at m."""
    out: dict[int, dict[str, float]] = {}
    for f in r.fits:
        if f.m == m:
            out.setdefault(f.seed, {})[f.learner] = f.test_accuracy
    return {s: out[s] for s in r.seeds if s in out}


def winners(r: DataScaleResult, m: int) -> list[str]:
    """The best learner at m for each seed (learners not run at m are left out)."""
    return [max(x, key=x.get) for x in scores(r, m).values() if x]


@dataclass(frozen=True)
class Ranking:
    """The learners' ranking at one m, over the seeds that ran every learner there."""

    m: int
    per_seed: list[dict[str, float]]  # each seed's accuracy by learner
    margin: float  # the least lead that is more than noise

    @property
    def seeds(self) -> int:
        return len(self.per_seed)

    @property
    def leaders(self) -> list[str]:
        return [max(x, key=x.get) for x in self.per_seed]

    @property
    def agreement(self) -> float | None:
        """The share of seed pairs that name the same leader (None with one seed)."""
        pairs = list(combinations(self.leaders, 2))
        return sum(a == b for a, b in pairs) / len(pairs) if pairs else None

    @property
    def leader(self) -> str:
        """The learner with the best mean accuracy."""
        names = self.per_seed[0]
        return max(names, key=lambda x: sum(s[x] for s in self.per_seed))

    def lead(self, seed: dict[str, float], first: str) -> float:
        """`first`'s lead over the best other learner in one seed (negative: it trailed)."""
        return seed[first] - max(v for x, v in seed.items() if x != first)

    @property
    def leads(self) -> list[float]:
        """The leader's lead over the best other learner, seed by seed (negative: it trailed)."""
        return [self.lead(s, self.leader) for s in self.per_seed]

    @property
    def interval(self) -> tuple[float, float] | None:
        """The 95% interval of the leader's mean lead over the seeds (None with one seed)."""
        return mean_interval(self.leads)

    @property
    def spread(self) -> float:
        """The standard deviation of the lead across seeds (0 with one seed): a description, not a test."""
        return statistics.stdev(self.leads) if self.seeds > 1 else 0.0

    @property
    def settled(self) -> bool:
        """The leader is ahead by more than the noise: the low end of its lead's interval is above the margin."""
        return self.interval is not None and self.interval[0] > self.margin

    @property
    def unsettled(self) -> bool:
        """No learner leads by more than the noise: the high end of the leader's lead's interval is below the
        margin (a learner behind the leader on average has a mean lead of at most 0)."""
        return self.interval is not None and self.interval[1] < self.margin


def ranking(r: DataScaleResult, m: int) -> Ranking | None:
    """The ranking at m over the learners run at m in every seed; None with fewer than two learners."""
    by_seed = scores(r, m)
    common = set.intersection(*(set(x) for x in by_seed.values())) if by_seed else set()
    if len(common) < 2:
        return None
    return Ranking(m, [{x: v for x, v in s.items() if x in common} for s in by_seed.values()], noise(r))


def missing_at(r: DataScaleResult, m: int) -> dict[str, list[int]]:
    """The seeds each learner has no fit at m in (learners with a fit in every seed left out): a ranking over the
    learners that ran would silently drop one, and a leader missing in one seed changes the ranking."""
    ran = {(f.learner, f.seed) for f in r.fits if f.m == m}
    out = {x.name: [s for s in r.seeds if (x.name, s) not in ran] for x in r.learners}
    return {x: seeds for x, seeds in out.items() if seeds}


def stable_from(r: DataScaleResult) -> int | None:
    """The smallest m from which every seed names the same best learner at every larger m, and that learner is
    the one every seed names at the largest m."""
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
