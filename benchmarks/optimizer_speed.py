"""How much the fused optimizer kernels save per training step against torch's default (foreach) ones, on this
machine's CPU: the battery's nets, each variant timed in interleaved rounds on the same thread count, and the
median same-round ratio quoted.

Run:  python benchmarks/optimizer_speed.py [--threads 1] [--rounds 7]
On the 2-core Xeon with AMX where it was written (1 thread, torch 2.13.0+cpu): Adam fused against foreach, the
512x3 MLP's step 1.46x faster, the medium MLP 1.37x, the small 1.35x, the CNN 1.09x; SGD with momentum on the
activations experiment's 4x128 net 1.09x.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from reportgen.models import build_model, mlp

STEPS = 100  # per timed block


def make_step(net: nn.Module, optimizer: str, fused: bool):
    torch.manual_seed(0)
    kind = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    extra = {} if optimizer == "adam" else {"momentum": 0.9}
    opt = kind(net.parameters(), lr=1e-3, fused=fused, foreach=None if fused else True, **extra)
    x, y = torch.randn(100, 40), torch.randint(10, (100,))

    def step():
        opt.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return step


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=at_least_one, default=1)
    parser.add_argument("--rounds", type=at_least_one, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    cases = [(name, "adam", lambda name=name: build_model(name)) for name in ("mlp_small", "mlp_medium", "mlp_large",
                                                                           "cnn")]
    cases.append(("mlp 4x128 sigmoid", "sgd", lambda: mlp([128] * 4, "sigmoid")))
    print(f"{torch.__version__}, {args.threads} thread(s), batch 100, median of {args.rounds} interleaved rounds")
    for name, optimizer, build in cases:
        steps = {v: make_step(build(), optimizer, v == "fused") for v in ("foreach", "fused")}
        for step in steps.values():
            for _ in range(STEPS // 2):
                step()
        times = {v: [] for v in steps}
        for _ in range(args.rounds):
            for v, step in steps.items():
                start = time.perf_counter()
                for _ in range(STEPS):
                    step()
                times[v].append((time.perf_counter() - start) / STEPS)
        ratio = statistics.median(a / b for a, b in zip(times["foreach"], times["fused"]))
        print(f"{name:18s} {optimizer:4s} foreach {statistics.median(times['foreach']) * 1e3:6.3f} ms   "
              f"fused {statistics.median(times['fused']) * 1e3:6.3f} ms   {ratio:.2f}x")


if __name__ == "__main__":
    main()
