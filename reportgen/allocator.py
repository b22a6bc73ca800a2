"""Keep freed memory for reuse, so that a training step is not timed paying for page faults.

glibc hands freed blocks above its (dynamic) mmap threshold back to the OS and trims the heap top, so the next
step faults the same memory in again: here the 512x3 MLP's step took 700 to 1,300 minor page faults and ran up
to 50% slower, by an amount that changed with the allocation history of the process. Fixed thresholds keep the
memory in the process, as the jemalloc or tcmalloc that PyTorch's performance tuning guide suggests would.
"""

from __future__ import annotations

import ctypes
import os
import platform

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 256 << 20  # free memory at the heap top that glibc keeps before giving it back
MMAP_THRESHOLD = 32 << 20  # glibc's largest on 64-bit; larger blocks are mapped (and their faults are amortised)


def keep_freed_memory() -> str | None:
    """Fix glibc's thresholds for this process and say what was set; None where the C library is not glibc."""
    preloaded = [os.path.basename(lib) for lib in os.environ.get("LD_PRELOAD", "").replace(":", " ").split()
                 if "malloc" in lib]
    if preloaded:  # jemalloc, tcmalloc, mimalloc: glibc's settings would not reach them
        return f"{preloaded[0]}, preloaded"
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    kept = []
    if mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD):
        kept.append(f"trim threshold {TRIM_THRESHOLD >> 20} MiB")
    if mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        kept.append(f"mmap threshold {MMAP_THRESHOLD >> 20} MiB")
    return f"glibc malloc keeps freed memory ({', '.join(kept)})" if kept else None
