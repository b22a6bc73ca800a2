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


@pytest.mark.parametrize("command", ["build", "render", "compare", "publish"])
def test_a_source_date_epoch_that_is_not_a_number_is_one_line_and_help_still_works(tmp_path, monkeypatch,
                                                                                   command):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    assert run(command, "--help").exit_code == 0
    args = {"build": ["--out", str(tmp_path / "out")], "render": ["r.json"], "compare": ["a.json", "b.json"],
            "publish": ["r.json", "--site", str(tmp_path / "site")]}[command]
    result = run(command, *args)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'yesterday'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bad_source_date_epoch_stops_before_the_imports_that_would_fail_on_it(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1.5e9"}  # numpy's f2py reads it at import with int()
    done = subprocess.run([sys.executable, "-m", "reportgen", "render", str(tmp_path / "r.json")], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
