"""Check the whole GPU path of reportgen on one NVIDIA GPU, in a few minutes, and say in one table what held.

Run it first on any machine with a CUDA GPU (it needs the CUDA build of torch and an editable install of this
checkout, as in the README):

    python benchmarks/gpu_check.py                      # cuda:0, results under output/gpu_check/
    python benchmarks/gpu_check.py --device cuda:1 --out /tmp/check

It runs, in order (under 10 minutes on one GPU, most of it the quick build):
  1. device   resolves --device as `reportgen build` does and describes the GPU (name, memory, capability,
              driver, cuDNN), without which nothing else is tried;
  2. sweep    the computation sweep on a small grid (every model, batch 100 and 4096, two matrix sizes): each
              GPU workload timed, a TF32 row only from compute capability 8.0 on, the block size taken from
              warm calls (a fast GPU step gets many calls per block), the GPU ahead at the large batch;
  3. sync     the training loop (train_steps, as the data-scale and activation experiments call it) under
              torch.cuda.set_sync_debug_mode("error"), for an MLP with Adam and the CNN with SGD: any
              host-device synchronisation inside the loop fails the check; and its time per step against the
              sweep's, which a per-step synchronisation would inflate;
  4. oom      one workload sized to run out of GPU memory mid-step, through the sweep's own failure path: it
              must be recorded as "out of memory", give every byte back, and leave the GPU working;
  5. build    a real `reportgen build --profile quick --device cuda:N`, whose results.json is checked (device,
              GPU records, precisions, cuDNN version, thread limit, and the scaling experiment on NCCL: one
              worker per GPU, every DDP replica's parameters equal, and with one GPU the data-parallel finding
              not tested for want of more GPUs) and copied to OUT/quick-results.json, to be kept as
              tests/fixtures/cuda-quick-results.json.

It prints one line per check and writes OUT/summary.json. Exit status: 0 when every check passed, 1 when one
failed, 2 (with a one-line reason) when there is no usable CUDA device.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from reportgen.findings import findings

SWEEP_MODELS = ["mlp_small", "mlp_medium", "mlp_large", "cnn"]
SWEEP_BATCHES = [100, 4096]  # the battery's training batch, and one large enough for the GPU to pull ahead
SWEEP_MATMULS = [256, 4096]
SYNC_STEPS = 200  # training steps under the sync debug mode, per model
OOM_SHARE = 0.3  # the OOM workload's input takes this share of GPU memory; its first layer's output (12.8x) cannot fit
LOOP_SLACK = 3.0  # train_steps may take this many times the sweep's step time (it also draws and gathers the batch)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="gpu_check.py", description=__doc__.split("\n\n")[0],
        epilog=__doc__[__doc__.index("Run it first"):], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda", help="cuda or cuda:N, as for reportgen build (default: cuda)")
    parser.add_argument("--out", type=Path, default=Path("output/gpu_check"),
                        help="folder for summary.json, quick-results.json and the quick build (default: "
                             "output/gpu_check)")
    parser.add_argument("--skip-build", action="store_true", help="leave out the quick build (check 5)")
    return parser.parse_args(argv)


# --- the checks' verdicts: pure functions of records, so that they are tested on a CPU machine ---------------

def check_sweep(result, device: str, tf32_capable: bool) -> list[Check]:
    """The sweep's records: every GPU workload timed, the right precisions, warm block sizes, a GPU win."""
    gpu_steps = [s for s in result.steps if s.device == device]
    gpu_all = gpu_steps + [m for m in result.matmuls if m.device == device]
    skipped = [f"{getattr(w, 'model', 'matmul')} {w.precision}: {w.skipped}" for w in gpu_all if not w.timing]
    precisions = sorted({w.precision for w in gpu_all})
    expected = sorted(["fp32", "bf16"] + (["tf32"] if tf32_capable else []))
    small = min(gpu_steps, key=lambda s: (s.parameters, s.batch_size), default=None)
    calls = small.timing.calls_per_block if small and small.timing else 0
    largest = max(s.batch_size for s in result.steps)
    big = [(s, result.step(s.model, largest, "cpu", threads=result.threads)) for s in gpu_steps
           if s.batch_size == largest and s.precision == "fp32" and s.timing]
    gains = {s.model: cpu.timing.median_s / s.timing.median_s for s, cpu in big if cpu and cpu.timing}
    best = max(gains.items(), key=lambda g: g[1], default=("none", 0.0))
    return [
        Check("sweep: GPU workloads timed", not skipped and bool(gpu_all),
              f"{len(gpu_all) - len(skipped)} of {len(gpu_all)} timed" + (f"; {'; '.join(skipped)}" if skipped else "")),
        Check("sweep: precisions", precisions == expected,
              f"{', '.join(precisions)} (expected {', '.join(expected)} for this GPU)"),
        Check("sweep: warm block size", calls > 1,
              f"{calls} calls per block for the smallest GPU step"
              + (f" ({small.timing.median_s * 1e6:.0f} µs each)" if small and small.timing else "")),
        Check("sweep: GPU ahead at a large batch", best[1] > 1,
              f"best fp32 speed-up over {result.threads} CPU threads at batch {largest}: {best[1]:.1f}x ({best[0]})"),
    ]


def check_loop(name: str, error: str | None, loop_s: float | None, sweep_s: float | None) -> list[Check]:
    """The training loop under the sync debug mode, and its time per step against the sweep's."""
    checks = [Check(f"sync: {name} loop", error is None, error or f"{SYNC_STEPS} steps, no synchronisation")]
    if loop_s is not None and sweep_s:
        checks.append(Check(f"sync: {name} step time", loop_s <= LOOP_SLACK * sweep_s,
                            f"{loop_s * 1e6:.0f} µs per step in train_steps, {sweep_s * 1e6:.0f} µs in the sweep"))
    return checks


def check_oom(skipped: str | None, leaked_bytes: int, works: bool) -> list[Check]:
    return [Check("oom: recorded", skipped == "out of memory", f"recorded as {skipped!r}"),
            Check("oom: memory given back", leaked_bytes <= 0, f"{max(leaked_bytes, 0) / 2**20:.0f} MiB still held"),
            Check("oom: GPU works after", works, "a matrix product after the failure " + ("agrees with the CPU's"
                                                                                          if works else "failed"))]


def check_build(results, device: str) -> list[Check]:
    """The quick build's results.json: run on the GPU, every experiment there, everything recorded."""
    compute = results.compute
    gpu_steps = [s for s in compute.steps if s.device == device] if compute else []
    cudnn = results.system.cudnn or ""
    recorded = {
        "device": results.settings.device == device,
        "no failed experiment": not results.failures,
        "GPU described": bool(results.system.gpus),
        "cuDNN version dotted": cudnn.count(".") == 2,
        "GPU steps timed": bool(gpu_steps) and all(s.timing for s in gpu_steps),
        "precision of data-scale": bool(results.data_scale and results.data_scale.precision),
        "precision of activations": bool(results.activations and results.activations.precision),
        "thread limit": bool(results.settings.threads_reason),
        "scaling on NCCL": _scaling_ok(results),
    }
    missing = [name for name, ok in recorded.items() if not ok]
    return [Check("build: results.json", not missing,
                  "complete" if not missing else "wrong or missing: " + ", ".join(missing))]


def _scaling_ok(results) -> bool:
    """The scaling experiment ran on NCCL, one worker per GPU, with every replica equal after its steps; with one
    GPU at world size 1 only, and its finding says more GPUs are needed. A profile without it (an older build)
    has nothing to check."""
    s = results.scaling
    if s is None:
        return "scaling" not in results.settings.profile_table
    gpus = len(results.system.gpus)
    table = results.settings.profile_table.get("scaling")
    wanted = min(gpus, table.get("max_world_size", gpus) if isinstance(table, dict) else gpus)
    finding = next((f for f in findings(results) if f.key == "data_parallel"), None)
    one_gpu = gpus > 1 or (s.world_sizes == [1] and finding is not None
                           and "more GPUs are needed" in finding.why)
    return (s.backend == "nccl" and s.device == "cuda" and s.largest == wanted and one_gpu
            and all(step.parameters_equal is not False for step in s.steps) and bool(s.steps))


def summary(checks: list[Check]) -> tuple[str, int]:
    """One line per check, a last line with the count; exit status 1 when one failed."""
    width = max((len(c.name) for c in checks), default=0)
    lines = [f"{'ok  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}" for c in checks]
    failed = sum(not c.ok for c in checks)
    lines.append(f"{len(checks) - failed} of {len(checks)} checks passed" + (f", {failed} failed" if failed else ""))
    return "\n".join(lines), 1 if failed else 0


# --- running them on the GPU -----------------------------------------------------------------------------------

def run_sweep(device: str, threads: int):
    from reportgen.experiments import compute
    from reportgen.profile import ComputeSettings

    settings = ComputeSettings(models=SWEEP_MODELS, batch_sizes=SWEEP_BATCHES, matmul_sizes=SWEEP_MATMULS,
                               max_seconds=0.6, loop_steps=100, min_seconds=0.2)
    return compute.run(settings, device, threads, lambda label: None)


def run_loop(device: str, name: str, sweep) -> list[Check]:
    import torch

    from reportgen.experiments.compute import LEARNING_RATE
    from reportgen.learners import INPUT_LENGTH
    from reportgen.models import build_model
    from reportgen.training import index_generator, train_steps

    torch.manual_seed(0)
    model = build_model(name).to(device)
    optimizer = (torch.optim.Adam(model.parameters(), lr=LEARNING_RATE) if name.startswith("mlp")
                 else torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9))
    x = torch.randn(4000, INPUT_LENGTH, device=device)
    y = torch.randint(0, 10, (4000,), device=device)
    generator = index_generator(device, 0)
    train_steps(model, optimizer, x, y, 20, 100, generator)  # lazy initialisation outside the debug mode
    torch.cuda.synchronize(device)
    error, start = None, time.perf_counter()
    torch.cuda.set_sync_debug_mode("error")
    try:
        train_steps(model, optimizer, x, y, SYNC_STEPS, 100, generator)
    except RuntimeError as failure:
        error = _first_line(failure)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    torch.cuda.synchronize(device)
    loop_s = (time.perf_counter() - start) / SYNC_STEPS if error is None else None
    step = sweep.step(name, 100, device, "fp32") if sweep else None
    return check_loop(name, error, loop_s, step.timing.median_s if step and step.timing else None)


def run_oom(device: str) -> list[Check]:
    import torch

    from reportgen.experiments import compute
    from reportgen.learners import INPUT_LENGTH
    from reportgen.profile import ComputeSettings

    total = torch.cuda.get_device_properties(device).total_memory
    batch = int(OOM_SHARE * total / (4 * INPUT_LENGTH))  # fp32 inputs: the 512-unit layer's output cannot fit
    settings = ComputeSettings(models=["mlp_large"], batch_sizes=[batch], matmul_sizes=[], max_seconds=0.6,
                               loop_steps=1)
    (workload,) = [w for w in compute.workloads(settings, device, 1) if w.device == device and w.precision == "fp32"]
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    workload.visit(settings)
    leaked = torch.cuda.memory_allocated(device) - before
    try:
        a = torch.randn(256, 256)
        works = torch.allclose((a.to(device) @ a.to(device)).cpu(), a @ a, rtol=1e-2, atol=1e-2)
    except RuntimeError:
        works = False
    return check_oom(workload.result().skipped, leaked, works)


def run_build(device: str, out: Path, kept: Path) -> list[Check]:
    """A real quick build through the command line; its results.json checked and copied to `kept`."""
    from reportgen.results import ResultsError, load

    runs = out / "builds"
    command = [sys.executable, "-m", "reportgen", "build", "--device", device, "--profile", "quick", "--out", str(runs)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=420, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        return [Check("build: quick build", False, f"exit {done.returncode}: {last}")]
    found = sorted(runs.glob("*/results.json"))
    try:
        results = load(found[-1])
    except (IndexError, ResultsError) as error:
        return [Check("build: quick build", False, f"no readable results.json ({error})")]
    shutil.copyfile(found[-1], kept)
    return [Check("build: quick build", True, f"{sum(results.phases.values()):.0f} s of experiments"),
            *check_build(results, device)]


def describe(device: str) -> Check:
    from reportgen.system import describe_system

    info = describe_system(device)
    gpu = info.gpus[int(device.split(":")[1])]
    return Check("device", True, f"{device}: {gpu.name}, {gpu.memory_gib:g} GiB, compute capability "
                                 f"{gpu.compute_capability}, driver {gpu.driver or '?'}, CUDA {info.torch_cuda}, "
                                 f"cuDNN {info.cudnn}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    import torch

    from reportgen.cpus import thread_choice
    from reportgen.devices import DeviceError, cuda_absence, device_type, resolve_device
    from reportgen.precision import tf32_capable

    try:
        kind = device_type(args.device)
    except RuntimeError:  # not a device name torch knows
        kind = None
    if kind != "cuda":
        print(f"gpu_check: --device must be cuda or cuda:N, not {args.device}", file=sys.stderr)
        return 2
    try:
        device = resolve_device(args.device).name
        checks = [describe(device)]
    except DeviceError as error:
        print(f"gpu_check: no usable CUDA device: {error}", file=sys.stderr)
        return 2
    except (RuntimeError, ValueError) as error:  # the device vanished between the two calls, say
        print(f"gpu_check: no usable CUDA device: {cuda_absence() or error}", file=sys.stderr)
        return 2
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    begin = time.perf_counter()
    threads, _ = thread_choice(None)
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    print(checks[0].detail, flush=True)
    sweep = None
    try:
        sweep = run_sweep(device, threads)
        checks += check_sweep(sweep, device, tf32_capable(device))
    except Exception as error:  # noqa: BLE001 - a stage that crashes is a failed check, and the others run
        checks.append(Check("sweep", False, f"crashed: {type(error).__name__}: {_first_line(error)}"))
    for name in ("mlp_large", "cnn"):
        checks += _guarded(f"sync: {name} loop", lambda n=name: run_loop(device, n, sweep))
    checks += _guarded("oom", lambda: run_oom(device))
    kept = args.out / "quick-results.json"
    if not args.skip_build:
        checks += _guarded("build: quick build", lambda: run_build(device, args.out, kept))
    text, status = summary(checks)
    print(text)
    kept = kept if kept.exists() else None
    print(f"{time.perf_counter() - begin:.0f} s in all" + (f"; the quick build's results.json: {kept}" if kept else ""))
    (args.out / "summary.json").write_text(json.dumps(
        {"device": device, "passed": status == 0, "checks": [asdict(c) for c in checks],
         "quick_results": str(kept) if kept else None}, indent=2) + "\n")
    return status


def _guarded(name: str, work):
    """The stage's checks, or one failed check saying how it crashed."""
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - one crashed stage must not hide the others' results
        return [Check(name, False, f"crashed: {type(error).__name__}: {_first_line(error)}")]


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:200]


if __name__ == "__main__":
    sys.exit(main())
