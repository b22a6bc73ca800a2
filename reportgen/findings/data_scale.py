"""Findings of the scale-of-data experiment: traditional learners plateau, the large net keeps rising and wins with
the most data, the small-m ranking is not settled; behind them, the power law of test error and the SVM's cost.

Each finding: the check (numbers and properties, in `curves`), then the verdict, then the words.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.findings.curves import (
    CLEAR_MARGIN,
    FIT_POINTS,
    LATE_SHARE,
    PLATEAU_GAIN,
    RIVAL_NAMES,
    SMALL_DATA_SHARE,
    CurveCheck,
    Plateau,
    Trend,
    exponent_words,
    largest_net,
    late_gain,
    level_words,
    noise,
    paired,
    plateau,
    rise,
    small_data_cut,
    trends,
    window,
)
from reportgen.findings.projection import Projection, data_needed
from reportgen.findings.ranking import missing_at, ranking, stable_from, winners
from reportgen.findings.tuning import edge_words, tuning_finding
from reportgen.findings.verdicts import HEADLINE_WORDS, Finding, Verdict, decide
from reportgen.fmt import and_list, pct, points, power_of_m, said_points
from reportgen.learners import SEARCH_MAX_M, TRADITIONAL
from reportgen.records.data_scale import DataScaleResult
from reportgen.stats import Spread, resamples

NOISE_Z_WORDS = "1.96·sqrt(0.25/n)"
SUPERLINEAR = 1.2  # a time exponent above this is clearly faster than linear growth
LATE = f"the last {LATE_SHARE:.0%} of"  # how the late-gain window reads in a sentence
ONE_SEED = "One seed settles nothing: the direction above is measured, the verdict needs more seeds."


@dataclass(frozen=True)
class DataScaleFindings:
    """What the findings layer says of the data-scale experiment: every learner's trend, the projection of the data
    a target needs (None: no grid), and the findings. The report reads these and recomputes none of them."""

    trends: list[Trend]
    projection: Projection | None
    findings: list[Finding]


def data_scale_findings(r: DataScaleResult, steps: int | None = None) -> DataScaleFindings:
    """`steps`: the nets' step budget from the profile, to tell where the best net's fits all ran it out."""
    if not r.m_values or min(r.m_values) < 1:
        return DataScaleFindings([], None, [])  # no grid of training-set sizes to read a trend from
    measured = trends(r)
    found = [_plateau_finding(r), _rising_finding(r), _win_finding(r), _small_m_finding(r),
             _power_law_finding(r, measured), _cost_finding(r, measured), tuning_finding(r)]
    return DataScaleFindings(measured, data_needed(r, measured, steps), [f for f in found if f])


def across(s: Spread, fmt=points) -> str:
    """' (x to y across n seeds)', or ' (one seed)'."""
    if s.n < 2:
        return " (one seed)"
    if fmt(s.low) == fmt(s.high):
        return f" (in each of {s.n} seeds)"
    return f" ({fmt(s.low).split()[0]} to {fmt(s.high)} across {s.n} seeds)"


def noise_words(r: DataScaleResult) -> str:
    """How the noise margin was set, for a finding's reasoning."""
    return (f"{points(noise(r))}, the larger of {points(CLEAR_MARGIN)} and the 95% half-width of one accuracy on "
            f"the {r.test_size:,} test examples ({NOISE_Z_WORDS})")


def _unmeasured(r: DataScaleResult, learners: list[str], at: str) -> str:
    """' X was not run at `at`, so ...' for learners a rule cannot judge ("" where there are none)."""
    if not learners:
        return ""
    return (f" {and_list([r.learner(x).label for x in learners])} {'was' if len(learners) == 1 else 'were'} not "
            f"run at {at}, so {'it is' if len(learners) == 1 else 'they are'} not judged "
            "there, and the claim cannot be supported.")


def _gained(x: float) -> str:
    return f"{'gained' if x >= 0 else 'lost'} {said_points(x)}"


def _open_reason(seeds: int) -> str:
    """Why a seed-by-seed rule did not decide, for a headline."""
    return "one seed cannot decide it" if seeds < 2 else "the seeds do not agree on either bar"


def _undecided(r: DataScaleResult, rule: str) -> str:
    """The reasoning of an inconclusive data finding: the rule, and why it did not decide."""
    return rule + (f" {ONE_SEED}" if len(r.seeds) < 2 else " The seeds do not all fall on one side of it.")


def _rise_why(r: DataScaleResult) -> str:
    """Why the least rise is above PLATEAU_GAIN, where it is."""
    return (f" (on {r.test_size:,} test examples the 95% half-width of one accuracy, {points(noise(r))}, is more "
            f"than {points(PLATEAU_GAIN)})" if rise(r) > PLATEAU_GAIN else "")


PLATEAU_CLAIM = "Traditional learners plateau as the amount of data m grows, where the largest net still gains."


def _over(w: tuple[int, int] | None) -> str:
    return f" from m = {w[0]:,} to {w[1]:,}" if w else ""


def _no_fit(r: DataScaleResult, needs: dict[str, list[int]]) -> str:
    """The runs a finding needs that have no fit in any seed, in words ("" where there are none), learners missing
    the same m together: 'no fit of Large MLP (512x3) at m = 10,000 (failed: out of memory)'."""
    by_ms: dict[tuple[int, ...], list[str]] = {}
    for learner, ms in needs.items():
        absent = tuple(m for m in ms if r.accuracy(learner, m) is None)
        if absent:
            by_ms.setdefault(absent, []).append(learner)
    return and_list([_no_fit_of(r, learners, list(absent)) for absent, learners in by_ms.items()])


def _no_fit_of(r: DataScaleResult, learners: list[str], ms: list[int], seeds: tuple[int, ...] | None = None) -> str:
    """'no fit of SVM (RBF kernel) at m = 100 in seed 2 (failed: out of memory)': `learners` have no fit at `ms`, in
    `seeds` (None: in any), the seeds named only where they are not all of the run's, with why those fits failed."""
    failed = sorted({f.reason for f in r.failed
                     if f.learner in learners and f.m in ms and (seeds is None or f.seed in seeds)})
    where = "" if seeds is None or set(seeds) >= set(r.seeds) else \
        f" in seed{'s' if len(seeds) > 1 else ''} {and_list([str(x) for x in seeds])}"
    return (f"no fit of {and_list([r.learner(x).label for x in learners])} at m = {and_list([f'{m:,}' for m in ms])}"
            f"{where}" + (f" (failed: {'; '.join(failed)})" if failed else ""))


def _short_seeds(r: DataScaleResult, needs: dict[str, list[int]]) -> dict[int, list[tuple[str, int]]]:
    """The fits a finding needs that some seeds ran and others did not: {seed: [(learner, m), ...]} for each seed
    short of one (a fit missing in every seed is `_no_fit`'s or `_unmeasured`'s to name)."""
    ran = {(f.learner, f.m, f.seed) for f in r.fits}
    out: dict[int, list[tuple[str, int]]] = {}
    for learner, ms in needs.items():
        for m in ms:
            if any((learner, m, s) in ran for s in r.seeds):
                for s in r.seeds:
                    if (learner, m, s) not in ran:
                        out.setdefault(s, []).append((learner, m))
    return {s: out[s] for s in r.seeds if s in out}


def _seeds_left_out(r: DataScaleResult, needs: dict[str, list[int]], judged: int) -> str:
    """' Judged on 2 of 3 seeds (seed 2's fit failed: Large MLP (512x3) at m = 32,000, out of memory).' where a
    fit the finding needs is missing in some seeds but not all, so its verdict rests on the others ("" where none
    is). `judged`: the seeds the verdict rests on."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for seed, cells in _short_seeds(r, needs).items():
        reasons = {(f.learner, f.m): f.reason for f in r.failed if f.seed == seed}
        at = lambda x, m: f"{r.learner(x).label} at m = {m:,}"
        failed = tuple(f"{at(x, m)}, {reasons[x, m]}" for x, m in cells if (x, m) in reasons)
        absent = tuple(at(x, m) for x, m in cells if (x, m) not in reasons)
        groups.setdefault((failed, absent), []).append(seed)
    if not groups:
        return ""
    said = []
    for (failed, absent), seeds in groups.items():
        who = f"seed{'s' if len(seeds) > 1 else ''} {and_list([str(x) for x in seeds])}"
        if failed:
            said.append(f"{who}'s fit{'s' if len(failed) > 1 or len(seeds) > 1 else ''} failed: "
                        + "; ".join(failed))
        if absent:
            said.append(f"{who} {'have' if len(seeds) > 1 else 'has'} no fit of {and_list(list(absent))}")
    return f" Judged on {judged} of {len(r.seeds)} seeds ({'; '.join(said)})."


def _untested(key: str, claim: str, missing: str, needs: str) -> Finding:
    """A claim this run could not test, for want of the runs it needs: NOT_TESTED, naming them, so that it is
    still counted on page one rather than left out."""
    missing = missing or "no seed that ran every fit the claim needs"
    headline = f"Not tested here: this run has {missing}."
    if len(headline.split()) > HEADLINE_WORDS:  # many learners missing, or a long failure: the evidence names them
        headline = "Not tested here: this run lacks fits the claim needs, which its evidence names."
    return Finding(key=key, driver="data", role="claim", claim=claim, verdict=Verdict.NOT_TESTED,
                   headline=headline,
                   evidence=f"This run has {missing}, so it could not measure {needs}.",
                   why=f"The claim is judged on {needs}.",
                   how_to_test=f"Build again, so that the battery runs what this one lacks; the claim is then "
                               f"judged on {needs}.")


def _plateau_finding(r: DataScaleResult) -> Finding:
    p = plateau(r)
    if p is None:
        traditional = [x.name for x in r.learners if x.name in TRADITIONAL]
        w = window(r)
        return _untested("traditional_plateau", PLATEAU_CLAIM,
                         _no_fit(r, {x: list(w) for x in traditional}) if w and traditional else
                         "no traditional learner" if w else "one value of m",
                         f"every traditional learner's late gain{_over(w)}, set against the largest net's")
    verdict, name, w = p.verdict, lambda x: r.learner(x).label, p.window
    net = r.learner(p.net).label if p.net else "largest net"
    span, both = f"from m = {w[0]:,} to {w[1]:,}", f"both m = {w[0]:,} and {w[1]:,}"
    said = and_list([f"{name(x)} {_gained(g.gain)}" for x, g in p.gains.items()])
    against = f" while the {net} gained {said_points(p.net_gain.gain)}" if p.net_gain else ""
    parts = [f"{name(x)} gained {points(g.gain)}{across(g.per_seed)} {span}" for x, g in p.gains.items()]
    if p.net_gain:
        parts.append(f"the {net} gained {points(p.net_gain.gain)}{across(p.net_gain.per_seed)}: "
                     + and_list([f"{points(abs(d.mean))} {'more' if d.mean >= 0 else 'less'} than {name(x)}"
                                 f"{across(d)}" for x, d in p.gaps.items()]))
    evidence = ("; ".join(parts) + "." + _edges(r, p) + _search_cap(r, p) + _unmeasured(r, p.missing, both)
                + _seeds_left_out(r, {x: list(w) for x in [*p.gains, *p.missing, *([p.net] if p.net else [])]},
                                  p.seeds))
    against_net = [f"{name(x)} still {_gained(p.gains[x].gain)}" for x in p.rising] + [
        f"{name(x)} out-gained the net by {said_points(-p.gaps[x].mean)}" for x in p.outgained
        if x not in p.rising]
    headline = {
        Verdict.SUPPORTED: f"Traditional learners levelled off {span}{against}: {said}.",
        Verdict.CONTRADICTED: f"Not every traditional learner levelled off {span}: {and_list(against_net)}.",
        Verdict.INCONCLUSIVE: f"Undecided whether traditional learners level off {span}: {_open_plateau(r, p)}.",
    }[verdict]
    rule = (f"A plateau is a gain under {points(PLATEAU_GAIN)} in every seed {span} ({LATE} the grid's log-m range, "
            f"the window every learner is judged over) for every traditional learner, while the {net} gains more "
            f"than each by more than {points(p.margin)} in every seed (its gain minus theirs, seed by seed); a "
            f"traditional learner that gains at least {points(rise(r))} in every seed{_rise_why(r)}, or more than "
            f"the {net} by more than {points(p.margin)} in every seed, contradicts it. The {net} must itself be "
            f"rising by the rising rule (at least {points(rise(r))} in every seed), or where it still gains is not "
            "shown. A setting chosen at its grid's edge inside the window, or settings frozen at the search cap over "
            f"the whole window (every fit there reusing the cross-validation on the subset's first "
            f"{SEARCH_MAX_M:,} examples), leaves a plateau open: the grid or the search, not the data, may hold the "
            "learner level; a learner still rising despite them contradicts it all the same.")
    why = {
        Verdict.SUPPORTED: f"{rule} Here every traditional learner levelled off and the {net} out-gained each "
                           "beyond the noise.",
        Verdict.CONTRADICTED: f"{rule} Here {and_list(against_net)}: no plateau against the net there.",
        Verdict.INCONCLUSIVE: f"{rule} " + (ONE_SEED if p.seeds < 2 and not p.missing else
                                            f"Here {_open_plateau(r, p)}.{_open_detail(r, p)}"),
    }[verdict] + f" The noise margin is {noise_words(r)}." + _unmeasured(r, p.missing, both)
    return Finding(key="traditional_plateau", driver="data", role="claim",
                   claim=PLATEAU_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={f"{x}_late_gain": g.gain for x, g in p.gains.items()}
                   | {f"net_minus_{x}_late_gain": d.mean for x, d in p.gaps.items()},
                   because=f"traditional learners levelled off{against} ({said})" if verdict is Verdict.SUPPORTED
                   else "")


FROZEN = (f"settings chosen on {SEARCH_MAX_M:,} examples may hold a learner down, so a level there is not "
          "evidence")


def _open_plateau(r: DataScaleResult, p: Plateau) -> str:
    """Why the plateau's check did not decide, the first reason that applies."""
    net = r.learner(p.net).label if p.net else "largest net"
    if p.missing:
        return "not every one was run there"
    if p.seeds < 2:
        return "one seed cannot decide it"
    if p.holds and p.edges:
        return (f"{and_list(list(dict.fromkeys(r.learner(e.learner).label for e in p.edges)))} chose a setting at "
                "its grid's edge there, which may hold it level")
    if p.holds and p.frozen:
        return FROZEN
    if p.net_gain is None:
        return f"the {net} was not run there to set them against"
    if p.levelled and p.contrast:
        return f"the {net} gained {said_points(p.net_gain.gain)}, which is not a rise by the rising rule"
    if p.levelled:
        closest = min(p.gaps, key=lambda x: p.gaps[x].mean)
        return (f"the {net}'s gain and {r.learner(closest).label}'s differ by {said_points(p.gaps[closest].mean)}, "
                "not beyond the noise")
    return "the seeds do not all fall on one side of the bars"


def _open_detail(r: DataScaleResult, p: Plateau) -> str:
    """What lies behind the plateau's open reason, where a sentence says more than the headline can."""
    net = r.learner(p.net).label if p.net else "largest net"
    if p.holds and not p.edges and p.frozen:
        return (f" Every fit of {and_list([r.learner(x).label for x in p.frozen])} from m = {p.window[0]:,} to "
                f"{p.window[1]:,} reuses settings chosen by cross-validation on the subset's first {SEARCH_MAX_M:,} "
                "examples: a setting whose best value moves with m stays where it was, so these learners may have "
                "levelled off because of the search, and the measured levels are not evidence of a plateau.")
    if p.net_gain is not None and p.levelled and p.contrast and not p.net_rising:
        g = p.net_gain
        return (f" The {net} gained {points(g.gain)}{across(g.per_seed)}: "
                + (f"under {points(PLATEAU_GAIN)} in every seed, so by the rising rule it stopped improving"
                   if g.flat else f"not at least {points(g.rise)} in every seed, so by the rising rule it is not "
                   "shown to keep improving")
                + "; the traditional learners levelled off, but not where the net still gains.")
    return ""


def _edges(r: DataScaleResult, p: Plateau) -> str:
    """The traditional learners' settings chosen at a grid's edge inside the window, for the evidence."""
    if not p.edges:
        return ""
    return (f" Inside the window, {and_list([edge_words(r, e) for e in p.edges])}: a value past the grid might "
            "have kept the curve rising.")


def _search_cap(r: DataScaleResult, p: Plateau) -> str:
    """Where the window reaches past SEARCH_MAX_M, the traditional learners' settings there were not chosen on the
    whole subset: a best setting that moves with m stays where it was at SEARCH_MAX_M, which can flatten a curve."""
    chosen = any(f.chosen for f in r.fits if f.learner in p.gains)
    if not chosen or p.window[1] <= SEARCH_MAX_M:
        return ""
    return (f" Above m = {SEARCH_MAX_M:,} the traditional learners' settings are chosen by cross-validation on the "
            f"subset's first {SEARCH_MAX_M:,} examples, not on all m: a setting whose best value moves with m stays "
            f"where it was at {SEARCH_MAX_M:,}, which can flatten their curves.")


RISING_CLAIM = "The largest neural net keeps improving as m grows."


def _rising_finding(r: DataScaleResult) -> Finding:
    big, w = largest_net(r), window(r)
    late = late_gain(r, big) if big else None
    if not late:
        return _untested("large_net_rising", RISING_CLAIM,
                         _no_fit(r, {big: list(w)}) if big and w else "no MLP" if w else "one value of m",
                         f"the largest net's late gain{_over(w)}")
    label = r.learner(big).label
    verdict = decide(late.flat is False, late.flat is True, late.per_seed.n)
    more = f"With {late.m_to / late.m_from:.0f}× more data (m = {late.m_from:,} to {late.m_to:,})"
    headline = {
        Verdict.SUPPORTED: f"{more} the {label} still gained {said_points(late.gain)}: more data kept helping.",
        Verdict.CONTRADICTED: f"{more} the {label} {_gained(late.gain)}: it stopped improving.",
        Verdict.INCONCLUSIVE: f"Not settled whether the {label} keeps improving: from m = {late.m_from:,} to "
                              f"{late.m_to:,} it {_gained(late.gain)}, and {_open_reason(late.per_seed.n)}.",
    }[verdict]
    evidence = (f"The {label} went from {pct(r.accuracy(big, late.m_from).mean)} at m = {late.m_from:,} to "
                f"{pct(r.accuracy(big, late.m_to).mean)} at m = {late.m_to:,}, a gain of {points(late.gain)}"
                f"{across(late.per_seed)}." + _seeds_left_out(r, {big: [late.m_from, late.m_to]}, late.per_seed.n))
    why = {Verdict.SUPPORTED: f"Every seed gained at least {points(late.rise)} over {LATE} the m range "
                              "(log scale): more data was still helping where the grid ends.",
           Verdict.CONTRADICTED: f"Every seed gained under {points(PLATEAU_GAIN)} over {LATE} the m "
                                 "range: on this grid and step budget more data no longer raised its accuracy (what "
                                 "holds it there, the net, its budget or the task, is not tested here).",
           Verdict.INCONCLUSIVE: _undecided(r, f"Rising means a gain of at least {points(late.rise)} in every "
                                               f"seed over {LATE} the m range (log scale){_rise_why(r)}; a plateau, "
                                               f"under {points(PLATEAU_GAIN)} in every seed.")}[verdict]
    return Finding(key="large_net_rising", driver="data", role="claim",
                   claim=RISING_CLAIM, verdict=verdict, headline=headline,
                   evidence=evidence, why=why, numbers={"gain": late.gain},
                   because=(f"the {label} still gained {said_points(late.gain)} with {late.m_to / late.m_from:.0f}× "
                            "more data" if verdict is Verdict.SUPPORTED else ""))


WIN_CLAIM = "With the most data, the large neural net beats traditional learners."


def _win_finding(r: DataScaleResult) -> Finding:
    """The largest net against every traditional learner at the grid's largest m, seed by seed."""
    big, m = largest_net(r), r.m_values[-1]
    traditional = [x.name for x in r.learners if x.name in TRADITIONAL]
    leads = {x: lead for x in traditional if (lead := paired(r, (big, m), (x, m)))} if big else {}
    if not leads:
        return _untested("nets_win_at_scale", WIN_CLAIM,
                         _no_fit(r, {big: [m], **{x: [m] for x in traditional}}) if big and traditional else
                         "no MLP" if traditional else "no traditional learner",
                         f"the largest net's lead over every traditional learner at the grid's largest m, {m:,}")
    missing = [x for x in traditional if x not in leads]
    label, margin = r.learner(big).label, noise(r)
    beaten = [x for x, d in leads.items() if d.below(-margin)]
    seeds = min(d.n for d in leads.values())
    verdict = decide(not missing and all(d.above(margin) for d in leads.values()), bool(beaten), seeds)
    name = lambda x: r.learner(x).label
    parts = [f"the {label} scored {pct(r.accuracy(big, m).mean)} against {pct(r.accuracy(x, m).mean)} for "
             f"{name(x)}: {'a lead of' if d.mean >= 0 else 'behind by'} {points(abs(d.mean))}{across(d)}"
             for x, d in leads.items()]
    closest = min(leads, key=lambda x: leads[x].mean)
    lead = leads[closest]
    headline = {
        Verdict.SUPPORTED: f"With the most data (m = {m:,}) the {label} beat every traditional learner: it led "
                           f"{name(closest)}, the closest, by {said_points(lead.mean)}.",
        Verdict.CONTRADICTED: f"With the most data (m = {m:,}) the {label} did not win: "
                              + and_list([f"{name(x)} led it by {said_points(leads[x].mean)}" for x in beaten]) + ".",
        Verdict.INCONCLUSIVE: f"Not settled whether the {label} wins at the largest m, {m:,}: it "
                              f"{'led' if lead.mean >= 0 else 'trailed'} {name(closest)} by "
                              f"{said_points(lead.mean)}, "
                              + ("and not every traditional learner was run there" if missing else
                                 "in one seed" if seeds < 2 else "not beyond the noise in every seed") + ".",
    }[verdict]
    why = {Verdict.SUPPORTED: f"The net led every traditional learner by more than {points(margin)} in every "
                              f"seed at the grid's largest m, {m:,}.",
           Verdict.CONTRADICTED: f"{and_list([name(x) for x in beaten])} led the net by more than "
                                 f"{points(margin)} in every seed at m = {m:,}.",
           Verdict.INCONCLUSIVE: _undecided(r, f"A win is a lead of more than {points(margin)} in every seed over "
                                               f"every traditional learner at the grid's largest m, {m:,}.")
           }[verdict] + _unmeasured(r, missing, f"m = {m:,}") + f" The noise margin is {noise_words(r)}."
    return Finding(key="nets_win_at_scale", driver="data", role="claim",
                   claim=WIN_CLAIM, verdict=verdict,
                   headline=headline, evidence=f"At m = {m:,}, " + "; ".join(parts) + "." + _unmeasured(r, missing, f"m = {m:,}")
                   + _seeds_left_out(r, {x: [m] for x in [big, *traditional]}, seeds),
                   why=why, numbers={f"lead_over_{x}": d.mean for x, d in leads.items()},
                   because=(f"with the most data the {label} beat every traditional learner by "
                            f"{said_points(lead.mean)} or more" if verdict is Verdict.SUPPORTED else ""))


RANKING_CLAIM = "With little data, the ranking of learners is not settled."


def _no_fit_in_seeds(r: DataScaleResult, m: int, missing: dict[str, list[int]]) -> str:
    """The fits at m a finding needs that are missing in some seeds, in `_no_fit`'s words with the seeds named:
    'no fit of SVM (RBF kernel) at m = 100 in seed 2 (failed: out of memory)'; a learner missing in every seed
    reads as `_no_fit` says it."""
    by_seeds: dict[tuple[int, ...], list[str]] = {}
    for learner, seeds in missing.items():
        by_seeds.setdefault(tuple(seeds), []).append(learner)
    return and_list([_no_fit_of(r, learners, [m], seeds) for seeds, learners in by_seeds.items()])


def _small_m_finding(r: DataScaleResult) -> Finding:
    m0 = r.m_values[0]
    needs = f"the learners' ranking at the grid's smallest m, {m0:,}, seed by seed"
    missing = missing_at(r, m0)
    k = ranking(r, m0)
    if len(r.learners) < 2:
        return _untested("small_m_ranking", RANKING_CLAIM, "one learner", needs)
    if missing or k is None:  # a ranking over the learners that ran would drop the missing one without a word
        return _untested("small_m_ranking", RANKING_CLAIM, _no_fit_in_seeds(r, m0, missing), needs)
    rankings = [x for m in r.m_values if (x := ranking(r, m))]
    margin, first = k.margin, k.leader
    verdict = decide(k.unsettled, k.settled, k.seeds)
    name = lambda x: r.learner(x).label
    leaders, leads = k.leaders, k.leads
    mean = sum(leads) / len(leads)
    since = stable_from(r)
    agreement = "; ".join(f"{x.agreement:.2f} at m = {x.m:,}" for x in rankings if x.agreement is not None)
    low, high = k.interval if k.interval else (mean, mean)
    span = f"{points(low).split()[0]} to {points(high)}"
    interval = (f"; mean {points(mean)}, 95% interval {span}, standard deviation across seeds {points(k.spread)}"
                if k.interval else "")
    evidence = (f"At m = {m0:,} {name(first)} scored best on average and led in {leaders.count(first)} of "
                f"{len(leaders)} seed(s); its lead over the best other learner ranged from {points(min(leads))} "
                f"to {points(max(leads))} across seeds (negative: it trailed){interval}."
                + (f" Share of seed pairs naming the same leader: {agreement}."
                   if agreement else "")
                + (f" Every seed names the same leader, {name(winners(r, r.m_values[-1])[0])}, from m = {since:,} "
                   "on: the ranking is stable from there." if since is not None and k.seeds > 1 else
                   " The seeds do not agree on the leader even at the largest m." if k.seeds > 1 else ""))
    headline = {
        Verdict.SUPPORTED: f"With little data the ranking was not settled: at m = {m0:,} no learner led by more "
                           f"than the noise (the best's lead, 95% interval {span}).",
        Verdict.CONTRADICTED: f"Even at m = {m0:,} the ranking was settled: {name(first)} led every other learner "
                              f"by {said_points(mean)} on average, beyond the noise.",
        Verdict.INCONCLUSIVE: f"Undecided whether the ranking at m = {m0:,} is settled: "
                              + ("one seed was run." if k.seeds < 2 else
                                 f"{name(first)} led by {said_points(mean)}, 95% interval {span}: on both sides of the "
                                 "margin."),
    }[verdict]
    rule = (f"The ranking is judged on one interval against one margin, {points(margin)}: the 95% interval (mean ± "
            "t·SD/√n over the seeds) of the best learner on average's lead over the best other learner, seed by "
            "seed. Settled: its low end is above the margin. Not settled: its high end is below the margin, so no "
            "learner leads by more than the noise (one behind the best on average has a mean lead of at most 0). "
            "Otherwise the run does not decide it. The interval narrows as "
            "seeds are added, towards both bars alike, so neither side gets easier; how many seeds name the same "
            "leader is described, not judged.")
    why = {
        Verdict.SUPPORTED: f"{rule} Here the high end, {points(high)}, is below the margin: no learner is told "
                           "apart from the others.",
        Verdict.CONTRADICTED: f"{rule} Here the low end, {points(low)}, is above the margin: {name(first)}'s lead "
                              "is beyond the noise, and at this m the ranking is settled.",
        Verdict.INCONCLUSIVE: f"{rule} " + (ONE_SEED if k.seeds < 2 else
                                            f"Here the interval, {span}, reaches both sides of the margin: the "
                                            "seeds do not tell a lead beyond the noise from none."),
    }[verdict] + f" The noise margin is {noise_words(r)}."
    return Finding(key="small_m_ranking", driver="data", role="claim",
                   claim=RANKING_CLAIM, verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={"smallest_lead_at_smallest_m": min(leads), "mean_lead_at_smallest_m": mean,
                            **({"lead_interval_low_at_smallest_m": low, "lead_interval_high_at_smallest_m": high}
                               if k.interval else {}),
                            **({"leader_agreement_at_smallest_m": k.agreement} if k.agreement is not None else {}),
                            **({"stable_from_m": since} if since is not None else {})},
                   because=(f"with little data (m = {m0:,}) no learner led the others by more than the noise"
                            if verdict is Verdict.SUPPORTED else ""))


# --- the power law ---------------------------------------------------------------------------------------------

LAW_RULE = ("Following the law means predicting the held-out point within the noise (the seeds' range there, at "
            "least the test set's noise margin), with a fitted fall over the fitted range larger than the noise, "
            "better than no gain after the last fitted point (its accuracy carried forward) could, forecasting the "
            f"later points from rolling origins better than {RIVAL_NAMES} (its midpoint inside the fitted range) by "
            "more than the noise (mean miss in log error), with a floor above its bound 0 and an exponent negative in "
            "the central 90% of resamples of the seeds; missing the held-out point by more than the noise, or a rival forecasting "
            "better by more than it, contradicts the law.")

# Why the law's check decided nothing, by CurveCheck.shortfall: for the headline, then for the reasoning.
OPEN_LAW = {
    "one seed": ("one seed gives the fit no spread", ONE_SEED),
    "floor": ("its fitted floor sits at the bound 0, so the three-parameter law is not tested",
              ("Here the main fit's floor sits at its bound 0: the fit is the law without a floor, a·m^b, which "
               "this check cannot tell from the law with one, so the three-parameter law is not tested.")),
    "rivals": ("its forecasts do not beat every rival's by more than the noise",
               ("Here the law's rolling-origin forecasts do not beat every rival's by more than the noise in log "
                "error (or there are too few points for them): this check cannot tell the law from its rivals.")),
    "flat": ("the curve moves too little past the small-data region",
             ("Here the curve moves too little past the small-data region for the check to mean "
              "anything.")),
    "carried": ("a curve that stopped rising predicts the held-out point as well",
                ("Here the curve gains too little after its last fitted point: carried forward, that point "
                 "predicts the held-out one within the noise too.")),
    "exponent": ("the exponent is not negative in the central 90% of resamples of the seeds",
                 "Here the exponent is not negative in the central 90% of resamples of the seeds."),
}


def _level(c: CurveCheck) -> str:
    """The fit's exponent and its level: each stated only where the fit has one to state (a fall, and a law that
    passed with its floor above 0 in every resample), the level as the fit's asymptote, not as a measurement."""
    b = exponent_words(c, "b = ", " over resamples of the seeds")
    if c.states_level:
        return (f"{b}; its fitted asymptote is {pct(1 - c.fit.c)} accuracy, the fit extrapolated to m without end, "
                "not a measurement")
    if c.pinned_everywhere:
        return (f"{b}; its floor sits at the bound 0, so the fit is the law without a floor, a·m^b, and finds no "
                "level (which does not show there is none)")
    return b


def _rival(c: CurveCheck) -> str:
    if c.rival is None:
        return ""
    if c.rival_same:
        return (" Fitted without the held-out point, the law put its floor at the bound 0: it is the power law "
                "without a floor, so that rival tells nothing more.")
    if c.rival_holds and c.holds:
        return (f" The power law without a floor predicted {pct(c.rival)}: both are within the noise, so this check "
                "cannot tell them apart.")
    better = "the power law with a floor" if c.floor_better else "the power law without a floor"
    return (f" The power law without a floor predicted {pct(c.rival)} (a miss of {points(abs(c.rival_miss))}): "
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


def _forecast_words(c: CurveCheck) -> str:
    """The rolling-origin forecasts of the law and its rivals, in log error."""
    f = c.forecasts
    if f is None:
        return ""
    ends = sorted({m for m, _ in f.targets})
    said = "; ".join(f"fitted up to m = {e:,}, predicting m = " + " and ".join(f"{t:,}" for m, t in f.targets if m == e)
                     for e in ends)
    means = ", ".join(f"{n} {f.mean(n):.2f}" for n in f.misses)
    return (f" Rolling-origin forecasts ({said}), mean miss in log error |ln(predicted / measured error)|: {means}, "
            f"against a noise of {f.margin:.2f} (the noise over the measured error at m = {c.held_out_m:,}).")


def _resampled(seeds: int) -> str:
    """What the ranges 'over resamples of the seeds' are, and are not."""
    if seeds < 2:
        return ""
    distinct = len({tuple(sorted(d)) for d in resamples(seeds)})
    return (f"The ranges over resamples of the seeds come from {distinct} distinct resamples of the {seeds} seeds "
            "(drawn with replacement): they show the spread over seeds, not a confidence interval. ")


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
        grid = [m for m in r.m_values if m >= small_data_cut(r.m_values) * (1 - 1e-9)]
        absent = _no_fit(r, {big: grid}) if len(grid) > FIT_POINTS else ""
        few = f"The {label}'s curve has too few points past the small-data region to fit and check a power law"
        return Finding(key="power_law", driver="data", role="published", claim=claim, verdict=Verdict.NOT_TESTED,
                       headline=f"{few}{': this run has ' + absent if absent else ''}.",
                       evidence=f"{few}: " + (f"this run has {absent}, so the check could not be made." if absent
                                              else f"{len(grid)} of the grid's m lie past the small-data region, "
                                                   f"where the check needs {FIT_POINTS + 1}."), why=rule,
                       how_to_test=("Build again, so that the battery runs what this one lacks. " if absent
                                    else f"Run a profile with more values of m (reportgen build --profile standard, "
                                         f"or full): at least {FIT_POINTS + 1} past the lowest "
                                         f"{SMALL_DATA_SHARE:.0%} of the log-m range. ")
                       + ("A fit that predicts its held-out largest m within the noise, better than a curve that "
                          "stopped rising, would support it; Hestness et al. published exponents between -0.07 and "
                          "-0.35."))
    verdict = c.verdict
    p_range = f" ({pct(c.predicted_range[0])} to {pct(c.predicted_range[1])})" if c.predicted_range else ""
    evidence = (f"Fitted on m = {c.m_fit[0]:,} to {c.m_fit[-1]:,}, the {label}'s fit has {_level(c)}. Fitted without m = {c.held_out_m:,}, it predicted {pct(c.predicted)}{p_range} there "
                f"against {pct(c.measured)} measured: a miss of {points(abs(c.miss))}, against a noise of "
                f"{points(c.tolerance)}.{_no_change(c)}{_rival(c)}{_forecast_words(c)}")
    headline = {
        Verdict.SUPPORTED: f"A power law (exponent {c.fit.b:.2f}) forecast the {label}'s test error better than "
                           f"{RIVAL_NAMES} did.",
        Verdict.CONTRADICTED: (f"The {label}'s test error did not follow one power law: fitted without m = "
                               f"{c.held_out_m:,}, it missed the accuracy there by {said_points(c.miss)}."
                               if c.shortfall == "missed" else
                               f"The {label}'s test error did not follow a power law best: "
                               f"{and_list(c.forecasts.beaten)} forecast the later points better, beyond the "
                               "noise."),
        Verdict.INCONCLUSIVE: f"Not settled whether the {label}'s error follows a power law: "
                              f"{OPEN_LAW[c.shortfall][0] if c.shortfall in OPEN_LAW else 'the check is open'}.",
    }[verdict]
    others = "; ".join(f"{r.learner(n).label}: {exponent_words(o, 'b = ')}, held-out miss "
                       f"{points(abs(o.miss))}, "
                       f"{o.verdict.value}, asymptote {level_words(o)}" for n, o in checks.items() if n != big)
    why = {
        Verdict.SUPPORTED: "The fit predicted the held-out point within the noise, no gain after the last fitted "
                           "point could not have, its rolling-origin forecasts beat every rival's by more than the "
                           "noise, and its exponent is negative in the central 90% of resamples of the seeds. That is "
                           "what was tested: the law against these rivals, not against every curve (a sigmoid in log m "
                           "whose midpoint lies below the data, say, which past its midpoint is itself a power law "
                           "with a floor), and its asymptote is the fit's, not a measured level.",
        Verdict.CONTRADICTED: ("The fit missed the held-out point by more than the noise: past the small-data "
                               "region this curve does not follow one power law on this grid." if c.shortfall ==
                               "missed" else
                               "A rival forecast the later points better than the law, by more than the noise in "
                               "log error, on the mean over the rolling origins."),
        Verdict.INCONCLUSIVE: f"{LAW_RULE} {OPEN_LAW[c.shortfall][1] if c.shortfall in OPEN_LAW else ''}".rstrip(),
    }[verdict] + (f" The noise is the seeds' range at the held-out m, and at least the noise margin of "
                  f"{noise_words(r)}. {_resampled(c.seeds)}{rule} "
                  "Hestness et al. published exponents between -0.07 and -0.35 on far larger tasks.") + (
        f" Other learners: {others}." if others else "")
    numbers = {f"{n}_exponent": o.fit.b for n, o in checks.items()} | {"held_out_miss": c.miss,
                                                                        "no_gain_miss": c.carried_miss}
    return Finding(key="power_law", driver="data", role="published", claim=claim, verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers=numbers)


# --- the SVM's cost --------------------------------------------------------------------------------------------

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
    evidence = (f"The RBF SVM's fit time grew like {power_of_m(k.mean)}{spread} over the upper half of its range"
                + (f" (others: {others})" if others else "") + "."
                + (f" {and_list(faster)} grew faster than the SVM here." if faster else "")
                + _nets_cost(r, [n for n in growth if r.learner(n).kind == "neural"]))
    headline = {
        Verdict.SUPPORTED: f"The SVM's fit time grew like {power_of_m(k.mean)}: twice the data made its fit "
                           f"{2 ** k.mean:.1f}× slower.",
        Verdict.CONTRADICTED: f"The SVM's fit time grew no faster than the data here (like {power_of_m(k.mean)}).",
        Verdict.INCONCLUSIVE: f"Not settled whether the SVM's cost outgrows the data: its fit time grew like "
                              f"{power_of_m(k.mean)}, and " + _open_reason(k.n) + ".",
    }[verdict]
    why = {Verdict.SUPPORTED: f"Every seed's exponent is above {SUPERLINEAR:g}: clearly faster than linear, so each "
                              "doubling of the data more than doubles the SVM's fit.",
           Verdict.CONTRADICTED: "Every seed's exponent is below 1: the SVM's cost grew no faster than the data here.",
           Verdict.INCONCLUSIVE: _undecided(r, f"Faster than the data means an exponent above {SUPERLINEAR:g} in "
                                               "every seed; below 1 in every seed would contradict it.")}[verdict]
    why += " Fit times are of the final fit only (model selection excluded) and depend on the machine's load."
    return Finding(key="svm_cost", driver="data", role="mechanism",
                   claim="A kernel SVM's training cost grows faster than the data.", verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers={"svm_time_exponent": k.mean})


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
    return (f" The {and_list([r.learner(n).label for n in nets])} are not listed: a net trains for a budget of steps "
            f"whatever m is, so its cost is set by its steps, not by m{took}.")
