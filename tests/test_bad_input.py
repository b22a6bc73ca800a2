"""Every bad input stops at once: exit code 2, one line on stderr naming the problem, nothing written anywhere."""

import dataclasses
import json
import os
import re
from pathlib import Path

import factories
import numpy as np
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.profile import load_profile
from reportgen.records.data import DataInfo
from reportgen.results import SCHEMA_VERSION
from reportgen.system import describe_system

TINY = Path(__file__).parent / "tiny.toml"
PROFILE = 'name = "x"\ndescription = "x"\n[data]\ntest_size = 1000\n'
SCALE = ('[data_scale]\nm = [100]\nseeds = 1\nlearners = ["logistic"]\nsteps = 1\nbatch_size = 1\n'
         'learning_rates = {}\nsvm_max_m = 0\n')


def new(*args):
    """A new build with `args`; --device and --out unless given."""
    def setup(tmp):
        return ["--device", "cpu", "--out", str(tmp / "out"), *args]
    return setup


def profile(text):
    def setup(tmp):
        (tmp / "p.toml").write_text(text)
        return new("--profile", str(tmp / "p.toml"))(tmp)
    return setup


def file_in_the_way(tmp):
    (tmp / "file").write_text("x")
    return ["--device", "cpu", "--profile", str(TINY), "--out", str(tmp / "file" / "sub")]


def unwritable(tmp):
    if os.geteuid() == 0:  # root writes whatever a folder's mode says; the kernel's /sys refuses even root
        return ["--device", "cpu", "--profile", str(TINY), "--out", "/sys/reportgen-test/out"]
    (tmp / "ro").mkdir(mode=0o500)
    return ["--device", "cpu", "--profile", str(TINY), "--out", str(tmp / "ro" / "out")]


def dataset(name, write):
    def setup(tmp):
        write(tmp / name)
        return new("--profile", str(TINY), "--dataset", str(tmp / name))(tmp)
    return setup


def run_folder(name="checkpoint.json", text=None, here=True, then=(), lacking=(), **settings):
    """Resume a run folder holding `name`: a checkpoint made here (or elsewhere) with `settings` changed and the
    experiments in `lacking` still to run."""
    def setup(tmp):
        folder = tmp / "run"
        folder.mkdir()
        results = factories.results()  # made on "Test CPU"
        recorded = {"profile": "tiny", "profile_table": load_profile(str(TINY))[1], **settings}
        results = dataclasses.replace(results, system=describe_system() if here else results.system,
                                      settings=dataclasses.replace(results.settings, **recorded),
                                      **dict.fromkeys(lacking))
        (folder / name).write_text(R.dumps(results) if text is None else text(R.dumps(results)))
        return ["--resume", str(folder), *then]
    return setup


def huge_npz(path):
    """An NPZ whose X header claims 240 GB: numpy would try to allocate it all before reading a byte."""
    import io
    import zipfile

    def npy(header, payload):
        buffer = io.BytesIO()
        np.lib.format.write_array_header_1_0(buffer, header)
        return buffer.getvalue() + payload

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("X.npy", npy({"descr": "<f8", "fortran_order": False, "shape": (10**10, 3)}, bytes(4800)))
        archive.writestr("y.npy", npy({"descr": "<i8", "fortran_order": False, "shape": (200,)},
                                      (np.arange(200) % 2).astype("<i8").tobytes()))


FILE = DataInfo(name="mine.csv", generator="file",
                generator_args={"label": "label", "sha256": "0" * 16, "class_names": ["a", "b"]}, pool_size=150,
                test_size=50, from_cache=False, features=2, classes=2, sequence=False)


def _results_file(tmp, change):
    (tmp / "b.json").write_text(change(R.dumps(factories.results())))
    return tmp / "b.json"


def wrong_type(text):
    raw = json.loads(text)
    raw["data_scale"]["fits"][0]["test_accuracy"] = "high"
    return json.dumps(raw)


BAD_INPUT = {
    "unknown device": (new("--device", "tpu"), "unknown device 'tpu'"),
    "unavailable device": (new("--device", "cuda:99"), "device 'cuda:99' is not available here"),
    "missing profile": (new("--profile", "nope"), "profile 'nope' not found"),
    "profile not TOML": (profile("name = ["), "is not valid TOML"),
    "profile names an unknown experiment": (profile(PROFILE + "[bogus]\nx = 1\n"), "unknown experiment 'bogus'"),
    "profile with a negative m": (profile(PROFILE + SCALE.replace("[100]", "[-5, 100]")),
                                  "data_scale.m must list sizes of at least 20"),
    "profile with zero seeds": (profile(PROFILE + SCALE.replace("seeds = 1", "seeds = 0")),
                                "data_scale.seeds must be at least 1"),
    "profile value of the wrong type": (profile(PROFILE.replace("1000", '"many"')), "expected int"),
    "dataset malformed (CSV)": (dataset("d.csv", lambda path: path.write_text("a,b\n1,2\n")),
                                "dataset d.csv: no label column 'label'"),
    "dataset with pickled objects (NPZ)": (
        dataset("d.npz", lambda path: np.savez(path, X=np.zeros((200, 2)), y=np.array([{}] * 200, dtype=object))),
        "dataset d.npz is not a readable NPZ file without pickled objects"),
    "dataset NPZ whose header claims a huge shape": (dataset("d.npz", huge_npz), r"array X claims shape \(10000000000"),
    "checkpoint with 0 threads": (run_folder(threads=0), "records 0 CPU threads; a run needs at least 1"),
    "baseline results.json truncated": (
        lambda tmp: new("--profile", str(TINY), "--baseline", str(_results_file(tmp, lambda t: t[:100])))(tmp),
        "b.json is not valid JSON"),
    "output path is a file": (file_in_the_way, r"is not a folder \(a file is in the way"),
    "output path not writable": (unwritable, "not writable|cannot create a run folder"),
    "resume a folder that is not there": (lambda tmp: ["--resume", str(tmp / "nope")], "no such run folder"),
    "resume a folder with nothing to resume": (run_folder("notes.txt"), "has no checkpoint.json or results.json"),
    "checkpoint truncated": (run_folder(text=lambda t: t[: len(t) // 2]), "checkpoint.json is not valid JSON"),
    "checkpoint not JSON": (run_folder(text=lambda t: "\x00\x01 binary"), "checkpoint.json is not valid JSON"),
    "checkpoint of an unknown schema version": (
        run_folder(text=lambda t: t.replace(f'"schema_version": {SCHEMA_VERSION}', '"schema_version": 99')),
        rf"schema version 99, newer than this reportgen reads \({SCHEMA_VERSION}\)"),
    "checkpoint with a value of the wrong type": (run_folder(text=wrong_type),
                                                  r"fits\[0\]\.test_accuracy: expected a number"),
    "results.json truncated": (run_folder("results.json", text=lambda t: t[:100]), "results.json is not valid JSON"),
    "resume with another seed": (run_folder(then=["--seed", "3"]), "with another seed: it was started with seed 0"),
    "resume with another profile": (run_folder(then=["--profile", "quick"]),
                                    "with another profile: it was started with profile 'tiny' as recorded"),
    "resume on a device not here": (run_folder(device="cuda:99"), "device 'cuda:99' is not available here"),
    "resume on another machine": (run_folder(here=False), "started on another machine"),
    "resume without its dataset": (run_folder(lacking=["data_scale"], dataset=FILE), "give --dataset mine.csv again"),
    "resume an MNIST-1D run with a dataset": (run_folder(then=["--dataset", "d.csv"]), "it was started on MNIST-1D"),
    "resume with a baseline": (run_folder(then=["--baseline", "b.json"]), "--baseline does not go with --resume"),
    "resume into another folder": (run_folder(then=["--out", "elsewhere"]), "--out does not go with --resume"),
    # odd inputs (tests/test_odd_inputs.py has the other commands'): each once failed part-way or in a traceback
    "threads beyond any machine": (new("--profile", str(TINY), "--threads", "100000"),
                                   r"'--threads': 100000 is not in the range"),
    "threads not a number (no usage block)": (new("--threads", "abc"), "'--threads': 'abc' is not a valid integer"),
    "seed beyond numpy's": (new("--profile", str(TINY), "--seed", str(2**70)), r"'--seed': \d+ is not in the range"),
    "target accuracy NaN": (new("--profile", str(TINY), "--target-accuracy", "nan"), "nan is not a number"),
    "profile with an infinite budget": (profile(TINY.read_text().replace("max_seconds = 0.05", "max_seconds = inf")),
                                        "compute.max_seconds is not a finite number"),
    "checkpoint with 100000 threads": (run_folder(threads=100000), "records 100000 CPU threads, more than 1024"),
    "checkpoint with a seed beyond numpy's": (run_folder(seed=2**40), r"records seed \d+, more than 4294967295"),
    "dataset with a header only": (dataset("d.csv", lambda path: path.write_text("a,label\n")),
                                   "0 rows; at least 100 are needed"),
    "dataset that is a folder": (dataset("d.csv", lambda path: path.mkdir()), r"dataset \S*d\.csv is not a file"),
}


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in root.rglob("*")}


@pytest.mark.parametrize("setup, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, monkeypatch, setup, message):
    monkeypatch.chdir(tmp_path)
    args = setup(tmp_path)
    before = _tree(tmp_path)
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()  # one line: no traceback, no usage block
    assert line.startswith("Error: ") and re.search(message, line), line
    assert _tree(tmp_path) == before
    if "--out" in args:
        assert not Path(args[args.index("--out") + 1]).exists()


def test_the_destination_is_checked_before_a_dataset_is_read(tmp_path, monkeypatch):
    from reportgen import user_data

    def too_late(*args, **kwargs):
        raise AssertionError("the dataset was read before --out was checked")

    monkeypatch.setattr(user_data, "load_user_dataset", too_late)
    (tmp_path / "file").write_text("x")
    (tmp_path / "d.csv").write_text("a,label\n1,0\n")
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(TINY), "--dataset",
                                       str(tmp_path / "d.csv"), "--out", str(tmp_path / "file" / "sub")])
    assert result.exit_code == 2 and "is not a folder" in result.output
