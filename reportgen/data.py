"""MNIST-1D, generated locally and cached on disk, split into a training pool and a fixed held-out test set."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reportgen.files import cache_dir, write_atomically
from reportgen.records.data import DataInfo

GENERATOR = "mnist1d.data.make_dataset"



@dataclass(frozen=True)
class Dataset:
    x_pool: np.ndarray  # float32 (n, 40): training examples are drawn from here
    y_pool: np.ndarray  # int64
    x_test: np.ndarray  # held out: no training or model selection touches it
    y_test: np.ndarray
    info: DataInfo


def mnist1d(pool_size: int, test_size: int, cache: Path | None = None) -> Dataset:
    """A pool of at least `pool_size` training examples and exactly `test_size` test examples.

    The published generator settings are kept except the sample count, so examples follow the published
    distribution; a larger count gives a different sample, not a superset of the published 4000/1000 split.
    """
    from mnist1d.data import get_dataset_args  # imported here: mnist1d pulls in matplotlib

    args = get_dataset_args(as_dict=True)
    args.pop("url")  # never used: we generate, we do not download
    total = -(-(pool_size + test_size) // 10) * 10  # the generator makes equal counts of the 10 classes
    args["num_samples"] = total
    args["train_split"] = 1.0  # we split off the test set ourselves, by count
    key = hashlib.sha256(json.dumps(args, sort_keys=True).encode()).hexdigest()[:16]
    path = (cache or cache_dir()) / f"mnist1d-{key}.npz"

    arrays = _read_cache(path)
    from_cache = arrays is not None
    if arrays is None:
        arrays = _generate(args, test_size)
        _save_atomically(path, arrays)
    info = DataInfo(name="MNIST-1D", generator=GENERATOR, generator_args=args, pool_size=len(arrays["y"]),
                    test_size=len(arrays["y_test"]), from_cache=from_cache)
    return Dataset(arrays["x"], arrays["y"], arrays["x_test"], arrays["y_test"], info)


def _read_cache(path: Path) -> dict[str, np.ndarray] | None:
    """The cached arrays, or None when there is no usable cache: missing, truncated, or not plain arrays.

    Never unpickled (allow_pickle=False): a file in a cache folder may have been put there by someone else.
    """
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in ("x", "y", "x_test", "y_test")}
    except (OSError, EOFError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
        return None


def _generate(args: dict, test_size: int) -> dict[str, np.ndarray]:
    from mnist1d.data import make_dataset
    from mnist1d.utils import ObjectView

    state = np.random.get_state()  # make_dataset reseeds numpy's global generator: leave it as we found it
    try:
        data = make_dataset(ObjectView(dict(args)))
    finally:
        np.random.set_state(state)
    x, y = data["x"].astype(np.float32), data["y"].astype(np.int64)
    split = len(y) - test_size
    return {"x": x[:split], "y": y[:split], "x_test": x[split:], "y_test": y[split:]}


def _save_atomically(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A cache that cannot be written is no error; a half-written one must never be read."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, buffer.getvalue())
    except OSError:
        pass
