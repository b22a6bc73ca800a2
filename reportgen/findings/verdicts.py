"""What a finding is: the claim tested, its verdict, a headline a person can repeat, and the evidence behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"  # tested, and the measurements do not decide it
    NOT_TESTED = "not tested"  # this run could not test it at all (no GPU, too few points, a pair judged already)

    @property
    def tested(self) -> bool:
        return self is not Verdict.NOT_TESTED


def decide(supported: bool, contradicted: bool, seeds: int) -> Verdict:
    """A finding's verdict from its two tests. Both holding, or a single seed (which says nothing of how the
    result moves with the sample and the initialisation), leaves it inconclusive. `seeds`: how many independent
    repeats the tests rest on (seeds, or same-round pairs for a timing)."""
    if seeds < 2 or supported == contradicted:
        return Verdict.INCONCLUSIVE
    return Verdict.SUPPORTED if supported else Verdict.CONTRADICTED


DRIVERS = {"data": "Scale of data and of nets", "algorithms": "Algorithms", "computation": "Computation"}

# What a finding is to the lecture's argument: one of its claims, or a check behind them.
ROLES = {"claim": "the lecture's claim",
         "mechanism": "the mechanism behind a claim",
         "control": "a control: the same measurement with one thing changed",
         "published": "a published result, tested on this battery"}


@dataclass(frozen=True, kw_only=True)
class Finding:
    key: str
    driver: str  # which of the lecture's drivers it belongs to: a key of DRIVERS
    role: str  # a key of ROLES
    claim: str  # what is tested, as a statement
    verdict: Verdict
    headline: str  # one plain sentence, at most HEADLINE_WORDS words, that never claims more than the verdict
    evidence: str  # what was measured, with its spreads
    why: str = ""  # the rule the verdict follows, and why it came out as it did
    numbers: dict[str, float] = field(default_factory=dict)
    because: str = ""  # a supported claim as a reason deep learning is taking off, with its number ("" otherwise)
    how_to_test: str = ""  # a claim not tested here: the command that would test it, what result would support it,
    # and what published figures lead one to expect

    @property
    def is_claim(self) -> bool:
        return self.role == "claim"

    @property
    def is_tested_claim(self) -> bool:
        """A claim this run measured: its evidence is what its verdict stands on, so the PDF prints it in the body
        (a check's, or an untested claim's, goes to Appendix B)."""
        return self.is_claim and self.verdict is not Verdict.NOT_TESTED


HEADLINE_WORDS = 30


def untested(key: str, claim: str, reason: str, command: str = "reportgen build") -> Finding:
    """A computation claim this run could not test (`reason`: what it lacked), NOT_TESTED and so still counted on
    page one, never left out; `command`: what would test it."""
    return Finding(key=key, driver="computation", role="claim", claim=claim, verdict=Verdict.NOT_TESTED,
                   headline=f"Not tested here: {reason}.", evidence=f"Not tested: {reason}.",
                   why=f"This run could not test the claim: {reason}.",
                   how_to_test=f"Run {command}, so that the claim is timed and judged as the rules in Appendix B say.")
