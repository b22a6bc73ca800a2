"""The precisions records name, and what each means (the report prints these beside the results)."""

from __future__ import annotations

TRAINING_PRECISION = "fp32"  # the data-scale and activation experiments: true fp32 on every device
MEANINGS = {
    "fp32": "IEEE single precision throughout; on CUDA with TF32 turned off for matrix products and cuDNN "
            "convolutions",
    "tf32": "fp32 tensors whose matrix products and convolutions may run on TF32 tensor cores (inputs rounded "
            "to a 10-bit mantissa, fp32 accumulation); NVIDIA GPUs of compute capability 8.0 or later",
    "bf16": "the forward pass under bfloat16 autocast (weights, gradients and the optimizer stay fp32); "
            "matrix products with both operands in bfloat16",
}
