"""benchmarks/gpu_check.py on a CPU machine: its help, its refusal without CUDA, and the verdicts of its checks on
synthetic records (the GPU runs themselves need a GPU)."""

import importlib.util
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import factories
import pytest

from reportgen.records.compute import ComputeResult, MatmulTime, StepTime

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "gpu_check.py"
spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
gpu_check = importlib.util.module_from_spec(spec)
sys.modules["gpu_check"] = gpu_check  # dataclasses look their module up there
spec.loader.exec_module(gpu_check)


def test_help_explains_every_check():
    done = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    for stage in ("device", "sweep", "sync", "oom", "build", "summary.json", "quick-results.json", "Exit status"):
        assert stage in done.stdout


def test_without_cuda_it_exits_2_in_one_line(capsys, tmp_path):
    pytest.importorskip("torch")
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert gpu_check.main(["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gpu_check: no usable CUDA device: ") and err.count("\n") == 1
    assert gpu_check.main(["--device", "cpu"]) == 2
    assert not list(tmp_path.iterdir())  # nothing written


def _sweep(gpu_ms, precisions=("fp32", "tf32", "bf16"), calls=50):
    def step(model, batch, device, precision, threads, ms):
        timing = replace(factories._timing(ms / 1e3), calls_per_block=calls) if ms else None
        return StepTime(model=model, parameters=factories.PARAMETERS[model], batch_size=batch, device=device,
                        precision=precision, threads=threads, timing=timing, skipped=None if ms else "out of memory")

    steps = [step(m, b, "cpu", "fp32", 2, ms) for (m, b), ms in {
        ("mlp_small", 100): 0.2, ("mlp_large", 100): 2.0, ("mlp_small", 4096): 5.0, ("mlp_large", 4096): 80.0}.items()]
    steps += [step(m, b, "cuda:0", p, None, ms) for p in precisions for (m, b), ms in gpu_ms.items()]
    matmul = MatmulTime(n=256, device="cuda:0", precision="fp32", threads=None, timing=factories._timing(1e-5))
    return ComputeResult(devices=["cpu", "cuda:0"], threads=2, max_seconds=0.6, steps=steps, matmuls=[matmul],
                         loop_steps=100)


GOOD = {("mlp_small", 100): 0.1, ("mlp_large", 100): 0.15, ("mlp_small", 4096): 0.12, ("mlp_large", 4096): 0.5}


def test_a_good_sweep_passes_every_check():
    checks = gpu_check.check_sweep(_sweep(GOOD), "cuda:0", tf32_capable=True)
    assert all(c.ok for c in checks), checks
    assert "160.0x (mlp_large)" in checks[-1].detail


def test_a_bad_sweep_fails_where_it_is_bad():
    bad = _sweep({**GOOD, ("mlp_large", 4096): None}, calls=1)
    by_name = {c.name: c for c in gpu_check.check_sweep(bad, "cuda:0", tf32_capable=False)}
    assert not by_name["sweep: GPU workloads timed"].ok and "out of memory" in by_name["sweep: GPU workloads timed"].detail
    assert not by_name["sweep: precisions"].ok  # a TF32 row on a GPU without TF32
    assert not by_name["sweep: warm block size"].ok


def test_loop_oom_and_summary_verdicts():
    assert [c.ok for c in gpu_check.check_loop("cnn", None, 2e-4, 1e-4)] == [True, True]
    slow = gpu_check.check_loop("cnn", "called a synchronizing CUDA operation", None, 1e-4)
    assert [c.ok for c in slow] == [False] and "synchronizing" in slow[0].detail
    assert [c.ok for c in gpu_check.check_loop("cnn", None, 5e-4, 1e-4)] == [True, False]
    assert all(c.ok for c in gpu_check.check_oom("out of memory", 0, True))
    assert [c.ok for c in gpu_check.check_oom(None, 2**30, False)] == [False, False, False]
    text, status = gpu_check.summary([gpu_check.Check("a", True, "fine"), gpu_check.Check("bb", False, "broken")])
    assert status == 1 and text.splitlines() == ["ok    a   fine", "FAIL  bb  broken", "1 of 2 checks passed, 1 failed"]
    assert gpu_check.summary([gpu_check.Check("a", True, "fine")])[1] == 0


def test_the_quick_builds_results_are_checked():
    r = factories.results(comp=_sweep(GOOD), gpus=[factories.gpu()], cudnn="9.1.0")
    r = replace(r, settings=replace(r.settings, device="cuda:0", threads_reason="by default, all 2 logical cores"),
                data_scale=replace(r.data_scale, precision="fp32"), activations=replace(r.activations, precision="fp32"))
    assert [c.ok for c in gpu_check.check_build(r, "cuda:0")] == [True]
    (bad,) = gpu_check.check_build(replace(r, system=replace(r.system, cudnn="90100")), "cuda:0")
    assert not bad.ok and bad.detail == "wrong or missing: cuDNN version dotted"


def test_the_loop_check_runs_its_course_with_cuda_faked(monkeypatch):
    """run_loop on the CPU, torch.cuda's debug mode and synchronisation faked: its calls and their order hold."""
    import torch

    modes = []
    monkeypatch.setattr(torch.cuda, "set_sync_debug_mode", modes.append)
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: None)
    monkeypatch.setattr(gpu_check, "SYNC_STEPS", 5)
    (check,) = gpu_check.run_loop("cpu", "mlp_small", None)
    assert check.ok and modes == ["error", "default"]


def test_the_quick_builds_scaling_must_run_on_nccl_and_say_one_gpu_cannot_scale():
    r = factories.results(comp=_sweep(GOOD), gpus=[factories.gpu()], cudnn="9.1.0")
    one_gpu = factories.scaling({("mlp_large", 1, "single"): 2.0, ("mlp_large", 1, "weak"): 2.1}, device="cuda",
                                world_sizes=(1,))
    r = replace(r, settings=replace(r.settings, device="cuda:0", threads_reason="by default, all 2 logical cores",
                                    profile_table={"name": "quick", "scaling": {"max_world_size": 2}}),
                data_scale=replace(r.data_scale, precision="fp32"), activations=replace(r.activations, precision="fp32"))
    assert [c.ok for c in gpu_check.check_build(replace(r, scaling=one_gpu), "cuda:0")] == [True]
    (missing,) = gpu_check.check_build(r, "cuda:0")  # the profile asked for it and the build has none
    assert missing.detail == "wrong or missing: scaling on NCCL"
    gloo = replace(one_gpu, backend="gloo")
    assert not gpu_check.check_build(replace(r, scaling=gloo), "cuda:0")[0].ok
    unequal = replace(one_gpu, steps=[replace(s, parameters_equal=False) for s in one_gpu.steps])
    assert not gpu_check.check_build(replace(r, scaling=unequal), "cuda:0")[0].ok
