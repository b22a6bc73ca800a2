"""Nets of one architecture trained side by side as one batched ensemble (torch.func), each on its own examples.

Each member starts from the weights, and draws the minibatches, that the same net trained alone gets (its seed,
its generator); the loss is the sum of the members' own mean losses and Adam's update is elementwise, so the
ensemble computes the plain loop's fits, up to floating-point rounding, in fewer and larger operations
(PyTorch's model-ensembling recipe: stack_module_state, vmap, functional_call).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from reportgen.training import StopRule, adam, index_blocks, index_generator, perfect, seed_everything


@dataclass(frozen=True)
class Member:
    seed: int  # initial weights and minibatch draws
    rows: torch.Tensor  # the pool rows this member trains on, on the pool's device


def train_ensemble(build: Callable[[], nn.Module], members: list[Member], x: torch.Tensor, y: torch.Tensor,
                   steps: int, batch_size: int, lr: float, stop: StopRule | None = None) -> list[tuple[nn.Module, int]]:
    """Train one net per member on x[member.rows], y[member.rows] with Adam; returns (net, steps taken) per member.

    Every member needs the same minibatch size, min(batch_size, its examples). A member the stop rule ends
    leaves the ensemble, so the others run on without paying for it.
    """
    sizes = {min(batch_size, len(m.rows)) for m in members}
    if len(sizes) != 1:
        raise ValueError(f"members of one ensemble need one minibatch size, got {sorted(sizes)}")
    nets = []
    for member in members:
        seed_everything(member.seed)
        nets.append(build().to(x.device))
    stacked, buffers = stack_module_state(nets)
    base = copy.deepcopy(nets[0]).to("meta")
    forward = vmap(lambda p, b, xb: functional_call(base, (p, b), (xb,)))
    state = _State({k: v.detach().clone().requires_grad_() for k, v in stacked.items()}, buffers, lr)
    active = list(range(len(members)))
    draws = [index_blocks(len(m.rows), steps, batch_size, index_generator(x.device, m.seed)) for m in members]
    taken = [steps] * len(members)
    streak = torch.zeros(len(members), dtype=torch.long, device=x.device)
    step = 0
    while active and step < steps:
        rows = torch.stack([members[i].rows[next(draws[i])] for i in active])  # (members, block steps, batch)
        for j in range(rows.shape[1]):
            step += 1
            xb, yb = x[rows[:, j]], y[rows[:, j]]
            logits = forward(state.params, state.buffers, xb)
            loss = nn.functional.cross_entropy(logits.flatten(0, 1), yb.flatten(), reduction="sum") / yb.shape[1]
            state.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            state.optimizer.step()
            if stop:
                streak = (streak + 1) * perfect(logits.detach(), yb)
                if step % stop.check_every == 0:
                    done = (streak >= stop.window).tolist()
                    if any(done):
                        keep = [k for k, d in enumerate(done) if not d]
                        for k, d in enumerate(done):
                            if d:
                                nets[active[k]] = _unstacked(nets[active[k]], state, k)
                                taken[active[k]] = step
                        active = [active[k] for k in keep]
                        if not active:
                            break
                        rows, streak, state = rows[keep], streak[keep], state.keep(keep)
    for k, i in enumerate(active):
        nets[i] = _unstacked(nets[i], state, k)
    return list(zip(nets, taken))


class _State:
    """The stacked parameters of the members still training, with their Adam optimizer."""

    def __init__(self, params: dict[str, torch.Tensor], buffers: dict[str, torch.Tensor], lr: float):
        self.params, self.buffers, self.lr = params, buffers, lr
        self.optimizer = adam(params.values(), lr)

    def keep(self, positions: list[int]) -> _State:
        """The same state for the members at `positions` only, Adam's moments and step count included."""
        index = torch.tensor(positions, dtype=torch.long, device=next(iter(self.params.values())).device)
        kept = _State({k: v.detach()[index].clone().requires_grad_() for k, v in self.params.items()},
                      {k: v[index] for k, v in self.buffers.items()}, self.lr)
        for old, new in zip(self.params.values(), kept.params.values()):
            moments = self.optimizer.state.get(old)
            if moments:
                kept.optimizer.state[new] = {k: v if k == "step" else v[index].clone() for k, v in moments.items()}
        return kept


def _unstacked(net: nn.Module, state: _State, position: int) -> nn.Module:
    """`net` holding the weights of the member at `position` of the stacked state."""
    weights = {k: v.detach()[position] for k, v in {**state.params, **state.buffers}.items()}
    net.load_state_dict(weights)
    return net
