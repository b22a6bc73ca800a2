"""Faults: a failed experiment is recorded and the battery goes on; a stopped build keeps what finished."""

import dataclasses
import errno
import os
import signal
import tempfile
import time
import types
from pathlib import Path

import factories
import pytest
import torch
from click.testing import CliRunner

from reportgen import battery
from reportgen import build as build_module
from reportgen import results as R
from reportgen.cli import main
from reportgen.devices import DeviceChoice
from reportgen.experiments import activations, compute, data_scale
from reportgen.profile import EXPERIMENTS, load_profile
from reportgen.records.data import DataInfo

TINY = Path(__file__).parent / "tiny.toml"


def raising(error):
    def run(*args, **kwargs):
        raise error
    return run


@pytest.mark.parametrize("error, reason", [
    (torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), "out of memory"),
    (RuntimeError("CUDA error: an illegal memory access\nmore detail"),
     "failed: RuntimeError: CUDA error: an illegal memory access"),
])
def test_a_failed_experiment_is_recorded_and_the_battery_goes_on(monkeypatch, error, reason):
    profile, table = load_profile(str(TINY))
    info = DataInfo(name="MNIST-1D", generator="test", generator_args={}, pool_size=500, test_size=500,
                    from_cache=True)
    monkeypatch.setattr(battery, "mnist1d", lambda pool, test: types.SimpleNamespace(info=info))
    monkeypatch.setattr(data_scale, "run", lambda *args, **kwargs: factories.data_scale())
    monkeypatch.setattr(activations, "run", raising(error))
    monkeypatch.setattr(compute, "run", lambda *args: factories.compute())
    checkpoints = []
    start = battery.start(profile, table, DeviceChoice("cpu", "test"), 0, 1, "test")
    results = battery.run_battery(profile, start, keep=checkpoints.append)
    assert results.failures == {"activations": reason}
    assert results.activations is None and results.compute == factories.compute()
    assert [[x for x in EXPERIMENTS if c.done(x)] for c in checkpoints] == [
        [], ["data_scale"], ["data_scale"], ["data_scale", "compute"]]  # a checkpoint after every phase

    monkeypatch.setattr(data_scale, "run", raising(AssertionError("ran twice")))
    monkeypatch.setattr(compute, "run", raising(AssertionError("ran twice")))
    monkeypatch.setattr(activations, "run", lambda *args: factories.activations())
    again = battery.run_battery(profile, results)  # a resume retries the failed experiment, and only it
    assert again.failures == {}
    assert again.activations == factories.activations() and again.data_scale == results.data_scale


@pytest.mark.parametrize("command, message", [
    (["build", "--resume", "{run}"], ("could not write report.html: No space left on device; results.json in {run} "
                                     "is intact; finish it with: reportgen build --resume {run}")),
    (["render", "{run}/results.json"], ("could not write the report into {run}: No space left on device; "
                                       "{run}/results.json is untouched")),
])
def test_a_full_disk_at_render_time_keeps_results_json_and_says_so(tmp_path, monkeypatch, command, message):
    folder = tmp_path / "run"
    folder.mkdir()
    R.save(factories.results(), folder / "results.json")
    saved = (folder / "results.json").read_bytes()
    real = tempfile.NamedTemporaryFile

    def full_disk(*args, **kwargs):
        tmp = real(*args, **kwargs)
        if kwargs.get("prefix", "").startswith(".report"):
            def write(data):
                tmp.file.write(data[:1000])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            tmp.write = write
        return tmp

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full_disk)
    result = CliRunner().invoke(main, [arg.format(run=folder) for arg in command])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: " + message.format(run=folder)
    assert "Traceback" not in result.output
    assert (folder / "results.json").read_bytes() == saved
    assert os.listdir(folder) == ["results.json"]  # no half-written report, no temporary file


def sigterm(progress):
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)  # the signal arrives here


class SignalsInItsFinalizer:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10000):  # the handler runs in this loop, and Python drops its KeyboardInterrupt
            pass


def ctrl_c_in_a_finalizer(progress):
    SignalsInItsFinalizer()  # dropped at once
    progress.advance("the next step")


@pytest.mark.parametrize("stop", [sigterm, ctrl_c_in_a_finalizer])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_signal_stops_a_build_and_keeps_what_finished(tmp_path, monkeypatch, stop):
    def run_battery(profile, so_far, progress, keep, user_data):
        keep(dataclasses.replace(so_far, data_scale=factories.data_scale()))
        stop(progress)
        raise AssertionError("the build ran on")

    def unhandled(signum, frame):
        raise AssertionError("the signal reached the test, not the build")

    monkeypatch.setattr(build_module, "run_battery", run_battery)
    before = {s: signal.signal(s, unhandled) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(TINY), "--threads", "1",
                                           "--out", str(tmp_path)])
        assert signal.getsignal(signal.SIGINT) is signal.getsignal(signal.SIGTERM) is unhandled  # put back
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
    assert result.exit_code == (143 if stop is sigterm else 130), result.output  # 128 + the signal, as elsewhere
    (folder,) = tmp_path.iterdir()
    assert result.stderr.splitlines()[-1] == (
        f"Error: interrupted; finished experiments (data_scale) are kept in {folder / 'checkpoint.json'}; "
        f"finish it with: reportgen build --resume {folder}")
    assert R.load(folder / "checkpoint.json").data_scale == factories.data_scale()


def test_an_atomic_write_that_fails_on_a_full_disk_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    from reportgen.files import write_atomically

    real = tempfile.NamedTemporaryFile

    class FullDisk:
        """A temporary file on a full disk: writes are buffered, every flush (close's too) fails."""

        def __init__(self, *args, **kwargs):
            self.file = real(*args, **kwargs)
            self.name = self.file.name

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            return None

        def flush(self):
            raise OSError(28, "No space left on device")

        def close(self):
            self.file.close()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", FullDisk)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(tmp_path / "results.json", "x" * 10)
    assert list(tmp_path.iterdir()) == []
