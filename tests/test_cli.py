"""The command line: help, version, and bad input that stops at once with one line, exit 2, nothing written."""

import pytest
from click.testing import CliRunner

from reportgen import __version__
from reportgen.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_version_and_help():
    assert __version__ in run("--version").output
    out = run("build", "--help").output
    for option in ("--device", "--profile", "--out", "--seed", "--threads"):
        assert option in out


@pytest.mark.parametrize("args, message", [
    (["--device", "cuda"], "Error: device 'cuda' is not available here; available: cpu"),
    (["--device", "tpu"], "Error: unknown device 'tpu'"),
    (["--profile", "nope"], "Error: profile 'nope' not found"),
    (["--threads", "0"], "Invalid value for '--threads'"),
    (["--seed", "-1"], "Invalid value for '--seed'"),
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "out"
    result = run("build", "--out", str(out), *args)
    assert result.exit_code == 2
    assert message in result.output
    if message.startswith("Error:"):
        assert result.output.strip().count("\n") == 0  # one line, no traceback, no usage block
    assert not out.exists()


def test_an_output_path_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("build", "--profile", "quick", "--out", str(blocker / "sub"))
    assert result.exit_code == 2
    assert "is not a folder" in result.output
    assert blocker.read_text() == "x"


def test_a_bad_profile_file_is_refused(tmp_path):
    profile = tmp_path / "bad.toml"
    profile.write_text("name = [")
    result = run("build", "--profile", str(profile), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "is not valid TOML" in result.output


def test_a_malformed_dataset_is_refused_before_any_work(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")
    result = run("build", "--profile", "quick", "--dataset", str(data), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.strip() == "Error: dataset d.csv: no label column 'label' (columns: a, b); name it with --label"
    assert not (tmp_path / "out").exists()
