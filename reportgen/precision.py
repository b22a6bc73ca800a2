"""Numeric precision: the switches that make each name (reportgen.records.precision) true on a CUDA device.

cuDNN allows TF32 for convolutions by default while PyTorch keeps it off for matrix products, so without a switch
a CNN and an MLP on the same GPU would train in different precisions. Every experiment therefore states its
precision and sets it.
"""

from __future__ import annotations

import contextlib

import torch

from reportgen.devices import device_type


def tf32_capable(device: str, capability=None) -> bool:
    """TF32 exists from compute capability 8.0 (Ampere) on; elsewhere a "tf32" row would really be fp32.
    `capability` is a seam standing for torch.cuda.get_device_capability."""
    if device_type(device) != "cuda":
        return False
    major, _ = (capability or torch.cuda.get_device_capability)(device)
    return major >= 8


def autocast(device: str, precision: str):
    """bf16 autocast around a forward pass for "bf16" (on CUDA, or a CPU with a bf16 unit), nothing otherwise: the
    weights, gradients and optimizer stay fp32, as in mixed-precision training."""
    return torch.autocast(device_type(device), dtype=torch.bfloat16, enabled=precision == "bf16")


@contextlib.contextmanager
def tf32_mode(device: str, precision: str):
    """TF32 on for "tf32" only, so that fp32 is true fp32, the baseline; the previous setting comes back after."""
    if device_type(device) != "cuda":
        yield
        return
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = precision == "tf32"
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before
