"""Page one's answer, from the verdicts of the lecture's claims: led by how many this run decided, the story of
deep learning taking off told only where more than half of the tested claims held."""

from dataclasses import replace

import factories

from reportgen.findings import Verdict, findings
from reportgen.overview import answer

S, C, I, N = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
FOUND = findings(factories.results())  # 4 supported, 2 contradicted and 2 not tested claims (the loop is a mechanism)


def _with(verdicts: dict[str, Verdict], others: Verdict | None = None):
    """FOUND with these claims' verdicts (and every other tested claim's `others`, if given)."""
    out = []
    for f in FOUND:
        v = verdicts.get(f.key, others if others and f.is_claim and f.verdict.tested else f.verdict)
        out.append(f if v is f.verdict else replace(f, verdict=v, because=""))
    return out


def test_one_held_claim_among_undecided_ones_is_listed_without_the_story():
    """1 held of 6 tested (5 inconclusive): a majority of the decided, not of the tested, so no story is told."""
    said = answer(_with({"relu_faster": S}, others=I))
    assert said.startswith("Of the lecture's 8 claims this run decided 1, and it held: ReLU reached the target")
    assert "taking off" not in said
    assert ("That is 1 of the 6 claims it tested, not more than half: too few to tell the lecture's story on these "
            "numbers.") in said
    assert said.endswith("The other 7 were not shown either way (5 inconclusive and 2 not tested here).")


def test_the_story_is_told_only_where_the_held_claims_are_more_than_half_of_the_tested():
    """4 held and 2 against of 6 tested: the story, with what went against it. 3 held, 1 against and 2 open of 6
    tested: a majority of the decided, but only half of the tested, so what held is listed without the story."""
    said = answer(FOUND)
    assert "this run decided 6, and 4 held: on these numbers deep learning is taking off here because" in said
    said = answer(_with({"large_net_rising": I, "small_m_ranking": I}))
    assert "this run decided 4, and 3 held: with the most data" in said
    assert "taking off" not in said and "That is 3 of the 6 claims it tested, not more than half" in said
    assert "But 1 went against the lecture" in said and "The other 4 were not shown either way" in said


def test_a_tie_does_not_open_with_the_story_of_deep_learning_taking_off():
    said = answer(_with({"traditional_plateau": C, "small_m_ranking": C, "large_net_rising": C,
                         "nets_win_at_scale": S, "relu_faster": S, "threads_speedup": S}))
    assert said.startswith("Of the lecture's 8 claims this run decided 6: 3 held and 3 went against the lecture")
    assert "taking off" not in said and "its argument is split here" in said


def test_most_claims_against_the_lecture_come_first():
    said = answer(_with({"large_net_rising": C, "nets_win_at_scale": C}))
    assert said.startswith("Of the lecture's 8 claims this run decided 6, and 4 went against the lecture")
    assert "taking off" not in said and "What held: ReLU reached" in said


def test_claims_left_open_were_not_shown_rather_than_failed():
    said = answer(_with({}, others=I))
    assert said == ("This run decided none of the lecture's 8 claims: none was shown to hold or to fail "
                    "(6 inconclusive and 2 not tested here).")


def test_every_reason_names_its_own_subject():
    """A reason stands alone in the answer's list: 'with the most data it beat…' had no subject without the one
    before it."""
    said = answer(_with({"large_net_rising": I}))
    assert "with the most data the Large MLP (512x3) beat every traditional learner" in said
    for f in FOUND:
        assert " it " not in f" {f.because} ", (f.key, f.because)


def test_the_drivers_that_went_against_the_lecture_are_told_apart():
    """'(scale of data and of nets and computation)' read as one driver; each now stands apart."""
    said = answer(_with({"traditional_plateau": C, "threads_speedup": C, "relu_faster": S}, others=I))
    assert "(scale of data and of nets; computation)" in said, said
