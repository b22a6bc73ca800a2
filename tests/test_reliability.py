"""Issue 24: a run's measurements are never lost to a file name, a closed stream or a stray character.

Each test here failed before its fix. The red team's wider sweep is benchmarks/red_team.py.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import factories
import numpy as np
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.files import write_atomically
from reportgen.render import write_report

NOT_UTF8 = os.fsdecode(b"caf\xe9")  # how Python holds a Linux file name that is not UTF-8: 'caf\udce9'
MICRO = Path(__file__).parent / "micro.toml"


def _saved(tmp_path: Path, r) -> Path:
    path = tmp_path / "results.json"
    path.write_text(R.dumps(r), encoding="utf-8")
    return path


# 1. Non-UTF-8 names and lone surrogates

def test_text_with_a_surrogate_escape_is_written_readably(tmp_path):
    write_atomically(tmp_path / "x.html", f"<p>{NOT_UTF8}</p>")
    assert (tmp_path / "x.html").read_text(encoding="utf-8") == "<p>caf\\xe9</p>"


@pytest.mark.parametrize("odd", [NOT_UTF8, "\ud800", "a\udfffb"])
def test_a_results_file_with_a_lone_surrogate_loads_and_renders(tmp_path, odd):
    path = _saved(tmp_path, factories.results(hostname=f"host-{odd}"))
    loaded = R.load(path)
    assert loaded.system.hostname.encode("utf-8")  # encodes: shown as an escape
    write_report(loaded, tmp_path, ["html"])
    assert "host-" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_profile_named_in_bytes_that_are_not_utf8_builds_and_renders(tmp_path):
    profile = tmp_path / f"{NOT_UTF8}.toml"
    profile.write_bytes(MICRO.read_bytes())
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(profile), "--threads", "1",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    assert {"results.json", "report.html", "report.pdf"} <= {p.name for p in folder.iterdir()}
    recorded = json.loads((folder / "results.json").read_text(encoding="utf-8"))["settings"]["command"]
    assert "caf\\xe9.toml" in recorded  # readable, and it encodes
    again = CliRunner().invoke(main, ["render", str(folder / "results.json"), "--format", "html"])
    assert again.exit_code == 0, again.output


# 2. More classes than the test split can hold

@pytest.mark.parametrize("rows, classes", [(100, 50), (400, 400), (2000, 1000)])
def test_a_dataset_with_more_classes_than_its_test_split_holds_is_refused_in_one_line(tmp_path, rows, classes):
    from reportgen.user_data import DatasetError, load_user_dataset

    path = tmp_path / "many.npz"
    rng = np.random.default_rng(0)
    np.savez(path, X=rng.normal(size=(rows, 3)), y=np.arange(rows) % classes)
    with pytest.raises(DatasetError, match=f"{classes:,} classes"):
        load_user_dataset(path)


def test_the_many_classes_refusal_comes_before_any_work(tmp_path):
    path = tmp_path / "many.npz"
    np.savez(path, X=np.zeros((100, 3)), y=np.arange(100) % 50)
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(MICRO), "--dataset", str(path),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "50 classes" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_whole_number_labels_spelled_differently_are_one_class(tmp_path):
    from reportgen.user_data import load_user_dataset

    path = tmp_path / "spelled.csv"
    rows = [f"{i % 7},{['1', '1.0', '1.00', '2', '2.0'][i % 5]}" for i in range(200)]
    path.write_text("x,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert load_user_dataset(path).info.generator_args["class_names"] == ["1", "2"]


# 3 and 6. Closed standard streams (cron, CI, a service manager)

WORKERS = """name = "workers"
description = "Two fits side by side, for the closed-stream test."
[data]
test_size = 100
[data_scale]
m = [40, 80]
seeds = 1
learners = ["logistic", "mlp_small"]
steps = 5
batch_size = 20
svm_max_m = 0
learning_rates = { mlp_small = 0.01 }
"""


def _closed(fd: int):
    return lambda: os.close(fd)


def test_a_build_with_stdout_closed_records_no_failure(tmp_path):
    profile = tmp_path / "workers.toml"
    profile.write_text(WORKERS, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "--device", "cpu", "--profile", str(profile),
                           "--threads", "2", "--out", str(tmp_path / "out")], check=False, preexec_fn=_closed(1),
                          stderr=subprocess.PIPE, text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    (folder,) = (tmp_path / "out").iterdir()
    recorded = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert recorded["failures"] == {} and recorded["data_scale"]["workers"] == 2, recorded["failures"]
    assert "Warning" not in done.stderr


def test_render_with_stdin_closed_writes_the_pdf(tmp_path):
    path = _saved(tmp_path, factories.results())
    done = subprocess.run([sys.executable, "-m", "reportgen", "render", str(path)], check=False,
                          preexec_fn=_closed(0),
                          capture_output=True, text=True, timeout=300, env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report.pdf").stat().st_size > 0


def _env(tmp_path: Path) -> dict:
    return {**os.environ, "REPORTGEN_CACHE": os.environ.get("REPORTGEN_CACHE", str(tmp_path / "cache"))}


# 4. A resume of a finished build retries its failed experiments, as the README promises

def _micro_build(tmp_path: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--device", "cpu", "--profile", str(MICRO), "--threads", "1",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "out").iterdir()
    return folder


def test_a_resume_of_a_finished_build_retries_its_failed_experiment(tmp_path):
    folder = _micro_build(tmp_path)
    raw = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    raw["compute"], raw["failures"] = None, {"compute": "failed: RuntimeError: out of memory"}
    (folder / "results.json").write_text(json.dumps(raw), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--resume", str(folder)])
    assert result.exit_code == 0, result.output
    again = R.load(folder / "results.json")
    assert again.failures == {} and again.compute is not None
    assert not (folder / "checkpoint.json").exists()


def test_a_resume_of_a_finished_build_left_with_its_checkpoint_removes_the_stale_checkpoint(tmp_path):
    folder = _micro_build(tmp_path)
    (folder / "checkpoint.json").write_bytes((folder / "results.json").read_bytes())  # a crash before the unlink
    result = CliRunner().invoke(main, ["build", "--resume", str(folder)])
    assert result.exit_code == 0, result.output
    assert not (folder / "checkpoint.json").exists()


def test_an_upper_case_device_in_a_checkpoint_is_refused_in_one_line(tmp_path):
    folder = _micro_build(tmp_path)
    raw = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    raw["settings"]["device"], raw["compute"] = "CPU", None
    (folder / "checkpoint.json").write_text(json.dumps(raw), encoding="utf-8")
    (folder / "results.json").unlink()
    result = CliRunner().invoke(main, ["build", "--resume", str(folder)])
    assert result.exit_code == 2 and "CPU" in result.output, result.output


# 7. SIGKILL of a build leaves no worker behind

LONG = WORKERS.replace("steps = 5", "steps = 1000000").replace("m = [40, 80]", "m = [40, 80, 120, 160]")


def _descendants(pid: int) -> set[int]:
    """The processes below `pid`, from /proc (a dead parent's orphans are found by the marker in their environ)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _marked(marker: str) -> set[int]:
    alive = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes():
                alive.add(int(entry.name))
        except OSError:
            continue
    return alive


@pytest.mark.parametrize("settle", [0, 1], ids=["as its workers start", "while they fit"])
def test_sigkill_of_a_build_leaves_no_process_of_it_alive(tmp_path, settle):
    import signal
    import time

    profile = tmp_path / "long.toml"
    profile.write_text(LONG, encoding="utf-8")
    marker = f"REPORTGEN_TEST_RUN={tmp_path.name}"
    build = subprocess.Popen([sys.executable, "-m", "reportgen", "build", "--device", "cpu", "--profile",
                              str(profile), "--threads", "2", "--out", str(tmp_path / "out")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**_env(tmp_path), "REPORTGEN_TEST_RUN": tmp_path.name})
    try:
        deadline = time.monotonic() + 120
        while len(_descendants(build.pid)) < 2 and time.monotonic() < deadline:  # the workers have started
            time.sleep(0.2)
        assert len(_descendants(build.pid)) >= 2, "the build never started its workers"
        time.sleep(settle)
        build.kill()
        build.wait()
        deadline = time.monotonic() + 10
        while _marked(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _marked(marker), "processes of the killed build are still running 10 s later"
    finally:
        for pid in _marked(marker):
            os.kill(pid, signal.SIGKILL)


# 5. A control character in chart text

CONTROLS = ["\x00", "\x01", "\x03", "\x04", "\x0b", "\x1b", "\ufffe", "\uffff"]


def _labelled(label: str):
    r = factories.results()
    learners = [replace(x, label=f"{x.label}{label}") for x in r.data_scale.learners]
    return replace(r, data_scale=replace(r.data_scale, learners=learners))


def test_chart_specs_carry_control_characters_escaped():
    from reportgen import charts

    spec = json.dumps(charts.accuracy_vs_m(_labelled("".join(CONTROLS)).data_scale), ensure_ascii=False)
    assert not any(c in spec for c in CONTROLS)
    assert "\\\\x1b" in spec  # shown escaped: the JSON of the text \x1b


def test_a_results_file_with_control_characters_in_its_labels_renders_a_pdf(tmp_path):
    path = _saved(tmp_path, _labelled("".join(CONTROLS)))
    write_report(R.load(path), tmp_path, ["pdf"])
    assert (tmp_path / "report.pdf").stat().st_size > 0


# 8. A file that loads always renders: its contents bounded at load, each computation total

def test_a_shallow_power_law_projects_no_overflow():
    from reportgen.stats import PowerLaw

    assert PowerLaw(a=1.0, b=-0.001, c=0.0, r2=1.0).m_for_error(1e-5) == math.inf  # more than a float counts
    assert PowerLaw(a=0.0, b=-0.5, c=0.1, r2=1.0).m_for_error(0.2) is None  # a flat curve never gets lower


def _deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"a": value}
    return value


def _mutated(change) -> str:
    raw = json.loads(R.dumps(factories.results()))
    change(raw)
    return json.dumps(raw)


@pytest.mark.parametrize("change, message", [
    (lambda raw: raw["settings"]["profile_table"].update(deep=_deep(600)), "nested"),
    (lambda raw: raw["data_scale"]["learners"].pop(0), "not among"),
    (lambda raw: raw["data_scale"].update(learners=[]), "not among"),
    (lambda raw: raw["data_scale"]["learners"].extend(
        [dict(raw["data_scale"]["learners"][0], name=f"x{i}") for i in range(3000)]), "learners"),
    (lambda raw: raw["data_scale"].update(m_values=list(range(20, 20020))), "m_values"),
    (lambda raw: raw["data_scale"]["learners"][0].update(label="x" * 100_000), "characters"),
    (lambda raw: raw["settings"]["profile_table"].update(big=list(range(200_000))), "entries"),
])
def test_results_past_the_bounds_are_refused_at_load_in_one_line(change, message):
    with pytest.raises(R.ResultsError, match=message) as refused:
        R.loads(_mutated(change))
    assert "\n" not in str(refused.value)


# 10, 11. Odd option values: one line, exit code 2

@pytest.mark.parametrize("baseline", ["²", "٣", "9" * 5000])
def test_compare_refuses_an_odd_baseline_in_one_line(tmp_path, baseline):
    paths = [_saved(tmp_path, factories.results())]
    other = tmp_path / "b.json"
    other.write_bytes(paths[0].read_bytes())
    result = CliRunner().invoke(main, ["compare", str(paths[0]), str(other), "--baseline", baseline,
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output and len(result.output.splitlines()) == 1


@pytest.mark.parametrize("args", [
    ["render", "x" * 300 + ".json"],
    ["render", "/tmp/" + "/".join(["d" * 200] * 25) + "/results.json"],
    ["build", "--resume", "r" * 300],
    ["build", "--profile", "p" * 300 + ".toml", "--device", "cpu"],
    ["build", "--dataset", "d" * 300 + ".csv", "--device", "cpu", "--profile", "quick"],
    ["build", "--out", "o" * 300, "--device", "cpu", "--profile", "quick"],
])
def test_an_over_long_path_is_refused_in_one_line_with_exit_code_2(tmp_path, args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "too long" in result.output and "Traceback" not in result.output
    if "--out" not in args:
        assert "writ" not in result.output  # an input path: nothing is being written


# 13. A compressed NPZ whose arrays unpack past the memory

def test_a_compressed_npz_that_unpacks_too_large_is_refused_before_it_is_loaded(tmp_path, monkeypatch):
    from reportgen import user_data

    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, X=np.zeros((1000, 300)), y=np.arange(1000) % 2)
    monkeypatch.setattr(user_data, "MAX_ARRAY_BYTES", 1 << 20)  # a 2.4 MB X against a 1 MB bound
    loaded = []
    monkeypatch.setattr(np.lib.npyio.NpzFile, "__getitem__", lambda self, key: loaded.append(key))
    with pytest.raises(user_data.DatasetError, match="past the limit"):
        user_data.load_user_dataset(path)
    assert not loaded


# 12. A publish lands whole or not at all

def _site_with_one_run(tmp_path: Path) -> tuple[Path, Path]:
    from reportgen.publish import publish

    first = _saved(tmp_path, factories.results())
    second = tmp_path / "second.json"
    second.write_text(R.dumps(replace(factories.results(), created_utc="2026-02-02T00:00:00Z")), encoding="utf-8")
    publish([first], tmp_path / "site")
    return tmp_path / "site", second


def _state(site: Path) -> tuple:
    return sorted(p.name for p in (site / "runs").iterdir()), (site / "index.html").read_bytes()


def test_a_disk_that_fills_while_publishing_leaves_the_site_as_it_was(tmp_path, monkeypatch):
    from reportgen import publish as P
    from reportgen.files import write_atomically as real

    site, second = _site_with_one_run(tmp_path)
    before = _state(site)

    def full(path, text):
        if path.name == "index.html":
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(P, "write_atomically", full)
    with pytest.raises(P.PublishError, match="No space"):
        P.publish([second], site)
    assert _state(site) == before and not (site / "compare.html").exists()


def test_a_site_whose_compare_page_is_a_folder_is_refused_before_anything_is_added(tmp_path):
    from reportgen import publish as P

    site, second = _site_with_one_run(tmp_path)
    (site / "compare.html").mkdir()
    before = _state(site)
    with pytest.raises(P.PublishError, match="compare.html is not a file"):
        P.publish([second], site)
    assert _state(site) == before


# Low: bidi overrides, a site's slugs and links

def test_a_bidi_override_in_a_label_is_shown_escaped(tmp_path):
    path = _saved(tmp_path, factories.results(hostname="evil\u202eexe.fdp"))
    write_report(R.load(path), tmp_path, ["html"])
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "evil\\u202eexe.fdp" in page


def test_a_slug_time_is_bounded():
    from reportgen.publish import slug

    r = replace(factories.results(), created_utc="2026" * 2000)
    assert len(slug(r, b"{}")) < 255


def test_a_site_run_whose_results_file_links_out_is_refused(tmp_path):
    from reportgen import publish as P

    site, second = _site_with_one_run(tmp_path)
    (run,) = (site / "runs").iterdir()
    (run / "results.json").unlink()
    (run / "results.json").symlink_to(second)
    with pytest.raises(P.PublishError, match="link"):
        P.publish([second], site)
