"""Page one and the closing section: the lecture's three drivers with the verdicts and headlines of their claims,
the hardware at a glance, and why deep learning is taking off on this machine, all read off the findings."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.findings import DRIVERS, Finding, Verdict
from reportgen.findings.compute import BUSY_SHARE
from reportgen.fmt import and_list, config_label, duration
from reportgen.learners import LABELS
from reportgen.results import Results
from reportgen.timing import UNSTABLE_SPREAD


@dataclass(frozen=True)
class Driver:
    """One of the lecture's three drivers: its claims, and the checks behind them, as this run found them."""

    key: str
    title: str
    claims: list[Finding]
    checks: list[Finding]

    @property
    def tested(self) -> list[Finding]:
        """The claims this run measured: page one gives each its verdict and headline."""
        return [f for f in self.claims if f.verdict.tested]

    @property
    def untested(self) -> list[Finding]:
        """The claims this run could not test: page one names them together, and the closing says how to test each."""
        return [f for f in self.claims if not f.verdict.tested]

    @property
    def verdict(self) -> Verdict:
        """Contradicted where any claim is; supported where every claim tested is (and one was); not tested where
        none was; inconclusive otherwise."""
        tested = [f.verdict for f in self.tested]
        if not tested:
            return Verdict.NOT_TESTED
        if Verdict.CONTRADICTED in tested:
            return Verdict.CONTRADICTED
        return Verdict.SUPPORTED if set(tested) == {Verdict.SUPPORTED} else Verdict.INCONCLUSIVE


def drivers(found: list[Finding]) -> list[Driver]:
    return [Driver(key, title, [f for f in found if f.driver == key and f.is_claim],
                   [f for f in found if f.driver == key and not f.is_claim])
            for key, title in DRIVERS.items() if any(f.driver == key for f in found)]


def counts(found: list[Finding]) -> dict[str, int]:
    """How many of the findings came out each way, every verdict named (0 where none did)."""
    return {v.value: sum(f.verdict is v for f in found) for v in Verdict}


def counts_words(found: list[Finding], noun: str) -> str:
    """'9 claims: 5 supported, 1 contradicted, 1 inconclusive and 2 not tested here'."""
    parts = _tally(found)
    return f"{len(found)} {noun}{'s' if len(found) != 1 else ''}" + (f": {parts}" if parts else "")


def _tally(found: list[Finding]) -> str:
    """'5 supported, 1 contradicted and 2 not tested here': each verdict that occurs, with its count."""
    return and_list([f"{k} {v}" + (" here" if v == Verdict.NOT_TESTED.value else "")
                     for v, k in counts(found).items() if k])


@dataclass(frozen=True)
class Hardware:
    """What a hardware evaluator quotes, at a glance: label and value rows, and a timing-noise warning if any."""

    rows: list[tuple[str, str]]
    warning: str  # "" where the timings are not in doubt


def hardware(results: Results) -> Hardware:
    s, st, c = results.system, results.settings, results.compute
    cores = f"{s.physical_cores or '?'} physical, {s.logical_cores} logical; {st.threads} used"
    rows = [("CPU", s.cpu_model), ("Cores", cores),
            ("Memory", f"{s.memory_gib:g} GiB" if s.memory_gib else "unknown"),
            ("Virtual machine", {True: "yes (the CPU reports a hypervisor)", False: "no", None: "unknown"}[s.virtual]),
            ("Accelerator", s.gpu_models if s.gpus else "none"),
            ("Device used", st.device)]
    if c:
        peaks = {}
        for mm in c.matmuls:
            key = config_label(mm.device, mm.precision, mm.threads)
            if mm.gflops is not None and mm.threads != 1 and (key not in peaks or mm.gflops > peaks[key].gflops):
                peaks[key] = mm
        for key, mm in peaks.items():
            precision = "" if mm.device != "cpu" else f" {mm.precision}"
            rows.append((f"Peak matrix product{precision}", f"{mm.gflops:,.0f} GFLOP/s ({key}, n = {mm.n:,})"))
        big = c.largest_model
        batch = min((x.batch_size for x in c.steps), default=None)
        fastest = c.fastest_step(big, batch) if big else None
        if fastest and fastest.examples_per_second:
            rows.append((f"Training throughput, {LABELS[big]}",
                         (f"{fastest.examples_per_second:,.0f} examples/s "
                         f"({config_label(fastest.device, fastest.precision, fastest.threads)}, batch {batch})")))
    if results.phases:
        rows.append(("Battery run time", duration(sum(results.phases.values()))))
    return Hardware(rows, _noise_warning(results))


def _noise_warning(results: Results) -> str:
    c = results.compute
    if not c:
        return ""
    if c.others_busy is not None and c.others_busy > BUSY_SHARE:
        return (f"Other processes used {c.others_busy:.0%} of this run's CPUs while the timings were taken: no timing "
                "verdict is made.")
    unstable = [w for w in [*c.steps, *c.matmuls] if w.timing and not w.timing.stable]
    if unstable:
        return (f"{len(unstable)} of the timings kept a spread above {UNSTABLE_SPREAD:.0%} of their median: read "
                "small differences with care.")
    return ""


def answer(found: list[Finding]) -> str:
    """Page one's answer, led by how many of the lecture's claims this run decided. Only where the supported claims
    are more than half of the claims this run tested (inconclusive ones count among the tested, not only the decided)
    are they the reasons deep learning is taking off here, any that went against the lecture named after them;
    otherwise what held is listed without that story. Where most decided claims went against it, that comes first; a
    tie says the argument is split and opens with no story. Claims left open are counted as not shown either way,
    never as failed."""
    claims = [f for f in found if f.is_claim]
    tested = [f for f in claims if f.verdict.tested]
    held = [f for f in claims if f.verdict is Verdict.SUPPORTED]
    against = [f for f in claims if f.verdict is Verdict.CONTRADICTED]
    decided = len(held) + len(against)
    reasons = and_list([f.because for f in held if f.because])
    # a driver's title has an 'and' of its own ('Scale of data and of nets'): titles are set apart by semicolons
    where = "; ".join(d.title for d in drivers(found) if any(f in against for f in d.claims)).lower()
    rest = _open_words([f for f in claims if f not in held and f not in against], decided)
    if not decided:
        return (f"This run decided none of the lecture's {len(claims)} claims: none was shown to hold or to fail"
                f"{rest}.")
    lead = f"Of the lecture's {len(claims)} claims this run decided {decided}"
    if len(held) > len(against):
        if 2 * len(held) > len(tested):
            said = (f"{lead}, and {_how_many(len(held), decided)} held"
                    + (f": on these numbers deep learning is taking off here because {reasons}." if reasons else "."))
        else:
            said = (f"{lead}, and {_how_many(len(held), decided)} held" + (f": {reasons}." if reasons else ".")
                    + f" That is {len(held)} of the {len(tested)} claims it tested, not more than half: too few to "
                    "tell the lecture's story on these numbers.")
        if against:
            said += (f" But {len(against)} went against the lecture ({where}): its argument does not hold in full "
                     "here.")
    elif len(against) > len(held):
        said = (f"{lead}, and {_how_many(len(against), decided)} went against the lecture ({where}): on these "
                "numbers its argument does not hold here." + (f" What held: {reasons}." if reasons else ""))
    else:
        said = (f"{lead}: {len(held)} held and {len(against)} went against the lecture ({where}), so on these "
                "numbers its argument is split here." + (f" What held: {reasons}." if reasons else ""))
    return said + (f" The other {len(claims) - decided}{rest}." if rest else "")


def _how_many(k: int, of: int) -> str:
    """'it' (one of one), 'both' (two of two, not 'all 2'), 'all 3', or '2'."""
    return "it" if k == of == 1 else "both" if k == of == 2 else f"all {k}" if k == of else str(k)


def _open_words(undecided: list[Finding], decided: int) -> str:
    """' (3 inconclusive and 2 not tested here)' where no claim was decided; else ' were not shown either way (…)'
    for the rest ("" where there is none)."""
    if not undecided:
        return ""
    parts = _tally(undecided)
    if not decided:
        return f" ({parts})"
    return f" {'was' if len(undecided) == 1 else 'were'} not shown either way ({parts})"


@dataclass(frozen=True)
class Closing:
    """Why deep learning is taking off, on this machine: what this run says of each driver, and how to test the
    claims it could not."""

    drivers: list[tuple[Driver, str]]  # each driver with what this run says of it
    untested: list[Finding]  # claims not tested here, each with how to test it


def closing(found: list[Finding]) -> Closing:
    return Closing([(d, _driver_words(d)) for d in drivers(found)],
                   [f for f in found if f.is_claim and f.verdict is Verdict.NOT_TESTED])


def _driver_words(d: Driver) -> str:
    """What this run says of one driver, from the verdicts of its claims: the driver's verdict in words, with the
    headlines that went against the lecture and the reasons that held, then the count of its claims each way."""
    by = {v: [f for f in d.claims if f.verdict is v] for v in Verdict}
    reasons = [f.because for f in by[Verdict.SUPPORTED] if f.because]
    name = "data" if d.key == "data" else d.title.lower()
    words = {
        Verdict.CONTRADICTED: f"The lecture's {name} argument does not hold{' in full' if reasons else ''} on these "
                              "numbers: " + " ".join(f.headline for f in by[Verdict.CONTRADICTED]),
        Verdict.SUPPORTED: f"The lecture's {name} argument holds on these numbers" + (": " if reasons else "."),
        Verdict.INCONCLUSIVE: f"This run leaves the lecture's {name} argument open.",
        Verdict.NOT_TESTED: f"This run could not test the lecture's {name} argument; how to test it is below.",
    }[d.verdict]
    if reasons:
        words += ("" if d.verdict is Verdict.SUPPORTED else " What held: ") + f"{and_list(reasons)}."
    mixed = len({f.verdict for f in d.claims}) > 1
    return f"{words} Its {counts_words(d.claims, 'claim')}." if mixed else words


def sizes(found: list[Finding]) -> str:
    """How the counts on page one are made up, in words: the claims counted apart from the checks behind them."""
    claims = [f for f in found if f.is_claim]
    checks = [f for f in found if not f.is_claim]
    return (f"The lecture's {counts_words(claims, 'claim')}. Behind them, {counts_words(checks, 'check')} "
            "(mechanisms, controls and published results, set out under each section).")

