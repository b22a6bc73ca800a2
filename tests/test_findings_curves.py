"""The power law of test error, its held-out check and rivals, the noise margin and the projection of the data a
target needs."""

import dataclasses
import math

import factories
import pytest

from reportgen.findings import Verdict, findings
from reportgen.findings.curves import CLEAR_MARGIN, LAW, PROJECT_FACTOR, Rolling, curve_check, noise, trends
from reportgen.findings.projection import data_needed, projection_words
from reportgen.fmt import pct, points
from reportgen.tables import trend_table

S, C, I, N = Verdict.SUPPORTED, Verdict.CONTRADICTED, Verdict.INCONCLUSIVE, Verdict.NOT_TESTED
DENSE = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def verdicts(results):
    return {f.key: f.verdict for f in findings(results)}


def by_key(results):
    return {f.key: f for f in findings(results)}


def data(*args, **kwargs):
    return by_key(factories.results(data=factories.data_scale(*args, **kwargs)))


def _set(r, learner, m, seed, accuracy):
    """r with one (learner, m, seed) accuracy replaced."""
    fits = [dataclasses.replace(f, test_accuracy=accuracy) if (f.learner, f.m, f.seed) == (learner, m, seed) else f
            for f in r.fits]
    return dataclasses.replace(r, fits=fits)



# --- the power law, fitted past the small-data region and checked on a held-out point ---------------------------

def _law(**kwargs):
    """A net on err = 3·m^-0.3 + 0.05 (unless told otherwise): it gains 3.1 points from 16,000 to 32,000, more than
    the noise, so a curve that stopped rising at 16,000 misses the held-out point."""
    return {"logistic": [0.3, 0.31, 0.315, 0.316, 0.316, 0.316, 0.316, 0.316, 0.316],
            "mlp_large": factories.power_law_curve(DENSE, **{"a": 3.0, "b": -0.3, **kwargs})}


def test_a_curve_that_follows_the_law_predicts_its_held_out_point():
    f = data(_law(), m=DENSE)["power_law"]
    assert f.verdict is S
    assert "Fitted on m = 1,000 to 32,000" in f.evidence  # the lowest third of the log-m range left out
    assert "Fitted without m = 32,000" in f.evidence and "a miss of 0.0 points" in f.evidence
    assert "over resamples of the seeds" in f.evidence
    assert "forecast the Large MLP (512x3)'s test error better than a straight line in log m, a saturating " \
           "exponential" in f.headline
    # The level is the fit's asymptote, said as such, without a spread over seeds that would make it look measured.
    assert "its fitted asymptote is 95.2% accuracy, the fit extrapolated to m without end, not a measurement" \
        in f.evidence and "95.0% to 95.4%" not in f.evidence


def test_no_level_is_stated_where_the_law_did_not_pass():
    for curves in (_law(bend_at=32000, bend=0.06), _law(c=0.04, a=50.0, b=-1.2)):  # contradicted, inconclusive
        f = data(curves, m=DENSE)["power_law"]
        assert f.verdict in (C, I) and "asymptote" not in f.evidence and "levelling off" not in f.evidence
    bent = factories.data_scale(_law(bend_at=32000, bend=0.06), m=DENSE)
    rows = trend_table(bent, trends(bent)).rows
    assert next(row for row in rows if row[0] == "Large MLP (512x3)")[5].startswith("none stated")


def test_a_flat_curve_states_no_exponent_and_no_floor_it_did_not_fit():
    """A flat curve's fit has a = 0, and b sits where the scan stopped: no exponent to print. Its fit without the
    held-out point has a floor above 0, so it is not 'the same curve as the law without a floor'."""
    f = data({**_law(), "mlp_large": [0.7] * len(DENSE)}, m=DENSE)["power_law"]
    assert "no exponent (no fall fitted)" in f.evidence and "b = -3.00" not in f.evidence
    assert "floor at the bound 0" not in f.evidence and "asymptote" not in f.evidence


def test_a_held_out_point_off_the_curve_contradicts_the_law():
    f = data(_law(bend_at=32000, bend=0.06), m=DENSE)["power_law"]
    assert f.verdict is C
    assert "a miss of 6.0 points, against a noise of 2.0 points" in f.evidence
    assert "does not follow one power law" in f.why


def test_a_pinned_floor_is_reported_as_no_level_found_not_as_no_level():
    f = data(_law(c=0.0), m=DENSE)["power_law"]
    assert "floor sits at the bound 0" in f.evidence and "levelling off" not in f.evidence
    assert "it is the power law without a floor, so that rival tells nothing more" in f.evidence
    # The held-out point predicted, yet the floor at its bound: a·m^b + c has become a·m^b, so the three-parameter
    # law is not tested (it was supported before).
    assert f.verdict is I and "three-parameter law is not tested" in f.headline


def test_a_floor_pinned_at_0_is_inconclusive_and_one_above_it_supported():
    assert data(_law(c=0.0), m=DENSE)["power_law"].verdict is I
    assert data(_law(c=0.05), m=DENSE)["power_law"].verdict is S


def _seed_curve(r, learner, seed, curve):
    """r with one seed's accuracies of `learner` replaced by `curve` (over DENSE)."""
    for m, accuracy in zip(DENSE, curve):
        r = _set(r, learner, m, seed, accuracy)
    return r


def test_a_floor_that_some_resample_of_the_seeds_puts_at_0_is_pinned():
    # Two seeds level off at 96%, one follows a law without a floor through about the same points at m = 1,000 and
    # 32,000: their mean fit finds a floor of 2.6 points, but the resample of that seed alone finds none.
    r = dataclasses.replace(_seed_curve(factories.data_scale(_law(c=0.04), m=DENSE), "mlp_large", 0,
                                        factories.power_law_curve(DENSE, a=2.4, b=-0.25, c=0.0)), target_accuracy=0.85)
    f = by_key(factories.results(data=r))["power_law"]
    # The main fit has a floor, but a resample puts it at 0: no level is stated (it used to be, with a range).
    assert "asymptote" not in f.evidence and "97.4%" not in f.evidence
    p = data_needed(r, trends(r))
    assert not p.made and p.withheld == "pinned"
    assert "floor sits at its bound 0 in some resamples of the seeds" in projection_words(r, p, trends(r), None)


def test_a_straight_line_in_log_m_is_a_rival_the_law_must_beat():
    """4 points per doubling from m = 1,000 on: a power law fits it within the noise (it passed before), but a
    straight line in log m forecasts it exactly, so the check cannot tell the law from it."""
    line = [0.1, 0.15, 0.2] + [0.3 + 0.04 * math.log2(m / 1000) for m in DENSE[3:]]
    f = data({**_law(), "mlp_large": line}, m=DENSE)["power_law"]
    assert f.verdict is I and "do not beat every rival's by more than the noise" in f.headline
    assert "a straight line in log m 0.00" in f.evidence
    law = data(_law(), m=DENSE)["power_law"]
    assert law.verdict is S and ("Rolling-origin forecasts (fitted up to m = 8,000, predicting m = 16,000 and "
                                 "32,000; fitted up to m = 16,000, predicting m = 32,000)") in law.evidence
    assert "the power law 0.00, a straight line in log m 0.23, a saturating exponential 0.20" in law.evidence


def test_a_sigmoid_in_log_m_is_a_rival_the_law_must_beat():
    """Accuracy 0.8 / (1 + exp(-(ln m - ln 2,000))): it rises slowly, then fast, then levels off at 80%. A power law
    forecast it better than a straight line in log m and a saturating exponential, so it was supported; the sigmoid
    in log m forecasts it exactly, and the law is not. A true power law is still supported against all three."""
    sigmoid = [0.8 / (1 + math.exp(-(math.log(m) - math.log(2000)))) for m in DENSE]
    f = data({**_law(), "mlp_large": sigmoid}, m=DENSE)["power_law"]
    assert f.verdict is not S and "do not beat every rival's by more than the noise" in f.headline
    assert "a sigmoid in log m 0.00" in f.evidence
    law = data(_law(), m=DENSE)["power_law"]
    assert law.verdict is S and ("than a straight line in log m, a saturating exponential and a sigmoid in log m "
                                 "did.") in law.headline


def test_a_rival_that_forecasts_better_beyond_the_noise_contradicts_the_law_and_one_as_good_leaves_it_open():
    check = curve_check(factories.data_scale(_law(), m=DENSE), "mlp_large")
    rolled = lambda law, line: dataclasses.replace(check, forecasts=Rolling(
        [(8000, 16000)], {LAW: [law], "a straight line in log m": [line]}, 0.1))
    assert check.verdict is S and rolled(0.0, 0.2).verdict is S
    assert rolled(0.3, 0.05).verdict is C and rolled(0.3, 0.05).shortfall == "beaten"
    assert rolled(0.1, 0.05).verdict is I and rolled(0.1, 0.05).shortfall == "rivals"  # within the 0.1 margin
    assert dataclasses.replace(check, forecasts=None).verdict is I  # no forecasts: the rivals are not ruled out


def test_the_law_must_beat_a_curve_that_stopped_rising():
    f = data(_law(), m=DENSE)["power_law"]
    assert ("No gain after m = 16,000 (its 78.8% carried forward) misses the held-out point by 3.1 points, more than "
            "the noise.") in f.evidence
    assert f.numbers["no_gain_miss"] == pytest.approx(0.031, abs=5e-4)


def test_a_curve_that_stopped_rising_within_the_noise_leaves_the_law_untested():
    # 1.5 points gained over the last doubling: the law predicts the held-out point, and so does carrying the last
    # fitted point forward (the mean of the fitted points, 70.8%, would not have).
    stopped = [0.24, 0.30, 0.39, 0.52, 0.64, 0.72, 0.80, 0.86, 0.875]
    f = data({**_law(), "mlp_large": stopped}, m=DENSE)["power_law"]
    assert f.verdict is I
    assert ("No gain after m = 16,000 (its 86.2% carried forward) misses the held-out point by 1.5 points, within "
            "the noise as the law's 1.3 points is: this check cannot tell a power law from a curve that stopped "
            "rising.") in f.evidence
    assert "gains too little after its last fitted point" in f.why
    r = dataclasses.replace(factories.data_scale({**_law(), "mlp_large": stopped}, m=DENSE), target_accuracy=0.9)
    p = data_needed(r, trends(r))
    assert not p.made and p.withheld == "carried"
    assert "gains too little after m = 16,000" in projection_words(r, p, trends(r), None)


def test_noisier_seeds_at_the_held_out_m_do_not_make_the_law_easier_to_support():
    # The same curve with one seed at 80% and one at 90% at m = 32,000: a noise of 10 points takes in the law's
    # miss, and the curve that stopped rising at 16,000 as well.
    r = factories.data_scale(_law(), m=DENSE)
    for seed, accuracy in ((0, 0.80), (2, 0.90)):
        r = _set(r, "mlp_large", 32000, seed, accuracy)
    f = by_key(factories.results(data=r))["power_law"]
    assert f.verdict is I and "against a noise of 10.0 points" in f.evidence
    assert "cannot tell a power law from a curve that stopped rising" in f.evidence


def test_a_flat_curve_cannot_support_the_law():
    # The error falls 1.2 points over m = 1,000 to 32,000 (b = -1.2 with a small a): a law that predicts no fall.
    f = data(_law(c=0.04, a=50.0, b=-1.2), m=DENSE)["power_law"]
    assert f.verdict is I
    assert "falls by only 1.2 points from m = 1,000 to 32,000, within the noise" in f.evidence
    assert "cannot tell a power law from a curve that stopped rising" in f.evidence and "moves too little" in f.why
    still = data({**_law(), "mlp_large": [0.9] * len(DENSE)}, m=DENSE)["power_law"]  # a = 0: nothing to fit
    assert still.verdict is I and "predicts no fall" in still.evidence


def test_a_flat_curve_off_its_held_out_point_still_contradicts():
    f = data(_law(c=0.04, a=50.0, b=-1.2, bend_at=32000, bend=-0.06), m=DENSE)["power_law"]
    assert f.verdict is C


def test_the_noise_margin_grows_as_the_test_set_shrinks():
    assert noise(factories.data_scale()) == CLEAR_MARGIN  # 4,000 examples: 1.55 points, under the 2-point floor
    small = dataclasses.replace(factories.data_scale(), test_size=300)
    assert noise(small) == pytest.approx(1.96 * math.sqrt(0.25 / 300)) and points(noise(small)) == "5.7 points"
    # A 4-point miss contradicts the law on 4,000 test examples and is within the noise on 300.
    bent = factories.data_scale(_law(bend_at=32000, bend=0.04), m=DENSE)
    assert by_key(factories.results(data=bent))["power_law"].verdict is C
    f = by_key(factories.results(data=dataclasses.replace(bent, test_size=300)))["power_law"]
    assert "against a noise of 5.7 points" in f.evidence and "300 test examples" in f.why
    # Within the noise, the check goes on: the fit through the bent point puts its floor at 0, so not supported.
    assert f.verdict is I and "its forecasts do not beat every rival's by more than the noise" in f.headline


def test_leads_are_judged_against_the_test_sets_noise():
    close = {**factories.STORY, "svm_rbf": [0.29, 0.45, 0.55, 0.60, 0.32], "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.35]}
    r = factories.data_scale(close)  # the SVM leads by 4 points at m = 100; the net by 2.4 over logistic at 10,000
    found = by_key(factories.results(data=r))
    assert found["small_m_ranking"].verdict is C and found["nets_win_at_scale"].verdict is S
    small = by_key(factories.results(data=dataclasses.replace(r, test_size=300)))
    # A 4-point lead in every seed is within 5.7 points of noise: no learner leads beyond it, so not settled.
    assert small["small_m_ranking"].verdict is S and "one margin, 5.7 points" in small["small_m_ranking"].why
    assert small["nets_win_at_scale"].verdict is I and "more than 5.7 points" in small["nets_win_at_scale"].why
    assert "the 95% half-width of one accuracy on the 300 test examples" in small["nets_win_at_scale"].why


def test_ranges_over_resamples_are_never_called_confidence_intervals():
    f = data(_law(), m=DENSE)["power_law"]
    assert "10 distinct resamples of the 3 seeds" in f.why and "not a confidence interval" in f.why
    for g in findings(factories.results(data=factories.data_scale(_law(), m=DENSE))):
        assert "confidence interval" not in (g.evidence + g.why).replace("not a confidence interval", ""), g.key


def test_too_few_points_past_the_small_data_region_leave_the_law_untested():
    f = data()["power_law"]  # five grid points: three past the small-data region
    assert f.verdict is N and "too few points" in f.evidence


def _projection(curves, steps=None, budget=None, **changes):
    r = factories.data_scale(curves, m=DENSE, seeds=changes.pop("seeds", (0, 1, 2)), steps=steps)
    r = dataclasses.replace(r, **changes)
    return data_needed(r, trends(r), budget)


def test_a_projection_states_its_spread_and_stays_near_the_grid():
    p = _projection(_law(), target_accuracy=0.85)  # 8.4e4 examples: within 4 times 32,000
    assert p.made and p.learner == "mlp_large" and 32000 < p.m <= PROJECT_FACTOR * 32000 and p.reach is None
    assert p.interval and p.interval[0] <= p.m <= p.interval[1]
    # 3.4e5 examples for 90%, 4 times past the largest m, and never for 97%, above the level of 95.2%: both are said
    # as the accuracy the fit reaches at 4 times the largest m, never as what unlimited data would do.
    for target in (0.90, 0.97):
        p = _projection(_law(), target_accuracy=target)
        assert p.made and p.m is None and p.interval is None
        at, low, high = p.reach
        assert low <= at <= high and pct(at) == "86.4%"  # 1 - (3 · 128,000^-0.3 + 0.05), seeds 0.2 points above


def test_a_projection_says_where_the_nets_ran_out_their_step_budget():
    p = _projection(_law(), steps=2000, budget=2000, target_accuracy=0.97)
    assert p.ran_out is not None and pct(p.ran_out.high) == "81.6%"  # the curve's training accuracy at 32,000
    assert _projection(_law(), steps=2000, target_accuracy=0.97).ran_out is None  # no budget recorded
    assert _projection(_law(), steps=1650, budget=2000, target_accuracy=0.97).ran_out is None  # stopped early
    r = factories.data_scale(_law(), m=DENSE, steps=2000)
    fitted = [dataclasses.replace(f, train_accuracy=1.0) if f.learner == "mlp_large" and f.m == 32000 else f
              for f in r.fits]  # every seed fitted its training set: the data, not the budget, sets the top
    r = dataclasses.replace(r, fits=fitted, target_accuracy=0.97)
    assert data_needed(r, trends(r), 2000).ran_out is None


def test_no_projection_without_a_law_that_passed_every_check():
    p = _projection(_law(c=0.04, a=50.0, b=-1.2))
    assert not p.made and p.withheld == "levelled"
    p = _projection(_law(bend_at=32000, bend=0.06))
    assert not p.made and p.withheld == "missed"
    p = _projection(_law(c=0.0), target_accuracy=0.97)
    assert not p.made and p.withheld == "floor"
    p = _projection(_law(), target_accuracy=0.85, seeds=(0,))
    assert not p.made and p.withheld == "one seed"
    # The best learner's own law holds, but the largest net's does not: the power-law finding is not supported.
    cnn = factories.power_law_curve(DENSE, a=3.0, b=-0.3, c=0.02)
    best_ok = {**_law(bend_at=32000, bend=-0.06), "cnn": cnn}
    p = _projection(best_ok, target_accuracy=0.88)
    assert p.learner == "cnn" and not p.made and p.withheld == "law unsupported"
    p = _projection({**_law(), "cnn": cnn}, target_accuracy=0.88)
    assert p.learner == "cnn" and p.made and p.m is not None


def test_another_learners_flat_fit_is_said_to_have_no_exponent_not_b_equal_to_none():
    """The power law's reasoning lists the other learners' fits: a flat one read 'b = no exponent (no fall
    fitted)'."""
    m = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]
    curves = {"logistic": [0.3] * 9, "svm_rbf": [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.74, 0.8, 0.86],
              "mlp_large": [0.3, 0.4, 0.5, 0.6, 0.66, 0.72, 0.78, 0.83, 0.87]}
    f = {x.key: x for x in findings(factories.results(data=factories.data_scale(curves, m=m, jitter=0.002)))}
    why = f["power_law"].why
    assert "Logistic regression: no exponent (no fall fitted)" in why and "b = no exponent" not in why, why
