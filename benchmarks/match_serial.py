"""Whether the fast schedule gives the serial loop's curves: at every (learner, m), the mean test accuracy over
seeds lies within the reference's seed range (lowest to highest seed), and every finding keeps its verdict.

Run:  python benchmarks/match_serial.py REFERENCE.json CANDIDATE.json
      python benchmarks/match_serial.py --reduced [--m 100,1000,8000 | --m standard] [--seeds 3] [--keep DIR]
The first compares two results files (say main's serial build and this branch's, or the data-scale records that
--keep saved). The second runs the standard profile's data-scale experiment (on a reduced grid, or on the whole
one with --m standard) twice in this process: first as the serial loop (one fit at a time on all threads, every
net alone, no stop rule), then as a build runs it (side by side, batched ensembles, the profile's stop rule), and
compares the two the same way, the data findings' verdicts included; --keep writes both records to DIR
(serial.json, new.json) so that they can be compared again later.
Exit status 1 when a point falls outside the range or a verdict changed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace


def compare(reference, candidate) -> bool:
    """Print the comparison per (learner, m); True when every candidate mean lies in the reference range."""
    inside = total = 0
    print(f"{'learner':<11} {'m':>6}  {'serial range':<15} {'serial mean':>11} {'new mean':>9} {'new - serial':>12}")
    for x in reference.learners:
        for m in reference.m_run(x.name):
            ref, new = reference.accuracy(x.name, m), candidate.accuracy(x.name, m)
            if new is None:
                print(f"{x.name:<11} {m:>6}  missing in the candidate")
                total += 1
                continue
            ok = ref.low - 1e-9 <= new.mean <= ref.high + 1e-9
            inside, total = inside + ok, total + 1
            print(f"{x.name:<11} {m:>6}  {ref.low:.4f}-{ref.high:.4f}   {ref.mean:>11.4f} {new.mean:>9.4f} "
                  f"{new.mean - ref.mean:>+12.4f}{'' if ok else '  OUTSIDE'}")
    print(f"{inside} of {total} points: the new mean lies within the serial seeds' range")
    return inside == total


def verdicts_match(reference, candidate) -> bool:
    """Print each data finding's verdict on both; True when none changed."""
    from reportgen.findings.data_scale import data_scale_findings

    verdicts = [{f.key: f.verdict.value for f in data_scale_findings(r).findings} for r in (reference, candidate)]
    for key in sorted(set(verdicts[0]) | set(verdicts[1])):
        before, after = verdicts[0].get(key), verdicts[1].get(key)
        print(f"finding {key:<24} {before!s:<14} -> {after!s}" + ("" if before == after else "  CHANGED"))
    return verdicts[0] == verdicts[1]


def _data_scale(path: str):
    """The data-scale record of a results file, or a record that --keep saved."""
    import json
    from pathlib import Path

    from reportgen.records.data_scale import DataScaleResult
    from reportgen.results import loads
    from reportgen.serde import from_jsonable

    text = Path(path).read_text()
    raw = json.loads(text)
    return from_jsonable(DataScaleResult, raw) if "fits" in raw else loads(text, path).data_scale


def files(reference: str, candidate: str) -> bool:
    a, b = _data_scale(reference), _data_scale(candidate)
    return compare(a, b) & verdicts_match(a, b)


def reduced(ms: list[int] | None, seeds: int, keep: str | None = None) -> bool:
    import os

    from reportgen.data import mnist1d
    from reportgen.experiments import data_scale
    from reportgen.profile import load_profile
    from reportgen.training import prepare_cpu

    profile, _ = load_profile("standard")
    ms = ms or profile.data_scale.m
    settings = replace(profile.data_scale, m=ms, seeds=seeds, svm_max_m=min(profile.data_scale.svm_max_m, max(ms)))
    data = mnist1d(max(profile.data_scale.m), profile.data.test_size)
    threads = len(os.sched_getaffinity(0))
    prepare_cpu(threads)
    original = data_scale.BATCHED_CPU
    data_scale.BATCHED_CPU = ()
    try:
        serial = data_scale.run(replace(settings, stop_window=0), data, "cpu", 0, threads, lambda label: None,
                                workers=1)
    finally:
        data_scale.BATCHED_CPU = original
    fast = data_scale.run(settings, data, "cpu", 0, threads, lambda label: None)
    print(f"reduced grid m = {ms}, {seeds} seeds; serial: one fit at a time on {threads} threads, no ensembles, "
          f"no stop rule; new: {fast.workers} workers x {fast.worker_threads} thread(s), batched {fast.batched}, "
          f"stop rule: {fast.stopping or 'none'}")
    steps = {(f.learner, f.m): f.steps for f in fast.fits if f.seed == 0 and f.steps is not None}
    print("steps taken under the stop rule (seed 0): "
          + ", ".join(f"{learner} m={m}: {s}" for (learner, m), s in steps.items()))
    if keep:
        import json
        from pathlib import Path

        from reportgen.serde import to_jsonable

        Path(keep).mkdir(parents=True, exist_ok=True)
        for name, record in (("serial", serial), ("new", fast)):
            (Path(keep) / f"{name}.json").write_text(json.dumps(to_jsonable(record)))
    return compare(serial, fast) & verdicts_match(serial, fast)


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def grid(text: str) -> list[int] | str:
    """--m: comma-separated sizes, or "standard" (the profile's whole grid)."""
    return text if text == "standard" else [at_least_one(m) for m in text.split(",")]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", metavar="FILE", help="REFERENCE.json CANDIDATE.json")
    parser.add_argument("--reduced", action="store_true", help="run the data-scale experiment twice, compare")
    parser.add_argument("--m", type=grid, help="with --reduced: comma-separated m, or standard "
                        "(default: 100,1000,8000)")
    parser.add_argument("--seeds", type=at_least_one, help="with --reduced (default: 3)")
    parser.add_argument("--keep", metavar="DIR", help="with --reduced: write serial.json and new.json to DIR")
    args = parser.parse_args()
    if args.reduced and not args.files:
        ms = args.m or [100, 1000, 8000]
        ok = reduced(None if ms == "standard" else ms, 3 if args.seeds is None else args.seeds, args.keep)
    elif not args.reduced and len(args.files) == 2 and (args.m, args.seeds, args.keep) == (None, None, None):
        try:
            ok = files(*args.files)
        except (OSError, ValueError) as error:  # a file missing or not results: one line (UserError is a ValueError)
            parser.exit(2, f"{parser.prog}: error: cannot compare {' and '.join(args.files)}: {error}\n")
    else:
        parser.error("give REFERENCE.json CANDIDATE.json, or --reduced [--m ...] [--seeds N] [--keep DIR]")
    sys.exit(0 if ok else 1)
