"""Whether the settings chosen for the data-scale learners lie inside the grids they were chosen from: a choice at a
grid's edge says a value outside it might have done better, so the learner's curve may be held back by its grid.

The check record lists every choice at an edge (the traditional learners' settings by cross-validation, per fit;
the nets' learning rates, per net); the verdict and the words follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.findings.verdicts import Finding, Verdict, decide
from reportgen.fmt import and_list
from reportgen.records.data_scale import DataScaleResult

SETTING_WORDS = {"C": "C", "gamma_scale": "gamma (× 'scale')", "learning_rate": "learning rate"}


@dataclass(frozen=True)
class Edge:
    """One learner's setting chosen at the end of its grid."""

    learner: str
    setting: str
    value: float
    top: bool  # the grid's largest value (else its smallest)
    where: list[tuple[int, int]]  # (m, seed) of each fit that chose it; empty for a net's one rate


@dataclass(frozen=True)
class Tuning:
    choices: int  # settings checked: one per traditional fit and setting, one per net's rate
    edges: list[Edge]
    seeds: int  # seeds the traditional learners' choices rest on (the nets' rates were chosen once, offline)

    @property
    def at_edge(self) -> int:
        """Choices at an edge: a traditional learner's fits, a net's one rate."""
        return sum(len(e.where) or 1 for e in self.edges)

    @property
    def verdict(self) -> Verdict:
        """SUPPORTED: no choice at an edge of its grid; CONTRADICTED: at least one. A single seed decides nothing."""
        return decide(not self.edges, bool(self.edges), self.seeds)


def tuning(r: DataScaleResult) -> Tuning | None:
    """The check, over the learners with a recorded grid of at least two values; None where there is none."""
    edges, choices = [], 0
    for learner, grid in r.grids.items():
        for setting, values in grid.items():
            if len(values) < 2:
                continue
            low, high = min(values), max(values)
            if setting == "learning_rate":
                rate = r.learning_rates.get(learner)
                if rate is None:
                    continue
                choices += 1
                if rate in (low, high):
                    edges.append(Edge(learner, setting, rate, rate == high, []))
                continue
            picked = [(f.m, f.seed, f.chosen[setting]) for f in r.fits if f.learner == learner and setting in f.chosen]
            choices += len(picked)
            for value in (low, high):
                where = [(m, s) for m, s, v in picked if v == value]
                if where:
                    edges.append(Edge(learner, setting, value, value == high, where))
    if not choices:
        return None
    return Tuning(choices, edges, len(r.seeds))


def _where(r: DataScaleResult, e: Edge) -> str:
    if not e.where:
        return ""
    ms = sorted({m for m, _ in e.where})
    return (f" in {len(e.where)} of {len([f for f in r.fits if f.learner == e.learner])} fits (at m = "
            f"{', '.join(f'{m:,}' for m in ms)})")


def edge_words(r: DataScaleResult, e: Edge) -> str:
    return (f"{r.learner(e.learner).label}'s {SETTING_WORDS.get(e.setting, e.setting)} at the "
            f"{'top' if e.top else 'bottom'} of its grid ({e.value:.3g}){_where(r, e)}")


def tuning_finding(r: DataScaleResult) -> Finding | None:
    t = tuning(r)
    if t is None:
        return None
    grids = "; ".join(f"{r.learner(n).label}: " + ", ".join(f"{SETTING_WORDS.get(k, k)} out of "
                                                            + ", ".join(f"{v:.3g}" for v in vs) for k, vs in g.items())
                      for n, g in r.grids.items() if any(x.name == n for x in r.learners))
    said = and_list([edge_words(r, e) for e in t.edges])
    headline = {
        Verdict.SUPPORTED: f"Every one of the {t.choices} settings chosen lies inside its searched grid.",
        Verdict.CONTRADICTED: f"{t.at_edge} of the {t.choices} settings chosen sit at an edge of their grid ("
                              + and_list(list(dict.fromkeys(r.learner(e.learner).label for e in t.edges)))
                              + "): a value outside it might have done better.",
        Verdict.INCONCLUSIVE: "Not settled whether the chosen settings lie inside their grids: one seed.",
    }[t.verdict]
    evidence = (f"Grids searched: {grids}. " + (f"At an edge: {said}." if t.edges else
                                                 f"No choice of the {t.choices} is at an edge."))
    why = ("A setting chosen at the end of its grid may be held there by the grid: a value past it was not tried, "
           "so the learner's accuracy there may be less than it could be. A choice inside the grid is flanked by "
           "values that did worse on the folds. The traditional learners choose per fit (by 3-fold "
           "cross-validation on the training subset); the nets' rates were chosen once, offline, on a validation "
           "split of the pool.") + (" One seed settles nothing." if t.seeds < 2 else "")
    return Finding(key="tuning_inside_grids", driver="data", role="control",
                   claim="Every setting chosen for a learner lies inside the grid it was chosen from.",
                   verdict=t.verdict, headline=headline, evidence=evidence, why=why,
                   numbers={"choices": t.choices, "at_edge": t.at_edge})
