from reportgen.fmt import duration, pct, points, sci, times


def test_formats_read_as_a_person_writes_them():
    assert pct(0.6912) == "69.1%"
    assert points(0.132) == "13.2 points"
    assert times(6.71) == "6.7×"
    assert times(4.09e4) == "4.1×10⁴"
    assert times(9.96e2) == "996×" and times(250.4) == "250×" and times(9999.4) == "9,999×"
    assert times(9999.6) == "1.0×10⁴"
    assert sci(2.6e-6) == "2.6×10⁻⁶"
    assert duration(2.3e-4) == "230 µs"
    assert duration(0.0026) == "2.6 ms"
    assert duration(300) == "5 min"
    assert duration(3 * 86400) == "3 days"


def test_a_difference_of_accuracies_near_zero_never_reads_minus_zero():
    assert points(-0.0001) == "0.0 points" and points(-0.0) == "0.0 points" and points(-0.0006) == "-0.1 points"
    assert points(0.0004) == "0.0 points"


def test_a_growth_exponent_near_zero_never_reads_minus_zero():
    from reportgen.fmt import power_of_m

    assert power_of_m(-0.01) == "m^0.0" and power_of_m(2.04) == "m^2.0" and power_of_m(-0.4) == "m^-0.4"


def test_a_cpu_configuration_names_its_precision_unless_it_is_fp32():
    from reportgen.fmt import config_label

    assert config_label("cpu", "fp32", 1) == "CPU, 1 thread"
    assert config_label("cpu", "bf16", 2) == "CPU bf16, 2 threads"
    assert config_label("cuda:0", "bf16", None) == "cuda:0 bf16"


def test_a_cpu_bf16_timing_is_never_compared_with_an_fp32_one_across_machines():
    from reportgen.compare import _config

    assert _config("cpu", "fp32", 2, 2) == ["CPU, all threads"]
    assert _config("cpu", "bf16", 2, 2) == ["CPU bf16, all threads"]
    assert _config("cpu", "fp32", 1, 1) == ["CPU, 1 thread", "CPU, all threads"]
