"""The description of the machine a run measured (`system.describe_system` fills it)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class GpuInfo:
    name: str
    memory_gib: float  # total device memory
    compute_capability: str  # "major.minor", as CUDA numbers it
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

    @property
    def summary(self) -> str:
        """The machine in a few words: CPU, and GPU when there is one."""
        gpus = f" with {len(self.gpus)}x {self.gpus[0].name}" if len(self.gpus) > 1 else (
            f" with {self.gpus[0].name}" if self.gpus else "")
        return self.cpu_model + gpus
