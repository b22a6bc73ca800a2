"""The CUDA and MPS paths, kept correct on a CPU machine through seams: fake torch.cuda functions, a fake clock,
fake cgroup files and a fake sysctl."""

import weakref
from dataclasses import replace

import factories
import pytest
import torch
from torch import nn

from reportgen import cpus, devices, system, training
from reportgen.charts import gflops_vs_size, speedups
from reportgen.context import build_report
from reportgen.devices import DeviceError, release_memory, resolve_device, synchronizer
from reportgen.experiments import compute
from reportgen.findings import Verdict, findings
from reportgen.profile import ComputeSettings
from reportgen.records.compute import ComputeResult, StepTime
from reportgen.timing import Sampler

# --- 1. minibatches: drawn on the device, all at once ------------------------------------------------------


def _fit(seed):
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    x, y = torch.randn(50, 4), torch.randint(0, 3, (50,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    training.train_steps(model, optimizer, x, y, 20, 8, training.index_generator(x.device, seed))
    return model.weight.detach().clone()


def test_a_seed_gives_the_same_minibatches_and_another_seed_others():
    assert torch.equal(_fit(3), _fit(3))
    assert not torch.equal(_fit(3), _fit(4))


def test_a_run_draws_its_indices_in_one_call_on_the_generators_device(monkeypatch):
    draws, real = [], torch.randint

    def counting(*args, **kwargs):
        if "generator" in kwargs:
            draws.append((args, kwargs["device"], kwargs["generator"].device))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "randint", counting)
    _fit(0)
    assert draws == [((50, (20, 8)), torch.device("cpu"), torch.device("cpu"))]
    index = next(training.index_blocks(5, 3, 10, training.index_generator("cpu", 0)))
    assert index.shape == (3, 5) and int(index.max()) < 5  # a batch larger than the data is the whole data's size


def test_the_loop_makes_no_copy_to_the_device_per_step(monkeypatch):
    copies, real = [], torch.Tensor.to

    def counting(self, *args, **kwargs):
        copies.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "to", counting)
    _fit(0)
    assert len(copies) <= 1  # at most the one of all indices at once (a no-op where they are drawn on the device)


# --- 2. MPS synchronises whatever the device string's index --------------------------------------------------

def test_mps_timings_synchronise_with_or_without_an_index(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.mps, "synchronize", lambda: calls.append("mps"))
    monkeypatch.setattr(torch.cuda, "synchronize", lambda device=None: calls.append(device))
    for device in ("mps", "mps:0", "cuda:0", "cuda", "cpu"):
        synchronizer(device)()
    assert calls == ["mps", "mps", "cuda:0", "cuda"]


# --- 3. the default thread count: the CPUs this process may use ------------------------------------------------

def _cgroups(tmp_path, proc: str, files: dict[str, str]):
    (tmp_path / "proc/self").mkdir(parents=True)
    (tmp_path / "proc/self/cgroup").write_text(proc)
    for name, text in files.items():
        path = tmp_path / "sys/fs/cgroup" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_cgroup_v2_quota_limits_the_threads(tmp_path):
    root = _cgroups(tmp_path, "0::/job/step\n", {"job/step/cpu.max": "max 100000\n",
                                                 "job/cpu.max": "250000 100000\n", "cpu.max": "max 100000\n"})
    limit = cpus.usable_cpus(root, affinity=lambda pid: set(range(64)), cpu_count=lambda: 128)
    assert limit == cpus.CpuLimit(cpus=2, limit="the cgroup v2 CPU quota (2.5 CPUs)")


def test_a_cgroup_v1_quota_seen_from_inside_a_container(tmp_path):
    root = _cgroups(tmp_path, "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n",
                    {"cpu,cpuacct/cpu.cfs_quota_us": "400000\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"})
    assert cpus.usable_cpus(root, affinity=lambda pid: set(range(8)), cpu_count=lambda: 96) == cpus.CpuLimit(
        cpus=4, limit="the cgroup v1 CPU quota (4 CPUs)")


def test_affinity_limits_the_threads_where_no_quota_is_set(tmp_path):
    root = _cgroups(tmp_path, "0::/\n", {"cpu.max": "max 100000\n"})
    limit = cpus.usable_cpus(root, affinity=lambda pid: {3, 5, 7}, cpu_count=lambda: 100)
    assert limit == cpus.CpuLimit(cpus=3, limit="the CPU affinity mask (3 of 100 logical cores)")
    unlimited = cpus.usable_cpus(tmp_path / "nowhere", affinity=lambda pid: set(range(8)), cpu_count=lambda: 8)
    assert unlimited == cpus.CpuLimit(cpus=8, limit="all 8 logical cores")
    tiny = _cgroups(tmp_path / "tiny", "0::/\n", {"cpu.max": "50000 100000\n"})
    assert cpus.usable_cpus(tiny, affinity=lambda pid: {0, 1}, cpu_count=lambda: 2).cpus == 1


def test_the_run_records_where_its_thread_count_came_from(tmp_path):
    from reportgen.battery import start
    from reportgen.profile import load_profile

    assert cpus.thread_choice(3) == (3, "given with --threads")
    threads, reason = cpus.thread_choice(None, _cgroups(tmp_path, "0::/\n", {"cpu.max": "100000 100000\n"}))
    assert (threads, reason) == (1, "by default, the cgroup v2 CPU quota (1 CPUs)")
    profile, table = load_profile("quick")
    run = start(profile, table, resolve_device("cpu"), 0, threads, "test", threads_reason=reason)
    assert run.settings.threads_reason == reason
    rows = dict(build_report(replace(factories.results(), settings=run.settings)).settings)
    assert rows["CPU threads"].startswith("1, by default, the cgroup v2 CPU quota")


# --- 4. device choice and description: no CUDA for a CPU run; a driver found but not used is said ------------

@pytest.fixture
def cuda_explodes(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("CUDA driver initialization failed, you might not have a CUDA gpu.\nmore")

    for name in ("is_available", "device_count", "get_device_properties", "init", "synchronize"):
        monkeypatch.setattr(torch.cuda, name, explode)


def test_a_cpu_run_never_touches_cuda(cuda_explodes):
    assert resolve_device("cpu").name == "cpu"
    info = system.describe_system("cpu")
    assert info.gpus == [] and info.cudnn is None


def test_a_broken_driver_is_one_line(cuda_explodes, monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(DeviceError) as caught:
        system.describe_system("cuda:0")
    assert str(caught.value) == ("the CUDA driver failed while describing cuda:0: CUDA driver initialization "
                                 "failed, you might not have a CUDA gpu.")


def test_auto_says_which_driver_it_found_and_why_it_did_not_use_it(monkeypatch):
    monkeypatch.setattr(torch.version, "cuda", None)
    absence = devices.cuda_absence(driver="550.54.14", smi=None)
    assert absence.startswith("found an NVIDIA driver (550.54.14), but this PyTorch (")
    assert "CPU-only build" in absence
    choice = resolve_device("auto", ["cpu"], absence=absence)
    assert choice.name == "cpu" and choice.reason == f"--device auto used the CPU: {absence}"
    assert resolve_device("auto", ["cpu"], absence="").reason.endswith("no CUDA or MPS accelerator, so it used the CPU")
    with pytest.raises(DeviceError, match=r"available: cpu \(found an NVIDIA driver"):
        resolve_device("cuda", ["cpu"], absence=absence)
    assert devices.cuda_absence(driver=None, smi=None) == ""


def test_a_cuda_build_that_cannot_reach_the_driver_quotes_torchs_warning(monkeypatch):
    import warnings

    def unavailable():
        warnings.warn("CUDA initialization: The NVIDIA driver on your system is too old (found version 11040).")
        return False

    monkeypatch.setattr(torch.version, "cuda", "12.4")
    monkeypatch.setattr(torch.cuda, "is_available", unavailable)
    absence = devices.cuda_absence(driver=None, smi="/usr/bin/nvidia-smi")
    assert absence == ("found nvidia-smi, but PyTorch (built for CUDA 12.4) cannot use it: CUDA initialization: "
                       "The NVIDIA driver on your system is too old (found version 11040).")


def test_the_driver_version_is_read_from_its_banner(tmp_path):
    banner = tmp_path / "version"
    banner.write_text("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 01:44:30 UTC 2024\n")
    assert devices.nvidia_driver_version(banner) == "550.54.14"
    assert devices.nvidia_driver_version(tmp_path / "absent") is None


# --- 5. the block size comes from warm calls ---------------------------------------------------------------

class Clock:
    def __init__(self, durations):
        self.now, self.durations = 0.0, iter(durations)

    def __call__(self):
        return self.now

    def work(self):
        self.now += next(self.durations)


def test_a_slow_first_call_does_not_set_the_block_size():
    clock = Clock([1.0] + [1e-4] * 100_000)  # lazy initialisation, then a fast workload
    sampler = Sampler(clock.work, clock=clock)
    assert sampler.calls == pytest.approx(200, abs=1)  # BLOCK_SECONDS / 0.1 ms, not one call per block


def test_the_cap_holds_for_a_call_slower_than_it():
    clock = Clock([0.5] * 1000)
    sampler = Sampler(clock.work, clock=clock)
    warm = clock.now
    for _ in range(compute.ROUNDS):
        sampler.visit(0.1, 0.6 / compute.ROUNDS, min_blocks=compute.ROUND_BLOCKS)
    t = sampler.timing()
    assert (t.blocks, t.calls_per_block) == (compute.ROUNDS, 1)  # one call per round, not three
    assert clock.now - warm == pytest.approx(compute.ROUNDS * 0.5)  # no untimed re-warming call either
    assert sampler.warmup_calls == 2


def test_the_report_says_what_the_cap_came_to():
    (part,) = [p for p in build_report(factories.results()).methods if p.key == "method-computation"]
    method = " ".join(part.paragraphs)
    assert "up to 0.3 s once warm (a workload whose single call takes longer" in method
    assert "the longest workload took 200 ms once warm" in method


# --- 7. precision --------------------------------------------------------------------------------------------

def test_every_experiment_states_its_precision_and_the_report_says_what_it_means():
    r = factories.results()
    r = replace(r, data_scale=replace(r.data_scale, precision="fp32"),
                activations=replace(r.activations, precision="fp32"),
                compute=replace(r.compute, steps=[*r.compute.steps, replace(r.compute.steps[0], device="cuda:0",
                                                                              precision="bf16", threads=None)]))
    rows = dict(build_report(r).settings)
    assert rows["Scale of data: precision"] == rows["Sigmoid against ReLU: precision"] == "fp32"
    assert rows["Computation: precision"] == "fp32, bf16"
    assert "TF32 turned off" in rows["fp32 means"] and "autocast" in rows["bf16 means"]
    assert "tf32 means" not in rows


def test_training_turns_tf32_off_on_cuda(monkeypatch):
    from reportgen import precision
    from reportgen.records.precision import TRAINING_PRECISION

    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", True)  # cuDNN's default
    with precision.tf32_mode("cuda:1", TRAINING_PRECISION):
        assert torch.backends.cudnn.allow_tf32 is False and torch.backends.cuda.matmul.allow_tf32 is False
    assert torch.backends.cudnn.allow_tf32 is True
    assert precision.tf32_capable("cuda:0", capability=lambda device: (8, 6))
    assert not precision.tf32_capable("cuda:0", capability=lambda device: (7, 0))
    assert not precision.tf32_capable("mps")


# --- 8. the GPU finding: every model, at the training batch and the largest ------------------------------------

def _two_batches(gpu_ms: dict[tuple[str, int], float]) -> ComputeResult:
    cpu_ms = {("mlp_small", 100): 0.2, ("mlp_large", 100): 2.0, ("mlp_small", 10000): 5.0,
              ("mlp_large", 10000): 200.0}
    steps = [_step(m, b, "cpu", 2, ms) for (m, b), ms in cpu_ms.items()]
    steps += [_step(m, b, "cuda:0", None, ms) for (m, b), ms in gpu_ms.items()]
    return ComputeResult(devices=["cpu", "cuda:0"], threads=2, max_seconds=0.3, steps=steps, matmuls=[],
                         loop_steps=2000)


def _step(model, batch, device, threads, ms, precision="fp32"):
    return StepTime(model=model, parameters=factories.PARAMETERS[model], batch_size=batch, device=device,
                    precision=precision, threads=threads, timing=factories._timing(ms / 1e3))


def test_a_gpu_that_wins_only_at_the_largest_batch_is_not_yet_much_faster():
    comp = _two_batches({("mlp_small", 100): 0.4, ("mlp_large", 100): 1.5, ("mlp_small", 10000): 0.5,
                         ("mlp_large", 10000): 2.0})
    (f,) = [x for x in findings(factories.results(comp=comp)) if x.key == "gpu_speedup"]
    assert f.verdict is Verdict.INCONCLUSIVE
    assert "at batch 100 (the smallest timed): Small MLP (32): 0.5×, Large MLP (512x3): 1.3×" in f.evidence
    assert "at batch 10000 (the largest timed): Small MLP (32): 10.0×, Large MLP (512x3): 100×" in f.evidence
    assert "At batch 100 (the smallest timed): the GPU was faster from the Large MLP (512x3) on." in f.why
    assert f.numbers["speedup_mlp_large"] == pytest.approx(100) and f.numbers["speedup_mlp_small_batch_100"] == 0.5
    fast = _two_batches({k: v / 10 for k, v in {("mlp_small", 100): 0.4, ("mlp_large", 100): 0.9,
                                                ("mlp_small", 10000): 0.5, ("mlp_large", 10000): 2.0}.items()})
    assert {x.key: x for x in findings(factories.results(comp=fast))}["gpu_speedup"].verdict is Verdict.SUPPORTED


def test_charts_turn_logarithmic_where_values_span_decades():
    comp = _two_batches({("mlp_small", 100): 0.4, ("mlp_large", 100): 1.5, ("mlp_small", 10000): 0.5,
                         ("mlp_large", 10000): 2.0})
    comp = replace(comp, steps=[*comp.steps, *(replace(s, threads=1) for s in comp.steps if s.device == "cpu")])
    assert speedups(comp)["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert "scale" not in gflops_vs_size(factories.compute())["encoding"]["y"]  # 64 to 256 on one CPU: linear


# --- 9. failures hand their memory back ------------------------------------------------------------------------

def test_a_failed_workload_frees_its_tensors_before_the_cache_is_emptied(monkeypatch):
    held = []

    def make():
        def step():
            tensor = torch.ones(1000)
            held.append(weakref.ref(tensor))
            raise RuntimeError("CUDA out of memory. Tried to allocate 80 GiB")
        return step

    alive_at_release = []
    monkeypatch.setattr(compute, "release_memory", lambda device: alive_at_release.append(held[0]() is not None))
    settings = ComputeSettings(["mlp_small"], [10], [], max_seconds=0.3, loop_steps=1)
    (workload,) = compute.workloads(settings, "cpu", 1)[:1]
    workload.make = make
    workload.visit(settings)
    assert workload.result().skipped == "out of memory" and alive_at_release == [False]


def test_mps_hands_its_cache_back_and_a_sticky_cuda_error_is_survived(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.mps, "empty_cache", lambda: calls.append("mps"))

    def sticky():
        raise RuntimeError("CUDA error: an illegal memory access was encountered")

    monkeypatch.setattr(torch.cuda, "empty_cache", sticky)
    release_memory("mps:0")
    release_memory("cuda:0")  # raises nothing: the records it would run after must survive
    assert calls == ["mps"]


# --- 10. the system description ------------------------------------------------------------------------------

def test_mixed_gpus_are_counted_per_model_and_the_summary_names_the_one_used():
    info = factories.system(gpus=[factories.gpu(name="NVIDIA A100"), factories.gpu(name="NVIDIA T4")])
    assert info.summary == "Test CPU with 1x NVIDIA A100, 1x NVIDIA T4"
    assert info.summary_for("cuda:1") == "Test CPU with 1x NVIDIA A100, 1x NVIDIA T4; ran on cuda:1, NVIDIA T4"
    assert info.summary_for("cpu") == info.summary
    two = factories.system(gpus=[factories.gpu(name="NVIDIA A100")] * 2)
    assert two.summary == "Test CPU with 2x NVIDIA A100"
    assert factories.system(gpus=[factories.gpu(name="NVIDIA T4")]).summary_for("cuda:0") == "Test CPU with NVIDIA T4"


def test_cudnn_versions_read_as_versions():
    assert system.cudnn_version(90100) == "9.1.0"
    assert system.cudnn_version(8902) == "8.9.2"
    assert system.cudnn_version(None) is None


def test_a_mac_is_described_through_sysctl(monkeypatch):
    values = {"machdep.cpu.brand_string": "Apple M2 Pro", "hw.physicalcpu": "10", "hw.memsize": str(32 * 2**30)}
    monkeypatch.setattr(system, "_read", lambda path: "")  # no /proc
    monkeypatch.setattr(system, "_memory_gib", lambda: None)
    info = system.describe_system("mps", sysctl=values.get)
    assert (info.cpu_model, info.physical_cores, info.memory_gib) == ("Apple M2 Pro", 10, 32.0)
    assert [(g.name, g.memory_gib) for g in info.gpus] == [("Apple M2 Pro GPU (MPS)", 32.0)]
    assert dict(build_report(replace(factories.results(), system=info)).system)["GPU 0"] == \
        "Apple M2 Pro GPU (MPS), 32 GiB"


def test_a_cuda_run_renders_with_its_gpu_rows():
    from reportgen.render import render_html

    comp = _two_batches({("mlp_small", 100): 0.4, ("mlp_large", 100): 1.5, ("mlp_small", 10000): 0.5,
                         ("mlp_large", 10000): 2.0})
    comp = replace(comp, steps=[*comp.steps, *(replace(s, precision=p) for s in comp.steps if s.device == "cuda:0"
                                               for p in ("tf32", "bf16"))])
    r = factories.results(comp=comp, gpus=[factories.gpu(name="NVIDIA A100"), factories.gpu(name="NVIDIA T4")],
                          torch_cuda="12.4", cudnn="9.1.0")
    r = replace(r, settings=replace(r.settings, device="cuda:1", device_reason="requested with --device cuda:1"))
    html = render_html(r)
    for text in ("1x NVIDIA A100, 1x NVIDIA T4; ran on cuda:1, NVIDIA T4", "12.4 / 9.1.0", "tf32 means",
                 "bf16 means", "(the smallest timed)"):
        assert text in html
