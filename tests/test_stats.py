"""Statistics of learning curves: the power-law fit, its inverse, and growth exponents."""

import math
import statistics

import pytest

from reportgen.stats import Spread, fit_power_law, growth_exponent, mean_interval

M = [100, 250, 500, 1000, 2000, 4000, 8000, 16000, 32000]


def test_power_law_fit_recovers_known_parameters():
    fit = fit_power_law(M, [0.7 * m**-0.25 + 0.1 for m in M])
    assert fit.a == pytest.approx(0.7, rel=1e-3)
    assert fit.b == pytest.approx(-0.25, rel=1e-3)
    assert fit.c == pytest.approx(0.1, abs=1e-3)
    assert fit.r2 > 0.999


def test_the_inverse_gives_the_data_a_target_error_needs():
    fit = fit_power_law(M, [0.7 * m**-0.25 + 0.1 for m in M])
    assert fit.m_for_error(0.7 * 64000**-0.25 + 0.1) == pytest.approx(64000, rel=1e-2)
    assert fit.m_for_error(0.05) is None  # below the level the curve flattens at: never reached


def test_a_flat_curve_levels_off_at_its_value():
    fit = fit_power_law(M, [0.68, 0.675, 0.672, 0.671, 0.67, 0.67, 0.67, 0.67, 0.67])
    assert fit.c == pytest.approx(0.67, abs=0.005)


def test_too_few_points_give_no_fit():
    assert fit_power_law([100, 1000, 10000], [0.5, 0.4, 0.3]) is None


def test_growth_exponent_reads_the_upper_half_of_the_range():
    assert growth_exponent(M, [1e-7 * m**2 for m in M]) == pytest.approx(2.0)
    assert growth_exponent(M, [0.5 + 0 * m for m in M]) == pytest.approx(0.0, abs=1e-9)


def test_spread():
    s = Spread.of([0.5, 0.7, 0.6])
    assert (s.mean, s.low, s.high, s.n) == (pytest.approx(0.6), 0.5, 0.7, 3)


def test_the_rivals_of_the_power_law_recover_their_own_curves_and_not_each_other():
    from reportgen.stats import fit_exponential, fit_log_line

    m = [1000, 2000, 4000, 8000, 16000]
    line = [0.6 - 0.05 * math.log(x) for x in m]
    assert fit_log_line(m, line).error(32000) == pytest.approx(0.6 - 0.05 * math.log(32000))
    saturating = [0.1 + 0.5 * math.exp(-x / 3000) for x in m]
    f = fit_exponential(m, saturating)
    assert (f.a, f.b, f.c) == pytest.approx((0.5, 3000, 0.1), rel=1e-3)
    assert fit_exponential(m, line).error(32000) > fit_log_line(m, line).error(32000) + 0.01  # it levels off
    assert fit_log_line(m[:1], line[:1]) is None and fit_exponential(m[:2], line[:2]) is None


def test_the_sigmoid_in_log_m_recovers_its_own_curve_with_its_midpoint_kept_inside_the_data():
    from reportgen.stats import fit_log_sigmoid

    m = [1000, 2000, 4000, 8000, 16000]
    error = [1 - 0.8 / (1 + math.exp(-(math.log(x) - math.log(3000)) / 1.2)) for x in m]
    f = fit_log_sigmoid(m, error)
    assert (f.a, f.b, f.c) == pytest.approx((math.log(3000), 1.2, 0.8), rel=1e-3)
    assert f.error(32000) == pytest.approx(1 - 0.8 / (1 + math.exp(-(math.log(32000 / 3000)) / 1.2)), abs=1e-4)
    # Past its midpoint a sigmoid is a power law with a floor: the rival may not put its midpoint below the data.
    law = [2.0 * x**-0.4 + 0.05 for x in m]
    assert math.log(1000) <= fit_log_sigmoid(m, law).a <= math.log(16000)
    assert fit_log_sigmoid(m[:3], error[:3]) is None


def test_the_interval_of_a_mean_narrows_with_more_values_where_a_range_widens():
    assert mean_interval([0.5]) is None
    low, high = mean_interval([1.0, 2.0, 3.0])
    assert (low, high) == pytest.approx((2 - 4.30 / 3**0.5, 2 + 4.30 / 3**0.5))
    ten = mean_interval([1.0, 2.0, 3.0] * 4)  # 12 values, 11 degrees of freedom: t read at the 10 row, the wider
    assert ten == pytest.approx((2 - 2.23 * statistics.stdev([1.0, 2.0, 3.0] * 4) / 12**0.5,
                                 2 + 2.23 * statistics.stdev([1.0, 2.0, 3.0] * 4) / 12**0.5))
    assert ten[1] - ten[0] < high - low
