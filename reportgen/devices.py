"""Which torch device a build runs on, and how to wait for it before reading a clock."""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch

from reportgen.errors import UserError


class DeviceError(UserError):
    """The requested device does not exist on this machine."""


@dataclass(frozen=True)
class DeviceChoice:
    name: str  # a torch device string: "cpu", "cuda:0", "mps"
    reason: str  # why this device, in words for the report


def available_devices() -> list[str]:
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def resolve_device(request: str, available: list[str] | None = None) -> DeviceChoice:
    """Turn a --device value (auto, cpu, cuda, cuda:N, mps) into a device that exists here."""
    available = available_devices() if available is None else available
    request = request.strip().lower()
    if request == "auto":
        for prefix in ("cuda", "mps"):
            found = [d for d in available if d.startswith(prefix)]
            if found:
                return DeviceChoice(found[0], f"--device auto picked {found[0]}, the first accelerator found")
        return DeviceChoice("cpu", "--device auto found no CUDA or MPS accelerator, so it used the CPU")
    if not re.fullmatch(r"cpu|mps|cuda(:\d+)?", request):
        raise DeviceError(f"unknown device '{request}' (use auto, cpu, cuda, cuda:N or mps)")
    name = "cuda:0" if request == "cuda" else request
    if name not in available:
        raise DeviceError(f"device '{request}' is not available here; available: {', '.join(available)}")
    return DeviceChoice(name, f"requested with --device {request}")


def synchronizer(device: str):
    """A function that blocks until queued work on `device` is done (a no-op on the CPU)."""
    if device.startswith("cuda"):
        return lambda: torch.cuda.synchronize(device)
    if device == "mps":
        return torch.mps.synchronize
    return lambda: None


def is_out_of_memory(error: BaseException) -> bool:
    return isinstance(error, torch.cuda.OutOfMemoryError) or "out of memory" in str(error).lower()


def failure_reason(error: BaseException) -> str:
    """Why an experiment or a workload has no result, in a few words for results.json and the report."""
    if is_out_of_memory(error):
        return "out of memory"
    message = str(error).splitlines()[0][:200] if str(error) else ""
    return f"failed: {type(error).__name__}" + (f": {message}" if message else "")
