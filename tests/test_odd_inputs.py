"""Odd inputs to render, compare and publish (build's are in test_bad_input.py): each once gave a traceback, a
misleading message, exit code 1 for a user's mistake, or a site index that lost a run."""

import contextlib
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.limits import MAX_TEXT
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
        one_line_error(run("render", "/dev/zero", "--out", tmp_path / "out"), "/dev/zero: it is a device")
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


EMPTY = {  # Path("") is the current folder: each of these wrote into, or read, wherever the command was started
    "render --out": lambda r: ["render", r, "--out", ""],
    "render RESULTS": lambda r: ["render", ""],
    "compare FILES": lambda r: ["compare", r, ""],
    "compare --out": lambda r: ["compare", r, r, "--out", ""],
    "publish --site": lambda r: ["publish", r, "--site", ""],
    "publish RUNS": lambda r: ["publish", "", "--site", "site"],
    "build --out": lambda r: ["build", "--device", "cpu", "--out", ""],
    "build --dataset": lambda r: ["build", "--device", "cpu", "--dataset", ""],
    "build --baseline": lambda r: ["build", "--device", "cpu", "--baseline", ""],
    "build --resume": lambda r: ["build", "--resume", ""],
}


@pytest.mark.parametrize("args", EMPTY.values(), ids=EMPTY.keys())
def test_an_empty_path_is_refused_in_one_line_and_nothing_is_written(tmp_path, monkeypatch, args):
    r = results_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    one_line_error(run(*args(r)), r"Invalid value for .*: the path is empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


@contextlib.contextmanager
def within(seconds):
    """A read that blocks (a FIFO with no writer) fails the test instead of hanging it."""
    def hung(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_or_a_device_is_refused_unread_by_every_command_that_reads_a_file(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    os.mkfifo(tmp_path / "fifo.toml")
    (tmp_path / "zero.pdf").symlink_to("/dev/zero")
    r = results_file(tmp_path)
    with within(30):
        for args, message in [
            (["render", tmp_path / "fifo.json", "--out", tmp_path / "out"], "fifo.json: it is a FIFO"),
            (["render", "/dev/urandom", "--out", tmp_path / "out"], "/dev/urandom: it is a device"),
            (["render", tmp_path / "zero.pdf", "--out", tmp_path / "out"], "zero.pdf: it is a device"),
            (["compare", r, tmp_path / "fifo.json", "--out", tmp_path / "out"], "fifo.json: it is a FIFO"),
            (["publish", tmp_path / "zero.pdf", "--site", tmp_path / "out"], "zero.pdf"),
            (["build", "--device", "cpu", "--profile", tmp_path / "fifo.toml", "--out", tmp_path / "out"],
             "fifo.toml: it is a FIFO"),
            (["build", "--device", "cpu", "--profile", "/dev/zero", "--out", tmp_path / "out"], "it is a device"),
            (["build", "--device", "cpu", "--profile", "quick", "--baseline", tmp_path / "fifo.json", "--out",
              tmp_path / "out"], "fifo.json: it is a FIFO"),
        ]:
            one_line_error(run(*args), message)
    assert not (tmp_path / "out").exists()


def _interrupted(monkeypatch, module, name):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(module, name, stop)


def test_ctrl_c_in_render_compare_or_publish_exits_130_in_one_line_and_leaves_nothing_half_written(tmp_path,
                                                                                                   monkeypatch):
    from reportgen import compare, render
    from reportgen import publish as publish_module

    r = results_file(tmp_path)
    other = results_file(tmp_path, lambda raw: {**raw, "created_utc": "2026-02-02T00:00:00Z"}, name="o.json")
    publish([r], tmp_path / "site")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    _interrupted(monkeypatch, render, "render_pdf")  # the HTML is written, then Ctrl-C during the PDF
    _interrupted(monkeypatch, compare, "write_atomically")
    for args in (["render", r, "--out", tmp_path / "new" / "deeper"], ["compare", r, other, "--out", tmp_path / "c"],
                 ["publish", other, "--site", tmp_path / "site"], ["publish", r, "--site", tmp_path / "site2"]):
        result = run(*args)
        assert result.exit_code == 130, result.output
        assert result.stderr == "Stopped by SIGINT; nothing half-written is left\n"
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    left = [p for p in after if p not in before]
    assert left == [Path("new"), Path("new/deeper"), Path("new/deeper/report.html")]  # finished, so it stays
    assert [p.name for p in (tmp_path / "site" / "runs").iterdir()] == [publish_module.slug(
        factories.results(), r.read_bytes())]  # no staging folder left, and the site as it was


def test_sigint_to_a_real_render_removes_the_folder_it_made(tmp_path):
    r = results_file(tmp_path)
    out = tmp_path / "out" / "report"
    render = subprocess.Popen([sys.executable, "-m", "reportgen", "render", str(r), "--out", str(out),
                               "--format", "pdf"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600  # only a hang fails the test: the render takes seconds after making `out`
    while not out.exists() and render.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    render.send_signal(signal.SIGINT)
    # 130, or ended by the signal itself after its message (-2): a shell reports both as 130. Once in 15 full runs
    # here the process, having printed its message and removed its folder, ended by SIGINT rather than exit(130).
    assert render.wait(600) in (130, -signal.SIGINT), render.stderr.read()
    assert render.stderr.read() == "Stopped by SIGINT; nothing half-written is left\n"
    assert not (tmp_path / "out").exists()


def test_a_path_with_a_newline_stays_on_the_error_line(tmp_path):
    line = one_line_error(run("render", tmp_path / "a\nb.json"), r"cannot read .*a\\nb\.json")
    assert "\n" not in line


def test_a_full_standard_output_is_one_line_not_a_traceback(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "reportgen", "render", str(results_file(tmp_path)), "--format",
                               "html"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=600, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: could not print to standard output (No space left on device); the work "
                                  "itself is done") and done.stderr.count("\n") == 1
    assert (tmp_path / "report.html").is_file()
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "reportgen", "render", "--help"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=600, check=False)
    assert done.returncode == 1 and done.stderr == "Error: could not write the output: No space left on device\n"


def test_a_report_pdf_saved_without_its_suffix_and_a_format_in_capitals_are_read(tmp_path):
    write_report(factories.results(), tmp_path, ["pdf"])
    (tmp_path / "report.pdf").rename(tmp_path / "report")
    result = run("render", tmp_path / "report", "--out", tmp_path / "out", "--format", "HTML")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "report.html").is_file()


def test_an_empty_compare_baseline_is_not_taken_for_the_current_folder_and_is_quoted(tmp_path):
    r, other = results_file(tmp_path), results_file(tmp_path, name="o.json")
    one_line_error(run("compare", r, other, "--baseline", "", "--out", tmp_path / "c"),
                   r"baseline '' is not one of the results files compared \(give its position, 1 to 2, or its path\)")


def test_a_very_long_host_name_publishes_and_a_byte_order_mark_reads(tmp_path):
    long_host = results_file(tmp_path, lambda raw: {**raw, "system": {**raw["system"], "hostname": "h" * MAX_TEXT}})
    assert run("publish", long_host, "--site", tmp_path / "site").exit_code == 0  # was: File name too long
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + results_file(tmp_path).read_bytes())
    assert run("render", tmp_path / "bom.json", "--format", "html").exit_code == 0
