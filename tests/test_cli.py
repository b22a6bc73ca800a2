"""The command line: help, version, and options out of range (the full table of bad input: test_bad_input.py)."""

import pytest
from click.testing import CliRunner

from reportgen import __version__
from reportgen.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert __version__ in run("--version").output
    out = run("build", "--help").output
    for option in ("--device", "--profile", "--out", "--seed", "--threads", "--resume"):
        assert option in out


@pytest.mark.parametrize("args, message", [
    (["--threads", "0"], "Invalid value for '--threads'"),
    (["--seed", "-1"], "Invalid value for '--seed'"),
])
def test_options_out_of_range_exit_2_and_write_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    result = run("build", "--out", str(out), *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
