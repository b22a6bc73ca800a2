"""Profiles: the built-in ones load; bad ones are refused with one clear reason."""

from pathlib import Path

import pytest

from reportgen.profile import BUILT_IN, ProfileError, load_profile


@pytest.mark.parametrize("name", BUILT_IN)
def test_built_in_profiles_load(name):
    profile, table = load_profile(name)
    assert profile.name == name
    assert table["name"] == name


def _write(tmp_path, text):
    path = tmp_path / "p.toml"
    path.write_text(text)
    return str(path)


QUICK_DATA = 'name = "x"\ndescription = "x"\n[data]\ntest_size = 1000\n'


@pytest.mark.parametrize("text, message", [
    ("name = [", "not valid TOML"),
    (QUICK_DATA + "[bogus]\nx = 1\n", "unknown experiment 'bogus'"),
    (QUICK_DATA.replace("1000", '"many"'), "expected int"),
    (QUICK_DATA.replace("1000", "10"), "test_size must be at least 100"),
    (QUICK_DATA + '[compute]\nmodels = ["gpt5"]\nbatch_sizes = [1]\nmatmul_sizes = [8]\nmax_seconds = 1\nloop_steps = 1\n',
     "compute.models: known are"),
    (QUICK_DATA + '[compute]\nmodels = ["mlp_small"]\nbatch_sizes = [1]\nmatmul_sizes = [8]\nmax_seconds = 1\n'
     'min_seconds = 2\nloop_steps = 1\n', "min_seconds must lie between 0 and max_seconds"),
    (QUICK_DATA + '[data_scale]\nm = [-5, 100]\nseeds = 0\nlearners = ["logistic"]\nsteps = 1\n'
     'batch_size = 1\nlearning_rates = {}\nsvm_max_m = 0\n', "data_scale.m must list sizes"),
    (QUICK_DATA + '[data_scale]\nm = [100, 200]\nseeds = 2\nlearners = ["logistic"]\nsteps = 1\n'
     'batch_size = 1\nlearning_rates = {}\nsvm_max_m = 0\nbf16_m = 150\n', "bf16_m must be 0 or one of data_scale.m"),
])
def test_bad_profiles_are_refused(tmp_path, text, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(_write(tmp_path, text))


def test_zero_seeds_is_refused(tmp_path):
    text = (QUICK_DATA + '[data_scale]\nm = [100]\nseeds = 0\nlearners = ["logistic"]\nsteps = 1\n'
            'batch_size = 1\nlearning_rates = {}\nsvm_max_m = 0\n')
    with pytest.raises(ProfileError, match="seeds must be at least 1"):
        load_profile(_write(tmp_path, text))


def test_a_missing_profile_names_the_built_in_ones():
    with pytest.raises(ProfileError, match="not found.*quick, standard, full"):
        load_profile("nonexistent-profile")


@pytest.mark.parametrize("table, key, message", [
    ("data_scale", "learners", "data_scale.learners lists 'logistic' twice"),
    ("activations", "activations", "activations.activations lists 'sigmoid' twice"),
    ("compute", "models", "compute.models lists 'mlp_small' twice"),
])
def test_a_profile_that_lists_a_learner_or_activation_twice_is_refused(table, key, message):
    from reportgen.profile import parse_profile

    raw = load_profile("quick")[1]
    raw[table][key] = [*raw[table][key], raw[table][key][0]]
    with pytest.raises(ProfileError, match=message):
        parse_profile(raw, "p.toml")


@pytest.mark.parametrize("table, key, value, message", [
    ("data_scale", "m", [100, 10**12], r"data_scale.m = 1,000,000,000,000 is past the limit of 1,000,000"),
    ("data_scale", "steps", 10**12, r"data_scale.steps = 1,000,000,000,000 is past the limit of 1,000,000"),
    ("activations", "width", 10**9, r"activations.width = 1,000,000,000 is past the limit of 16,384"),
    ("activations", "depths", [2, 300], r"activations.width = 2,048 at depth 300 makes a net of about [\d,]+ weights"),
    ("compute", "matmul_sizes", [10**6], r"compute.matmul_sizes = 1,000,000 is past the limit of 32,768"),
    ("data", "test_size", 10**10, r"data.test_size = 10,000,000,000 is past the limit of 1,000,000"),
    ("data_scale", "m", list(range(20, 1020)), r"data_scale.m lists 1,000 values, past the limit of 100"),
    ("scaling", "allreduce_bytes", [1 << 32], (r"scaling: a message of 4,294,967,296 bytes on each of 8 workers is "
                                               r"past the limit of 8,589,934,592 bytes in all")),
    ("scaling", "batch_size", 200_000, r"scaling: a batch of 200,000 on each of 8 workers is past the limit"),
    ("scaling", "warmup_steps", 10**9, r"scaling.warmup_steps = 1,000,000,000 is past the limit of 10,000"),
    ("scaling", "allreduce_warmup", 10**9, r"scaling.allreduce_warmup = 1,000,000,000 is past the limit"),
    ("scaling", "models", [], r"scaling.models must name one model or more"),
    ("scaling", "timeout_seconds", 0.001, r"scaling.timeout_seconds must be at least 5"),
])
def test_a_value_that_would_run_for_days_or_exhaust_the_memory_is_refused_naming_key_and_limit(table, key, value,
                                                                                                message):
    from reportgen.profile import parse_profile

    raw = load_profile("full")[1]
    raw[table][key] = value
    if key == "depths":
        raw[table]["width"] = 2048
    with pytest.raises(ProfileError, match=message) as refused:
        parse_profile(raw, "p.toml")
    assert "\n" not in str(refused.value)


def test_the_standard_profile_says_its_rates_were_chosen_on_rows_its_largest_m_trains_on():
    """benchmarks/select_learning_rates.py validates on the last 4,000 examples of seed 0's order of a pool of the
    largest m: every fit at that m trains on them, which the words that the report prints must say."""
    s = load_profile(str(Path(__file__).parent.parent / "experiments" / "standard.toml"))[0].data_scale
    assert "4,000 validation examples" in s.learning_rate_selection
    assert f"the fits at m = {max(s.m):,} train on them" in s.learning_rate_selection
