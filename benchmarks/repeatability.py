"""Are the computation timings repeatable? Several real builds, their per-workload medians compared.

Run on an idle machine:  python benchmarks/repeatability.py [PROFILE [BUILDS]]
Each build is `python -m reportgen build` in a fresh process, as a user runs it. Target: for every workload the
slowest build's median within 15% of the fastest's, so that every pair of builds agrees within 15%.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from reportgen.profile import ProfileError, load_profile
from reportgen.results import load


def medians(results_json: Path) -> dict[str, float]:
    compute = load(results_json).compute
    rows = {f"step {s.model} batch {s.batch_size} {s.threads}t": s.timing.median_s for s in compute.steps if s.timing}
    rows.update({f"matmul {m.n} {m.threads}t": m.timing.median_s for m in compute.matmuls if m.timing})
    return rows


def main(profile: str = "quick", builds: str = "3") -> int:
    found = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(int(builds)):
            dest = Path(out) / str(i)
            subprocess.run([sys.executable, "-m", "reportgen", "build", "--profile", profile, "--device", "cpu",
                            "--out", str(dest)], check=True, capture_output=True)
            (results_json,) = dest.glob("*/results.json")
            found.append(medians(results_json))
            print(f"build {i + 1} of {builds} done", file=sys.stderr)
    worst = 0.0
    print(f"{'workload':<34} {'fastest':>10} {'slowest':>10} {'range':>8}   ({len(found)} builds)")
    for key in found[0]:
        values = [run[key] for run in found if key in run]  # a workload skipped in a build has no median there
        spread = max(values) / min(values) - 1
        worst = max(worst, spread)
        print(f"{key:<34} {min(values) * 1e3:9.3f}ms {max(values) * 1e3:9.3f}ms {100 * spread:7.1f}%")
    print(f"largest range: {100 * worst:.1f}% (target: under 15%)")
    # Slow workloads that cluster in one build point at the machine changing, not at the measurement.
    for i, run in enumerate(found):
        fastest = {key: min(r[key] for r in found if key in r) for key in run}
        slow = [f"{key} +{100 * (run[key] / fastest[key] - 1):.0f}%" for key in run if run[key] > 1.15 * fastest[key]]
        if slow:
            print(f"build {i + 1} over 15% slower than the fastest: {', '.join(slow)}")
    return 0 if worst < 0.15 else 1


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", nargs="?", default="quick")
    parser.add_argument("builds", nargs="?", type=at_least_one, default=3)
    args = parser.parse_args()
    try:
        load_profile(args.profile)  # a bad profile: one line now, not a failed build's traceback later
    except ProfileError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    sys.exit(main(args.profile, args.builds))
