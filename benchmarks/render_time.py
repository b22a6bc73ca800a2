"""Wall time of the commands that run no model: `render --format html`, `render --format pdf` and `publish`.

Run:  python benchmarks/render_time.py RESULTS.json [--repeats N] [--against OTHER_REPORTGEN]
Each command runs in a fresh subprocess, so that import time counts as a user feels it. With --against (another
reportgen executable, e.g. an older checkout's), the two are run interleaved, command by command, and the table
gives both medians and their ratio: on a shared, noisy machine only interleaved ratios are worth quoting.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "render --format html": lambda results, out: ["render", str(results), "--out", str(out), "--format", "html"],
    "render --format pdf": lambda results, out: ["render", str(results), "--out", str(out), "--format", "pdf"],
    "publish": lambda results, out: ["publish", str(results), "--site", str(out)],
}


def timed(executable: str, args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--repeats", type=at_least_one, default=5)
    parser.add_argument("--against", help="another reportgen executable to time interleaved with this one")
    args = parser.parse_args()
    here = shutil.which("reportgen", path=str(Path(sys.executable).parent)) or "reportgen"
    variants = {"this": here, **({"other": args.against} if args.against else {})}
    seconds: dict[tuple[str, str], list[float]] = {(v, c): [] for v in variants for c in COMMANDS}
    with tempfile.TemporaryDirectory() as scratch:
        for i in range(args.repeats):
            for command, make in COMMANDS.items():
                for variant, executable in (variants.items() if i % 2 == 0 else reversed(variants.items())):
                    out = Path(scratch) / f"{variant}-{i}-{command.replace(' ', '_')}"
                    seconds[variant, command].append(timed(executable, make(args.results, out)))
    print(f"{args.repeats} repeats; median wall seconds (min-max)")
    for command in COMMANDS:
        cells = [f"{v} {statistics.median(seconds[v, command]):6.2f} "
                 f"({min(seconds[v, command]):.2f}-{max(seconds[v, command]):.2f})" for v in variants]
        ratio = ""
        if args.against:  # the median of each repeat's ratio: the two ran side by side, under the same load
            pairs = [o / t for o, t in zip(seconds["other", command], seconds["this", command])]
            ratio = f"  other/this {statistics.median(pairs):.2f}x ({min(pairs):.2f}-{max(pairs):.2f})"
        print(f"{command:<22} " + "   ".join(cells) + ratio)


if __name__ == "__main__":
    main()
