"""Scale of data: test accuracy against the number of labelled training examples m, per learner."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch

from reportgen.data import Dataset
from reportgen.devices import failure_reason, synchronizer
from reportgen.ensemble import Member, train_ensemble
from reportgen.learners import LABELS, MODELS, TRADITIONAL
from reportgen.models import build_model, parameter_count
from reportgen.precision import tf32_mode
from reportgen.profile import DataScaleSettings
from reportgen.records.data import DataInfo
from reportgen.records.data_scale import DataScaleResult, FailedFit, Fit, Learner
from reportgen.records.precision import TRAINING_PRECISION
from reportgen.training import StopRule, accuracy, index_generator, seed_everything, train_steps
from reportgen.workers import run_tasks, schedule

# The nets a CPU trains as one batched ensemble per seed rather than one by one. benchmarks/fit_speed.py, one
# thread, 9 members, per member-step: small MLP 2.9x and medium MLP 3.0x faster, CNN 1.35x; the 512x3 MLP 0.74x
# (its steps are large matrix products already, and the batched ones ran slower). Accelerators batch every net.
BATCHED_CPU = ("mlp_small", "mlp_medium", "cnn")
BF16_NET = "mlp_large"  # the net whose accuracy under bf16 autocast is checked: its steps are the matrix products
_NET_COST = ("mlp_large", "cnn", "mlp_medium", "mlp_small")  # dearest first, so no long fit starts last


@dataclass(frozen=True)
class Plan:
    m_values: list[int]
    learners: list[str]
    notes: list[str]
    svm_max_m: int
    bf16_m: int = 0  # the m at which the large MLP trains again under bf16 autocast (0: not)
    bf16_not_run: str = ""  # why it does not, where the profile asked for it

    def runs_for(self, learner: str) -> list[int]:
        return [m for m in self.m_values if learner != "svm_rbf" or m <= self.svm_max_m]

    def units(self, seeds: int) -> int:
        return seeds * (sum(len(self.runs_for(x)) for x in self.learners) + bool(self.bf16_m))


def plan(settings: DataScaleSettings, info: DataInfo, device: str = "cpu", bf16_unit: str | None = None) -> Plan:
    """The grid and learners that fit this data: m no larger than the pool, a CNN only for sequences; the bf16
    accuracy check where the profile asks for it and the CPU the nets train on has a bf16 unit."""
    notes = []
    m_values = [m for m in settings.m if m <= info.pool_size]
    if len(m_values) < len(settings.m):
        if not m_values or m_values[-1] < info.pool_size:
            m_values.append(info.pool_size)
        if len(m_values) < 4:
            m_values = sorted({round(float(m)) for m in np.geomspace(min(100, info.pool_size // 8), info.pool_size, 6)})
        notes.append(f"The pool holds {info.pool_size:,} training examples, so m runs up to {m_values[-1]:,}.")
    learners = list(settings.learners)
    if "cnn" in learners and not info.sequence:
        learners.remove("cnn")
        notes.append("The CNN was left out: it needs examples that are 1-D sequences, and this data is a table.")
    if "svm_rbf" in learners and m_values[-1] > settings.svm_max_m:
        notes.append(f"The RBF SVM was run only up to m = {settings.svm_max_m:,}: its fit time grows faster than m.")
    bf16_m, why = _bf16_check(settings, m_values, learners, device, bf16_unit)
    return Plan(m_values, learners, notes, settings.svm_max_m, bf16_m, why)


def _bf16_check(settings: DataScaleSettings, m_values: list[int], learners: list[str], device: str,
                bf16_unit: str | None) -> tuple[int, str]:
    """The m of the bf16 accuracy check, or 0 and why not (where the profile asked for one)."""
    if not settings.bf16_m:
        return 0, ""
    if BF16_NET not in learners or settings.bf16_m not in m_values:
        return 0, f"not run: the {LABELS[BF16_NET]} was not trained at m = {settings.bf16_m:,} in fp32 to pair it with"
    if device != "cpu":
        return 0, "not run: this version checks bf16 accuracy only where the nets train on the CPU"
    if not bf16_unit:
        return 0, "not run: this CPU has no native bf16 unit, and emulated bf16 would say nothing of the hardware"
    return settings.bf16_m, ""


def run(settings: DataScaleSettings, data: Dataset, device: str, seed: int, threads: int, advance,
        workers: int | None = None, bf16_unit: str | None = None) -> DataScaleResult:
    """Every fit of the plan, side by side on the CPUs the run may use (`workers` overrides how many processes).

    On an accelerator the nets train there, in this process, while the CPU fits the traditional learners. Where
    the CPU has a bf16 unit (`bf16_unit`), the large MLP also trains at the profile's bf16_m under bf16 autocast,
    once per seed, on the same examples, initialisation and minibatches as its fp32 fit there.
    """
    p = plan(settings, data.info, device, bf16_unit)
    seeds = [seed + i for i in range(settings.seeds)]
    orders = {s: _order(data.y_pool, np.random.default_rng(s)) for s in seeds}
    on_cpu = device == "cpu"
    ensembles = batched(device)
    nets, fits = [], []
    for name in sorted((n for n in p.learners if n not in TRADITIONAL), key=_NET_COST.index):
        groups = ([p.runs_for(name)] if name in ensembles else [[m] for m in reversed(p.runs_for(name))])
        for s in seeds:
            for ms in groups:
                rows = orders[s][:max(ms)]
                nets.append(((train_nets, (name, s, ms, data.x_pool[rows], data.y_pool[rows], data.x_test,
                                           data.y_test, settings, data.info.classes, device)),
                             [(name, m, s) for m in ms]))
    checks = [((train_nets, (BF16_NET, s, [p.bf16_m], data.x_pool[rows], data.y_pool[rows], data.x_test,
                              data.y_test, settings, data.info.classes, device, "bf16")), [(BF16_NET, p.bf16_m, s)])
              for s in seeds if p.bf16_m for rows in [orders[s][:p.bf16_m]]]
    nets = nets[:1] + checks + nets[1:]  # after the first large fit: dear, so none of them starts last
    for name in (n for n in ("svm_rbf", "logistic") if n in p.learners):
        for m in reversed(p.runs_for(name)):
            for s in seeds:
                rows = orders[s][:m]
                fits.append(((fit_traditional, (name, s, data.x_pool[rows], data.y_pool[rows], data.x_test,
                                                data.y_test)), [(name, m, s)]))
    work, here = (nets + fits, []) if on_cpu else (fits, nets)
    tasks = [task for task, _ in work]
    chosen = schedule(threads, len(tasks), workers if on_cpu else (workers or max(1, threads - 1)))

    def done(i: int, outcomes: list[Fit | FailedFit]) -> None:
        for outcome in outcomes:
            advance(f"{LABELS[outcome.learner]}, m={outcome.m}")

    def died(i: int, error: BaseException) -> list[FailedFit]:  # its worker process ended (killed for memory?)
        return [FailedFit(learner=name, m=m, seed=s, reason=failure_reason(error)) for name, m, s in work[i][1]]

    found = run_tasks(chosen, tasks, done, died, [task for task, _ in here])
    is_check = [any(item is c for c in checks) for item in work + here]
    outcomes = [o for fits_of, check in zip(found, is_check) if not check for o in fits_of]
    checked = [o for fits_of, check in zip(found, is_check) if check for o in fits_of]
    bf16_fits = sorted((o for o in checked if isinstance(o, Fit)), key=lambda f: f.seed)
    bf16_failed = "; ".join(f"not complete: the bf16 fit of seed {o.seed} failed ({o.reason})"
                            for o in checked if isinstance(o, FailedFit))
    rank = {n: i for i, n in enumerate(p.learners)}
    fits = sorted((o for o in outcomes if isinstance(o, Fit)), key=lambda f: (f.seed, f.m, rank[f.learner]))
    failed = sorted((o for o in outcomes if isinstance(o, FailedFit)), key=lambda f: (f.seed, f.m, rank[f.learner]))
    learners = [Learner(name=n, label=LABELS[n], kind="traditional" if n in TRADITIONAL else "neural",
                        parameters=None if n in TRADITIONAL
                        else parameter_count(build_model(n, data.info.features, data.info.classes)))
                for n in p.learners]
    rates = {n: settings.learning_rates[n] for n in p.learners if n not in TRADITIONAL}
    rule = stop_rule(settings)
    budget = (f"neural nets: {settings.steps:,} Adam steps (batch {settings.batch_size}) at every m, "
              + (f"or fewer: {rule.describe()}" if rule else "no early stopping")
              + "; logistic regression fitted to convergence with scikit-learn's defaults; "
              + (SVM_SELECTION if "svm_rbf" in p.learners else "no SVM"))
    return DataScaleResult(m_values=p.m_values, seeds=seeds, learners=learners, fits=fits, budget=budget,
                           svm_max_m=settings.svm_max_m, test_size=len(data.y_test), device=device, threads=threads,
                           data=data.info, learning_rates=rates, target_accuracy=settings.target_accuracy,
                           notes=p.notes, precision=TRAINING_PRECISION, failed=failed, workers=chosen.workers,
                           worker_threads=chosen.threads, batched=[n for n in p.learners if n in ensembles],
                           stopping=rule.describe() if rule else "",
                           learning_rate_selection=settings.learning_rate_selection,
                           bf16_fits=bf16_fits, bf16_not_run=p.bf16_not_run or bf16_failed)


def _order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool that starts with one example of each class, so every subset has them all.

    Subsets are nested: for one seed, the examples at m are among those at every larger m.
    """
    order = rng.permutation(len(y))
    _, first = np.unique(y[order], return_index=True)
    return np.concatenate([order[np.sort(first)], np.delete(order, first)])


SVM_C = (1.0, 10.0, 100.0)  # the RBF SVM's C and gamma (as multiples of scikit-learn's "scale") are chosen
SVM_GAMMA = (1 / 3, 1.0, 3.0)  # by 3-fold cross-validation on the training subset: a small grid, but a fair one
SVM_CV_MAX_M = 1000  # above this the choice made on the subset's first 1,000 examples (a nested subset) is reused
SVM_SELECTION = (f"RBF SVM: C of {' or '.join(f'{c:g}' for c in SVM_C)} and gamma of "
                 f"{' or '.join(f'{g:.2g}' for g in SVM_GAMMA)} × scikit-learn's 'scale', by 3-fold cross-validation "
                 f"on the training subset, up to m = {SVM_CV_MAX_M:,}; above it the choice made on the subset's first "
                 f"{SVM_CV_MAX_M:,} examples is reused, since a search there would cost more than the fits")
_CHOSEN: dict[tuple, dict[str, float]] = {}  # cross-validation results by subset, so a reuse does not search again


def fit_traditional(name: str, seed: int, x: np.ndarray, y: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray) -> list[Fit | FailedFit]:
    """One traditional learner fitted on (x, y): its accuracies, wall time and CPU time (this process runs
    nothing else meanwhile, so its CPU time is the fit's, BLAS threads included). The SVM's C and gamma are chosen
    first, on (x, y) alone; the search is model selection, not the fit's cost, and is not timed."""
    from sklearn.linear_model import LogisticRegression  # here: a worker that trains only nets never loads it
    from sklearn.svm import SVC

    try:
        chosen = _svm_settings(x[:SVM_CV_MAX_M], y[:SVM_CV_MAX_M], seed) if name == "svm_rbf" else {}
        model = (LogisticRegression(max_iter=2000) if name == "logistic" else
                 SVC(kernel="rbf", C=chosen["C"], gamma=chosen["gamma"], random_state=seed))
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(x, y)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        return [Fit(learner=name, m=len(y), seed=seed, test_accuracy=model.score(x_test, y_test),
                    train_accuracy=model.score(x, y), fit_seconds=wall, cpu_seconds=cpu, chosen=chosen)]
    except Exception as error:  # noqa: BLE001 - one failed fit is recorded; the experiment goes on
        return [FailedFit(learner=name, m=len(y), seed=seed, reason=failure_reason(error))]


def _svm_settings(x: np.ndarray, y: np.ndarray, seed: int) -> dict[str, float]:
    """C and gamma by 3-fold stratified cross-validation on (x, y) alone; the test set is never seen."""
    import warnings

    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.svm import SVC

    key = (seed, len(y), hash(x.tobytes()), hash(y.tobytes()))
    if key not in _CHOSEN:
        scale = 1 / (x.shape[1] * x.var())  # scikit-learn's gamma="scale"
        search = GridSearchCV(SVC(kernel="rbf", random_state=seed),
                              {"C": list(SVM_C), "gamma": [g * scale for g in SVM_GAMMA]},
                              cv=StratifiedKFold(3, shuffle=True, random_state=seed))
        with warnings.catch_warnings():  # a class with fewer than 3 examples at the smallest m: folds miss it
            warnings.simplefilter("ignore", UserWarning)
            search.fit(x, y)
        _CHOSEN[key] = {"C": float(search.best_params_["C"]), "gamma": float(search.best_params_["gamma"])}
    return _CHOSEN[key]


def train_nets(name: str, seed: int, ms: list[int], x: np.ndarray, y: np.ndarray, x_test: np.ndarray,
               y_test: np.ndarray, settings: DataScaleSettings, classes: int, device: str,
               precision: str = TRAINING_PRECISION) -> list[Fit | FailedFit]:
    """The nets `name` of one seed, one per m in `ms`, each trained on the first m rows of (x, y) in `precision`
    (fp32, or "bf16": the forward pass under autocast; evaluated in fp32 either way).

    Two or more m train as one batched ensemble (those with at least a full minibatch together); should that fail
    (out of memory, say), each net is trained alone. Wall and CPU time of an ensemble are shared among its nets
    in proportion to the steps each took.
    """
    to = torch.device(device)
    # Copies: in a worker process the arrays arrive as read-only memory maps, which torch warns about sharing.
    pool_x, pool_y = torch.tensor(x, device=to), torch.tensor(y, device=to)
    test_x, test_y = torch.tensor(x_test, device=to), torch.tensor(y_test, device=to)
    rule = stop_rule(settings)
    full = [m for m in ms if m >= settings.batch_size]
    groups = [full] if len(full) > 1 and precision == TRAINING_PRECISION else []
    groups += [[m] for m in ms if not any(m in g for g in groups)]
    build = partial(build_model, name, x.shape[1], classes)
    budget = (settings.steps, settings.batch_size, settings.learning_rates[name], rule)
    out: list[Fit | FailedFit] = []
    for group in groups:
        trained = None
        if len(group) > 1:
            members = [Member(seed, torch.arange(m, device=to)) for m in group]
            try:
                trained = _timed(device, train_ensemble, build, members, pool_x, pool_y, *budget)
            except Exception:  # noqa: BLE001 - the nets are tried one by one instead
                trained = None
        for k, m in enumerate(group):
            try:
                net, steps, wall, cpu = (trained[k] if trained else
                                         _timed(device, _train_one, build, seed, pool_x[:m], pool_y[:m], *budget,
                                                precision)[0])
                out.append(Fit(learner=name, m=m, seed=seed, test_accuracy=accuracy(net, test_x, test_y),
                               train_accuracy=accuracy(net, pool_x[:m], pool_y[:m]), fit_seconds=wall,
                               cpu_seconds=cpu, steps=steps))
            except Exception as error:  # noqa: BLE001 - one failed fit is recorded; the experiment goes on
                out.append(FailedFit(learner=name, m=m, seed=seed, reason=failure_reason(error)))
    return out


def _train_one(build, seed: int, x: torch.Tensor, y: torch.Tensor, steps: int, batch_size: int, lr: float,
               rule: StopRule | None, precision: str = TRAINING_PRECISION) -> list[tuple[torch.nn.Module, int]]:
    """The plain loop: one net, alone."""
    seed_everything(seed)
    net = build().to(x.device)
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    return [(net, train_steps(net, optimizer, x, y, steps, batch_size, index_generator(x.device, seed), rule,
                              precision))]


def _timed(device: str, train, *args) -> list[tuple[torch.nn.Module, int, float, float | None]]:
    """Run `train(*args)` (returning (net, steps) per net) and share its wall and CPU time among the nets by
    steps. CPU time only on the CPU: on an accelerator this process mostly waits."""
    wall, cpu = time.perf_counter(), time.process_time()
    with tf32_mode(device, TRAINING_PRECISION):
        trained = train(*args)
    synchronizer(device)()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    total = sum(steps for _, steps in trained)
    return [(net, steps, wall * steps / total, cpu * steps / total if device == "cpu" else None)
            for net, steps in trained]


def stop_rule(settings: DataScaleSettings) -> StopRule | None:
    return StopRule(settings.stop_window) if settings.stop_window else None


def batched(device: str) -> tuple[str, ...]:
    """The nets trained as batched ensembles on this device: where benchmarks/fit_speed.py found it pays."""
    return BATCHED_CPU if device == "cpu" else MODELS
