"""results.json: the versioned contract between running the battery and rendering the report.

Everything the report shows can be re-rendered from this file alone.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.data import DataInfo
from reportgen.experiments.activations import ActivationsResult
from reportgen.experiments.compute import ComputeResult
from reportgen.experiments.data_scale import DataScaleResult
from reportgen.serde import RecordError, from_jsonable, to_jsonable
from reportgen.system import SystemInfo

SCHEMA_VERSION = 1


class ResultsError(ValueError):
    """A results file that cannot be loaded, with the reason in one line."""


@dataclass(frozen=True)
class RunSettings:
    profile: str  # the profile's name
    profile_table: dict[str, Any]  # the profile as read, so the run can be repeated exactly
    device: str
    device_reason: str
    seed: int
    threads: int
    command: str  # the command line that reproduces the run


@dataclass(frozen=True)
class Results:
    schema_version: int
    tool: str
    tool_version: str
    created_utc: str  # ISO 8601, UTC
    system: SystemInfo
    settings: RunSettings
    phases: dict[str, float]  # seconds per phase (data, then each experiment)
    data: DataInfo | None = None
    data_scale: DataScaleResult | None = None
    activations: ActivationsResult | None = None
    compute: ComputeResult | None = None
    failures: dict[str, str] = field(default_factory=dict)  # experiment -> why it has no record

    def done(self, experiment: str) -> bool:
        return getattr(self, experiment) is not None


def dumps(results: Results) -> str:
    return json.dumps(to_jsonable(results), indent=2, allow_nan=False) + "\n"


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and a rename: a half-written file never replaces a good one.

    A full disk, Ctrl-C or a crash part-way leaves the old file (if any) and no temporary file behind.
    """
    mode = "wb" if isinstance(text, bytes) else "w"
    with tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                     delete=False, **({} if mode == "wb" else {"encoding": "utf-8"})) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())  # on disk before the rename, so a power cut cannot leave an empty file
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp.name, 0o666 & ~umask)  # a temporary file is private; the result should not be
        os.replace(tmp.name, path)
    except BaseException:
        Path(tmp.name).unlink(missing_ok=True)
        raise


def save(results: Results, path: Path) -> None:
    write_atomically(path, dumps(results))


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: str, source: str = "results") -> Results:
    try:
        raw = json.loads(text, parse_float=_finite, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ResultsError(f"{source} is not valid JSON ({error.msg} at line {error.lineno})")
    except (ValueError, RecursionError) as error:  # NaN, 1e999, a 5000-digit integer, nesting too deep
        raise ResultsError(f"{source} is not valid JSON ({error})")
    if not isinstance(raw, dict):
        raise ResultsError(f"{source} is not a reportgen results file (no JSON object)")
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ResultsError(f"{source} is not a reportgen results file (no schema_version)")
    if version != SCHEMA_VERSION:
        raise ResultsError(f"{source} has schema version {version}; this reportgen reads version {SCHEMA_VERSION}")
    try:
        return from_jsonable(Results, raw)
    except (RecordError, TypeError, ValueError) as error:
        raise ResultsError(f"{source} is invalid: {error}")


def load(path: Path) -> Results:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"cannot read {path}: {error}")
    return loads(text, str(path))
