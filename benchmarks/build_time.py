"""Wall time and peak memory of a build, phase by phase (data, each experiment, rendering), and how close the
data-scale training came to the machine's limit.

Run:  python benchmarks/build_time.py quick standard [--keep DIR]
With --keep, the builds stay under DIR (their results.json and reports); otherwise they go to a temporary folder.
Targets on 2 cores: quick under 30 s, standard under 6 minutes, rendering (HTML + PDF) under 10 s,
peak memory under 2 GiB. Each profile runs `reportgen build` in a fresh subprocess, so that import time, memory
and exit are real; "render" is the build's time outside its experiments (rendering, and the command's set-up).

Beside the data-scale phase it prints the floating-point work of its net training (the products and convolutions
of each step's forward and backward pass, counted once per model by torch's FlopCounterMode, times the steps each
net took; Adam's elementwise update is not counted) and the rate that is against the build's own fp32
matrix-product rate on all threads (the computation experiment's largest CPU product).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

CHILD = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
import reportgen.battery, reportgen.build, reportgen.profile  # what `reportgen build` imports before it runs
from reportgen.cli import main
imported = time.perf_counter() - start
out = Path(sys.argv[2]) / sys.argv[1]
t = time.perf_counter()
main(["build", "--profile", sys.argv[1], "--device", "cpu", "--threads", sys.argv[3], "--out", str(out)],
     standalone_mode=False)
total = time.perf_counter() - t
(results,) = out.glob("*/results.json")
phases = json.loads(results.read_text())["phases"]
print(json.dumps({"imports": imported, **phases, "render": total - sum(phases.values()), "build": total}))
print(results)
"""


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants now (Linux /proc; 0 elsewhere)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    total = 0
    for p in tree:
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * resource.getpagesize()
        except (OSError, IndexError):
            continue
    return total


@cache
def step_flops(model: str, batch: int, inputs: int, classes: int) -> float:
    """Floating-point operations of one training step's forward and backward pass."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from reportgen.models import build_model

    net = build_model(model, inputs, classes)
    x, y = torch.randn(batch, inputs), torch.randint(classes, (batch,))
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(net(x), y).backward()
    return float(counter.get_total_flops())


def fit_flops(results: dict, fit: dict) -> float:
    """A net fit's floating-point work: its steps (the profile's, where a file did not record them) times a step's."""
    settings = results["settings"]["profile_table"]["data_scale"]
    info = results["data_scale"].get("data") or {"features": 40, "classes": 10}
    return ((fit.get("steps") or settings["steps"])
            * step_flops(fit["learner"], min(settings["batch_size"], fit["m"]), info["features"], info["classes"]))


def matmul_peak(results: dict, threads: int) -> float | None:
    """The build's fastest fp32 matrix product on the CPU with `threads` threads, GFLOP/s (None: not timed)."""
    return max((2 * m["n"] ** 3 / m["timing"]["median_s"] / 1e9 for m in (results.get("compute") or {}).get("matmuls", [])
                if m["device"] == "cpu" and m["precision"] == "fp32" and m["timing"] and m["threads"] == threads),
               default=None)


def training_work(results: dict) -> str | None:
    """The data-scale nets' floating-point work, and its rate against the machine's matrix-product rate."""
    ds = results.get("data_scale")
    if not ds:
        return None
    flops = sum(fit_flops(results, f) for f in ds["fits"]
                if f.get("steps") is not None or f["learner"] not in ("logistic", "svm_rbf"))
    seconds = results["phases"]["data_scale"]
    line = f"net training {flops / 1e12:.2f} TFLOP, {flops / seconds / 1e9:.1f} GFLOP/s over the phase"
    threads = results["settings"]["threads"]
    peak = matmul_peak(results, threads)
    if peak:
        line += f": {100 * flops / seconds / 1e9 / peak:.0f}% of the {peak:.0f} GFLOP/s matrix product ({threads} threads)"
    return line


def cpu_by_learner(results: dict) -> list[str]:
    """Where the data-scale phase's CPU time went, learner by learner (a fit shared by seeds counted once), and
    each net's rate per core against the one-thread matrix product: the phase's rate above mixes in the
    traditional learners, whose work is not counted, and the side-by-side workers of one thread each."""
    ds = results.get("data_scale")
    if not ds:
        return []
    core = matmul_peak(results, 1)
    lines = []
    for learner in dict.fromkeys(f["learner"] for f in ds["fits"]):
        fits = {(f["m"], f["cpu_seconds"], f["test_accuracy"]): f for f in ds["fits"]  # a shared fit once
                if f["learner"] == learner and f.get("cpu_seconds") is not None}.values()
        cpu = sum(f["cpu_seconds"] for f in fits)
        line = f"  {learner:<12} {cpu:6.0f} CPU-s in {len(fits)} fits"
        if all(f.get("steps") is not None for f in fits) and cpu:
            flops = sum(fit_flops(results, f) for f in fits)
            line += f", {flops / cpu / 1e9:.0f} GFLOP/s per core"
            if core:
                line += f" ({100 * flops / cpu / 1e9 / core:.0f}% of the one-thread matrix product, {core:.0f})"
        lines.append(line)
    return lines


def main(profiles: list[str], keep: str | None = None, threads: int = 2) -> None:
    for name in profiles:
        with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryFile("w+") as out:
            start = time.perf_counter()
            build = subprocess.Popen([sys.executable, "-c", CHILD, name, keep or scratch, str(threads)], stdout=out,
                                     text=True)
            together = 0
            while build.poll() is None:  # the build and its worker processes, summed
                together = max(together, tree_rss(build.pid))
                time.sleep(0.2)
            wall = time.perf_counter() - start
            if build.returncode:
                raise SystemExit(f"the {name} build failed with exit code {build.returncode}")
            out.seek(0)
            *_, line, path = out.read().strip().splitlines()
            results = json.loads(Path(path).read_text())
            work, learners = training_work(results), cpu_by_learner(results)
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB -> GiB, one process
        phases = json.loads(line)
        print(f"profile {name}: wall {wall:.1f} s (process, imports included), peak RSS {together / 2**30:.2f} GiB "
              f"(build and workers together; largest single process {largest:.2f} GiB)")
        for phase, seconds in phases.items():
            print(f"  {phase:<12} {seconds:8.2f} s" + (f"   {work}" if phase == "data_scale" and work else ""))
            if phase == "data_scale":
                print("\n".join(f"  {line}" for line in learners))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profiles", nargs="*", default=["quick"], metavar="PROFILE", help="default: quick")
    parser.add_argument("--keep", metavar="DIR", help="keep the builds under DIR")
    args = parser.parse_intermixed_args()
    main(args.profiles, args.keep)
