"""End to end, from the real quick build: re-render it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reportgen.cli import main

pytestmark = pytest.mark.e2e


def cli(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_rendering_the_results_of_a_build_gives_the_html_the_build_wrote(quick_build, tmp_path):
    cli("render", quick_build / "results.json", "--out", tmp_path, "--format", "html")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    # The HTML holds no render time (only the run's own created time), so no scrubbing is needed.
    assert tmp_path.joinpath("report.html").read_bytes() == quick_build.joinpath("report.html").read_bytes()
