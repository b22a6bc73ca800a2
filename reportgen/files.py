"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from reportgen.errors import UserError
from reportgen.text import WRITABLE


def cache_dir() -> Path:
    """Where generated data and the chart bundle are kept between runs (REPORTGEN_CACHE overrides)."""
    base = os.environ.get("REPORTGEN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "reportgen")
    return Path(base)


def read_regular(path: Path, limit: int, too_large: str) -> bytes:
    """The bytes of the regular file at `path`, refused in one line if it is anything else or larger than `limit`.

    A FIFO blocks its reader (even the open) until something writes to it, and a device such as /dev/zero or
    /dev/urandom never ends: both are refused from fstat before a byte is read. The open does not wait on a FIFO.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode) else \
            "a device or socket"
        raise UserError(f"cannot read {path}: it is {kind}, not a regular file")
    with os.fdopen(fd, "rb") as file:
        if info.st_size > limit:
            raise UserError(f"{path} is larger than {limit >> 20} MB: {too_large}")
        try:
            data = file.read(limit + 1)  # it may have grown since fstat
        except OSError as error:
            raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > limit:
        raise UserError(f"{path} is larger than {limit >> 20} MB: {too_large}")
    return data


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write via a temporary file in the same folder and a rename: a half-written file never replaces a good one.

    A full disk, Ctrl-C or a crash part-way leaves the old file (if any) and no temporary file behind. Text is
    UTF-8; a lone surrogate in it (a file name that is not UTF-8) is written as its escape, not a failed write.
    """
    mode = "wb" if isinstance(text, bytes) else "w"
    encoding = {} if mode == "wb" else {"encoding": "utf-8", "errors": WRITABLE}
    with tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                     delete=False, **encoding) as tmp:
        try:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())  # on disk before the rename, so a power cut cannot leave an empty file
        except BaseException:
            try:
                tmp.close()  # on a full disk its flush fails again: the file must go all the same
            finally:
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
