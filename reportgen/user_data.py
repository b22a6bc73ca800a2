"""The user's own labelled data (CSV or NPZ) for the data-scale experiment, checked before any work starts.

No code-executing loader: CSV is parsed as text, NPZ is read with allow_pickle=False.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import zipfile
from array import array
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from reportgen.data import Dataset
from reportgen.errors import UserError
from reportgen.limits import MAX_ARRAY_BYTES
from reportgen.records.data import DataInfo
from reportgen.text import printable

MIN_ROWS = 100  # fewer leave no room for a learning curve and a test set
TEST_FRACTION = 0.25  # held out, stratified by class, never used for training
LARGE = 20_000_000  # bytes: a file this size takes seconds to read, so the user is shown it being read
# reading(file, size, name): the file, wrapped to show how far a large CSV has been read
Reading = Callable[[BinaryIO, int, str], AbstractContextManager[BinaryIO]]


class DatasetError(UserError):
    """A dataset file that cannot be used, with the problem in one line."""


def load_user_dataset(path: Path, label: str = "label", seed: int = 0, reading: Reading | None = None) -> Dataset:
    """The checked, split and scaled dataset; a large file is read through `reading`, which shows the progress."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"dataset {path} " + ("is not a file" if path.exists() else "not found"))
    reading = reading if path.stat().st_size >= LARGE else None
    if path.suffix.lower() == ".npz":  # binary arrays: read at disk speed, with no progress to show
        x, y = _read_npz(path)
        label_name = "y"
    elif path.suffix.lower() == ".csv":
        x, y = _read_csv(path, label, reading)
        label_name = label
    else:
        raise DatasetError(f"dataset {path.name}: use a .csv file with a header row, or a .npz with arrays X and y")
    if x.shape[1] == 0:
        raise DatasetError(f"dataset {path.name}: no feature columns beside the label")
    if _missing(y).any():
        raise DatasetError(f"dataset {path.name}: the label '{label_name}' is missing on row "
                           f"{int(np.argmax(_missing(y))) + 1}; drop or fill those rows")
    classes, y_index = np.unique(_same_numbers(y), return_inverse=True)
    if len(y) < MIN_ROWS:
        raise DatasetError(f"dataset {path.name}: {len(y)} rows; at least {MIN_ROWS} are needed")
    if len(classes) < 2:
        raise DatasetError(f"dataset {path.name}: the label '{label_name}' has a single class")
    held_out = math.ceil(TEST_FRACTION * len(y))  # as train_test_split counts it
    if len(classes) > held_out:  # the split cannot hold one of each (scikit-learn raised): a label per row, say
        raise DatasetError(f"dataset {path.name}: the label '{label_name}' has {len(classes):,} classes in "
                           f"{len(y):,} rows, more than its {TEST_FRACTION:.0%} test split of {held_out:,} rows can "
                           "hold one of each; is it a class label (not a measurement)?")
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
    info = DataInfo(name=printable(path.name), generator="file",
                    generator_args={"label": printable(label_name), "sha256": digest,
                                    "class_names": [printable(str(c)) for c in classes]},
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
    except MemoryError:  # under a memory limit (ulimit -v) that the arrays pass
        raise DatasetError(f"dataset {path.name}: its arrays do not fit in the memory this process may use") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, DatasetError):
            raise
        raise DatasetError(f"dataset {path.name} is not a readable NPZ file without pickled objects")
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y):
        raise DatasetError(f"dataset {path.name}: X must be 2-D (rows x features) and y 1-D with one label per row")
    if not np.issubdtype(x.dtype, np.number):
        raise DatasetError(f"dataset {path.name}: X is not numeric")
    return x.astype(np.float64), y


def _same_numbers(y: np.ndarray) -> np.ndarray:
    """A CSV's labels with one spelling per whole number: "1", "1.0" and "1.00" were three classes."""
    if y.dtype.kind != "U" or not all(map(_is_float, y)):
        return y
    numbers = y.astype(np.float64)
    if not (np.isfinite(numbers).all() and (numbers == np.round(numbers)).all() and abs(numbers).max() < 2**53):
        return y
    return numbers.astype(np.int64).astype(str)


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
    if claimed > MAX_ARRAY_BYTES:  # the size above is the archive's own claim, which compression gets past
        raise DatasetError(f"dataset {path.name}: array {member.removesuffix('.npy')} of shape {shape} unpacks to "
                           f"{claimed:,} bytes, past the limit of {MAX_ARRAY_BYTES:,}")


def _read_csv(path: Path, label: str, reading: Reading | None) -> tuple[np.ndarray, np.ndarray]:
    """Parsed row by row into one float array: a list of every row's strings took ten times the file's size."""
    size = path.stat().st_size
    try:
        with path.open("rb") as raw, (reading or _untracked)(raw, size, path.name) as tracked:
            # -sig: a byte-order mark is not in the header
            rows = csv.reader(io.TextIOWrapper(io.BufferedReader(tracked), encoding="utf-8-sig", newline=""))
            header = [h.strip() for h in next(rows, [])]
            at, features = _columns(path, header, label)
            values, labels = array("d"), []
            for row in filter(None, rows):
                if len(row) != len(header):
                    raise DatasetError(f"dataset {path.name}: line {rows.line_num} has {len(row)} fields, the "
                                       f"header {len(header)}")
                try:
                    values.extend([float(row[i]) for i in features])
                except ValueError:
                    i = next(i for i in features if not _is_float(row[i]))
                    raise DatasetError(f"dataset {path.name}: non-numeric feature '{header[i]}' on line "
                                       f"{rows.line_num} ({row[i][:20]!r})") from None
                labels.append(row[at].strip())
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise DatasetError(f"dataset {path.name} cannot be read as UTF-8 CSV: {error}")
    return np.frombuffer(values, dtype=np.float64).reshape(len(labels), len(features)), np.array(labels)


def _columns(path: Path, header: list[str], label: str) -> tuple[int, list[int]]:
    """The label's column and the features' columns, each name once."""
    if not header:
        raise DatasetError(f"dataset {path.name} is empty")
    if label not in header:
        raise DatasetError(f"dataset {path.name}: no label column '{label}' (columns: {', '.join(header[:8])}"
                           + (", ..." if len(header) > 8 else "") + "); name it with --label")
    if header.count(label) > 1:
        raise DatasetError(f"dataset {path.name}: the label column '{label}' appears {header.count(label)} times; "
                           "a second copy would be a feature that gives the answer away")
    if len(header) < 2:
        raise DatasetError(f"dataset {path.name}: no feature columns beside the label")
    twice = next((name for i, name in enumerate(header) if name in header[:i]), None)
    if twice is not None:  # the same data joined twice, or a header out of step with its columns
        raise DatasetError(f"dataset {path.name}: the column '{twice}' appears {header.count(twice)} times; "
                           "name each column once (drop a copy, or rename it)")
    at = header.index(label)
    return at, [i for i in range(len(header)) if i != at]


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@contextlib.contextmanager
def _untracked(file: BinaryIO, size: int, name: str):
    yield file
