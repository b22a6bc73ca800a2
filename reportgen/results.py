"""results.json: the versioned contract between running the battery and rendering the report.

Everything the report shows can be re-rendered from this file alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen import schema
from reportgen.errors import UserError
from reportgen.files import read_regular, write_atomically
from reportgen.limits import results_past_limits
from reportgen.records.activations import INITS, ActivationsResult
from reportgen.records.compute import ComputeResult
from reportgen.records.data import DataInfo
from reportgen.records.data_scale import DataScaleResult
from reportgen.records.scaling import ScalingResult
from reportgen.records.system import SystemInfo
from reportgen.serde import RecordError, from_jsonable, member, to_jsonable
from reportgen.text import printable_tree

SCHEMA_VERSION = 7


def _v3_to_v4(raw: dict) -> dict:
    """Version 4 added the data-scale experiment's `grids` (each traditional learner's settings searched by
    cross-validation) and recorded the SVM's gamma as a multiple of 'scale'. A version-3 file takes no grids (so no
    choice is flagged at a grid's edge) and keeps its fits' `chosen` as they were: its SVM's absolute gamma was
    searched on a grid the file does not name."""
    return raw


def _v4_to_v5(raw: dict) -> dict:
    """Version 5 added the CPU's training features (system.cpu_features, .torch_cpu, .bf16_unit), the CPU's bf16
    timings with why they were not taken (compute.bf16_unit, .bf16_not_timed) and the bf16 accuracy check
    (data_scale.bf16_fits, .bf16_not_run). A version-4 file recorded none of them and timed the CPU in fp32 only: the
    defaults (features not read, no bf16 timings, no check) describe it as it is."""
    return raw


def _v5_to_v6(raw: dict) -> dict:
    """Version 6 added the scaling experiment (all-reduce bandwidth and data-parallel training steps) as an
    optional record, `scaling`. A version-5 file has none, and takes None: not run."""
    return raw


def _v6_to_v7(raw: dict) -> dict:
    """Version 7 stops a training run of the activations experiment once its rate can no longer be the best, and
    records the rate that outpaced it (`outpaced_by`), and names a failed run's initialisation (`init`). A
    version-6 file ran every run to the target or the step budget, and takes None for both: not stopped so, and
    not recorded."""
    return raw


# version N -> the function that turns a version-N file (its raw JSON object) into version N + 1. A format change
# bumps SCHEMA_VERSION and adds the step from the previous version here, so that older files still load.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {
    # 2 added settings.allocator, system.virtual, compute.min_seconds and .rounds, and each timing's
    # round_medians_s; a version-1 file has none of them and takes their defaults (the platform's allocator, not
    # known to be virtual, one round, no minimum time).
    1: lambda raw: raw,
    # 3 added, with defaults that describe a version-2 file: each gradient profile's and training run's
    # initialisation ("default") and its per-sample ratios (none: one sample).
    # 3 added settings.threads_reason and the precision of the data-scale and activation experiments (a version-2
    # file takes None: not recorded); per data-scale fit, its CPU time and the steps a net took, and to the
    # experiments their failed fits, worker processes and threads, batched nets and stop rule (a version-2 file
    # takes the defaults: wall times only, one fit at a time, no ensembles, no early stopping).
    2: lambda raw: raw,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
}


class ResultsError(UserError):
    """A results file that cannot be loaded, with the reason in one line."""


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    profile: str  # the profile's name
    profile_table: dict[str, Any]  # the profile as read, so the run can be repeated exactly
    device: str
    device_reason: str
    seed: int
    threads: int
    command: str  # the command line that reproduces the run
    dataset: DataInfo | None = None  # the file given with --dataset, on which data_scale ran instead of MNIST-1D
    allocator: str | None = None  # what was set on the C allocator for the run; None: the platform's default
    threads_reason: str | None = None  # where the thread count came from (--threads, or which CPU limit applied)


@dataclass(frozen=True, kw_only=True)
class Baseline:
    """Another machine's computation results, given with --baseline, to set this machine's beside."""

    machine: str
    created_utc: str
    compute: ComputeResult


@dataclass(frozen=True, kw_only=True)
class Results:
    """One run of the battery: the envelope (version, time, tool, machine, settings) and one entry per experiment."""

    schema_version: int  # the version of this format; older files are migrated on loading, newer ones refused
    tool: str  # "reportgen"
    tool_version: str  # the reportgen that ran the battery
    created_utc: str  # ISO 8601, UTC
    system: SystemInfo
    settings: RunSettings
    phases: dict[str, float]  # seconds per phase (data, then each experiment)
    data: DataInfo | None = None
    data_scale: DataScaleResult | None = None
    activations: ActivationsResult | None = None
    compute: ComputeResult | None = None
    scaling: ScalingResult | None = None
    baseline: Baseline | None = None
    failures: dict[str, str] = field(default_factory=dict)  # experiment -> why it failed and has no record

    def done(self, experiment: str) -> bool:
        return getattr(self, experiment) is not None


def generated_schema() -> dict:
    """The JSON Schema of results.json as the records define it now (shipped as reportgen/results.schema.json)."""
    return schema.generate(Results, SCHEMA_VERSION, f"reportgen results.json, schema version {SCHEMA_VERSION}")


def dumps(results: Results) -> str:
    return json.dumps(to_jsonable(results), indent=2, allow_nan=False) + "\n"


def save(results: Results, path: Path) -> None:
    write_atomically(path, dumps(results))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _integer(text: str) -> int:
    value = int(text)
    if abs(value) > MAX_INTEGER:
        raise ValueError(f"integer {text[:20]}{'...' if len(text) > 20 else ''} is out of range")
    return value


MAX_INTEGER = 2**63  # no count, size or seed reaches this; a larger one would not even convert to a float
FREE_FORM = ("profile_table", "generator_args")  # settings as given, checked by the profile and data loaders


def implausible(raw, path: str = "$", bound: str | None = None) -> str | None:
    """The first number no measurement can take, with its JSON path; None when there is none.

    Every number a results file records is a count, a size, a seed, a time, a rate or a share, so none can be
    negative; accuracies and shares of saturated units lie in [0, 1]; a training-set size m (a field "m", or one
    of "m_values"), a world size, a count of repeats or rounds and a batch are at least 1 (AT_LEAST_ONE). The schema says only "a number": a file that breaks these would render nonsense
    (a size of 0 has no logarithm), so it is refused at load.
    """
    if isinstance(raw, dict):
        children = ((member(path, k), v, _bound(k)) for k, v in raw.items() if k not in FREE_FORM)
    elif isinstance(raw, list):
        children = ((member(path, i), v, bound) for i, v in enumerate(raw))
    else:
        if not _is_number(raw):
            return None
        if raw < 0:
            return f"{path}: {raw} is negative, and no count, time or share can be"
        if bound in AT_LEAST_ONE and raw < 1:
            return f"{path}: {raw} is below 1, and {AT_LEAST_ONE[bound]} cannot be"
        return f"{path}: {raw} is above 1, and an accuracy or share cannot be" if bound == "share" and raw > 1 else None
    return next((found for where, value, limit in children if (found := implausible(value, where, limit))),
                None)


# Fields whose numbers are at least 1, and what each is: a training-set size, a number of workers, a count of
# timed repeats or rounds, a batch. A 0 there renders a logarithm of 0 or a division by it, or reads as nonsense
# ("each 0 / n of the run's 0 threads").
AT_LEAST_ONE = {"m": "a training-set size m", "m_values": "a training-set size m", "world_size": "a world size",
                "world_sizes": "a world size", "repeats": "a count of timed repeats", "rounds": "a count of rounds",
                "batch_size": "a batch", "batch_per_worker": "a batch", "threads_per_worker": "a thread count"}


def _bound(key: str) -> str | None:
    """What bounds a field's numbers besides 0: "share" (at most 1), a key of AT_LEAST_ONE, or nothing."""
    if key.endswith("accuracy") or key == "saturated":
        return "share"
    return key if key in AT_LEAST_ONE else None
def unknown_learner(raw: dict) -> str | None:
    """The first fit of a learner the file does not describe: the report names and counts each fit's learner."""
    r = raw.get("data_scale")
    if not isinstance(r, dict):
        return None
    known = {x.get("name") for x in r.get("learners", []) if isinstance(x, dict)}
    for kind in ("fits", "failed", "bf16_fits"):
        for i, fit in enumerate(r.get(kind, [])):
            if isinstance(fit, dict) and fit.get("learner") not in known:
                return (f"$.data_scale.{kind}[{i}].learner: {str(fit.get('learner'))[:40]!r} is not among "
                        "$.data_scale.learners")
    return None


def clashing_fit(raw: dict) -> str | None:
    """The first fit that a seed-paired comparison would misread: a second fit of the same learner, m and seed
    (which of the two a pair takes would be arbitrary), or a fit of a seed not among $.data_scale.seeds (counted in a
    mean, never paired)."""
    r = raw.get("data_scale")
    if not isinstance(r, dict) or not isinstance(r.get("seeds"), list):
        return None
    seeds = set(r["seeds"])
    for kind in ("fits", "failed", "bf16_fits"):
        seen = set()
        for i, fit in enumerate(r.get(kind, [])):
            if not isinstance(fit, dict):
                continue
            key = (fit.get("learner"), fit.get("m"), fit.get("seed"))
            if fit.get("seed") not in seeds:
                return f"$.data_scale.{kind}[{i}].seed: {str(fit.get('seed'))[:20]} is not among $.data_scale.seeds"
            if key in seen and kind != "failed":
                return (f"$.data_scale.{kind}[{i}]: a second fit of {str(key[0])[:40]!r} at m = {key[1]} in seed "
                        f"{key[2]}")
            seen.add(key)
    return None


def misread_run(raw: dict) -> str | None:
    """The first training run of the activations experiment that the report would misstate: an initialisation it
    has no words for, or a run marked stopped (outpaced_by) that cannot have been: one that reached the target,
    diverged or ran its whole budget, or one outpaced by a rate off the grid, by its own, or by a rate whose runs
    did not all reach the target in no more steps together than it took."""
    r = raw.get("activations")
    if not isinstance(r, dict) or not all(isinstance(r.get(k), list) for k in ("runs", "failed", "seeds")):
        return None
    for kind in ("runs", "failed"):
        for i, run in enumerate(r[kind]):
            if isinstance(run, dict) and run.get("init") not in (*INITS, *((None,) if kind == "failed" else ())):
                return f"$.activations.{kind}[{i}].init: {str(run.get('init'))[:40]!r} is not an initialisation"
    runs = [x for x in r["runs"] if isinstance(x, dict)]
    for i, run in enumerate(runs):
        rival = run.get("outpaced_by")
        if rival is None:
            continue
        where = f"$.activations.runs[{i}].outpaced_by"
        if rival not in r.get("learning_rates", []) or rival == run.get("learning_rate"):
            return f"{where}: {rival} is not another rate of $.activations.learning_rates"
        last = run["curve"][-1]["step"] if run.get("curve") else 0
        if run.get("steps_to_target") is not None or run.get("diverged") or last >= r.get("max_steps", 0):
            return f"{where}: a run that reached the target, diverged or ran its whole budget was not stopped"
        steps = [x.get("steps_to_target") for x in runs if (x.get("activation"), x.get("init"), x.get("learning_rate"))
                 == (run.get("activation"), run.get("init"), rival)]
        if len(steps) < len(r["seeds"]) or None in steps or sum(steps) > last:
            return (f"{where}: the runs at rate {rival} did not all reach the target in at most {last:,} steps "
                    "together, so they cannot have stopped this run")
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def loads(text: str, source: str = "results") -> Results:
    try:
        raw = json.loads(text, parse_float=_finite, parse_int=_integer, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ResultsError(f"{source} is not valid JSON ({error.msg} at line {error.lineno})")
    except (ValueError, RecursionError) as error:  # NaN, 1e999, a 5000-digit integer, nesting too deep
        raise ResultsError(f"{source} is not valid JSON ({error})")
    if not isinstance(raw, dict):
        raise ResultsError(f"{source} is not a reportgen results file (no JSON object)")
    past = results_past_limits(raw)  # first: the nesting must be measured before anything recurses into it
    if past:
        raise ResultsError(f"{source} holds more than a reportgen results file can: {past}")
    raw = printable_tree(raw)  # a lone surrogate or a control character in a string could not be rendered
    version = raw.get("schema_version")
    if isinstance(version, str) and version.strip().isdigit():
        raise ResultsError(f"{source} is invalid: $.schema_version: expected an integer, got str")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ResultsError(f"{source} is not a reportgen results file (no schema_version)")
    if version > SCHEMA_VERSION:
        raise ResultsError(f"{source} has schema version {version}, newer than this reportgen reads "
                           f"({SCHEMA_VERSION}): upgrade reportgen to read it")
    raw = migrate(raw, source)
    bad = (schema.problem(raw) or implausible(raw) or unknown_learner(raw) or clashing_fit(raw)
           or misread_run(raw))
    if bad:
        raise ResultsError(f"{source} is invalid: {bad}")
    try:
        return from_jsonable(Results, raw)
    except (RecordError, TypeError, ValueError) as error:
        raise ResultsError(f"{source} is invalid: {error}")


def migrate(raw: dict, source: str = "results") -> dict:
    """Bring a file of an older schema version up to SCHEMA_VERSION, one version at a time."""
    version = raw["schema_version"]
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise ResultsError(f"{source} has schema version {version}, which this reportgen cannot migrate to "
                               f"version {SCHEMA_VERSION}")
        raw = {**MIGRATIONS[version](raw), "schema_version": version + 1}
        version += 1
    return raw


MAX_RESULTS_BYTES = 256 << 20  # a real results.json is well under a megabyte


def load(path: Path) -> Results:
    """A results.json, or the results a reportgen PDF carries as its attachment."""
    return loads(read_text(Path(path)), str(path))


def read_text(path: Path) -> str:
    """The text of a results file, or of the results.json a report PDF carries (a PDF known by its first bytes
    too, so a report saved without its suffix reads). A FIFO, a device (/dev/zero) or a huge file is refused
    unread."""
    try:
        data = read_regular(path, MAX_RESULTS_BYTES, "not a reportgen results file")
    except UserError as error:
        raise ResultsError(str(error)) from None
    if path.suffix.lower() == ".pdf" or data.startswith(b"%PDF-"):
        return _attachment(path, data)
    try:
        return data.decode("utf-8-sig")  # -sig: a byte-order mark some editors add is not part of the JSON
    except UnicodeDecodeError as error:
        raise ResultsError(f"cannot read {path}: it is not UTF-8 text ({error.reason} at byte {error.start})")


def _attachment(path: Path, data: bytes) -> str:
    import io
    import logging
    import warnings

    from pypdf import PdfReader

    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # its warnings about a damaged file would precede our one line
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            attached = PdfReader(io.BytesIO(data)).attachments.get("results.json")
    except Exception as error:  # noqa: BLE001 - any fault of a damaged or unsupported PDF (pypdf raises many kinds)
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise ResultsError(f"cannot read {path} as a PDF: {reason}") from None
    finally:
        pypdf_log.setLevel(level)
    if not attached:
        raise ResultsError(f"{path} carries no results.json (it was not made by reportgen 0.1 or later)")
    try:
        return attached[0].decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: its results.json attachment is not UTF-8 text")
