"""Wall time and peak memory of a build, phase by phase (data, each experiment, rendering).

Run:  python benchmarks/build_time.py quick standard [--keep DIR]
With --keep, the builds stay under DIR (their results.json and reports); otherwise they go to a temporary folder.
Targets on 2 cores: quick under 60 s, standard under 10 minutes, rendering (HTML + PDF) under 10 s,
peak memory under 2 GiB. Each profile runs in a fresh subprocess so that import time and memory are real.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time

CHILD = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
from reportgen.battery import start as begin
from reportgen.build import build
from reportgen.folders import new_run_folder
from reportgen.devices import resolve_device
from reportgen.profile import load_profile
imported = time.perf_counter() - start
profile, table = load_profile(sys.argv[1])
t = time.perf_counter()
so_far = begin(profile, table, resolve_device("cpu"), 0, int(sys.argv[3]), "benchmark")
paths = build(new_run_folder(Path(sys.argv[2])), profile, so_far)
total = time.perf_counter() - t
phases = json.loads(paths.results.read_text())["phases"]
print(json.dumps({"imports": imported, **phases, "render": total - sum(phases.values()), "build": total}))
"""


def main(profiles: list[str], keep: str | None = None, threads: int = 2) -> None:
    for name in profiles:
        with tempfile.TemporaryDirectory() as scratch:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", CHILD, name, keep or scratch, str(threads)],
                                  capture_output=True, text=True, check=True)
            wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # KiB -> GiB, largest child so far
        phases = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"profile {name}: wall {wall:.1f} s (process, imports included), peak RSS {peak:.2f} GiB")
        for phase, seconds in phases.items():
            print(f"  {phase:<12} {seconds:8.2f} s")


if __name__ == "__main__":
    args = sys.argv[1:]
    kept = args[args.index("--keep") + 1] if "--keep" in args else None
    names = [a for a in args if a not in ("--keep", kept)]
    main(names or ["quick"], kept)
