"""The description of the machine a run measured (`system.describe_system` fills it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class GpuInfo:
    name: str
    memory_gib: float  # total device memory
    compute_capability: str  # "major.minor", as CUDA numbers it; "" for a GPU that is not NVIDIA's (Apple's)
    driver: str | None  # the NVIDIA kernel driver's version; None where it cannot be read


@dataclass(frozen=True, kw_only=True)
class SystemInfo:
    hostname: str
    cpu_model: str
    physical_cores: int | None  # None where the OS does not tell
    logical_cores: int
    memory_gib: float | None  # physical memory
    os: str  # name and release
    kernel: str
    python: str
    torch: str
    torch_cuda: str | None  # the CUDA version torch was built for; None for a CPU build
    cudnn: str | None  # None without a usable CUDA device
    sklearn: str
    numpy: str
    blas: str  # the BLAS behind torch and behind numpy and scikit-learn
    tool_version: str
    git_commit: str | None  # of the reportgen checkout, when it runs from one
    gpus: list[GpuInfo] = field(default_factory=list)  # the CUDA devices torch sees, in index order
    threads: int | None = None  # torch's intra-op threads when the run ended (None: not recorded by reportgen 0.1)
    virtual: bool | None = None  # the CPU reports a hypervisor; None where the OS does not tell (or an older file)
    cpu_features: list[str] | None = None  # speed features in /proc/cpuinfo (None: no flags there, or before v4)
    torch_cpu: str | None = None  # torch's CPU kernel level and the extensions it detected (None: before v4)
    bf16_unit: str | None = None  # the CPU's native bf16 unit (AMX, AVX-512 BF16, Arm BF16); None: none or unknown

    @property
    def summary(self) -> str:
        """The machine in a few words: CPU, and its GPUs, counted per model, when there are any."""
        return self.cpu_model + (f" with {self.gpu_models}" if self.gpus else "")

    @property
    def gpu_models(self) -> str:
        """'NVIDIA T4', '2x NVIDIA A100', '1x NVIDIA A100, 1x NVIDIA T4': every model, in index order."""
        if len(self.gpus) == 1:
            return self.gpus[0].name
        return ", ".join(f"{n}x {name}" for name, n in Counter(g.name for g in self.gpus).items())

    def summary_for(self, device: str) -> str:
        """The summary, naming the GPU a run used ("cuda:1") where the machine has several."""
        kind, _, index = device.partition(":")
        if kind != "cuda" or len(self.gpus) < 2 or not index.isdigit() or int(index) >= len(self.gpus):
            return self.summary
        return f"{self.summary}; ran on {device}, {self.gpus[int(index)].name}"
