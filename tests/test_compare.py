"""Runs side by side: differences between machines, speed-ups over a baseline, agreement of the findings."""

from __future__ import annotations

import factories
import pytest
from click.testing import CliRunner

from reportgen import results as R
from reportgen.cli import main
from reportgen.compare import CompareError, compare, pick_baseline


def test_a_run_compared_with_itself_has_speedups_of_one_and_no_differences():
    run = factories.results()
    c = compare([run, run])
    assert c.steps and c.matmuls
    assert all(w.speedups == [1.0, 1.0] for w in c.steps + c.matmuls)
    assert c.differences == [] and c.disagreements == []


def test_speedups_are_the_baseline_time_over_each_run_time():
    slow = factories.results()
    fast = factories.results(comp=factories.compute(
        step_ms={("mlp_small", 1): 0.1, ("mlp_large", 1): 1.0, ("mlp_small", 2): 0.1, ("mlp_large", 2): 1.3}),
        hostname="fast", cpu_model="Faster CPU")
    c = compare([slow, fast])
    large_all = next(w for w in c.steps if w.label == "Large MLP (512x3), batch 100, CPU, all threads")
    assert large_all.seconds == pytest.approx([2.6e-3, 1.3e-3])
    assert large_all.speedups == pytest.approx([1.0, 2.0])
    assert large_all.cell(1, 0) == "1.3 ms (2.0×)" and large_all.cell(0, 0) == "2.6 ms"
    against_fast = compare([slow, fast], baseline=1)
    assert next(w for w in against_fast.steps if w.label == large_all.label).speedups == pytest.approx([0.5, 1.0])
    assert {r.label for r in c.differences} == {"Host", "CPU", "Training throughput, Large MLP (512x3)"}


def test_workloads_match_across_machines_with_other_core_counts():
    """'All threads' is 2 on one machine and 8 on the other: the rows still pair up."""
    two = factories.results()
    eight = factories.compute(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 8): 0.1,
                                       ("mlp_large", 8): 0.5})
    eight = R.loads(R.dumps(factories.results(comp=eight)).replace('"threads": 2', '"threads": 8'))
    c = compare([two, eight])
    assert len(c.steps) == 4 and all(None not in w.seconds for w in c.steps)
    large_all = next(w for w in c.steps if w.label == "Large MLP (512x3), batch 100, CPU, all threads")
    assert large_all.speedups == pytest.approx([1.0, 2.6 / 0.5])


def test_a_workload_one_run_lacks_is_shown_as_not_timed():
    cpu = factories.results()
    gpu = factories.results(comp=factories.compute(gpu_ms={"mlp_large": 0.2}), gpus=[factories.gpu()])
    c = compare([cpu, gpu])
    only_gpu = next(w for w in c.steps if w.label.endswith("GPU, fp32"))
    assert only_gpu.seconds[0] is None and only_gpu.speedups == [None, None]
    assert only_gpu.cell(0, 0) == "not timed"
    differing = {r.label for r in c.differences}
    assert {"Accelerator", "GPU 0"} <= differing  # the hardware box's rows first, then the system's
    assert next(r for r in c.differences if r.label == "Accelerator").cells == ["none", "Test GPU"]


def test_findings_that_disagree_are_flagged():
    story = factories.results()
    flat = factories.results(data=factories.data_scale({**factories.STORY, "mlp_large": [0.24, 0.3, 0.32, 0.33,
                                                                                          0.33]}))
    c = compare([story, flat])
    disagreeing = {a.key: a.verdicts for a in c.disagreements}
    assert disagreeing["large_net_rising"] == ["supported", "contradicted"]
    assert all(a.agrees for a in c.findings if a.key not in disagreeing)


def test_the_baseline_is_a_position_or_a_path(tmp_path):
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    assert pick_baseline("2", paths) == 1
    assert pick_baseline(str(tmp_path / "." / "a.json"), paths) == 0
    with pytest.raises(CompareError, match=r"baseline 3 is not one of the runs compared \(1 to 2\)"):
        pick_baseline("3", paths)
    with pytest.raises(CompareError, match="is not one of the results files compared"):
        pick_baseline("c.json", paths)


@pytest.mark.parametrize("args, message", [
    (["one.json"], "Error: compare needs two or more results files"),
    (["one.json", "one.json", "--baseline", "0"], "Error: baseline 0 is not one of the runs compared"),
    (["one.json", "missing.json"], "Error: cannot read missing.json"),
])
def test_bad_compare_input_stops_with_one_line(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    R.save(factories.results(), tmp_path / "one.json")
    result = CliRunner().invoke(main, ["compare", *args, "--out", "out"])
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_the_compare_command_writes_one_self_contained_page(tmp_path):
    R.save(factories.results(), tmp_path / "a.json")
    R.save(factories.results(hostname="other"), tmp_path / "b.json")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
                                       "--baseline", str(tmp_path / "b.json"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    (page,) = (tmp_path / "out").glob("*-compare/compare.html")
    html = page.read_text(encoding="utf-8")
    assert html.count("window.vegaEmbed=") == 1
    assert "2. testhost, cpu" not in html and "2. other, cpu</a>" not in html
    assert "<strong>2. other, cpu</strong>; speed-ups" in html  # the baseline named in the header
    assert "1 difference(s)" in html


def test_compare_on_a_full_disk_is_one_line_and_leaves_no_empty_folder(tmp_path, monkeypatch):
    from reportgen import compare as compare_module

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(compare_module, "write_atomically", full)
    R.save(factories.results(), tmp_path / "a.json")
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "a.json"), str(tmp_path / "a.json"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "No space left on device" in result.output
    assert not (tmp_path / "out").exists()  # made for the comparison, removed with it
