"""Are the computation timings repeatable? Two quick builds' compute phases, per-workload medians compared.

Run on an idle machine:  python benchmarks/repeatability.py [PROFILE]
Target: every per-workload median within 15% of the other run's. Each run is a fresh process, as a build is.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, sys
from reportgen.experiments import compute
from reportgen.profile import load_profile
from reportgen.training import prepare_cpu
threads = int(sys.argv[2])
prepare_cpu(threads)
settings = load_profile(sys.argv[1])[0].compute
r = compute.run(settings, "cpu", threads, lambda label: None)
rows = {f"step {s.model} batch {s.batch_size} {s.threads}t": s.timing.median_s for s in r.steps if s.timing}
rows.update({f"matmul {m.n} {m.threads}t": m.timing.median_s for m in r.matmuls if m.timing})
print(json.dumps(rows))
"""


def main(profile: str = "quick", threads: int = 2) -> int:
    runs = [json.loads(subprocess.run([sys.executable, "-c", CHILD, profile, str(threads)], capture_output=True,
                                      text=True, check=True).stdout) for _ in range(2)]
    worst = 0.0
    print(f"{'workload':<34} {'run 1':>10} {'run 2':>10} {'change':>8}")
    for key, first in runs[0].items():
        second = runs[1][key]
        change = abs(second - first) / first
        worst = max(worst, change)
        print(f"{key:<34} {first * 1e3:9.3f}ms {second * 1e3:9.3f}ms {100 * change:7.1f}%")
    print(f"largest change: {100 * worst:.1f}% (target: under 15%)")
    return 0 if worst < 0.15 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
