"""A description of the machine, complete enough to attach to a hardware evaluation.

Nothing private beyond what identifies the hardware: no user name, no environment, no paths.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from importlib.metadata import version
from pathlib import Path

import numpy
import torch
from threadpoolctl import threadpool_info

from reportgen import __version__
from reportgen.cpu_features import TORCH_CHECKS, bf16_unit, cpu_flags, torch_cpu, training_features
from reportgen.devices import DeviceError, device_type, nvidia_driver_version
from reportgen.records.system import GpuInfo, SystemInfo


def describe_system(device: str = "cpu", sysctl=None, cpuinfo: str | None = None,
                    cpu_checks: dict[str, bool] | None = None) -> SystemInfo:
    """The machine, with its CUDA devices only when the run uses CUDA (a CPU run must not start a CUDA context).

    A CUDA driver that fails raises DeviceError in one line. `sysctl` (a function from a sysctl name to its
    value, or None) is a seam standing for macOS's sysctl command; `cpuinfo` one for /proc/cpuinfo's text and
    `cpu_checks` for what torch's CPU checks say (see cpu_features.TORCH_CHECKS).
    """
    sysctl = sysctl or _sysctl
    cpuinfo = _read("/proc/cpuinfo") if cpuinfo is None else cpuinfo
    flags = cpu_flags(cpuinfo)
    checks = _torch_cpu_checks() if cpu_checks is None else cpu_checks
    cuda = device_type(device) == "cuda"
    try:
        gpus = [_gpu(i) for i in range(torch.cuda.device_count())] if cuda else []
        cudnn = cudnn_version(torch.backends.cudnn.version()) if cuda else None
    except (RuntimeError, AssertionError) as error:
        raise DeviceError(f"the CUDA driver failed while describing {device}: "
                          f"{(str(error).strip().splitlines() or [type(error).__name__])[0][:200]}")
    if device_type(device) == "mps":
        gpus = [_apple_gpu(sysctl)]
    return SystemInfo(
        hostname=socket.gethostname(),
        cpu_model=_cpu_model(cpuinfo, sysctl),
        physical_cores=_physical_cores(cpuinfo) or _int(sysctl("hw.physicalcpu")),
        logical_cores=os.cpu_count() or 1,
        memory_gib=_memory_gib() or _gib(sysctl("hw.memsize")),
        os=f"{platform.system()} {_os_release()}".strip(),
        kernel=platform.release(),
        python=platform.python_version(),
        torch=torch.__version__,
        torch_cuda=torch.version.cuda,
        cudnn=cudnn,
        sklearn=version("scikit-learn"),  # importing it would cost every build most of a second
        numpy=numpy.__version__,
        blas=_blas(),
        tool_version=__version__,
        git_commit=_git_commit(),
        gpus=gpus,
        threads=torch.get_num_threads(),
        virtual=_virtual(cpuinfo),
        cpu_features=training_features(flags),
        torch_cpu=torch_cpu(torch.backends.cpu.get_cpu_capability(), checks),
        bf16_unit=bf16_unit(flags, checks),
    )


def cudnn_version(raw: int | None) -> str | None:
    """cuDNN numbers its versions as one integer: 8902 is 8.9.2 (major * 1000 before 9), 90100 is 9.1.0."""
    if raw is None:
        return None
    if raw >= 90000:
        return f"{raw // 10000}.{raw // 100 % 100}.{raw % 100}"
    return f"{raw // 1000}.{raw // 100 % 10}.{raw % 100}"


def _sysctl(name: str) -> str | None:
    """A macOS sysctl value (where /proc is missing); None elsewhere or when it fails."""
    if platform.system() != "Darwin":
        return None
    try:
        out = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def _gib(text: str | None) -> float | None:
    return round(int(text) / 2**30, 1) if text and text.isdigit() else None


def _apple_gpu(sysctl) -> GpuInfo:
    """The GPU of an Apple chip: it shares the chip's name and its unified memory."""
    chip = sysctl("machdep.cpu.brand_string") or "Apple silicon"
    return GpuInfo(name=f"{chip} GPU (MPS)", memory_gib=_gib(sysctl("hw.memsize")) or 0.0, compute_capability="",
                   driver=None)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")  # a stray byte must not cost the whole description
    except OSError:
        return ""


def _torch_cpu_checks() -> dict[str, bool]:
    """torch.cpu's checks of what its kernels can use (private functions: where this torch lacks one, False)."""
    return {attr: bool(getattr(torch.cpu, attr, lambda: False)()) for attr, _ in TORCH_CHECKS}


def _cpu_model(cpuinfo: str, sysctl) -> str:
    for line in cpuinfo.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return sysctl("machdep.cpu.brand_string") or platform.processor() or platform.machine()


def _virtual(cpuinfo: str) -> bool | None:
    """A virtual machine's CPU carries the 'hypervisor' flag (Linux shows it in /proc/cpuinfo)."""
    flags = next((line for line in cpuinfo.splitlines() if line.startswith("flags")), None)
    return None if flags is None else "hypervisor" in flags.split()


def _physical_cores(cpuinfo: str) -> int | None:
    cores = set()
    physical = "0"
    for line in cpuinfo.splitlines():
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
    """The BLAS of numpy (loaded) and of scipy, which scikit-learn's learners use: taken from scipy's build record,
    since loading it (through scikit-learn) would cost every build most of a second."""
    libs = {f"{i.get('internal_api')} {i.get('version') or ''}".strip()
            for i in threadpool_info() if i.get("user_api") == "blas"}
    try:
        import scipy

        blas = scipy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        libs.add(f"{blas['name'].removeprefix('scipy-')} {blas.get('version') or ''}".strip())
    except (ImportError, KeyError, TypeError, AttributeError):  # an older scipy without the record
        pass
    torch_blas = "MKL" if torch.backends.mkl.is_available() else "no MKL"
    return f"torch: {torch_blas}; numpy/scikit-learn: {', '.join(sorted(libs)) or 'unknown'}"


def _gpu(index: int) -> GpuInfo:
    props = torch.cuda.get_device_properties(index)
    return GpuInfo(
        name=props.name,
        memory_gib=round(props.total_memory / 2**30, 1),
        compute_capability=f"{props.major}.{props.minor}",
        driver=nvidia_driver_version(),
    )


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
