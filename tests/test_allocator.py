"""Freed memory is kept, so a timed training step does not fault its memory in again on every call."""

import os
import platform
import subprocess
import sys

import pytest

CHILD = """
import resource, sys
from reportgen.allocator import keep_freed_memory
from reportgen.experiments.compute import training_step

if sys.argv[1] == "kept":
    keep_freed_memory()
step = training_step("mlp_large", 100, "cpu")
for _ in range(10):
    step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    step()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc" or "LD_PRELOAD" in os.environ,
                                reason="mallopt is glibc's own malloc's")


def faults_per_step(mode: str) -> float:
    """In a fresh process, as a build runs: the allocator's state depends on what the process did before."""
    return float(subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                                check=True).stdout)


def test_a_steady_training_step_stops_faulting_once_freed_memory_is_kept():
    default, kept = faults_per_step("default"), faults_per_step("kept")
    assert default > 50  # glibc gives the step's large blocks back to the OS and faults them in again
    assert kept < default / 10


def test_what_was_set_is_said():
    said = subprocess.run([sys.executable, "-c", "from reportgen.allocator import keep_freed_memory as k; print(k())"],
                          capture_output=True, text=True, check=True).stdout
    assert said.startswith("glibc malloc keeps freed memory (trim threshold 256 MiB, mmap threshold 32 MiB)")
