"""The computation experiment: agreement with torch.utils.benchmark, precision modes, failures kept as data."""

from dataclasses import replace

import factories
import pytest
import torch
from test_timing import FakeClock

from reportgen.context import build_report
from reportgen.devices import failure_reason
from reportgen.experiments import compute
from reportgen.findings import Verdict, findings
from reportgen.profile import ComputeSettings
from reportgen.timing import BLOCK_SECONDS, Sampler


def test_rounds_as_a_build_takes_them_find_the_per_call_time_on_a_fake_clock():
    """The sampler's logic, as compute.Workload.visit drives it, on a clock that only the work advances: whatever
    the machine's speed or load, the median is the per-call time, every round takes its minimum blocks, and a
    round stops at its share of the time cap. Agreement with torch's own timer on real steps is measured by
    benchmarks/timing_agreement.py."""
    clock = FakeClock([0.0008, 0.0007, 0.0009, 0.0008])  # per call: a median of 0.8 ms, 25% spread
    sampler = Sampler(clock.work, clock=clock)
    settings = ComputeSettings(["mlp_small"], [100], [], max_seconds=0.3, loop_steps=1, min_seconds=0.1)
    for _ in range(compute.ROUNDS):
        begin = clock.now
        sampler.visit(settings.min_seconds / compute.ROUNDS, settings.max_seconds / compute.ROUNDS,
                      min_blocks=compute.ROUND_BLOCKS)
        assert clock.now - begin < settings.max_seconds / compute.ROUNDS + 3 * BLOCK_SECONDS  # a block past the cap
    t = sampler.timing()
    assert t.median_s == pytest.approx(0.0008, rel=0.02)  # calls per block average the per-call jitter out
    assert len(t.round_medians_s) == compute.ROUNDS and t.blocks >= compute.ROUNDS * compute.ROUND_BLOCKS
    assert t.calls_per_block * 0.0008 >= BLOCK_SECONDS * 0.9  # each block long enough for the clock's resolution


@pytest.fixture
def ampere(monkeypatch):
    """A fake CUDA device of compute capability 8.0, as torch.cuda describes it."""
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: (8, 0))


def test_cpu_runs_on_one_and_all_threads_and_cuda_on_each_precision(ampere):
    assert compute.configurations("cpu", 4) == [("cpu", "fp32", 1), ("cpu", "fp32", 4)]
    assert compute.configurations("cpu", 1) == [("cpu", "fp32", 1)]
    assert compute.configurations("cuda:0", 2)[2:] == [("cuda:0", "fp32", None), ("cuda:0", "tf32", None),
                                                       ("cuda:0", "bf16", None)]
    assert compute.configurations("mps:0", 1)[1:] == [("mps:0", "fp32", None)]


def test_a_gpu_without_tf32_gets_no_tf32_row(monkeypatch):
    seen = []
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: seen.append(device) or (7, 5))
    assert [c[1] for c in compute.configurations("cuda:1", 1)] == ["fp32", "fp32", "bf16"]
    assert seen == ["cuda:1"]  # the GPU the run uses, not device 0


def test_fp32_on_cuda_turns_tf32_off_and_restores_the_setting():
    before = torch.backends.cuda.matmul.allow_tf32
    with compute.tf32_mode("cuda:0", "fp32"):
        assert torch.backends.cuda.matmul.allow_tf32 is False
    with compute.tf32_mode("cuda:0", "tf32"):
        assert torch.backends.cuda.matmul.allow_tf32 is True
    with compute.tf32_mode("cuda:0", "bf16"):  # bf16 is autocast inside the step, never around a whole visit
        assert torch.backends.cuda.matmul.allow_tf32 is False and not torch.is_autocast_enabled("cuda")
    assert torch.backends.cuda.matmul.allow_tf32 == before


def test_each_workload_is_visited_beside_its_other_configurations(ampere):
    settings = ComputeSettings(["mlp_small", "mlp_large"], [10], [16], max_seconds=0.03, loop_steps=1)
    order = [w.label for w in compute.visit_order(compute.workloads(settings, "cuda:0", 2))]
    configs = ["cpu fp32, 1 thread(s)", "cpu fp32, 2 thread(s)", "cuda:0 fp32", "cuda:0 tf32", "cuda:0 bf16"]
    assert order[:5] == [f"mlp_small step, batch 10, {c}" for c in configs]
    assert len(order) == 15 and order[-1] == "matmul 16, cuda:0 bf16"


def test_a_failed_workload_is_recorded_and_the_sweep_goes_on():
    def oom():
        raise RuntimeError("CUDA out of memory. Tried to allocate 80 GiB")

    settings = ComputeSettings(["mlp_small"], [10], [16], max_seconds=0.3, loop_steps=1)
    sweep = compute.workloads(settings, "cpu", 1)
    sweep[0].make = oom
    for _ in range(compute.ROUNDS):
        for workload in sweep:
            workload.visit(settings)
    first, second = sweep[0].result(), sweep[1].result()
    assert (first.timing, first.skipped) == (None, "out of memory")
    assert second.timing and second.timing.blocks >= 5 and second.skipped is None
    assert failure_reason(RuntimeError("cuBLAS failure\nwith details")) == "failed: RuntimeError: cuBLAS failure"


def test_the_loop_in_words():
    f = {x.key: x for x in findings(factories.results())}["iteration_loop"]
    assert "2,000 training steps of the Large MLP (512x3), batch 100) takes 5.2 s on CPU, 2 threads; no GPU or bf16 " \
        "unit was timed" in f.evidence
    gpu = factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 0.4})
    fast = {x.key: x for x in findings(factories.results(comp=gpu))}["iteration_loop"]
    assert fast.headline == ("In the loop's units: one experiment (2,000 steps of the Large MLP (512x3)) takes 5.2 s "
                             "on CPU, 2 threads and 800 ms on cuda:0 fp32.")
    flat = factories.compute(step_ms={("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2,
                                      ("mlp_large", 2): 4.0}, gpu_ms={"mlp_small": 0.2, "mlp_large": 4.0})
    slow = {x.key: x for x in findings(factories.results(comp=flat))}["iteration_loop"]
    for f in (fast, slow):  # a measurement in the loop's units, never a verdict of its own
        assert f.verdict is Verdict.NOT_TESTED and f.role == "mechanism" and not f.because


def test_the_loop_states_its_pairs_range():
    """GPU against 2 CPU threads for the large MLP: pairs 1.6x, 1.6x and, in a round the GPU ran 40% slow, 1.14x."""
    gpu = factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 2.6 / 1.6},
                            rounds={("mlp_large", 2): (1.0,) * 3, ("mlp_large", None): (1.0, 1.0, 1.4)})
    f = {x.key: x for x in findings(factories.results(comp=gpu))}["iteration_loop"]
    assert "a ratio of 1.60× (same-round pairs 1.14× to 1.60×)." in f.evidence
    assert "more ideas" not in f.evidence  # no claim under a verdict that is not one


def test_a_baseline_machine_is_set_beside_this_one():
    from reportgen.results import Baseline

    same = factories.results()
    r = factories.results()
    other = Baseline(machine="Other CPU", created_utc="2026-01-02T00:00:00Z", compute=same.compute)
    r = type(r)(**{**r.__dict__, "baseline": other})
    (table,) = [t for s in build_report(r).sections for t in s.tables if "baseline machine" in t.caption]
    assert "Other CPU" in table.caption
    assert all(row[-1] == "1.0× faster" for row in table.rows)


def test_a_machine_that_changed_speed_between_rounds_is_said_so():
    r = factories.results()
    steady = build_report(r).sections
    step = r.compute.steps[0]
    moved = replace(step, timing=replace(step.timing, round_medians_s=[step.timing.median_s,
                                                                       1.3 * step.timing.median_s]))
    r = replace(r, compute=replace(r.compute, steps=[moved, *r.compute.steps[1:]]))
    (section,) = [s for s in build_report(r).sections if s.key == "computation"]
    (note,) = [n for n in section.notes if "between rounds" in n]
    assert note.startswith("1 timing(s) moved by more than 10% between rounds (at most 30%)")
    assert note.endswith(f": Small MLP (32), batch {step.batch_size} on CPU, 1 thread.")
    assert not any("between rounds" in n for s in steady for n in s.notes)


def test_timings_of_a_machine_others_kept_busy_decide_nothing():
    """Another job on both cores once made 2 threads 75x slower than 1 here: that must not read as a verdict."""
    from reportgen.findings.compute import BUSY_SHARE

    quiet = {x.key: x for x in findings(factories.results(comp=replace(
        factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 0.4}), others_busy=0.02)))}
    assert quiet["threads_speedup"].verdict is Verdict.SUPPORTED and quiet["gpu_speedup"].verdict is Verdict.SUPPORTED
    busy = {x.key: x for x in findings(factories.results(comp=replace(
        factories.compute(gpu_ms={"mlp_small": 0.1, "mlp_large": 0.4}), others_busy=BUSY_SHARE + 0.4)))}
    assert busy["iteration_loop"].verdict is Verdict.NOT_TESTED  # a measurement: it had no verdict to withhold
    for key in ("threads_speedup", "gpu_speedup"):
        assert busy[key].verdict is Verdict.INCONCLUSIVE, key
        assert "other processes used 55% of this run's CPUs" in busy[key].why
        assert busy[key].because == "", key  # no reason deep learning took off from a verdict withheld
    assert busy["threads_speedup"].evidence == quiet["threads_speedup"].evidence  # the numbers are still shown


def test_the_share_of_the_machine_others_use_is_the_busy_time_less_our_own(monkeypatch):
    from reportgen import others

    readings = iter([(100.0, 50.0, 1000.0), (112.0, 58.0, 1010.0)])  # busy, our CPU, wall: 10 s on 2 CPUs
    now = {}

    def step(cpus):
        now["busy"], now["own"], now["wall"] = next(readings)
        return now["busy"], 2
    monkeypatch.setattr(others, "_busy_seconds", step)
    monkeypatch.setattr(others.time, "process_time", lambda: now["own"])
    monkeypatch.setattr(others.time, "perf_counter", lambda: now["wall"])
    assert others.OthersMeter().share() == pytest.approx((12 - 8) / (10 * 2))


def test_only_the_cpus_this_process_may_use_are_read(monkeypatch, tmp_path):
    """On a large server, jobs on other cores do not disturb our timings: their busy time is not counted."""
    from reportgen import others

    stat = tmp_path / "stat"
    stat.write_text("cpu  9 9 9 9 9 0 0 0 0 0\ncpu0 100 0 0 50 0 0 0 0 0 0\ncpu1 7 0 0 900 0 0 0 0 0 0\n"
                    "cpu2 5000 0 0 0 0 0 0 0 0 0\nintr 1 2 3\n")
    monkeypatch.setattr(others, "Path", lambda _: stat)
    ticks = others.os.sysconf("SC_CLK_TCK")
    assert others._busy_seconds({0, 1}) == (107 / ticks, 2)
    assert others._busy_seconds(None) == (5107 / ticks, 3)
    assert others._busy_seconds({7}) is None
