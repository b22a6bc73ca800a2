"""The red team's classes of issue 24, generated and run again: mutated results files, file names that are not
UTF-8 everywhere a path is taken, closed standard streams, signals (SIGKILL included), and disk faults in publish.

Run:  python benchmarks/red_team.py [--out DIR] [--jobs N] [--only CLASS]
Each case runs the real command line. Most run in a child forked from one process that has imported reportgen
(a fork costs milliseconds where a fresh interpreter costs seconds); those whose point is a fresh process (a
locale, closed streams, signals) run as one. A case passes when its exit code is one it may have (0, or 2 for a
refusal; 130/143 for a signal), nothing on stderr is a traceback or a panic, a failure is said in one line, and
nothing is left behind that should not be (temporary files, staging folders, a half-added run, a live worker).
It prints one table row per class and writes every case's outcome to DIR/red_team.json. Not a test: it takes a
few minutes, and it is the record of a sweep; the tests of each fix are in tests/test_reliability.py.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the record factories

MICRO = ROOT / "tests" / "micro.toml"
WORKERS = """name = "workers"
description = "Two fits side by side."
[data]
test_size = 100
[data_scale]
m = [40, 80, 120, 160]
seeds = 1
learners = ["logistic", "mlp_small"]
steps = STEPS
batch_size = 20
svm_max_m = 0
learning_rates = { mlp_small = 0.01 }
"""
ODD_CHARACTERS = ["\x00", "\x01", "\x03", "\x04", "\x0b", "\x1b", "\ufffe", "\uffff", "\ud800", "\udce9", "\u202e",
                  "\n"]
ODD_NAMES = [b"caf\xe9", b"\xff\xfe", b"a\x1bb", b"new\nline"]


@dataclass
class Case:
    kind: str  # the class it belongs to, a row of the table
    name: str
    argv: list[str]
    fresh: bool = False  # in a fresh interpreter rather than a forked child
    env: dict = field(default_factory=dict)
    close: tuple[int, ...] = ()  # standard streams closed before the command starts
    fault: tuple[str, int] | None = None  # ("write" | "rename", k): the k-th such call fails with ENOSPC
    kill: tuple[int, float] | None = None  # (signal, seconds after the start)
    allowed: tuple[int, ...] = (0, 2)
    check: object = None  # callable(case, folder) -> a problem in words, or None
    outcome: dict = field(default_factory=dict)


# --- running ---------------------------------------------------------------------------------------------------

def run_forked(case: Case, folder: Path) -> int:
    """The command in a child of this process; its exit status as a shell gives it (128 + signal when killed)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            os.chdir(folder)
            os.environ.update(case.env)
            for fd, name in ((1, "stdout"), (2, "stderr")):
                target = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(target, fd)
                os.close(target)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            if case.fault:
                _inject(*case.fault)
            from reportgen.cli import main

            try:
                main(case.argv, prog_name="reportgen")
                code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:  # noqa: BLE001 - what a real process would print on an uncaught exception
            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except OSError:  # a closed or full stream: the outcome is in the exit code
                    continue
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def _inject(kind: str, k: int) -> None:
    """Make the k-th file write (or rename) of the command fail as a full disk does."""
    import reportgen.files
    import reportgen.publish
    import reportgen.render

    calls = [0]

    def failing(real):
        def call(*args, **kwargs):
            calls[0] += 1
            if calls[0] == k:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(*args, **kwargs)
        return call

    if kind == "write":
        patched = failing(reportgen.files.write_atomically)
        for module in (reportgen.files, reportgen.publish, reportgen.render):
            module.write_atomically = patched
    else:
        os.rename = failing(os.rename)


def run_fresh(case: Case, folder: Path) -> int:
    marker = f"REPORTGEN_RED_TEAM={folder}"
    env = {**os.environ, **case.env, "REPORTGEN_RED_TEAM": str(folder)}
    closing = case.close

    def before():
        for fd in closing:
            os.close(fd)

    with open(case.env.get("RED_TEAM_STDOUT", folder / "stdout"), "wb") as out, open(folder / "stderr", "wb") as err:
        streams = {"stdin": subprocess.DEVNULL, "stdout": out, "stderr": err}
        for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
            if fd in closing:
                streams[name] = None  # inherited, then closed in the child
        child = subprocess.Popen([sys.executable, "-m", "reportgen", *case.argv], cwd=folder, env=env,
                                 preexec_fn=before, **streams)  # noqa: PLW1509 - no threads here
        if case.kill:
            signum, after = case.kill
            time.sleep(after)
            child.send_signal(signum)
        try:
            code = child.wait(timeout=600)
        except subprocess.TimeoutExpired:
            child.kill()
            code = child.wait()
    if case.kill and case.kill[0] == signal.SIGKILL:
        deadline = time.monotonic() + 10
        while _marked(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = _marked(marker)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        case.outcome["alive_10s_after_kill"] = len(alive)
    return 128 - code if code < 0 else code


def _marked(marker: str) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.add(int(entry.name))
        except OSError:
            continue
    return found


def judge(case: Case, folder: Path, code: int) -> None:
    err = (folder / "stderr").read_bytes().decode("utf-8", "replace") if (folder / "stderr").exists() else ""
    traced = "Traceback" in err or "panicked" in err
    lines = [line for line in err.splitlines() if line.startswith("Error")]  # progress lines are not errors
    left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith(".tmp") or p.name.startswith(".staging-"))
    case.outcome["exit"] = code
    problem = case.check(case, folder) if case.check else None
    problems = [p for p in (
        f"exit {code}" if code not in case.allowed else None,
        "traceback" if traced else None,
        f"{len(lines)} lines on stderr" if code not in (0,) and len(lines) > 1 and not traced else None,
        f"left {left[:3]}" if left else None,
        f"{case.outcome.get('alive_10s_after_kill')} processes alive 10 s after SIGKILL"
        if case.outcome.get("alive_10s_after_kill") else None,
        problem) if p]
    case.outcome.update(exit=code, traceback=traced, left=left, problems=problems,
                        stderr=err.strip().splitlines()[-1][:200] if err.strip() else "")


# --- the cases -------------------------------------------------------------------------------------------------

def _base_results() -> dict:
    import factories

    from reportgen import results as R

    return json.loads(R.dumps(factories.results()))


def _write_json(path: Path, raw) -> None:
    path.write_text(json.dumps(raw), encoding="utf-8")


def mutation_cases(work: Path) -> list[Case]:
    """Schema-valid and invalid mutations of a results file, each rendered (HTML and PDF), compared, published."""
    base = _base_results()
    mutations = {}

    def odd_in(path_of):
        def change(raw, text):
            owner, key = path_of(raw)
            owner[key] = f"{owner[key]}{text}"
        return change

    fields = {"hostname": lambda r: (r["system"], "hostname"), "cpu_model": lambda r: (r["system"], "cpu_model"),
              "learner label": lambda r: (r["data_scale"]["learners"][0], "label"),
              "compute device": lambda r: (r["compute"]["steps"][0], "device"),
              "profile name": lambda r: (r["settings"], "profile"),
              "command": lambda r: (r["settings"], "command"),
              "activation name": lambda r: (r["activations"]["gradients"][0], "activation"),
              "profile table name": lambda r: (r["settings"]["profile_table"], "name")}
    for field_name, where in fields.items():
        for char in ODD_CHARACTERS:
            mutations[f"{field_name} + {char!r}"] = lambda raw, w=where, c=char: odd_in(w)(raw, c)

    def deep(levels):
        value = {}
        for _ in range(levels):
            value = {"a": value}
        return value

    ds = lambda raw: raw["data_scale"]
    sized = {
        "nesting 30": lambda raw: raw["settings"]["profile_table"].update(deep=deep(29)),
        "nesting 600": lambda raw: raw["settings"]["profile_table"].update(deep=deep(600)),
        "label 10,000 characters": lambda raw: ds(raw)["learners"][0].update(label="x" * 10_000),
        "labels 100,000 characters": lambda raw: [x.update(label="x" * 100_000) for x in ds(raw)["learners"]],
        "100 learners": lambda raw: ds(raw)["learners"].extend(
            [dict(ds(raw)["learners"][0], name=f"extra{i}", label=f"Extra {i}") for i in range(96)]),
        "3,000 learners": lambda raw: ds(raw)["learners"].extend(
            [dict(ds(raw)["learners"][0], name=f"extra{i}", label=f"Extra {i}") for i in range(3000)]),
        "20,000 m values": lambda raw: ds(raw).update(m_values=list(range(20, 20_020))),
        "profile table of 200,000 entries": lambda raw: raw["settings"]["profile_table"].update(
            big=list(range(200_000))),
        "learner missing from learners": lambda raw: ds(raw)["learners"].pop(0),
        "learners emptied, fits kept": lambda raw: ds(raw).update(learners=[]),
        "fits emptied": lambda raw: ds(raw).update(fits=[]),
        "m values emptied": lambda raw: ds(raw).update(m_values=[]),
        "seeds emptied": lambda raw: ds(raw).update(seeds=[]),
        "data scale removed": lambda raw: raw.update(data_scale=None),
        "activations removed": lambda raw: raw.update(activations=None),
        "compute removed": lambda raw: raw.update(compute=None),
        "everything removed": lambda raw: raw.update(data_scale=None, activations=None, compute=None),
        "gradients emptied": lambda raw: raw["activations"].update(gradients=[]),
        "training runs emptied": lambda raw: raw["activations"].update(runs=[]),
        "compute steps emptied": lambda raw: raw["compute"].update(steps=[]),
        "matmuls emptied": lambda raw: raw["compute"].update(matmuls=[]),
        "shallow power law (flat curve)": lambda raw: [f.update(test_accuracy=0.5 + 1e-6 * f["m"] ** 0.001)
                                                         for f in ds(raw)["fits"]],
        "all accuracies 1": lambda raw: [f.update(test_accuracy=1.0) for f in ds(raw)["fits"]],
        "all accuracies 0": lambda raw: [f.update(test_accuracy=0.0) for f in ds(raw)["fits"]],
        "fit times 0": lambda raw: [f.update(fit_seconds=0.0, cpu_seconds=0.0) for f in ds(raw)["fits"]],
        "fit times 1e300": lambda raw: [f.update(fit_seconds=1e300, cpu_seconds=1e300) for f in ds(raw)["fits"]],
        "target accuracy 0.999999": lambda raw: ds(raw).update(target_accuracy=0.999999),
        "failure of an unknown experiment": lambda raw: raw.update(failures={"nonsense": "failed: x"}),
        "upper-case device": lambda raw: raw["settings"].update(device="CPU"),
        "schema version 1": lambda raw: raw.update(schema_version=1),
        "schema version 99": lambda raw: raw.update(schema_version=99),
        "a 5,000-digit seed": lambda raw: raw["settings"].update(seed=int("9" * 5000)),
        "negative time": lambda raw: raw["phases"].update(data=-1.0),
        "no JSON object": lambda raw: raw.clear(),
    }
    cases = []
    for name, change in mutations.items():
        cases.append(_render_case(work, "results: odd characters", name, base, change, ["--format", "html,pdf"]))
    for name, change in sized.items():
        cases.append(_render_case(work, "results: sizes and references", name, base, change,
                                  ["--format", "html,pdf"]))
        cases.append(_other_case(work, "results: sizes and references", name, base, change, "compare"))
        cases.append(_other_case(work, "results: sizes and references", name, base, change, "publish"))
    return cases


def _mutated_file(work: Path, base: dict, change, label: str) -> Path:
    import copy

    raw = copy.deepcopy(base)
    change(raw)
    path = work / "inputs" / f"{abs(hash(label))}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _render_case(work, kind, name, base, change, extra) -> Case:
    path = _mutated_file(work, base, change, kind + name)
    return Case(kind, f"render: {name}", ["render", str(path), "--out", "report", *extra])


def _other_case(work, kind, name, base, change, command) -> Case:
    path = _mutated_file(work, base, change, kind + name)
    good = work / "inputs" / "good.json"
    if not good.exists():
        _write_json(good, base)
    argv = (["compare", str(good), str(path), "--out", "compared"] if command == "compare"
            else ["publish", str(good), str(path), "--site", "site"])
    return Case(kind, f"{command}: {name}", argv, check=_site_consistent if command == "publish" else None)


def name_cases(work: Path, run: Path) -> list[Case]:
    """Every place a path is taken, given a name that is not UTF-8 (or holds a control character)."""
    cases = []
    for raw_name in ODD_NAMES:
        folder = work / "names" / raw_name.hex()
        folder.mkdir(parents=True, exist_ok=True)
        odd = f"{folder}/{os.fsdecode(raw_name)}"  # str with surrogate escapes: file calls take it as the bytes
        results = odd + ".json"
        shutil.copyfile(run / "results.json", results)
        profile = odd + ".toml"
        shutil.copyfile(MICRO, profile)
        dataset = odd + ".csv"
        Path(dataset).write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(200)),
                                 encoding="utf-8")
        data_profile = odd + "-data.toml"
        Path(data_profile).write_text(WORKERS.replace("STEPS", "5").replace("m = [40, 80, 120, 160]", "m = [40, 80]"),
                                      encoding="utf-8")
        resumable = odd + "-run"
        shutil.copytree(run, resumable)
        micro = ["--device", "cpu", "--threads", "1"]
        slots = {
            "render RESULTS": ["render", results, "--format", "html"],
            "render --out": ["render", str(run / "results.json"), "--out", odd + "-out", "--format", "html"],
            "compare FILES": ["compare", str(run / "results.json"), results, "--out", "compared"],
            "compare --out": ["compare", str(run / "results.json"), results, "--out", odd + "-cmp"],
            "compare --baseline PATH": ["compare", str(run / "results.json"), results, "--baseline", results,
                                        "--out", "compared"],
            "publish RUNS": ["publish", results, "--site", "site"],
            "publish --site": ["publish", str(run / "results.json"), "--site", odd + "-site"],
            "build --profile": ["build", *micro, "--profile", profile, "--out", "out"],
            "build --out": ["build", *micro, "--profile", str(MICRO), "--out", odd + "-build"],
            "build --baseline": ["build", *micro, "--profile", str(MICRO), "--baseline", results, "--out", "out"],
            "build --dataset": ["build", *micro, "--profile", data_profile, "--dataset", dataset, "--out", "out"],
            "build --resume": ["build", "--resume", resumable],
        }
        for slot, argv in slots.items():
            cases.append(Case("names not UTF-8", f"{slot} {raw_name!r}", argv))
        if raw_name == ODD_NAMES[0]:  # the same under the C locale, where Python's own file system encoding changes
            for slot, argv in slots.items():
                cases.append(Case("names not UTF-8", f"{slot} {raw_name!r} LANG=C", argv, fresh=True,
                                  env={"LANG": "C", "LC_ALL": "C"}))
    return cases


def stream_cases(run: Path, site_run: Path) -> list[Case]:
    commands = {
        "render": ["render", str(run / "results.json"), "--out", "report"],
        "compare": ["compare", str(run / "results.json"), str(run / "results.json"), "--out", "compared"],
        "publish": ["publish", str(site_run / "results.json"), "--site", "site"],
        "build": ["build", "--device", "cpu", "--threads", "2", "--profile", "workers.toml", "--out", "out"],
    }
    cases = []
    for command, argv in commands.items():
        for closed, fds in (("stdin", (0,)), ("stdout", (1,)), ("stderr", (2,)), ("all three", (0, 1, 2))):
            cases.append(Case("closed streams", f"{command} with {closed} closed", argv, fresh=True, close=fds,
                              check=_outputs(command)))
        cases.append(Case("closed streams", f"{command} with stdout on /dev/full", argv, fresh=True,
                          env={"RED_TEAM_STDOUT": "/dev/full"}, allowed=(0, 1, 2), check=_outputs(command)))
    return cases


def _outputs(command: str):
    """What a command must have written, streams closed or not."""
    def check(case: Case, folder: Path) -> str | None:
        wanted = {"render": ["report/report.html", "report/report.pdf"], "publish": ["site/index.html"],
                  "compare": [], "build": []}[command]
        if command == "build":
            runs = list((folder / "out").glob("*/results.json"))
            if not runs:
                return "no results.json"
            failures = json.loads(runs[0].read_text(encoding="utf-8"))["failures"]
            wanted = [str(runs[0].parent.relative_to(folder) / n) for n in ("report.html", "report.pdf")]
            if failures:
                return f"failed experiments: {failures}"
        missing = [w for w in wanted if not (folder / w).exists()]
        return f"missing {missing}" if missing else None
    return check


def signal_cases() -> list[Case]:
    cases = []
    argv = ["build", "--device", "cpu", "--threads", "2", "--profile", "long.toml", "--out", "out"]
    for signum, allowed in ((signal.SIGINT, (130,)), (signal.SIGTERM, (143,)), (signal.SIGKILL, (137,))):
        for after in (0.5, 3.0, 6.0):
            cases.append(Case("signals", f"build, {signum.name} at {after:g} s", argv, fresh=True,
                              kill=(signum, after), allowed=allowed))
    for command in (["render", "good.json", "--out", "report"], ["publish", "good.json", "--site", "site"]):
        for after in (1.0, 2.5):
            cases.append(Case("signals", f"{command[0]}, SIGTERM at {after:g} s", command, fresh=True,
                              kill=(signal.SIGTERM, after), allowed=(0, 143), check=_site_consistent))
    return cases


def publish_fault_cases(site_run: Path, other_run: Path) -> list[Case]:
    cases = []
    for existing in (False, True):
        for kind, ks in (("write", range(1, 9)), ("rename", range(1, 4))):
            for k in ks:
                argv = ["publish", str(other_run / "results.json"), "--site", "site"]
                cases.append(Case("publish: disk faults", f"{'existing' if existing else 'new'} site, {kind} {k} "
                                  "fails", argv, fault=(kind, k), check=_site_consistent,
                                  env={"RED_TEAM_SEED_SITE": str(site_run) if existing else ""}))
    for broken in ("compare.html", "index.html"):
        cases.append(Case("publish: disk faults", f"{broken} is a folder",
                          ["publish", str(other_run / "results.json"), "--site", "site"], check=_site_consistent,
                          env={"RED_TEAM_SEED_SITE": str(site_run), "RED_TEAM_FOLDER": broken}))
    return cases


def _site_consistent(case: Case, folder: Path) -> str | None:
    """Either the whole publish landed, or nothing of it did: the index lists exactly the runs in runs/."""
    import re

    site = folder / "site"
    if not site.exists():
        return None
    runs = {p.name for p in (site / "runs").iterdir() if not p.name.startswith(".")} if (site / "runs").is_dir() \
        else set()
    index = site / "index.html"
    listed = set(re.findall(r'runs/([^/"]+)/report\.html', index.read_text(encoding="utf-8"))) \
        if index.is_file() else set()
    before = case.outcome.get("site_before")
    if case.outcome.get("exit") not in (0, None) and before is not None and runs == set(before):
        return None  # refused, and the site is as it was (a broken one stays broken)
    if runs != listed:
        return f"runs in runs/ {sorted(runs - listed)} not in the index" if runs - listed else \
            f"index lists {sorted(listed - runs)} not in runs/"
    if case.outcome.get("exit") not in (0, None) and before is not None and runs != set(before):
        return "a failed publish changed the runs on the site"
    return None


def _prepare(case: Case, folder: Path, work: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "workers.toml").write_text(WORKERS.replace("STEPS", "5"), encoding="utf-8")
    (folder / "long.toml").write_text(WORKERS.replace("STEPS", "1000000"), encoding="utf-8")
    shutil.copyfile(work / "inputs" / "good.json", folder / "good.json")
    seed_site = case.env.get("RED_TEAM_SEED_SITE")
    if seed_site:
        template = work / "seeded-site"
        if not template.exists():
            subprocess.run([sys.executable, "-m", "reportgen", "publish", seed_site, "--site", str(template)],
                           check=True, capture_output=True)
        shutil.copytree(template, folder / "site")
        case.outcome["site_before"] = sorted(p.name for p in (folder / "site" / "runs").iterdir()
                                             if not p.name.startswith("."))
        if case.env.get("RED_TEAM_FOLDER"):
            target = folder / "site" / case.env["RED_TEAM_FOLDER"]
            target.unlink(missing_ok=True)
            target.mkdir()


# --- main ------------------------------------------------------------------------------------------------------

def micro_run(work: Path, name: str) -> Path:
    out = work / name
    subprocess.run([sys.executable, "-m", "reportgen", "build", "--device", "cpu", "--threads", "1", "--profile",
                    str(MICRO), "--out", str(out)], check=True, capture_output=True)
    (folder,) = out.iterdir()
    return folder


def at_least_one(text: str) -> int:
    """An argparse type: a count of 1 or more (0 or less would time nothing, then fail on an empty median)."""
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("output/red_team"))
    parser.add_argument("--jobs", type=at_least_one, default=2, help="forked cases run side by side")
    parser.add_argument("--only", action="append", help="run only the cases of this class (a prefix of its name; "
                        "may be given again)")
    args = parser.parse_args()
    sys.set_int_max_str_digits(0)
    work = Path(tempfile.mkdtemp(prefix="red-team-"))
    os.environ["REPORTGEN_CACHE"] = str(work / "cache")
    try:
        began = time.perf_counter()
        run, other = micro_run(work, "run-a"), micro_run(work, "run-b")
        cases = mutation_cases(work)
        cases += name_cases(work, run) + stream_cases(run, run) + signal_cases() + publish_fault_cases(run, other)
        if args.only:
            cases = [c for c in cases if c.kind.startswith(tuple(args.only))]
        import reportgen.cli
        import reportgen.publish
        import reportgen.render  # noqa: F401

        forked = [c for c in cases if not c.fresh]
        running: dict[int, tuple[Case, Path]] = {}
        for i, case in enumerate(cases):
            folder = work / "cases" / str(i)
            _prepare(case, folder, work)
            if case.fresh:
                judge(case, folder, run_fresh(case, folder))
        for i, case in enumerate(cases):
            if case.fresh:
                continue
            folder = work / "cases" / str(i)
            while len(running) >= args.jobs:
                _reap(running)
            running[_start(case, folder)] = (case, folder)
        while running:
            _reap(running)
        took = time.perf_counter() - began
        print(table(cases, took, len(forked)))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "red_team.json").write_text(json.dumps(
            [{"class": c.kind, "case": c.name, **{k: v for k, v in c.outcome.items()}} for c in cases], indent=1,
            ensure_ascii=True), encoding="utf-8")
        return 0 if all(not c.outcome["problems"] for c in cases) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _start(case: Case, folder: Path) -> int:
    pid = os.fork()
    if pid == 0:
        code = run_forked(case, folder)
        judge(case, folder, code)
        (folder / "outcome.json").write_text(json.dumps(case.outcome, ensure_ascii=True), encoding="utf-8")
        os._exit(0)
    return pid


def _reap(running: dict) -> None:
    pid, _ = os.wait()
    case, folder = running.pop(pid)
    try:
        case.outcome = json.loads((folder / "outcome.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        case.outcome = {"exit": None, "traceback": False, "left": [], "problems": ["the case runner died"]}


def table(cases: list[Case], took: float, forked: int) -> str:
    rows = defaultdict(list)
    for c in cases:
        rows[c.kind].append(c)
    lines = [f"{len(cases)} cases ({forked} forked, {len(cases) - forked} fresh processes) in {took:.0f} s", "",
             "| class | cases | pass | exit codes | tracebacks | left behind | other problems |",
             "|---|---|---|---|---|---|---|"]
    for kind, group in rows.items():
        codes = Counter(c.outcome["exit"] for c in group)
        other = sum(1 for c in group if any(not p.startswith(("exit", "traceback", "left")) for p in
                                            c.outcome["problems"]))
        lines.append(f"| {kind} | {len(group)} | {sum(not c.outcome['problems'] for c in group)} | "
                     + ", ".join(f"{k}: {n}" for k, n in sorted(codes.items(), key=lambda x: str(x[0])))
                     + f" | {sum(c.outcome['traceback'] for c in group)} | {sum(bool(c.outcome['left']) for c in group)}"
                     f" | {other} |")
    failed = [c for c in cases if c.outcome["problems"]]
    if failed:
        lines += ["", "Failing cases:"] + [f"- [{c.kind}] {c.name}: {'; '.join(c.outcome['problems'])} "
                                           f"({c.outcome.get('stderr', '')[:120]})" for c in failed]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
