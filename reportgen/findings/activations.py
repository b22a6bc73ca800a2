"""Findings of the activations experiment: ReLU trains faster than sigmoid (the lecture's claim); behind it, sigmoid's
gradients vanish with depth while ReLU's do not (the mechanism), the activation and not the initialisation causes
it (a control), and ReLU against tanh (Krizhevsky et al.'s published result).

Each finding: the check (numbers and properties), then the verdict, then the words.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from reportgen.findings.verdicts import HEADLINE_WORDS, Finding, Verdict, decide
from reportgen.fmt import and_list, cap, duration, multiple, pct, times
from reportgen.records.activations import (
    DESIGNED,
    LEGACY_DESIGNED,
    SATURATION,
    ActivationsResult,
    ConvergenceRun,
    GradientProfile,
)
from reportgen.references import KRIZHEVSKY_RELU_SPEEDUP

VANISH_RATIO = 100  # output-to-input gradient ratio at which gradients have "vanished" (two orders of magnitude)
KEEP_RATIO = 10  # within one order of magnitude
KEPT_NOT = 30  # three times past it the claim "within one order" is plainly false, not a matter of noise
SPEED_GAIN = 1.2  # ReLU and sigmoid within this factor of each other's steps reach the target about as fast
DEPTH_GROWTH = 2  # growth with depth: the deepest net's ratio this many times the shallowest's, in the median pair
ONE_SEED = "One seed settles nothing: the direction above is measured, the verdict needs more seeds."


def activation_findings(r: ActivationsResult) -> list[Finding]:
    found = [_sigmoid_finding(r), _relu_finding(r), _init_finding(r)] if r.depths else []
    found += [_race_finding(r, "sigmoid"), _race_finding(r, "tanh")] if r.learning_rates else []
    return [f for f in found if f]


def init_name(init: str) -> str:
    return {"default": "PyTorch's default", "he": "He", "glorot": "Glorot", "glorot4": "Glorot with gain 4"}.get(
        init, init)


def own_init(r: ActivationsResult, activation: str) -> str:
    """The initialisation designed for the activation where this run has it (in files before schema 4, sigmoid's
    was Glorot's with gain 1), else the default (older files still)."""
    for init in (DESIGNED.get(activation, "default"), LEGACY_DESIGNED.get(activation)):
        if init and (r.has_init(activation, init) or (r.depths and r.gradient(activation, max(r.depths), init=init))):
            return init
    return "default"


def _ratio(g: GradientProfile) -> str:
    """The output/input ratio with its range over the (seed, batch) samples."""
    s = g.samples
    return times(g.ratio) + (f" ({times(min(s))} to {times(max(s))} over {len(s)} seed and batch samples)"
                             if len(s) > 1 else " (one sample)")


def _gradient_rule() -> str:
    return (f"A ratio of {VANISH_RATIO} or more ({math.log10(VANISH_RATIO):g} orders of magnitude) in every sample "
            f"means the first layers barely learn; under {KEEP_RATIO} in every sample means the signal reaches them.")


def _listing(r: ActivationsResult, activation: str, init: str) -> str:
    return ", ".join(f"{times(g.ratio)} at {d} hidden layers" for d in r.depths
                     if (g := r.gradient(activation, d, init=init)))


def _undecided_seeds(r: ActivationsResult, rule: str) -> str:
    return rule + (f" {ONE_SEED}" if len(r.seeds) < 2 else " The samples do not all fall on one side of it.")


@dataclass(frozen=True)
class DepthCheck:
    """One activation's output/input gradient ratio at the deepest net, and how it grew from the shallowest.

    The deeper net's ratio over the shallower's is taken sample by sample: the same (seed, probe batch) paired where
    both kept the same samples, else every pairing of the two. Pairs where the input gradient underflowed to zero
    at both depths have no ratio; `gone` says every pair was such (it vanished entirely at both depths)."""

    deepest: GradientProfile
    shallowest: GradientProfile | None  # None: one depth, or no signal at the shallowest
    growth: list[float]  # the deeper net's ratio over the shallower's, pair by pair
    gone: bool

    @property
    def median_growth(self) -> float | None:
        return statistics.median(self.growth) if self.growth else None

    @property
    def grows(self) -> bool:
        return self.gone or self.median_growth is not None and self.median_growth >= DEPTH_GROWTH

    @property
    def steady(self) -> bool:
        """No growth with depth measured against it (one depth: growth not measured, nor held against)."""
        return self.median_growth is None or self.median_growth < DEPTH_GROWTH

    @property
    def shrinks(self) -> bool:
        return self.median_growth is not None and self.median_growth <= 1


def depth_check(r: ActivationsResult, activation: str, init: str) -> DepthCheck | None:
    deepest, shallowest = max(r.depths), min(r.depths)
    g = r.gradient(activation, deepest, init=init)
    if not g or math.isnan(g.ratio):
        return None  # no signal at all: left out, not guessed
    shallow = r.gradient(activation, shallowest, init=init) if shallowest < deepest else None
    if not shallow or math.isnan(shallow.ratio):
        return DepthCheck(g, None, [], False)
    a, b = g.samples, shallow.samples
    pairs = list(zip(a, b)) if len(a) == len(b) else [(x, y) for x in a for y in b]
    both = [math.isinf(x) and math.isinf(y) for x, y in pairs]
    growth = [x / y for (x, y), gone in zip(pairs, both) if not gone and y > 0]
    return DepthCheck(g, shallow, growth, bool(pairs) and all(both))


def _pairs_words(growth: list[float]) -> str:
    """Growth with depth over the pairs of samples: '1.5× in every pair', or the range and its median."""
    lo, hi = times(min(growth)), times(max(growth))
    if len(growth) == 1:
        return lo
    if lo == hi:
        return f"{lo} in every pair of samples"
    return f"{lo} to {hi} sample by sample (median {times(statistics.median(growth))})"


def within_order(samples: list[float]) -> bool:
    """Every sample within one order of magnitude of 1 either way: a gradient that grows tenfold on its way back
    to the input has not been kept any more than one that shrank tenfold."""
    return all(1 / KEEP_RATIO < x < KEEP_RATIO for x in samples)


def vanishing(r: ActivationsResult, check: DepthCheck) -> Verdict:
    """Sigmoid's rule under one initialisation: vanished (every sample at VANISH_RATIO or more) and growing with
    depth; contradicted where every sample stays under KEEP_RATIO, or where the ratio does not grow and has not
    vanished either (a ratio already past VANISH_RATIO at the shallowest depth need not grow to have vanished)."""
    g = check.deepest
    return decide(min(g.samples) >= VANISH_RATIO and check.grows,
                  max(g.samples) < KEEP_RATIO or check.shrinks and min(g.samples) < VANISH_RATIO, len(r.seeds))


def keeping(r: ActivationsResult, check: DepthCheck) -> Verdict:
    """ReLU's rule under one initialisation: every sample within one order of magnitude (within_order) and no
    growth with depth; contradicted where every sample is KEPT_NOT times off or more, either way."""
    g = check.deepest
    return decide(within_order(g.samples) and check.steady,
                  min(g.samples) >= KEPT_NOT or max(g.samples) <= 1 / KEPT_NOT, len(r.seeds))


def both(verdicts: dict[str, Verdict]) -> Verdict:
    """One verdict from the same rule judged under each initialisation run: the one they share, else inconclusive
    (where they oppose, the initialisation and not the activation decides the outcome; where one is undecided, the
    verdict waits on it)."""
    return next(iter(verdicts.values())) if len(set(verdicts.values())) == 1 else Verdict.INCONCLUSIVE


def _under_each(r: ActivationsResult, activation: str, rule) -> dict[str, tuple[Verdict, DepthCheck]]:
    """The rule's verdict and check under PyTorch's default and under the designed initialisation, where run."""
    inits = dict.fromkeys(["default", own_init(r, activation)])
    return {i: (rule(r, c), c) for i in inits if (c := depth_check(r, activation, i))}


def opposed(judged: dict[str, tuple[Verdict, DepthCheck]]) -> bool:
    """One initialisation supports the rule and the other contradicts it: only then do they disagree, and the
    initialisation, not the activation, decides the outcome. One undecided initialisation is only undecided."""
    return {Verdict.SUPPORTED, Verdict.CONTRADICTED} <= {v for v, _ in judged.values()}


def undecided_under(judged: dict[str, tuple[Verdict, DepthCheck]]) -> list[str]:
    """The initialisations under which the rule decided nothing."""
    return [i for i, (v, _) in judged.items() if v is Verdict.INCONCLUSIVE]


def _split_words(activation: str, judged: dict[str, tuple[Verdict, DepthCheck]], deepest: int) -> str:
    """Where the initialisations' verdicts differ: a disagreement where they oppose, else what stayed undecided."""
    said = "; ".join(f"under {init_name(i)} {times(c.deepest.ratio)} ({v.value})" for i, (v, c) in judged.items())
    if opposed(judged):
        return (f"the two initialisations disagree at {deepest} hidden layers ({said}): the initialisation, not "
                f"{activation}, decides it")
    return (f"the rule is undecided under {and_list([init_name(i) for i in undecided_under(judged)])} at {deepest} "
            f"hidden layers ({said}), so the verdict waits on it")


def _split_headline(judged: dict[str, tuple[Verdict, DepthCheck]]) -> str:
    return ("but the two initialisations disagree." if opposed(judged) else
            f"but it is undecided under {and_list([init_name(i) for i in undecided_under(judged)])}.")


SATURATED_FEW = 0.05  # under this share of saturated units, a vanishing gradient is attenuation, not saturation
SATURATED_MANY = 0.5  # from this share on, saturation


@dataclass(frozen=True)
class Saturation:
    """The share of saturated units (slope under SATURATION of the maximum) in sigmoid's deepest net under one
    initialisation, averaged over its layers (the saturation table gives each layer): a measurement. What it shows,
    attenuation or saturation, is read only where the vanishing it would explain was shown."""

    init: str
    depth: int
    at_init: float
    trained: float | None  # after the run's training steps; None: not recorded

    @property
    def reading(self) -> str:
        return ("attenuation" if self.at_init < SATURATED_FEW else "saturation" if self.at_init >= SATURATED_MANY
                else "both")


def saturation(r: ActivationsResult, init: str) -> Saturation | None:
    deepest = max(r.depths)
    shares = {stage: statistics.fmean(g.saturated) for stage in ("init", "trained")
              if (g := r.gradient("sigmoid", deepest, stage, init)) and g.saturated}
    return Saturation(init, deepest, shares["init"], shares.get("trained")) if "init" in shares else None


READINGS = {
    "attenuation": ("attenuation, not saturation: the backward signal shrinks because sigmoid's slope is at most 1/4 "
                    "and the weights' scale multiplies it layer by layer, not because units sit in sigmoid's flat "
                    "regions"),
    "saturation": "saturation: most units sit in sigmoid's flat regions",
    "both": "attenuation in part and saturation in part",
}


def saturation_words(r: ActivationsResult, s: Saturation, read: bool) -> str:
    """The share measured, and what it shows only where `read` (the vanishing finding is supported)."""
    after = f", {pct(s.trained)} after {r.trained_steps} training steps" if s.trained is not None else ""
    words = (f" Saturated units (slope under {SATURATION:.0%} of its maximum) in the {s.depth}-hidden-layer net under "
             f"{init_name(s.init)} initialisation: {pct(s.at_init)} on average over its layers at initialisation"
             f"{after} (each layer in the saturation table).")
    if not read:
        return words + (" A measurement only: the vanishing it would explain is not shown here, so it is not read "
                        "as attenuation or saturation.")
    return (words + f" At initialisation this shows {READINGS[s.reading]} (under {pct(SATURATED_FEW)} of units "
            f"saturated is read as attenuation, {pct(SATURATED_MANY)} or more as saturation).")


def _sigmoid_finding(r: ActivationsResult) -> Finding | None:
    judged = _under_each(r, "sigmoid", vanishing)
    if "default" not in judged:
        return None
    check = judged["default"][1]
    g, shallow, deepest = check.deepest, check.shallowest, max(r.depths)
    vanished = min(g.samples) >= VANISH_RATIO
    verdict = both({i: v for i, (v, _) in judged.items()})
    split = len({v for v, _ in judged.values()}) > 1
    own = r.gradient("sigmoid", deepest, init=own_init(r, "sigmoid"))
    evidence = (f"Under PyTorch's default initialisation the output layer's mean |gradient| exceeded the input "
                f"layer's by {_listing(r, 'sigmoid', 'default')}; at {deepest} hidden layers {_ratio(g)}.")
    if check.gone:
        evidence += (f" At {min(r.depths)} hidden layers too the input layer's gradient underflowed to zero: it "
                     "vanished entirely at both depths.")
    elif check.growth:
        moved = (f"stayed at {times(g.ratio)}, changing by" if times(g.ratio) == times(shallow.ratio) else
                 f"{'grew' if g.ratio > shallow.ratio else 'fell'} from {times(shallow.ratio)} to {times(g.ratio)}, by")
        evidence += f" From {min(r.depths)} to {deepest} hidden layers it {moved} {_pairs_words(check.growth)}."
    if own and own is not g:
        evidence += f" Under {init_name(own_init(r, 'sigmoid'))} initialisation: {_ratio(own)}."
    if sat := saturation(r, "default"):
        evidence += saturation_words(r, sat, verdict is Verdict.SUPPORTED)
    gap = f"at {deepest} hidden layers the output layer's gradient was {multiple(g.ratio)} the input's"
    beside = f" ({times(own.ratio)} under {init_name(own_init(r, 'sigmoid'))})" if own and own is not g else ""

    def said(gap: str) -> str:
        return {
            Verdict.SUPPORTED: f"Sigmoid's gradients vanished: {gap}, and the gap grew with depth.",
            Verdict.CONTRADICTED: (f"Sigmoid's gradients did not vanish here: {gap}" +
                                   (", and the gap did not grow with depth." if check.shrinks else ".")),
            Verdict.INCONCLUSIVE: f"Not settled whether sigmoid's gradients vanish: {gap}, "
                                  + ("in one seed only." if len(r.seeds) < 2 else
                                     _split_headline(judged) if split else
                                     ("but the gap did not grow with depth." if check.shrinks else
                                      "but the gap barely grew with depth.") if vanished else
                                     f"but not every sample reached {VANISH_RATIO}×."),
        }[verdict]

    headline = said(gap + beside)
    if beside and len(headline.split()) > HEADLINE_WORDS:  # the own initialisation's ratio is in the evidence; the
        headline = said(gap)  # headline keeps the default's gap and why the verdict is open (34 words with both)
    rule = (f"{_gradient_rule()} Vanishing also means the ratio grows with depth: at {deepest} hidden layers at "
            f"least {DEPTH_GROWTH:g} times what it is at {min(r.depths)} in the median pair of samples from the same "
            "seed and batch (the nets at two depths are different draws, so single pairs are noisy); no growth in the "
            f"median pair contradicts it, unless the ratio is past {VANISH_RATIO}× already (vanished, but not by "
            "depth: left open).")
    if not check.growth and not check.gone:
        rule += " This run has one depth (or no signal at the shallowest), so growth with depth is not measured."
    rule += (" The rule is judged under PyTorch's default initialisation and under sigmoid's own; the verdict is "
             "the one both give, and open where they differ." if len(judged) > 1 else
             " This file has sigmoid under PyTorch's default initialisation only.")
    if split:
        rule += f" Here {_split_words('sigmoid', judged, deepest)}."
    source = ("Glorot and Bengio (2010) published shrinking gradients with sigmoid units and this same standard "
              "initialisation (5 hidden layers of 1,000 units, MNIST and Shapeset); ours is measured on "
              f"{r.width}-unit layers and MNIST-1D")
    why = {Verdict.SUPPORTED: f"{rule} {source}, and this run agrees.",
           Verdict.CONTRADICTED: f"{rule} {source}; this run does not reproduce it.",
           Verdict.INCONCLUSIVE: rule if split else _undecided_seeds(r, rule)}[verdict]
    numbers = {f"ratio_depth_{d}": x.ratio for d in r.depths if (x := r.gradient("sigmoid", d))}
    if g.saturated:
        numbers["saturated_share"] = statistics.fmean(g.saturated)
    if check.growth and math.isfinite(min(check.growth)):
        numbers["growth_low"] = min(check.growth)
    return Finding(key="sigmoid_vanishing", driver="algorithms", role="mechanism",
                   claim="Sigmoid gradients vanish on their way back to the input layer.", verdict=verdict,
                   headline=headline, evidence=evidence, why=why, numbers=numbers)


@dataclass(frozen=True)
class InitEffect:
    """What He's initialisation did to ReLU's ratio at the deepest net: a change only where every sample under one
    initialisation lies beyond every sample under the other."""

    own: GradientProfile  # under He
    default: GradientProfile  # under PyTorch's default

    @property
    def lowered(self) -> bool:
        return min(self.default.samples) > max(self.own.samples)

    @property
    def raised(self) -> bool:
        return max(self.default.samples) < min(self.own.samples)

    @property
    def explains(self) -> bool:
        """The default's ratio was plainly outside one order of magnitude and He's plainly inside: the weights'
        scale, not ReLU, made the default's ratio."""
        return self.lowered and max(self.own.samples) < KEEP_RATIO <= KEPT_NOT <= min(self.default.samples)


def _init_effect_words(e: InitEffect) -> str:
    change = f"from {times(e.default.ratio)} under PyTorch's default to {times(e.own.ratio)} under He"
    if e.explains:
        return (f"He's initialisation lowered ReLU's ratio {times(e.default.ratio / e.own.ratio)}, {change}, from "
                f"{KEPT_NOT}× or more to under {KEEP_RATIO}× in every sample: the default's ratio came from the "
                "weights' scale (a sixth of He's variance per layer), not from ReLU.")
    if e.lowered:
        return f"He's initialisation lowered ReLU's ratio {times(e.default.ratio / e.own.ratio)}, {change}."
    if e.raised:
        return (f"He's initialisation raised ReLU's ratio {times(e.own.ratio / e.default.ratio)}, {change}: here the "
                "initialisation designed for ReLU did not help its gradients.")
    return (f"The initialisation made no clear difference to ReLU's ratio ({change}; the samples under the two "
            "overlap).")


def _relu_finding(r: ActivationsResult) -> Finding | None:
    init = own_init(r, "relu")
    judged = _under_each(r, "relu", keeping)
    if init not in judged:
        return None
    check = judged[init][1]
    g, deepest = check.deepest, max(r.depths)
    kept = within_order(g.samples)
    verdict = both({i: v for i, (v, _) in judged.items()})
    split = len({v for v, _ in judged.values()}) > 1
    default = r.gradient("relu", deepest)
    evidence = (f"Under {init_name(init)} initialisation the output layer's mean |gradient| exceeded the input "
                f"layer's by {_listing(r, 'relu', init)}; at {deepest} hidden layers {_ratio(g)}.")
    if check.growth:
        evidence += f" From {min(r.depths)} to {deepest} hidden layers the ratio changed by {_pairs_words(check.growth)}."
    effect = ""
    if default and default is not g:
        evidence += f" Under PyTorch's default initialisation: {_ratio(default)}."
        effect = " " + _init_effect_words(InitEffect(g, default))
    elif init == "default":
        effect = " This results file has no He-initialised nets, so the initialisation is not controlled."
    gap = (f"at {deepest} hidden layers the output-to-input gradient ratio was {times(g.ratio)} under "
           f"{init_name(init)}" + (f", {times(default.ratio)} under PyTorch's default" if default and default is not g
                                   else " initialisation"))
    headline = {
        Verdict.SUPPORTED: f"ReLU kept its gradients: {gap}.",
        Verdict.CONTRADICTED: f"ReLU's gradients did not stay within one order of magnitude: {gap}.",
        Verdict.INCONCLUSIVE: f"Not settled whether ReLU keeps its gradients: {gap}, "
                              + ("in one seed only." if len(r.seeds) < 2 else
                                 _split_headline(judged) if split else
                                 "but the ratio grew with depth." if kept else
                                 f"but its samples straddle {KEEP_RATIO}×."),
    }[verdict]
    rule = (f"Within {math.log10(KEEP_RATIO):g} order of magnitude is a ratio between 1/{KEEP_RATIO} and {KEEP_RATIO} "
            "in every sample, "
            f"and one that does not grow with depth: under {DEPTH_GROWTH:g} times the shallowest net's in the median "
            "pair of samples, since a ratio that compounds layer by layer leaves the order of magnitude in a deeper "
            f"net; {KEPT_NOT} or more (or 1/{KEPT_NOT} or less) in every sample plainly is not within it.")
    if not check.steady and kept:
        rule += (f" Here the ratio is under {KEEP_RATIO}× at {deepest} hidden layers but grew with depth by "
                 f"{DEPTH_GROWTH:g}× or more in the median pair.")
    rule += (" The rule is judged under He's initialisation and under PyTorch's default; the verdict is the one "
             "both give, and open where they differ." if len(judged) > 1 else "")
    if split:
        rule += f" Here {_split_words('ReLU', judged, deepest)}."
    why = {Verdict.SUPPORTED: rule, Verdict.CONTRADICTED: rule,
           Verdict.INCONCLUSIVE: rule if split else _undecided_seeds(r, rule)}[verdict] + effect
    return Finding(key="relu_keeps_gradients", driver="algorithms", role="mechanism",
                   claim="ReLU keeps gradients within one order of magnitude across depth.", verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={f"ratio_depth_{d}": x.ratio for d in r.depths if (x := r.gradient("relu", d, init=init))}
                   | ({"ratio_default_init": default.ratio} if default else {}))


def _init_finding(r: ActivationsResult) -> Finding | None:
    """What the activation does, told apart from what the initialisation does, at the deepest net."""
    deepest = max(r.depths)
    sig_init, relu_init = own_init(r, "sigmoid"), own_init(r, "relu")
    sig, relu = r.gradient("sigmoid", deepest, init=sig_init), r.gradient("relu", deepest, init=relu_init)
    sig0, relu0 = r.gradient("sigmoid", deepest), r.gradient("relu", deepest)
    if not (sig and relu and sig0 and relu0) or sig_init == "default" or relu_init == "default" or any(
            not math.isfinite(g.ratio) or g.ratio == 0 for g in (sig, relu, sig0, relu0)):
        return None
    # The mechanism's own rules, depth growth included, under the designed initialisations: an absolute ratio at
    # the deepest net also carries the input layer's scale, which is not depth.
    sig_check, relu_check = depth_check(r, "sigmoid", sig_init), depth_check(r, "relu", relu_init)
    vanished = vanishing(r, sig_check) if sig_check else Verdict.INCONCLUSIVE
    kept = keeping(r, relu_check) if relu_check else Verdict.INCONCLUSIVE
    verdict = decide(vanished is Verdict.SUPPORTED and kept is Verdict.SUPPORTED, vanished is Verdict.CONTRADICTED,
                     len(r.seeds))
    moved = [f"from {times(sig0.ratio)} to {times(sig.ratio)} for sigmoid",
             f"from {times(relu0.ratio)} to {times(relu.ratio)} for ReLU"]
    if (tanh0 := r.gradient("tanh", deepest)) and (tanh := r.gradient("tanh", deepest, init=own_init(r, "tanh"))) \
            and tanh is not tanh0:
        moved.append(f"from {times(tanh0.ratio)} to {times(tanh.ratio)} for tanh")
    evidence = (f"At {deepest} hidden layers sigmoid's output/input gradient ratio was "
                f"{multiple(sig0.ratio / relu0.ratio)} ReLU's under PyTorch's default initialisation, and "
                f"{multiple(sig.ratio / relu.ratio)} ReLU's with each activation's own ({init_name(sig_init)} for sigmoid: "
                f"{_ratio(sig)}; He for ReLU: {_ratio(relu)}). The initialisation alone moved the ratio "
                f"{and_list(moved)}.")
    headline = {
        Verdict.SUPPORTED: f"The activation, not the initialisation, causes the vanishing: with each one's own "
                           f"initialisation sigmoid's gradient ratio was still {multiple(sig.ratio / relu.ratio)} "
                           "ReLU's.",
        Verdict.CONTRADICTED: f"The initialisation, not the activation, decided it: under {init_name(sig_init)} "
                              f"sigmoid's gradients did not vanish ({times(sig.ratio)} at {deepest} hidden layers).",
        Verdict.INCONCLUSIVE: f"Not settled whether the activation or the initialisation causes the vanishing: with "
                              f"each one's own initialisation sigmoid's ratio was {times(sig.ratio)}, ReLU's "
                              f"{times(relu.ratio)}.",
    }[verdict]
    rule = (f"The activation is the cause if, with each activation's own initialisation, sigmoid's gradients still "
            f"vanish by the mechanism's rule ({VANISH_RATIO}× or more in every sample at {deepest} hidden layers, and "
            f"growing with depth by {DEPTH_GROWTH:g}× or more in the median pair) while ReLU keeps its own (under "
            f"{KEEP_RATIO}× and not growing with depth); the initialisation is, if under {init_name(sig_init)} "
            f"sigmoid's gradients do not vanish by that rule (under {KEEP_RATIO}× in every sample, or no growth with "
            f"depth short of {VANISH_RATIO}×). Here, under their own initialisations, sigmoid's vanishing is "
            f"{vanished.value} and ReLU's keeping {kept.value}.")
    why = {Verdict.SUPPORTED: rule + " Here the activation's effect survives the change of initialisation.",
           Verdict.CONTRADICTED: rule + " Here the initialisation, not the activation, decided it.",
           Verdict.INCONCLUSIVE: _undecided_seeds(r, rule)}[verdict] + (
        " Glorot's initialisation with gain 1 is derived for activations of slope 1 at zero; sigmoid's slope there is "
        "1/4, so its own initialisation here is Glorot's with gain 4." if sig_init == "glorot4" else
        " Sigmoid's initialisation here is Glorot's with gain 1 (a results file from before gain 4 was tried), "
        "derived for activations of slope 1 at zero; sigmoid's slope there is 1/4, so the sigmoid-to-ReLU multiple "
        "above is an upper estimate.")
    return Finding(key="activation_not_init", driver="algorithms", role="control",
                   claim="Vanishing gradients come from the sigmoid itself: they remain when each activation gets the "
                         "initialisation designed for it.", verdict=verdict, headline=headline, evidence=evidence,
                   why=why,
                   numbers={"advantage_default_init": sig0.ratio / relu0.ratio,
                            "advantage_own_init": sig.ratio / relu.ratio,
                            "relu_init_effect": relu0.ratio / relu.ratio, "sigmoid_init_effect": sig0.ratio / sig.ratio})


# --- the race to a target accuracy -----------------------------------------------------------------------------

def steps_to_target(r: ActivationsResult, activation: str, init: str = "default") -> tuple[float | None, float | None]:
    """Median steps and seconds to the target over seeds at the best rate; None if any seed missed it."""
    runs = r.best_runs(activation, init)
    if not runs or any(x.steps_to_target is None for x in runs):
        return None, None
    return (statistics.median(x.steps_to_target for x in runs),
            statistics.median(x.seconds_to_target for x in runs))


def steps_range(run: ConvergenceRun, budget: int) -> tuple[float, float]:
    """(lo, hi]: where the run reached the target. Training accuracy is only checked at the curve's points, so a run
    that reached it at step s reached it after the check before (s - eval_every) and by s; a run that did not
    reach it took more than the budget."""
    s = run.steps_to_target
    if s is None:
        return float(budget), math.inf
    return float(max((p.step for p in run.curve if p.step < s), default=0)), float(s)


def race_bounds(relu: ConvergenceRun, other: ConvergenceRun, budget: int) -> tuple[float, float]:
    """The lowest and highest the other's steps over ReLU's can be, for one seed, given when each was checked."""
    (mine_lo, mine_hi), (theirs_lo, theirs_hi) = steps_range(relu, budget), steps_range(other, budget)
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


@dataclass(frozen=True)
class Race:
    """ReLU against another activation under one pair of initialisations: per seed, the bounds on the other's steps
    over ReLU's at each one's best rate."""

    inits: tuple[str, str]  # (ReLU's, the other's)
    bounds: list[tuple[float, float]]

    @property
    def faster(self) -> bool:
        return all(lo >= SPEED_GAIN for lo, _ in self.bounds)

    @property
    def slower(self) -> bool:
        return all(hi <= 1 / SPEED_GAIN for _, hi in self.bounds)

    @property
    def low(self) -> float:
        return min(lo for lo, _ in self.bounds)


def _race(r: ActivationsResult, other: str, inits: tuple[str, str]) -> Race:
    relu, rival = r.best_runs("relu", inits[0]), r.best_runs(other, inits[1])
    by_seed = {x.seed: x for x in rival}
    return Race(inits, [race_bounds(x, by_seed[x.seed], r.max_steps) for x in relu if x.seed in by_seed])


def _medians(r: ActivationsResult, other: str, inits: tuple[str, str]) -> str:
    def said(activation, init):
        steps, seconds = steps_to_target(r, activation, init)
        return (f"{activation} {steps:,.0f} steps ({duration(seconds)})" if steps is not None else
                f"{activation} did not reach it in every seed within {r.max_steps:,} steps")
    return f"{said('relu', inits[0])}, {said(other, inits[1])}"


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
    own = (own_init(r, "relu"), own_init(r, other))
    races = [x for pair in [own] + ([("default", "default")] if own != ("default",) * 2 else [])
             if (x := _race(r, other, pair)).bounds]
    if not races:
        return None
    seeds = min(len(x.bounds) for x in races)
    verdict = decide(all(x.faster for x in races), all(x.slower for x in races), seeds)
    edges = {(a, init): words for x in races for a, init in zip(("relu", other), x.inits)
             if (words := _edge(r, a, init))}
    loser = {Verdict.SUPPORTED: other, Verdict.CONTRADICTED: "relu"}.get(verdict)
    held = any(a == loser for a, _ in edges)  # the slower one might have won at a rate the grid left out
    if held:
        verdict = Verdict.INCONCLUSIVE
    name = lambda a: "ReLU" if a == "relu" else a
    said = [f"{_inits_words(x.inits, other)}: {_medians(r, other, x.inits)}; {other}'s steps over ReLU's, seed by "
            f"seed: {_bounds_words(x.bounds)}" for x in races]
    evidence = (f"To reach {pct(r.target_accuracy)} training accuracy ({r.train_depth} hidden layers, each activation "
                f"at its best learning rate), median over seeds, {'. '.join(said[:1] + [cap(x) for x in said[1:]])}.")
    low = min(x.low for x in races)
    target = f"{pct(r.target_accuracy)} training accuracy"
    split = len(races) > 1 and races[0].faster != races[1].faster
    headline = {
        Verdict.SUPPORTED: f"ReLU reached {target} in at least {times(low)} fewer steps than {other}"
                           + (", under each one's own initialisation and under the same one." if len(races) > 1
                              else "."),
        Verdict.CONTRADICTED: f"{cap(other)} reached {target} in fewer steps than ReLU, in every seed.",
        Verdict.INCONCLUSIVE: f"Not settled whether ReLU trains faster than {other}: "
                              + (f"the best rate of {name(loser)} sits at the edge of the searched grid." if held else
                                 "the gain went with the initialisation, not with ReLU alone." if split else
                                 "one seed cannot decide it." if seeds < 2 else
                                 "the seeds do not all show the same winner by 1.2× or more."),
    }[verdict]
    rule = (f"ReLU is faster if it needs at least {SPEED_GAIN:g}× fewer steps in every seed, slower if {other} "
            f"needs {SPEED_GAIN:g}× fewer in every seed, "
            + ("under each activation's own initialisation and under the same one alike, so that the "
               "initialisation's part is not credited to the activation; " if len(races) > 1 else "")
            + f"a run that missed the target counts as taking more than the budget of {r.max_steps:,} steps. "
            "Training accuracy is checked only every few steps, so each count is known to within one check: a ratio "
            "is the range the checks allow, and a gain must hold at its unfavourable end. Each activation took its "
            f"best rate from the grid ({', '.join(f'{x:g}' for x in r.learning_rates)}).")
    if split:
        won, lost = (races[0], races[1]) if races[0].faster else (races[1], races[0])
        rule += (f" ReLU was {SPEED_GAIN:g}× faster in every seed {_inits_words(won.inits, other)} but not "
                 f"{_inits_words(lost.inits, other)}: the gain went with the initialisation, not with ReLU alone.")
    if edges:
        rule += f" {cap(and_list(list(dict.fromkeys(edges.values()))))}: a rate outside the grid might be faster."
    why = {Verdict.SUPPORTED: rule, Verdict.CONTRADICTED: rule,
           Verdict.INCONCLUSIVE: _undecided_seeds(r, rule) if not held else
           f"{rule} That could make {name(loser)} the faster one, so the race waits on a wider grid."}[verdict]
    if other == "tanh":
        why += (f" Krizhevsky et al. (2012) published {KRIZHEVSKY_RELU_SPEEDUP:g}× fewer epochs for ReLU than "
                "tanh to 25% training error, for a four-layer CNN on CIFAR-10, both with the same initialisation; "
                f"here, an MLP on MNIST-1D counted in steps, it was {_span(races[-1].bounds)} under the same "
                "initialisation.")
    return Finding(key="relu_faster" if other == "sigmoid" else "relu_vs_tanh", driver="algorithms",
                   role="claim" if other == "sigmoid" else "published",
                   claim=f"ReLU reaches a target training accuracy faster than {other}.", verdict=verdict,
                   headline=headline, evidence=evidence, why=why,
                   numbers={f"{other}_over_relu_low": low} if math.isfinite(low) else {},
                   because=(f"ReLU reached the target in at least {times(low)} fewer steps than {other}"
                            if verdict is Verdict.SUPPORTED else ""))


def _inits_words(pair: tuple[str, str], other: str) -> str:
    if pair == ("default", "default"):
        return "under PyTorch's default initialisation for both"
    return f"each with its own initialisation ({init_name(pair[0])} for ReLU, {init_name(pair[1])} for {other})"


def _span(bounds: list[tuple[float, float]]) -> str:
    """The other's steps over ReLU's across seeds, from the lowest bound to the highest finite one."""
    lo = min(b[0] for b in bounds)
    hi = max((b[1] for b in bounds if math.isfinite(b[1])), default=math.inf)
    return (f"more than {times(lo)}" if hi == math.inf else times(lo) if lo == hi else f"{times(lo)} to {times(hi)}")
