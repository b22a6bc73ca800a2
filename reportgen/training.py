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


def index_generator(device: str | torch.device, seed: int) -> torch.Generator:
    """The generator that draws a run's minibatches, on the device the data lives on: drawing there keeps the
    training loop free of host-device copies. A seed gives the same draws on the same kind of device."""
    return torch.Generator(device=device).manual_seed(seed)


def minibatch_indices(n: int, steps: int, batch_size: int, generator: torch.Generator) -> torch.Tensor:
    """A (steps, batch) tensor of example indices drawn uniformly from range(n), all at once on the generator's
    device: one kernel for a whole run instead of a draw and a blocking copy per step."""
    return torch.randint(n, (steps, min(batch_size, n)), generator=generator, device=generator.device)


def train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
                steps: int, batch_size: int, generator: torch.Generator) -> None:
    """`steps` minibatch updates, each on examples drawn uniformly from (x, y) by `generator` (one made by
    index_generator for x's device). Nothing in the loop waits for the device."""
    model.train()
    for index in minibatch_indices(len(y), steps, batch_size, generator).to(x.device, non_blocking=True):
        optimizer.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(model(x[index]), y[index]).backward()
        optimizer.step()


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 8192) -> float:
    model.eval()
    correct = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(y), batch))
    return correct / len(y)
