"""The CPU features that decide how fast a net trains, read from /proc/cpuinfo, and whether bf16 is native.

A matrix unit (Intel's AMX tiles, AVX-512 BF16's dot-product instructions, Arm's BF16 extension) multiplies
bfloat16 numbers in hardware. Without one, torch still accepts bf16 tensors but converts them to fp32 to compute,
which is slower than fp32 itself: timing that would report a cost of emulation, not of the hardware. So the
computation experiment times bf16 on the CPU only where a unit is named here. Pure text parsing, so that tests can
hand it any machine's /proc/cpuinfo.
"""

from __future__ import annotations

from dataclasses import dataclass

# /proc/cpuinfo flag -> the name the report gives it, in the order a reader compares machines by.
X86_FEATURES = {"avx2": "AVX2", "fma": "FMA", "avx512f": "AVX-512F", "avx512_bf16": "AVX-512 BF16",
                "avx512_fp16": "AVX-512 FP16", "amx_bf16": "AMX BF16", "amx_int8": "AMX INT8", "amx_fp16": "AMX FP16"}
ARM_FEATURES = {"bf16": "BF16", "i8mm": "I8MM", "sve": "SVE", "sve2": "SVE2", "sme": "SME"}
# The units that multiply bf16 natively, best first: (flag, architecture's flag line, the unit's name, torch's
# check that its kernels can use it: AMX needs the kernel's leave to use the tiles, which a VM may withhold).
BF16_UNITS = (("amx_bf16", "flags", "AMX", "_is_amx_tile_supported"),
              ("avx512_bf16", "flags", "AVX-512 BF16", "_is_avx512_bf16_supported"),
              ("bf16", "Features", "Arm BF16", None))


@dataclass(frozen=True)
class CpuFlags:
    line: str  # "flags" (x86), "Features" (Arm), "" where the file says neither
    flags: frozenset[str]


def cpu_flags(cpuinfo: str) -> CpuFlags:
    """The first CPU's flags: x86 lists them under 'flags', Arm under 'Features'."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return CpuFlags(key.strip(), frozenset(value.split()))
    return CpuFlags("", frozenset())


def training_features(found: CpuFlags) -> list[str] | None:
    """The features present that decide training speed, named as the report names them (None: no flags to read)."""
    if not found.line:
        return None
    table = X86_FEATURES if found.line == "flags" else ARM_FEATURES
    return [name for flag, name in table.items() if flag in found.flags]


def bf16_unit(found: CpuFlags, torch_checks: dict[str, bool] | None = None) -> str | None:
    """The unit that runs bf16 natively on this CPU (AMX, AVX-512 BF16, Arm BF16), or None: emulated. A unit that
    /proc/cpuinfo lists but torch's own check (in `torch_checks`, where it has one) says its kernels cannot use
    does not count: bf16 would run emulated all the same."""
    checks = torch_checks or {}
    return next((unit for flag, line, unit, check in BF16_UNITS
                 if line == found.line and flag in found.flags and checks.get(check, True)), None)


def bf16_not_timed(features: list[str] | None) -> str:
    """Why bf16 is not timed on a CPU without a usable native unit, from its `features` (training_features; None:
    no flags could be read), in one clause."""
    listed = [name for name in ("AMX BF16", "AVX-512 BF16") if name in (features or [])]
    where = ("/proc/cpuinfo lists no CPU flags here, so whether this CPU has a bf16 unit is unknown"
             if features is None else
             f"/proc/cpuinfo lists {' and '.join(listed)}, but torch reports that its kernels cannot use "
             + ("them" if len(listed) > 1 else "it")
             if listed else
             "this CPU has no native bf16 unit (no AMX BF16, AVX-512 BF16 or Arm BF16 among its flags)")
    return (f"bf16 not timed on the CPU: {where}; torch would emulate bf16 through fp32, which runs slower than "
            "fp32 itself, so a timing would measure the emulation, not the hardware")


# torch's own view: what its kernels detected at start-up (torch.cpu's checks, where this torch has them).
TORCH_CHECKS = (("_is_amx_tile_supported", "AMX tiles"), ("_is_amx_fp16_supported", "AMX FP16"),
                ("_is_avx512_bf16_supported", "AVX-512 BF16"), ("_is_vnni_supported", "VNNI"))


def torch_cpu(capability: str, checks: dict[str, bool]) -> str:
    """torch's kernel level (get_cpu_capability) and the extensions it detected, in words."""
    found = [name for attr, name in TORCH_CHECKS if checks.get(attr)]
    return f"{capability} kernels" + (f"; detects {', '.join(found)}" if found else "")
