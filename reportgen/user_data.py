"""The user's own labelled data (CSV or NPZ) for the data-scale experiment, checked before any work starts.

No code-executing loader: CSV is parsed as text, NPZ is read with allow_pickle=False.
"""

from __future__ import annotations

import csv
import hashlib
import math
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from reportgen.data import Dataset
from reportgen.errors import UserError
from reportgen.records.data import DataInfo

MIN_ROWS = 100  # fewer leave no room for a learning curve and a test set
TEST_FRACTION = 0.25  # held out, stratified by class, never used for training
LARGE = 20_000_000  # bytes: a file this size takes seconds to read, so the user is told it is being read


class DatasetError(UserError):
    """A dataset file that cannot be used, with the problem in one line."""


def load_user_dataset(path: Path, label: str = "label", seed: int = 0,
                      reading: Callable[[str, float], None] | None = None) -> Dataset:
    """The checked, split and scaled dataset; `reading(name, megabytes)` is told first when the file is large."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset {path.name} " + ("is not a file" if path.exists() else "not found"))
    if reading and path.stat().st_size >= LARGE:
        reading(path.name, path.stat().st_size / 1e6)
    if path.suffix.lower() == ".npz":
        x, y = _read_npz(path)
        label_name = "y"
    elif path.suffix.lower() == ".csv":
        x, y = _read_csv(path, label)
        label_name = label
    else:
        raise DatasetError(f"dataset {path.name}: use a .csv file with a header row, or a .npz with arrays X and y")
    if x.shape[1] == 0:
        raise DatasetError(f"dataset {path.name}: no feature columns beside the label")
    if _missing(y).any():
        raise DatasetError(f"dataset {path.name}: the label '{label_name}' is missing on row "
                           f"{int(np.argmax(_missing(y))) + 1}; drop or fill those rows")
    classes, y_index = np.unique(y, return_inverse=True)
    if len(y) < MIN_ROWS:
        raise DatasetError(f"dataset {path.name}: {len(y)} rows; at least {MIN_ROWS} are needed")
    if len(classes) < 2:
        raise DatasetError(f"dataset {path.name}: the label '{label_name}' has a single class")
    if not np.isfinite(x).all():
        raise DatasetError(f"dataset {path.name}: features contain missing or infinite values")

    from sklearn.model_selection import train_test_split

    counts = np.bincount(y_index)
    stratify = y_index if counts.min() >= 2 else None
    x_pool, x_test, y_pool, y_test = train_test_split(x, y_index, test_size=TEST_FRACTION, random_state=seed,
                                                      stratify=stratify)
    mean, std = x_pool.mean(0), x_pool.std(0)  # scaled by training statistics only
    std[std == 0] = 1
    x_pool, x_test = (x_pool - mean) / std, (x_test - mean) / std
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    info = DataInfo(name=path.name, generator="file",
                    generator_args={"label": label_name, "sha256": digest, "class_names": [str(c) for c in classes]},
                    pool_size=len(y_pool), test_size=len(y_test), from_cache=False, features=x.shape[1],
                    classes=len(classes), sequence=False)
    return Dataset(x_pool.astype(np.float32), y_pool.astype(np.int64), x_test.astype(np.float32),
                   y_test.astype(np.int64), info)


def _read_npz(path: Path) -> tuple[np.ndarray, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as f:
            if "X" not in f.files or "y" not in f.files:
                raise DatasetError(f"dataset {path.name}: an NPZ needs arrays named X and y (found: "
                                   f"{', '.join(f.files) or 'none'})")
            for name in ("X", "y"):
                _check_size(path, f.zip, name + ".npy" if name + ".npy" in f.zip.namelist() else name)
            x, y = f["X"], f["y"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, DatasetError):
            raise
        raise DatasetError(f"dataset {path.name} is not a readable NPZ file without pickled objects")
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise DatasetError(f"dataset {path.name}: X must be 2-D (rows x features) and y 1-D with one label per row")
    if not np.issubdtype(x.dtype, np.number):
        raise DatasetError(f"dataset {path.name}: X is not numeric")
    return x.astype(np.float64), y


MISSING = {"", "nan", "na", "n/a", "null"}  # how a CSV writes a missing value


def _missing(y: np.ndarray) -> np.ndarray:
    """Labels that are missing: NaN in a numeric array, an empty or NA-like string in a CSV's."""
    if np.issubdtype(y.dtype, np.floating):
        return np.isnan(y)
    if y.dtype.kind in "US":
        return np.isin(np.char.lower(y.astype(str)), list(MISSING))
    return np.zeros(len(y), dtype=bool)


def _check_size(path: Path, archive: zipfile.ZipFile, member: str) -> None:
    """Refuse an array whose header claims more data than the file holds, before numpy allocates room for it."""
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = (np.lib.format.read_array_header_1_0(f) if version == (1, 0) else
                           np.lib.format.read_array_header_2_0(f))
    claimed = dtype.itemsize * math.prod(shape)
    if not dtype.hasobject and claimed > archive.getinfo(member).file_size:  # objects: refused as pickles
        raise DatasetError(f"dataset {path.name}: array {member.removesuffix('.npy')} claims shape {shape} "
                           f"({claimed:,} bytes), more than the file holds")


def _read_csv(path: Path, label: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:  # -sig: a byte-order mark is not in the header
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DatasetError(f"dataset {path.name} cannot be read as UTF-8 CSV: {error}")
    if not rows:
        raise DatasetError(f"dataset {path.name} is empty")
    header, body = [h.strip() for h in rows[0]], [r for r in rows[1:] if r]
    if label not in header:
        raise DatasetError(f"dataset {path.name}: no label column '{label}' (columns: {', '.join(header[:8])}"
                           + (", ..." if len(header) > 8 else "") + "); name it with --label")
    if header.count(label) > 1:
        raise DatasetError(f"dataset {path.name}: the label column '{label}' appears {header.count(label)} times; "
                           "a second copy would be a feature that gives the answer away")
    if len(header) < 2:
        raise DatasetError(f"dataset {path.name}: no feature columns beside the label")
    at = header.index(label)
    features = [i for i in range(len(header)) if i != at]
    x = np.empty((len(body), len(features)))
    for r, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise DatasetError(f"dataset {path.name}: line {r} has {len(row)} fields, the header {len(header)}")
        for j, i in enumerate(features):
            try:
                x[r - 2, j] = float(row[i])
            except ValueError:
                raise DatasetError(f"dataset {path.name}: non-numeric feature '{header[i]}' on line {r} "
                                   f"({row[i][:20]!r})") from None
    return x, np.array([row[at].strip() for row in body])
