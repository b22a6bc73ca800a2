"""reportgen render: a report again from a results file alone, and clear refusals of what it cannot render."""

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main


def run(*args):
    return CliRunner().invoke(main, ["render", *map(str, args)])


def test_renders_beside_the_results_file_by_default(tmp_path):
    R.save(factories.results(), tmp_path / "results.json")
    result = run(tmp_path / "results.json", "--format", "html")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "report.html")
    assert "Test CPU" in (tmp_path / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("write, args, message", [
    (True, ["--format", "docx"], "Error: unknown format 'docx'; choose from html, pdf"),
    (True, ["--format", ","], "Error: unknown format ','; choose from html, pdf"),
    (False, [], "Error: cannot read"),
])
def test_bad_input_stops_with_one_line_and_writes_nothing(tmp_path, write, args, message):
    if write:
        R.save(factories.results(), tmp_path / "results.json")
    result = run(tmp_path / "results.json", "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_an_invalid_results_file_is_refused_with_the_reason(tmp_path):
    (tmp_path / "results.json").write_text('{"schema_version": 1, "tool": "reportgen"}')
    result = run(tmp_path / "results.json")
    assert result.exit_code == 2
    assert "is invalid: $: missing field 'tool_version'" in result.output
