"""Choose the neural nets' Adam learning rates on a validation split carved from the training pool: never the test
set, which "no model selection touches".

For each net of the profile and each rate in RATES, train as the battery does (the profile's steps and batch) on the
first m examples of a seeded order of the pool, for each m in SELECT_M, and score on the last VALIDATION examples of
that order, which no training subset here contains. The rate with the best mean validation accuracy over SELECT_M
wins. Prints every score and the lines to record in the profile ([data_scale.learning_rates] and
learning_rate_selection).

Run:  python benchmarks/select_learning_rates.py [PROFILE]   (default: standard; about ten minutes on 2 busy cores)
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
import torch

from reportgen.data import mnist1d
from reportgen.experiments.data_scale import _order
from reportgen.learners import MODELS
from reportgen.models import build_model
from reportgen.profile import ProfileError, load_profile
from reportgen.training import accuracy, seed_everything, train_steps

RATES = (3e-4, 1e-3, 3e-3, 1e-2)  # Adam: a factor of about 3 apart, around its default 1e-3 and the paper's 1e-2
SELECT_M = (1000, 8000)  # a small and a large subset: a rate is chosen for the whole curve, not one point of it
VALIDATION = 4000  # as many as the test set: validation accuracies as precise as the test's
SEED = 0


def main(name: str = "standard") -> None:
    profile, _ = load_profile(name)
    s = profile.data_scale
    data = mnist1d(max(s.m), profile.data.test_size)  # the pool the battery draws from; its test set is not used
    order = _order(data.y_pool, np.random.default_rng(SEED))
    held = order[-VALIDATION:]
    x_val, y_val = torch.from_numpy(data.x_pool[held]), torch.from_numpy(data.y_pool[held])
    torch.set_num_threads(1)
    chosen = {}
    for net in (x for x in s.learners if x in MODELS):
        scores = {}
        for lr in RATES:
            per_m = []
            for m in SELECT_M:
                x, y = torch.from_numpy(data.x_pool[order[:m]]), torch.from_numpy(data.y_pool[order[:m]])
                seed_everything(SEED)
                model = build_model(net)
                train_steps(model, torch.optim.Adam(model.parameters(), lr=lr), x, y, s.steps, s.batch_size,
                            torch.Generator().manual_seed(SEED))
                per_m.append(accuracy(model, x_val, y_val))
            scores[lr] = statistics.fmean(per_m)
            print(f"{net} lr {lr:g}: validation accuracy " + ", ".join(
                f"{100 * a:.1f}% at m = {m:,}" for m, a in zip(SELECT_M, per_m)), flush=True)
        chosen[net] = max(scores, key=scores.get)
    print("\n[data_scale.learning_rates]")
    for net, lr in chosen.items():
        print(f"{net} = {lr:g}")
    print(f'\nlearning_rate_selection = "Adam rate per net out of {", ".join(f"{r:g}" for r in RATES)}: the best mean '
          f"accuracy on {VALIDATION:,} validation examples carved from the training pool (never the test set), "
          f"training on m = {' and '.join(f'{m:,}' for m in SELECT_M)} with this profile's steps and batch "
          f'(benchmarks/select_learning_rates.py, seed {SEED})"')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("profile", nargs="?", default="standard")
    try:
        main(parser.parse_args().profile)
    except ProfileError as error:  # one line, as reportgen build says it
        parser.exit(2, f"{parser.prog}: error: {error}\n")
