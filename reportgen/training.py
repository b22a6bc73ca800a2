"""Seeding, minibatch training and accuracy: the pieces every experiment trains with."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from reportgen.allocator import keep_freed_memory
from reportgen.precision import autocast

DRAW_STEPS = 250  # minibatches drawn per call, on the device: no host round trip per step, little memory


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


def adam(params, lr: float) -> torch.optim.Adam:
    """Adam with its fused kernel, one pass over the parameters per step: foreach's several passes over memory
    made the 512x3 MLP's CPU step 1.46x slower (benchmarks/optimizer_speed.py). The same update, up to rounding."""
    params = list(params)
    return torch.optim.Adam(params, lr=lr, fused=_fusable(params))


def sgd(params, lr: float, momentum: float) -> torch.optim.SGD:
    """SGD with momentum, fused where the parameters' device has the kernel, as `adam`."""
    params = list(params)
    return torch.optim.SGD(params, lr=lr, momentum=momentum, fused=_fusable(params))


def _fusable(params: list) -> bool:
    """Whether torch has fused optimizer kernels for these parameters (CPU and CUDA: the devices the tool runs on;
    None, torch's own choice, elsewhere)."""
    return all(p.device.type in ("cpu", "cuda") and p.is_floating_point() for p in params) or None


def index_generator(device: str | torch.device, seed: int) -> torch.Generator:
    """The generator that draws a run's minibatches, on the device the data lives on: drawing there keeps the
    training loop free of host-device copies. A seed gives the same draws on the same kind of device."""
    return torch.Generator(device=device).manual_seed(seed)


def index_blocks(n: int, steps: int, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    """Indices of `steps` minibatches of min(batch_size, n) examples drawn uniformly from range(n) on the
    generator's device, as blocks of DRAW_STEPS minibatches (one draw each). A net trained alone and the same net
    in a batched ensemble draw the same blocks."""
    size = min(batch_size, n)
    for start in range(0, steps, DRAW_STEPS):
        yield torch.randint(n, (min(DRAW_STEPS, steps - start), size), generator=generator, device=generator.device)


def minibatches(n: int, steps: int, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    for block in index_blocks(n, steps, batch_size, generator):
        yield from block


@dataclass(frozen=True)
class StopRule:
    """Stop a net once every minibatch of `window` consecutive steps was classified without error.

    The streak is counted on the device and read every `check_every` steps, so the rule costs no host round trip
    per step. The window is in steps, the same at every m.
    """

    window: int
    check_every: int = 50

    def describe(self) -> str:
        return (f"a net stops early once every minibatch of {self.window:,} consecutive steps was classified "
                f"without error (checked every {self.check_every} steps)")


def perfect(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Whether each minibatch (the last dimension) was classified without error; stays on the device."""
    return (logits.argmax(-1) == y).all(-1)


def train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor,
                steps: int, batch_size: int, generator: torch.Generator, stop: StopRule | None = None,
                precision: str = "fp32") -> int:
    """Up to `steps` minibatch updates on examples drawn uniformly from (x, y) by `generator` (on x's device);
    returns the steps taken, fewer when `stop` ended training early. "bf16": the forward pass under autocast."""
    model.train()
    streak = torch.zeros((), dtype=torch.long, device=x.device)
    for step, index in enumerate(minibatches(len(y), steps, batch_size, generator), start=1):
        optimizer.zero_grad(set_to_none=True)
        with autocast(str(x.device), precision):
            logits = model(x[index])
            loss = nn.functional.cross_entropy(logits, y[index])
        loss.backward()
        optimizer.step()
        if stop:
            streak = (streak + 1) * perfect(logits.detach(), y[index])
            if step % stop.check_every == 0 and int(streak) >= stop.window:
                return step
    return steps


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 8192) -> float:
    model.eval()
    correct = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(y), batch))
    return correct / len(y)
