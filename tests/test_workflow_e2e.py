"""End to end, from the real quick build: re-render it, and compare it with itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.compare import compare
from reportgen.results import load

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


def test_a_build_compared_with_itself_has_speedups_of_one_and_no_differences(quick_build, tmp_path):
    results = quick_build / "results.json"
    page = cli("compare", results, results, "--out", tmp_path).strip()
    html = Path(page).read_text(encoding="utf-8")
    assert "0 difference(s) between the machines and settings" in html
    assert 'class="differs"' not in html
    speedups = re.findall(r"\(([\d.]+)×\)</td>", html)
    assert set(speedups) == {"1.0"}
    c = compare([load(results)] * 2)
    assert len(speedups) == len(c.steps) + len(c.matmuls) > 0  # every workload, each at 1.0×
