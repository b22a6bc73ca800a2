"""Small synthetic result records, for testing findings, rendering and loading without running anything."""

from __future__ import annotations

from reportgen.learners import LABELS
from reportgen.records.activations import ActivationsResult, ConvergenceRun, CurvePoint, GradientProfile
from reportgen.records.compute import ComputeResult, MatmulTime, StepTime
from reportgen.records.data import DataInfo
from reportgen.records.data_scale import DataScaleResult, Fit, Learner
from reportgen.records.scaling import AllReduceTime, DdpStep, ScalingResult
from reportgen.records.system import GpuInfo, SystemInfo
from reportgen.results import SCHEMA_VERSION, Results, RunSettings
from reportgen.timing import Timing

M = [100, 300, 1000, 3000, 10000]
STORY = {  # test accuracy by learner at each m: traditional learners flatten, the large net keeps rising
    "logistic": [0.25, 0.30, 0.32, 0.325, 0.326],
    "svm_rbf": [0.36, 0.45, 0.55, 0.60, 0.65],
    "mlp_small": [0.22, 0.27, 0.31, 0.33, 0.34],
    "mlp_large": [0.24, 0.32, 0.50, 0.64, 0.80],
}
PARAMETERS = {"mlp_small": 1642, "mlp_large": 551434}


def data_scale(curves=None, seeds=(0, 1, 2), jitter=0.002, m=None, svm_power=1.5, steps=None) -> DataScaleResult:
    """Seed i scores `jitter * i` above the curve at every m (so paired gains match the curve's, and a paired lead
    holds in every seed); fit time grows like m^svm_power for the SVM and like m for the others. `steps`: the Adam
    steps every net's fit took (None: not recorded); a net's training accuracy is its curve's."""
    curves, m_values = curves or STORY, m or M
    fits = [Fit(learner=name, m=m, seed=seed, test_accuracy=acc + jitter * i, train_accuracy=acc,
                fit_seconds=0.01 * m ** (svm_power if name == "svm_rbf" else 1) / 100,
                steps=None if name in ("logistic", "svm_rbf") else steps)
            for name, accs in curves.items() for m, acc in zip(m_values, accs) if acc is not None
            for i, seed in enumerate(seeds)]
    learners = [Learner(name=n, label=LABELS[n], kind="traditional" if n in ("logistic", "svm_rbf") else "neural",
                        parameters=PARAMETERS.get(n)) for n in curves]
    return DataScaleResult(m_values=m_values, seeds=list(seeds), learners=learners, fits=fits,
                           budget="400 Adam steps", svm_max_m=3000, test_size=4000, device="cpu", threads=2)


def power_law_curve(m_values, a=2.0, b=-0.4, c=0.05, bend_at=None, bend=0.0):
    """Accuracy 1 - (a * m^b + c) at each m; from `bend_at` on, `bend` more (the curve leaves the law there)."""
    return [1 - (a * m**b + c) + (bend if bend_at and m >= bend_at else 0.0) for m in m_values]


def _profile(activation, depth, ratio, stage="init", init="default", samples=6, spread=0.1):
    """Ratios of the samples spread +-`spread` (relative) around `ratio`, geometric mean `ratio`."""
    layers = depth + 1
    grads = [1e-2 / ratio ** ((layers - 1 - i) / (layers - 1)) for i in range(layers)]
    factors = [(1 + spread) ** (2 * k / (samples - 1) - 1) for k in range(samples)] if samples > 1 else [1.0]
    return GradientProfile(activation=activation, depth=depth, stage=stage, mean_abs_grad=grads,
                           saturated=[0.0] * depth, init=init, ratios=[ratio * f for f in factors])


OWN_RATIOS = {"sigmoid": {2: 20.0, 5: 900.0}, "tanh": {2: 1.5, 5: 1.6}, "relu": {2: 2.0, 5: 3.0}}
OWN_INIT = {"sigmoid": "glorot4", "tanh": "glorot", "relu": "he"}


EVAL_EVERY = 25  # training accuracy is checked every this many steps
RATES = [0.03, 0.1, 0.3]  # the grid searched; every run is at its middle rate unless `rates` says otherwise


def activations(ratios=None, steps=None, seeds=(0, 1), own_ratios=None, own_steps=None, designed=True,
                seed_step=10, rates=None) -> ActivationsResult:
    """ratios: {activation: {depth: output/input ratio}} under the default init; steps: {activation: steps to
    target or None}, the first seed's (each further seed takes `seed_step` more); own_*: the same under each
    activation's designed init (designed=False leaves those out, as in older files); rates: {activation: the rate its
    runs were at} (default the middle of RATES), so a best rate can sit at the grid's edge."""
    ratios = ratios or {"sigmoid": {2: 80.0, 5: 4.1e4}, "tanh": {2: 3.5, 5: 6.0}, "relu": {2: 3.8, 5: 8.9}}
    steps = {"sigmoid": None, "tanh": 250, "relu": 175, **(steps or {})}
    own_ratios = own_ratios or {a: OWN_RATIOS[a] for a in ratios}
    own_steps = {"sigmoid": 600, "tanh": 240, "relu": 150, **(own_steps or {})}
    samples = 3 * len(seeds)
    inits = [("default", ratios, steps)] + ([("own", own_ratios, own_steps)] if designed else [])
    gradients, runs = [], []
    for kind, by_activation, to_target in inits:
        for a, by_depth in by_activation.items():
            init = "default" if kind == "default" else OWN_INIT[a]
            gradients += [_profile(a, d, r, stage, init, samples) for d, r in by_depth.items()
                          for stage in ("init", "trained")]
            for i, seed in enumerate(seeds):
                n = to_target.get(a)
                reached = n is not None
                end = n + seed_step * i if reached else 800
                checks = [0, *([end - EVAL_EVERY] if end > EVAL_EVERY else []), end]  # the last two checks
                curve = [CurvePoint(step=s, seconds=s * 5e-4, train_accuracy=0.55 if reached and s == end else 0.2)
                         for s in checks]
                runs.append(ConvergenceRun(activation=a, learning_rate=(rates or {}).get(a, 0.1), seed=seed,
                                           steps_to_target=end if reached else None,
                                           seconds_to_target=end * 5e-4 if reached else None, curve=curve,
                                           diverged=False, init=init))
    depths = sorted({d for by in ratios.values() for d in by})
    return ActivationsResult(activations=list(ratios), width=128, depths=depths, train_depth=4, train_examples=2000,
                             target_accuracy=0.5, max_steps=800, learning_rates=RATES, seeds=list(seeds),
                             init="default", optimizer="SGD", gradients=gradients, runs=runs, device="cpu",
                             threads=2, trained_steps=300)


ROUNDS = (0.98, 1.0, 1.02)  # three rounds 2% apart, the same for every workload: same-round pairs give the ratio


def _timing(seconds, factors=ROUNDS):
    """A median of `seconds`, its rounds at `factors` times it."""
    return Timing(median_s=seconds, iqr_s=seconds * 0.02, blocks=5, calls_per_block=10, warmup_calls=3,
                  total_s=seconds * 50, round_medians_s=[seconds * f for f in factors])


def compute(step_ms=None, gpu_ms=None, rounds=None) -> ComputeResult:
    """step_ms: {(model, threads): ms}; gpu_ms: {model: ms} on cuda:0 when given; rounds: {(model, threads, None on
    the GPU): factors} for workloads whose rounds are not ROUNDS (a disturbed round, a speed-up that moves)."""
    step_ms = step_ms or {("mlp_small", 1): 0.2, ("mlp_large", 1): 4.0, ("mlp_small", 2): 0.15, ("mlp_large", 2): 2.6}
    rounds = rounds or {}
    steps = [StepTime(model=m, parameters=PARAMETERS[m], batch_size=100, device="cpu", precision="fp32", threads=t,
                      timing=_timing(ms / 1e3, rounds.get((m, t), ROUNDS))) for (m, t), ms in step_ms.items()]
    devices = ["cpu"]
    if gpu_ms:
        devices.append("cuda:0")
        steps += [StepTime(model=m, parameters=PARAMETERS[m], batch_size=100, device="cuda:0", precision="fp32",
                           threads=None, timing=_timing(ms / 1e3, rounds.get((m, None), ROUNDS)))
                  for m, ms in gpu_ms.items()]
    matmuls = [MatmulTime(n=n, device="cpu", precision="fp32", threads=t, timing=_timing(2 * n**3 / 100e9))
               for n in (64, 256) for t in (1, 2)]
    return ComputeResult(devices=devices, threads=2, max_seconds=0.3, steps=steps, matmuls=matmuls, loop_steps=2000)


def scaling(step_ms=None, rounds=None, device="cpu", world_sizes=(1, 2), others_busy=0.0,
            allreduce_ms=None) -> ScalingResult:
    """step_ms: {(model, world size, scaling): ms}, default a 2-core CPU where two workers are slower than one
    process; rounds: {(model, world size, scaling): factors} where a configuration's rounds are not ROUNDS;
    allreduce_ms: {(world size, bytes): ms}. Every DDP step spends 30% of its time communicating."""
    step_ms = step_ms or {("mlp_large", 1, "single"): 3.7, ("mlp_large", 1, "weak"): 3.9,
                          ("mlp_large", 2, "weak"): 11.0, ("mlp_large", 2, "strong"): 6.8}
    allreduce_ms = allreduce_ms or {(n, b): (0.01 if n == 1 else 0.1 + b / 1.2e6) for n in world_sizes
                                    for b in (4096, 1 << 20, 16 << 20)}
    rounds = rounds or {}
    cuda = device == "cuda"
    steps = [DdpStep(model=m, parameters=PARAMETERS[m], world_size=n, scaling=mode,
                     batch_per_worker=100 if mode != "strong" else 100 // n,
                     threads_per_worker=None if cuda else 2 // n,
                     timing=_timing(ms / 1e3, rounds.get((m, n, mode), ROUNDS)),
                     local=None if mode == "single" else _timing(0.7 * ms / 1e3),
                     parameters_equal=True if n > 1 else None)
             for (m, n, mode), ms in step_ms.items()]
    allreduce = [AllReduceTime(world_size=n, bytes=b, median_s=ms / 1e3, iqr_s=ms / 1e5, repeats=10)
                 for (n, b), ms in allreduce_ms.items()]
    return ScalingResult(backend="nccl" if cuda else "gloo", device=device, launcher="test", world_sizes=list(world_sizes),
                         available=max(world_sizes), threads=2, batch_size=100, rounds=3, allreduce=allreduce,
                         steps=steps, seconds=9.5, others_busy=others_busy,
                         interconnect="peer-to-peer access between every pair of GPUs" if cuda and max(world_sizes) > 1
                         else None)


def system(**changes) -> SystemInfo:
    base = {"hostname": "testhost", "cpu_model": "Test CPU", "physical_cores": 2, "logical_cores": 2,
            "memory_gib": 8.0, "os": "Linux Test", "kernel": "6.0", "python": "3.11.7", "torch": "2.13.0",
            "torch_cuda": None, "cudnn": None, "sklearn": "1.9", "numpy": "2.4", "blas": "test BLAS",
            "tool_version": "0.1.0", "git_commit": None, "gpus": []}
    return SystemInfo(**{**base, **changes})


def gpu(**changes) -> GpuInfo:
    return GpuInfo(**{"name": "Test GPU", "memory_gib": 80.0, "compute_capability": "9.0", "driver": "550.1", **changes})


def results(data=None, acts=None, comp=None, scal=None, **system_changes) -> Results:
    settings = RunSettings(profile="quick", profile_table={"name": "quick"}, device="cpu", device_reason="test",
                           seed=0, threads=2, command="reportgen build --profile quick")
    info = DataInfo(name="MNIST-1D", generator="mnist1d.data.make_dataset", generator_args={"seed": 42},
                    pool_size=10000, test_size=4000, from_cache=True)
    return Results(schema_version=SCHEMA_VERSION, tool="reportgen", tool_version="0.1.0",
                   created_utc="2026-01-01T00:00:00Z", system=system(**system_changes), settings=settings,
                   phases={"data": 0.1}, data=info, data_scale=data or data_scale(), activations=acts or activations(),
                   compute=comp or compute(), scaling=scal)
