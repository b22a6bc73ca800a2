"""The static site: stable run slugs, publishing again without breaking links, refusals of bad input."""

from __future__ import annotations

import re
from dataclasses import replace

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.publish import PublishError, publish, slug


def _run_folder(parent, name, results):
    """A run folder as a build leaves it; the reports are stand-ins, copied as they are, never rendered."""
    folder = parent / name
    folder.mkdir()
    R.save(results, folder / "results.json")
    (folder / "report.html").write_text(f"<!DOCTYPE html><title>{name}</title>", encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 stand-in")
    return folder


def test_a_slug_is_stable_for_a_run_and_distinct_between_runs():
    run = factories.results()
    data = R.dumps(run).encode()
    assert slug(run, data) == slug(run, data)
    assert re.fullmatch(r"20260101T000000Z-testhost-[0-9a-f]{8}", slug(run, data))
    other = factories.results(hostname="Lab Box/2")
    assert re.fullmatch(r"20260101T000000Z-lab-box-2-[0-9a-f]{8}", slug(other, R.dumps(other).encode()))
    assert slug(run, data + b" ") != slug(run, data)  # same time and host, different file: another run


def test_publishing_again_adds_runs_and_keeps_every_page_already_there(tmp_path):
    a = _run_folder(tmp_path, "a", factories.results(hostname="alpha"))
    b = _run_folder(tmp_path, "b", factories.results(hostname="beta"))
    site = tmp_path / "site"
    first = publish([a], site)
    assert first.runs == 1 and len(first.added) == 1
    assert not (site / "compare.html").exists()  # nothing to compare with yet
    before = {p: p.read_bytes() for p in (site / "runs").rglob("*") if p.is_file()}
    second = publish([a, b], site)
    assert second.runs == 2 and second.added == [slug(factories.results(hostname="beta"),
                                                      (b / "results.json").read_bytes())]
    assert all(p.read_bytes() == data for p, data in before.items())
    index = (site / "index.html").read_text(encoding="utf-8")
    for added in first.added + second.added:
        assert f'href="runs/{added}/report.html"' in index
        assert (site / "runs" / added / "report.pdf").read_bytes() == b"%PDF-1.7 stand-in"
    assert 'href="compare.html"' in index and (site / "compare.html").is_file()
    assert publish([a, b], site).added == []


def test_the_index_lists_runs_newest_first_with_their_headline_numbers(tmp_path):
    days = ["2026-03-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"]
    runs = [_run_folder(tmp_path, f"r{i}", replace(factories.results(), created_utc=day))
            for i, day in enumerate(days)]
    publish(runs, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'<a href="runs/(\d{8})T[^"]*/report.html"', index)
    assert shown == ["20260301", "20260201", "20260101"]
    assert index.count('data-sort="0.0026"') == 3  # the large MLP's fastest step, 2.6 ms, sorts as a number
    assert index.count(">2.6 ms (CPU, 2 threads)<") == 3


@pytest.mark.parametrize("make, message", [
    (lambda tmp: tmp / "nowhere", "is neither a run folder with a results.json nor a results file"),
    (lambda tmp: (tmp / "bad.json").write_text('{"schema_version": 7}') and tmp / "bad.json",
     "schema version 7, newer than this reportgen reads"),
])
def test_a_run_that_cannot_be_read_stops_publishing_before_anything_is_written(tmp_path, make, message):
    result = CliRunner().invoke(main, ["publish", str(make(tmp_path)), "--site", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_a_site_path_that_is_a_file_is_refused(tmp_path):
    a = _run_folder(tmp_path, "a", factories.results())
    (tmp_path / "site").write_text("x")
    with pytest.raises(PublishError, match="is not a folder"):
        publish([a], tmp_path / "site" / "sub")
