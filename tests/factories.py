"""Small synthetic result records, for testing findings, rendering and loading without running anything."""

from __future__ import annotations

from reportgen.data import DataInfo
from reportgen.experiments.activations import ActivationsResult, ConvergenceRun, CurvePoint, GradientProfile
from reportgen.experiments.compute import ComputeResult, MatmulTime, StepTime
from reportgen.experiments.data_scale import DataScaleResult, Fit, Learner
from reportgen.models import LABELS
from reportgen.results import SCHEMA_VERSION, Results, RunSettings
from reportgen.system import GpuInfo, SystemInfo
from reportgen.timing import Timing

M = [100, 300, 1000, 3000, 10000]
STORY = {  # test accuracy by learner at each m: traditional learners flatten, the large net keeps rising
    "logistic": [0.25, 0.30, 0.32, 0.325, 0.326],
    "svm_rbf": [0.36, 0.45, 0.55, 0.60, None],
    "mlp_small": [0.22, 0.27, 0.31, 0.33, 0.34],
    "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.80],
}
PARAMETERS = {"mlp_small": 1642, "mlp_large": 551434}


def data_scale(curves=None, seeds=(0,), jitter=0.0) -> DataScaleResult:
    curves = curves or STORY
    fits = [Fit(name, m, seed, acc + jitter * i, acc, 0.01 * m ** (1.5 if name == "svm_rbf" else 1) / 100)
            for name, accs in curves.items() for m, acc in zip(M, accs) if acc is not None
            for i, seed in enumerate(seeds)]
    learners = [Learner(n, LABELS[n], "traditional" if n in ("logistic", "svm_rbf") else "neural",
                        PARAMETERS.get(n)) for n in curves]
    return DataScaleResult(M, list(seeds), learners, fits, "400 Adam steps", 3000, 4000, "cpu", 2)


def _profile(activation, depth, ratio, stage="init"):
    layers = depth + 1
    grads = [1e-2 / ratio ** ((layers - 1 - i) / (layers - 1)) for i in range(layers)]
    return GradientProfile(activation, depth, stage, grads, [0.0] * depth)


def activations(ratios=None, steps=None) -> ActivationsResult:
    """ratios: {activation: {depth: output/input ratio}}; steps: {activation: steps to target or None}."""
    ratios = ratios or {"sigmoid": {2: 80.0, 5: 4.1e4}, "tanh": {2: 3.5, 5: 6.0}, "relu": {2: 3.8, 5: 8.9}}
    steps = steps or {"sigmoid": None, "tanh": 250, "relu": 175}
    gradients = [_profile(a, d, r, stage) for a, by_depth in ratios.items() for d, r in by_depth.items()
                 for stage in ("init", "trained")]
    runs = []
    for activation, n in steps.items():
        reached = n is not None
        end = n if reached else 800
        curve = [CurvePoint(0, 0.0, 0.1), CurvePoint(end, end * 5e-4, 0.55 if reached else 0.2)]
        runs.append(ConvergenceRun(activation, 0.1, 0, n, end * 5e-4 if reached else None, curve, False))
    depths = sorted({d for by in ratios.values() for d in by})
    return ActivationsResult(list(ratios), 128, depths, 4, 2000, 0.5, 800, [0.1], [0], "default", "SGD", gradients,
                             runs, "cpu", 2, 300)


def _timing(seconds):
    return Timing(seconds, seconds * 0.02, 5, 10, 3, seconds * 50)


def compute(step_ms=None, gpu_ms=None) -> ComputeResult:
    """step_ms: {(model, threads): ms}; gpu_ms: {model: ms} on cuda:0 when given."""
    step_ms = step_ms or {("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.2, ("mlp_large", 2): 2.6}
    steps = [StepTime(m, PARAMETERS[m], 100, "cpu", "fp32", t, _timing(ms / 1e3)) for (m, t), ms in step_ms.items()]
    devices = ["cpu"]
    if gpu_ms:
        devices.append("cuda:0")
        steps += [StepTime(m, PARAMETERS[m], 100, "cuda:0", "fp32", None, _timing(ms / 1e3))
                  for m, ms in gpu_ms.items()]
    matmuls = [MatmulTime(n, "cpu", "fp32", t, _timing(2 * n**3 / 100e9)) for n in (64, 256) for t in (1, 2)]
    return ComputeResult(devices, 2, 0.3, steps, matmuls, 2000)


def system(**changes) -> SystemInfo:
    base = {"hostname": "testhost", "cpu_model": "Test CPU", "physical_cores": 2, "logical_cores": 2,
            "memory_gib": 8.0, "os": "Linux Test", "kernel": "6.0", "python": "3.11.7", "torch": "2.13.0",
            "torch_cuda": None, "cudnn": None, "sklearn": "1.9", "numpy": "2.4", "blas": "test BLAS",
            "tool_version": "0.1.0", "git_commit": None, "gpus": []}
    return SystemInfo(**{**base, **changes})


def gpu(**changes) -> GpuInfo:
    return GpuInfo(**{"name": "Test GPU", "memory_gib": 80.0, "compute_capability": "9.0", "driver": "550.1", **changes})


def results(data=None, acts=None, comp=None, **system_changes) -> Results:
    settings = RunSettings("quick", {"name": "quick"}, "cpu", "test", 0, 2, "reportgen build --profile quick")
    info = DataInfo("MNIST-1D", "mnist1d.data.make_dataset", {"seed": 42}, 10000, 4000, True)
    return Results(SCHEMA_VERSION, "reportgen", "0.1.0", "2026-01-01T00:00:00Z", system(**system_changes), settings,
                   {"data": 0.1}, info, data or data_scale(), acts or activations(), comp or compute())
