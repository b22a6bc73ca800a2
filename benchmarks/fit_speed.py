"""Batched ensembles against the plain loop, per model, interleaved in one process; and parallel against serial fits.

Run:  python benchmarks/fit_speed.py [ensemble] [parallel] [--members 3,9] [--steps 200] [--rounds 3]
`ensemble`: one thread; each round trains the same members (seeds, subsets of MNIST-1D-shaped random data) once
as a batched ensemble and once one by one, alternating, and prints ms per member-step and the loop/ensemble ratio
(above 1: the ensemble pays). `parallel`: the data-scale experiment of a reduced profile run serially (1 worker,
all threads) and with the schedule a build picks, alternating, and prints the wall-time ratio.
Quote ratios, not absolute times: other work on the machine inflates both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import torch

from reportgen.ensemble import Member, train_ensemble
from reportgen.learners import MODELS
from reportgen.models import build_model
from reportgen.training import index_generator, seed_everything, train_steps


def _loop(name, members, x, y, steps, batch):
    for m in members:
        seed_everything(m.seed)
        net = build_model(name)
        train_steps(net, torch.optim.Adam(net.parameters(), 1e-3), x[m.rows], y[m.rows], steps, batch,
                    index_generator("cpu", m.seed))


def ensemble(sizes: list[int], steps: int, rounds: int, batch: int = 100) -> None:
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    x, y = torch.randn(32000, 40), torch.randint(10, (32000,))
    print(f"ms per member-step, 1 thread, batch {batch}, {steps} steps, median of {rounds} interleaved rounds")
    for name in MODELS:
        for size in sizes:
            members = [Member(s, torch.randperm(32000, generator=torch.Generator().manual_seed(s))[:4000])
                       for s in range(size)]
            loop, batched = [], []
            for _ in range(rounds):
                start = time.perf_counter()
                _loop(name, members, x, y, steps, batch)
                loop.append((time.perf_counter() - start) / (size * steps) * 1e3)
                start = time.perf_counter()
                train_ensemble(partial(build_model, name), members, x, y, steps, batch, 1e-3)
                batched.append((time.perf_counter() - start) / (size * steps) * 1e3)
            a, b = statistics.median(loop), statistics.median(batched)
            print(f"  {name:<11} {size:>2} members: loop {a:6.3f}  ensemble {b:6.3f}  ratio {a / b:4.2f}")


PARALLEL_PROFILE = """
name = "fit-speed"
description = "benchmarks/fit_speed.py: a reduced data-scale grid"
[data]
test_size = 1000
[data_scale]
m = [100, 1000, 4000]
seeds = 2
learners = ["logistic", "svm_rbf", "mlp_small", "mlp_medium", "cnn"]
steps = 300
batch_size = 100
svm_max_m = 4000
learning_rates = { mlp_small = 0.001, mlp_medium = 0.001, cnn = 0.01 }
"""


def parallel(rounds: int) -> None:
    import os
    import tomllib

    from reportgen.data import mnist1d
    from reportgen.experiments import data_scale
    from reportgen.profile import parse_profile
    from reportgen.training import prepare_cpu

    profile = parse_profile(tomllib.loads(PARALLEL_PROFILE), "fit_speed")
    data = mnist1d(max(profile.data_scale.m), profile.data.test_size)
    cpus = len(os.sched_getaffinity(0))
    times: dict[str, list[float]] = {"serial": [], "parallel": []}
    for _ in range(rounds):
        for variant, workers in (("serial", 1), ("parallel", None)):
            prepare_cpu(cpus)
            start = time.perf_counter()
            result = data_scale.run(profile.data_scale, data, "cpu", 0, cpus, lambda label: None, workers=workers)
            times[variant].append(time.perf_counter() - start)
            print(f"  {variant:<8} {result.workers} worker(s) x {result.worker_threads} thread(s): "
                  f"{times[variant][-1]:.1f} s")
    a, b = statistics.median(times["serial"]), statistics.median(times["parallel"])
    print(f"data-scale wall, median of {rounds}: serial {a:.1f} s, parallel {b:.1f} s, ratio {a / b:.2f}")


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def sizes(text: str) -> list[int]:
    return [at_least_one(s) for s in text.split(",")]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="*", metavar="{ensemble,parallel}", help="default: both")
    parser.add_argument("--members", type=sizes, default="3,9", help="ensemble sizes, comma-separated")
    parser.add_argument("--steps", type=at_least_one, default=200)
    parser.add_argument("--rounds", type=at_least_one, default=3)
    args = parser.parse_intermixed_args()
    # checked here, not with choices=: before Python 3.12, choices on nargs="*" refuse an empty list
    if bad := [w for w in args.which if w not in ("ensemble", "parallel")]:
        parser.error(f"invalid choice: {bad[0]!r} (choose from 'ensemble', 'parallel')")
    which = args.which or ["ensemble", "parallel"]
    if "ensemble" in which:
        ensemble(args.members, args.steps, args.rounds)
    if "parallel" in which:
        parallel(args.rounds)
