"""Ctrl-C in the middle of a real build keeps what finished; --resume finishes it to the report an uninterrupted
build with the same seed gives, without running the finished experiment again."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen import results as R
from reportgen.findings import findings

pytestmark = pytest.mark.e2e

TINY = Path(__file__).parent / "tiny.toml"
HANG = 900  # seconds: only a hang may fail the test; on a shared 2-core machine a tiny build can take minutes
TIMED = {"timing", "fit_seconds", "cpu_seconds", "seconds", "seconds_to_target", "created_utc", "phases", "from_cache",
         "others_busy"}


TIMED_FINDINGS = {"threads_speedup", "gpu_speedup", "matrix_hardware", "iteration_loop"}


def reportgen(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "reportgen", "build", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def new_build(out: Path):
    return reportgen("--device", "cpu", "--profile", str(TINY), "--seed", "0", "--threads", "1", "--out", str(out))


def first_checkpoint(out: Path, build, timeout=HANG) -> dict:
    """The run's checkpoint once it holds the first experiment (written atomically: never read half-written)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and build.poll() is None:
        for path in out.glob("*/checkpoint.json"):
            kept = json.loads(path.read_text())
            if kept["data_scale"]:
                return kept
        time.sleep(0.02)
    raise AssertionError(f"no checkpoint with data_scale; build exited {build.poll()}: {build.stderr.read()}")


def measured(node):
    """The deterministic part of a results file: everything but clock readings."""
    if isinstance(node, dict):
        return {k: measured(v) for k, v in node.items() if k not in TIMED}
    return [measured(v) for v in node] if isinstance(node, list) else node


def claims(results):
    """Each finding's verdict and numbers, but those read off a clock (times, speed-ups, GFLOP/s, and the verdicts
    made from them: the CPU's bf16 timings give even a 1-thread run a matrix-hardware and a loop finding, and two
    builds side by side time differently)."""
    clocked = ("seconds", "speedup", "gain", "gflops")
    return [(f.key, None if f.key in TIMED_FINDINGS else f.verdict,
             {k: v for k, v in f.numbers.items() if not any(c in k for c in clocked)})
            for f in findings(results)]


def test_an_interrupted_build_resumes_to_the_same_report_without_rerunning(tmp_path):
    whole = new_build(tmp_path / "whole")  # the uninterrupted twin, alongside: one thread each
    cut = new_build(tmp_path / "cut")
    kept = first_checkpoint(tmp_path / "cut", cut)
    cut.send_signal(signal.SIGINT)
    _, stderr = cut.communicate(timeout=HANG)
    (folder,) = (tmp_path / "cut").iterdir()
    assert cut.returncode == 130, stderr
    assert stderr.splitlines()[-1].endswith(f"finish it with: reportgen build --resume {folder}")
    assert [p.name for p in folder.iterdir()] == ["checkpoint.json"]
    assert R.load(folder / "checkpoint.json").activations is None  # stopped in the middle of the second

    resumed = reportgen("--resume", str(folder))
    _, stderr = resumed.communicate(timeout=HANG)
    assert resumed.returncode == 0, stderr
    assert "kept from the checkpoint" in stderr
    assert whole.wait(timeout=HANG) == 0, whole.stderr.read()

    after = json.loads((folder / "results.json").read_text())
    assert after["phases"]["data_scale"] == kept["phases"]["data_scale"]  # kept, not measured again
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.pdf", "results.json"]
    (twin,) = (tmp_path / "whole").iterdir()
    assert measured(after) == measured(json.loads((twin / "results.json").read_text()))
    assert claims(R.load(folder / "results.json")) == claims(R.load(twin / "results.json"))
