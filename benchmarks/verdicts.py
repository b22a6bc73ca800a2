"""Every finding of a results file: its key, verdict and headline (for before/after comparisons). Works with any
version of the package that can load the file (run it with that version's python).

Run:  python benchmarks/verdicts.py RESULTS.json [--short]     (--short: key and verdict only, one line each)
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reportgen.errors import UserError
from reportgen.findings import findings
from reportgen.results import load


def main(path: str, short: bool = False) -> None:
    for f in findings(load(Path(path))):
        print(f"{f.key:22} {f.verdict.value}")
        if not short:
            print(f"    {getattr(f, 'headline', None) or f.summary}\n")  # before 0.2: a summary, no headline


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("results", metavar="RESULTS.json")
    parser.add_argument("--short", action="store_true", help="key and verdict only, one line each")
    args = parser.parse_args()
    try:
        main(args.results, args.short)
    except UserError as error:  # a file it cannot read or load: one line
        parser.exit(2, f"{parser.prog}: error: {error}\n")
