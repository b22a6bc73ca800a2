"""Battery profiles: which experiments run, on what grids, with what budgets. Data, never code."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path

from reportgen.errors import UserError
from reportgen.files import read_regular
from reportgen.learners import ACTIVATIONS, LEARNERS, MODELS
from reportgen.limits import (
    MAX_ALLREDUCE_TOTAL,
    MAX_GRID,
    MAX_SCALING_EXAMPLES,
    MAX_WEIGHTS,
    MIN_TIMEOUT,
    PROFILE_LIMITS,
)
from reportgen.serde import RecordError, from_jsonable
from reportgen.text import printable

BUILT_IN = ("quick", "standard", "full")
MAX_PROFILE_BYTES = 1 << 20  # a profile is a page of settings
# float32's smallest normal number: training flushes denormals to 0 (training.prepare_cpu), so a smaller learning
# rate would train at 0, and the activations experiment's search order takes its logarithm
SMALLEST_RATE = 1.1754943508222875e-38
# A profile's tables besides [data], in run order, each with the title the report and the terminal give it.
EXPERIMENTS = {"data_scale": "Scale of data", "activations": "Sigmoid against ReLU", "compute": "Computation",
               "scaling": "Data-parallel training"}


class ProfileError(UserError):
    """A profile that cannot be read or has values out of range."""


@dataclass(frozen=True)
class DataSettings:
    test_size: int  # held-out examples no training or model selection touches


@dataclass(frozen=True)
class DataScaleSettings:
    m: list[int]  # training-set sizes, ascending
    seeds: int  # repeats per point, each with its own subset and initialisation
    learners: list[str]
    steps: int  # Adam steps per neural-net fit (a fixed budget, the same at every m)
    batch_size: int
    learning_rates: dict[str, float]  # Adam's rate for each neural learner
    svm_max_m: int  # the RBF SVM's fit grows faster than m: it is not run above this
    target_accuracy: float | None = None  # the accuracy whose data needs the power-law fit projects
    learning_rate_selection: str = ""  # how the nets' rates were chosen: on a validation split, never the test set
    stop_window: int = 0  # a net stops once this many consecutive minibatches had no error (0: never stops early)
    learning_rate_grid: list[float] = field(default_factory=list)  # the rates the nets' `learning_rates` were
    # chosen from (empty: not chosen from a grid), so that a rate at the grid's edge is flagged
    bf16_m: int = 0  # the large MLP trained again at this m under bf16 autocast, per seed, for its accuracy (0: not)


@dataclass(frozen=True)
class ActivationsSettings:
    activations: list[str]
    width: int  # hidden units per layer
    depths: list[int]  # hidden layers, for the gradient profile at initialisation
    gradient_batch: int
    trained_steps: int  # the gradient profile is measured again after this many steps at the best rate
    train_depth: int  # hidden layers of the net trained to the target
    train_examples: int
    target_accuracy: float  # training accuracy to reach
    max_steps: int  # a run that has not reached the target by then is "not reached"
    learning_rates: list[float]  # the grid searched for each activation
    seeds: int
    eval_every: int


@dataclass(frozen=True)
class ComputeSettings:
    models: list[str]
    batch_sizes: list[int]
    matmul_sizes: list[int]
    max_seconds: float  # time cap per workload once warm
    loop_steps: int  # steps of one training experiment, for the idea-code-experiment loop in words
    min_seconds: float = 0.0  # time each workload at least this long, so one slow moment of the machine counts less


@dataclass(frozen=True)
class ScalingSettings:
    max_world_size: int  # workers at most: one per GPU on CUDA; on a CPU each of n workers gets threads // n
    allreduce_bytes: list[int]  # message sizes, float32 (a multiple of 4)
    allreduce_warmup: int  # untimed all-reduces per size first
    allreduce_repeats: int  # timed all-reduces per size: the median and its spread
    models: list[str]  # trained under DistributedDataParallel
    batch_size: int  # per worker in weak scaling; the global batch in strong scaling
    warmup_steps: int  # untimed steps per configuration, in its first round
    steps: int  # timed steps per configuration and round, synchronised and under no_sync() each
    rounds: int  # interleaved visits of every configuration: same-round pairs decide the verdict
    timeout_seconds: float = 60.0  # a worker that makes no progress this long is taken as hung


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    data: DataSettings
    data_scale: DataScaleSettings | None = None
    activations: ActivationsSettings | None = None
    compute: ComputeSettings | None = None
    scaling: ScalingSettings | None = None


def profile_path(name_or_path: str) -> Path:
    if name_or_path in BUILT_IN:
        return Path(str(resources.files("reportgen.profiles") / f"{name_or_path}.toml"))
    return Path(name_or_path)


def load_profile(name_or_path: str) -> tuple[Profile, dict]:
    """The checked profile and its raw table (recorded in results.json as the run's settings)."""
    path = profile_path(name_or_path)
    try:
        there = path.exists()
    except OSError as error:  # a name too long: not a failure to write, as the command line had said
        raise ProfileError(f"profile '{printable(name_or_path[:60])}...': {error.strerror or error}") from None
    if not name_or_path or not there:
        raise ProfileError(f"profile '{name_or_path}' not found (built in: {', '.join(BUILT_IN)}, or a .toml path)")
    try:  # a FIFO or /dev/zero given as a profile would wait or read forever
        raw = tomllib.loads(read_regular(path, MAX_PROFILE_BYTES, "not a profile").decode("utf-8"))
    except UserError as error:
        raise ProfileError(f"profile: {error}")
    except UnicodeDecodeError as error:
        raise ProfileError(f"cannot read profile {path}: {error}")
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"profile {path} is not valid TOML: {error}")
    return parse_profile(raw, str(path)), raw


def parse_profile(raw: dict, source: str) -> Profile:
    """A profile from its table, as read from TOML or as recorded in a run's checkpoint."""
    tables = [key for key, value in raw.items() if isinstance(value, dict)]
    unknown = [key for key in tables if key not in ("data", *EXPERIMENTS)]
    if unknown:
        raise ProfileError(f"profile {source} names an unknown experiment {unknown[0]!r} "
                           f"(known: {', '.join(EXPERIMENTS)})")
    bad = _non_finite(raw, "profile")
    if bad:  # TOML has inf and nan; an inf budget ran the whole battery, then broke writing results.json
        raise ProfileError(f"profile {source}: {bad} is not a finite number")
    try:
        profile = from_jsonable(Profile, raw, "profile")
    except RecordError as error:
        raise ProfileError(f"profile {source}: {error}")
    _check(profile)
    return profile


def _non_finite(value, path: str) -> str | None:
    """The path of the first inf or nan in a profile's table, if any."""
    if isinstance(value, float) and not math.isfinite(value):
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found:
            return found
    return None


def with_target(profile: Profile, table: dict, target_accuracy: float | None) -> tuple[Profile, dict]:
    """The profile and its table with the data-scale target accuracy given on the command line, if any.

    The table as recorded in results.json carries the target, so that a resumed run projects to the same one.
    """
    if target_accuracy is None or profile.data_scale is None:
        return profile, table
    return (replace(profile, data_scale=replace(profile.data_scale, target_accuracy=target_accuracy)),
            {**table, "data_scale": {**table["data_scale"], "target_accuracy": target_accuracy}})


def _check(p: Profile) -> None:
    problems = []

    def need(ok: bool, message: str):
        if not ok:
            problems.append(message)

    def once(values: list, name: str):  # a repeat would be run, and counted, twice
        need(len(set(values)) == len(values), f"{name} lists {_repeated(values)!r} twice")

    need(p.data.test_size >= 100, "data.test_size must be at least 100")
    if p.data_scale:
        s = p.data_scale
        need(bool(s.m) and all(m >= 20 for m in s.m), "data_scale.m must list sizes of at least 20")
        need(s.m == sorted(set(s.m)), "data_scale.m must be ascending without repeats")
        need(s.seeds >= 1, "data_scale.seeds must be at least 1")
        need(bool(s.learners), "data_scale.learners must not be empty")
        need(all(x in LEARNERS for x in s.learners), f"data_scale.learners: known are {', '.join(LEARNERS)}")
        once(s.learners, "data_scale.learners")
        need(s.steps >= 1 and s.batch_size >= 1, "data_scale budgets must be positive")
        nets = [x for x in s.learners if x in MODELS]
        unrated = [x for x in nets if not s.learning_rates.get(x, 0) >= SMALLEST_RATE]
        need(not unrated, f"data_scale.learning_rates needs a positive rate (at least {SMALLEST_RATE:.2g}) for each "
                          f"net, and has none for {', '.join(unrated)}")
        need(s.target_accuracy is None or 0 < s.target_accuracy < 1, "data_scale.target_accuracy must lie in (0, 1)")
        need(s.svm_max_m >= 0, "data_scale.svm_max_m must not be negative")
        need("svm_rbf" not in s.learners or not s.m or s.svm_max_m >= s.m[0],  # else listed, and never fitted
             f"data_scale.svm_max_m ({s.svm_max_m:,}) is below every m, so the RBF SVM would never run: set it to "
             f"at least {s.m[0] if s.m else 0:,}, or leave svm_rbf out of data_scale.learners")
        need(s.stop_window >= 0, "data_scale.stop_window must not be negative")
        need(s.bf16_m == 0 or s.bf16_m in s.m, "data_scale.bf16_m must be 0 or one of data_scale.m")
    if p.activations:
        a = p.activations
        need(bool(a.activations) and all(x in ACTIVATIONS for x in a.activations),
             f"activations.activations: known are {', '.join(ACTIVATIONS)}")
        once(a.activations, "activations.activations")
        once(a.depths, "activations.depths")
        once(a.learning_rates, "activations.learning_rates")
        need(bool(a.depths) and all(d >= 1 for d in a.depths), "activations.depths must be at least 1")
        need(a.width >= 1 and a.gradient_batch >= 1 and a.train_depth >= 1, "activations sizes must be positive")
        need(a.trained_steps >= 0, "activations.trained_steps must not be negative")
        need(a.train_examples >= 10 and a.max_steps >= 1 and a.eval_every >= 1,
             "activations budgets must be positive")
        need(0 < a.target_accuracy <= 1, "activations.target_accuracy must lie in (0, 1]")
        need(bool(a.learning_rates), "activations.learning_rates must not be empty")
        need(all(lr >= SMALLEST_RATE for lr in a.learning_rates),
             f"activations.learning_rates must be positive (at least {SMALLEST_RATE:.2g})")
        need(a.seeds >= 1, "activations.seeds must be at least 1")
    if p.compute:
        c = p.compute
        need(bool(c.models) and all(x in MODELS for x in c.models), f"compute.models: known are {', '.join(MODELS)}")
        once(c.models, "compute.models")
        once(c.batch_sizes, "compute.batch_sizes")
        once(c.matmul_sizes, "compute.matmul_sizes")
        need(bool(c.batch_sizes) and all(b >= 1 for b in c.batch_sizes), "compute.batch_sizes must be positive")
        need(all(n >= 1 for n in c.matmul_sizes), "compute.matmul_sizes must be positive")
        need(c.max_seconds > 0, "compute.max_seconds must be positive")
        need(0 <= c.min_seconds <= c.max_seconds, "compute.min_seconds must lie between 0 and max_seconds")
        need(c.loop_steps >= 1, "compute.loop_steps must be at least 1")
    if p.scaling:
        _check_scaling(p.scaling, need, once)
    problems += _past_limits(p)
    if problems:
        raise ProfileError("; ".join(problems))


def _check_scaling(s: ScalingSettings, need, once) -> None:
    need(s.max_world_size >= 1, "scaling.max_world_size must be at least 1")
    need(bool(s.allreduce_bytes) and all(b >= 4 and b % 4 == 0 for b in s.allreduce_bytes),
         "scaling.allreduce_bytes must be multiples of 4 (float32), at least 4")
    once(s.allreduce_bytes, "scaling.allreduce_bytes")
    need(s.allreduce_warmup >= 0 and s.warmup_steps >= 0, "scaling warm-ups must not be negative")
    need(s.allreduce_repeats >= 1 and s.steps >= 1 and s.batch_size >= 1, "scaling counts must be positive")
    need(s.rounds >= 1, "scaling.rounds must be at least 1")
    need(bool(s.models) and all(x in MODELS for x in s.models),
         f"scaling.models must name one model or more, out of {', '.join(MODELS)}")
    once(s.models, "scaling.models")
    need(s.timeout_seconds >= MIN_TIMEOUT, f"scaling.timeout_seconds must be at least {MIN_TIMEOUT:g} (the workers' "
         "start-up and rendezvous take about a second)")


def _past_limits(p: Profile) -> list[str]:
    """Values past the generous bounds of limits.py: each would run for days or run out of memory part-way."""
    past = []
    for key, limit in PROFILE_LIMITS.items():
        table, name = key.split(".")
        values = getattr(getattr(p, table) or {}, name, [])
        values = values if isinstance(values, list) else [values]
        if values and max(values) > limit:
            past.append(f"{key} = {max(values):,} is past the limit of {limit:,}")
    lists = {f"{table}.{f.name}": getattr(getattr(p, table), f.name) for table in EXPERIMENTS if getattr(p, table)
             for f in fields(getattr(p, table)) if isinstance(getattr(getattr(p, table), f.name), list | dict)}
    past += [f"{key} lists {len(values):,} values, past the limit of {MAX_GRID}" for key, values in lists.items()
             if len(values) > MAX_GRID]
    sc = p.scaling
    if sc and sc.allreduce_bytes and max(sc.allreduce_bytes) * sc.max_world_size > MAX_ALLREDUCE_TOTAL:
        past.append(f"scaling: a message of {max(sc.allreduce_bytes):,} bytes on each of {sc.max_world_size:,} workers "
                    f"is past the limit of {MAX_ALLREDUCE_TOTAL:,} bytes in all")
    if sc and sc.batch_size * sc.max_world_size > MAX_SCALING_EXAMPLES:
        past.append(f"scaling: a batch of {sc.batch_size:,} on each of {sc.max_world_size:,} workers is past the "
                    f"limit of {MAX_SCALING_EXAMPLES:,} examples per step in all")
    a = p.activations
    if a and a.depths and a.width**2 * max(*a.depths, a.train_depth) > MAX_WEIGHTS:
        past.append(f"activations.width = {a.width:,} at depth {max(*a.depths, a.train_depth):,} makes a net of about "
                    f"{a.width**2 * max(*a.depths, a.train_depth):,} weights, past the limit of {MAX_WEIGHTS:,}")
    return past


def _repeated(values: list):
    return next((v for i, v in enumerate(values) if v in values[:i]), None)
