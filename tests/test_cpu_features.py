"""The CPU's training features and its bf16 unit, read from /proc/cpuinfo texts of machines we do not have here
(an AMD EPYC without bf16, an Intel Xeon with AMX, an Arm server with bf16, garbage) and from this machine's own."""

from pathlib import Path

import pytest

from reportgen.cpu_features import bf16_not_timed, bf16_unit, cpu_flags, torch_cpu, training_features
from reportgen.experiments import compute
from reportgen.system import describe_system

# Trimmed from real files: the first processor's block, the keys the reader looks at and some it must skip.
EPYC_ZEN3 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7763 64-Core Processor
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht \
syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl cpuid pni pclmulqdq ssse3 fma cx16 sse4_1 \
sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy avx2 bmi1 bmi2 erms invpcid rdseed adx \
smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves
bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2

processor\t: 1
flags\t\t: fpu avx512f avx512_bf16 amx_bf16
"""
XEON_SPR = """processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8480+
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu vme sse sse2 ssse3 fma avx f16c avx2 avx512f avx512dq avx512_vnni avx512_bf16 avx512_fp16 \
amx_bf16 amx_tile amx_int8 hypervisor
vmx flags\t: vnmi preemption_timer
"""
GRAVITON3 = """processor\t: 0
BogoMIPS\t: 2100.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop \
sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs paca pacg dcpodp svei8mm svebf16 i8mm bf16 dgh rng
CPU implementer\t: 0x41
"""
GARBAGE = "\x00\ufffd\ufffdflagsless nonsense\n: : :\nFeatures\n\n\x7f"


def test_an_epyc_without_bf16_has_avx2_and_fma_and_no_bf16_unit():
    flags = cpu_flags(EPYC_ZEN3)
    assert training_features(flags) == ["AVX2", "FMA"]  # the first processor's line, not the second's
    assert bf16_unit(flags) is None


def test_a_xeon_with_amx_has_every_unit_and_amx_comes_first():
    flags = cpu_flags(XEON_SPR)
    assert training_features(flags) == ["AVX2", "FMA", "AVX-512F", "AVX-512 BF16", "AVX-512 FP16", "AMX BF16",
                                        "AMX INT8"]
    assert bf16_unit(flags) == "AMX"


def test_amx_that_torch_cannot_use_falls_back_to_avx512_bf16_or_to_none():
    flags = cpu_flags(XEON_SPR)
    assert bf16_unit(flags, {"_is_amx_tile_supported": False}) == "AVX-512 BF16"
    assert bf16_unit(flags, {"_is_amx_tile_supported": False, "_is_avx512_bf16_supported": False}) is None
    reason = bf16_not_timed(training_features(flags))
    assert "lists AMX BF16 and AVX-512 BF16, but torch reports that its kernels cannot use them;" in reason


def test_an_arm_server_with_bf16_reads_its_features_line():
    flags = cpu_flags(GRAVITON3)
    assert training_features(flags) == ["BF16", "I8MM", "SVE"]  # svebf16 and svei8mm are not bf16 and i8mm
    assert bf16_unit(flags) == "Arm BF16"


@pytest.mark.parametrize("text", ["", GARBAGE, "flags\t\t:\n"])
def test_garbage_or_an_empty_file_gives_no_unit_and_never_raises(text):
    flags = cpu_flags(text)
    assert bf16_unit(flags) is None
    assert training_features(flags) in (None, [])


def test_why_bf16_is_not_timed_says_whether_the_flags_could_be_read():
    assert "unknown" in bf16_not_timed(None)
    assert "no native bf16 unit" in bf16_not_timed(["AVX2", "FMA"])
    assert "emulate" in bf16_not_timed(["AVX2"])


def test_torch_s_view_in_words():
    assert torch_cpu("AVX512", {"_is_amx_tile_supported": True, "_is_vnni_supported": True}) == \
        "AVX512 kernels; detects AMX tiles, VNNI"
    assert torch_cpu("DEFAULT", {}) == "DEFAULT kernels"


@pytest.mark.parametrize("text, model, unit, features", [
    (EPYC_ZEN3, "AMD EPYC 7763 64-Core Processor", None, ["AVX2", "FMA"]),
    (XEON_SPR, "Intel(R) Xeon(R) Platinum 8480+", "AMX", None),
    (GRAVITON3, None, "Arm BF16", ["BF16", "I8MM", "SVE"]),
    (GARBAGE, None, None, None)])
def test_the_system_description_carries_the_features_of_a_fake_cpuinfo(text, model, unit, features):
    info = describe_system("cpu", cpuinfo=text, cpu_checks={"_is_amx_tile_supported": True,
                                                            "_is_avx512_bf16_supported": True})
    assert info.bf16_unit == unit
    if model:
        assert info.cpu_model == model
    if features:
        assert info.cpu_features == features
    assert info.torch_cpu.endswith("detects AMX tiles, AVX-512 BF16")


def test_a_cpu_without_bf16_is_timed_in_fp32_only_and_says_why():
    info = describe_system("cpu", cpuinfo=EPYC_ZEN3)
    assert [c[1] for c in compute.configurations("cpu", 2, info.bf16_unit)] == ["fp32", "fp32"]
    settings = compute.ComputeSettings(["mlp_small"], [10], [16], max_seconds=0.01, loop_steps=1)
    r = compute.run(settings, "cpu", 1, lambda *_: None, info.bf16_unit, info.cpu_features)
    assert {s.precision for s in r.steps} == {m.precision for m in r.matmuls} == {"fp32"}
    assert r.bf16_unit is None and "no native bf16 unit" in r.bf16_not_timed


def test_a_cpu_with_bf16_is_timed_in_bf16_on_all_threads():
    assert compute.configurations("cpu", 2, "AMX") == [("cpu", "fp32", 1), ("cpu", "fp32", 2), ("cpu", "bf16", 2)]


def test_this_machine_s_own_cpuinfo_agrees_with_torch():
    """On the real file: a unit named only where torch's kernels report they can use bf16 (on x86)."""
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    info = describe_system("cpu")
    assert info.bf16_unit == bf16_unit(cpu_flags(text), _real_checks())
    if info.bf16_unit in ("AMX", "AVX-512 BF16"):
        import torch

        assert torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()


def _real_checks():
    from reportgen.system import _torch_cpu_checks

    return _torch_cpu_checks()
