"""Freed memory is kept, so a timed training step does not fault its memory in again on every call."""

import platform
import subprocess
import sys

import pytest

from reportgen.allocator import keep_freed_memory

CHILD = """
import resource, sys
from reportgen.allocator import keep_freed_memory
from reportgen.experiments.compute import training_step

def faults_per_step():
    step = training_step("mlp_large", 100, "cpu")
    for _ in range(10):
        step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        step()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20

default = faults_per_step()
keep_freed_memory()
print(default, faults_per_step())
"""

glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")


@glibc
def test_a_steady_training_step_stops_faulting_once_freed_memory_is_kept():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout
    default, kept = map(float, out.split())
    assert default > 50  # glibc gives the step's large blocks back to the OS and faults them in again
    assert kept < default / 10


@glibc
def test_what_was_set_is_said():
    assert "glibc malloc keeps freed memory" in keep_freed_memory()
