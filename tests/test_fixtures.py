"""Real results files kept as fixtures (tests/fixtures/*.json, such as the quick CUDA build that
benchmarks/gpu_check.py writes): each must load, render, compare and publish. Without one the test is skipped,
saying so; the synthetic GPU records of test_gpu_path stand in meanwhile."""

from __future__ import annotations

from pathlib import Path

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.publish import publish

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.json"))


@pytest.mark.skipif(not FIXTURES, reason="no results file kept in tests/fixtures yet (run benchmarks/gpu_check.py "
                                         "on a GPU machine and keep its quick-results.json there)")
@pytest.mark.parametrize("fixture", FIXTURES or [None], ids=lambda p: p.name if p else "none")
def test_a_kept_results_file_renders_compares_and_publishes(tmp_path, fixture):
    kept = R.load(fixture)
    out = tmp_path / "render"
    result = CliRunner().invoke(main, ["render", str(fixture), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert kept.system.summary_for(kept.settings.device) in html
    R.save(factories.results(), tmp_path / "cpu.json")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "cpu.json"), str(fixture), "--out",
                                       str(tmp_path / "compare")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "run"
    folder.mkdir()
    R.save(kept, folder / "results.json")
    (folder / "report.html").write_text("<!DOCTYPE html><title>stand-in</title>", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 stand-in")
    assert publish([folder], tmp_path / "site").runs == 1
