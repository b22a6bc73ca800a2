"""Which torch device a build runs on, how to wait for it before reading a clock, and how to hand back its memory."""

from __future__ import annotations

import gc
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch

from reportgen.errors import UserError

NVIDIA_VERSION_FILE = Path("/proc/driver/nvidia/version")  # the kernel driver's banner, on Linux


class DeviceError(UserError):
    """The requested device does not exist on this machine, or its driver fails."""


@dataclass(frozen=True)
class DeviceChoice:
    name: str  # a torch device string: "cpu", "cuda:0", "mps"
    reason: str  # why this device, in words for the report


def device_type(device: str | torch.device) -> str:
    """"cuda" for "cuda:1", "mps" for "mps:0": experiments pass str(tensor.device), which carries an index."""
    return torch.device(device).type


def available_devices() -> list[str]:
    devices = ["cpu"]
    if _cuda_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def _cuda_available() -> bool:
    with warnings.catch_warnings():  # a broken driver warns here; cuda_absence() says it in words instead
        warnings.simplefilter("ignore")
        return torch.cuda.is_available()


def resolve_device(request: str, available: list[str] | None = None,
                   absence: str | None = None) -> DeviceChoice:
    """Turn a --device value (auto, cpu, cuda, cuda:N, mps) into a device that exists here.

    `--device cpu` touches no accelerator (a broken driver cannot stop a CPU run). `absence` (seam: what
    cuda_absence() says) explains an auto choice of the CPU on a machine with an NVIDIA driver.
    """
    request = request.strip().lower()
    if request == "cpu":
        return DeviceChoice("cpu", "requested with --device cpu")
    if request != "auto" and not re.fullmatch(r"mps|cuda(:\d+)?", request):
        raise DeviceError(f"unknown device '{request}' (use auto, cpu, cuda, cuda:N or mps)")
    available = available_devices() if available is None else available
    if request == "auto":
        for prefix in ("cuda", "mps"):
            found = [d for d in available if d.startswith(prefix)]
            if found:
                return DeviceChoice(found[0], f"--device auto picked {found[0]}, the first accelerator found")
        absence = cuda_absence() if absence is None else absence
        if absence:
            return DeviceChoice("cpu", f"--device auto used the CPU: {absence}")
        return DeviceChoice("cpu", "--device auto found no CUDA or MPS accelerator, so it used the CPU")
    name = "cuda:0" if request == "cuda" else request
    if name not in available:
        absence = cuda_absence() if absence is None and name.startswith("cuda") else absence
        raise DeviceError(f"device '{request}' is not available here; available: {', '.join(available)}"
                          + (f" ({absence})" if absence else ""))
    return DeviceChoice(name, f"requested with --device {request}")


def nvidia_driver_version(version_file: Path = NVIDIA_VERSION_FILE) -> str | None:
    """The NVIDIA kernel driver's version from its banner ("... Kernel Module  550.54.14  ..."), if loaded."""
    try:
        banner = version_file.read_text()
    except OSError:
        return None
    return next((w for w in banner.split() if re.fullmatch(r"\d+\.\d+(\.\d+)*", w)), None)


def cuda_absence(driver: str | None | bool = True, smi: str | None | bool = True) -> str:
    """Why CUDA is not used although this machine has an NVIDIA driver; "" where there is no sign of one.

    `driver` and `smi` are seams (what the driver banner and `which nvidia-smi` give); True means look.
    """
    driver = nvidia_driver_version() if driver is True else driver
    smi = shutil.which("nvidia-smi") if smi is True else smi
    if not driver and not smi:
        return ""
    found = f"an NVIDIA driver ({driver})" if driver else "nvidia-smi"
    if torch.version.cuda is None:
        why = f"this PyTorch ({torch.__version__}) is a CPU-only build; install the CUDA build of torch to use it"
    else:
        why = f"PyTorch (built for CUDA {torch.version.cuda}) cannot use it"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.cuda.is_available()
        said = next((str(w.message).splitlines()[0] for w in caught if str(w.message).strip()), "")
        why += f": {said[:200]}" if said else " (torch.cuda.is_available() is false)"
    return f"found {found}, but {why}"


def synchronizer(device: str):
    """A function that blocks until queued work on `device` is done (a no-op on the CPU)."""
    kind = device_type(device)
    if kind == "cuda":
        return lambda: torch.cuda.synchronize(device)
    if kind == "mps":
        return torch.mps.synchronize
    return lambda: None


def release_memory(device: str) -> None:
    """Hand the device's cached memory back (after a failure: the caller has dropped its tensors first).

    A sticky CUDA error makes this raise too; it is swallowed, since what it would free is lost anyway and the
    caller's records matter more.
    """
    gc.collect()  # reference cycles (a traceback's frames) may still hold tensors
    kind = device_type(device)
    try:
        if kind == "cuda":
            torch.cuda.empty_cache()
        elif kind == "mps":
            torch.mps.empty_cache()
    except RuntimeError:
        pass


def is_out_of_memory(error: BaseException) -> bool:
    return isinstance(error, torch.cuda.OutOfMemoryError) or "out of memory" in str(error).lower()


def failure_reason(error: BaseException) -> str:
    """Why an experiment or a workload has no result, in a few words for results.json and the report."""
    if is_out_of_memory(error):
        return "out of memory"
    message = str(error).splitlines()[0][:200] if str(error) else ""
    return f"failed: {type(error).__name__}" + (f": {message}" if message else "")
