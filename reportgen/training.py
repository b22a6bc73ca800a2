"""Seeding, minibatch training and accuracy: the pieces every experiment trains with."""

from __future__ import annotations

import random

import numpy as np
import torch
from torch import nn

from reportgen.allocator import keep_freed_memory


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def prepare_cpu(threads: int) -> str | None:
    """Pin the thread count, flush denormals (without it an overfitting net here ran 15x slower) and keep freed
    memory; returns what was set on the allocator, if anything."""
    torch.set_num_threads(threads)
    torch.set_flush_denormal(True)
    return keep_freed_memory()


def train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
                steps: int, batch_size: int, generator: torch.Generator) -> None:
    """`steps` minibatch updates, each on examples drawn uniformly from (x, y) by `generator`."""
    model.train()
    n = len(y)
    for _ in range(steps):
        index = torch.randint(n, (min(batch_size, n),), generator=generator).to(x.device)
        optimizer.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(model(x[index]), y[index]).backward()
        optimizer.step()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 8192) -> float:
    model.eval()
    correct = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(y), batch))
    return correct / len(y)
