"""The static site: stable run slugs, publishing again without breaking links, refusals of bad input."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import factories
import pytest
from click.testing import CliRunner

from reportgen import publish as publish_module
from reportgen import results as R
from reportgen.cli import main
from reportgen.publish import PublishError, publish, slug


def _run_folder(parent, name, results):
    """A run folder as a build leaves it, with reports of its own that publishing must not copy."""
    folder = parent / name
    folder.mkdir()
    R.save(results, folder / "results.json")
    (folder / "report.html").write_text(f"<!DOCTYPE html><title>{name}</title><script>steal()</script>",
                                        encoding="utf-8")
    (folder / "report.pdf").write_bytes(b"%PDF-1.7 the folder's own")
    return folder


@pytest.fixture(autouse=True)
def quick_render(monkeypatch):
    """Publishing renders each run's pages from its results; stand-ins keep these tests fast (the end-to-end
    workflow test renders real ones)."""
    def write_report(results, folder, formats=("html", "pdf"), page_size="A4"):
        (folder / "report.html").write_text(f"<!DOCTYPE html><title>{results.system.hostname}</title>",
                                            encoding="utf-8")
        (folder / "report.pdf").write_bytes(b"%PDF-1.7 rendered")

    monkeypatch.setattr(publish_module, "write_report", write_report)


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
        assert (site / "runs" / added / "report.pdf").read_bytes() == b"%PDF-1.7 rendered"
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
    (lambda tmp: (tmp / "bad.json").write_text('{"schema_version": 99}') and tmp / "bad.json",
     "schema version 99, newer than this reportgen reads"),
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


def _tree(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_publishing_renders_from_the_results_and_follows_no_link_out_of_a_run_folder(tmp_path):
    private = tmp_path / "private.key"
    private.write_text("SECRET KEY")
    a = _run_folder(tmp_path, "a", factories.results())
    (a / "report.pdf").unlink()
    (a / "report.pdf").symlink_to(private)
    (a / "notes.txt").symlink_to(private)
    publish([a], tmp_path / "site")
    files = _tree(tmp_path / "site")
    assert not any(b"SECRET" in data or b"steal()" in data for data in files.values())
    assert sorted(p.split("/")[-1] for p in files if p.startswith("runs/")) == ["report.html", "report.pdf",
                                                                              "results.json"]
    b = _run_folder(tmp_path, "b", factories.results(hostname="beta"))
    (b / "results.json").rename(tmp_path / "elsewhere.json")
    (b / "results.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(PublishError, match="is a link out of its run folder"):
        publish([b], tmp_path / "site")


def _break_site(site, how):
    if how == "runs is a file":
        site.mkdir()
        (site / "runs").write_text("x")
    else:
        newer = json.loads(R.dumps(factories.results(hostname="future")))
        newer["schema_version"] = R.SCHEMA_VERSION + 1
        (site / "runs" / "future").mkdir(parents=True)
        for name in ("report.html", "report.pdf"):
            (site / "runs" / "future" / name).write_text("x")
        (site / "runs" / "future" / "results.json").write_text(json.dumps(newer))


@pytest.mark.parametrize("how, message", [("runs is a file", "is not a folder"),
                                          ("a run of a newer schema", "newer than this reportgen reads")])
def test_a_broken_site_is_refused_in_one_line_before_anything_is_written(tmp_path, how, message):
    a = _run_folder(tmp_path, "a", factories.results())
    site = tmp_path / "site"
    _break_site(site, how)
    before = _tree(site)
    result = CliRunner().invoke(main, ["publish", str(a), "--site", str(site)])
    assert result.exit_code == 2 and message in result.output and result.output.count("\n") == 1
    assert _tree(site) == before and sorted(p.name for p in site.iterdir()) == ["runs"]


@pytest.mark.parametrize("fault", [OSError(28, "No space left on device"), RuntimeError("a render bug")])
def test_a_publish_that_fails_part_way_leaves_no_run_for_the_index_to_link_to(tmp_path, monkeypatch, fault):
    a = _run_folder(tmp_path, "a", factories.results())
    b = _run_folder(tmp_path, "b", factories.results(hostname="beta"))
    site = tmp_path / "site"
    publish([a], site)
    before = _tree(site)
    staged = []

    def failing(results, folder, formats=("html", "pdf"), page_size="A4"):
        (folder / "report.html").write_text("half")
        staged.append(folder)
        raise fault

    monkeypatch.setattr(publish_module, "write_report", failing)
    with pytest.raises(PublishError if isinstance(fault, OSError) else RuntimeError):
        publish([b], site)
    assert _tree(site) == before and staged and not staged[0].exists()
    with pytest.raises(PublishError if isinstance(fault, OSError) else RuntimeError):
        publish([b], tmp_path / "new-site")
    assert not (tmp_path / "new-site").exists()  # a site this publish began is not left half made


def test_publish_on_a_full_disk_is_one_line(tmp_path, monkeypatch):
    a = _run_folder(tmp_path, "a", factories.results())

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish_module, "write_atomically", full)
    result = CliRunner().invoke(main, ["publish", str(a), "--site", str(tmp_path / "site")])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "No space left on device" in result.output and not (tmp_path / "site").exists()
