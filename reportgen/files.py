"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
