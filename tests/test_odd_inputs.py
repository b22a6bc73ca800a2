"""Odd inputs to render, compare and publish (build's are in test_bad_input.py): each once gave a traceback, a
misleading message, exit code 1 for a user's mistake, or a site index that lost a run."""

import fcntl
import json
import os
import re
import threading
import time

import factories
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.publish import publish
from reportgen.render import write_report


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, message):
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and re.search(message, line), line
    return line


def results_file(tmp_path, change=lambda raw: raw, name="r.json"):
    raw = json.loads(R.dumps(factories.results()))
    (tmp_path / name).write_text(json.dumps(change(raw)))
    return tmp_path / name


def test_a_bad_option_value_is_one_line_without_the_usage_block(tmp_path):
    one_line_error(run("render", results_file(tmp_path), "--page-size", "A3"), "'--page-size': 'A3' is not one of")
    one_line_error(run("frobnicate"), "No such command 'frobnicate'")
    assert not (tmp_path / "report.html").exists()


def test_an_endless_or_huge_results_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(R, "MAX_RESULTS_BYTES", 1000)
    one_line_error(run("render", results_file(tmp_path), "--format", "html"), "is larger than 0 MB")
    if os.path.exists("/dev/zero"):
        one_line_error(run("render", "/dev/zero", "--out", tmp_path / "out"), "/dev/zero is larger than")
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "out").exists()


def test_a_faulty_nested_value_is_named_in_a_short_line(tmp_path):
    whole = json.loads(R.dumps(factories.results()))
    line = one_line_error(run("render", results_file(tmp_path, lambda raw: {**raw, "baseline": whole})),
                          r"\$\.baseline: ")
    assert len(line) < 500


def test_a_schema_version_written_as_a_string_is_named_as_such(tmp_path):
    one_line_error(run("render", results_file(tmp_path, lambda raw: {**raw, "schema_version": "3"})),
                   r"\$\.schema_version: expected an integer, got str")


def test_render_into_a_looping_link_is_a_user_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    one_line_error(run("render", results_file(tmp_path), "--out", tmp_path / "a", "--format", "html"),
                   "cannot write the report into")


def test_publish_reads_a_report_pdf_as_render_and_compare_do(tmp_path):
    results = factories.results()
    write_report(results, tmp_path, ["pdf"])
    result = run("publish", tmp_path / "report.pdf", "--site", tmp_path / "site")
    assert result.exit_code == 0, result.output
    (slug,) = [p.name for p in (tmp_path / "site" / "runs").iterdir()]
    assert slug in (tmp_path / "site" / "index.html").read_text()
    (tmp_path / "x.bin").write_bytes(b"\xff\xfe\x00binary")
    one_line_error(run("publish", tmp_path / "x.bin", "--site", tmp_path / "site"), r"cannot read .*x\.bin")


def test_a_second_publish_to_a_site_waits_for_the_first_and_both_runs_are_listed(tmp_path):
    first = results_file(tmp_path, name="a.json")
    second = results_file(tmp_path, lambda raw: {**raw, "created_utc": "2026-02-02T00:00:00Z"}, name="b.json")
    site = tmp_path / "site"
    publish([first], site)
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # a publish in progress
    done = []
    worker = threading.Thread(target=lambda: done.append(publish([second], site)))
    worker.start()
    time.sleep(1)
    assert not done and len(list((site / "runs").iterdir())) == 1  # it waits, and has read nothing yet
    os.close(fd)
    worker.join(60)
    assert done and done[0].runs == 2
    index = (site / "index.html").read_text()
    assert all(run.name in index for run in (site / "runs").iterdir())
