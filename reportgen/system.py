"""A description of the machine, complete enough to attach to a hardware evaluation.

Nothing private beyond what identifies the hardware: no user name, no environment, no paths.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from pathlib import Path

import numpy
import sklearn
import torch
from threadpoolctl import threadpool_info

from reportgen import __version__
from reportgen.records.system import GpuInfo, SystemInfo


def describe_system() -> SystemInfo:
    cuda = torch.cuda.is_available()
    return SystemInfo(
        hostname=socket.gethostname(),
        cpu_model=_cpu_model(),
        physical_cores=_physical_cores(),
        logical_cores=os.cpu_count() or 1,
        memory_gib=_memory_gib(),
        os=f"{platform.system()} {_os_release()}".strip(),
        kernel=platform.release(),
        python=platform.python_version(),
        torch=torch.__version__,
        torch_cuda=torch.version.cuda,
        cudnn=str(torch.backends.cudnn.version()) if cuda else None,
        sklearn=sklearn.__version__,
        numpy=numpy.__version__,
        blas=_blas(),
        tool_version=__version__,
        git_commit=_git_commit(),
        gpus=[_gpu(i) for i in range(torch.cuda.device_count())] if cuda else [],
        threads=torch.get_num_threads(),
        virtual=_virtual(),
    )


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _virtual() -> bool | None:
    """A virtual machine's CPU carries the 'hypervisor' flag (Linux shows it in /proc/cpuinfo)."""
    flags = next((line for line in _read("/proc/cpuinfo").splitlines() if line.startswith("flags")), None)
    return None if flags is None else "hypervisor" in flags.split()


def _physical_cores() -> int | None:
    cores = set()
    physical = "0"
    for line in _read("/proc/cpuinfo").splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "physical id":
            physical = value.strip()
        elif key.strip() == "core id":
            cores.add((physical, value.strip()))
    return len(cores) or None


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _os_release() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip('"')
    return platform.version()


def _blas() -> str:
    libs = sorted({f"{i.get('internal_api')} {i.get('version') or ''}".strip()
                   for i in threadpool_info() if i.get("user_api") == "blas"})
    torch_blas = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    return f"torch: {torch_blas}; numpy/scikit-learn: {', '.join(libs) or 'unknown'}"


def _gpu(index: int) -> GpuInfo:
    props = torch.cuda.get_device_properties(index)
    return GpuInfo(
        name=props.name,
        memory_gib=round(props.total_memory / 2**30, 1),
        compute_capability=f"{props.major}.{props.minor}",
        driver=_nvidia_driver(),
    )


def _nvidia_driver() -> str | None:
    version = _read("/proc/driver/nvidia/version")
    for word in version.split():
        if word[:1].isdigit() and word.count(".") >= 1:
            return word
    return None


def _git_commit() -> str | None:
    """The commit of the checkout the package runs from, when it runs from one."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
