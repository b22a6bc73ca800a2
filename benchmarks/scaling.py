"""The scaling experiment alone, as a profile sets it: its wall time, the all-reduce bandwidths, the DDP step times
and the finding, printed (not a timed test; run it on an idle machine, and say so where it was not).

Run:  python benchmarks/scaling.py [PROFILE] [--device cpu|cuda] [--threads N]     (default: standard, cpu, all CPUs)
"""

from __future__ import annotations

import argparse
import time

from reportgen.cpus import thread_choice
from reportgen.experiments import scaling
from reportgen.findings.scaling import scaling_findings
from reportgen.fmt import bandwidth, duration, message_size, pct
from reportgen.profile import ProfileError, load_profile


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", nargs="?", default="standard")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=at_least_one)
    args = parser.parse_args()
    try:
        settings = load_profile(args.profile)[0].scaling
    except ProfileError as error:  # one line, as reportgen build says it
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    if settings is None:
        raise SystemExit(f"profile {args.profile} has no [scaling] table")
    threads = args.threads or thread_choice(None)[0]
    begin = time.perf_counter()
    r = scaling.run(settings, args.device, threads, lambda label: None)
    print(f"{args.profile}: {duration(time.perf_counter() - begin)} in all ({duration(r.seconds)} the launch), "
          f"{r.backend}, world sizes {r.world_sizes}, other processes used "
          + (f"{r.others_busy:.0%} of the CPUs" if r.others_busy is not None else "an unknown share of the CPUs"))
    for a in r.allreduce:
        print(f"  all-reduce n={a.world_size} {message_size(a.bytes):>8}: {duration(a.median_s):>8} "
              f"(IQR {duration(a.iqr_s)}), algbw {bandwidth(a.algbw)}, busbw {bandwidth(a.busbw)}")
    for s in r.steps:
        share, efficiency = s.exposed_share, r.efficiency(s)
        print(f"  {s.model} {s.scaling:>6} n={s.world_size} batch/worker {s.batch_per_worker} threads/worker "
              f"{s.threads_per_worker}: {duration(s.timing.median_s)} (rounds "
              + ", ".join(duration(t) for t in s.timing.round_medians_s) + ")"
              + (f", exposed communication {pct(share)}" if share is not None else "")
              + (f", efficiency {pct(efficiency)}" if efficiency is not None else "")
              + (f", parameters equal: {s.parameters_equal}" if s.parameters_equal is not None else ""))
    for f in scaling_findings(r):
        print(f"{f.key}: {f.verdict.value}: {f.headline}")


if __name__ == "__main__":
    main()
