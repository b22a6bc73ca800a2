"""bf16 (autocast) against fp32 on this CPU: every model's training step and the matrix product, interleaved.

Run:  python benchmarks/bf16_speed.py [--threads N] [--rounds R] [--seconds S]
Each round times every workload in fp32 and then in bf16, side by side (S seconds each, the median call of that
look); the figure quoted is the median over rounds of the fp32 / bf16 ratio of the same round, so that a slow
moment of a shared machine spoils a pair, not the comparison. Uses the battery's own step and product
(reportgen.experiments.compute) with denormals flushed and the thread count pinned. Where the CPU has no native
bf16 unit it says so and times nothing: emulated bf16 would measure the emulation.
"""

from __future__ import annotations

import argparse
import statistics
import time

from reportgen.experiments.compute import matmul, training_step
from reportgen.system import describe_system
from reportgen.training import prepare_cpu

MODELS = ("mlp_small", "mlp_medium", "mlp_large", "cnn")
BATCHES = (100, 1000)
SIZES = (512, 2048)


def look(fn, seconds: float) -> float:
    """The median seconds per call over `seconds` of calls, after two warm-up calls."""
    fn(), fn()
    times, end = [], time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 3:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=at_least_one, default=2)
    parser.add_argument("--rounds", type=at_least_one, default=3)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    info = describe_system("cpu")
    print(f"CPU: {info.cpu_model}; features: {', '.join(info.cpu_features or [])}; torch: {info.torch_cpu}")
    if not info.bf16_unit:
        print("no native bf16 unit: bf16 not timed (emulated bf16 runs slower than fp32)")
        return
    prepare_cpu(args.threads)
    work = {f"{m} step, batch {b}": {p: training_step(m, b, "cpu", p) for p in ("fp32", "bf16")}
            for m in MODELS for b in BATCHES}
    work.update({f"matmul {n}": {p: matmul(n, "cpu", p) for p in ("fp32", "bf16")} for n in SIZES})
    seen: dict[str, dict[str, list[float]]] = {k: {"fp32": [], "bf16": []} for k in work}
    for _ in range(args.rounds):
        for name, fns in work.items():
            for p, fn in fns.items():
                seen[name][p].append(look(fn, args.seconds))
    print(f"bf16 unit: {info.bf16_unit}; {args.threads} thread(s), {args.rounds} rounds of {args.seconds:g} s")
    for name, s in seen.items():
        ratios = [a / b for a, b in zip(s["fp32"], s["bf16"])]
        fp32, bf16 = statistics.median(s["fp32"]), statistics.median(s["bf16"])
        extra = ""
        if name.startswith("matmul"):
            n = int(name.split()[1])
            extra = f"  ({2 * n**3 / fp32 / 1e9:,.0f} against {2 * n**3 / bf16 / 1e9:,.0f} GFLOP/s)"
        print(f"{name:28s} fp32 {fp32 * 1e3:8.3f} ms  bf16 {bf16 * 1e3:8.3f} ms  "
              f"same-round ratio {statistics.median(ratios):.2f}x ({min(ratios):.2f} to {max(ratios):.2f}){extra}")


if __name__ == "__main__":
    main()
