"""Scale of data: test accuracy against the number of labelled training examples m, per learner."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from itertools import product

import numpy as np
import torch

from reportgen.data import Dataset
from reportgen.devices import failure_reason, synchronizer
from reportgen.ensemble import Member, train_ensemble
from reportgen.learners import LABELS, MODELS, SEARCH_MAX_M, TRADITIONAL
from reportgen.models import build_model, parameter_count
from reportgen.precision import tf32_mode
from reportgen.profile import DataScaleSettings
from reportgen.records.data import DataInfo
from reportgen.records.data_scale import DataScaleResult, FailedFit, Fit, Learner
from reportgen.records.precision import TRAINING_PRECISION
from reportgen.training import StopRule, accuracy, adam, index_generator, seed_everything, train_steps
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
    traditional = [n for n in ("svm_rbf", "logistic") if n in p.learners]
    settings_of = _search_all(traditional, p, seeds, orders, data, threads, workers if on_cpu else None)
    for name in traditional:
        for m in reversed(p.runs_for(name)):
            for group in _fit_groups(seeds, [settings_of[name, s, min(m, SEARCH_MAX_M)] for s in seeds],
                                     m == len(data.y_pool)):
                rows = orders[group[0]][:m]
                fits.append(((fit_traditional, (name, group, data.x_pool[rows], data.y_pool[rows], data.x_test,
                                                data.y_test, settings_of[name, group[0], min(m, SEARCH_MAX_M)])),
                             [(name, m, s) for s in group]))
    shared = [f"{LABELS[name]} for seeds {', '.join(str(s) for _, _, s in of)}"
              for _, of in fits if len(of) > 1 for name, _, _ in of[:1]]
    if shared:
        p.notes.append(f"At m = {len(data.y_pool):,} every seed trains on the whole pool, so a traditional "
                       "learner's fit there depends only on its settings; seeds that chose the same settings share "
                       "one fit: " + "; ".join(shared) + ".")
    # On the CPU the SVM's fits start first: at the largest m they are the experiment's dearest tasks (about 50 s
    # each at m = 32,000 on one core: fit, then scoring), so none should start last; its small fits cost little
    # wherever they fall.
    first = [w for w in fits if w[1][0][0] == "svm_rbf"]
    work, here = (first + nets + [w for w in fits if w[1][0][0] != "svm_rbf"], []) if on_cpu else (fits, nets)
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
              + f"; {SELECTION}")
    return DataScaleResult(m_values=p.m_values, seeds=seeds, learners=learners, fits=fits, budget=budget,
                           svm_max_m=settings.svm_max_m, test_size=len(data.y_test), device=device, threads=threads,
                           data=data.info, learning_rates=rates, target_accuracy=settings.target_accuracy,
                           notes=p.notes, precision=TRAINING_PRECISION, failed=failed, workers=chosen.workers,
                           worker_threads=chosen.threads, batched=[n for n in p.learners if n in ensembles],
                           stopping=rule.describe() if rule else "",
                           learning_rate_selection=settings.learning_rate_selection,
                           grids={n: GRIDS[n] if n in GRIDS else {"learning_rate": list(settings.learning_rate_grid)}
                                  for n in p.learners if n in GRIDS or settings.learning_rate_grid},
                           bf16_fits=bf16_fits, bf16_not_run=p.bf16_not_run or bf16_failed)


def _search_all(learners: list[str], p: Plan, seeds: list[int], orders: dict, data: Dataset, threads: int,
                workers: int | None) -> dict[tuple[str, int, int], dict[str, float] | BaseException]:
    """Every traditional learner's settings, by (learner, seed, size of the subset searched), searched side by side
    before any fit: each subset is searched once, though every fit above SEARCH_MAX_M uses the search of its first
    SEARCH_MAX_M examples. A search that failed is kept as its error, for its fits to report."""
    keys = sorted({(n, s, min(m, SEARCH_MAX_M)) for n in learners for m in p.runs_for(n) for s in seeds},
                  key=lambda k: (-k[2], k[0] != "svm_rbf", k[1]))  # dearest first
    tasks = [(search, (n, s, data.x_pool[orders[s][:k]], data.y_pool[orders[s][:k]])) for n, s, k in keys]
    found = run_tasks(schedule(threads, len(tasks), workers), tasks, lambda i, result: None,
                      lambda i, error: error) if tasks else []
    return dict(zip(keys, found))


def _fit_groups(seeds: list[int], chosen: list, whole_pool: bool) -> list[list[int]]:
    """The seeds whose traditional fits at one m are one computation, fitted once and shared: where every seed's
    subset is the whole pool (`whole_pool`), a traditional learner's fit depends only on its settings, so seeds
    that chose the same settings get the same model (up to the solver's tolerance in the examples' order). At
    m = 32,000 this saved the SVM two fits of about a minute each, whose test accuracies had agreed to the last
    example. Elsewhere each seed's subset differs, and each seed is its own fit."""
    if not whole_pool:
        return [[s] for s in seeds]
    groups: dict[str, list[int]] = {}
    for s, c in zip(seeds, chosen):
        groups.setdefault(repr(c) if isinstance(c, dict) else f"error {s}", []).append(s)
    return list(groups.values())


def _order(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random order of the pool that starts with one example of each class, so every subset has them all.

    Subsets are nested: for one seed, the examples at m are among those at every larger m.
    """
    order = rng.permutation(len(y))
    _, first = np.unique(y[order], return_index=True)
    return np.concatenate([order[np.sort(first)], np.delete(order, first)])


# The traditional learners' settings are chosen by 3-fold stratified cross-validation on the training subset, or,
# above SEARCH_MAX_M, on its first SEARCH_MAX_M examples (a nested subset): a search on 32,000 examples would cost
# the SVM far more than its fit. The grids are wide enough that the choices of the standard run lie inside them
# (gamma sat at 3 × 'scale', the top of a grid that stopped there, at every m from 1,000 on); the report flags
# any choice at a grid's edge.
GRIDS = {"svm_rbf": {"C": [1.0, 10.0, 100.0], "gamma_scale": [1 / 3, 1.0, 3.0, 9.0]},  # gamma: × scikit-learn's 'scale'
         "logistic": {"C": [0.001, 0.01, 0.1, 1.0, 10.0, 100.0]}}
TRAIN_SCORE_MAX_M = 2000  # a traditional learner's training accuracy is taken on its subset's first this many
# examples: scoring 32,000 training examples costs the SVM more than scoring the test set, for a number no finding
# reads
SELECTION = (f"logistic regression's C (out of {', '.join(f'{c:g}' for c in GRIDS['logistic']['C'])}) and the "
             f"RBF SVM's C (out of {', '.join(f'{c:g}' for c in GRIDS['svm_rbf']['C'])}) and gamma (out of "
             f"{', '.join(f'{g:.2g}' for g in GRIDS['svm_rbf']['gamma_scale'])} × scikit-learn's 'scale') chosen by "
             f"3-fold cross-validation on the training subset, or above m = {SEARCH_MAX_M:,} on its first "
             f"{SEARCH_MAX_M:,} examples; their training accuracy is taken on at most the first "
             f"{TRAIN_SCORE_MAX_M:,} examples of the subset")


def fit_traditional(name: str, seeds: list[int], x: np.ndarray, y: np.ndarray, x_test: np.ndarray,
                    y_test: np.ndarray, chosen: dict[str, float] | BaseException) -> list[Fit | FailedFit]:
    """One traditional learner fitted on (x, y) with the settings `search` chose (or the error it raised): its
    accuracies, wall time and CPU time (this process runs nothing else meanwhile, so its CPU time is the fit's,
    BLAS threads included), as the fit of each of `seeds` (several where they share it: see _fit_groups). The
    search is model selection, not the fit's cost, and is not timed."""
    try:
        if isinstance(chosen, BaseException):
            raise chosen
        model = _model(name, seeds[0], chosen, x)
        wall, cpu = time.perf_counter(), time.process_time()
        model.fit(x, y)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        scored = slice(TRAIN_SCORE_MAX_M)
        test, train = model.score(x_test, y_test), model.score(x[scored], y[scored])
        return [Fit(learner=name, m=len(y), seed=s, test_accuracy=test, train_accuracy=train, fit_seconds=wall,
                    cpu_seconds=cpu, chosen=chosen) for s in seeds]
    except Exception as error:  # noqa: BLE001 - one failed fit is recorded; the experiment goes on
        return [FailedFit(learner=name, m=len(y), seed=s, reason=failure_reason(error)) for s in seeds]


def _model(name: str, seed: int, chosen: dict[str, float], x: np.ndarray):
    """The learner with the chosen settings; gamma as a multiple of 'scale' on the data it is fitted to."""
    from sklearn.linear_model import LogisticRegression  # here: a worker that trains only nets never loads it
    from sklearn.svm import SVC

    if name == "logistic":
        return LogisticRegression(C=chosen["C"], max_iter=2000)
    scale = 1 / (x.shape[1] * x.var())  # scikit-learn's gamma="scale"
    return SVC(kernel="rbf", C=chosen["C"], gamma=chosen["gamma_scale"] * scale, random_state=seed)


def search(name: str, seed: int, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The learner's settings out of GRIDS with the best mean accuracy over 3 stratified folds of (x, y) alone (the
    first such in the grid's order on a tie); the test set is never seen. Each fold's model takes gamma as a
    multiple of its own training part's 'scale', as the final fit does of the subset's."""
    import warnings

    from sklearn.model_selection import StratifiedKFold

    grid = GRIDS[name]
    folds = list(StratifiedKFold(3, shuffle=True, random_state=seed).split(x, y))
    scores = {}
    with warnings.catch_warnings():  # a class with fewer than 3 examples at the smallest m: folds miss it;
        warnings.simplefilter("ignore")  # and lbfgs warns where a fit stops at max_iter
        for values in product(*grid.values()):
            chosen = dict(zip(grid, values))
            scores[values] = np.mean([_model(name, seed, chosen, x[a]).fit(x[a], y[a]).score(x[b], y[b])
                                      for a, b in folds])
    return dict(zip(grid, map(float, max(scores, key=scores.get))))


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
    optimizer = adam(net.parameters(), lr)
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
