"""Every finding of a results file: its key, verdict and summary (for before/after comparisons). Works with any
version of the package that can load the file (run it with that version's python).

Run:  python benchmarks/verdicts.py RESULTS.json [--short]     (--short: key and verdict only, one line each)
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.findings import findings
from reportgen.results import load


def main(path: str, short: bool = False) -> None:
    for f in findings(load(Path(path))):
        print(f"{f.key:22} {f.verdict.value}" + ("" if getattr(f, "tested", True) else " (not tested)"))
        if not short:
            print(f"    {f.summary}\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], "--short" in sys.argv[2:])
